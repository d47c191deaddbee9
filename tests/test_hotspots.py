"""Hotspots: transition rules, re-emergence, period counts on a hand-built fixture, views and scoping."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from pcmd.core.periods import Period
from pcmd.geo.models import AdminUnit, Level
from pcmd.hotspots import services
from pcmd.hotspots.models import Hotspot, HotspotEvent, HotspotKind, HotspotStatus
from pcmd.hotspots.selectors import hotspot_counts
from pcmd.org.models import Agency, Membership, Role

pytestmark = pytest.mark.django_db
D = datetime.date
S = HotspotStatus


def seat(user):
    return Membership.objects.get(user=user)


@pytest.fixture
def police(member_factory, bach_dang):
    return member_factory("p.police", bach_dang, Role.POLICE_OFFICER, "cong-an-xa")


@pytest.fixture
def commune(ninh_binh_commune):
    """A commune without demo hotspots, for hand-computed counts."""
    assert not Hotspot.objects.filter(unit=ninh_binh_commune).exists()
    return ninh_binh_commune


def make(unit, name, first, *, membership=None, kind=HotspotKind.PUBLIC, url=""):
    return services.hotspot_create(membership=membership, data={"unit": unit, "name": name, "kind": kind,
                                                                "first_identified": first, "url": url})


def move(hotspot, target, day, **extra):
    if target == S.SUPPRESSED:
        extra.setdefault("method", "Tuần tra, xử phạt")
    if target == S.MONITORED:
        extra.setdefault("monitor_months", 3)
    return services.hotspot_transition(hotspot=hotspot, target=target, date=day, **extra)


def errors_of(exc_info) -> str:
    return " ".join(exc_info.value.messages)


# --- transitions -------------------------------------------------------------------------------------

def test_full_lifecycle_keeps_a_dated_timeline(commune):
    h = make(commune, "Khu vực bến xe", D(2025, 1, 10))
    move(h, S.SUPPRESSED, D(2025, 2, 15), agency=Agency.objects.filter(unit=commune).first())
    move(h, S.MONITORED, D(2025, 2, 20), monitor_months=3)
    h.refresh_from_db()
    assert (h.status, h.monitor_until, h.suppressed_on) == (S.MONITORED, D(2025, 5, 20), D(2025, 2, 15))
    move(h, S.CLOSED, D(2025, 5, 20))
    h.refresh_from_db()
    assert h.status == S.CLOSED and h.status_since == D(2025, 5, 20)
    timeline = list(h.events.values_list("date", "from_status", "to_status"))
    assert timeline == [(D(2025, 1, 10), "", S.ACTIVE), (D(2025, 2, 15), S.ACTIVE, S.SUPPRESSED),
                        (D(2025, 2, 20), S.SUPPRESSED, S.MONITORED), (D(2025, 5, 20), S.MONITORED, S.CLOSED)]


def test_reemergence_is_flagged_and_counted_from_any_suppressed_state(commune):
    h = make(commune, "Khu vực chợ", D(2024, 3, 1))
    move(h, S.SUPPRESSED, D(2024, 4, 1))
    move(h, S.ACTIVE, D(2024, 5, 1))  # from suppressed
    move(h, S.SUPPRESSED, D(2024, 6, 1))
    move(h, S.MONITORED, D(2024, 6, 2), monitor_months=1)
    move(h, S.CLOSED, D(2024, 7, 2))
    event = move(h, S.ACTIVE, D(2024, 9, 1))  # from closed
    h.refresh_from_db()
    assert h.status == S.ACTIVE and h.reemergence_count == 2 and event.is_reemergence
    assert h.events.filter(is_reemergence=True).count() == 2
    assert event.label == "Tái hoạt động"


@pytest.mark.parametrize(("path", "target", "message"), [
    ([S.SUPPRESSED, S.MONITORED, S.CLOSED], S.SUPPRESSED, "đã kết thúc theo dõi, không thể triệt xóa"),
    ([S.SUPPRESSED], S.SUPPRESSED, "đã được triệt xóa"),
    ([], S.MONITORED, "Chỉ đưa vào theo dõi điểm đã được triệt xóa"),
    ([], S.CLOSED, "phải triệt xóa và theo dõi trước khi kết thúc"),
    ([S.SUPPRESSED], S.CLOSED, "Phải đưa điểm vào theo dõi"),
    ([], S.ACTIVE, "đang hoạt động"),
])
def test_forbidden_transitions_say_why(commune, path, target, message):
    h = make(commune, "Điểm thử", D(2024, 1, 1))
    day = D(2024, 1, 1)
    for step in path:
        day = day + datetime.timedelta(days=40)
        move(h, step, day, monitor_months=1)
    with pytest.raises(ValidationError) as exc:
        move(h, target, day + datetime.timedelta(days=60))
    assert message in errors_of(exc)
    assert h.events.count() == len(path) + 1  # nothing written


def test_transition_dates_are_checked(commune):
    h = make(commune, "Điểm ngày", D(2025, 3, 1))
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        move(h, S.SUPPRESSED, tomorrow)
    assert "không được ở tương lai" in errors_of(exc)
    with pytest.raises(ValidationError) as exc:
        move(h, S.SUPPRESSED, D(2025, 2, 28))
    assert "trước ngày phát hiện (01/03/2025)" in errors_of(exc)
    move(h, S.SUPPRESSED, D(2025, 4, 10))
    with pytest.raises(ValidationError) as exc:
        move(h, S.MONITORED, D(2025, 4, 9))
    assert "trước lần chuyển trạng thái gần nhất (10/04/2025)" in errors_of(exc)
    move(h, S.MONITORED, D(2025, 4, 10), monitor_months=6)
    with pytest.raises(ValidationError) as exc:
        move(h, S.CLOSED, D(2025, 10, 9))
    assert "theo dõi đến 10/10/2025" in errors_of(exc)


def test_suppression_needs_a_method_and_monitoring_a_duration(commune):
    h = make(commune, "Điểm thiếu", D(2025, 3, 1))
    with pytest.raises(ValidationError) as exc:
        services.hotspot_transition(hotspot=h, target=S.SUPPRESSED, date=D(2025, 3, 2), method="  ")
    assert "biện pháp triệt xóa" in errors_of(exc)
    move(h, S.SUPPRESSED, D(2025, 3, 2))
    for months in (None, 0, 61):
        with pytest.raises(ValidationError) as exc:
            services.hotspot_transition(hotspot=h, target=S.MONITORED, date=D(2025, 3, 3), monitor_months=months)
        assert "từ 1 đến 60" in errors_of(exc)


def test_create_and_update_rules(commune, bach_dang):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        make(commune, "Tương lai", tomorrow)
    assert "Ngày phát hiện không được ở tương lai" in errors_of(exc)
    with pytest.raises(ValidationError) as exc:
        make(commune, "Nhóm mạng", D(2025, 1, 1), kind=HotspotKind.ONLINE)
    assert "cần đường dẫn" in errors_of(exc)
    other_hamlet = AdminUnit.objects.filter(parent=bach_dang, level=Level.HAMLET).first()
    with pytest.raises(ValidationError) as exc:
        services.hotspot_create(membership=None, data={"unit": commune, "name": "X", "kind": HotspotKind.PUBLIC,
                                                       "first_identified": D(2025, 1, 1), "hamlet": other_hamlet})
    assert "không thuộc" in errors_of(exc)
    with pytest.raises(ValidationError) as exc:
        make(AdminUnit.objects.get(code="31"), "Cấp tỉnh", D(2025, 1, 1))
    assert "phải thuộc một xã" in errors_of(exc)
    h = make(commune, "Điểm sửa", D(2025, 1, 1))
    move(h, S.SUPPRESSED, D(2025, 2, 1))
    with pytest.raises(ValidationError) as exc:
        services.hotspot_update(instance=h, data={"first_identified": D(2025, 3, 1)})
    assert "không được sau ngày triệt xóa (01/02/2025)" in errors_of(exc)
    services.hotspot_update(instance=h, data={"first_identified": D(2024, 12, 1)})
    assert h.events.get(from_status="").date == D(2024, 12, 1)


# --- period counts -----------------------------------------------------------------------------------

@pytest.fixture
def counted(commune):
    """A: new 10/01/2025, suppressed 15/02, monitored 20/02, re-emerged 10/04, suppressed 01/06.
    B: new 01/12/2024, active throughout. C: new 05/05/2025, suppressed 30/05, monitored 01/06, closed 05/12."""
    a = make(commune, "A", D(2025, 1, 10))
    move(a, S.SUPPRESSED, D(2025, 2, 15))
    move(a, S.MONITORED, D(2025, 2, 20), monitor_months=3)
    move(a, S.ACTIVE, D(2025, 4, 10))
    move(a, S.SUPPRESSED, D(2025, 6, 1))
    make(commune, "B", D(2024, 12, 1))
    c = make(commune, "C", D(2025, 5, 5))
    move(c, S.SUPPRESSED, D(2025, 5, 30))
    move(c, S.MONITORED, D(2025, 6, 1), monitor_months=6)
    move(c, S.CLOSED, D(2025, 12, 5))
    return Hotspot.objects.filter(unit=commune)


@pytest.mark.parametrize(("code", "expected"), [
    # (new, suppressed, reemerged, active_end)
    ("2024", (1, 0, 0, 1)),
    ("2025Q1", (1, 1, 0, 1)),
    ("2025Q2", (1, 2, 1, 1)),
    ("202504", (0, 0, 1, 2)),
    ("2025S1", (2, 2, 1, 1)),
    ("2025", (2, 2, 1, 1)),
    ("2026", (0, 0, 0, 1)),
])
def test_period_counts_by_hand(counted, commune, code, expected):
    result = hotspot_counts(queryset=counted, period=Period.parse(code))
    assert tuple(result.total.values()) == expected
    if any(expected):
        assert [r.unit_id for r in result.rows] == [commune.pk] and result.rows[0].name == commune.name


def test_period_counts_group_by_province_and_stay_in_scope(counted, commune, owner, bach_dang):
    from pcmd.core.scoping import scoped

    result = hotspot_counts(queryset=Hotspot.objects.filter(pk__in=counted), period=Period.parse("2025"),
                            group_by="province")
    assert [r.unit_id for r in result.rows] == [commune.province_id]
    mine = hotspot_counts(queryset=scoped(Hotspot.objects.all(), seat(owner)), period=Period.parse("2025"))
    assert {r.unit_id for r in mine.rows} <= {bach_dang.pk}


def test_counts_take_two_queries_whatever_the_number_of_units(counted, django_assert_num_queries):
    with django_assert_num_queries(3):  # stock, flows, unit names
        hotspot_counts(queryset=Hotspot.objects.all(), period=Period.parse("2025"))


# --- views and scoping -------------------------------------------------------------------------------

def bd_hotspot(bach_dang, status=S.ACTIVE):
    return Hotspot.objects.filter(unit=bach_dang, status=status).order_by("pk").first()


def test_demo_data_has_histories_in_bach_dang(bach_dang):
    spots = Hotspot.objects.filter(unit=bach_dang)
    assert spots.filter(status=S.MONITORED).exists()
    assert spots.filter(reemergence_count__gt=0, status=S.ACTIVE).exists()
    assert HotspotEvent.objects.filter(hotspot__unit=bach_dang, is_reemergence=True).exists()


def test_police_records_a_suppression_through_the_page(police, login, bach_dang):
    client = login(police)
    h = bd_hotspot(bach_dang)
    url = reverse("hotspot_transition", args=[h.pk, "triet-xoa"])
    response = client.post(url, {"date": "", "method": ""})
    assert response.status_code == 400
    assert "Hãy nhập ngày." in response.content.decode() and "Hãy ghi biện pháp triệt xóa." in response.content.decode()
    response = client.post(url, {"date": timezone.localdate().isoformat(), "method": "Tuần tra, lập biên bản",
                                 "note": "Phối hợp tổ dân phố"})
    assert response.status_code == 302
    h.refresh_from_db()
    assert h.status == S.SUPPRESSED and h.suppression_method == "Tuần tra, lập biên bản"
    detail = client.get(reverse("hotspot_detail", args=[h.pk])).content.decode()
    assert "Triệt xóa" in detail and "Phối hợp tổ dân phố" in detail and "Đưa vào theo dõi" in detail


def test_transition_not_allowed_from_the_status_redirects_with_the_reason(police, login, bach_dang):
    client = login(police)
    h = bd_hotspot(bach_dang)
    response = client.get(reverse("hotspot_transition", args=[h.pk, "ket-thuc"]), follow=True)
    assert "phải triệt xóa và theo dõi trước khi kết thúc" in response.content.decode()
    assert client.get(reverse("hotspot_transition", args=[h.pk, "khong-co"])).status_code == 404


def test_police_creates_a_hotspot_and_gets_vietnamese_errors(police, login, bach_dang):
    client = login(police)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    data = {"unit": bach_dang.pk, "name": "Nhóm rao dịch vụ", "kind": "online", "first_identified": tomorrow,
            "location": "Khu vực ga"}
    response = client.post(reverse("hotspot_create"), data)
    page = response.content.decode()
    assert response.status_code == 400 and "Ngày phát hiện không được ở tương lai." in page
    assert "Nhóm rao dịch vụ" in page and "Khu vực ga" in page  # what was typed is kept
    data |= {"first_identified": "2026-01-05", "url": "https://example.invalid/nhom"}
    response = client.post(reverse("hotspot_create"), data)
    assert response.status_code == 302
    h = Hotspot.objects.get(name="Nhóm rao dịch vụ")
    assert h.status == S.ACTIVE and h.events.get().agency.kind.code == "cong-an-xa"


def test_outsider_sees_nothing(outsider, login, bach_dang):
    client = login(outsider)
    h = bd_hotspot(bach_dang)
    assert client.get(reverse("hotspot_detail", args=[h.pk])).status_code == 404
    assert h.name not in client.get(reverse("hotspot_list")).content.decode()
    # A unit outside the scope is not there, like any record (it used to answer 200 with a message).
    assert client.get(reverse("hotspot_statistics"), {"don-vi": bach_dang.code}).status_code == 404
    assert client.get(reverse("enforcement_statistics"), {"don-vi": bach_dang.code}).status_code == 404
    stats = client.get(reverse("hotspot_statistics")).content.decode()
    assert bach_dang.name not in stats.split("<tbody>")[1].split("</tbody>")[0]


def test_outsider_police_cannot_move_a_hotspot_of_another_province(member_factory, ninh_binh_commune, login, bach_dang):
    client = login(member_factory("nb.police", ninh_binh_commune, Role.POLICE_OFFICER, "cong-an-xa"))
    h = bd_hotspot(bach_dang)
    response = client.post(reverse("hotspot_transition", args=[h.pk, "triet-xoa"]),
                           {"date": "2026-01-01", "method": "x"})
    assert response.status_code == 404
    h.refresh_from_db()
    assert h.status == S.ACTIVE


@pytest.mark.parametrize("persona", ["reader", "owner"])
def test_read_only_roles_get_403_on_writes(persona, request, login, bach_dang):
    client = login(request.getfixturevalue(persona))
    h = bd_hotspot(bach_dang)
    assert client.get(reverse("hotspot_detail", args=[h.pk])).status_code == 200
    assert client.post(reverse("hotspot_transition", args=[h.pk, "triet-xoa"]),
                       {"date": "2026-01-01", "method": "x"}).status_code == 403
    assert client.post(reverse("hotspot_create"), {"name": "x"}).status_code == 403
    assert client.post(reverse("hotspot_delete", args=[h.pk])).status_code == 403


def test_statistics_page(owner, login, bach_dang):
    client = login(owner)
    response = client.get(reverse("hotspot_statistics"), {"ky": "2025"})
    page = response.content.decode()
    assert response.status_code == 200 and "Năm 2025" in page and 'id="hotspot-chart-data"' in page
    result = hotspot_counts(queryset=Hotspot.objects.filter(unit=bach_dang), period=Period.parse("2025"))
    assert response.context["counts"].total == result.total
    assert result.total.reemerged == 1  # the demo's re-emerged hotspot came back in August 2025
    bad = client.get(reverse("hotspot_statistics"), {"ky": "2025Q7"})
    assert bad.status_code == 200 and "Mã kỳ “2025Q7” không hợp lệ" in bad.content.decode()


def test_province_user_sees_communes_and_can_narrow(member_factory, hai_phong, login, bach_dang):
    client = login(member_factory("hp.leader", hai_phong, Role.LEADER))
    response = client.get(reverse("hotspot_statistics"), {"ky": "2026", "don-vi": bach_dang.code})
    assert response.status_code == 200 and response.context["scope"].unit == bach_dang
    assert {r.unit_id for r in response.context["counts"].rows} <= {bach_dang.pk}


def test_cases_on_the_hotspot_page_only_for_roles_that_see_cases(member_factory, login, bach_dang, owner):
    h = Hotspot.objects.filter(unit=bach_dang, cases__isnull=False).first()
    inspector = member_factory("p.insp", bach_dang, Role.INSPECTOR, "ubnd-xa")
    assert 'id="hotspot-cases"' not in login(inspector).get(reverse("hotspot_detail", args=[h.pk])).content.decode()
    assert 'id="hotspot-cases"' in login(owner).get(reverse("hotspot_detail", args=[h.pk])).content.decode()


def test_list_filters_by_status_and_reemergence(owner, login, bach_dang):
    client = login(owner)
    page = client.get(reverse("hotspot_list"), {"reemerged": "yes"}).content.decode()
    reemerged = Hotspot.objects.get(unit=bach_dang, reemergence_count__gt=0)
    assert reemerged.name in page
    assert all(h.name not in page for h in Hotspot.objects.filter(unit=bach_dang, reemergence_count=0))
    page = client.get(reverse("hotspot_list"), {"status": "monitored"}).content.decode()
    assert [h.name in page for h in Hotspot.objects.filter(unit=bach_dang)].count(True) == 1


def read_xlsx(response):
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_statistics_export_to_excel(owner, login, bach_dang):
    response = login(owner).get(reverse("hotspot_statistics"), {"ky": "2025", "format": "xlsx"})
    assert response.status_code == 200 and "thong-ke-diem-phuc-tap-2025" in response["Content-Disposition"]
    rows = read_xlsx(response)
    assert rows[0] == ["Xã, phường", "Phát hiện mới", "Triệt xóa", "Tái hoạt động", "Còn hoạt động cuối kỳ"]
    total = hotspot_counts(queryset=Hotspot.objects.filter(unit=bach_dang), period=Period.parse("2025")).total
    assert rows[-1] == ["Tổng cộng", *total.values()]


# --- taking back a mistaken transition ------------------------------------------------------------

def test_undo_recomputes_the_status_from_the_timeline(commune):
    h = make(commune, "Điểm nhầm", D(2025, 1, 1))
    with pytest.raises(ValidationError) as exc:
        services.hotspot_transition_undo(hotspot=h)
    assert "chưa có lần chuyển trạng thái nào" in errors_of(exc)
    move(h, S.SUPPRESSED, D(2025, 2, 1), method="Tuần tra")
    move(h, S.MONITORED, D(2025, 2, 2), monitor_months=6)
    move(h, S.ACTIVE, D(2025, 3, 1))
    services.hotspot_transition_undo(hotspot=h)
    h.refresh_from_db()
    assert (h.status, h.reemergence_count, h.monitor_until, h.status_since) == (S.MONITORED, 0, D(2025, 8, 2),
                                                                                D(2025, 2, 2))
    services.hotspot_transition_undo(hotspot=h)
    services.hotspot_transition_undo(hotspot=h)
    h.refresh_from_db()
    assert (h.status, h.suppressed_on, h.suppression_method, h.status_since) == (S.ACTIVE, None, "", D(2025, 1, 1))
    assert h.events.count() == 1


def test_undo_page(police, reader, member_factory, ninh_binh_commune, login, bach_dang):
    h = Hotspot.objects.get(unit=bach_dang, reemergence_count__gt=0)
    url = reverse("hotspot_transition_undo", args=[h.pk])
    far_police = member_factory("nb.police2", ninh_binh_commune, Role.POLICE_OFFICER, "cong-an-xa")
    assert login(far_police).post(url).status_code == 404
    assert login(reader).post(url).status_code == 403
    client = login(police)
    assert "Tái hoạt động" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    h.refresh_from_db()
    assert h.status == S.MONITORED and h.reemergence_count == 0
    fresh = make(bach_dang, "Mới phát hiện", D(2026, 1, 1))
    response = client.get(reverse("hotspot_transition_undo", args=[fresh.pk]), follow=True)
    assert "chưa có lần chuyển trạng thái nào để hủy" in response.content.decode()


def test_list_shows_hotspots_whose_monitoring_has_ended(owner, login, bach_dang):
    h = make(bach_dang, "Hết hạn theo dõi", D(2025, 1, 1))
    move(h, S.SUPPRESSED, D(2025, 2, 1))
    move(h, S.MONITORED, D(2025, 2, 1), monitor_months=3)
    still = make(bach_dang, "Còn trong hạn theo dõi", D(2025, 1, 1))
    move(still, S.SUPPRESSED, timezone.localdate())
    move(still, S.MONITORED, timezone.localdate(), monitor_months=12)
    page = login(owner).get(reverse("hotspot_list"), {"monitoring": "due"}).content.decode()
    assert "Hết hạn theo dõi" in page and "Còn trong hạn theo dõi" not in page


def test_linked_tips_show_on_the_hotspot_only_to_roles_that_see_tips(police, member_factory, login, bach_dang):
    from pcmd.tips.models import Tip

    h = bd_hotspot(bach_dang)
    tip = Tip.objects.filter(unit=bach_dang).order_by("pk").first()
    Tip.objects.filter(pk=tip.pk).update(hotspot=h)
    detail = login(police).get(reverse("hotspot_detail", args=[h.pk])).content.decode()
    assert 'id="hotspot-tips"' in detail and reverse("tip_detail", args=[tip.pk]) in detail
    inspector = member_factory("p.inspector", bach_dang, Role.INSPECTOR)
    detail = login(inspector).get(reverse("hotspot_detail", args=[h.pk])).content.decode()
    assert 'id="hotspot-tips"' not in detail and reverse("tip_detail", args=[tip.pk]) not in detail


def test_pickers_offer_only_units_in_scope(police, login, bach_dang, member_factory, hai_phong, ninh_binh_commune):
    """Unit pickers come from core.scoping: a commune member's form offers their commune and its hamlets; a
    city member's statistics picker offers the city's communes, not another province's."""
    form = login(police).get(reverse("hotspot_create")).context["form"]
    assert list(form.fields["unit"].queryset) == [bach_dang]
    hamlets = form.fields["hamlet"].queryset
    assert hamlets.exists() and set(hamlets.values_list("parent", flat=True)) == {bach_dang.pk}
    city = login(member_factory("hp.stats", hai_phong, Role.POLICE_OFFICER))
    units = city.get(reverse("hotspot_statistics")).context["scope"].units
    assert bach_dang in units and ninh_binh_commune not in units
    assert {u.province_id for u in units} == {hai_phong.pk} and {u.level for u in units} == {Level.COMMUNE}
    assert city.get(reverse("hotspot_statistics"), {"don-vi": ninh_binh_commune.code}).status_code == 404
    inside = city.get(reverse("hotspot_statistics"), {"don-vi": bach_dang.code})
    assert inside.status_code == 200 and inside.context["scope"].unit == bach_dang
