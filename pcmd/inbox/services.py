"""Creating notices: the one door (`notify`), the recipients of a seat, the daily scan and the e-mail digest.

Services that cause a notice call `notify()` (tips on transfer and assignment, reports on return and approval,
plans on issue, support on a counselling request) or a scan of this module (deadlines, run daily by
`pcmd inbox-scan`). Support kinds are dropped for anyone who holds no support seat of that unit, so an
enforcement role never receives one, whatever the caller passes.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from pcmd.org.models import Membership, Role

from .models import DEFAULT_EMAIL_KINDS, SUPPORT_KINDS, InboxPreference, Kind, Notification

SUPPORT_ROLES = (Role.CASE_WORKER, Role.SUPPORT_SUPERVISOR)
TASK_DAYS_BEFORE = 7


# ------------------------------------------------------------------------------------------- recipients

def unit_staff(unit_ids: Iterable, roles: Iterable[str]) -> dict:
    """unit id (None: the national seats) -> user ids holding one of `roles` there, in one query."""
    unit_ids = set(unit_ids)
    where = Q(unit_id__in=[u for u in unit_ids if u is not None])
    if None in unit_ids:
        where |= Q(unit__isnull=True)
    out = defaultdict(set)
    for user_id, unit_id in Membership.objects.filter(where, role__in=list(roles)).values_list("user_id", "unit_id"):
        out[unit_id].add(user_id)
    return out


def agency_officers(agency_ids: Iterable) -> dict:
    """agency id -> user ids of its agency officers (and coordinators seated in that agency)."""
    out = defaultdict(set)
    rows = Membership.objects.filter(agency_id__in=set(agency_ids),
                                     role__in=[Role.AGENCY_OFFICER, Role.COORDINATOR])
    for user_id, agency_id in rows.values_list("user_id", "agency_id"):
        out[agency_id].add(user_id)
    return out


def support_staff(unit) -> set[int]:
    """The case workers and support supervisors seated in that commune."""
    return set(unit_staff([unit.pk], SUPPORT_ROLES).get(unit.pk, set()))


# ------------------------------------------------------------------------------------------------ notify

def _support_ok(user_ids: set[int], unit) -> set[int]:
    """Only those holding a support seat of the unit: the wall between enforcement and support."""
    if unit is None:
        return set()
    return set(user_ids) & support_staff(unit)


def notify(users: Iterable[int], kind: str, title: str, *, url: str = "", unit=None, key: str | None = None) -> int:
    """One notice per user (ids); with `key`, at most one per user and key ever. Returns the number created."""
    user_ids = {u for u in users if u is not None}
    if kind in SUPPORT_KINDS:
        user_ids = _support_ok(user_ids, unit)
    if not user_ids:
        return 0
    rows = [Notification(recipient_id=user_id, kind=kind, title=title[:500], url=url[:300],
                         unit_id=getattr(unit, "pk", unit), dedupe_key=key) for user_id in sorted(user_ids)]
    if key is None:
        return len(Notification.objects.bulk_create(rows, batch_size=5000))
    before = Notification.objects.filter(dedupe_key=key, recipient_id__in=user_ids).count()
    Notification.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    return Notification.objects.filter(dedupe_key=key, recipient_id__in=user_ids).count() - before


def notify_many(items: list[tuple[set[int], str, str, str, object, str | None]]) -> int:
    """Several notices at once (a scan): (user ids, kind, title, url, unit, key) each, in bulk."""
    rows = []
    for user_ids, kind, title, url, unit, key in items:
        if kind in SUPPORT_KINDS:
            user_ids = _support_ok(user_ids, unit)
        rows += [Notification(recipient_id=u, kind=kind, title=title[:500], url=url[:300],
                              unit_id=getattr(unit, "pk", unit), dedupe_key=key) for u in sorted(user_ids)]
    if not rows:
        return 0
    before = Notification.objects.count()
    Notification.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    return Notification.objects.count() - before


# ----------------------------------------------------------------------------------------- reading

def mark_read(user, ids=None) -> int:
    """Mark the user's unread notices (all, or `ids`) read; returns how many."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


def mark_read_for(user, url: str) -> int:
    """Opening a record marks the user's unread notices that lead to it read."""
    return Notification.objects.filter(recipient=user, url=url, read_at__isnull=True).update(read_at=timezone.now())


def email_kinds(user) -> list[str]:
    pref = InboxPreference.objects.filter(user=user).first()
    return list(pref.email_kinds) if pref else [str(k) for k in DEFAULT_EMAIL_KINDS]


def set_email_kinds(user, kinds: Iterable[str]) -> InboxPreference:
    valid = {k.value for k in Kind}
    chosen = sorted({k for k in kinds if k in valid})
    pref, _ = InboxPreference.objects.update_or_create(user=user, defaults={"email_kinds": chosen})
    return pref


# ------------------------------------------------------------------------------------------ the daily scan

def scan_task_deadlines(*, today: datetime.date | None = None, days: int = TASK_DAYS_BEFORE) -> int:
    """Tasks of issued plans due within `days` days or past due, not done: to the lead agencies' officers and the
    coordinators of the plan's unit, once per task, threshold and due date."""
    from pcmd.plans.models import PlanStatus, ProgressStatus, Task

    today = today or timezone.localdate()
    tasks = list(Task.objects.filter(plan__status=PlanStatus.ISSUED, due_date__isnull=False,
                                     due_date__lte=today + datetime.timedelta(days=days))
                 .exclude(progress__status=ProgressStatus.DONE)
                 .select_related("plan", "plan__unit").prefetch_related("lead_agencies").distinct())
    if not tasks:
        return 0
    coordinators = unit_staff({t.plan.unit_id for t in tasks}, [Role.COORDINATOR])
    officers = agency_officers({a.pk for t in tasks for a in t.lead_agencies.all()})
    items = []
    for task in tasks:
        late = task.due_date < today
        users = set(coordinators.get(task.plan.unit_id, ())).union(
            *(officers.get(a.pk, set()) for a in task.lead_agencies.all()))
        what = "đã quá hạn từ ngày" if late else "sắp đến hạn ngày"
        title = f"Nhiệm vụ “{task.title[:200]}” ({task.plan}) {what} {task.due_date:%d/%m/%Y}."
        key = f"task:{task.pk}:{'late' if late else 'soon'}:{task.due_date:%Y%m%d}"
        items.append((users, Kind.TASK_DEADLINE, title, reverse("task_detail", args=[task.pk]), task.plan.unit, key))
    return notify_many(items)


def scan_referrals(*, today: datetime.date | None = None) -> int:
    """Referrals past their answer date, per commune: one notice to its support staff (no client named)."""
    from pcmd.support.models import Referral, ReferralStatus

    today = today or timezone.localdate()
    late = defaultdict(int)
    for unit_id in Referral.objects.filter(status=ReferralStatus.SENT, answer_due__lt=today) \
            .values_list("unit_id", flat=True):
        late[unit_id] += 1
    if not late:
        return 0
    from pcmd.geo.models import AdminUnit

    items = []
    for unit in AdminUnit.objects.filter(pk__in=late):
        title = f"{late[unit.pk]} giới thiệu dịch vụ của {unit.name} đã quá hạn nơi nhận trả lời."
        items.append((support_staff(unit), Kind.SUPPORT_REFERRAL, title, reverse("referral_overdue"), unit,
                      f"referral:{unit.pk}:{today:%Y%m%d}"))
    return notify_many(items)


def scan(*, today: datetime.date | None = None) -> dict[str, int]:
    """The daily scan: tip deadlines, report reminders, task deadlines, overdue referrals (all idempotent)."""
    from pcmd.reports.notifications import send_reminders
    from pcmd.tips.notifications import notify_deadlines

    today = today or timezone.localdate()
    with transaction.atomic():
        return {
            "tips": notify_deadlines(today=today)["notices"],
            "reports": send_reminders(today=today)["notices"],
            "tasks": scan_task_deadlines(today=today),
            "referrals": scan_referrals(today=today),
        }


# --------------------------------------------------------------------------------------------- digest

def digest(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """One e-mail per person with their unread notices of the kinds they chose, not e-mailed yet."""
    now = now or timezone.now()
    pending = Notification.objects.filter(read_at__isnull=True, emailed_at__isnull=True) \
        .exclude(recipient__email="").filter(recipient__is_active=True)
    users = set(pending.values_list("recipient_id", flat=True).distinct())
    if not users:
        return {"users": 0, "notices": 0, "emails": 0}
    prefs = dict(InboxPreference.objects.filter(user_id__in=users).values_list("user_id", "email_kinds"))
    default = [str(k) for k in DEFAULT_EMAIL_KINDS]
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for n in pending.filter(recipient_id__in=users).select_related("recipient").order_by("recipient_id", "pk"):
        if n.kind in prefs.get(n.recipient_id, default):
            by_user[n.recipient_id].append(n)
    base = settings.PCMD_SITE_URL.rstrip("/")
    messages, sent_ids = [], []
    for notices in by_user.values():
        user = notices[0].recipient
        lines = [f"- {n.title}" + (f"\n  {base}{n.url}" if n.url else "") for n in notices]
        body = ("Các thông báo chưa đọc của bạn trên PCMD:\n\n" + "\n".join(lines)
                + f"\n\nXem tất cả tại hộp thông báo: {base}{reverse('inbox')}\n"
                + f"Chọn loại thông báo nhận qua e-mail: {base}{reverse('inbox_preferences')}")
        messages.append(EmailMessage(f"[PCMD] {len(notices)} thông báo chưa đọc", body,
                                     settings.DEFAULT_FROM_EMAIL, [user.email]))
        sent_ids += [n.pk for n in notices]
    emails = get_connection().send_messages(messages) if messages else 0
    Notification.objects.filter(pk__in=sent_ids).update(emailed_at=now)
    return {"users": len(by_user), "notices": len(sent_ids), "emails": emails or 0}
