"""Account management: who may grant which role and unit (one rule), and every write on accounts.

The rule (docs/accounts.md, docs/architecture.md):
- grantable units come from `core.scoping.unit_choices` (the granter's province or commune and below); a
  national seat (no unit) is granted only by a national seat;
- grantable roles: none above the granter's own (`RANK`), and only roles of the matrix;
- an account is managed (deactivated, reset, its seats changed) only when every seat it holds lies in the
  granter's scope and none ranks above the granter; nobody manages a superuser but a superuser, nor themselves.
Every write leaves an audit entry with who and why (`audit`).
"""

from __future__ import annotations

import re

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode
from django_otp import devices_for_user

from pcmd.core.scoping import membership_choices, unit_choices
from pcmd.org.models import TWO_FACTOR_ROLES, Agency, Membership, Role
from pcmd.org.permissions import allowed
from pcmd.org.services import membership_create

from .models import AccountProfile, AccountProposal, ProposalStatus

# No one grants a role that ranks above their own.
RANK = {Role.ADMIN: 3, Role.COORDINATOR: 2, Role.LEADER: 2}
DEFAULT_RANK = 1

PHONE_RE = re.compile(r"[0-9 .+()\-]{6,30}")
USERNAME_RE = re.compile(r"[a-z0-9._-]{3,150}")


def rank(role: str) -> int:
    return RANK.get(role, DEFAULT_RANK)


# ---------------------------------------------------------------------------------------------- the rule


def grantable_roles(membership) -> list[Role]:
    """The roles the member may grant (as an admin) or propose (as a coordinator)."""
    if membership is None or not (allowed(membership.role, "users", "add")
                                  or allowed(membership.role, "user_proposals", "add")):
        return []
    return [role for role in Role if rank(role) <= rank(membership.role)
            and (allowed(membership.role, "users", "add") or role != Role.ADMIN)]


def grantable_units(membership):
    """The provinces and communes the member may grant seats in (the scoping pickers' own rule)."""
    return unit_choices(membership)


def check_grant(membership, *, unit, agency, role, field_prefix: str = "") -> None:
    """Refuse a seat the member may not give: ValidationError keyed by field, in Vietnamese."""
    errors = {}
    if role not in grantable_roles(membership):
        errors["role"] = "Bạn không được cấp vai trò này (cao hơn vai trò của bạn hoặc ngoài quyền của bạn)."
    if unit is None:
        if membership is None or membership.unit_id is not None or membership.role != Role.ADMIN:
            errors["unit"] = "Chỉ quản trị Trung ương được cấp quyền cấp Trung ương; hãy chọn tỉnh hoặc xã, phường."
    elif not grantable_units(membership).filter(pk=unit.pk).exists():
        errors["unit"] = "Đơn vị này nằm ngoài phạm vi của bạn."
    if agency is not None and (unit is None or agency.unit_id != unit.pk):
        errors["agency"] = "Cơ quan phải thuộc đúng đơn vị được phân quyền."
    if errors:
        raise ValidationError({f"{field_prefix}{k}": v for k, v in errors.items()})


def accounts_in_scope(membership):
    """The accounts the member may see: every account for a national seat, else those with a seat in scope."""
    User = get_user_model()
    if membership is None or not allowed(membership.role, "users", "view"):
        return User.objects.none()
    users = User.objects.all()
    if membership.unit_id is not None:
        users = users.filter(pk__in=membership_choices(membership).values("user_id"))
    if not membership.user.is_superuser:
        users = users.filter(is_superuser=False)
    return users


def may_manage(membership, user) -> bool:
    """Every seat of `user` lies in the member's scope and ranks no higher than the member's role."""
    if membership is None or user.pk == membership.user_id:
        return False
    if user.is_superuser and not membership.user.is_superuser:
        return False
    seats = list(Membership.objects.filter(user=user))
    mine = set(membership_choices(membership).filter(user=user).values_list("pk", flat=True))
    return all(s.pk in mine and rank(s.role) <= rank(membership.role) for s in seats)


def require_manage(membership, user) -> None:
    if not may_manage(membership, user):
        raise PermissionDenied("Tài khoản này có quyền ngoài phạm vi của bạn hoặc cao hơn vai trò của bạn.")


# ---------------------------------------------------------------------------------------------- audit


def _place(membership, user):
    """The unit an account entry is filed under (so a province admin's audit page shows it)."""
    seat = membership_choices(membership).filter(user=user, unit__isnull=False).select_related("unit").first()
    unit = seat.unit if seat else membership.unit
    return (unit.pk, unit.province_id) if unit is not None else (None, None)


def audit(*, membership, actor, user, what: str, reason: str = "", extra: dict | None = None) -> LogEntry:
    """One audit entry for an account change, with who (the actor), what and why."""
    unit, province = _place(membership, user) if membership is not None else (None, None)
    changes = {"Thao tác": ["", what]}
    if reason:
        changes["Lý do"] = ["", reason]
    for key, value in (extra or {}).items():
        changes[key] = ["", str(value)]
    return LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(get_user_model()), object_pk=str(user.pk),
        object_id=user.pk, object_repr=f"{display_name(user)}: {what}", action=LogEntry.Action.UPDATE,
        actor=actor if getattr(actor, "pk", None) else None, changes=changes,
        additional_data={"unit": unit, "province": province, "reason": reason, "account": what},
    )


def display_name(user) -> str:
    return user.get_full_name() or user.get_username()


# ---------------------------------------------------------------------------------------------- tokens


class TimedTokens(PasswordResetTokenGenerator):
    """Django's password-reset tokens (single use: they hash the password and the last login) with their own
    salt and lifetime, so an invitation link cannot serve as a reset link or the reverse."""

    def __init__(self, salt: str, hours_setting: str, default_hours: int):
        super().__init__()
        self.key_salt = salt
        self.hours_setting, self.default_hours = hours_setting, default_hours

    @property
    def hours(self) -> int:
        return int(getattr(settings, self.hours_setting, self.default_hours))

    def check_token(self, user, token):
        if not (user and token):
            return False
        try:
            stamp = base36_to_int(str(token).split("-")[0])
        except ValueError:
            return False
        if self._num_seconds(self._now()) - stamp > self.hours * 3600:
            return False
        return super().check_token(user, token)


invitation_tokens = TimedTokens("pcmd.accounts.invitation", "PCMD_INVITATION_HOURS", 72)
reset_tokens = TimedTokens("pcmd.accounts.password-reset", "PCMD_PASSWORD_RESET_HOURS", 2)


def invitation_link(user, base_url: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return base_url.rstrip("/") + reverse("account_invitation", args=[uid, invitation_tokens.make_token(user)])


def needs_two_factor(user) -> bool:
    return user.is_superuser or user.memberships.filter(is_active=True, role__in=TWO_FACTOR_ROLES).exists()


def send_invitation(*, user, base_url: str, invited_by=None) -> None:
    """E-mail the one-time link that sets the password (then 2FA on first login where the role needs it)."""
    if not user.email:
        raise ValidationError({"email": "Tài khoản chưa có thư điện tử nên không gửi được lời mời."})
    context = {"user": user, "name": display_name(user), "link": invitation_link(user, base_url),
               "hours": invitation_tokens.hours, "two_factor": needs_two_factor(user),
               "username": user.get_username()}
    send_mail("[PCMD] Mời sử dụng hệ thống quản lý phòng, chống mại dâm",
              render_to_string("accounts/email/invitation.txt", context), settings.DEFAULT_FROM_EMAIL,
              [user.email])
    profile, _ = AccountProfile.objects.get_or_create(user=user)
    profile.invited_at, profile.invited_by = timezone.now(), invited_by
    profile.save()


# ---------------------------------------------------------------------------------------------- writes


def username_suggest(email: str, full_name: str) -> str:
    from pcmd.core.models import fold

    base = re.sub(r"[^a-z0-9._-]", "", (email.split("@")[0] if email else fold(full_name).replace(" ", ".")).lower())
    base = base[:140] or "taikhoan"
    User = get_user_model()
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


def account_check(*, full_name: str, email: str, phone: str = "", username: str = "") -> None:
    """The rules on a new account's own fields (forms and the Excel import call the same check)."""
    User = get_user_model()
    errors = {}
    if not (full_name or "").strip():
        errors["full_name"] = "Hãy nhập họ và tên."
    if not email:
        errors["email"] = "Hãy nhập thư điện tử: lời mời đặt mật khẩu được gửi đến đây."
    elif User.objects.filter(email__iexact=email).exists():
        errors["email"] = f"Thư điện tử “{email}” đã dùng cho một tài khoản khác."
    if phone and not PHONE_RE.fullmatch(phone):
        errors["phone"] = f"“{phone}” không phải số điện thoại."
    if username:
        if not USERNAME_RE.fullmatch(username):
            errors["username"] = "Tên đăng nhập gồm 3–150 chữ thường không dấu, chữ số, dấu chấm, gạch ngang."
        elif User.objects.filter(username__iexact=username).exists():
            errors["username"] = f"Tên đăng nhập “{username}” đã có người dùng."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def account_create(*, membership, actor, full_name: str, email: str, phone: str = "", username: str = "",
                   seats=(), base_url: str = "", note: str = "", check: bool = True) -> object:
    """A new account with its seats ((unit, agency, role), each checked against the rule), no usable password,
    and an invitation e-mailed to set it."""
    email = (email or "").strip().lower()
    full_name = " ".join((full_name or "").split())
    username = (username or "").strip().lower()
    account_check(full_name=full_name, email=email, phone=phone, username=username)
    seats = list(seats)
    if not seats:
        raise ValidationError({"role": "Hãy cấp ít nhất một quyền (đơn vị, cơ quan, vai trò)."})
    for unit, agency, role in seats:
        if check:  # False only for the command line (`pcmd import accounts`), which runs as the operator
            check_grant(membership, unit=unit, agency=agency, role=role)
    User = get_user_model()
    first, _, last = full_name.rpartition(" ")
    user = User(username=username or username_suggest(email, full_name), email=email, first_name=first,
                last_name=last or full_name)
    user.set_unusable_password()
    user.save()
    AccountProfile.objects.create(user=user, phone=phone)
    for unit, agency, role in seats:
        membership_create(user=user, unit=unit, agency=agency, role=role)
    audit(membership=membership, actor=actor, user=user, what="Tạo tài khoản", reason=note,
          extra={"Quyền": "; ".join(_seat_label(u, a, r) for u, a, r in seats)})
    if base_url:
        send_invitation(user=user, base_url=base_url, invited_by=actor)
    return user


def _seat_label(unit, agency, role) -> str:
    where = unit.label if unit is not None else "Toàn quốc"
    return f"{Role(role).label} · {agency.name + ' · ' if agency else ''}{where}"


@transaction.atomic
def seat_add(*, membership, actor, user, unit, agency, role, reason: str = "") -> Membership:
    require_manage(membership, user)
    check_grant(membership, unit=unit, agency=agency, role=role)
    seat = Membership.objects.filter(user=user, unit=unit, agency=agency, role=role).first()
    if seat is not None and seat.is_active:
        raise ValidationError({"role": "Tài khoản đã có quyền này."})
    if seat is not None:
        seat.is_active = True
        seat.save()
    else:
        seat = membership_create(user=user, unit=unit, agency=agency, role=role)
    audit(membership=membership, actor=actor, user=user, what="Thêm quyền", reason=reason,
          extra={"Quyền": _seat_label(unit, agency, role)})
    return seat


@transaction.atomic
def seat_remove(*, membership, actor, seat, reason: str) -> None:
    """A seat is ended (kept inactive, so the records made under it keep their author)."""
    _need_reason(reason)
    require_manage(membership, seat.user)
    if not seat.is_active:
        raise ValidationError({"reason": "Quyền này đã thôi hiệu lực."})
    seat.is_active = False
    seat.save()
    audit(membership=membership, actor=actor, user=seat.user, what="Thu hồi quyền", reason=reason,
          extra={"Quyền": _seat_label(seat.unit, seat.agency, seat.role)})


def _need_reason(reason: str) -> None:
    if len((reason or "").strip()) < 5:
        raise ValidationError({"reason": "Hãy ghi lý do (ít nhất 5 ký tự): lý do được lưu vào nhật ký."})


@transaction.atomic
def account_deactivate(*, membership, actor, user, reason: str) -> None:
    _need_reason(reason)
    require_manage(membership, user)
    if not user.is_active:
        raise ValidationError({"reason": "Tài khoản đã bị vô hiệu hóa."})
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit(membership=membership, actor=actor, user=user, what="Vô hiệu hóa tài khoản", reason=reason)


@transaction.atomic
def account_reactivate(*, membership, actor, user, reason: str) -> None:
    _need_reason(reason)
    require_manage(membership, user)
    if user.is_active:
        raise ValidationError({"reason": "Tài khoản đang hoạt động."})
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit(membership=membership, actor=actor, user=user, what="Mở lại tài khoản", reason=reason)


@transaction.atomic
def password_reset(*, membership, actor, user, reason: str, base_url: str) -> None:
    """The old password stops working; the person sets a new one from the e-mailed one-time link."""
    _need_reason(reason)
    require_manage(membership, user)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    audit(membership=membership, actor=actor, user=user, what="Đặt lại mật khẩu", reason=reason)
    send_invitation(user=user, base_url=base_url, invited_by=actor)


@transaction.atomic
def two_factor_reset(*, membership, actor, user, reason: str) -> int:
    """Remove the person's authenticators: the next login enrols a new one (lost phone)."""
    _need_reason(reason)
    require_manage(membership, user)
    removed = 0
    for device in list(devices_for_user(user, confirmed=None)):
        device.delete()
        removed += 1
    audit(membership=membership, actor=actor, user=user, what="Cài đặt lại xác thực hai lớp", reason=reason,
          extra={"Số thiết bị đã gỡ": removed})
    return removed


@transaction.atomic
def invitation_resend(*, membership, actor, user, base_url: str) -> None:
    require_manage(membership, user)
    send_invitation(user=user, base_url=base_url, invited_by=actor)
    audit(membership=membership, actor=actor, user=user, what="Gửi lại lời mời")


# ---------------------------------------------------------------------------------------------- proposals


def proposal_check(membership, data: dict) -> None:
    unit = data.get("unit")
    errors = {}
    try:
        check_grant(membership, unit=unit, agency=data.get("agency"), role=data.get("role"))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        account_check(full_name=data.get("full_name", ""), email=(data.get("email") or "").lower(),
                      phone=data.get("phone", ""))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def proposal_create(*, membership, actor, data: dict) -> AccountProposal:
    proposal_check(membership, data)
    if data.get("unit") is None:
        raise ValidationError({"unit": "Hãy chọn đơn vị."})
    proposal = AccountProposal(
        unit=data["unit"], agency=data.get("agency"), role=data["role"], full_name=data["full_name"],
        email=data["email"].lower(), phone=data.get("phone", ""), note=data.get("note", ""), proposed_by=actor)
    proposal.full_clean()
    proposal.save()
    return proposal


@transaction.atomic
def proposal_approve(*, membership, actor, proposal: AccountProposal, reason: str = "", base_url: str):
    """The admin accepts: the account is created under the admin's own rule (the coordinator's is not enough)."""
    if proposal.status != ProposalStatus.PROPOSED:
        raise ValidationError("Đề xuất này đã được xử lý.")
    user = account_create(membership=membership, actor=actor, full_name=proposal.full_name, email=proposal.email,
                          phone=proposal.phone, seats=[(proposal.unit, proposal.agency, proposal.role)],
                          base_url=base_url, note=f"Phê duyệt đề xuất #{proposal.pk}. {reason}".strip())
    proposal.status, proposal.decided_by, proposal.decided_at = ProposalStatus.APPROVED, actor, timezone.now()
    proposal.decision_reason, proposal.account = reason, user
    proposal.version += 1
    proposal.save()
    return proposal


@transaction.atomic
def proposal_reject(*, membership, actor, proposal: AccountProposal, reason: str) -> AccountProposal:
    _need_reason(reason)
    if proposal.status != ProposalStatus.PROPOSED:
        raise ValidationError("Đề xuất này đã được xử lý.")
    proposal.status, proposal.decided_by, proposal.decided_at = ProposalStatus.REJECTED, actor, timezone.now()
    proposal.decision_reason = reason
    proposal.version += 1
    proposal.save()
    return proposal


def pending_count(membership) -> int:
    from pcmd.core.scoping import scoped

    if membership is None or not allowed(membership.role, "user_proposals", "change"):
        return 0
    return scoped(AccountProposal.objects.filter(status=ProposalStatus.PROPOSED), membership).count()


def agencies_for(unit):
    return Agency.objects.filter(unit=unit, is_active=True).order_by("kind__order", "name") if unit else \
        Agency.objects.none()

