"""Reminders before a report's deadline and escalation to the level above after it (idempotent, like the tips'
deadline notices), as notices of the one inbox (pcmd.inbox)."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from pcmd.inbox.models import Notification
from pcmd.org.models import Role
from pcmd.reports.models import Report, ReportReminder
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
    assert counts["notices"] > 0
    notice = Notification.objects.get(recipient=commune, url=year_report.get_absolute_url(), kind="report_due")
    assert "phải gửi trước ngày" in notice.title and "còn 3 ngày" in notice.title
    assert not Notification.objects.filter(recipient=police).exists()  # the coordinators are reminded
    assert not Notification.objects.filter(recipient=office, kind="report_due").exists()
    assert send_reminders(today=day, days=7) == {"reports": 0, "notices": 0}
    assert send_reminders(today=day + datetime.timedelta(days=1), days=7)["notices"] == 0


def test_after_the_deadline_the_level_above_is_told(people, bach_dang, hai_phong, today):
    commune, _police, office, national = people
    ReportReminder.objects.all().delete()  # as if the demo's own daily scan had not run yet
    year_report = Report.objects.get(unit=bach_dang, year=today.year, type__code="xa-nam")
    day = year_report.due_date + datetime.timedelta(days=1)
    send_reminders(today=day)
    assert Notification.objects.filter(recipient=commune, url=year_report.get_absolute_url(),
                                       kind="report_overdue").exists()
    summaries = list(Notification.objects.filter(recipient=office, kind="report_overdue",
                                                 title__contains="đơn vị chưa"))
    late_types = set(Report.objects.filter(province=hai_phong, unit__level="commune", revision=0,
                                           due_date__lt=day).values_list("type_id", flat=True))
    assert len(summaries) == len(late_types) == 2  # the 6-month and the year reports
    assert all("don-vi=31" in n.url and "chưa gửi" in n.title for n in summaries)
    late = Report.objects.filter(province=hai_phong, type__code="xa-nam", revision=0).count()
    assert any(n.title.startswith(f"{late} đơn vị chưa gửi báo cáo năm của xã, phường") for n in summaries)
    # The province's own late reports go to the national level.
    assert Notification.objects.filter(recipient=national, kind="report_overdue",
                                       title__contains="tỉnh, thành phố").exists()
    assert ReportReminder.objects.filter(report=year_report, kind="overdue").count() == 1
    assert send_reminders(today=day)["notices"] == 0
    # A sent report is not escalated.
    assert not ReportReminder.objects.filter(kind="overdue", report__revision__gt=0).exists()


def test_notices_are_in_the_inbox_until_the_report_is_opened_and_the_command_runs(people, login, client):
    commune = people[0]
    ReportReminder.objects.all().delete()  # as if the demo's own daily scan had not run yet
    out = io.StringIO()
    call_command("report_reminders", stdout=out)
    assert "báo cáo cần nhắc" in out.getvalue()
    notice = Notification.objects.filter(recipient=commune, url__startswith="/bao-cao/").first()
    assert notice is not None  # the demo's 6-month drafts are overdue (due 17/6)
    login(commune)
    assert notice.title in client.get(reverse("inbox")).content.decode()
    assert client.get(notice.url).status_code == 200  # opening the report marks its notices read
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert notice.title not in client.get(reverse("inbox")).content.decode()
