"""Deadline notices in the one inbox (`pcmd.inbox`), once per tip, threshold and due date.

`notify_deadlines()` (part of the daily `pcmd inbox-scan`; also `pcmd notify-tip-deadlines`) finds open tips that
entered their rule's warning window, passed their due date or were not accepted in time, and have
no `DeadlineNotice` for that threshold and date yet (an extension gives a new due date, hence new
notices). Recipients: the coordinators and police of the tip's commune and the officers of the agency it is assigned to.
E-mail goes out in the inbox's daily digest (the kinds each person chose).
"""

import datetime
from collections import defaultdict

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from pcmd import webhooks
from pcmd.inbox.models import Kind
from pcmd.inbox.services import notify_many
from pcmd.org.models import Membership, Role

from . import selectors
from .models import DeadlineNotice, NoticeThreshold, Tip


def _text(tip: Tip, threshold: str) -> str:
    if threshold == NoticeThreshold.ACCEPT_LATE:
        return (f"Tin {tip.code} ({tip.unit.name}) đã quá hạn thụ lý từ ngày {tip.accept_due_date:%d/%m/%Y}: "
                f"{tip.summary}")
    if threshold == NoticeThreshold.OVERDUE:
        return f"Tin {tip.code} ({tip.unit.name}) đã quá hạn xử lý từ ngày {tip.due_date:%d/%m/%Y}: {tip.summary}"
    return f"Tin {tip.code} ({tip.unit.name}) sắp đến hạn xử lý ngày {tip.due_date:%d/%m/%Y}: {tip.summary}"


def tip_recipients(tips: list[Tip]) -> dict[int, set[int]]:
    """tip pk -> user ids, from one query over the memberships of the tips' units and agencies."""
    units = {t.unit_id for t in tips}
    agencies = {t.assigned_agency_id for t in tips if t.assigned_agency_id}
    by_unit, by_agency = defaultdict(set), defaultdict(set)
    rows = Membership.objects.filter(
        Q(unit_id__in=units, role__in=[Role.COORDINATOR, Role.POLICE_OFFICER])
        | Q(agency_id__in=agencies, role=Role.AGENCY_OFFICER)).values_list("user_id", "unit_id", "agency_id", "role")
    for user_id, unit_id, agency_id, role in rows:
        if role == Role.AGENCY_OFFICER:
            by_agency[agency_id].add(user_id)
        else:
            by_unit[unit_id].add(user_id)
    return {t.pk: by_unit[t.unit_id] | by_agency.get(t.assigned_agency_id, set()) for t in tips}


def notify_deadlines(*, today: datetime.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    counts = {"tips": 0, "notices": 0}
    base = Tip.objects.select_related("unit")
    detail = reverse("tip_detail", args=[0])[:-2]  # "/tin-bao/": reverse() once, not per tip
    with transaction.atomic():
        for threshold, qs, date_field in (
                (NoticeThreshold.ACCEPT_LATE, selectors.accept_overdue(base, today), "accept_due_date"),
                (NoticeThreshold.OVERDUE, selectors.overdue(base, today), "due_date"),
                (NoticeThreshold.DUE_SOON, selectors.due_soon(base, today), "due_date")):
            sent = DeadlineNotice.objects.filter(tip=OuterRef("pk"), threshold=threshold, due_date=OuterRef(date_field))
            tips = list(qs.filter(~Exists(sent)).order_by(date_field, "pk"))
            if not tips:
                continue
            DeadlineNotice.objects.bulk_create(
                [DeadlineNotice(tip=t, threshold=threshold, due_date=getattr(t, date_field)) for t in tips],
                ignore_conflicts=True)
            recipients = tip_recipients(tips)
            counts["notices"] += notify_many([
                (recipients[tip.pk], Kind.TIP_DEADLINE, _text(tip, threshold), f"{detail}{tip.pk}/",
                 tip.unit, f"tip:{tip.pk}:{threshold}:{getattr(tip, date_field):%Y%m%d}") for tip in tips])
            event = "tip.deadline_near" if threshold == NoticeThreshold.DUE_SOON else "tip.deadline_passed"
            for tip in tips:  # in the same transaction as the notices (pcmd.webhooks: the outbox)
                webhooks.emit(event, tip.unit, {"tip": {
                    "id": tip.pk, "code": tip.code, "status": tip.status, "threshold": threshold,
                    "due_date": getattr(tip, date_field).isoformat()}})
            counts["tips"] += len(tips)
    return counts
