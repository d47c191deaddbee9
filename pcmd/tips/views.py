"""Tip pages beyond the generic CRUD: the detail page (logged), incoming transfers, deadlines and attachments.
The workflow steps are actions (tips/actions.py) run by core.actions.view."""


from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from pcmd.core import actions, pickers
from pcmd.core.crud import cell
from pcmd.core.models import AccessLog
from pcmd.core.scoping import module_view, scoped
from pcmd.inbox import services as inbox_services

from . import selectors
from .models import Tip, TipAttachment, TipStatus
from .registry import tips as tips_crud

DETAIL_FIELDS = ["code", "received_at", "channel", "received_by", "unit", "category", "summary", "description",
                 "location", "occurred_on", "occurred_when", "venue_name", "establishment", "online_link",
                 "is_anonymous", "kind", "is_complex", "is_urgent", "involves_minor", "involves_trafficking",
                 "status", "assigned_agency", "deadline_rule", "accept_due_date", "due_date", "extensions",
                 "handled_on", "outcome", "outcome_note", "visit", "criminal_case", "hotspot", "duplicate_of",
                 "closed_at"]


def _tip(request, pk) -> Tip:
    """A tip the seat sees, or one transferred to the seat's unit (read before it is taken in); else 404."""
    related = ("unit", "assigned_agency", "transfer_to", "deadline_rule")
    tip = (selectors.visible(request.membership).select_related(*related).filter(pk=pk).first()
           or selectors.incoming(request.membership).select_related(*related).filter(pk=pk).first())
    if tip is None:
        raise Http404
    return tip


def _may_change(membership, tip) -> bool:
    return scoped(Tip.objects.filter(pk=tip.pk), membership, "change").exists()


@module_view("tips", "view")
def tip_detail(request, pk):
    membership = request.membership
    tip = _tip(request, pk)
    AccessLog.record(membership=membership, obj=tip)
    inbox_services.mark_read_for(request.user, reverse("tip_detail", args=[tip.pk]))  # its notices are seen
    may_change = _may_change(membership, tip)
    return render(request, "tips/tip_detail.html", {
        "crud": tips_crud, "object": tip,
        "fields": [(tips_crud.label(n), cell(tip, n)) for n in DETAIL_FIELDS],
        "show_identity": selectors.can_see_identity(membership),
        "events": tip.events.select_related("actor", "unit", "agency", "other_tip"),
        "tip_messages": tip.messages.select_related("author"),
        "attachments": tip.attachments.all(),
        "duplicates": tip.duplicates.all(),
        "candidates": selectors.duplicate_candidates(tip, membership) if may_change and tip.is_open else [],
        "actions": actions.buttons(tip, membership), "can_change": may_change and tip.status != TipStatus.CLOSED,
        "overdue": tip.is_open and tip.due_date and tip.due_date < timezone.localdate(),
    })


@module_view("tips", "view")
def tip_incoming(request):
    tips = list(selectors.incoming(request.membership)[:500])
    _log_list(request, len(tips), "Tin báo chuyển đến")
    return render(request, "tips/incoming.html", {"tips": tips})


def _log_list(request, count: int, page: str) -> None:
    """One access-log row for a hand-written page that lists tips (the CRUD logs its own lists)."""
    AccessLog.record_list(membership=request.membership, model=Tip, count=count, query=request.GET.urlencode(),
                          detail=page)


@pickers.canonical_params
@module_view("tips", "view")
def tip_deadlines(request):
    membership = request.membership
    visible = selectors.visible(membership).select_related("unit", "assigned_agency")
    today = timezone.localdate()
    period, error = pickers.period_from_request(request, today=today)
    lists = {
        "accept_overdue": list(selectors.accept_overdue(visible, today).order_by("accept_due_date", "pk")[:200]),
        "overdue": list(selectors.overdue(visible, today).order_by("due_date", "pk")[:200]),
        "due_soon": list(selectors.due_soon(visible, today).order_by("due_date", "pk")[:200]),
    }
    _log_list(request, sum(map(len, lists.values())), "Thời hạn xử lý")
    return render(request, "tips/deadlines.html", {
        "today": today, **lists,
        "by_unit": selectors.deadline_summary(visible, "unit__name", today)[:100],
        "by_agency": selectors.deadline_summary(visible, "assigned_agency__name", today)[:100],
        "crud": tips_crud, "on_time": selectors.on_time(membership.unit, period),
        "period": period, "picker": pickers.picker(period=period, errors=[error], today=today),
    })


@module_view("tips", "view")
def tip_attachment(request, pk):
    attachment = get_object_or_404(TipAttachment.objects.select_related("tip"), pk=pk,
                                   tip__in=selectors.visible(request.membership))
    AccessLog.record(membership=request.membership, obj=attachment.tip, action="download",
                     detail=attachment.original_name)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name,
                        content_type=attachment.content_type or "application/octet-stream")
