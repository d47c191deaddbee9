"""Referrals with a closed loop, services received and outreach contacts: the rules (services).

A referral sends a client to a provider for one need, with a deadline for the provider's answer:

    sent → received → completed / not_served          (the provider's answer, or the case worker's record)
    sent / received → cancelled                         (the case worker, with a reason)

The provider answers in PCMD when it has an agency there (its support seats take the referral in through
`scoped(…, "incoming")`), through the one-time link or code printed on the referral slip (no login), or the
case worker records what the provider said. The code is 128 random bits, shown once (on the slip printed
right after it is made); the row keeps only an HMAC to find it and a slow hash to check it, as receipt codes
do (`pcmd.tips.receipts`). The link expires 30 days after the deadline and as soon as an outcome is recorded;
re-issuing the slip gives a new code and the old one stops working.

Every step runs in one transaction with the rows locked, checks the state there, and leaves one `CaseEvent`
on the client (the support app's history). Consent is asked of `consent.require` only.
"""

import datetime
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from pcmd.core.scoping import scoped, with_directory_above, within
from pcmd.core.services import record_create
from pcmd.geo.models import Level
from pcmd.tips import receipts

from . import consent
from .models import (
    CaseEvent,
    CaseEventAction,
    CaseStatus,
    Client,
    ConsentPurpose,
    OutreachContact,
    Provider,
    Referral,
    ServiceKind,
    ServiceRecord,
    SupportNeed,
)
from .models import ReferralStatus as S

ANSWER_DAYS = 14  # default deadline for the provider's answer
ANSWER_DAYS_MAX = 180
LINK_GRACE_DAYS = 30  # the link still works this long after the deadline
NOTE_MAX = 1000
SHORT_MAX = 500
OPEN = (S.SENT, S.RECEIVED)
ANSWERED = (S.COMPLETED, S.NOT_SERVED)

# ------------------------------------------------------------------------------------------- one-time codes
# 26 symbols of Crockford's base32 (no I, L, O, U): 130 bits of room for 128 random bits, easy to read aloud.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 26
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_dummy: list[str] = []


def new_code() -> str:
    number = secrets.randbits(128)
    return "".join(ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(CODE_LENGTH)))


def grouped(code: str) -> str:
    """'ABCD…' -> 'ABCD EFGH … XY' (for the slip and for reading aloud)."""
    return " ".join(code[i:i + 4] for i in range(0, len(code), 4))


def normalise(text: str) -> str | None:
    """The 26 symbols of what a person typed (spaces, dashes, lower case, O for 0 allowed), or None."""
    code = "".join(ch for ch in (text or "") if ch not in receipts.SEPARATORS).upper().translate(_READ_AS)
    return code if len(code) == CODE_LENGTH and all(ch in ALPHABET for ch in code) else None


def _token(referral: Referral) -> str:
    """Give `referral` a new code (its hashes and expiry set on the instance); the code in clear is returned."""
    code = new_code()
    referral.token_lookup = receipts.lookup_key(code)
    referral.token_hash = receipts.code_hash(code)
    end = datetime.datetime.combine(referral.answer_due + datetime.timedelta(days=LINK_GRACE_DAYS),
                                    datetime.time(23, 59, 59))
    referral.token_expires_at = timezone.make_aware(end)
    return code


def find_by_code(text: str) -> Referral | None:
    """The referral whose code is `text` (malformed, unknown, replaced or wrong: the same None).

    One slow hash check whatever is found, so a wrong code costs the same time as a right one."""
    code = normalise(text)
    row = None
    if code:
        row = (Referral.objects.select_related("client", "provider", "unit", "unit__province")
               .filter(token_lookup=receipts.lookup_key(code)).first())
    if row is None:
        if not _dummy:
            _dummy.append(receipts.code_hash(new_code()))
        receipts.code_matches(code or "", _dummy[0])
        return None
    return row if receipts.code_matches(code, row.token_hash) else None


# What the public page says when a code cannot be used (never why in more detail than this).
LINK_USED = "Giới thiệu này đã được trả lời. Mã và đường dẫn chỉ dùng được một lần, nên không thể trả lời lại."
LINK_CANCELLED = "Giới thiệu này đã được cán bộ hủy; không cần trả lời."
LINK_EXPIRED = "Mã trả lời đã hết hạn. Đề nghị liên hệ cán bộ đã giới thiệu để báo kết quả."
LINK_VOID = "Giới thiệu này không còn hiệu lực; không cần trả lời. Nếu cần, hãy liên hệ cán bộ đã giới thiệu."


def link_problem(referral: Referral) -> str:
    """Why the code of `referral` cannot be used now ("" if it can)."""
    if referral.status in ANSWERED:
        return LINK_USED
    if referral.status == S.CANCELLED:
        return LINK_CANCELLED
    if referral.token_expires_at is None or referral.token_expires_at <= timezone.now():
        return LINK_EXPIRED
    if consent.in_force(referral.client, ConsentPurpose.REFERRAL, provider=referral.provider) is None:
        return LINK_VOID
    return ""


# ------------------------------------------------------------------------------------------- shared checks

def _text(text: str, limit: int, *, field: str, required: str = "") -> str:
    text = (text or "").strip()
    if required and not text:
        raise ValidationError({field: f"Vui lòng nhập {required}."})
    if len(text) > limit:
        raise ValidationError({field: f"Nội dung dài quá {limit} ký tự (hiện có {len(text)})."})
    return text


def _event(client, action, *, actor_id=None, note="") -> CaseEvent:
    return CaseEvent.objects.create(client=client, action=action, actor_id=actor_id, note=note)


def _writable_client(client: Client, membership) -> Client:
    """The file, row-locked, if the seat may write it and it is open; otherwise a refusal."""
    fresh = scoped(Client.objects.select_for_update(), membership, "change").filter(pk=client.pk).first()
    if fresh is None:
        raise PermissionDenied
    if not fresh.is_active:
        raise ValidationError("Hồ sơ này đã được gộp hoặc đã xóa dữ liệu: không ghi thêm được.")
    if fresh.status != CaseStatus.OPEN:
        raise ValidationError(f"Hồ sơ đang ở tình trạng “{fresh.get_status_display()}”: không ghi thêm giới thiệu, "
                              "dịch vụ được (hãy mở lại hồ sơ trước).")
    return fresh


def provider_choices(membership):
    """Active providers a seat may refer to: its own directory and the one its province keeps."""
    return with_directory_above(Provider.objects.filter(is_active=True), membership).select_related("unit")


def _check_provider(provider, membership, field: str = "provider") -> None:
    if provider is None:
        raise ValidationError({field: "Vui lòng chọn nơi nhận trong danh bạ."})
    if not provider_choices(membership).filter(pk=provider.pk).exists():
        raise ValidationError({field: "Nơi nhận không có trong danh bạ của đơn vị (hoặc đã ngừng hoạt động)."})


def _check_day(day, field: str, *, not_before=None, before_label: str = "", label: str = "Ngày") -> None:
    if day is None:
        raise ValidationError({field: f"Vui lòng nhập {label.lower()}."})
    if day > timezone.localdate():
        raise ValidationError({field: f"{label} không thể ở tương lai."})
    if not_before and day < not_before:
        raise ValidationError({field: f"{label} không thể trước {before_label} ({not_before:%d/%m/%Y})."})


# ------------------------------------------------------------------------------------------- referrals

@transaction.atomic
def referral_create(*, client: Client, membership, provider: Provider, need: str, answer_due=None,
                    note: str = "") -> tuple[Referral, str]:
    """Refer `client` to `provider` for `need`; returns (referral, one-time code in clear — shown once).

    Refused without a services consent and a referral consent naming that provider, or for a file that is
    not open."""
    client = _writable_client(client, membership)
    if need not in SupportNeed.values:
        raise ValidationError({"need": "Vui lòng chọn nhu cầu trong danh sách."})
    _check_provider(provider, membership)
    consent.require(client, ConsentPurpose.SERVICES)
    consent.require(client, ConsentPurpose.REFERRAL, provider=provider)
    today = timezone.localdate()
    answer_due = answer_due or today + datetime.timedelta(days=ANSWER_DAYS)
    if answer_due < today:
        raise ValidationError({"answer_due": "Hạn trả lời không thể trước ngày giới thiệu."})
    if answer_due > today + datetime.timedelta(days=ANSWER_DAYS_MAX):
        raise ValidationError({"answer_due": f"Hạn trả lời quá xa (tối đa {ANSWER_DAYS_MAX} ngày)."})
    note = _text(note, NOTE_MAX, field="note")
    referral = Referral(client=client, unit=client.unit, provider=provider, need=need, referred_on=today,
                        answer_due=answer_due, note=note, created_by_id=membership.user_id)
    code = _token(referral)
    referral.save()
    _event(client, CaseEventAction.REFER, actor_id=membership.user_id,
           note=f"Giới thiệu đến {provider.name}: {referral.get_need_display().lower()}; "
                f"hạn trả lời {answer_due:%d/%m/%Y}.")
    return referral, code


def _locked(referral: Referral, membership, rule: str) -> Referral:
    """The referral, row-locked, if the seat reaches it by `rule` ("change", or "incoming" for a provider)."""
    fresh = scoped(Referral.objects.select_for_update(), membership, rule).filter(pk=referral.pk).first()
    if fresh is None:
        raise PermissionDenied
    return fresh


def _must_be_open(referral: Referral, what: str) -> None:
    if referral.status not in OPEN:
        raise ValidationError(f"Không thể {what} khi giới thiệu đang ở tình trạng “{referral.get_status_display()}”.")


class Outcome:
    """What the provider says (the answer form's choice) and the status it leads to."""

    RECEIVED, COMPLETED, NOT_SERVED = "received", "completed", "not_served"
    CHOICES = [(RECEIVED, "Đã tiếp nhận, đang cung cấp dịch vụ"), (COMPLETED, "Đã cung cấp dịch vụ"),
               (NOT_SERVED, "Không cung cấp được dịch vụ")]
    STATUS = {RECEIVED: S.RECEIVED, COMPLETED: S.COMPLETED, NOT_SERVED: S.NOT_SERVED}


VIA = {"app": "trên PCMD", "link": "qua mã trên phiếu giới thiệu", "worker": "do cán bộ ghi nhận"}


@transaction.atomic
def referral_answer(*, referral: Referral, via: str, outcome: str, received_on, done_on=None, note: str = "",
                    membership=None, service_kind: str = "") -> Referral:
    """Record the provider's answer: received (a date), and served or not (a date, a short note).

    `via` "link" (the public page; no seat), "app" (a seat of the provider's agency, by the incoming rule) or
    "worker" (the case worker, who may also record the service received in the same step). An outcome ends
    the loop: the code stops working."""
    if via == "link":
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
    else:
        referral = _locked(referral, membership, "incoming" if via == "app" else "change")
    _must_be_open(referral, "ghi nhận trả lời")
    if via == "link" and link_problem(referral):
        raise ValidationError(link_problem(referral))
    if outcome not in Outcome.STATUS:
        raise ValidationError({"outcome": "Vui lòng chọn kết quả trong danh sách."})
    client = referral.client
    consent.require(client, ConsentPurpose.REFERRAL, provider=referral.provider)
    if referral.status == S.RECEIVED:
        if outcome == Outcome.RECEIVED:
            raise ValidationError({"outcome": "Nơi nhận đã xác nhận tiếp nhận; hãy ghi kết quả cung cấp dịch vụ."})
        received_on = referral.received_on or received_on  # already confirmed: that date stays
    _check_day(received_on, "received_on", not_before=referral.referred_on, before_label="ngày giới thiệu",
               label="Ngày tiếp nhận")
    note = _text(note, SHORT_MAX, field="note")
    referral.received_on = received_on
    referral.status = Outcome.STATUS[outcome]
    if outcome != Outcome.RECEIVED:
        done_on = done_on or timezone.localdate()
        _check_day(done_on, "done_on", not_before=received_on, before_label="ngày tiếp nhận", label="Ngày có kết quả")
        referral.completed_on = done_on
        referral.outcome_note = note
        referral.token_expires_at = timezone.now()  # the loop is closed: the code is used
    referral.answered_via = via
    referral.version += 1
    referral.save()
    actor = getattr(membership, "user_id", None)
    text = f"{referral.provider.name} trả lời {VIA[via]}: {referral.get_status_display().lower()}"
    if outcome == Outcome.RECEIVED:
        text += f" (tiếp nhận ngày {received_on:%d/%m/%Y})"
    _event(client, CaseEventAction.REFERRAL_ANSWER, actor_id=actor, note=f"{text}. {note}".strip())
    if service_kind:
        if via != "worker" or outcome != Outcome.COMPLETED:
            raise ValidationError({"service_kind": "Chỉ ghi dịch vụ đã nhận khi nơi nhận đã cung cấp dịch vụ."})
        service_create(client=client, membership=membership, kind=service_kind, received_on=referral.completed_on,
                       provider=referral.provider, referral=referral)
    return referral


@transaction.atomic
def referral_cancel(*, referral: Referral, membership, reason: str) -> Referral:
    referral = _locked(referral, membership, "change")
    _must_be_open(referral, "hủy")
    reason = _text(reason, SHORT_MAX, field="reason", required="lý do hủy")
    referral.status = S.CANCELLED
    referral.token_expires_at = timezone.now()
    referral.version += 1
    referral.save()
    _event(referral.client, CaseEventAction.REFER, actor_id=membership.user_id,
           note=f"Hủy giới thiệu đến {referral.provider.name}: {reason}")
    return referral


@transaction.atomic
def referral_reissue(*, referral: Referral, membership) -> str:
    """A new slip: a new code replaces the old one (which stops working at once); returns the new code."""
    referral = _locked(referral, membership, "change")
    _must_be_open(referral, "cấp lại phiếu")
    code = _token(referral)
    referral.version += 1
    referral.save()
    _event(referral.client, CaseEventAction.REFER, actor_id=membership.user_id,
           note=f"Cấp lại phiếu giới thiệu đến {referral.provider.name}: mã trả lời mới, mã cũ hết hiệu lực.")
    return code


# ------------------------------------------------------------------------------------------- services received

@transaction.atomic
def service_create(*, client: Client, membership, kind: str, received_on, provider=None, referral=None,
                   note: str = "") -> ServiceRecord:
    """A service the client received: not before registration, not in the future, only with a services consent."""
    client = _writable_client(client, membership)
    if kind not in ServiceKind.values:
        raise ValidationError({"kind": "Vui lòng chọn dịch vụ trong danh sách."})
    _check_day(received_on, "received_on", not_before=client.registered_on, before_label="ngày đăng ký hồ sơ",
               label="Ngày nhận dịch vụ")
    consent.require(client, ConsentPurpose.SERVICES)
    if provider is not None:
        _check_provider(provider, membership)
    if referral is not None:
        if referral.client_id != client.pk or referral.status == S.CANCELLED:
            raise ValidationError({"referral": "Giới thiệu không thuộc hồ sơ này hoặc đã bị hủy."})
        provider = provider or referral.provider
    note = _text(note, SHORT_MAX, field="note")
    service = ServiceRecord.objects.create(client=client, unit=client.unit, kind=kind, received_on=received_on,
                                           provider=provider, referral=referral, note=note,
                                           recorded_by_id=membership.user_id)
    where = f" tại {provider.name}" if provider else ""
    _event(client, CaseEventAction.SERVICE, actor_id=membership.user_id,
           note=f"{service.get_kind_display()} ngày {received_on:%d/%m/%Y}{where}.")
    return service


# ------------------------------------------------------------------------------------------- outreach contacts

COUNTS = ("people_reached", "new_people", "info_materials", "condoms", "referral_cards")


def outreach_check(data: dict, membership) -> None:
    """Counts only, all ≥ 0, new people among those reached; a commune or hamlet of the seat; not in the future."""
    errors = {}
    for name in COUNTS:
        value = data.get(name)
        if value is None and name != "people_reached":
            continue
        if value is None or value < 0:
            errors[name] = "Vui lòng nhập một số không âm."
    if "new_people" not in errors and "people_reached" not in errors and \
            (data.get("new_people") or 0) > data["people_reached"]:
        errors["new_people"] = "Số người lần đầu không thể lớn hơn số người được tiếp cận."
    day = data.get("date")
    if day is None:
        errors["date"] = "Vui lòng nhập ngày."
    elif day > timezone.localdate():
        errors["date"] = "Ngày không thể ở tương lai."
    unit = data.get("unit")
    if unit is None or unit.level not in (Level.COMMUNE, Level.HAMLET):
        errors["unit"] = "Vui lòng chọn xã, phường hoặc thôn, tổ dân phố."
    elif membership is not None and membership.unit_id and not within(
            type(unit).objects.filter(pk=unit.pk), membership.unit).exists():
        errors["unit"] = "Địa bàn nằm ngoài phạm vi đơn vị của bạn."
    establishment = data.get("establishment")
    if establishment is not None and "unit" not in errors:
        commune = unit if unit.level == Level.COMMUNE else unit.parent
        if not within(type(establishment).objects.filter(pk=establishment.pk), commune).exists():
            errors["establishment"] = "Cơ sở không thuộc xã, phường đã chọn."
    if errors:
        raise ValidationError(errors)


FIELDS = ("date", "unit", "establishment", "place", "worker", *COUNTS, "note")


@transaction.atomic
def outreach_create(*, membership, data: dict) -> OutreachContact:
    outreach_check(data, membership)
    contact = OutreachContact(recorded_by_id=membership.user_id, **{k: data.get(k) for k in FIELDS if k in data})
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def outreach_update(*, instance: OutreachContact, data: dict, membership=None) -> OutreachContact:
    outreach_check(data, membership)
    for name in FIELDS:
        if name in data:
            setattr(instance, name, data[name])
    instance.full_clean()
    instance.save()
    return instance


# ------------------------------------------------------------------------------------------- provider directory

def provider_create(*, membership, data: dict) -> Provider:
    """A provider in the directory of the seat's unit (a commune's, or the province's shared with its communes)."""
    if membership is None or membership.unit_id is None:
        raise ValidationError("Danh bạ nơi cung cấp dịch vụ thuộc một tỉnh hoặc một xã, phường; tài khoản cấp "
                              "Trung ương không thêm được.")
    return record_create(model=Provider, data={**data, "unit": membership.unit})
