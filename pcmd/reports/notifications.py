"""Reminders before a report's deadline and escalation after it: notices in the one inbox (`pcmd.inbox`).

`send_reminders()` (part of the daily `pcmd inbox-scan`; also `pcmd report-reminders`) is
idempotent: one `ReportReminder` per report, kind and due date, so a second run on the same day adds nothing.

- Due soon: a report not sent yet (draft or returned) whose deadline is within `days` days → its unit's
  coordinators, one notice per report.
- Overdue: a report never sent whose deadline has passed → its unit's coordinators (one notice per report) and the
  level above — the province's coordinators for a commune's report, the national coordinators for a province's
  — one summary notice per recipient and type naming the units late, with a link to the completeness page.

E-mail goes out in the inbox's daily digest (the kinds each person chose).
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from pcmd.inbox.models import Kind
from pcmd.inbox.services import notify_many
from pcmd.org.models import Membership, Role

from .models import ReminderKind, Report, ReportReminder, ReportStatus

DAYS_BEFORE = 7
NAMES_IN_SUMMARY = 10


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
    counts = {"reports": 0, "notices": 0}
    with transaction.atomic():
        soon = _pending(ReminderKind.DUE_SOON, Report.objects.filter(
            status__in=[ReportStatus.DRAFT, ReportStatus.RETURNED], due_date__gte=today,
            due_date__lte=today + datetime.timedelta(days=days)))
        late = _pending(ReminderKind.OVERDUE, Report.objects.filter(revision=0, due_date__lt=today))
        above = {r.pk: (None if r.unit.level == "province" else r.province_id) for r in late}
        staff = _coordinators({r.unit_id for r in soon + late} | set(above.values()))
        items = []
        for kind, reports in ((ReminderKind.DUE_SOON, soon), (ReminderKind.OVERDUE, late)):
            for report in reports:
                if kind == ReminderKind.DUE_SOON:
                    left = (report.due_date - today).days
                    text = (f"{report.title} của {report.unit.name} phải gửi trước ngày {report.due_date:%d/%m/%Y}"
                            f" ({'hôm nay' if left == 0 else f'còn {left} ngày'}).")
                else:
                    text = f"{report.title} của {report.unit.name} đã quá hạn gửi từ ngày {report.due_date:%d/%m/%Y}."
                items.append((staff.get(report.unit_id, set()),
                               Kind.REPORT_DUE if kind == ReminderKind.DUE_SOON else Kind.REPORT_OVERDUE,
                               text, report.get_absolute_url(), report.unit,
                               f"report:{report.pk}:{kind}:{report.due_date:%Y%m%d}"))
        # The level above: one summary per recipient and (type, year, province).
        groups = defaultdict(list)
        for report in late:
            groups[(above[report.pk], report.type_id, report.year)].append(report)
        for (upper, type_id, year), reports in groups.items():
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
            items.append((staff.get(upper, set()), Kind.REPORT_OVERDUE, text, url,
                          first.unit.province if upper is not None else None,
                          f"reports-late:{upper}:{type_id}:{year}:{today:%Y%m%d}"))
        ReportReminder.objects.bulk_create(
            [ReportReminder(report=r, kind=kind, due_date=r.due_date)
             for kind, reports in ((ReminderKind.DUE_SOON, soon), (ReminderKind.OVERDUE, late)) for r in reports],
            ignore_conflicts=True, batch_size=5000)
        counts["reports"], counts["notices"] = len(soon) + len(late), notify_many(items)
    return counts
