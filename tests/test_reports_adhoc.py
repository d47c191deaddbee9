"""Ad hoc requests (báo cáo đột xuất): a province's or the nation's standing office asks its subordinate units for a
report with a deadline and a few questions; each question is a required section; the units see it in their list."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pcmd.geo.models import AdminUnit, Level
from pcmd.indicators import engine
from pcmd.indicators.models import DataApproval
from pcmd.org.models import Role
from pcmd.reports import services
from pcmd.reports.models import Report, ReportStatus, ReportType

pytestmark = pytest.mark.django_db


def seat(user):
    return user.memberships.get()


def form(today, **changes):
    data = {"title": "Báo cáo nhanh kiểm tra cơ sở lưu trú dịp nghỉ lễ 2/9",
            "questions": "Số cơ sở đã kiểm tra và vi phạm phát hiện\n\nKhó khăn, vướng mắc",
            "window_start": (today - datetime.timedelta(days=20)).isoformat(),
            "window_end": (today - datetime.timedelta(days=1)).isoformat(),
            "due_date": (today + datetime.timedelta(days=10)).isoformat()}
    data.update(changes)
    return data


def test_a_province_asks_its_communes_and_they_answer(hai_phong, bach_dang, member_factory, login, client, today):
    office = member_factory("dx.tinh", hai_phong, Role.COORDINATOR, "so-y-te")
    login(office)
    assert client.get(reverse("report_adhoc")).status_code == 200
    response = client.post(reverse("report_adhoc"), form(today))
    assert response.status_code == 302
    asked = ReportType.objects.get(frequency="adhoc", requested_unit=hai_phong)
    reports = Report.objects.filter(type=asked)
    assert reports.count() == engine.communes_of([hai_phong.pk]).count()
    assert asked.name in client.get(reverse("report_adhoc")).content.decode()
    own = reports.get(unit=bach_dang)
    assert own.due_date == today + datetime.timedelta(days=10)
    assert [(s.title, s.required) for s in own.sections.all()][:2] == [
        ("1. Số cơ sở đã kiểm tra và vi phạm phát hiện", True), ("2. Khó khăn, vướng mắc", True)]
    assert own.events.get().step == "requested"
    # The commune sees it in its list, writes it and sends it; the province approves it.
    writer = member_factory("dx.xa", bach_dang, Role.COORDINATOR, "phong-vhxh")
    login(writer)
    page = client.get(reverse("report_list")).content.decode()
    assert reverse("report_detail", args=[own.pk]) in page and "Đột xuất" in page
    with pytest.raises(ValidationError, match="Chưa viết các mục bắt buộc"):
        services.report_submit(report=own, membership=seat(writer))
    services.report_save_sections(report=own, membership=seat(writer),
                                  texts={"noi-dung-1": "Kiểm tra 5 cơ sở, phát hiện 1 vi phạm.",
                                         "noi-dung-2": "Không có."})
    services.report_submit(report=own, membership=seat(writer))
    locks = DataApproval.objects.count()
    services.report_approve(report=own, membership=seat(office))
    assert own.status == ReportStatus.APPROVED
    assert DataApproval.objects.count() == locks  # an ad hoc window does not lock a year's entered figures
    # The calendar does not make ad hoc reports again.
    before = Report.objects.count()
    services.create_due_reports(today.year, [hai_phong])
    assert Report.objects.filter(type=asked).count() == reports.count() and Report.objects.count() == before


def test_the_national_office_asks_the_provinces(member_factory, today):
    national = seat(member_factory("dx.tw", None, Role.COORDINATOR))
    asked, count = services.adhoc_request(
        membership=national, title="Báo cáo tình hình tháng 8", questions=["Tình hình chung"],
        window_start=today - datetime.timedelta(days=40), window_end=today - datetime.timedelta(days=10),
        due_date=today + datetime.timedelta(days=5))
    assert count == AdminUnit.objects.filter(level=Level.PROVINCE, is_active=True).count()
    assert asked.level == "province" and asked.requested_unit is None
    assert list(services.adhoc_requests(national)) == [asked]


@pytest.mark.parametrize("changes, field", [
    ({"questions": " \n "}, "questions"),
    ({"questions": "\n".join(f"Nội dung {n}" for n in range(11))}, "questions"),
    ({"window_end": "2999-01-01"}, "window_end"),
    ({"due_date": "2000-01-01"}, "due_date"),
    ({"window_start": "2026-13-40"}, "window_start"),
])
def test_bad_requests_are_refused_and_nothing_is_made(changes, field, hai_phong, member_factory, login, client,
                                                      today):
    login(member_factory("dx.sai", hai_phong, Role.COORDINATOR, "so-y-te"))
    before = ReportType.objects.count()
    response = client.post(reverse("report_adhoc"), form(today, **changes))
    assert response.status_code == 400
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert 'value="Báo cáo nhanh kiểm tra cơ sở lưu trú dịp nghỉ lễ 2/9"' in response.content.decode()
    assert ReportType.objects.count() == before


def test_a_commune_or_the_police_cannot_ask(bach_dang, hai_phong, member_factory, login, client, today):
    for user in (member_factory("dx.xa2", bach_dang, Role.COORDINATOR), member_factory("dx.ca", hai_phong,
                                                                                       Role.POLICE_OFFICER)):
        login(user)
        assert 'id="adhoc-refused"' in client.get(reverse("report_adhoc")).content.decode()
        response = client.post(reverse("report_adhoc"), form(today))
        assert response.status_code == 400 and 'id="adhoc-error"' in response.content.decode()
    assert not ReportType.objects.filter(frequency="adhoc").exists()


def test_the_word_export_of_an_ad_hoc_report_bears_its_name(hai_phong, bach_dang, member_factory, today):
    from pcmd.reports import export, figures

    office = seat(member_factory("dx.tinh2", hai_phong, Role.COORDINATOR, "so-y-te"))
    asked, _count = services.adhoc_request(
        membership=office, title="Báo cáo nhanh dịp lễ", questions=["Tình hình"],
        window_start=today - datetime.timedelta(days=9), window_end=today - datetime.timedelta(days=2),
        due_date=today + datetime.timedelta(days=3))
    report = Report.objects.get(type=asked, unit=bach_dang)
    assert export.document_title(report).startswith("Báo cáo nhanh dịp lễ (từ ")
    assert export.report_to_docx(report, figures.live(report))[:2] == b"PK"
