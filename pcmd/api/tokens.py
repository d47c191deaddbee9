"""Making, checking and revoking API keys (the rules; the pages and the authentication call these)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pcmd.core.scoping import unit_choices
from pcmd.org.permissions import allowed

from .models import API_MODULES, PREFIX, READ, WRITE, ApiToken, digest

MAX_DAYS = 365
DEFAULT_RATE = 120


def module_choices(membership) -> list[tuple[str, str, bool]]:
    """(module, label, may write) the seat may give a key: the API's modules its role may view."""
    from pcmd.org.permissions import MODULES

    out = []
    for code in API_MODULES:
        if allowed(membership.role, code, "view"):
            writes = any(allowed(membership.role, code, a) for a in ("add", "change", "delete"))
            out.append((code, MODULES[code], writes))
    return out


@transaction.atomic
def token_create(*, membership, name: str, expires_on: datetime.date, modules: dict, units=()) -> tuple[ApiToken, str]:
    """A new key for the seat; returns (token, the full key to show once)."""
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = "Hãy đặt tên cho khóa (ví dụ: Phần mềm đường dây nóng)."
    today = timezone.localdate()
    if expires_on is None:
        errors["expires_on"] = "Hãy chọn ngày hết hạn."
    elif expires_on <= today:
        errors["expires_on"] = "Ngày hết hạn phải sau hôm nay."
    elif expires_on > today + datetime.timedelta(days=MAX_DAYS):
        errors["expires_on"] = f"Khóa dùng tối đa {MAX_DAYS} ngày; hãy chọn ngày sớm hơn."
    offered = {code: writes for code, _label, writes in module_choices(membership)}
    chosen = {}
    for code, level in (modules or {}).items():
        if code not in offered or level not in (READ, WRITE) or (level == WRITE and not offered[code]):
            errors["modules"] = "Chỉ chọn được các quyền mà vai trò của bạn có."
            break
        chosen[code] = level
    if not chosen and "modules" not in errors:
        errors["modules"] = "Hãy chọn ít nhất một phân hệ."
    units = list(units or ())
    if units:
        ids = {u.pk for u in units}
        if unit_choices(membership, active=False).filter(pk__in=ids).count() != len(ids):
            errors["units"] = "Chỉ chọn được đơn vị trong phạm vi của bạn."
    if errors:
        raise ValidationError(errors)
    lookup, secret = ApiToken.new_secret()
    token = ApiToken.objects.create(
        user=membership.user, membership=membership, name=name[:100], lookup=lookup, digest=digest(secret),
        modules=chosen, rate_per_minute=DEFAULT_RATE,
        expires_at=timezone.make_aware(datetime.datetime.combine(expires_on, datetime.time(23, 59, 59))),
    )
    token.units.set(units)
    return token, f"{PREFIX}_{lookup}_{secret}"


def token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


class TokenError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def token_resolve(raw: str) -> ApiToken:
    """The live key for `pcmd_<lookup>_<secret>`, or TokenError (unknown, revoked, expired, seat ended)."""
    parts = (raw or "").split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX or not parts[1].isalnum() or len(parts[1]) > 16:
        raise TokenError("token_invalid", "Khóa truy cập không đúng định dạng (pcmd_…).")
    token = (ApiToken.objects.select_related("membership", "membership__unit", "membership__unit__province",
                                             "membership__agency", "user")
             .filter(lookup=parts[1]).first())
    if token is None or not token.matches(parts[2]):
        raise TokenError("token_invalid", "Khóa truy cập không đúng.")
    if token.revoked_at is not None:
        raise TokenError("token_revoked", "Khóa truy cập đã bị thu hồi.")
    if token.expires_at <= timezone.now():
        raise TokenError("token_expired", "Khóa truy cập đã hết hạn; hãy tạo khóa mới.")
    if not token.membership.is_active or not token.user.is_active:
        raise TokenError("token_inactive", "Vai trò hoặc tài khoản tạo khóa này không còn hiệu lực.")
    return token
