"""Entered figures (DHIS2 data values): entry, approval lock, optimistic lock, outliers, completeness,
the engine's computation (count sum, percent last value, province level) and the pages."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from pcmd.core.periods import Period
from pcmd.core.services import EditConflict
from pcmd.geo.models import AdminUnit, Level
from pcmd.indicators import engine, services
from pcmd.indicators.catalogue import BY_CODE, Indicator
from pcmd.indicators.entered import computation_for
from pcmd.indicators.models import DataApproval, DataValue
from pcmd.indicators.services import Row
from pcmd.org.models import Membership, Role

pytestmark = pytest.mark.django_db

PCT = "SUPPORT_ACCESS"
COUNT = Indicator("ENTERED_COUNT_TEST", "Số lượt thử", "count", "entered")  # a count fed by entered figures


@pytest.fixture
def units(db):
    province = AdminUnit.objects.create(code="TB7", name="Tỉnh Nhập Liệu", level=Level.PROVINCE, path="TB7/")
    province.province = province
    province.save()
    communes = [AdminUnit.objects.create(code=f"TB7{n}", name=f"Xã Số {n}", level=Level.COMMUNE, parent=province,
                                         province=province, path=f"TB7/TB7{n}/") for n in (1, 2, 3)]
    return province, communes


@pytest.fixture
def coordinator(units, member_factory):
    user = member_factory("tb7.coord", units[0], Role.COORDINATOR)
    return Membership.objects.get(user=user)


def put(unit, code, period, numerator, denominator=None):
    p = Period.parse(period)
    return DataValue.objects.create(indicator=code, unit=unit, period=p.code, period_kind=p.kind,
                                    period_start=p.start, period_end=p.end, numerator=numerator,
                                    denominator=denominator)


# --- engine computation ---------------------------------------------------------------------------

def test_percent_takes_each_units_last_value_in_the_period(units):
    province, (a, b, c) = units
    put(a, PCT, "2026Q1", 5, 10)
    put(a, PCT, "2026Q3", 8, 10)  # latest inside 2026: counts
    put(a, PCT, "2027Q1", 1, 10)  # outside 2026
    put(b, PCT, "202602", 3, 4)
    year = Period.parse("2026")
    communes = engine.compute(PCT, level="commune", units=[a, b, c], period=year)
    assert communes[a.pk] == engine.Value(8, 10)
    assert communes[b.pk] == engine.Value(3, 4)
    assert c.pk not in communes
    # Province: sums of its communes' latest values, never an average of rates: 11/14.
    assert engine.compute(PCT, level="province", units=[province], period=year)[province.pk] == engine.Value(11, 14)
    # A quarter only sees what lies inside it.
    assert engine.compute(PCT, level="commune", units=[a], period=Period.parse("2026Q1"))[a.pk] == engine.Value(5, 10)


def test_percent_tie_prefers_the_longer_period(units):
    _, (a, *_) = units
    put(a, PCT, "202603", 1, 2)
    put(a, PCT, "2026Q1", 6, 9)  # same end date: the quarter wins
    assert engine.compute(PCT, level="commune", units=[a], period=Period.parse("2026"))[a.pk] == engine.Value(6, 9)


def test_count_sums_the_values_inside_the_period(units):
    province, (a, b, _c) = units
    put(a, COUNT.code, "202601", 2)
    put(a, COUNT.code, "202602", 3)
    put(a, COUNT.code, "202512", 100)
    put(b, COUNT.code, "2026Q2", 4)
    fn = computation_for(COUNT)
    year = Period.parse("2026")
    assert fn(year, "unit", [a.pk, b.pk]) == {a.pk: (5, None), b.pk: (4, None)}
    assert fn(year, "province", [province.pk]) == {province.pk: (9, None)}
    assert fn(Period.parse("202601"), "unit", None)[a.pk] == (2, None)


# --- entry, lock, optimistic lock ----------------------------------------------------------------

def test_entry_creates_then_updates_with_version(units, coordinator):
    _, (a, *_) = units
    p = Period.parse("2026Q1")
    result = services.save_values(membership=coordinator, unit=a, period=p, rows=[Row(PCT, 4, 10, "đợt 1")])
    assert result.created == 1
    v = DataValue.objects.get(unit=a, indicator=PCT, period="2026Q1")
    assert (v.numerator, v.denominator, v.entered_by_id, v.province_id) == (4, 10, coordinator.user_id, units[0].pk)
    result = services.save_values(membership=coordinator, unit=a, period=p, rows=[Row(PCT, 5, 10, "", v.version)])
    assert result.updated == 1
    # A second tab that opened version 1 is refused, nothing written.
    with pytest.raises(EditConflict):
        services.save_values(membership=coordinator, unit=a, period=p, rows=[Row(PCT, 9, 10, "", v.version)])
    assert DataValue.objects.get(pk=v.pk).numerator == 5
    # Every change of an entered figure is in its history (who changed 4/10 to 5/10).
    from auditlog.models import LogEntry

    assert LogEntry.objects.get_for_object(v).count() == 2


def test_invalid_rows_are_refused(units, coordinator):
    _, (a, *_) = units
    p = Period.parse("2026Q1")
    for row in (Row(PCT, 11, 10), Row(PCT, 3, None), Row(PCT, -1, 10)):
        with pytest.raises(ValidationError):
            services.save_values(membership=coordinator, unit=a, period=p, rows=[row])
    assert not DataValue.objects.filter(unit=a).exists()


def test_approval_locks_and_reopen_unlocks(units, coordinator, member_factory):
    province, (a, *_) = units
    p = Period.parse("2026Q1")
    services.save_values(membership=coordinator, unit=a, period=p, rows=[Row(PCT, 4, 10)])
    approval = services.approve(membership=coordinator, unit=province, period=Period.parse("2026S1"), note="BC 6 tháng")
    v = DataValue.objects.get(unit=a)
    with pytest.raises(ValidationError, match="đã được phê duyệt"):
        services.save_values(membership=coordinator, unit=a, period=p, rows=[Row(PCT, 5, 10, "", v.version)])
    with pytest.raises(ValidationError):  # a reason is required
        services.reopen(membership=coordinator, approval=approval, reason=" ")
    services.reopen(membership=coordinator, approval=approval, reason="Sai mẫu số")
    approval.refresh_from_db()
    assert approval.reopen_reason == "Sai mẫu số" and approval.reopened_by_id == coordinator.user_id
    services.save_values(membership=coordinator, unit=a, period=p, rows=[Row(PCT, 5, 10, "", v.version)])
    # An officer may enter but not approve.
    officer = Membership.objects.get(user=member_factory("tb7.officer", province, Role.AGENCY_OFFICER))
    with pytest.raises(PermissionDenied):
        services.approve(membership=officer, unit=province, period=p)


def test_outsider_cannot_enter_for_another_province(units, outsider):
    _, (a, *_) = units
    membership = Membership.objects.get(user=outsider)
    with pytest.raises(PermissionDenied):
        services.save_values(membership=membership, unit=a, period=Period.parse("2026Q1"), rows=[Row(PCT, 1, 2)])


# --- outliers -------------------------------------------------------------------------------------

def test_modified_z_on_a_hand_series():
    history = [10, 12, 11, 13, 12]  # median 12, MAD 1
    assert services.modified_z(12, history) == 0
    assert services.modified_z(20, history) == pytest.approx(0.6745 * 8)  # 5.4 > 3.5
    assert services.is_outlier(services.modified_z(20, history))
    assert not services.is_outlier(services.modified_z(14, history))  # 1.35
    assert services.modified_z(50, [1, 2]) is None  # too little history
    # MAD = 0: falls back to the mean absolute deviation; constant history flags any change.
    assert services.modified_z(5, [5, 5, 5, 5, 9]) == 0
    assert services.is_outlier(services.modified_z(30, [5, 5, 5, 5, 9]))
    assert services.modified_z(6, [5, 5, 5, 5]) == float("inf")


def test_outlier_warning_on_save_and_flag_in_list(units, coordinator):
    _, (a, *_) = units
    for month, n in zip(("01", "02", "03", "04", "05"), (10, 12, 11, 13, 12), strict=True):
        put(a, PCT, f"2026{month}", n, 100)
    result = services.save_values(membership=coordinator, unit=a, period=Period.parse("202606"),
                                  rows=[Row(PCT, 60, 100)])
    assert result.created == 1 and "Giá trị bất thường so với các kỳ trước" in result.warnings[0]
    june = DataValue.objects.get(unit=a, period="202606")
    flags = services.flag_outliers(list(DataValue.objects.filter(unit=a)))
    assert set(flags) == {june.pk}


# --- completeness ---------------------------------------------------------------------------------

def test_completeness_lists_who_has_not_entered(units):
    _, (a, b, c) = units
    put(a, PCT, "2026Q1", 1, 2)
    put(c, PCT, "2026Q2", 1, 2)  # another period: does not count
    result = services.completeness([a, b, c], Period.parse("2026Q1"), [BY_CODE[PCT]])
    assert (result.expected, result.entered) == (3, 1)
    assert result.percent == pytest.approx(100 / 3)
    assert [u for u, _missing in result.missing] == [b, c]


# --- pages ----------------------------------------------------------------------------------------

def test_entry_page_saves_and_keeps_input_on_error(units, coordinator, client):
    client.force_login(coordinator.user)
    _, (a, *_) = units
    url = reverse("datavalue_entry") + f"?don-vi={a.code}&ky=2026Q1"
    assert client.get(url).status_code == 200
    bad = client.post(url, {f"{PCT}-numerator": "15", f"{PCT}-denominator": "10", f"{PCT}-comment": "thử"})
    assert bad.status_code == 200 and "lớn hơn mẫu số" in bad.content.decode()
    assert 'value="15"' in bad.content.decode()
    ok = client.post(url, {f"{PCT}-numerator": "7", f"{PCT}-denominator": "10", f"{PCT}-comment": ""})
    assert ok.status_code == 302
    assert DataValue.objects.get(unit=a, period="2026Q1").numerator == 7
    listing = client.get(reverse("datavalue_list") + "?ky=2026Q1")
    assert listing.status_code == 200 and a.name in listing.content.decode()
    xlsx = client.get(reverse("datavalue_list") + "?ky=2026Q1&xuat=xlsx")
    assert xlsx.status_code == 200
    assert client.get(reverse("indicator_completeness") + "?ky=2026Q1").status_code == 200


def test_outsider_gets_nothing(units, outsider, client):
    _, (a, *_) = units
    put(a, PCT, "2026Q1", 7, 13)
    client.force_login(outsider)
    listing = client.get(reverse("datavalue_list") + "?ky=2026Q1")
    assert listing.status_code == 200 and "Xã Số 1" not in listing.content.decode()
    assert client.get(reverse("datavalue_entry") + f"?don-vi={a.code}&ky=2026Q1").status_code == 404
    assert client.get(reverse("indicator_completeness") + f"?don-vi={units[0].code}&ky=2026Q1").status_code == 404
    export = client.get(reverse("dhis2_export") + f"?nguon=entered&ky=2026Q1&don-vi={units[0].code}")
    assert export.status_code == 404
    approvals = client.post(reverse("indicator_approvals"), {"step": "approve", "don-vi": units[0].code, "ky": "2026"})
    assert approvals.status_code in (403, 404)
    assert not DataApproval.objects.filter(unit=units[0]).exists()


def test_stale_version_on_the_page_shows_the_conflict_and_keeps_input(units, coordinator, client):
    _, (a, *_) = units
    v = put(a, PCT, "2026Q1", 4, 10)
    DataValue.objects.filter(pk=v.pk).update(version=2)  # someone saved after this form was opened
    client.force_login(coordinator.user)
    url = reverse("datavalue_entry") + f"?don-vi={a.code}&ky=2026Q1"
    page = client.post(url, {f"{PCT}-numerator": "6", f"{PCT}-denominator": "10", f"{PCT}-version": "1"})
    text = page.content.decode()
    assert page.status_code == 200 and "vừa được người khác cập nhật" in text and 'value="6"' in text
    assert DataValue.objects.get(pk=v.pk).numerator == 4


def test_demo_outlier_is_flagged():
    demo = list(DataValue.objects.filter(indicator=PCT, comment__startswith="Số liệu mẫu"))
    assert demo, "the demo seeds no entered figures"
    assert set(services.flag_outliers(demo)) == {v.pk for v in demo}
