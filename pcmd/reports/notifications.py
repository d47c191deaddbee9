"""Reminders before a report's deadline and escalation after it: in-app `ReportNotice` rows and e-mails.

`send_reminders()` (command `pcmd report-reminders`, run daily by cron, like the tips' deadline notices) is
idempotent: one `ReportReminder` per report, kind and due date, so a second run on the same day adds nothing.

- Due soon: a report not sent yet (draft or returned) whose deadline is within `days` days → its unit's
  coordinators, one notice per report.
- Overdue: a report never sent whose deadline has passed → its unit's coordinators (one notice per report) and the
  level above — the province's coordinators for a commune's report, the national coordinators for a province's
  — one summary notice per recipient and type naming the units late, with a link to the completeness page.

A stop-gap of the reports app: the general inbox of issue 12 should absorb `ReportNotice` with the tips' `Notice`.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from pcmd.org.models import Membership, Role

from .models import ReminderKind, Report, ReportNotice, ReportReminder, ReportStatus

DAYS_BEFORE = 7
NAMES_IN_SUMMARY = 10


def unread(user, limit: int = 10) -> list[ReportNotice]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(ReportNotice.objects.filter(user=user, read_at__isnull=True).select_related("report")[:limit])


def _pending(kind: str, reports):
    sent = ReportReminder.objects.filter(report=OuterRef("pk"), kind=kind, due_date=OuterRef("due_date"))
    return list(reports.filter(~Exists(sent)).select_related("type", "unit").order_by("due_date", "unit__name"))


def _coordinators(unit_ids: set) -> dict:
    """unit id (None: the national level) -> coordinators' user ids."""
    national = None in unit_ids
    rows = Membership.objects.filter(role=Role.COORDINATOR, unit_id__in=[u for u in unit_ids if u is not None])
    out = defaultdict(set)
    for user_id, unit_id in rows.values_list("user_id", "unit_id"):
        out[unit_id].add(user_id)
    if national:
        out[None] = set(Membership.objects.filter(role=Role.COORDINATOR, unit__isnull=True)
                        .values_list("user_id", flat=True))
    return out


def send_reminders(*, today: datetime.date | None = None, days: int = DAYS_BEFORE) -> dict[str, int]:
    today = today or timezone.localdate()
    counts = {"reports": 0, "notices": 0, "emails": 0}
    mails: dict[int, list[str]] = defaultdict(list)
    with transaction.atomic():
        soon = _pending(ReminderKind.DUE_SOON, Report.objects.filter(
            status__in=[ReportStatus.DRAFT, ReportStatus.RETURNED], due_date__gte=today,
            due_date__lte=today + datetime.timedelta(days=days)))
        late = _pending(ReminderKind.OVERDUE, Report.objects.filter(revision=0, due_date__lt=today))
        above = {r.pk: (None if r.unit.level == "province" else r.province_id) for r in late}
        staff = _coordinators({r.unit_id for r in soon + late} | set(above.values()))
        notices = []
        for kind, reports in ((ReminderKind.DUE_SOON, soon), (ReminderKind.OVERDUE, late)):
            for report in reports:
                if kind == ReminderKind.DUE_SOON:
                    left = (report.due_date - today).days
                    text = (f"{report.title} của {report.unit.name} phải gửi trước ngày {report.due_date:%d/%m/%Y}"
                            f" ({'hôm nay' if left == 0 else f'còn {left} ngày'}).")
                else:
                    text = f"{report.title} của {report.unit.name} đã quá hạn gửi từ ngày {report.due_date:%d/%m/%Y}."
                for user_id in sorted(staff.get(report.unit_id, ())):
                    notices.append(ReportNotice(user_id=user_id, report=report, kind=kind, text=text[:500],
                                                url=report.get_absolute_url()))
                    mails[user_id].append(text)
        # The level above: one summary per recipient and (type, year, province).
        groups = defaultdict(list)
        for report in late:
            groups[(above[report.pk], report.type_id, report.year)].append(report)
        for (upper, _type_id, year), reports in groups.items():
            first = reports[0]
            names = ", ".join(r.unit.name for r in reports[:NAMES_IN_SUMMARY])
            more = f" và {len(reports) - NAMES_IN_SUMMARY} đơn vị khác" if len(reports) > NAMES_IN_SUMMARY else ""
            text = (f"{len(reports)} đơn vị chưa gửi {first.type.name.lower()} năm {year} (quá hạn): "
                    f"{names}{more}.")
            query = {"loai": first.type.frequency, "nam": year}
            if upper is not None:
                query["don-vi"] = first.unit.province.code
            url = f"{reverse('report_completeness')}?{urlencode(query)}" if first.type.frequency in ("S", "Y") \
                else reverse("report_adhoc") if upper is not None else reverse("report_list")
            for user_id in sorted(staff.get(upper, ())):
                notices.append(ReportNotice(user_id=user_id, kind=ReminderKind.OVERDUE, text=text[:500], url=url))
                mails[user_id].append(text)
        ReportReminder.objects.bulk_create(
            [ReportReminder(report=r, kind=kind, due_date=r.due_date)
             for kind, reports in ((ReminderKind.DUE_SOON, soon), (ReminderKind.OVERDUE, late)) for r in reports],
            ignore_conflicts=True, batch_size=5000)
        ReportNotice.objects.bulk_create(notices, batch_size=5000)
        counts["reports"], counts["notices"] = len(soon) + len(late), len(notices)
    emails = dict(Membership.objects.filter(user_id__in=mails).exclude(user__email="")
                  .values_list("user_id", "user__email"))
    messages = [("[PCMD] Nhắc hạn gửi báo cáo",
                 "Các báo cáo cần chú ý thời hạn gửi:\n\n" + "\n".join(f"- {line}" for line in lines)
                 + "\n\nXem chi tiết tại trang Báo cáo định kỳ.", settings.DEFAULT_FROM_EMAIL, [emails[user_id]])
                for user_id, lines in mails.items() if user_id in emails]
    counts["emails"] = send_mass_mail(messages, fail_silently=False) if messages else 0
    return counts
