"""Tip intake and handling. Every change of a tip goes through here and leaves one TipEvent.

Workflow: received → verifying → classified → assigned → handled → closed. A tip found to be spam,
unfounded or a duplicate may be handled before it is assigned. Each step names the user (the seat's
user), the time and a reason. Writes re-check, inside the transaction, that the seat may change the
tip (`scoped(..., "change")`: unit, and the assigned agency for an agency officer).
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from pcmd import webhooks
from pcmd.core.scoping import scoped
from pcmd.geo.models import AdminUnit, Level
from pcmd.inbox import services as inbox
from pcmd.inbox.models import Kind
from pcmd.org.models import Role

from . import deadlines, receipts
from .models import (
    MessageDirection,
    Tip,
    TipEvent,
    TipEventAction,
    TipMessage,
    TipOutcome,
    TipStatus,
)

# Which steps lead where (the handle step is checked by outcome below).
NEXT = {
    TipEventAction.VERIFY: ({TipStatus.RECEIVED}, TipStatus.VERIFYING),
    TipEventAction.CLASSIFY: ({TipStatus.VERIFYING, TipStatus.CLASSIFIED}, TipStatus.CLASSIFIED),
    TipEventAction.ASSIGN: ({TipStatus.CLASSIFIED, TipStatus.ASSIGNED}, TipStatus.ASSIGNED),
    TipEventAction.CLOSE: ({TipStatus.HANDLED}, TipStatus.CLOSED),
}
# Outcomes that need no assignment: the tip is dismissed while being verified or classified.
EARLY_OUTCOMES = {TipOutcome.NOT_SUBSTANTIATED, TipOutcome.SPAM, TipOutcome.DUPLICATE}
OPEN_STATUSES = (TipStatus.RECEIVED, TipStatus.VERIFYING, TipStatus.CLASSIFIED, TipStatus.ASSIGNED)


def _today() -> datetime.date:
    return timezone.localdate()


def _reason(reason: str, what: str = "lý do") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": f"Cần ghi {what}."})
    return reason


def _locked(tip: Tip, membership) -> Tip:
    """The tip, row-locked, if this seat may change it; else 403."""
    fresh = scoped(Tip.objects.select_for_update(), membership, "change").filter(pk=tip.pk).first()
    if fresh is None:
        raise PermissionDenied
    return fresh


def _event(tip: Tip, membership, action, *, from_status="", reason="", **extra) -> TipEvent:
    return TipEvent.objects.create(
        tip=tip, at=timezone.now(), actor_id=getattr(membership, "user_id", None), action=action,
        from_status=from_status, to_status=tip.status if from_status else "", reason=reason, **extra,
    )


def _move(tip: Tip, action, membership, reason: str, **extra) -> TipEvent:
    sources, target = NEXT[action]
    if tip.status not in sources:
        raise ValidationError(
            f"Không thể “{TipEventAction(action).label.lower()}” khi tin đang ở trạng thái "
            f"“{tip.get_status_display()}”."
        )
    before = tip.status
    tip.status = target
    tip.status_changed_at = timezone.now()
    return _event(tip, membership, action, from_status=before, reason=reason, **extra)


def _save(tip: Tip, *fields: str) -> None:
    tip.version += 1
    tip.save(update_fields=[*fields, "status", "status_changed_at", "version", "updated_at"])


def _next_code(tip: Tip, year: int) -> str:
    prefix = f"TB{tip.province.code}-{year}-"
    last = Tip.objects.filter(code__startswith=prefix).aggregate(m=Max("code"))["m"]
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:06d}"


def set_deadline(tip: Tip) -> None:
    """Due date from the rule of the tip's kind and complexity, counted from the day of receipt."""
    rule = deadlines.rule_for(tip.kind, tip.is_complex)
    received = timezone.localdate(tip.received_at)
    tip.deadline_rule = rule
    tip.due_date = deadlines.due_date(received, rule)
    tip.accept_due_date = deadlines.accept_due_date(received, rule)


# ---------------------------------------------------------------- intake

def tip_reporter_check(data: dict) -> None:
    """A named tip (not anonymous) names its reporter: the staff form, the public form and every other
    caller of tip_create / tip_update meet this rule here."""
    if not data.get("is_anonymous", True) and not (data.get("reporter_name") or "").strip():
        raise ValidationError({"reporter_name": "Tin báo có danh tính cần họ tên người báo."})


def tip_create(*, channel: str, data: dict, received_by=None) -> Tip:
    """Record a tip received through `channel` (the public form calls this with channel "web").

    `data`: unit (the commune concerned), summary, description and the optional fields of `Tip`
    (location, occurred_on, venue_name, establishment, online_link, category, is_anonymous,
    reporter_* , kind, flags, received_at). Computes the code and the due date.
    """
    data = dict(data)
    tip = Tip(channel=channel, received_by=received_by,
              received_at=data.pop("received_at", None) or timezone.now())
    for name, value in data.items():
        setattr(tip, name, value)
    if tip.unit_id and tip.unit.level not in (Level.COMMUNE, Level.PROVINCE, Level.DISTRICT):
        tip.unit = tip.unit.parent  # a hamlet's tip belongs to its commune
    if tip.is_anonymous:
        tip.reporter_name = tip.reporter_identity = ""
    tip_reporter_check({"is_anonymous": tip.is_anonymous, "reporter_name": tip.reporter_name})
    tip.code = "-"  # set below, once the province is known
    tip.full_clean(exclude=["code", "province"])
    tip.province_id = tip.unit.province_id
    set_deadline(tip)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                # Numbers follow each other per province: intakes of one province wait here for each other (to the
                # end of the caller's transaction) rather than all taking the same number; eight public
                # submissions at once used up the retries below (the public-channel bench).
                list(AdminUnit.objects.select_for_update(no_key=True).filter(pk=tip.province_id)
                     .values_list("pk", flat=True))
                tip.code = _next_code(tip, tip.received_at.year)
                tip.save()
                break
        except IntegrityError:  # two intakes took the same number: take the next one
            tip.pk = None
    else:
        raise ValidationError("Không cấp được số tin, vui lòng thử lại.")
    TipEvent.objects.create(tip=tip, at=tip.received_at, actor=received_by, action=TipEventAction.RECEIVE,
                            to_status=TipStatus.RECEIVED, reason=tip.get_channel_display())
    return tip


def tip_create_staff(*, membership, data: dict) -> Tip:
    """Staff intake (hotline, mailbox, in person…): the CRUD create service."""
    data = dict(data)
    channel = data.pop("channel")
    with transaction.atomic():
        tip = tip_create(channel=channel, data=data, received_by=membership.user)
        if not scoped(Tip.objects.filter(pk=tip.pk), membership, "add").exists():
            raise PermissionDenied
    return tip


def tip_update(*, instance: Tip, data: dict) -> Tip:
    """Correct what was received (the CRUD edit; the version was claimed by the caller)."""
    if instance.status == TipStatus.CLOSED:
        raise ValidationError("Tin đã đóng, không sửa được nội dung.")
    for name, value in data.items():
        setattr(instance, name, value)
    if instance.is_anonymous:
        instance.reporter_name = instance.reporter_identity = ""
    tip_reporter_check({"is_anonymous": instance.is_anonymous, "reporter_name": instance.reporter_name})
    instance.full_clean(exclude=["province"])
    instance.save()
    return instance


# ---------------------------------------------------------------- workflow

@transaction.atomic
def tip_start_verification(*, tip: Tip, membership, reason: str) -> Tip:
    tip = _locked(tip, membership)
    _move(tip, TipEventAction.VERIFY, membership, _reason(reason, "nội dung xác minh"))
    _save(tip)
    return tip


@transaction.atomic
def tip_classify(*, tip: Tip, membership, kind: str, reason: str, is_complex=False, is_urgent=False,
                 involves_minor=False, involves_trafficking=False) -> Tip:
    tip = _locked(tip, membership)
    reason = _reason(reason, "căn cứ phân loại")
    tip.kind, tip.is_complex, tip.is_urgent = kind, is_complex, is_urgent
    tip.involves_minor, tip.involves_trafficking = involves_minor, involves_trafficking
    tip.full_clean(exclude=["code", "province"])
    if not tip.extensions:  # an extended deadline is not moved back by a new classification
        set_deadline(tip)
    _move(tip, TipEventAction.CLASSIFY, membership, reason, new_due_date=tip.due_date)
    _save(tip, "kind", "is_complex", "is_urgent", "involves_minor", "involves_trafficking", "deadline_rule",
          "due_date", "accept_due_date")
    return tip


@transaction.atomic
def tip_assign(*, tip: Tip, membership, agency, reason: str) -> Tip:
    tip = _locked(tip, membership)
    reason = _reason(reason, "nội dung giao việc")
    if agency is None or agency.unit_id not in (tip.unit_id, tip.province_id):
        raise ValidationError({"agency": "Chỉ giao cho cơ quan của xã, phường hoặc của tỉnh, thành phố."})
    tip.assigned_agency = agency
    _move(tip, TipEventAction.ASSIGN, membership, reason, agency=agency)
    _save(tip, "assigned_agency")
    inbox.notify(inbox.agency_officers([agency.pk])[agency.pk] - {membership.user_id}, Kind.TIP_ASSIGNED,
                 f"Tin {tip.code} ({tip.unit.name}) được giao cho {agency.name}: {tip.summary}",
                 url=reverse("tip_detail", args=[tip.pk]), unit=tip.unit)
    return tip


@transaction.atomic
def tip_extend(*, tip: Tip, membership, reason: str, approver: str, new_due_date: datetime.date) -> Tip:
    tip = _locked(tip, membership)
    reason = _reason(reason, "lý do gia hạn")
    approver = _reason(approver, "người, cơ quan phê duyệt gia hạn")
    if tip.status not in OPEN_STATUSES:
        raise ValidationError("Tin đã xử lý xong, không gia hạn.")
    rule = tip.deadline_rule
    if rule is None or tip.extensions >= rule.max_extensions:
        raise ValidationError("Đã hết số lần gia hạn cho phép đối với loại tin này.")
    if new_due_date is None or tip.due_date is None or new_due_date <= tip.due_date:
        raise ValidationError({"new_due_date": "Hạn mới phải sau hạn hiện tại."})
    longest = tip.due_date + datetime.timedelta(days=rule.extension_days)
    if new_due_date > longest:
        raise ValidationError({"new_due_date": f"Mỗi lần gia hạn không quá {rule.extension_days} ngày "
                                               f"(muộn nhất {longest:%d/%m/%Y})."})
    tip.due_date = new_due_date
    tip.extensions += 1
    _event(tip, membership, TipEventAction.EXTEND, reason=reason, approver=approver, new_due_date=new_due_date)
    tip.version += 1
    tip.save(update_fields=["due_date", "extensions", "version", "updated_at"])
    return tip


@transaction.atomic
def tip_handle(*, tip: Tip, membership, outcome: str, note: str, visit=None, criminal_case=None,
               hotspot=None) -> Tip:
    tip = _locked(tip, membership)
    note = _reason(note, "kết quả xử lý")
    if outcome == TipOutcome.DUPLICATE:
        raise ValidationError({"outcome": "Tin trùng được xử lý bằng chức năng gộp tin."})
    allowed_from = {TipStatus.ASSIGNED} | (
        {TipStatus.VERIFYING, TipStatus.CLASSIFIED} if outcome in EARLY_OUTCOMES else set())
    if tip.status not in allowed_from:
        raise ValidationError(f"Không thể ghi kết quả “{TipOutcome(outcome).label}” khi tin đang ở trạng thái "
                              f"“{tip.get_status_display()}”.")
    links = {TipOutcome.INSPECTION: ("visit", visit, "lượt kiểm tra"),
             TipOutcome.CRIMINAL_CASE: ("criminal_case", criminal_case, "vụ án"),
             TipOutcome.HOTSPOT: ("hotspot", hotspot, "điểm, tụ điểm")}
    if outcome in links:
        field, value, label = links[outcome]
        if value is None:
            raise ValidationError({field: f"Chọn {label} liên quan."})
        if not scoped(type(value).objects.filter(pk=value.pk), membership, "view").exists():
            raise ValidationError({field: f"Không tìm thấy {label} này trong phạm vi của bạn."})
        setattr(tip, field, value)
    before = tip.status
    tip.status, tip.status_changed_at = TipStatus.HANDLED, timezone.now()
    tip.outcome, tip.outcome_note, tip.handled_on = outcome, note, _today()
    _event(tip, membership, TipEventAction.HANDLE, from_status=before, reason=note)
    _save(tip, "outcome", "outcome_note", "handled_on", "visit", "criminal_case", "hotspot")
    return tip


@transaction.atomic
def tip_close(*, tip: Tip, membership, message: str) -> Tip:
    """Close a handled tip with the message the reporter reads on the public status page."""
    tip = _locked(tip, membership)
    message = _reason(message, "nội dung trả lời người báo")
    _move(tip, TipEventAction.CLOSE, membership, message)
    tip.closed_at = timezone.now()
    TipMessage.objects.create(tip=tip, direction=MessageDirection.TO_REPORTER, text=message,
                              author_id=membership.user_id)
    _save(tip, "closed_at")
    return tip


@transaction.atomic
def tip_message(*, tip: Tip, membership, text: str) -> TipMessage:
    tip = _locked(tip, membership)
    text = _reason(text, "nội dung tin nhắn")
    msg = TipMessage.objects.create(tip=tip, direction=MessageDirection.TO_REPORTER, text=text,
                                    author_id=membership.user_id)
    _event(tip, membership, TipEventAction.MESSAGE, reason=text)
    return msg


@transaction.atomic
def tip_issue_receipt(*, tip: Tip, membership) -> str:
    """Give a reporter met at staff intake a code to follow the tip on the public page; shown once."""
    tip = _locked(tip, membership)
    if tip.receipt_lookup:
        raise ValidationError("Tin này đã có mã tra cứu; không cấp mã mới để mã người báo đang giữ vẫn dùng được.")
    if tip.status == TipStatus.CLOSED:
        raise ValidationError("Tin đã đóng, không cấp mã tra cứu.")
    code = receipts.issue_receipt(tip)
    _event(tip, membership, TipEventAction.RECEIPT,
           reason="Mã được đưa cho người báo một lần, không lưu trên hệ thống.")
    return code


# ---------------------------------------------------------------- transfer between units

@transaction.atomic
def tip_transfer(*, tip: Tip, membership, to_unit, reason: str) -> Tip:
    tip = _locked(tip, membership)
    reason = _reason(reason, "lý do chuyển")
    if tip.status not in OPEN_STATUSES:
        raise ValidationError("Tin đã xử lý xong, không chuyển đơn vị.")
    if tip.transfer_to_id:
        raise ValidationError("Tin đang chờ đơn vị khác nhận.")
    if to_unit is None or to_unit.pk == tip.unit_id or to_unit.level != Level.COMMUNE or not to_unit.is_active:
        raise ValidationError({"to_unit": "Chọn một xã, phường khác đang hoạt động."})
    tip.transfer_to, tip.transfer_reason = to_unit, reason
    _event(tip, membership, TipEventAction.TRANSFER, reason=reason, unit=to_unit)
    tip.version += 1
    tip.save(update_fields=["transfer_to", "transfer_reason", "version", "updated_at"])
    webhooks.emit("tip.transferred", tip.unit, {
        "tip": {"id": tip.pk, "code": tip.code, "status": tip.status, "category": tip.category},
        "from_unit": tip.unit.code, "to_unit": to_unit.code}, also=[to_unit])
    staff = inbox.unit_staff([to_unit.pk], [Role.COORDINATOR, Role.POLICE_OFFICER])[to_unit.pk]
    inbox.notify(staff, Kind.TIP_TRANSFER,
                 f"{tip.unit.name} chuyển tin {tip.code} đến {to_unit.name}, chờ nhận: {tip.summary}",
                 url=reverse("tip_incoming"), unit=to_unit)
    return tip


def _incoming(tip: Tip, membership) -> Tip:
    """A tip waiting to be accepted by the seat's unit, row-locked; else 403."""
    fresh = scoped(Tip.objects.select_for_update(), membership, "incoming").filter(pk=tip.pk).first()
    if fresh is None:
        raise PermissionDenied
    return fresh


@transaction.atomic
def tip_transfer_accept(*, tip: Tip, membership, reason: str = "") -> Tip:
    tip = _incoming(tip, membership)
    from_unit = tip.unit
    tip.unit = tip.transfer_to
    tip.transfer_to, tip.transfer_reason, tip.assigned_agency = None, "", None
    before = tip.status
    if tip.status == TipStatus.ASSIGNED:  # the new unit assigns its own agency
        tip.status, tip.status_changed_at = TipStatus.CLASSIFIED, timezone.now()
    _event(tip, membership, TipEventAction.TRANSFER_ACCEPT, from_status=before if before != tip.status else "",
           reason=(reason or "").strip() or "Nhận tin chuyển đến", unit=from_unit)
    tip.version += 1
    tip.save(update_fields=["unit", "province", "transfer_to", "transfer_reason", "assigned_agency", "status",
                            "status_changed_at", "version", "updated_at"])
    return tip


@transaction.atomic
def tip_transfer_return(*, tip: Tip, membership, reason: str) -> Tip:
    tip = _incoming(tip, membership)
    reason = _reason(reason, "lý do trả lại")
    to_unit = tip.transfer_to
    tip.transfer_to, tip.transfer_reason = None, ""
    _event(tip, membership, TipEventAction.TRANSFER_RETURN, reason=reason, unit=to_unit)
    tip.version += 1
    tip.save(update_fields=["transfer_to", "transfer_reason", "version", "updated_at"])
    return tip


# ---------------------------------------------------------------- duplicates

@transaction.atomic
def tip_merge(*, duplicate: Tip, primary: Tip, membership, reason: str) -> Tip:
    """Merge `duplicate` into `primary`: the duplicate is handled as such; both texts stay on record."""
    reason = _reason(reason, "lý do gộp")
    if duplicate.pk == primary.pk:
        raise ValidationError("Không gộp một tin vào chính nó.")
    duplicate, primary = _locked(duplicate, membership), _locked(primary, membership)
    if duplicate.status not in OPEN_STATUSES:
        raise ValidationError("Tin trùng đã xử lý xong, không gộp được nữa.")
    if primary.duplicate_of_id:
        raise ValidationError("Tin chính đã được gộp vào tin khác; hãy gộp vào tin đó.")
    before = duplicate.status
    duplicate.status, duplicate.status_changed_at = TipStatus.HANDLED, timezone.now()
    duplicate.outcome, duplicate.duplicate_of, duplicate.handled_on = TipOutcome.DUPLICATE, primary, _today()
    duplicate.outcome_note = f"Trùng với tin {primary.code}. {reason}"
    _event(duplicate, membership, TipEventAction.MERGE, from_status=before, reason=reason, other_tip=primary)
    _save(duplicate, "outcome", "duplicate_of", "handled_on", "outcome_note")
    _event(primary, membership, TipEventAction.MERGE, other_tip=duplicate,
           reason=f"Gộp tin {duplicate.code}: {duplicate.description}")
    return duplicate
