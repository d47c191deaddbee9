"""The steps on a referral, run by `core.actions.view`: the case worker records the provider's answer, cancels
or re-issues the slip; a provider with a PCMD agency answers from its inbox (found by the "incoming" rule).
What each step may do and from which state is checked again in `referrals.py`, inside the transaction."""

import time

from django.urls import reverse

from pcmd.core.actions import Action, ConfirmForm, register

from . import referrals
from .models import Referral
from .models import ReferralStatus as S
from .referral_forms import AnswerForm, ReasonForm, WorkerAnswerForm

OPEN = (S.SENT, S.RECEIVED)
SLIP_SESSION_KEY = "support_referral_slip"
SLIP_CODE_SECONDS = 30 * 60  # the new code stays available for the slip download this long


def remember_code(request, referral_id: int, code: str) -> None:
    """Keep a new code for the slip download right after it was made (it is stored nowhere else in clear)."""
    request.session[SLIP_SESSION_KEY] = {"pk": referral_id, "code": code, "at": int(time.time())}


def remembered_code(request, referral_id: int) -> str:
    kept = request.session.get(SLIP_SESSION_KEY) or {}
    if kept.get("pk") != referral_id or time.time() - kept.get("at", 0) > SLIP_CODE_SECONDS:
        return ""
    return kept.get("code", "")


def _detail(referral, result=None, request=None) -> str:
    return reverse("referral_detail", args=[referral.pk])


def _refused(label):
    return lambda r: f"Không thể “{label.lower()}” khi giới thiệu đang ở tình trạng “{r.get_status_display()}”."


def _queryset():
    return Referral.objects.select_related("client", "provider", "unit")


def _reissue(referral, data, request):
    code = referrals.referral_reissue(referral=referral, membership=request.membership)
    remember_code(request, referral.pk, code)
    return referral


def _action(slug, label, form, service, **extra) -> Action:
    return Action(model=Referral, slug=slug, label=label, sources=OPEN, refused=_refused(label), form=form,
                  service=service, queryset=_queryset, log_reads=True, template="support/referral_action.html",
                  next_url=_detail, back_url=_detail,
                  link=lambda r, slug=slug: reverse("referral_action", args=[r.pk, slug]), **extra)


register(
    _action("ghi-nhan-tra-loi", "Ghi nhận trả lời của nơi nhận",
            lambda r, request, data=None, files=None: WorkerAnswerForm(data, referral=r),
            lambda r, d, request: referrals.referral_answer(
                referral=r, via="worker", membership=request.membership, outcome=d["outcome"],
                received_on=d.get("received_on"), done_on=d.get("done_on"), note=d.get("note", ""),
                service_kind=d.get("service_kind", "")),
            success=lambda r, result: f"Đã ghi nhận: {result.get_status_display().lower()}.",
            button="btn-primary", icon="bi-check2-square"),
    _action("cap-lai-phieu", "Cấp lại phiếu giới thiệu (mã mới)",
            lambda r, request, data=None, files=None: ConfirmForm(data), _reissue,
            success=lambda r, result: "Đã cấp mã mới; mã cũ không dùng được nữa. Hãy tải phiếu giới thiệu ngay.",
            icon="bi-arrow-repeat"),
    _action("huy", "Hủy giới thiệu",
            lambda r, request, data=None, files=None: ReasonForm(data),
            lambda r, d, request: referrals.referral_cancel(referral=r, membership=request.membership,
                                                            reason=d.get("reason", "")),
            success=lambda r, result: "Đã hủy giới thiệu.", button="btn-outline-danger", icon="bi-x-circle"),
    # The provider's own seats (its agency on PCMD): they see the referral's fields only, never the file, and
    # the referral is not in their scope afterwards either (it belongs to the client's commune).
    Action(model=Referral, slug="don-vi-tra-loi", label="Trả lời giới thiệu", sources=OPEN,
           refused=_refused("Trả lời giới thiệu"),
           form=lambda r, request, data=None, files=None: AnswerForm(data, referral=r),
           service=lambda r, d, request: referrals.referral_answer(
               referral=r, via="app", membership=request.membership, outcome=d["outcome"],
               received_on=d.get("received_on"), done_on=d.get("done_on"), note=d.get("note", "")),
           queryset=_queryset, scope="incoming", leaves_scope=True, log_reads=True,
           template="support/referral_incoming_action.html",
           success=lambda r, result: "Đã gửi trả lời cho cán bộ đã giới thiệu.",
           next_url=lambda r, result, request: reverse("referral_incoming"),
           back_url=lambda r: reverse("referral_incoming")),
)
