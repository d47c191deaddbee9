"""Targets per unit and year on a hand-built province: own plans win, province targets are inherited."""

import datetime
from decimal import Decimal

import pytest

from pcmd.geo.models import AdminUnit, Level
from pcmd.indicators.targets import for_communes, for_province, targets_for, targets_panel
from pcmd.plans.models import Plan, PlanKind, PlanStatus, Target

pytestmark = pytest.mark.django_db


def target(plan, indicator, value, *, comparator="gte", year=None, scope="", metric="percent", text="", **extra):
    return Target.objects.create(plan=plan, indicator=indicator, value=Decimal(value), comparator=comparator,
                                 year=year, scope=scope, metric=metric, text=text or f"Chỉ tiêu {indicator}",
                                 **extra)


@pytest.fixture
def land(db):
    """Province T7C with communes A (own issued 2026 plan), B (draft only), C (none)."""
    province = AdminUnit.objects.create(code="T7C", name="Tỉnh Chỉ Tiêu", level=Level.PROVINCE, path="T7C/")
    province.province = province
    province.save()
    a, b, c = (AdminUnit.objects.create(code=f"T7C{n}", name=f"Xã {n}", level=Level.COMMUNE, parent=province,
                                        province=province, path=f"T7C/T7C{n}/") for n in "ABC")
    phase = Plan.objects.create(unit=province, number="07/KH-UBND", title="Kế hoạch giai đoạn", period="2026-2030",
                                kind=PlanKind.PHASE, status=PlanStatus.ISSUED, issue_date=datetime.date(2026, 1, 5))
    # A trajectory: 60% in 2026, 95% by 2030.
    target(phase, "VENUES_INSPECTED", 60, year=2026)
    target(phase, "VENUES_INSPECTED", 95, year=2030)
    # A split target: 80% at city level, 60% at commune level (same sentence).
    split = "80% cán bộ cấp thành phố và 60% cán bộ cấp xã được tập huấn"
    target(phase, "STAFF_TRAINED", 80, scope="cấp thành phố", text=split)
    target(phase, "STAFF_TRAINED", 60, scope="cấp xã, phường", text=split)
    target(phase, "TIPS_ON_TIME", 100, comparator="eq")  # no year: every year of the phase
    target(phase, "HOTSPOTS_NEW", 0, comparator="lte", metric="count")
    own = Plan.objects.create(unit=a, number="12/KH-UBND", title="Kế hoạch năm 2026", period="2026",
                              status=PlanStatus.ISSUED)
    target(own, "VENUES_INSPECTED", 70, year=2026)
    draft = Plan.objects.create(unit=b, title="Kế hoạch năm 2026 (dự thảo)", period="2026", status=PlanStatus.DRAFT)
    target(draft, "VENUES_INSPECTED", 90, year=2026)
    old = Plan.objects.create(unit=c, number="3/KH", title="Kế hoạch 2025", period="2025", status=PlanStatus.ISSUED)
    target(old, "VENUES_INSPECTED", 10)
    return province, a, b, c


def test_own_plan_wins_and_others_inherit_the_year_of_the_trajectory(land):
    province, a, b, c = land
    got = targets_for("VENUES_INSPECTED", level="commune", units=[a.pk, b.pk, c.pk], year=2026)
    assert {u: t.value for u, t in got.items()} == {a.pk: 70, b.pk: 60, c.pk: 60}
    assert not got[a.pk].inherited and got[b.pk].inherited and got[c.pk].inherited
    assert got[a.pk].plan_label == "Kế hoạch 12/KH-UBND"
    assert got[b.pk].plan_label == "Kế hoạch 07/KH-UBND"
    assert got[b.pk].comparator == "gte" and got[b.pk].year == 2026 and got[b.pk].milestone_year is None
    assert got[a.pk].label == "≥ 70%"


def test_a_year_between_milestones_takes_the_next_one_and_plans_outside_the_year_are_ignored(land):
    province, a, b, c = land
    got = targets_for("VENUES_INSPECTED", level="commune", units=[a.pk, c.pk], year=2027)
    # A's own plan is for 2026 only; the 2025 plan of C does not cover 2027.
    assert {u: (t.value, t.milestone_year) for u, t in got.items()} == {a.pk: (95, 2030), c.pk: (95, 2030)}
    assert targets_for("VENUES_INSPECTED", level="commune", units=[c.pk], year=2031) == {}
    assert targets_for("VENUES_INSPECTED", level="commune", units=[c.pk], year=2025)[c.pk].value == 10


def test_split_target_ends_at_the_right_level(land):
    province, a, b, c = land
    communes = targets_for("STAFF_TRAINED", level="commune", units=[a.pk, b.pk], year=2026)
    assert {t.value for t in communes.values()} == {60}
    assert targets_for("STAFF_TRAINED", level="province", units=[province.pk], year=2026)[province.pk].value == 80


def test_staff_by_level_take_the_split_target_of_their_level(land):
    province, a, b, c = land
    assert targets_for("STAFF_TRAINED_COMMUNE", level="commune", units=[a.pk], year=2026)[a.pk].value == 60
    assert targets_for("STAFF_TRAINED_COMMUNE", level="province", units=[province.pk], year=2026)[province.pk].value \
        == 60
    assert targets_for("STAFF_TRAINED_PROVINCE", level="province", units=[province.pk], year=2026)[province.pk].value \
        == 80
    assert targets_for("STAFF_TRAINED_PROVINCE", level="commune", units=[a.pk], year=2026) == {}
    # A target linked to the level's own indicator wins over the general one.
    target(Plan.objects.get(unit=province), "STAFF_TRAINED_COMMUNE", 75)
    got = targets_for("STAFF_TRAINED_COMMUNE", level="commune", units=[a.pk], year=2026)[a.pk]
    assert (got.value, got.code) == (75, "STAFF_TRAINED_COMMUNE")


def test_target_without_year_applies_to_every_year_of_its_plan(land):
    province, a, b, c = land
    for year in (2026, 2028, 2030):
        got = targets_for("TIPS_ON_TIME", level="province", units=[province.pk], year=year)
        assert got[province.pk].value == 100 and got[province.pk].comparator == "eq"
        assert targets_for("TIPS_ON_TIME", level="commune", units=[c.pk], year=year)[c.pk].inherited
    zero = targets_for("HOTSPOTS_NEW", level="commune", units=[a.pk], year=2026)[a.pk]
    assert (zero.comparator, zero.value, zero.label) == ("lte", 0, "≤ 0")


def test_commune_scoped_target_does_not_apply_to_the_province(land):
    province, a, b, c = land
    only_communes = Plan.objects.get(unit=province)
    target(only_communes, "REACH_STUDENTS", 50, scope="cấp xã")
    assert targets_for("REACH_STUDENTS", level="province", units=[province.pk], year=2026) == {}
    assert targets_for("REACH_STUDENTS", level="commune", units=[a.pk], year=2026)[a.pk].value == 50


def test_own_target_for_another_level_is_not_the_communes(land):
    province, a, b, c = land
    own = Plan.objects.get(unit=a)
    target(own, "REACH_STUDENTS", 90, scope="cấp thành phố")
    target(Plan.objects.get(unit=province), "REACH_STUDENTS", 40)
    got = targets_for("REACH_STUDENTS", level="commune", units=[a.pk], year=2026)[a.pk]
    assert (got.value, got.inherited) == (40, True)


def test_yearly_plan_wins_over_the_phase_plan(land):
    province, a, b, c = land
    yearly = Plan.objects.create(unit=province, number="20/KH-UBND", title="Kế hoạch năm 2026", period="2026",
                                 status=PlanStatus.ISSUED, issue_date=datetime.date(2026, 2, 1))
    target(yearly, "VENUES_INSPECTED", 65, year=2026)
    assert targets_for("VENUES_INSPECTED", level="province", units=[province.pk], year=2026)[province.pk].value == 65
    assert targets_for("VENUES_INSPECTED", level="province", units=[province.pk], year=2027)[province.pk].value == 95
    assert targets_for("VENUES_INSPECTED", level="commune", units=[b.pk], year=2026)[b.pk].plan_label == \
        "Kế hoạch 20/KH-UBND"


def test_fixed_number_of_queries_whatever_the_number_of_units(land, django_assert_num_queries):
    province, a, b, c = land
    more = [AdminUnit.objects.create(code=f"T7CX{n}", name=f"Xã thêm {n}", level=Level.COMMUNE, parent=province,
                                     province=province, path=f"T7C/T7CX{n}/") for n in range(20)]
    with django_assert_num_queries(2):
        few = targets_for("VENUES_INSPECTED", level="commune", units=[a.pk], year=2026)
    with django_assert_num_queries(2):
        many = targets_for("VENUES_INSPECTED", level="commune", units=[a.pk, b.pk, c.pk, *(u.pk for u in more)],
                           year=2026)
    with django_assert_num_queries(1):
        targets_for("VENUES_INSPECTED", level="province", units=[province.pk], year=2026)
    assert len(few) == 1 and len(many) == 23
    with django_assert_num_queries(2):
        panel = targets_panel(["VENUES_INSPECTED", "STAFF_TRAINED_COMMUNE", "STAFF_TRAINED_PROVINCE", "COMM_SESSIONS"],
                              level="commune", units=[a.pk, b.pk], year=2026)
    assert panel["VENUES_INSPECTED"] == targets_for("VENUES_INSPECTED", level="commune", units=[a.pk, b.pk], year=2026)
    assert {u: t.value for u, t in panel["STAFF_TRAINED_COMMUNE"].items()} == {a.pk: 60, b.pk: 60}
    assert panel["STAFF_TRAINED_PROVINCE"] == {} and panel["COMM_SESSIONS"] == {}


def test_all_units_and_country(land):
    province, a, b, c = land
    everyone = targets_for("VENUES_INSPECTED", level="commune", units=None, year=2026)
    assert everyone[a.pk].value == 70 and everyone[c.pk].value == 60
    assert targets_for("VENUES_INSPECTED", level="province", units=None, year=2026)[province.pk].value == 60
    assert targets_for("VENUES_INSPECTED", level="country", units=None, year=2026) == {}
    assert targets_for("VENUES_INSPECTED", level="commune", units=[], year=2026) == {}


def test_draft_and_superseded_plans_give_no_target(land):
    province, a, b, c = land
    Plan.objects.filter(unit=province).update(status=PlanStatus.SUPERSEDED)
    got = targets_for("VENUES_INSPECTED", level="commune", units=[a.pk, b.pk], year=2026)
    assert list(got) == [a.pk]


@pytest.mark.parametrize(("scope", "communes", "province"), [
    ("", True, True),
    ("cấp xã, phường", True, False),
    ("cấp thành phố", False, True),
    ("Tỉnh", False, True),
    ("cấp tỉnh và cấp xã", True, True),
])
def test_scope_words(scope, communes, province):
    assert (for_communes(scope), for_province(scope)) == (communes, province)
