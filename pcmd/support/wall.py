"""The wall around case files: the one door through which a page reaches a client's file.

- `client_or_404(request, pk)`: the file if the seat's scope holds it (`scoped()`, module "support") or the
  seat holds a break-glass grant in force for it; 404 otherwise (an outsider learns nothing). Every call
  writes one `AccessLog` row (who, which file, why).
- `readable_classes(membership)`: the sensitivity classes the seat may read (`org.permissions.SENSITIVITY_READ`);
  `masked(obj, membership)` gives the field values a template may show, with "(hạn chế)" in place of the rest.
- Break-glass: `open_break_glass(membership, code, reason)` lets a support supervisor read one file outside
  their scope for `PCMD_BREAK_GLASS_HOURS` hours, with a written reason; the owning commune's case workers see
  it until they acknowledge it (`acknowledge`), the supervisors of the file's scope review it (`review`).
- `ROLES`: which role does which step of the wall (the matrix says "support"; inside it, the steps differ).
  `role_view(step)` checks it on a page and keeps it on the view (`view.roles`) for the URL-matrix test.
- An erased file (`erased_at`) opens for no one and is in no list.
"""

import datetime
import statistics
from collections import defaultdict
from functools import wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from pcmd.core.models import AccessLog
from pcmd.core.scoping import module_view, scoped, unit_choices
from pcmd.geo.models import Level
from pcmd.org.permissions import SENSITIVITY_READ

from . import roles
from .models import BreakGlass, CaseEvent, CaseEventAction, Client

REASON_MIN = 20  # a reason shorter than this says nothing ("cần xem", "kiểm tra")
REASON_MAX = 500

# Who does which step of the wall, inside the support module of the matrix: the app's one table (roles.py).
ROLES = roles.STEP_ROLES
may = roles.may


def require_role(membership, step: str, message: str = "") -> None:
    if not may(membership, step):
        raise PermissionDenied(message or "Vai trò hiện tại không thực hiện được bước này.")


def role_view(step: str, action: str = "view"):
    """A support page for the roles of `step` only: `module_view("support", action)`, then 403 for other roles.
    Both rules are kept on the view (`permission`, `roles`) so the URL-matrix test expects exactly them."""

    def decorator(view):
        @module_view("support", action)
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            require_role(request.membership, step)
            return view(request, *args, **kwargs)

        wrapped.roles = ROLES[step]
        return wrapped

    return decorator


def file_url(client) -> str:
    """The address of a client's file page, once the file pages exist (`client_detail`); "" before."""
    try:
        return reverse("client_detail", args=[client.pk])
    except NoReverseMatch:
        return ""

HIDDEN = "(hạn chế)"


def readable_classes(membership) -> frozenset:
    if membership is None:
        return frozenset()
    return SENSITIVITY_READ.get(membership.role, frozenset())


def can_read(membership, sensitivity: str) -> bool:
    return sensitivity in readable_classes(membership)


def active_grant(membership, client_id: int):
    """The break-glass grant in force for this seat and file, if any (an erased file has none)."""
    if membership is None:
        return None
    return (BreakGlass.objects.filter(membership=membership, client_id=client_id, client__erased_at__isnull=True,
                                      expires_at__gt=timezone.now()).order_by("-expires_at").first())


def visible_clients(membership, action: str = "view"):
    """The files the seat reaches by its scope (break-glass grants are per file, through `client_or_404`).
    Erased files are left out: nothing of them opens any more."""
    return scoped(Client.objects.select_related("unit", "case_worker"), membership, action).filter(
        erased_at__isnull=True)


def client_or_404(request, pk, *, action: str = "view", log: str = "view", why: str = "") -> Client:
    """The client file `pk` for this request's seat, logged; 404 when neither scope nor a grant reaches it.

    `action` "change" asks for the right to write (a break-glass grant only ever reads).
    """
    membership = getattr(request, "membership", None)
    client = visible_clients(membership, action).filter(pk=pk).first()
    grant = None
    if client is None and action == "view":
        grant = active_grant(membership, pk)
        if grant is not None:
            client = Client.objects.select_related("unit", "case_worker").filter(pk=pk, erased_at__isnull=True).first()
    if client is None:
        raise Http404
    detail = why or (f"Mở khẩn cấp: {grant.reason}" if grant else "")
    AccessLog.record(membership=membership, obj=client, action=log, detail=detail)
    return client


def masked(obj, membership) -> dict:
    """Field name -> value to display for the encrypted fields of `obj` (`SENSITIVE_FIELDS`), masked by class."""
    classes = readable_classes(membership)
    return {name: (getattr(obj, name) if cls in classes else HIDDEN)
            for name, cls in getattr(obj, "SENSITIVE_FIELDS", {}).items()}


# ---------------------------------------------------------------- break-glass

def break_glass_hours() -> int:
    return getattr(settings, "PCMD_BREAK_GLASS_HOURS", 2)


def reason_check(reason: str, field: str = "reason", *, what: str = "lý do") -> str:
    """The stripped reason, or a ValidationError on `field` (the forms call the same check)."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({field: f"Vui lòng ghi {what}."})
    if len(reason) < REASON_MIN:
        raise ValidationError({field: f"Hãy ghi rõ {what} (ít nhất {REASON_MIN} ký tự; hiện có {len(reason)})."})
    if len(reason) > REASON_MAX:
        raise ValidationError({field: f"{what.capitalize()} dài quá {REASON_MAX} ký tự (hiện có {len(reason)})."})
    return reason


@transaction.atomic
def open_break_glass(membership, code: str, reason: str) -> BreakGlass:
    """Open the file `code` (exact) outside the supervisor's scope, read-only, for `break_glass_hours()`.

    Refused for other roles, without a reason, for a file the seat already reaches (no need), for an unknown or
    erased file. Leaves a BreakGlass row (notice and review), a CaseEvent and an AccessLog row.
    """
    require_role(membership, "break_glass", "Chỉ giám sát hỗ trợ được mở hồ sơ khẩn cấp.")
    errors = {}
    code = (code or "").strip()
    try:
        reason = reason_check(reason, what="lý do mở hồ sơ khẩn cấp")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    client = Client.objects.filter(code=code, erased_at__isnull=True).first() if code else None
    if not code:
        errors["code"] = "Vui lòng nhập mã hồ sơ."
    elif client is None:
        errors["code"] = "Không có hồ sơ nào mang đúng mã này (hãy nhập đủ mã, ví dụ HT-…)."
    elif visible_clients(membership).filter(pk=client.pk).exists():
        errors["code"] = "Hồ sơ này thuộc phạm vi của bạn: hãy mở trực tiếp, không cần mở khẩn cấp."
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    grant = BreakGlass.objects.create(client=client, user_id=membership.user_id, membership=membership,
                                      reason=reason, opened_at=now,
                                      expires_at=now + datetime.timedelta(hours=break_glass_hours()))
    CaseEvent.objects.create(client=client, at=now, actor_id=membership.user_id, action=CaseEventAction.BREAK_GLASS,
                             note=reason)
    AccessLog.record(membership=membership, obj=client, action="break_glass", detail=f"Mở khẩn cấp: {reason}")
    return grant


def grants_in_scope(membership):
    """Break-glass openings of the files in the seat's scope (to acknowledge, to review)."""
    return scoped(BreakGlass.objects.select_related("client", "client__unit", "user", "reviewed_by"),
                  membership, "view")


def my_grants(membership):
    """The openings this user made (the files they may read for now), newest first."""
    if membership is None:
        return BreakGlass.objects.none()
    return BreakGlass.objects.select_related("client", "client__unit").filter(user_id=membership.user_id)


def unacknowledged(membership):
    """Openings of this case worker's files that no one of the commune has acknowledged yet (the notice)."""
    if not may(membership, "acknowledge"):
        return BreakGlass.objects.none()
    return grants_in_scope(membership).filter(acknowledged_at__isnull=True)


def unacknowledged_count(membership) -> int:
    return unacknowledged(membership).count()


def unreviewed_count(membership) -> int:
    """Openings of files in the supervisor's scope still to review (the menu badge)."""
    if not may(membership, "review"):
        return 0
    return grants_in_scope(membership).filter(reviewed_at__isnull=True).count()


@transaction.atomic
def acknowledge(membership, grant: BreakGlass) -> BreakGlass:
    """A case worker of the owning commune has seen the notice."""
    require_role(membership, "acknowledge", "Chỉ cán bộ quản lý trường hợp của địa bàn xác nhận đã biết.")
    grant = grants_in_scope(membership).select_for_update(of=("self",)).filter(pk=grant.pk).first()
    if grant is None:
        raise PermissionDenied
    if grant.acknowledged_at is None:
        grant.acknowledged_at = timezone.now()
        grant.save(update_fields=["acknowledged_at"])
    return grant


@transaction.atomic
def review(membership, grant: BreakGlass, note: str) -> BreakGlass:
    """A supervisor of the file's scope (never the one who opened it) concludes on an opening."""
    require_role(membership, "review", "Chỉ giám sát hỗ trợ rà soát việc mở hồ sơ khẩn cấp.")
    grant = grants_in_scope(membership).select_for_update(of=("self",)).filter(pk=grant.pk).first()
    if grant is None:
        raise PermissionDenied
    if grant.user_id == membership.user_id:
        raise ValidationError("Người mở hồ sơ không tự rà soát lượt mở của mình.")
    if grant.reviewed_at is not None:
        raise ValidationError("Lượt mở này đã được rà soát.")
    note = " ".join((note or "").split())
    if not note:
        raise ValidationError({"note": "Vui lòng ghi kết luận rà soát."})
    if len(note) > REASON_MAX:
        raise ValidationError({"note": f"Kết luận dài quá {REASON_MAX} ký tự (hiện có {len(note)})."})
    grant.reviewed_at = timezone.now()
    grant.reviewed_by_id = membership.user_id
    grant.review_note = note
    grant.save(update_fields=["reviewed_at", "reviewed_by", "review_note"])
    return grant


# ---------------------------------------------------------------- access review

# "Unusual volume": a user opened more distinct files in a day than BURST_ABSOLUTE, or more than BURST_FACTOR
# times the median of their own active days in the BASELINE_DAYS before (and at least BURST_FLOOR files).
BURST_ABSOLUTE = 30
BURST_FACTOR = 3
BURST_FLOOR = 5
BASELINE_DAYS = 30
ACCESS_ACTIONS = {"view": "Xem hồ sơ", "list": "Xem danh sách, tìm kiếm", "export": "Xuất dữ liệu",
                  "workflow": "Mở trang xử lý", "break_glass": "Mở khẩn cấp", "print": "In"}


def access_rows(membership):
    """Reads of support records whose unit lies in the seat's scope (AccessLog.unit is the record's unit, so the
    units come from `unit_choices`, the pickers' door to the scope). Only for the roles that review access."""
    if not may(membership, "review"):
        return AccessLog.objects.none()
    units = unit_choices(membership, (Level.PROVINCE, Level.COMMUNE, Level.HAMLET), active=False)
    return AccessLog.objects.filter(target__startswith="support.", unit__in=units)


def daily_files(rows, start: datetime.date, end: datetime.date) -> dict:
    """(user id, day) -> distinct records (files) the user opened that day, between start and end."""
    found = defaultdict(int)
    per_target = (rows.exclude(object_id="").filter(at__date__gte=start, at__date__lte=end)
                  .annotate(day=TruncDate("at")).values("user_id", "day", "target")
                  .annotate(n=Count("object_id", distinct=True)))
    for row in per_target:
        found[(row["user_id"], row["day"])] += row["n"]
    return dict(found)


def bursts(rows, start: datetime.date, end: datetime.date) -> list[dict]:
    """The (user, day) of the period with an unusual volume of files opened, newest first."""
    days = daily_files(rows, start - datetime.timedelta(days=BASELINE_DAYS), end)
    history = defaultdict(dict)
    for (user_id, day), n in days.items():
        history[user_id][day] = n
    found = []
    for (user_id, day), n in days.items():
        if day < start:
            continue
        before = [count for d, count in history[user_id].items()
                  if day - datetime.timedelta(days=BASELINE_DAYS) <= d < day]
        median = statistics.median(before) if before else 0
        relative = median and n >= BURST_FLOOR and n > BURST_FACTOR * median
        if n > BURST_ABSOLUTE or relative:
            found.append({"user_id": user_id, "day": day, "files": n, "median": median})
    return sorted(found, key=lambda b: (b["day"], b["files"]), reverse=True)


def reads_per_day(rows, start: datetime.date, end: datetime.date) -> tuple[list[str], list[int]]:
    """Labels (dd/mm) and the number of reads of each day from start to end, empty days included."""
    counts = {r["day"]: r["n"] for r in rows.filter(at__date__gte=start, at__date__lte=end)
              .annotate(day=TruncDate("at")).values("day").annotate(n=Count("pk"))}
    span = [start + datetime.timedelta(days=i) for i in range((end - start).days + 1)]
    return [d.strftime("%d/%m") for d in span], [counts.get(d, 0) for d in span]


def readers(rows, flagged: set) -> list[dict]:
    """One line per user: reads, distinct files, unusual days; users with an unusual volume first."""
    per_user = {r["user_id"]: r for r in rows.values("user_id").annotate(
        reads=Count("pk"), files=Count("object_id", distinct=True, filter=~Q(object_id="")))}
    lines = [{"user_id": uid, "reads": r["reads"], "files": r["files"],
              "unusual": sum(1 for (u, _d) in flagged if u == uid)} for uid, r in per_user.items()]
    return sorted(lines, key=lambda r: (-r["unusual"], -r["reads"]))
