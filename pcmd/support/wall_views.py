"""Pages of the wall: break-glass (open, notices, review list), the access review, a client's own-data export,
the erasure requests waiting for a supervisor. Each page is for the roles of its step (`wall.role_view`); the
rules are in `wall.py` and `owndata.py`; pages are never cached."""

import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache

from pcmd.core.models import AccessLog
from pcmd.org.models import Role

from . import owndata, wall, wall_forms
from .models import BreakGlass, Client


@never_cache
@wall.role_view("break_glass", "change")
def break_glass_open(request):
    """A supervisor types the exact file code and why; the file opens read-only for a few hours."""
    form = wall_forms.BreakGlassForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                grant = wall.open_break_glass(request.membership, form.cleaned_data["code"],
                                              form.cleaned_data["reason"])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                until = timezone.localtime(grant.expires_at)
                messages.warning(request, f"Bạn được xem hồ sơ {grant.client.code} (chỉ đọc) đến "
                                          f"{until:%H:%M ngày %d/%m/%Y}. Việc mở đã được ghi nhật ký, báo cho cán "
                                          "bộ phụ trách và sẽ được rà soát.")
                return redirect(wall.file_url(grant.client) or "break_glass_list")
        status = 400
    return render(request, "support/break_glass_open.html",
                  {"form": form, "hours": wall.break_glass_hours(), "reason_min": wall.REASON_MIN}, status=status)


@never_cache
@wall.role_view("review")
def break_glass_list(request):
    """Openings of the files in the supervisor's scope (to review) and the supervisor's own openings."""
    membership = request.membership
    show = request.GET.get("tinh-trang", "")
    grants = wall.grants_in_scope(membership)
    if show == "chua-ra-soat":
        grants = grants.filter(reviewed_at__isnull=True)
    elif show == "da-ra-soat":
        grants = grants.filter(reviewed_at__isnull=False)
    page = Paginator(grants, 50).get_page(request.GET.get("page"))
    now = timezone.now()
    mine = [(g, wall.file_url(g.client) if g.expires_at > now else "") for g in wall.my_grants(membership)[:20]]
    AccessLog.record_list(membership=membership, model=BreakGlass, count=len(page.object_list) + len(mine),
                          query=request.GET.urlencode())
    return render(request, "support/break_glass_list.html", {
        "page": page, "show": show, "mine": mine, "now": now, "hours": wall.break_glass_hours(),
        "to_review": wall.unreviewed_count(membership),
    })


@never_cache
@wall.role_view("acknowledge")
def break_glass_notices(request):
    """The owning commune's case workers: files of theirs a supervisor opened from outside, until acknowledged."""
    pending = list(wall.unacknowledged(request.membership))
    done = list(wall.grants_in_scope(request.membership).filter(acknowledged_at__isnull=False)[:30])
    AccessLog.record_list(membership=request.membership, model=BreakGlass, count=len(pending) + len(done))
    return render(request, "support/break_glass_notices.html", {"pending": pending, "done": done})


@never_cache
@wall.role_view("review")
def access_review(request):
    """Who opened which support records, when and why; unusual volumes first."""
    membership = request.membership
    rows = wall.access_rows(membership)
    users = get_user_model().objects.filter(pk__in=rows.values("user_id")).order_by("last_name", "first_name")
    form = wall_forms.AccessReviewForm(request.GET or None, users=users)
    today = timezone.localdate()
    start, end = today - datetime.timedelta(days=29), today
    chosen = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        start, end = data["date_from"] or start, data["date_to"] or end
        if data["date_from"] and not data["date_to"]:
            end = max(start, today)
        if data["date_to"] and not data["date_from"]:
            start = end - datetime.timedelta(days=29)
        chosen = data["user"]
    start = max(start, end - datetime.timedelta(days=366))  # one year at most (the form says so too)
    if chosen is not None:
        rows = rows.filter(user=chosen)
    period = rows.filter(at__date__gte=start, at__date__lte=end)
    flagged = wall.bursts(rows, start, end)
    flagged_keys = {(b["user_id"], b["day"]) for b in flagged}
    names = {u.pk: u.get_full_name() or u.get_username()
             for u in get_user_model().objects.filter(pk__in={b["user_id"] for b in flagged}
                                                      | set(period.values_list("user_id", flat=True)))}
    page = Paginator(period.select_related("unit").order_by("-at", "-pk"), 50).get_page(request.GET.get("page"))
    codes = dict(Client.objects.filter(pk__in=[int(r.object_id) for r in page if r.target == "support.client"
                                               and r.object_id.isdigit()]).values_list("pk", "code"))
    lines = []
    for row in page:
        day = timezone.localtime(row.at).date()
        lines.append({
            "row": row, "who": names.get(row.user_id, "—"),
            "role": Role(row.role).label if row.role in Role.values else row.role,
            "what": _target_label(row, codes), "action": wall.ACCESS_ACTIONS.get(row.action, row.action),
            "unusual": (row.user_id, day) in flagged_keys,
        })
    labels, counts = wall.reads_per_day(period, start, end)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "support/access_review.html", {
        "form": form, "page": page, "lines": lines, "start": start, "end": end, "querystring": query.urlencode(),
        "bursts": [{**b, "who": names.get(b["user_id"], "—")} for b in flagged],
        "readers": [{**r, "who": names.get(r["user_id"], "—")} for r in wall.readers(period, flagged_keys)],
        "chart": {"labels": labels, "counts": counts}, "total": period.count(),
        "absolute": wall.BURST_ABSOLUTE, "factor": wall.BURST_FACTOR, "baseline": wall.BASELINE_DAYS,
    })


def _target_label(row, codes) -> str:
    from django.apps import apps

    try:
        model = apps.get_model(row.target)
    except (LookupError, ValueError):
        return row.target
    name = str(model._meta.verbose_name)
    name = name[:1].upper() + name[1:]
    if not row.object_id:
        return f"{model._meta.verbose_name_plural[:1].upper()}{model._meta.verbose_name_plural[1:]} " \
               f"({row.count or 0} dòng)"
    if row.target == "support.client":
        return f"{name} {codes.get(int(row.object_id), '')}".strip() if row.object_id.isdigit() else name
    return f"{name} số {row.object_id}"


@never_cache
@wall.role_view("export", "change")
def client_export(request, pk):
    """The client's own data (Word + JSON in a zip), for the client; asks why, logs it."""
    client = wall.client_or_404(request, pk, action="change", log="workflow", why="Trang xuất dữ liệu")
    form = wall_forms.ExportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                content = owndata.export(request.membership, client, form.cleaned_data["reason"])
            except ValidationError as exc:
                form.add_error(None, exc)
            except PermissionDenied:
                form.add_error(None, "Bạn không còn quyền xuất dữ liệu của hồ sơ này.")
            else:
                response = HttpResponse(content, content_type="application/zip")
                response["Content-Disposition"] = content_disposition_header(
                    True, f"du-lieu-ca-nhan-{client.code}.zip")
                return response
        status = 400
    return render(request, "support/owndata_export.html",
                  {"object": client, "form": form, "file_url": wall.file_url(client)}, status=status)


@never_cache
@wall.role_view("erase_confirm")
def erasure_list(request):
    """Erasure requests waiting for a supervisor of the file's scope."""
    pending = owndata.pending_requests(request.membership)
    AccessLog.record_list(membership=request.membership, model=Client,
                          count=pending.count(), action="list", detail="Đề nghị xóa dữ liệu chờ xác nhận")
    return render(request, "support/owndata_erasure_list.html", {"pending": pending})
