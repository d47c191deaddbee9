"""Reminders before a report's deadline and escalation to the level above after it (idempotent, like the tips'
deadline notices)."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from pcmd.org.models import Role
from pcmd.reports.models import Report, ReportNotice, ReportReminder
from pcmd.reports.notifications import send_reminders

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(member_factory, bach_dang, hai_phong):
    commune = member_factory("nh.xa", bach_dang, Role.COORDINATOR, "phong-vhxh")
    commune.email = "xa@example.vn"
    commune.save()
    police = member_factory("nh.ca", bach_dang, Role.POLICE_OFFICER)
    return commune, police, member_factory("nh.tinh", hai_phong, Role.COORDINATOR, "so-y-te"), \
        member_factory("nh.tw", None, Role.COORDINATOR)


def test_the_unit_is_reminded_before_the_deadline_once(people, bach_dang, today):
    commune, police, office, _national = people
    year_report = Report.objects.get(unit=bach_dang, year=today.year, type__code="xa-nam")
    day = year_report.due_date - datetime.timedelta(days=3)
    counts = send_reminders(today=day, days=7)
    assert counts["notices"] > 0 and counts["emails"] >= 1
    notice = ReportNotice.objects.get(user=commune, report=year_report, kind="due_soon")
    assert "phải gửi trước ngày" in notice.text and "còn 3 ngày" in notice.text
    assert not ReportNotice.objects.filter(user=police).exists()  # the coordinators are reminded
    assert not ReportNotice.objects.filter(user=office, kind="due_soon").exists()
    assert any("Nhắc hạn gửi báo cáo" in m.subject for m in mail.outbox)
    assert send_reminders(today=day, days=7) == {"reports": 0, "notices": 0, "emails": 0}
    assert send_reminders(today=day + datetime.timedelta(days=1), days=7)["notices"] == 0


def test_after_the_deadline_the_level_above_is_told(people, bach_dang, hai_phong, today):
    commune, _police, office, national = people
    year_report = Report.objects.get(unit=bach_dang, year=today.year, type__code="xa-nam")
    day = year_report.due_date + datetime.timedelta(days=1)
    send_reminders(today=day)
    assert ReportNotice.objects.filter(user=commune, report=year_report, kind="overdue").exists()
    summaries = list(ReportNotice.objects.filter(user=office, report__isnull=True, kind="overdue"))
    late_types = set(Report.objects.filter(province=hai_phong, unit__level="commune", revision=0,
                                           due_date__lt=day).values_list("type_id", flat=True))
    assert len(summaries) == len(late_types) == 2  # the 6-month and the year reports
    assert all("don-vi=31" in n.url and "chưa gửi" in n.text for n in summaries)
    late = Report.objects.filter(province=hai_phong, type__code="xa-nam", revision=0).count()
    assert any(n.text.startswith(f"{late} đơn vị chưa gửi báo cáo năm của xã, phường") for n in summaries)
    # The province's own late reports go to the national level.
    assert ReportNotice.objects.filter(user=national, report__isnull=True, text__contains="tỉnh, thành phố").exists()
    assert ReportReminder.objects.filter(report=year_report, kind="overdue").count() == 1
    assert send_reminders(today=day)["notices"] == 0
    # A sent report is not escalated.
    assert not ReportReminder.objects.filter(kind="overdue", report__revision__gt=0).exists()


def test_notices_show_once_on_the_reports_page_and_the_command_runs(people, login, client):
    commune = people[0]
    out = io.StringIO()
    call_command("report_reminders", stdout=out)
    assert "báo cáo cần nhắc" in out.getvalue()
    notice = ReportNotice.objects.filter(user=commune).first()
    assert notice is not None  # the demo's 6-month drafts are overdue (due 17/6)
    login(commune)
    page = client.get(reverse("report_list")).content.decode()
    assert 'id="report-notices"' in page and notice.text in page
    assert 'id="report-notices"' not in client.get(reverse("report_list")).content.decode()
