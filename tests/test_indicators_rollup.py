"""Property tests: the roll-up of a set of communes equals the direct computation over them.

For random records on the communes of a fresh province (nothing on the province itself), for every
indicator of the catalogue:
- rollup "sum": the province's value (one grouped query by province) is the sum of its communes'
  numerators and denominators (one grouped query by commune) — never an average of percentages;
- rollup "communes": each commune gives 0 or 1 over 1, and the province counts its communes that give 1
  over the number of its communes;
- restricting the commune computation to a random subset gives the same values for that subset.
Each example builds its records with bulk_create inside a savepoint that is rolled back.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pcmd.aggregates.services import refresh_for
from pcmd.core.periods import Period
from pcmd.enforcement.models import CriminalCase
from pcmd.geo.models import AdminUnit, Level
from pcmd.hotspots.models import Hotspot, HotspotEvent, HotspotStatus
from pcmd.indicators import engine
from pcmd.indicators.catalogue import CATALOGUE
from pcmd.indicators.computations.outreach import PRESS_KINDS
from pcmd.indicators.engine import Value, compute, group_totals
from pcmd.inspections.models import Visit
from pcmd.org.models import Agency
from pcmd.outreach.models import (
    Activity,
    ActivityKind,
    Audience,
    Commitment,
    Course,
    Denominator,
    Integration,
    Participant,
    StaffMember,
    TrainingLevel,
)
from pcmd.plans.models import Plan, PlanStatus
from pcmd.tips.models import Tip, TipOutcome
from pcmd.venues.models import Establishment, EstablishmentStatus, EstablishmentType

pytestmark = pytest.mark.django_db

N = 4  # communes of the test province
VN = ZoneInfo("Asia/Ho_Chi_Minh")
Y0 = datetime.date(2011, 1, 1)

unit = st.integers(0, N - 1)
day = st.integers(-60, 425).map(lambda n: Y0 + datetime.timedelta(days=n))
maybe_day = st.one_of(st.none(), day)
STATUSES = list(HotspotStatus.values)

RECORDS = st.fixed_dictionaries({
    # (commune, status, has a managing agency, commitment date)
    "establishments": st.lists(st.tuples(unit, st.sampled_from(EstablishmentStatus.values), st.booleans(), maybe_day),
                               max_size=8),
    "visits": st.lists(st.tuples(st.integers(0, 7), day), max_size=10),  # (establishment index, date)
    # (commune, received, hour, days to due, days to handled or None, outcome)
    "tips": st.lists(st.tuples(unit, day, st.integers(0, 23), st.integers(0, 40),
                               st.one_of(st.none(), st.integers(0, 60)),
                               st.sampled_from(["", TipOutcome.DUPLICATE, TipOutcome.SPAM, TipOutcome.INSPECTION])),
                     max_size=8),
    # (commune, detected, days to initiated / indicted / tried or None)
    "cases": st.lists(st.tuples(unit, day, st.lists(st.one_of(st.none(), st.integers(0, 200)), min_size=3, max_size=3)),
                      max_size=6),
    # (commune, first identified, events (date, to status, is re-emergence))
    "hotspots": st.lists(st.tuples(unit, day, st.lists(st.tuples(day, st.sampled_from(STATUSES), st.booleans()),
                                                       max_size=3)), max_size=5),
    "plans": st.lists(st.tuples(unit, st.sampled_from(["2010", "2011", "2012", "2006-2010", "2011-2015", ""]),
                                st.sampled_from(PlanStatus.values)), max_size=5),
    # (commune, date, est workers, industrial workers, students reached, a press item, covers hamlet 0)
    "activities": st.lists(st.tuples(unit, day, st.integers(0, 50), st.integers(0, 50), st.integers(0, 50),
                                     st.booleans(), st.booleans()), max_size=8),
    "denominators": st.lists(st.tuples(unit, st.sampled_from([Audience.EST_WORKERS, Audience.IP_WORKERS,
                                                              Audience.HS_STUDENTS]), st.integers(0, 500)),
                             max_size=6, unique_by=lambda t: (t[0], t[1])),
    "staff": st.lists(st.tuples(unit, st.booleans(), maybe_day), max_size=6),  # (commune, active, course start)
    "integrations": st.lists(st.tuples(unit, st.sampled_from([2010, 2011, 2012]), st.booleans()), max_size=4,
                             unique_by=lambda t: (t[0], t[1])),
    "entered": st.lists(st.tuples(unit, st.sampled_from(["2011", "2011Q1", "2011Q2"]), st.integers(0, 50),
                                  st.integers(0, 50)), max_size=4, unique_by=lambda t: (t[0], t[1])),
})
PERIODS = st.sampled_from(["2011", "2011Q1", "2011Q4", "2011S2", "201103", "2010-2012"])
SUBSETS = st.lists(unit, unique=True, max_size=N)


@pytest.fixture
def province(db):
    p = AdminUnit.objects.create(code="A2R", name="Tỉnh Cộng Dồn", level=Level.PROVINCE, path="A2R/")
    p.province = p
    p.save()
    communes, hamlets = [], []
    for n in range(N):
        c = AdminUnit.objects.create(code=f"A2R{n}", name=f"Xã Cộng Dồn {n}", level=Level.COMMUNE, parent=p,
                                     province=p, path=f"A2R/A2R{n}/")
        communes.append(c)
        hamlets.append([AdminUnit.objects.create(code=f"A2R{n}.{h}", name=f"Thôn {n}.{h}", level=Level.HAMLET,
                                                 parent=c, province=p, path=f"A2R/A2R{n}/{h}/") for h in (1, 2)])
    agency = Agency(name="Cơ quan cộng dồn", unit=p)
    agency.save()
    kinds = (ActivityKind.objects.exclude(code__in=PRESS_KINDS).order_by("pk").first(),
             ActivityKind.objects.filter(code__in=PRESS_KINDS).order_by("pk").first() or
             ActivityKind.objects.create(code=PRESS_KINDS[0], name="Báo chí"))
    return p, communes, hamlets, agency, kinds


def build(data, p, communes, hamlets, agency, kinds):
    """Bulk-create the drawn records (province set by hand: bulk_create skips UnitScopedModel.save)."""
    def scoped(i):
        return {"unit": communes[i], "province": p}

    etype = EstablishmentType.objects.order_by("pk").first()
    ests = Establishment.objects.bulk_create([
        Establishment(name=f"cs{k}", type=etype, address="x", status=status,
                      managing_agency=agency if managed else None, **scoped(i))
        for k, (i, status, managed, _) in enumerate(data["establishments"])])
    Commitment.objects.bulk_create([
        Commitment(establishment=e, date=signed, signed_by="x")
        for e, (_, _, _, signed) in zip(ests, data["establishments"], strict=True) if signed])
    if ests:
        Visit.objects.bulk_create([Visit(establishment=ests[k % len(ests)], date=d, unit=ests[k % len(ests)].unit,
                                         province=p) for k, d in data["visits"]])
    Tip.objects.bulk_create([
        Tip(code=f"A2R-{k}", channel="hotline", summary="x", description="x", outcome=outcome,
            received_at=datetime.datetime.combine(d, datetime.time(hour), tzinfo=VN),
            due_date=d + datetime.timedelta(days=due),
            handled_on=None if handled is None else d + datetime.timedelta(days=handled), **scoped(i))
        for k, (i, d, hour, due, handled, outcome) in enumerate(data["tips"])])

    def after(d, n):
        return None if n is None else d + datetime.timedelta(days=n)

    CriminalCase.objects.bulk_create([
        CriminalCase(name="x", offence="327", detected_on=d, initiated_on=after(d, a), indicted_on=after(d, b),
                     tried_on=after(d, c), **scoped(i)) for i, d, (a, b, c) in data["cases"]])
    spots = Hotspot.objects.bulk_create([Hotspot(name="x", first_identified=d, **scoped(i))
                                         for i, d, _ in data["hotspots"]])
    HotspotEvent.objects.bulk_create([
        HotspotEvent(hotspot=h, date=d, to_status=to, is_reemergence=again)
        for h, (_, _, events) in zip(spots, data["hotspots"], strict=True) for d, to, again in events])
    Plan.objects.bulk_create([Plan(title="x", period=code, status=status, **scoped(i))
                              for i, code, status in data["plans"]])
    acts = Activity.objects.bulk_create([
        Activity(date=d, kind=kinds[press], topic="x", reach_est_workers=w, reach_ip_workers=ip, reach_hs_students=s,
                 **scoped(i)) for i, d, w, ip, s, press, _ in data["activities"]])
    Activity.hamlets.through.objects.bulk_create([
        Activity.hamlets.through(activity=a, adminunit=hamlets[row[0]][0])
        for a, row in zip(acts, data["activities"], strict=True) if row[6]])
    Denominator.objects.bulk_create([Denominator(year=2011, group=g, value=v, source="x", as_of=Y0, **scoped(i))
                                     for i, g, v in data["denominators"]])
    staff = StaffMember.objects.bulk_create([StaffMember(full_name="x", category="can_bo", is_active=active,
                                                         **scoped(i)) for i, active, _ in data["staff"]])
    for member, (i, _, start) in zip(staff, data["staff"], strict=True):
        if start:
            course = Course.objects.bulk_create([Course(title="x", level=TrainingLevel.COMMUNE, start_date=start,
                                                        end_date=start, **scoped(i))])[0]
            Participant.objects.bulk_create([Participant(course=course, staff=member, attended=True)])
    Integration.objects.bulk_create([
        Integration(year=year, with_hiv=named, document_number="x", document_date=Y0, document_title="x", **scoped(i))
        for i, year, named in data["integrations"]])
    from pcmd.indicators.models import DataValue

    DataValue.objects.bulk_create([
        DataValue(indicator="SUPPORT_ACCESS", period=code, period_kind=Period.parse(code).kind,
                  period_start=Period.parse(code).start, period_end=Period.parse(code).end, numerator=num,
                  denominator=num + extra, **scoped(i))
        for i, code, num, extra in data["entered"]])


def _zero(indicator):
    return Value(0, None if indicator.metric == "count" else 0)


def _pair(value):
    return (value.numerator, value.denominator)


def _codes():
    engine._load()
    return [i for i in CATALOGUE if i.code in engine.COMPUTATIONS or i.source == "entered"]


@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=RECORDS, code=PERIODS, subset=SUBSETS)
def test_rollup_of_communes_equals_direct_computation(province, data, code, subset):
    p, communes, hamlets, agency, kinds = province
    period = Period.parse(code)
    ids = [c.pk for c in communes]
    with transaction.atomic():
        build(data, p, communes, hamlets, agency, kinds)
        refresh_for([p.pk, *ids])  # bulk writes refresh the aggregates of the units they wrote to
        for indicator in _codes():
            per_commune = compute(indicator, level="commune", units=ids, period=period)
            assert set(per_commune) <= set(ids), indicator.code
            direct = compute(indicator, level="province", units=[p], period=period).get(p.pk, _zero(indicator))
            if indicator.rollup == "sum":
                rolled = group_totals(per_commune, dict.fromkeys(ids, p.pk)).get(p.pk, Value(0, None))
                expected = _zero(indicator) + rolled
                assert _pair(direct) == _pair(expected), (indicator.code, code)
            else:
                assert set(per_commune) == set(ids), indicator.code
                assert all(_pair(v) in ((0, 1), (1, 1)) for v in per_commune.values()), indicator.code
                met = sum(1 for v in per_commune.values() if v.numerator == 1)
                assert _pair(direct) == (met, N), (indicator.code, code)
            chosen = [ids[i] for i in subset]
            restricted = compute(indicator, level="commune", units=chosen, period=period)
            assert restricted == {k: v for k, v in per_commune.items() if k in chosen}, indicator.code
        transaction.set_rollback(True)


def test_property_test_covers_every_computed_indicator():
    # Every indicator of the catalogue has a computation, so the property above checks them all.
    assert [i.code for i in _codes()] == [i.code for i in CATALOGUE]
