"""Counselling requests: intake from the public page and the support staff's steps. Every change goes through
here and leaves one CounsellingEvent (the request's own history: the app is not in the audit log).

Steps (the table below is the one place that says which step goes from where to where):
new → in progress (a case worker takes it up) → answered (a reply the person reads with the receipt code)
→ closed; the person's own message puts an answered request back in progress; a closed one may be reopened.
Writes re-check inside the transaction that the seat may change the request (`scoped(..., "change")`).
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from pcmd.core.scoping import scoped
from pcmd.geo.models import Level
from pcmd.inbox import services as inbox
from pcmd.inbox.models import Kind
from pcmd.tips import receipts

from .models import (
    CounsellingDirection,
    CounsellingEvent,
    CounsellingEventAction,
    CounsellingMessage,
    CounsellingNeed,
    CounsellingRequest,
)
from .models import CounsellingStatus as S

MESSAGE_MAX = 2000
REPLY_MAX = 5000
CONTACT_MAX = 200


@dataclass(frozen=True)
class Step:
    slug: str  # URL segment of the staff page
    action: str  # CounsellingEventAction
    label: str
    sources: frozenset
    target: str | None  # None: the status does not change
    text_label: str  # what the form asks for
    required: str = ""  # what must be written, in the error message ("" = optional)


STEPS = {s.slug: s for s in (
    Step("bat-dau", CounsellingEventAction.START, "Bắt đầu hỗ trợ", frozenset({S.NEW}), S.IN_PROGRESS,
         "Ghi chú nội bộ (không gửi người đề nghị)"),
    Step("tra-loi", CounsellingEventAction.REPLY, "Trả lời người đề nghị",
         frozenset({S.NEW, S.IN_PROGRESS, S.ANSWERED}), S.ANSWERED,
         "Nội dung trả lời (người đề nghị đọc bằng mã tra cứu)", "nội dung trả lời"),
    Step("ket-thuc", CounsellingEventAction.CLOSE, "Kết thúc", frozenset({S.NEW, S.IN_PROGRESS, S.ANSWERED}),
         S.CLOSED, "Lý do kết thúc (nội bộ)", "lý do kết thúc"),
    Step("mo-lai", CounsellingEventAction.REOPEN, "Mở lại", frozenset({S.CLOSED}), S.IN_PROGRESS,
         "Lý do mở lại (nội bộ)", "lý do mở lại"),
)}


def _text(text: str, limit: int, *, required: str = "", field: str = "text") -> str:
    """Stripped `text`; `required` names what must be written (empty: optional)."""
    text = (text or "").strip()
    if required and not text:
        raise ValidationError({field: f"Vui lòng nhập {required}."})
    if len(text) > limit:
        raise ValidationError({field: f"Nội dung dài quá {limit} ký tự (hiện có {len(text)})."})
    return text


def _event(counselling, action, *, actor_id=None, from_status="", note="", at=None) -> CounsellingEvent:
    return CounsellingEvent.objects.create(
        request=counselling, at=at or timezone.now(), actor_id=actor_id, action=action, from_status=from_status,
        to_status=counselling.status if from_status else "", note=note)


def _set_status(counselling: CounsellingRequest, status: str) -> None:
    counselling.status = status
    counselling.status_changed_at = timezone.now()
    counselling.version += 1
    counselling.save(update_fields=["status", "status_changed_at", "version", "updated_at"])


# ---------------------------------------------------------------- intake (public)

@transaction.atomic
def counselling_request_create(*, unit, needs, message: str = "", contact: str = "") -> tuple[CounsellingRequest, str]:
    """Record a request sent from `/tu-van/` for the commune `unit`; returns (request, receipt code).

    The receipt code exists in clear only in the return value (the row keeps its hashes).
    """
    errors = {}
    needs = list(dict.fromkeys(needs or []))
    if not needs:
        errors["needs"] = "Vui lòng chọn ít nhất một mục."
    elif any(n not in CounsellingNeed.values for n in needs):
        errors["needs"] = "Vui lòng chọn trong danh sách."
    if unit is None or unit.level != Level.COMMUNE:
        errors["commune"] = "Vui lòng chọn xã, phường trong danh sách."
    if errors:
        raise ValidationError(errors)
    message = _text(message, MESSAGE_MAX, field="message")
    contact = _text(contact, CONTACT_MAX, field="contact")
    code = receipts.new_code()
    counselling = CounsellingRequest.objects.create(
        unit=unit, needs=needs, message=message, contact=contact, **receipts.hashes(code))
    CounsellingEvent.objects.create(request=counselling, at=counselling.received_at,
                                    action=CounsellingEventAction.RECEIVE, to_status=S.NEW)
    # To the commune's support staff only (inbox drops anyone else), naming nobody: the request stays in support.
    inbox.notify(inbox.support_staff(unit), Kind.SUPPORT_COUNSELLING,
                 f"Có đề nghị tư vấn, hỗ trợ mới gửi đến {unit.name}.", url=reverse("counselling_list"), unit=unit)
    return counselling, code


@transaction.atomic
def counselling_requester_message(*, counselling: CounsellingRequest, text: str) -> CounsellingMessage:
    """The person writes again from the status page: an answered request needs the staff again."""
    counselling = CounsellingRequest.objects.select_for_update().get(pk=counselling.pk)
    if counselling.status == S.CLOSED:
        raise ValidationError({"text": "Đề nghị đã kết thúc. Nếu bạn cần hỗ trợ thêm, hãy gửi một đề nghị mới."})
    text = _text(text, REPLY_MAX, required="nội dung")
    message = CounsellingMessage.objects.create(request=counselling, direction=CounsellingDirection.FROM_REQUESTER,
                                                text=text)
    before = counselling.status
    if before == S.ANSWERED:
        _set_status(counselling, S.IN_PROGRESS)
    _event(counselling, CounsellingEventAction.REQUESTER_MESSAGE,
           from_status=before if counselling.status != before else "")
    return message


# ---------------------------------------------------------------- staff steps

def _locked(counselling: CounsellingRequest, membership) -> CounsellingRequest:
    """The request, row-locked, if this seat may change it; else 403."""
    fresh = scoped(CounsellingRequest.objects.select_for_update(), membership, "change").filter(
        pk=counselling.pk).first()
    if fresh is None:
        raise PermissionDenied
    return fresh


@transaction.atomic
def counselling_step(*, counselling: CounsellingRequest, membership, slug: str, text: str = "") -> CounsellingRequest:
    """Run one step of STEPS (start, reply, close, reopen) for the seat; the reply goes to the person."""
    step = STEPS[slug]
    counselling = _locked(counselling, membership)
    if counselling.status not in step.sources:
        raise ValidationError(f"Không thể “{step.label.lower()}” khi đề nghị đang ở tình trạng "
                              f"“{counselling.get_status_display()}”.")
    text = _text(text, REPLY_MAX, required=step.required)
    before = counselling.status
    if step.target and step.target != before:
        _set_status(counselling, step.target)
    if step.action == CounsellingEventAction.REPLY:
        CounsellingMessage.objects.create(request=counselling, direction=CounsellingDirection.TO_REQUESTER,
                                          text=text, author_id=membership.user_id)
        text = ""  # the reply is in the conversation; the history notes only that it was sent
    _event(counselling, step.action, actor_id=membership.user_id,
           from_status=before if counselling.status != before else "", note=text)
    return counselling


def counselling_file_opened(*, counselling: CounsellingRequest, membership, code: str) -> None:
    """A case worker registered file `code` from the request: a new request is taken up (in progress) so it
    leaves the inbox's "new" count; the request's history says which file it became."""
    counselling = _locked(counselling, membership)
    before = counselling.status
    if before == S.NEW:
        _set_status(counselling, S.IN_PROGRESS)
    _event(counselling, CounsellingEventAction.START, actor_id=membership.user_id,
           from_status=before if counselling.status != before else "", note=f"Đã đăng ký hồ sơ {code}.")
