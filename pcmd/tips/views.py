"""Tip pages beyond the generic CRUD: the detail page (logged), workflow actions, incoming transfers,
deadlines and attachments."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from pcmd.core.crud import add_errors, cell
from pcmd.core.models import AccessLog
from pcmd.core.scoping import module_view, scoped
from pcmd.hotspots.views import period_picker_context

from . import forms, selectors, services
from .models import Notice, Tip, TipAttachment, TipStatus
from .registry import tips as tips_crud

DETAIL_FIELDS = ["code", "received_at", "channel", "received_by", "unit", "category", "summary", "description",
                 "location", "occurred_on", "occurred_when", "venue_name", "establishment", "online_link",
                 "is_anonymous", "kind", "is_complex", "is_urgent", "involves_minor", "involves_trafficking",
                 "status", "assigned_agency", "deadline_rule", "accept_due_date", "due_date", "extensions",
                 "handled_on", "outcome", "outcome_note", "visit", "criminal_case", "hotspot", "duplicate_of",
                 "closed_at"]
OPEN = set(selectors.OPEN)


@dataclass(frozen=True)
class Action:
    slug: str
    label: str
    statuses: frozenset
    form: type
    incoming: bool = False  # done by the unit a tip was transferred to


ACTIONS = {a.slug: a for a in [
    Action("xac-minh", "Bắt đầu xác minh", frozenset({TipStatus.RECEIVED}), forms.ReasonForm),
    Action("phan-loai", "Phân loại", frozenset({TipStatus.VERIFYING, TipStatus.CLASSIFIED}), forms.ClassifyForm),
    Action("giao-xu-ly", "Giao xử lý", frozenset({TipStatus.CLASSIFIED, TipStatus.ASSIGNED}), forms.AssignForm),
    Action("ket-qua", "Ghi kết quả xử lý", frozenset({TipStatus.VERIFYING, TipStatus.CLASSIFIED,
                                                      TipStatus.ASSIGNED}), forms.HandleForm),
    Action("dong", "Đóng tin, trả lời người báo", frozenset({TipStatus.HANDLED}), forms.CloseForm),
    Action("gia-han", "Gia hạn", frozenset(OPEN), forms.ExtendForm),
    Action("chuyen", "Chuyển đơn vị khác", frozenset(OPEN), forms.TransferForm),
    Action("gop", "Gộp vào tin trùng", frozenset(OPEN), forms.MergeForm),
    Action("cap-ma", "Cấp mã tra cứu cho người báo", frozenset(TipStatus.values) - {TipStatus.CLOSED},
           forms.ConfirmForm),
    Action("nhan-tin", "Nhắn người báo", frozenset(TipStatus.values) - {TipStatus.CLOSED}, forms.MessageForm),
    Action("nhan-chuyen", "Nhận tin chuyển đến", frozenset(TipStatus.values), forms.ReasonForm, incoming=True),
    Action("tra-lai", "Trả lại tin chuyển đến", frozenset(TipStatus.values), forms.ReasonForm, incoming=True),
]}


def _tip(request, pk, *, incoming=False) -> Tip:
    """A tip the seat sees (or, for incoming actions, one transferred to the seat's unit); else 404."""
    base = selectors.incoming(request.membership) if incoming else selectors.visible(request.membership)
    tip = base.select_related("unit", "assigned_agency", "transfer_to", "deadline_rule").filter(pk=pk).first()
    if tip is None and not incoming:  # the receiving unit reads a tip before it accepts it
        tip = selectors.incoming(request.membership).filter(pk=pk).first()
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
    Notice.objects.filter(user=request.user, tip=tip, read_at__isnull=True).update(read_at=timezone.now())
    may_change = _may_change(membership, tip)
    is_incoming = bool(tip.transfer_to_id) and selectors.incoming(membership).filter(pk=tip.pk).exists()
    actions = [a for a in ACTIONS.values()
               if (a.incoming and is_incoming) or (not a.incoming and may_change and tip.status in a.statuses
                                                   and not (a.slug == "chuyen" and tip.transfer_to_id)
                                                   and not (a.slug == "cap-ma" and tip.receipt_lookup))]
    return render(request, "tips/tip_detail.html", {
        "crud": tips_crud, "object": tip,
        "fields": [(tips_crud.label(n), cell(tip, n)) for n in DETAIL_FIELDS],
        "show_identity": selectors.can_see_identity(membership),
        "events": tip.events.select_related("actor", "unit", "agency", "other_tip"),
        "tip_messages": tip.messages.select_related("author"),
        "attachments": tip.attachments.all(),
        "duplicates": tip.duplicates.all(),
        "candidates": selectors.duplicate_candidates(tip, membership) if may_change and tip.is_open else [],
        "actions": actions, "can_change": may_change and tip.status != TipStatus.CLOSED,
        "overdue": tip.is_open and tip.due_date and tip.due_date < timezone.localdate(),
    })


def _form(action: Action, request, tip):
    data = request.POST if request.method == "POST" else None
    if action.form is forms.AssignForm or action.form is forms.TransferForm:
        return action.form(data, tip=tip)
    if action.form is forms.HandleForm:
        return action.form(data, tip=tip, membership=request.membership)
    if action.form is forms.MergeForm:
        return action.form(data, visible=selectors.visible(request.membership))
    form = action.form(data)
    if action.slug == "nhan-chuyen":
        form.fields["reason"].required = False
    return form


def _run(action: Action, request, tip, data):
    m = request.membership
    reason = data.get("reason", "")
    match action.slug:
        case "xac-minh":
            services.tip_start_verification(tip=tip, membership=m, reason=reason)
        case "phan-loai":
            services.tip_classify(tip=tip, membership=m, reason=reason, kind=data["kind"],
                                  is_complex=data["is_complex"], is_urgent=data["is_urgent"],
                                  involves_minor=data["involves_minor"],
                                  involves_trafficking=data["involves_trafficking"])
        case "giao-xu-ly":
            services.tip_assign(tip=tip, membership=m, agency=data["agency"], reason=reason)
        case "ket-qua":
            services.tip_handle(tip=tip, membership=m, outcome=data["outcome"], note=reason, visit=data["visit"],
                                criminal_case=data["criminal_case"], hotspot=data["hotspot"])
        case "dong":
            services.tip_close(tip=tip, membership=m, message=reason)
        case "gia-han":
            services.tip_extend(tip=tip, membership=m, reason=reason, approver=data["approver"],
                                new_due_date=data["new_due_date"])
        case "chuyen":
            services.tip_transfer(tip=tip, membership=m, to_unit=data["to_unit"], reason=reason)
        case "gop":
            services.tip_merge(duplicate=tip, primary=data["primary"], membership=m, reason=reason)
        case "nhan-tin":
            services.tip_message(tip=tip, membership=m, text=reason)
        case "cap-ma":
            return services.tip_issue_receipt(tip=tip, membership=m)
        case "nhan-chuyen":
            services.tip_transfer_accept(tip=tip, membership=m, reason=reason)
        case "tra-lai":
            services.tip_transfer_return(tip=tip, membership=m, reason=reason)


@module_view("tips", "change")
def tip_action(request, pk, action):
    step = ACTIONS.get(action)
    if step is None:
        raise Http404
    tip = _tip(request, pk, incoming=step.incoming)
    detail = reverse("tip_detail", args=[tip.pk])
    if step.slug == "cap-ma" and tip.receipt_lookup:
        messages.error(request, "Tin này đã có mã tra cứu.")
        return HttpResponseRedirect(detail)
    if tip.status not in step.statuses:
        messages.error(request, f"Không thể “{step.label.lower()}” khi tin đang ở trạng thái "
                                f"“{tip.get_status_display()}”.")
        return HttpResponseRedirect(detail)
    form = _form(step, request, tip)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                code = _run(step, request, tip, form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            except PermissionDenied:
                form.add_error(None, "Tin này không thuộc phạm vi xử lý của bạn (đơn vị hoặc cơ quan được giao).")
            else:
                if code:  # a receipt code: shown this once, never stored
                    return render(request, "tips/receipt.html", {"tip": tip, "code": code})
                messages.success(request, f"Đã ghi nhận: {step.label.lower()} — tin {tip.code}.")
                if step.slug == "nhan-chuyen" or (step.slug != "tra-lai" and selectors.visible(
                        request.membership).filter(pk=tip.pk).exists()):
                    return HttpResponseRedirect(detail)
                return HttpResponseRedirect(reverse("tip_incoming" if step.incoming else "tip_list"))
        status = 400
    candidates = selectors.duplicate_candidates(tip, request.membership) if step.slug == "gop" else []
    return render(request, "tips/action.html", {"tip": tip, "step": step, "form": form, "candidates": candidates},
                  status=status)


@module_view("tips", "view")
def tip_incoming(request):
    return render(request, "tips/incoming.html", {"tips": selectors.incoming(request.membership)[:500]})


@module_view("tips", "view")
def tip_deadlines(request):
    membership = request.membership
    visible = selectors.visible(membership).select_related("unit", "assigned_agency")
    today = timezone.localdate()
    period, picker = period_picker_context(request)
    return render(request, "tips/deadlines.html", {
        "today": today,
        "accept_overdue": selectors.accept_overdue(visible, today).order_by("accept_due_date", "pk")[:200],
        "overdue": selectors.overdue(visible, today).order_by("due_date", "pk")[:200],
        "due_soon": selectors.due_soon(visible, today).order_by("due_date", "pk")[:200],
        "by_unit": selectors.deadline_summary(visible, "unit__name", today)[:100],
        "by_agency": selectors.deadline_summary(visible, "assigned_agency__name", today)[:100],
        "crud": tips_crud, "on_time": selectors.on_time(membership.unit, period), **picker,
    })


@module_view("tips", "view")
def tip_attachment(request, pk):
    attachment = get_object_or_404(TipAttachment.objects.select_related("tip"), pk=pk,
                                   tip__in=selectors.visible(request.membership))
    AccessLog.record(membership=request.membership, obj=attachment.tip, action="download",
                     detail=attachment.original_name)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name,
                        content_type=attachment.content_type or "application/octet-stream")
