"""A province edits its own report types (window, deadline, sections) by copying the general ones, never the
general ones themselves; the calendar then uses the province's type without a second report for the period."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pcmd.indicators import engine
from pcmd.org.models import Role
from pcmd.reports import services
from pcmd.reports.models import Report, ReportType

pytestmark = pytest.mark.django_db


def seat(user):
    return user.memberships.get()


@pytest.fixture
def office(member_factory, hai_phong):
    return member_factory("lbc.tinh", hai_phong, Role.COORDINATOR, "so-y-te")


def edit_data(report_type, **changes):
    data = {"name": "Báo cáo 6 tháng của xã, phường (Hải Phòng)", "start_day": 1, "start_month": 12, "end_day": 31,
            "end_month": 5, "due_day": 10, "due_month": 6, "recipient": "Sở Y tế Hải Phòng",
            "outline_text": "* I. Kết quả thực hiện\n[Bảng số liệu]\n* II. Đánh giá chung\n* Mục mới của tỉnh\n"
                            "IV. Đề xuất, kiến nghị", "version": report_type.version}
    data.update(changes)
    return data


def test_a_province_copies_the_general_type_and_edits_its_copy(office, hai_phong, login, client, today):
    general = ReportType.objects.get(code="xa-6-thang")
    login(office)
    page = client.get(reverse("report_types")).content.decode()
    assert reverse("report_type_copy", args=[general.pk]) in page
    assert reverse("report_type_edit", args=[general.pk]) not in page  # the national defaults are not its own
    response = client.post(reverse("report_type_edit", args=[general.pk]), edit_data(general))
    assert response.status_code == 400 and 'id="type-refused"' in response.content.decode()
    general.refresh_from_db()
    assert general.due_day == 17
    response = client.post(reverse("report_type_copy", args=[general.pk]))
    own = ReportType.objects.get(code=f"xa-6-thang-{hai_phong.code}")
    assert response.status_code == 302 and own.province == hai_phong
    response = client.post(reverse("report_type_edit", args=[own.pk]), edit_data(own))
    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.start_day, own.start_month, own.end_day, own.end_month, own.due_day, own.due_month) == (
        1, 12, 31, 5, 10, 6)
    assert [(s["key"], s["kind"], s["required"]) for s in own.outline] == [
        ("ket-qua", "narrative", True), ("so-lieu", "figures", False), ("ii-danh-gia-chung", "narrative", True),
        ("muc-moi-cua-tinh", "narrative", True), ("de-xuat", "narrative", False)]
    # A second copy is refused; the general type is untouched.
    with pytest.raises(ValidationError, match="đã có loại báo cáo riêng"):
        services.type_copy(membership=seat(office), report_type=general)
    # The calendar gives the province's communes the own type next year, and no second report this year.
    assert services.create_due_reports(today.year, [hai_phong]) == 0
    services.create_due_reports(today.year + 5, [hai_phong])
    made = Report.objects.filter(year=today.year + 5, type=own)
    assert made.count() == engine.communes_of([hai_phong.pk]).count()
    assert made.first().sections.filter(key="muc-moi-cua-tinh", required=True).exists()


@pytest.mark.parametrize("changes, field", [
    ({"due_day": 30, "due_month": 2}, "due_day"),
    ({"start_day": 29, "start_month": 2}, "start_day"),
    ({"outline_text": "[Bảng số liệu]"}, "outline_text"),
    ({"outline_text": "\n".join(f"Mục {n}" for n in range(21))}, "outline_text"),
    ({"name": " "}, "name"),
])
def test_bad_types_are_refused_and_nothing_changes(changes, field, office, login, client):
    own = services.type_copy(membership=seat(office), report_type=ReportType.objects.get(code="xa-nam"))
    login(office)
    response = client.post(reverse("report_type_edit", args=[own.pk]), edit_data(own, **changes))
    assert response.status_code == 400
    assert response.context["form"].errors.get(field), response.context["form"].errors
    own.refresh_from_db()
    assert own.due_day == 17 and own.name.startswith("Báo cáo năm")


def test_another_provinces_type_is_not_found_and_stale_edits_are_refused(office, member_factory, ninh_binh_commune,
                                                                         login, client):
    own = services.type_copy(membership=seat(office), report_type=ReportType.objects.get(code="xa-nam"))
    login(member_factory("lbc.nb", ninh_binh_commune.province, Role.COORDINATOR))
    assert client.get(reverse("report_type_edit", args=[own.pk])).status_code == 404
    login(office)
    stale = edit_data(own, version=own.version - 1 if own.version > 1 else 99)
    response = client.post(reverse("report_type_edit", args=[own.pk]), stale)
    assert response.status_code == 400 and "vừa được người khác cập nhật" in response.content.decode()


def test_the_national_office_edits_the_general_types_and_a_commune_nothing(member_factory, bach_dang):
    general = ReportType.objects.get(code="xa-nam")
    assert services.may_edit_type(seat(member_factory("lbc.tw", None, Role.COORDINATOR)), general)
    commune = seat(member_factory("lbc.xa", bach_dang, Role.COORDINATOR))
    assert not services.may_edit_type(commune) and not services.may_edit_type(commune, general)
