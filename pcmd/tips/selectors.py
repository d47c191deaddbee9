"""Reads of tips: what a seat sees, deadlines, duplicates, the on-time rate."""

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from pcmd.core.collation import vi_sort_key
from pcmd.core.models import fold
from pcmd.core.scoping import scoped
from pcmd.geo.models import AdminUnit
from pcmd.org.models import Role

from .models import DeadlineRule, Tip, TipStatus

OPEN = (TipStatus.RECEIVED, TipStatus.VERIFYING, TipStatus.CLASSIFIED, TipStatus.ASSIGNED)
NOT_ACCEPTED = (TipStatus.RECEIVED, TipStatus.VERIFYING)
# Who may read the reporter's name, contact and identity papers (DOMAIN.md §7: the minimum of people).
IDENTITY_ROLES = frozenset({Role.COORDINATOR, Role.POLICE_OFFICER})


def can_see_identity(membership) -> bool:
    return membership is not None and membership.role in IDENTITY_ROLES


def visible(membership) -> QuerySet:
    return scoped(Tip.objects.all(), membership, "view")


def incoming(membership) -> QuerySet:
    """Tips another unit transferred to the seat's unit (or below it), waiting to be accepted or returned
    (who may take them in is decided by `scoped`)."""
    return scoped(Tip.objects.all(), membership, "incoming").select_related("unit", "transfer_to")


def overdue(queryset: QuerySet, today: datetime.date | None = None) -> QuerySet:
    today = today or timezone.localdate()
    return queryset.filter(status__in=OPEN, due_date__lt=today)


def accept_overdue(queryset: QuerySet, today: datetime.date | None = None) -> QuerySet:
    """Tips not yet accepted (classified) after their acceptance deadline (a complaint: 10 days)."""
    today = today or timezone.localdate()
    return queryset.filter(status__in=NOT_ACCEPTED, accept_due_date__lt=today)


def due_soon_condition(today: datetime.date) -> Q:
    """Open, not yet due, and within its rule's warning days (one condition per rule: a handful)."""
    condition = Q(pk__in=[])
    for rule_id, warn in DeadlineRule.objects.values_list("pk", "warn_days"):
        condition |= Q(deadline_rule_id=rule_id, due_date__lte=today + datetime.timedelta(days=warn))
    return Q(status__in=OPEN, due_date__gte=today) & condition


def due_soon(queryset: QuerySet, today: datetime.date | None = None, days: int | None = None) -> QuerySet:
    """Open tips due from today until `days` ahead (default: each tip's rule's warning days)."""
    today = today or timezone.localdate()
    if days is not None:
        return queryset.filter(status__in=OPEN, due_date__gte=today,
                               due_date__lte=today + datetime.timedelta(days=days))
    return queryset.filter(due_soon_condition(today))


def deadline_summary(queryset: QuerySet, by: str, today: datetime.date | None = None) -> list[dict]:
    """Open, due-soon and overdue counts grouped by `by` ("unit__name", "assigned_agency__name"…), worst first."""
    today = today or timezone.localdate()
    rows = (queryset.filter(status__in=OPEN).values(by)
            .annotate(open=Count("pk"),
                      overdue=Count("pk", filter=Q(due_date__lt=today) | Q(status__in=NOT_ACCEPTED,
                                                                               accept_due_date__lt=today)),
                      due_soon=Count("pk", filter=due_soon_condition(today)))
            .order_by("-overdue", "-due_soon", by))
    return [{"name": row[by] or "Chưa giao", **{k: row[k] for k in ("open", "overdue", "due_soon")}} for row in rows]


def duplicate_candidates(tip: Tip, membership, limit: int = 10) -> list[Tip]:
    """Open tips of the same commune that look like the same matter: same establishment, or shared
    words in the venue name / place, received within 60 days of this one."""
    window = datetime.timedelta(days=60)
    qs = (visible(membership).filter(unit_id=tip.unit_id, status__in=OPEN, duplicate_of__isnull=True,
                                     received_at__gte=tip.received_at - window,
                                     received_at__lte=tip.received_at + window)
          .exclude(pk=tip.pk))
    conditions = Q()
    if tip.establishment_id:
        conditions |= Q(establishment_id=tip.establishment_id)
    words = [w for w in fold(f"{tip.venue_name} {tip.location}").split() if len(w) > 3][:6]
    for word in words:
        conditions |= Q(search_text__contains=word)
    if tip.online_link:
        conditions |= Q(online_link=tip.online_link)
    if not conditions:
        return []
    return list(qs.filter(conditions).order_by("-received_at")[:limit])


def on_time(unit, period) -> dict:
    """Indicator TIPS_ON_TIME (DOMAIN.md §3.5) for the seat's `unit` and period, as the scorecard shows it:
    the engine's rows (the communes of a province, the provinces of the country) and total.

    The one definition is the engine's: a tip counts when handled in the period or when its due date
    passed in the period without it being handled; on time = handled by the due date.
    """
    from pcmd.indicators import engine

    rows, totals = engine.unit_breakdown(["TIPS_ON_TIME"], unit=unit, period=period)
    values = rows["TIPS_ON_TIME"]
    names = dict(AdminUnit.objects.filter(pk__in=values).values_list("pk", "name"))
    out = sorted(({"name": names[pk], "on_time": int(v.numerator), "counted": int(v.denominator),
                   "rate": round(v.value, 1)} for pk, v in values.items() if v.denominator),
                 key=lambda r: (r["rate"], vi_sort_key(r["name"])))
    total = totals["TIPS_ON_TIME"]
    return {"rows": out, "on_time": int(total.numerator), "counted": int(total.denominator or 0),
            "rate": round(total.value, 1) if total.value is not None else None,
            "row_label": "Tỉnh, thành phố" if unit is None else "Xã, phường"}
