"""Outreach indicators of the engine on a hand-computed fixture: a fresh province with three communes.

Last year (every quarter ended). Rules: the province asks 1 activity in 3 quarters; commune C2 asks
2 activities in 1 quarter; C1 and C3 follow the province.

- C1: activities in Q1 (hamlets h1 h2 h3), Q2 (h1 h2 h3), Q3 (h1 h3, a press item), Q4 (h1, November)
  -> commune met; h1 (4 quarters) and h3 (3) met, h2 (2) not.
- C2: two activities in Q1 (one covering h4), one in Q2 (h4) -> commune met (Q1 has 2); h4 not (1 a quarter).
- C3: nothing, no hamlets. The province itself holds one activity (not a commune: no regularity).
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pcmd.core.periods import Period
from pcmd.geo.models import AdminUnit, Level
from pcmd.indicators import engine
from pcmd.indicators.catalogue import BY_CODE
from pcmd.outreach.catalogue import KINDS
from pcmd.outreach.models import (
    Activity,
    ActivityKind,
    Commitment,
    Course,
    Denominator,
    Integration,
    Participant,
    RegularityRule,
    StaffMember,
    TrainingLevel,
)
from pcmd.venues.models import EstablishmentStatus

from .test_inspections import make_establishment

pytestmark = pytest.mark.django_db
D = datetime.date
Y = timezone.localdate().year - 1

CODES = ["COMM_HAMLETS", "COMM_COMMUNES", "REACH_VENUE_WORKERS", "REACH_INDUSTRIAL_WORKERS", "REACH_STUDENTS",
         "STAFF_TRAINED", "STAFF_TRAINED_PROVINCE", "STAFF_TRAINED_COMMUNE", "COMM_SESSIONS", "PRESS_ITEMS",
         "COMMUNES_INTEGRATING", "COMMITMENTS_SIGNED"]


def kind(code):
    return ActivityKind.objects.get_or_create(code=code, defaults={"name": dict(KINDS)[code]})[0]


def activity(unit, date, hamlets=(), kind_code="hoi-nghi", **reach):
    a = Activity.objects.create(unit=unit, date=date, kind=kind(kind_code), topic="Tuyên truyền thử", **reach)
    a.hamlets.set(hamlets)
    return a


def staff(unit, name, active=True):
    return StaffMember.objects.create(unit=unit, full_name=name, category="can_bo", is_active=active)


def course(unit, level, start, people, attended=True):
    c = Course.objects.create(unit=unit, title="Lớp thử", level=level, start_date=start, end_date=start)
    for person in people:
        Participant.objects.create(course=c, staff=person, attended=attended)
    return c


def integration(unit, year, **programs):
    return Integration.objects.create(unit=unit, year=year, document_number="01/KH", document_date=D(year, 2, 1),
                                      document_title="Lồng ghép", **programs)


@pytest.fixture
def world(db):
    province = AdminUnit.objects.create(code="T71", name="Tỉnh Thử Chỉ Số", level=Level.PROVINCE, path="T71/")
    province.province = province
    province.save()
    c1, c2, c3 = (AdminUnit.objects.create(code=f"T71{n}", name=f"Xã Thử {n}", level=Level.COMMUNE, parent=province,
                                           province=province, path=f"T71/T71{n}/") for n in (1, 2, 3))
    h1, h2, h3 = (AdminUnit.objects.create(code=f"T711.{n}", name=f"Thôn {n}", level=Level.HAMLET, parent=c1,
                                           province=province, path=f"T71/T711/T711.{n}/") for n in (1, 2, 3))
    h4 = AdminUnit.objects.create(code="T712.4", name="Thôn 4", level=Level.HAMLET, parent=c2, province=province,
                                  path="T71/T712/T712.4/")
    RegularityRule.objects.create(unit=province, min_per_quarter=1, min_quarters=3)
    RegularityRule.objects.create(unit=c2, min_per_quarter=2, min_quarters=1)

    activity(c1, D(Y, 2, 10), [h1, h2, h3], reach_est_workers=30, reach_hs_students=10)
    activity(c1, D(Y, 5, 10), [h1, h2, h3], reach_ip_workers=50)
    activity(c1, D(Y, 8, 10), [h1, h3], kind_code="bao-chi", reach_uni_students=5)
    activity(c1, D(Y, 11, 10), [h1])
    activity(c2, D(Y, 1, 15), [h4], reach_est_workers=20)
    activity(c2, D(Y, 3, 15))
    activity(c2, D(Y, 4, 15), [h4])
    activity(province, D(Y, 6, 1), reach_est_workers=100, reach_voc_students=7)
    activity(c1, D(Y - 1, 6, 1), reach_est_workers=999)  # another year

    def base(unit, group, value, year=Y):
        Denominator.objects.create(unit=unit, year=year, group=group, value=value, source="Thử", as_of=D(year, 1, 1))

    base(c1, "est_workers", 100)
    base(c1, "hs_students", 40)
    base(c1, "uni_students", 60)
    base(c1, "ip_workers", 200)
    base(c2, "est_workers", 80)
    base(c2, "est_workers", 999, year=Y - 1)
    base(province, "est_workers", 1000)  # the province's own base replaces its communes' sum

    s1, s2 = staff(province, "Tỉnh Một"), staff(province, "Tỉnh Hai")
    s3 = staff(province, "Tỉnh Nghỉ", active=False)
    s4, s5, s6 = staff(c1, "Xã Một"), staff(c1, "Xã Hai"), staff(c1, "Xã Ba")
    s7 = staff(c2, "Xã Bốn")
    course(province, TrainingLevel.PROVINCE, D(Y, 10, 5), [s1, s3])
    course(c1, TrainingLevel.COMMUNE, D(Y, 4, 10), [s4, s7])
    course(c1, TrainingLevel.COMMUNE, D(Y, 4, 12), [s5], attended=False)
    course(c1, TrainingLevel.COMMUNE, D(Y - 1, 6, 1), [s6])
    _ = s2

    integration(c1, Y, with_hiv=True)
    integration(c2, Y)  # names no program
    integration(c3, Y - 1, with_drugs=True)

    e1, e2 = make_establishment(c1, name="Cơ sở Một"), make_establishment(c1, name="Cơ sở Hai")
    e3 = make_establishment(c1, name="Cơ sở Đóng", status=EstablishmentStatus.CLOSED)
    make_establishment(c2, name="Cơ sở Bốn")
    Commitment.objects.create(establishment=e1, date=D(Y, 3, 1), signed_by="A")
    Commitment.objects.create(establishment=e2, date=D(Y, 3, 1), signed_by="B", valid_until=D(Y, 6, 30))
    Commitment.objects.create(establishment=e3, date=D(Y, 3, 1), signed_by="C")
    return province, c1, c2, c3


def pairs(values):
    return {k: (v.numerator, v.denominator) for k, v in values.items()}


def at(code, level, units, period):
    return pairs(engine.compute(code, level=level, units=units, period=Period.parse(period)))


EXPECTED_COMMUNES = {  # code: (C1, C2, C3); None: no entry
    "COMM_HAMLETS": ((2, 3), (0, 1), None),
    "COMM_COMMUNES": ((1, 1), (1, 1), (0, 1)),
    "REACH_VENUE_WORKERS": ((30, 100), (20, 80), None),
    "REACH_INDUSTRIAL_WORKERS": ((50, 200), (0, 0), None),  # C2 has activities, none for this group
    "REACH_STUDENTS": ((15, 100), (0, 0), None),
    "STAFF_TRAINED": ((1, 3), (1, 1), None),
    "STAFF_TRAINED_PROVINCE": (None, None, None),
    "STAFF_TRAINED_COMMUNE": ((1, 3), (1, 1), None),
    "COMM_SESSIONS": ((3, None), (3, None), None),
    "PRESS_ITEMS": ((1, None), None, None),
    "COMMUNES_INTEGRATING": ((1, 1), (0, 1), (0, 1)),
    "COMMITMENTS_SIGNED": ((1, 2), (0, 1), None),
}
EXPECTED_PROVINCE = {
    "COMM_HAMLETS": (2, 4),
    "COMM_COMMUNES": (2, 3),
    "REACH_VENUE_WORKERS": (150, 1000),
    "REACH_INDUSTRIAL_WORKERS": (50, 200),
    "REACH_STUDENTS": (15, 100),  # C2's 7 students count nowhere: C2 has no base (else 22%)
    "STAFF_TRAINED": (3, 6),
    "STAFF_TRAINED_PROVINCE": (1, 2),
    "STAFF_TRAINED_COMMUNE": (2, 4),
    "COMM_SESSIONS": (7, None),
    "PRESS_ITEMS": (1, None),
    "COMMUNES_INTEGRATING": (1, 3),
    "COMMITMENTS_SIGNED": (1, 3),
}


def test_every_outreach_indicator_is_registered():
    assert set(CODES) <= set(BY_CODE)
    engine._load()
    assert set(CODES) <= set(engine.COMPUTATIONS)


@pytest.mark.parametrize("code", CODES)
def test_commune_level_year(world, code):
    province, c1, c2, c3 = world
    got = at(code, "commune", [c1, c2, c3], str(Y))
    expected = {u.pk: e for u, e in zip((c1, c2, c3), EXPECTED_COMMUNES[code], strict=True) if e is not None}
    assert got == expected


@pytest.mark.parametrize("code", CODES)
def test_province_level_year(world, code):
    province = world[0]
    assert at(code, "province", [province], str(Y)) == {province.pk: EXPECTED_PROVINCE[code]}


@pytest.mark.parametrize("code", CODES)
def test_country_is_the_sum_of_provinces(world, code):
    period = Period.parse(str(Y))
    provinces = engine.compute(code, level="province", units=None, period=period)
    total = engine.Value(0, None if BY_CODE[code].metric == "count" else 0)
    for value in provinces.values():
        total = total + value
    country = engine.compute(code, level="country", units=None, period=period)[engine.COUNTRY]
    assert (country.numerator, country.denominator) == (total.numerator, total.denominator)
    # Our province is part of it with exactly its own figures.
    assert pairs({0: provinces[world[0].pk]})[0] == EXPECTED_PROVINCE[code]


def test_no_denominator_is_no_data_not_zero_percent(world):
    _, _, c2, _ = world
    value = engine.compute("REACH_INDUSTRIAL_WORKERS", level="commune", units=[c2], period=Period.parse(str(Y)))
    assert value[c2.pk].value is None  # nothing reached, no base: no data
    activity(c2, D(Y, 7, 1), reach_ip_workers=9)
    value = engine.compute("REACH_INDUSTRIAL_WORKERS", level="commune", units=[c2], period=Period.parse(str(Y)))
    # Reach without a base is left out of the numerator too, so a province's share never mixes them.
    assert (value[c2.pk].numerator, value[c2.pk].denominator, value[c2.pk].value) == (0, 0, None)


def test_sub_year_periods(world):
    province, c1, c2, c3 = world
    communes = [c1, c2, c3]
    # Q1: one quarter asked. C1 one activity; C2 two (its rule asks 2); h1-h3 covered once, h4 once (< 2).
    assert at("COMM_COMMUNES", "commune", communes, f"{Y}Q1") == {c1.pk: (1, 1), c2.pk: (1, 1), c3.pk: (0, 1)}
    assert at("COMM_HAMLETS", "commune", communes, f"{Y}Q1") == {c1.pk: (3, 3), c2.pk: (0, 1)}
    # S2: two quarters; the province rule's 3 of 4 scales to ceil(1.5) = 2: C1 met (Q3, Q4), h1 met, h3 not.
    assert at("COMM_COMMUNES", "commune", communes, f"{Y}S2") == {c1.pk: (1, 1), c2.pk: (0, 1), c3.pk: (0, 1)}
    assert at("COMM_HAMLETS", "province", [province], f"{Y}S2") == {province.pk: (1, 4)}
    # November: inside a quarter that has not ended by the month's end, so one quarter is asked.
    assert at("COMM_COMMUNES", "commune", communes, f"{Y}11") == {c1.pk: (1, 1), c2.pk: (0, 1), c3.pk: (0, 1)}
    assert at("COMM_SESSIONS", "commune", communes, f"{Y}11") == {c1.pk: (1, None)}
    # S1: the Q3 press item and the October course are outside; e2's commitment is still valid on 30/6.
    assert at("PRESS_ITEMS", "province", [province], f"{Y}S1") == {}
    assert at("STAFF_TRAINED", "province", [province], f"{Y}S1") == {province.pk: (2, 6)}
    assert at("COMMITMENTS_SIGNED", "commune", communes, f"{Y}S1") == {c1.pk: (2, 2), c2.pk: (0, 1)}
    assert at("REACH_VENUE_WORKERS", "province", [province], f"{Y}S1") == {province.pk: (150, 1000)}
    # A phase asks its 20 quarters scaled (15 under the province rule): nobody is regular over 5 years
    # with one year of activities; C3's integration of the year before counts in the phase.
    phase = f"{Y - 4}-{Y}"
    assert at("COMM_COMMUNES", "province", [province], phase) == {province.pk: (0, 3)}
    assert at("COMMUNES_INTEGRATING", "commune", communes, phase) == {c1.pk: (1, 1), c2.pk: (0, 1), c3.pk: (1, 1)}


def test_counts_have_a_monthly_series(world):
    province = world[0]
    assert engine.monthly_series("COMM_SESSIONS", level="province", units=[province], year=Y) == [
        1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 0]
    assert engine.monthly_series("PRESS_ITEMS", level="province", units=[province], year=Y)[7] == 1


def test_one_grouped_query_per_call(world):
    """Set-wise: the number of queries does not grow with the number of units."""
    period = Period.parse(str(Y))
    engine._load()
    for code in CODES:
        with CaptureQueriesContext(connection) as ctx:
            engine.COMPUTATIONS[code](period, "unit", None)
        assert len(ctx.captured_queries) <= 3, code


@pytest.mark.parametrize("year_offset", [0, 1])
def test_the_regularity_table_agrees_with_the_indicators_on_demo_data(hai_phong, year_offset):
    """The outreach page's table (each commune's and hamlet's badge, selectors.regularity) counts up to
    the indicators its cards show (the other figures of the page are read from the engine itself)."""
    from pcmd.outreach import selectors

    today = timezone.localdate()
    year = today.year - year_offset
    period = Period.parse(str(year))
    communes = list(AdminUnit.objects.filter(province=hai_phong, level=Level.COMMUNE, is_active=True))
    regularity = selectors.regularity(communes, year, today)
    got = engine.compute("COMM_COMMUNES", level="province", units=[hai_phong], period=period)[hai_phong.pk]
    assert (got.numerator, got.denominator) == (sum(c.met for c in regularity.communes), len(communes))
    got = engine.compute("COMM_HAMLETS", level="province", units=[hai_phong], period=period)[hai_phong.pk]
    assert (got.numerator, got.denominator) == (sum(h.met for h in regularity.hamlets), len(regularity.hamlets))
    per_commune = engine.compute("COMM_HAMLETS", level="commune", units=communes, period=period)
    for status in regularity.communes[:20]:
        value = per_commune.get(status.unit.pk, engine.Value(0, 0))
        assert (value.numerator, value.denominator) == (status.hamlets_met, len(status.hamlets))
