"""Registry indicators on a hand-computed fixture: a fresh province with two communes, year 2011.

The demo data has nothing dated 2011, so the country values of the dated indicators are exactly the
fixture's. Every number below is counted by hand from the records in `world` (see the comments).
"""

import datetime
from zoneinfo import ZoneInfo

import pytest

from pcmd.core.periods import Period
from pcmd.enforcement.models import CriminalCase
from pcmd.geo.models import AdminUnit, Level
from pcmd.hotspots.models import Hotspot, HotspotEvent, HotspotStatus
from pcmd.hotspots.selectors import hotspot_counts
from pcmd.indicators import engine
from pcmd.indicators.catalogue import BY_CODE, CATALOGUE, ROLLUPS, SOURCES
from pcmd.indicators.engine import COUNTRY, Value, compute, monthly_series
from pcmd.inspections.models import Visit
from pcmd.org.models import Agency
from pcmd.plans.models import Plan, PlanStatus
from pcmd.tips.models import Tip, TipOutcome
from pcmd.venues.models import Establishment, EstablishmentStatus, EstablishmentType

pytestmark = pytest.mark.django_db

Y = 2011
VN = ZoneInfo("Asia/Ho_Chi_Minh")
D = datetime.date


def at(*args):
    return datetime.datetime(*args, tzinfo=VN)


@pytest.fixture
def world(db):
    p = AdminUnit.objects.create(code="A2E", name="Tỉnh Chỉ Số", level=Level.PROVINCE, path="A2E/")
    p.province = p
    p.save()
    c1, c2 = (AdminUnit.objects.create(code=f"A2E{n}", name=f"Xã Chỉ Số {n}", level=Level.COMMUNE, parent=p,
                                       province=p, path=f"A2E/A2E{n}/") for n in (1, 2))
    agency = Agency(name="Phòng Văn hóa - Xã hội thử", unit=p)
    agency.save()
    etype = EstablishmentType.objects.order_by("pk").first()

    def est(unit, name, status=EstablishmentStatus.OPERATING, managed=True):
        e = Establishment(name=name, type=etype, address="Số 1", unit=unit, status=status,
                          managing_agency=agency if managed else None)
        e.save()
        return e

    e1, e2 = est(c1, "e1"), est(c1, "e2", managed=False)
    e3 = est(c1, "e3", status=EstablishmentStatus.CLOSED)
    e4, e5 = est(c2, "e4"), est(c2, "e5")
    # Profiles last touched long ago, except e4 (late on Dec 31) and e5 (just after the year).
    Establishment.objects.filter(pk__in=[e1.pk, e2.pk, e3.pk]).update(updated_at=at(2006, 1, 1))
    Establishment.objects.filter(pk=e4.pk).update(updated_at=at(Y, 12, 31, 23, 30))
    Establishment.objects.filter(pk=e5.pk).update(updated_at=at(Y + 1, 1, 1, 0, 30))
    for e, day in ((e1, D(Y, 3, 31)), (e2, D(Y, 4, 1)), (e3, D(Y, 2, 1)), (e5, D(Y - 1, 6, 1))):
        Visit.objects.create(establishment=e, unit=e.unit, date=day)

    def tip(code, unit, received, due=None, handled=None, outcome=""):
        Tip.objects.create(code=code, unit=unit, channel="hotline", received_at=received, summary=code,
                           description=code, due_date=due, handled_on=handled, outcome=outcome)

    tip("A2T1", c1, at(Y, 12, 31, 23, 30))  # Dec 31 local (16:30 UTC): in Y
    tip("A2T2", c1, at(Y + 1, 1, 1, 0, 10))  # Dec 31 17:10 UTC, but Jan 1 local: not in Y
    tip("A2T3", c1, at(Y, 3, 1, 10), due=D(Y, 3, 20), handled=D(Y, 3, 20))  # on time, Q1
    tip("A2T4", c1, at(Y, 3, 1, 10), due=D(Y, 3, 31), handled=D(Y, 4, 2))  # overdue at Q1's end, late in Q2
    tip("A2T5", c1, at(Y, 2, 1), due=D(Y, 3, 1), handled=D(Y, 2, 5), outcome=TipOutcome.DUPLICATE)  # never
    tip("A2T6", c2, at(Y, 5, 1), due=D(Y, 6, 30))  # never handled: overdue from Q2
    tip("A2T7", c2, at(Y, 5, 2), due=D(Y, 5, 20), handled=D(Y, 5, 2), outcome=TipOutcome.SPAM)  # on time

    Plan.objects.create(unit=c1, title="KH 2011", period=str(Y), status=PlanStatus.ISSUED)
    Plan.objects.create(unit=c2, title="KH giai đoạn", period="2006-2010", status=PlanStatus.ISSUED)
    Plan.objects.create(unit=c2, title="KH 2011 dự thảo", period=str(Y), status=PlanStatus.DRAFT)
    Plan.objects.create(unit=c2, title="KH không ghi kỳ", period="", status=PlanStatus.ISSUED)
    Plan.objects.create(unit=p, title="KH của tỉnh", period=str(Y), status=PlanStatus.ISSUED)

    def case(unit, name, detected, initiated=None, indicted=None, tried=None):
        CriminalCase.objects.create(unit=unit, name=name, offence="327", detected_on=detected,
                                    initiated_on=initiated, indicted_on=indicted, tried_on=tried)

    case(c1, "k1", D(Y, 3, 31), D(Y, 4, 10), D(Y, 6, 30), D(Y, 7, 1))
    case(c1, "k2", D(Y, 6, 30))
    case(c2, "k3", D(Y - 1, 12, 31), D(Y, 1, 5), D(Y, 2, 1), D(Y, 12, 31))
    case(p, "k4", D(Y, 5, 5), D(Y, 5, 6), D(Y, 11, 1))  # detected by the province itself

    h1 = Hotspot.objects.create(unit=c1, name="h1", first_identified=D(Y, 3, 31))
    h2 = Hotspot.objects.create(unit=c2, name="h2", first_identified=D(Y - 1, 5, 1))
    A, S = HotspotStatus.ACTIVE, HotspotStatus.SUPPRESSED
    HotspotEvent.objects.bulk_create([
        HotspotEvent(hotspot=h1, date=D(Y, 6, 1), from_status=A, to_status=S),
        HotspotEvent(hotspot=h1, date=D(Y, 9, 1), from_status=S, to_status=A, is_reemergence=True),
        HotspotEvent(hotspot=h1, date=D(Y, 10, 1), from_status=A, to_status=S),  # suppressed twice: one hotspot
        HotspotEvent(hotspot=h2, date=D(Y - 1, 12, 31), from_status=A, to_status=S),
        HotspotEvent(hotspot=h2, date=D(Y, 1, 1), from_status=S, to_status=A, is_reemergence=True),
    ])
    return p, c1, c2


def values(code, world, period):
    """(commune values, province value, country value) as (numerator, denominator) pairs."""
    p, c1, c2 = world
    period = Period.parse(period)
    communes = compute(code, level="commune", units=[c1, c2], period=period)
    province = compute(code, level="province", units=[p], period=period)
    country = compute(code, level="country", units=None, period=period)[COUNTRY]

    def pair(v):
        return None if v is None else (v.numerator, v.denominator)

    return ({k: pair(v) for k, v in communes.items()}, pair(province.get(p.pk)), pair(country))


def ids(world, c1=None, c2=None):
    _, a, b = world
    return {k: v for k, v in ((a.pk, c1), (b.pk, c2)) if v is not None}


# (code, period, commune 1, commune 2, province, country; None = no entry; "sum" = sum of provinces)
CASES = [
    # Establishments: C1 e1 e2 operating (+ e3 closed), C2 e4 e5.
    ("VENUES_INSPECTED", "2011", (2, 2), (0, 2), (2, 4), "sum"),
    ("VENUES_INSPECTED", "2011Q1", (1, 2), (0, 2), (1, 4), "sum"),  # e1 on Mar 31 counts in Q1
    ("VENUES_INSPECTED", "2011Q2", (1, 2), (0, 2), (1, 4), "sum"),
    # Managed: agency AND (profile updated or visited within the year to the period's end).
    ("VENUES_MANAGED", "2011", (1, 2), (1, 2), (2, 4), "sum"),  # e1 visited, e4 updated Dec 31 23:30
    ("VENUES_MANAGED", "2011Q1", (1, 2), (1, 2), (2, 4), "sum"),  # e1 (Mar 31), e5 (visit 2010-06-01)
    ("VISITS_MADE", "2011", (3, None), None, (3, None), (3, None)),
    ("VISITS_MADE", "2011Q1", (2, None), None, (2, None), (2, None)),
    ("VISITS_MADE", "2011Q2", (1, None), None, (1, None), (1, None)),
    # Tips: T1 at 23:30 Dec 31 local is in 2011, T2 at 00:10 Jan 1 is not; duplicates and spam excluded.
    ("TIPS_RECEIVED", "2011", (3, None), (1, None), (4, None), (4, None)),
    ("TIPS_RECEIVED", "2011Q4", (1, None), None, (1, None), (1, None)),
    ("TIPS_RECEIVED", "2012", (1, None), None, (1, None), "sum"),
    ("TIPS_ON_TIME", "2011Q1", (1, 2), None, (1, 2), (1, 2)),  # T3 on time, T4 overdue at the end of Q1
    ("TIPS_ON_TIME", "2011Q2", (0, 1), (1, 2), (1, 3), (1, 3)),  # T4 late; T7 on time, T6 overdue
    ("TIPS_ON_TIME", "2011", (1, 2), (1, 2), (2, 4), (2, 4)),
    # Plans: C1 issued 2011; C2 issued 2006-2010 (+ a draft 2011, an issued one without period).
    ("COMMUNES_WITH_PLAN", "2011", (1, 1), (0, 1), (1, 2), "sum"),
    ("COMMUNES_WITH_PLAN", "2010", (0, 1), (1, 1), (1, 2), "sum"),
    ("COMMUNES_WITH_PLAN", "2011S2", (1, 1), (0, 1), (1, 2), "sum"),
    ("COMMUNES_WITH_PLAN", "2006-2010", (0, 1), (1, 1), (1, 2), "sum"),
    ("COMMUNES_WITH_PLAN", "2010-2011", (1, 1), (1, 1), (2, 2), "sum"),
    # Cases: k1 k2 in C1, k3 in C2 (detected 2010), k4 on the province itself.
    ("CASES_DETECTED", "2011", (2, None), None, (3, None), (3, None)),
    ("CASES_DETECTED", "2011Q1", (1, None), None, (1, None), (1, None)),  # k1 on Mar 31
    ("CASES_DETECTED", "2010Q4", None, (1, None), (1, None), "sum"),  # k3 on Dec 31
    ("CASES_TRIED", "2011", (1, 1), (1, 1), (2, 3), (2, 3)),  # k3 tried on Dec 31 counts; k4 not tried
    ("CASES_TRIED", "2011Q2", (0, 1), None, (0, 1), (0, 1)),  # k1 indicted Jun 30, tried Jul 1
    ("CRIMES_HANDLED", "2011", (1, 2), None, (2, 3), (2, 3)),
    ("CRIMES_HANDLED", "2011Q1", (0, 1), None, (0, 1), (0, 1)),  # k1 initiated only in April
    # Hotspots: h1 new Mar 31, suppressed twice, re-emerged once; h2 suppressed Dec 31 2010, back Jan 1.
    ("HOTSPOTS_NEW", "2011", (1, None), None, (1, None), (1, None)),
    ("HOTSPOTS_NEW", "2011Q1", (1, None), None, (1, None), (1, None)),
    ("HOTSPOTS_SUPPRESSED", "2011", (1, None), None, (1, None), (1, None)),
    ("HOTSPOTS_SUPPRESSED", "2010", None, (1, None), (1, None), "sum"),
    ("HOTSPOTS_REEMERGED", "2011", (1, None), (1, None), (2, None), (2, None)),
    ("HOTSPOTS_REEMERGED", "2011Q1", None, (1, None), (1, None), (1, None)),
]


@pytest.mark.parametrize(("code", "period", "c1", "c2", "province", "country"), CASES,
                         ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_indicator_on_hand_computed_fixture(world, code, period, c1, c2, province, country):
    communes, got_province, got_country = values(code, world, period)
    assert communes == ids(world, c1, c2)
    assert got_province == province
    if country == "sum":  # the state indicators include the demo's establishments and communes
        total = Value(0, None if BY_CODE[code].metric == "count" else 0)
        for v in compute(code, level="province", units=None, period=Period.parse(period)).values():
            total = total + v
        country = (total.numerator, total.denominator)
    assert got_country == country


def test_every_registry_indicator_is_tested():
    # Outreach: test_indicators_outreach.py; support: test_support_figures.py.
    registry = {i.code for i in CATALOGUE if i.source not in ("outreach", "entered", "support")}
    assert registry == {c[0] for c in CASES}


def test_percent_is_numerator_over_denominator_never_an_average(world):
    p, _, _ = world
    # C1 0/1 and C2 1/2 in Q2: the province is 1/3 = 33.3 %, not the mean of 0 % and 50 %.
    value = compute("TIPS_ON_TIME", level="province", units=[p], period=Period.parse("2011Q2"))[p.pk]
    assert round(value.value, 1) == 33.3


def test_hotspot_counts_match_the_hotspots_page(world):
    p, c1, c2 = world
    for code in ("2011", "2010", "2011Q3"):
        period = Period.parse(code)
        page = hotspot_counts(queryset=Hotspot.objects.filter(province=p), period=period)
        by_unit = {r.unit_id: r for r in page.rows}
        for indicator, field in (("HOTSPOTS_NEW", "new"), ("HOTSPOTS_SUPPRESSED", "suppressed"),
                                 ("HOTSPOTS_REEMERGED", "reemerged")):
            got = compute(indicator, level="commune", units=[c1, c2], period=period)
            for unit in (c1, c2):
                expected = getattr(by_unit[unit.pk], field) if unit.pk in by_unit else 0
                assert (got[unit.pk].numerator if unit.pk in got else 0) == expected, (indicator, code, unit)


def test_monthly_series_for_forecasts(world):
    p, c1, _ = world
    # T3, T4 in March, T6 in May, T1 on Dec 31 at 23:30 local (December, not January of the next year).
    assert monthly_series("TIPS_RECEIVED", level="province", units=[p], year=Y) == [0, 0, 2, 0, 1, 0, 0, 0, 0, 0, 0, 1]
    assert monthly_series("CASES_DETECTED", level="province", units=[p], year=Y) == [0, 0, 1, 0, 1, 1] + [0] * 6
    assert monthly_series("CASES_DETECTED", level="commune", units=[c1], year=Y) == [0, 0, 1, 0, 0, 1] + [0] * 6
    assert sum(monthly_series("VISITS_MADE", level="country", units=None, year=Y)) == 3
    with pytest.raises(ValueError):
        monthly_series("TIPS_ON_TIME", level="province", units=[p], year=Y)


def test_catalogue_is_complete():
    for indicator in CATALOGUE:
        assert indicator.definition and indicator.numerator and indicator.agency and indicator.frequency
        assert indicator.source in SOURCES and indicator.rollup in ROLLUPS
        assert (indicator.denominator == "") == (indicator.metric == "count"), indicator.code
        assert not indicator.forecast or indicator.metric == "count", indicator.code
    communes = {i.code for i in CATALOGUE if i.rollup == "communes"}
    assert communes == {"COMM_COMMUNES", "COMMUNES_WITH_PLAN", "COMMUNES_INTEGRATING"}


def test_every_indicator_has_a_computation():
    engine._load()
    for indicator in CATALOGUE:
        assert indicator.code in engine.COMPUTATIONS or indicator.source == "entered", indicator.code


def test_generated_docs_are_current():
    # docs/indicators.md is generated from the catalogue; `make test` runs the same check.
    from django.core.management import call_command

    call_command("indicators_doc", check=True)


def test_no_units_no_values(world):
    for indicator in CATALOGUE:
        for level in ("commune", "province"):
            assert compute(indicator, level=level, units=[], period=Period.parse("2011")) == {}


def test_cases_and_coverage_match_their_pages(world):
    from pcmd.enforcement.selectors import case_statistics

    p, c1, c2 = world
    for code in ("2011", "2011Q1", "2011Q2", "2011S2"):
        period = Period.parse(code)
        rows, _ = case_statistics(queryset=CriminalCase.objects.filter(province=p), period=period)
        page = {r.unit_id: (r.cohort_tried, r.cohort_indicted) for r in rows if r.cohort_indicted}
        got = compute("CASES_TRIED", level="commune", units=[c1, c2, p], period=period)
        assert {k: (v.numerator, v.denominator) for k, v in got.items()} == page
        operating = Establishment.objects.filter(province=p, unit__in=[c1, c2], status=EstablishmentStatus.OPERATING)
        covered = {}
        for e in operating:  # by hand: one establishment at a time
            visited = e.visits.filter(date__gte=period.start, date__lte=period.end).exists()
            num, den = covered.get(e.unit_id, (0, 0))
            covered[e.unit_id] = (num + visited, den + 1)
        got = compute("VENUES_INSPECTED", level="commune", units=[c1, c2], period=period)
        assert {k: (v.numerator, v.denominator) for k, v in got.items()} == covered


@pytest.mark.parametrize("period_code", ["2011", "2011Q4", "2026"])
def test_breakdown_gives_the_same_rows_and_totals_as_compute(world, hai_phong, period_code):
    """The scorecard's shortcut (rows grouped by unit, own units included, summed) equals the province
    and country computations, also with a record on the province itself (the fixture's case)."""
    period = Period.parse(period_code)
    ha_noi = AdminUnit.objects.get(level=Level.PROVINCE, name="Thành phố Hà Nội")  # the demo's richest data
    for parent in (world[0], hai_phong, ha_noi):
        rows, totals = engine.breakdown([i.code for i in CATALOGUE], parent=parent, period=period)
        children = list(engine.communes_of([parent.pk]).values_list("pk", flat=True))
        for indicator in CATALOGUE:
            direct = engine.compute(indicator, level="province", units=[parent.pk], period=period).get(parent.pk)
            expected = direct.value if direct is not None else (0 if indicator.metric == "count" else None)
            assert totals[indicator.code].value == pytest.approx(expected), indicator.code
            assert rows[indicator.code] == engine.compute(indicator, level="commune", units=children, period=period)
    rows, totals = engine.breakdown([i.code for i in CATALOGUE], parent=None, period=period)
    for indicator in CATALOGUE:
        country = engine.compute(indicator, level="country", units=None, period=period)[engine.COUNTRY]
        assert totals[indicator.code] == country, indicator.code
