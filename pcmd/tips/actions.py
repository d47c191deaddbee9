"""The tip workflow: each step declared once (label, allowed states, form, service) and run by `core.actions.view`.

The rules of each step (who, deadlines, what may follow) live in `services`; the states a step runs from are
here, and the detail page's buttons come from the same declarations (`core.actions.buttons`).
"""

from django.urls import reverse

from pcmd.core.actions import Action, register

from . import forms, selectors, services
from .models import Tip, TipStatus

S = TipStatus
OPEN = tuple(selectors.OPEN)
NOT_CLOSED = tuple(s for s in S.values if s != S.CLOSED)


def _detail(tip) -> str:
    return reverse("tip_detail", args=[tip.pk])


def _after(tip, result, request) -> str:
    """Back to the tip while the user still sees it; else to the list it came from."""
    if selectors.visible(request.membership).filter(pk=tip.pk).exists():
        return _detail(tip)
    return reverse("tip_list")


def _refused(label):
    return lambda tip: f"Không thể “{label.lower()}” khi tin đang ở trạng thái “{tip.get_status_display()}”."


def _page(tip, request, slug):
    extra = {"candidates": selectors.duplicate_candidates(tip, request.membership)} if slug == "gop" else {}
    return {"tip": tip, **extra}


def step(slug, label, sources, form, service, **options) -> Action:
    return Action(
        model=Tip, slug=slug, label=label, sources=sources, refused=options.pop("refused", _refused(label)),
        form=form, service=service, log_reads=True,
        queryset=lambda: Tip.objects.select_related("unit", "assigned_agency", "transfer_to", "deadline_rule"),
        template="tips/action.html", context=lambda tip, request: _page(tip, request, slug),
        success=lambda tip, result: f"Đã ghi nhận: {label.lower()} — tin {tip.code}.",
        next_url=options.pop("next_url", _after), back_url=_detail,
        link=lambda tip: reverse("tip_action", args=[tip.pk, slug]), **options,
    )


def _plain(form_class, optional_reason=False):
    def make(tip, request, data=None, files=None):
        form = form_class(data)
        if optional_reason:
            form.fields["reason"].required = False
        return form
    return make


def _for_tip(form_class):
    return lambda tip, request, data=None, files=None: form_class(data, tip=tip)


register(
    step("xac-minh", "Bắt đầu xác minh", (S.RECEIVED,), _plain(forms.ReasonForm),
         lambda tip, d, r: services.tip_start_verification(tip=tip, membership=r.membership, reason=d["reason"])),
    step("phan-loai", "Phân loại", (S.VERIFYING, S.CLASSIFIED), _plain(forms.ClassifyForm),
         lambda tip, d, r: services.tip_classify(
             tip=tip, membership=r.membership, reason=d.get("reason", ""), kind=d["kind"],
             is_complex=d["is_complex"], is_urgent=d["is_urgent"], involves_minor=d["involves_minor"],
             involves_trafficking=d["involves_trafficking"])),
    step("giao-xu-ly", "Giao xử lý", (S.CLASSIFIED, S.ASSIGNED), _for_tip(forms.AssignForm),
         lambda tip, d, r: services.tip_assign(tip=tip, membership=r.membership, agency=d["agency"],
                                               reason=d.get("reason", ""))),
    step("ket-qua", "Ghi kết quả xử lý", (S.VERIFYING, S.CLASSIFIED, S.ASSIGNED),
         lambda tip, request, data=None, files=None: forms.HandleForm(data, tip=tip, membership=request.membership),
         lambda tip, d, r: services.tip_handle(
             tip=tip, membership=r.membership, outcome=d["outcome"], note=d.get("reason", ""), visit=d["visit"],
             criminal_case=d["criminal_case"], hotspot=d["hotspot"])),
    step("dong", "Đóng tin, trả lời người báo", (S.HANDLED,), _plain(forms.CloseForm),
         lambda tip, d, r: services.tip_close(tip=tip, membership=r.membership, message=d.get("reason", ""))),
    step("gia-han", "Gia hạn", OPEN, _plain(forms.ExtendForm),
         lambda tip, d, r: services.tip_extend(tip=tip, membership=r.membership, reason=d.get("reason", ""),
                                               approver=d["approver"], new_due_date=d["new_due_date"])),
    step("chuyen", "Chuyển đơn vị khác", OPEN,
         lambda tip, request, data=None, files=None: forms.TransferForm(data, tip=tip, membership=request.membership),
         lambda tip, d, r: services.tip_transfer(tip=tip, membership=r.membership, to_unit=d["to_unit"],
                                                 reason=d.get("reason", "")),
         when=lambda tip: not tip.transfer_to_id,
         refused=lambda tip: "Tin này đang chờ đơn vị khác nhận." if tip.transfer_to_id
         else _refused("Chuyển đơn vị khác")(tip)),
    step("gop", "Gộp vào tin trùng", OPEN,
         lambda tip, request, data=None, files=None: forms.MergeForm(
             data, visible=selectors.visible(request.membership)),
         lambda tip, d, r: services.tip_merge(duplicate=tip, primary=d["primary"], membership=r.membership,
                                              reason=d.get("reason", ""))),
    # The code is shown this once on the result page and never stored in clear.
    step("cap-ma", "Cấp mã tra cứu cho người báo", NOT_CLOSED, _plain(forms.ConfirmForm),
         lambda tip, d, r: services.tip_issue_receipt(tip=tip, membership=r.membership),
         when=lambda tip: not tip.receipt_lookup,
         refused=lambda tip: "Tin này đã có mã tra cứu." if tip.receipt_lookup
         else _refused("Cấp mã tra cứu cho người báo")(tip),
         result_template="tips/receipt.html"),
    step("nhan-tin", "Nhắn người báo", NOT_CLOSED, _plain(forms.MessageForm),
         lambda tip, d, r: services.tip_message(tip=tip, membership=r.membership, text=d.get("reason", ""))),
    # Taken in by the unit a tip was transferred to: found through scoped(…, "incoming").
    step("nhan-chuyen", "Nhận tin chuyển đến", tuple(S.values), _plain(forms.ReasonForm, optional_reason=True),
         lambda tip, d, r: services.tip_transfer_accept(tip=tip, membership=r.membership,
                                                        reason=d.get("reason", "")),
         scope="incoming", next_url=lambda tip, result, request: _detail(tip)),
    step("tra-lai", "Trả lại tin chuyển đến", tuple(S.values), _plain(forms.ReasonForm),
         lambda tip, d, r: services.tip_transfer_return(tip=tip, membership=r.membership,
                                                        reason=d.get("reason", "")),
         scope="incoming", leaves_scope=True, next_url=lambda tip, result, request: reverse("tip_incoming")),
)
