"""The case worker's client file: registration, consent ledger, screening, case plan, follow-ups, closure, merge.

Every rule on a case file lives here; forms call the same checks and the Actions of `case_actions.py` call these
services. Each write:
- runs in one transaction, re-fetching the file row-locked through `scoped(..., "change")` (`_locked`): a seat
  that lost the file (or a merged / erased file) is refused;
- checks who may do the step: case workers do the work; support supervisors only approve or return (plans,
  closures) and merge duplicates; either may reopen a closed file (`roles.STEP_ROLES`);
- checks consent through `consent.require` (nothing is processed for a purpose without a consent in force);
- leaves one `CaseEvent` (the file's history: the support app is not in the audit log).
Reads of the list and the file go through `wall` (scope, masking, access log).
"""

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from pcmd.core.models import fold
from pcmd.core.scoping import scoped, unit_choices
from pcmd.core.uploads import IMAGES, check_upload
from pcmd.geo.models import AdminUnit, Level
from pcmd.org.permissions import allowed

from . import consent as consents
from . import roles, selectors, uic, wall
from . import services as counselling_services
from .models import (
    CaseEvent,
    CaseEventAction,
    CaseGoal,
    CasePlan,
    CaseStatus,
    Client,
    ClientSource,
    ClosureReason,
    Consent,
    ConsentMethod,
    ConsentPurpose,
    FollowUp,
    FollowUpKind,
    GoalStatus,
    PlanStatus,
    Provider,
    Referral,
    ReferralStatus,
    Screening,
    ServiceRecord,
    SupportNeed,
)

E = CaseEventAction
NOTE_MAX = 2000
REASON_MAX = 500
GOAL_MAX = 1000
NAME_RATIO = 0.85  # difflib ratio of two folded names above which they may be the same person
FIRST_YEAR = 2000  # no file is registered before the program's registries
OPEN_REFERRALS = (ReferralStatus.SENT, ReferralStatus.RECEIVED)

# Who runs which step: roles.STEP_ROLES (one table for the app; buttons are filtered by it, services refuse).
may = roles.may


def _role(membership, slug: str) -> None:
    roles.require(membership, slug)


def _text(text: str, limit: int, *, field: str, required: str = "") -> str:
    text = (text or "").strip()
    if required and not text:
        raise ValidationError({field: f"Vui lòng nhập {required}."})
    if len(text) > limit:
        raise ValidationError({field: f"Nội dung dài quá {limit} ký tự (hiện có {len(text)})."})
    return text


def _not_future(day, *, field: str, what: str) -> None:
    if day is None:
        raise ValidationError({field: f"Vui lòng nhập {what}."})
    if day > timezone.localdate():
        raise ValidationError({field: f"{what.capitalize()} không được sau hôm nay."})


def _event(client: Client, action: str, membership, note: str = "") -> CaseEvent:
    return CaseEvent.objects.create(client=client, action=action, actor_id=getattr(membership, "user_id", None),
                                    note=note)


def _locked(client: Client, membership, *, statuses=None) -> Client:
    """The file, row-locked, if the seat may change it and it is still an active file; else refused."""
    fresh = (scoped(Client.objects.select_for_update(), membership, "change")
             .filter(pk=client.pk, merged_into__isnull=True, erased_at__isnull=True).first())
    if fresh is None:
        raise PermissionDenied("Hồ sơ không còn trong phạm vi xử lý của bạn (hoặc đã được gộp, đã xóa dữ liệu).")
    if statuses is not None and fresh.status not in statuses:
        raise ValidationError(f"Không thực hiện được khi hồ sơ đang ở tình trạng “{fresh.get_status_display()}”.")
    return fresh


# ---------------------------------------------------------------- registration

def client_uic(*, typed: str = "", mother: str = "", father: str = "", sex: str, birth_year) -> str:
    """The UIC from a code the person remembers (`typed`) or from the answers (never stored)."""
    if (typed or "").strip():
        return uic.normalise(typed, sex=sex, birth_year=birth_year)
    return uic.derive(mother=mother, father=father, sex=sex, birth_year=birth_year)


REGISTRATION_LEVELS = (Level.COMMUNE,)


def registration_units(membership) -> QuerySet:
    """The communes where the seat may register a file: its scope's communes (its own commune, for most)."""
    return unit_choices(membership, levels=REGISTRATION_LEVELS)


def phone_key(phone: str) -> str:
    """The last 9 digits of a Vietnamese number (+84 / 0 prefixes alike), or "" when too short to compare."""
    digits = re.sub(r"\D", "", phone or "")
    return digits[-9:] if len(digits) >= 9 else ""


@dataclass
class Duplicate:
    client: Client
    reasons: list = field(default_factory=list)


class PossibleDuplicates(ValidationError):
    """Files that may be the same person; the form lists them and asks the worker to confirm."""

    def __init__(self, matches: list[Duplicate]):
        super().__init__("Có thể người này đã có hồ sơ (xem danh sách bên dưới). Hãy mở hồ sơ cũ; nếu chắc chắn "
                         "là người khác, đánh dấu “Vẫn đăng ký hồ sơ mới” rồi ghi lại.")
        self.matches = matches


def possible_duplicates(*, unit, uic_code: str, full_name: str = "", phone: str = "", exclude=None) -> list:
    """Active files of the commune that may be the same person: same UIC, a name close to `full_name` (folded,
    difflib) or the same phone digits. Encrypted fields cannot be searched in the database, so the commune's
    files are decrypted here (a commune has tens of files, not thousands)."""
    name = fold(full_name)
    key = phone_key(phone)
    compare_uic = not uic_code.startswith(uic.UNKNOWN * 2)  # "XXXX…": nothing known, every such file would match
    rows = (Client.objects.filter(unit=unit, merged_into__isnull=True, erased_at__isnull=True)
            .only("pk", "code", "uic", "full_name", "phone", "registered_on", "status").order_by("pk"))
    if exclude is not None:
        rows = rows.exclude(pk=exclude.pk)
    found = []
    for other in rows.iterator():
        reasons = []
        if compare_uic and other.uic == uic_code:
            reasons.append("cùng mã định danh")
        if name and other.full_name and SequenceMatcher(None, name, fold(other.full_name)).ratio() >= NAME_RATIO:
            reasons.append("họ tên gần giống")
        if key and phone_key(other.phone) == key:
            reasons.append("cùng số điện thoại")
        if reasons:
            found.append(Duplicate(other, reasons))
    return found


def _next_code(unit) -> str:
    prefix = f"HT-{unit.code}-"
    last = Client.objects.filter(unit=unit, code__startswith=prefix).aggregate(last=Max("code"))["last"]
    number = int(last[len(prefix):]) + 1 if last and last[len(prefix):].isdigit() else 1
    return f"{prefix}{number:06d}"


def _create_numbered(unit, **values) -> Client:
    """The file with the next number of its commune. The commune's row is locked (PostgreSQL) so two workers
    wait for each other; the unique code is the last guard (SQLite, or a race): retried with the next number."""
    AdminUnit.objects.select_for_update().filter(pk=unit.pk).first()
    for attempt in range(5):
        try:
            with transaction.atomic():
                return Client.objects.create(unit=unit, code=_next_code(unit), **values)
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def register_client(*, membership, unit, uic_code: str, sex: str, birth_year=None, source: str = "",
                    registered_on=None, intake=None, full_name: str = "", phone: str = "", address: str = "",
                    sex_work_history: str = "", legal_status: str = "", confirmed: bool = False) -> Client:
    """Open a file for a person (case worker). Refused with `PossibleDuplicates` when the commune already has a
    file that may be theirs, unless the worker `confirmed` it is someone else."""
    roles.require(membership, "dang-ky-ho-so")
    if not allowed(membership.role, "support", "add"):
        raise PermissionDenied(roles.refusal("dang-ky-ho-so"))
    if intake is not None:
        intake = selectors.visible(membership).filter(pk=intake.pk).first()
        if intake is None:
            raise PermissionDenied("Đề nghị tư vấn này không thuộc phạm vi của bạn.")
        unit, source = intake.unit, ClientSource.COUNSELLING
    if unit is None or not registration_units(membership).filter(pk=unit.pk).exists():
        raise ValidationError({"unit": "Vui lòng chọn xã, phường trong phạm vi của bạn."})
    if source not in ClientSource.values:
        raise ValidationError({"source": "Vui lòng chọn nguồn tiếp nhận trong danh sách."})
    if sex not in uic.SEX_LETTERS:
        raise ValidationError({"sex": "Vui lòng chọn giới tính trong danh sách."})
    birth_year = uic.check_birth_year(birth_year) if birth_year not in (None, "") else None
    uic_code = uic.normalise(uic_code, sex=sex, birth_year=birth_year)
    registered_on = registered_on or timezone.localdate()
    _not_future(registered_on, field="registered_on", what="ngày đăng ký")
    if registered_on.year < FIRST_YEAR:
        raise ValidationError({"registered_on": f"Ngày đăng ký không được trước năm {FIRST_YEAR}."})
    texts = {name: _text(value, limit, field=name) for name, value, limit in (
        ("full_name", full_name, 120), ("phone", phone, 40), ("address", address, 300),
        ("sex_work_history", sex_work_history, NOTE_MAX), ("legal_status", legal_status, NOTE_MAX))}
    if not confirmed:
        matches = possible_duplicates(unit=unit, uic_code=uic_code, full_name=texts["full_name"],
                                      phone=texts["phone"])
        if matches:
            raise PossibleDuplicates(matches)
    client = _create_numbered(unit, uic=uic_code, sex=sex, birth_year=birth_year, source=source,
                              registered_on=registered_on, intake=intake, case_worker_id=membership.user_id,
                              **texts)
    if not scoped(Client.objects.filter(pk=client.pk), membership, "add").exists():
        raise PermissionDenied("Hồ sơ nằm ngoài phạm vi của bạn; chưa có gì được lưu.")
    note = f"Từ đề nghị tư vấn gửi ngày {timezone.localtime(intake.received_at):%d/%m/%Y}." if intake else ""
    _event(client, E.REGISTER, membership, note + (" Đã xác nhận không trùng hồ sơ khác." if confirmed else ""))
    if intake is not None:
        counselling_services.counselling_file_opened(counselling=intake, membership=membership, code=client.code)
    return client


# ---------------------------------------------------------------- consent ledger

def provider_choices(membership, client=None) -> QuerySet:
    """Active providers the seat may refer to: its scope's directory and the province's own entries."""
    mine = scoped(Provider.objects.filter(is_active=True), membership, "view")
    if client is None:
        return mine.order_by("name")
    province_level = Provider.objects.filter(is_active=True, unit_id=client.province_id)
    return (mine | province_level).distinct().order_by("name")


@transaction.atomic
def consent_record(*, client: Client, membership, purposes, method: str, given_on=None, expires_on=None,
                   provider=None, scan=None) -> list[Consent]:
    """One ledger row per purpose the person agreed to (never pre-ticked: the worker ticks what was said)."""
    _role(membership, "dong-y")
    client = _locked(client, membership, statuses=(CaseStatus.OPEN, CaseStatus.CLOSING))
    purposes = list(dict.fromkeys(purposes or []))
    if not purposes:
        raise ValidationError({"purposes": "Vui lòng đánh dấu ít nhất một mục đích người đó đồng ý."})
    if any(p not in ConsentPurpose.values for p in purposes):
        raise ValidationError({"purposes": "Vui lòng chọn mục đích trong danh sách."})
    if method not in ConsentMethod.values:
        raise ValidationError({"method": "Vui lòng chọn hình thức đồng ý."})
    given_on = given_on or timezone.localdate()
    _not_future(given_on, field="given_on", what="ngày đồng ý")
    if expires_on is not None and expires_on <= given_on:
        raise ValidationError({"expires_on": "Ngày hết hạn phải sau ngày đồng ý."})
    if ConsentPurpose.REFERRAL in purposes:
        if provider is None:
            raise ValidationError({"provider": "Đồng ý giới thiệu phải ghi rõ nơi nhận."})
        if not provider_choices(membership, client).filter(pk=provider.pk).exists():
            raise ValidationError({"provider": "Nơi nhận không có trong danh bạ của bạn."})
    elif provider is not None:
        raise ValidationError({"provider": "Chỉ ghi nơi nhận khi người đó đồng ý được giới thiệu."})
    if method == ConsentMethod.SIGNED and not scan:
        raise ValidationError({"scan": "Đồng ý bằng chữ ký cần tải lên bản chụp phiếu đồng ý (PDF hoặc ảnh)."})
    if scan:
        check_upload(scan, field="scan", kinds=("pdf", *IMAGES))
    rows, stored = [], None
    for purpose in purposes:
        row = Consent(client=client, purpose=purpose, method=method, given_on=given_on, expires_on=expires_on,
                      provider=provider if purpose == ConsentPurpose.REFERRAL else None,
                      recorded_by_id=membership.user_id)
        if scan and stored is None:
            row.scan = scan  # saved once; the other rows of the same sheet point to the same file
        elif stored:
            row.scan.name = stored
        row.save()
        stored = stored or (row.scan.name if row.scan else None)
        rows.append(row)
    labels = ", ".join(r.get_purpose_display().lower() for r in rows)
    _event(client, E.CONSENT, membership, f"{ConsentMethod(method).label}: {labels}.")
    return rows


def consents_withdrawable(client: Client) -> QuerySet:
    return client.consents.filter(withdrawn_at__isnull=True).select_related("provider")


@transaction.atomic
def consent_withdraw(*, client: Client, membership, consent: Consent, note: str) -> Consent:
    """The person takes back a consent: the row stays in the ledger, marked withdrawn; processing stops."""
    _role(membership, "rut-dong-y")
    client = _locked(client, membership)
    consent = Consent.objects.select_for_update().filter(pk=getattr(consent, "pk", None), client=client).first()
    if consent is None:
        raise ValidationError({"consent": "Sự đồng ý này không thuộc hồ sơ."})
    if consent.withdrawn_at is not None:
        raise ValidationError({"consent": "Sự đồng ý này đã được rút lại trước đó."})
    note = _text(note, REASON_MAX, field="note", required="ghi chú khi rút lại")
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by_id = membership.user_id
    consent.withdrawal_note = note
    consent.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_note"])
    _event(client, E.WITHDRAW, membership, f"{consent.get_purpose_display()}: {note}")
    return consent


def consent_state(consent: Consent, on=None) -> tuple[str, str]:
    """(label, badge class) of a ledger row: in force, not yet, expired or withdrawn."""
    on = on or timezone.localdate()
    if consent.withdrawn_at:
        return "Đã rút lại", "text-bg-secondary"
    if consent.expires_on and consent.expires_on < on:
        return "Hết hạn", "text-bg-warning"
    if consent.given_on > on:
        return "Chưa hiệu lực", "text-bg-light"
    return "Đang hiệu lực", "text-bg-success"


# ---------------------------------------------------------------- screening and case plan

@transaction.atomic
def screening_record(*, client: Client, membership, screened_on=None, needs=(), eligible: bool = False,
                     health_note: str = "", violence_note: str = "", legal_note: str = "",
                     other_note: str = "") -> Screening:
    _role(membership, "danh-gia")
    client = _locked(client, membership, statuses=(CaseStatus.OPEN,))
    screened_on = screened_on or timezone.localdate()
    _not_future(screened_on, field="screened_on", what="ngày đánh giá")
    if screened_on < client.registered_on:
        raise ValidationError({"screened_on": "Ngày đánh giá không được trước ngày đăng ký hồ sơ "
                                              f"({client.registered_on:%d/%m/%Y})."})
    consents.require(client, ConsentPurpose.SERVICES, on=screened_on)
    needs = list(dict.fromkeys(needs or []))
    if any(n not in SupportNeed.values for n in needs):
        raise ValidationError({"needs": "Vui lòng chọn nhu cầu trong danh sách."})
    if eligible and not needs:
        raise ValidationError({"needs": "Người có nhu cầu hỗ trợ phải được đánh dấu ít nhất một nhu cầu."})
    notes = {name: _text(value, NOTE_MAX, field=name) for name, value in (
        ("health_note", health_note), ("violence_note", violence_note), ("legal_note", legal_note),
        ("other_note", other_note))}
    screening = Screening.objects.create(client=client, screened_on=screened_on, needs=needs, eligible=eligible,
                                         screened_by_id=membership.user_id, **notes)
    _event(client, E.SCREEN, membership, f"{len(needs)} nhu cầu" + (", đủ điều kiện hỗ trợ." if eligible else "."))
    return screening


def current_plan(client: Client) -> CasePlan | None:
    return client.plans.order_by("-created_at", "-pk").first()


@transaction.atomic
def plan_save(*, client: Client, membership, screening: Screening | None, goals: list[dict]) -> CasePlan:
    """Write the case plan's goals. A draft or returned plan is edited in place; an approved one (or none) gives
    a new draft version, so what the supervisor approved stays as it was."""
    _role(membership, "ke-hoach")
    client = _locked(client, membership, statuses=(CaseStatus.OPEN,))
    consents.require(client, ConsentPurpose.SERVICES)
    if screening is None or not client.screenings.filter(pk=screening.pk).exists():
        raise ValidationError({"screening": "Kế hoạch được lập theo một lần đánh giá nhu cầu của hồ sơ này."})
    rows = []
    for position, goal in enumerate(goals or [], start=1):
        if goal.get("need") not in SupportNeed.values:
            raise ValidationError({"goals": f"Mục tiêu {position}: vui lòng chọn nhu cầu trong danh sách."})
        text = _text(goal.get("description"), GOAL_MAX, field="goals", required=f"nội dung mục tiêu {position}")
        due = goal.get("due_on")
        if due is None:
            raise ValidationError({"goals": f"Mục tiêu {position}: vui lòng nhập hạn."})
        if due < client.registered_on:
            raise ValidationError({"goals": f"Mục tiêu {position}: hạn không được trước ngày đăng ký hồ sơ."})
        rows.append((goal["need"], text, due))
    if not rows:
        raise ValidationError({"goals": "Kế hoạch cần ít nhất một mục tiêu."})
    plan = current_plan(client)
    if plan is not None and plan.status == PlanStatus.SUBMITTED:
        raise ValidationError("Kế hoạch đang chờ duyệt; chỉ sửa được sau khi được duyệt hoặc bị trả lại.")
    if plan is None or plan.status == PlanStatus.APPROVED:
        plan = CasePlan.objects.create(client=client, screening=screening, created_by_id=membership.user_id,
                                       version=plan.version + 1 if plan else 1)
    else:
        plan.screening = screening
        plan.status = PlanStatus.DRAFT
        plan.save(update_fields=["screening", "status"])
        plan.goals.all().delete()
    CaseGoal.objects.bulk_create([CaseGoal(plan=plan, need=n, description=t, due_on=d) for n, t, d in rows])
    _event(client, E.PLAN, membership, f"Phiên bản {plan.version}: {len(rows)} mục tiêu.")
    return plan


def _plan_in(client: Client, statuses, what: str) -> CasePlan:
    plan = current_plan(client)
    if plan is None or plan.status not in statuses:
        raise ValidationError(f"Hồ sơ không có kế hoạch {what}.")
    return CasePlan.objects.select_for_update().get(pk=plan.pk)


@transaction.atomic
def plan_submit(*, client: Client, membership) -> CasePlan:
    _role(membership, "trinh-ke-hoach")
    client = _locked(client, membership, statuses=(CaseStatus.OPEN,))
    plan = _plan_in(client, (PlanStatus.DRAFT, PlanStatus.RETURNED), "đang dự thảo hoặc bị trả lại để trình")
    if not plan.goals.exists():
        raise ValidationError("Kế hoạch cần ít nhất một mục tiêu trước khi trình duyệt.")
    plan.status = PlanStatus.SUBMITTED
    plan.save(update_fields=["status"])
    _event(client, E.PLAN_SUBMIT, membership, f"Phiên bản {plan.version}.")
    return plan


@transaction.atomic
def plan_decide(*, client: Client, membership, approve: bool, reason: str = "") -> CasePlan:
    """The supervisor approves the submitted plan, or returns it with a reason; never a plan they wrote."""
    _role(membership, "duyet-ke-hoach" if approve else "tra-ke-hoach")
    client = _locked(client, membership, statuses=(CaseStatus.OPEN,))
    plan = _plan_in(client, (PlanStatus.SUBMITTED,), "đang chờ duyệt")
    if plan.created_by_id == membership.user_id:
        raise ValidationError("Người lập kế hoạch không tự duyệt hoặc trả lại kế hoạch của mình.")
    reason = _text(reason, REASON_MAX, field="text", required="" if approve else "lý do trả lại")
    plan.status = PlanStatus.APPROVED if approve else PlanStatus.RETURNED
    plan.decided_at, plan.decided_by_id = timezone.now(), membership.user_id
    plan.return_reason = "" if approve else reason
    plan.save(update_fields=["status", "decided_at", "decided_by", "return_reason"])
    _event(client, E.PLAN_APPROVE if approve else E.PLAN_RETURN, membership,
           f"Phiên bản {plan.version}." + (f" {reason}" if reason else ""))
    return plan


# ---------------------------------------------------------------- follow-ups, closure, reopening

@transaction.atomic
def goals_update(*, client: Client, membership, statuses: dict, note: str = "") -> CasePlan:
    """Mark the approved plan's goals met, dropped or open again ({goal pk: status}); the plan itself stays as
    approved (a change of goals is a new version through plan_save)."""
    _role(membership, "muc-tieu")
    client = _locked(client, membership, statuses=(CaseStatus.OPEN, CaseStatus.CLOSING))
    plan = _plan_in(client, (PlanStatus.APPROVED,), "đã duyệt")
    goals = {goal.pk: goal for goal in plan.goals.all()}
    changed = []
    for pk, status in (statuses or {}).items():
        goal = goals.get(pk)
        if goal is None:
            raise ValidationError("Mục tiêu không thuộc kế hoạch đang thực hiện của hồ sơ này.")
        if status not in GoalStatus.values:
            raise ValidationError(f"Mục tiêu “{goal.get_need_display()}”: vui lòng chọn tình trạng trong danh sách.")
        if goal.status != status:
            goal.status = status
            goal.save(update_fields=["status"])
            changed.append(f"{goal.get_need_display()}: {goal.get_status_display().lower()}")
    if not changed:
        raise ValidationError("Chưa có mục tiêu nào đổi tình trạng.")
    note = _text(note, NOTE_MAX, field="note")
    _event(client, E.PLAN, membership, "Cập nhật mục tiêu — " + "; ".join(changed) + (f". {note}" if note else ""))
    return plan


@transaction.atomic
def follow_up_record(*, client: Client, membership, date=None, kind: str, note: str = "",
                     next_due=None) -> FollowUp:
    _role(membership, "theo-doi")
    client = _locked(client, membership, statuses=(CaseStatus.OPEN, CaseStatus.CLOSING))
    date = date or timezone.localdate()
    _not_future(date, field="date", what="ngày theo dõi")
    if date < client.registered_on:
        raise ValidationError({"date": "Ngày theo dõi không được trước ngày đăng ký hồ sơ "
                                       f"({client.registered_on:%d/%m/%Y})."})
    if kind not in FollowUpKind.values:
        raise ValidationError({"kind": "Vui lòng chọn hình thức trong danh sách."})
    if next_due is not None and next_due <= date:
        raise ValidationError({"next_due": "Ngày hẹn lần sau phải sau ngày theo dõi."})
    consents.require(client, ConsentPurpose.SERVICES, on=date)
    if kind == FollowUpKind.PHONE:
        consents.require(client, ConsentPurpose.PHONE, on=date)
    note = _text(note, NOTE_MAX, field="note")
    row = FollowUp.objects.create(client=client, date=date, kind=kind, note=note, next_due=next_due,
                                  recorded_by_id=membership.user_id)
    _event(client, E.FOLLOW_UP, membership, f"{row.get_kind_display()} ngày {date:%d/%m/%Y}.")
    return row


def _set_status(client: Client, status: str, **values) -> None:
    client.status = status
    for name, value in values.items():
        setattr(client, name, value)
    client.version += 1
    client.save(update_fields=["status", *values, "version", "updated_at"])


def _no_open_referrals(client: Client) -> None:
    count = Referral.objects.filter(client=client, status__in=OPEN_REFERRALS).count()
    if count:
        raise ValidationError(f"Chưa kết thúc được: còn {count} giới thiệu dịch vụ đang chờ nơi nhận trả lời hoặc "
                              "đang được xử lý. Hãy ghi kết quả hoặc hủy các giới thiệu đó trước.")


@transaction.atomic
def closure_request(*, client: Client, membership, reason: str, note: str = "") -> Client:
    _role(membership, "de-nghi-ket-thuc")
    client = _locked(client, membership, statuses=(CaseStatus.OPEN,))
    if reason not in ClosureReason.values:
        raise ValidationError({"reason": "Vui lòng chọn lý do kết thúc trong danh sách."})
    note = _text(note, REASON_MAX, field="note", required="ghi chú" if reason == ClosureReason.OTHER else "")
    _no_open_referrals(client)
    _set_status(client, CaseStatus.CLOSING, closure_reason=reason)
    _event(client, E.CLOSE_REQUEST, membership, f"{ClosureReason(reason).label}." + (f" {note}" if note else ""))
    return client


@transaction.atomic
def closure_decide(*, client: Client, membership, approve: bool, reason: str = "") -> Client:
    _role(membership, "duyet-ket-thuc" if approve else "tra-ket-thuc")
    client = _locked(client, membership, statuses=(CaseStatus.CLOSING,))
    reason = _text(reason, REASON_MAX, field="text", required="" if approve else "lý do trả lại")
    if approve:
        _no_open_referrals(client)  # a referral may have been sent since the request
        _set_status(client, CaseStatus.CLOSED, closed_on=timezone.localdate())
    else:
        _set_status(client, CaseStatus.OPEN, closure_reason="")
    _event(client, E.CLOSE_APPROVE if approve else E.CLOSE_RETURN, membership, reason)
    return client


@transaction.atomic
def reopen(*, client: Client, membership, reason: str) -> Client:
    _role(membership, "mo-lai")
    client = _locked(client, membership, statuses=(CaseStatus.CLOSED,))
    reason = _text(reason, REASON_MAX, field="text", required="lý do mở lại")
    _set_status(client, CaseStatus.OPEN, closed_on=None, closure_reason="")
    _event(client, E.REOPEN, membership, reason)
    return client


# ---------------------------------------------------------------- merge

def merge_candidates(client: Client, membership) -> QuerySet:
    """Other active files of the same commune the supervisor may change (the duplicate to merge into `client`)."""
    return (scoped(Client.objects.all(), membership, "change")
            .filter(unit_id=client.unit_id, merged_into__isnull=True, erased_at__isnull=True)
            .exclude(pk=client.pk).order_by("code"))


@transaction.atomic
def merge(*, kept: Client, duplicate: Client, membership, note: str = "") -> Client:
    """Fold `duplicate` into `kept` (supervisor): its records move to the kept file; it is marked merged and
    leaves the lists. Both files get a MERGE entry in their history."""
    _role(membership, "gop")
    kept = _locked(kept, membership, statuses=(CaseStatus.OPEN, CaseStatus.CLOSING))
    if duplicate is None or duplicate.pk == kept.pk:
        raise ValidationError({"duplicate": "Vui lòng chọn một hồ sơ khác để gộp."})
    duplicate = _locked(duplicate, membership)
    if duplicate.unit_id != kept.unit_id:
        raise ValidationError({"duplicate": "Chỉ gộp được hai hồ sơ của cùng một xã, phường."})
    note = _text(note, REASON_MAX, field="note")
    for related in (Consent, Screening, CasePlan, Referral, ServiceRecord, FollowUp, CaseEvent):
        related.objects.filter(client=duplicate).update(client=kept)
    if kept.intake_id is None and duplicate.intake_id is not None:
        kept.intake_id = duplicate.intake_id
        kept.save(update_fields=["intake", "updated_at"])
    duplicate.merged_into = kept
    duplicate.version += 1
    duplicate.save(update_fields=["merged_into", "version", "updated_at"])
    _event(kept, E.MERGE, membership, f"Gộp hồ sơ {duplicate.code} vào hồ sơ này." + (f" {note}" if note else ""))
    _event(duplicate, E.MERGE, membership, f"Đã gộp vào hồ sơ {kept.code}." + (f" {note}" if note else ""))
    return kept


# ---------------------------------------------------------------- reads

def active(rows: QuerySet) -> QuerySet:
    return rows.filter(merged_into__isnull=True, erased_at__isnull=True)


def client_list(membership, *, query: str = "", status: str = "") -> QuerySet:
    """The worker's list: active files in scope, searched by file code or UIC (exact or prefix; encrypted fields
    cannot be searched), with the next due date of the current plan's open goals and of the follow-ups."""
    rows = active(wall.visible_clients(membership))
    query = "".join((query or "").split()).upper()
    if query:
        rows = rows.filter(Q(code__startswith=query) | Q(uic__startswith=query))
    if status:
        rows = rows.filter(status=status)
    latest_plan = CasePlan.objects.filter(client=OuterRef(OuterRef("pk"))).order_by("-created_at", "-pk")
    next_goal = (CaseGoal.objects.filter(plan=Subquery(latest_plan.values("pk")[:1]), status=GoalStatus.OPEN)
                 .order_by("due_on").values("due_on")[:1])
    next_visit = FollowUp.objects.filter(client=OuterRef("pk")).order_by("-date", "-pk").values("next_due")[:1]
    return rows.annotate(next_goal=Subquery(next_goal), next_visit=Subquery(next_visit)).order_by(
        "-registered_on", "-pk")


def next_due(client) -> object:
    """The earlier of the annotated next goal and next follow-up (list rows)."""
    days = [d for d in (getattr(client, "next_goal", None), getattr(client, "next_visit", None)) if d]
    return min(days) if days else None
