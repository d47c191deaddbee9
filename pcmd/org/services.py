"""Writes for agencies, users and memberships."""

import time

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp import devices_for_user
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from pcmd.geo.models import AdminUnit, Level

from . import catalogue
from .models import Agency, AgencyKind, AgencyLevel, Membership, Role

UNIT_LEVEL_TO_AGENCY_LEVEL = {Level.PROVINCE: AgencyLevel.PROVINCE, Level.COMMUNE: AgencyLevel.COMMUNE}


@transaction.atomic
def agency_kinds_load() -> int:
    """Create or refresh the catalogue of agency kinds (idempotent). Returns how many were new."""
    created = 0
    for level, rows in ((AgencyLevel.NATIONAL, catalogue.NATIONAL), (AgencyLevel.PROVINCE, catalogue.PROVINCE),
                        (AgencyLevel.COMMUNE, catalogue.COMMUNE)):
        for order, (code, name, sector, standing, instantiate) in enumerate(rows, start=1):
            _, was_created = AgencyKind.objects.update_or_create(
                code=code,
                defaults={"name": name, "level": level, "sector": sector, "is_standing": standing,
                          "instantiate": instantiate, "order": order},
            )
            created += was_created
    return created


def agency_name(kind: AgencyKind, unit: AdminUnit) -> str:
    """'Công an' + 'phường Bạch Đằng' -> 'Công an phường Bạch Đằng'."""
    return f"{kind.name} {unit.lower_name}"


def agencies_instantiate(*, units=None) -> int:
    """Give every active province and commune (or `units`) one agency per catalogue kind.

    Idempotent and set-wise: reads what exists once, bulk-inserts the rest.
    """
    kinds = {lvl: list(AgencyKind.objects.filter(level=lvl, instantiate=True))
             for lvl in (AgencyLevel.PROVINCE, AgencyLevel.COMMUNE)}
    if units is None:
        units = AdminUnit.objects.filter(level__in=[Level.PROVINCE, Level.COMMUNE], is_active=True)
    units = list(units)
    existing = set(Agency.objects.filter(unit__in=units, kind__isnull=False).values_list("unit_id", "kind_id"))
    new = []
    for unit in units:
        for kind in kinds.get(UNIT_LEVEL_TO_AGENCY_LEVEL.get(unit.level), []):
            if (unit.pk, kind.pk) in existing:
                continue
            agency = Agency(kind=kind, unit=unit, province_id=unit.province_id, name=agency_name(kind, unit),
                            is_standing=kind.is_standing)
            agency.refresh_search_text()
            new.append(agency)
    with transaction.atomic():
        Agency.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
    return len(new)


def agency_create(*, membership: Membership, data: dict) -> Agency:
    unit = data.get("unit") or membership.unit
    if unit is None:
        raise ValidationError({"unit": "Hãy chọn đơn vị của cơ quan."})
    if unit.level == Level.HAMLET:
        raise ValidationError({"unit": "Cơ quan thuộc tỉnh hoặc xã, không thuộc thôn, tổ dân phố."})
    agency = Agency(**{**data, "unit": unit})
    if agency.kind_id and not data.get("is_standing"):
        agency.is_standing = agency.kind.is_standing
    agency.full_clean()
    agency.save()
    return agency


@transaction.atomic
def user_create(*, username: str, password: str, full_name: str = "", email: str = "", memberships=()):
    """A user with their memberships: iterable of (unit or None, agency or None, role)."""
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": f"Tên đăng nhập “{username}” đã có người dùng."})
    first, _, last = full_name.rpartition(" ")
    user = User(username=username, email=email, first_name=first, last_name=last or full_name)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    for unit, agency, role in memberships:
        membership_create(user=user, unit=unit, agency=agency, role=role)
    return user


def membership_create(*, user, unit: AdminUnit | None, agency: Agency | None, role: str) -> Membership:
    if role not in Role.values:
        raise ValidationError({"role": "Vai trò không hợp lệ."})
    if unit is not None and unit.level not in (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE):
        raise ValidationError({"unit": "Phân quyền ở cấp tỉnh hoặc xã (thôn, tổ dân phố thuộc xã)."})
    if agency is not None and agency.unit_id != getattr(unit, "pk", None):
        raise ValidationError({"agency": "Cơ quan phải thuộc đúng đơn vị được phân quyền."})
    membership, _ = Membership.objects.get_or_create(user=user, unit=unit, agency=agency, role=role)
    return membership



def has_authenticator(user) -> bool:
    """Whether the account already has a confirmed second factor (of any kind django-otp knows)."""
    return any(True for _ in devices_for_user(user, confirmed=True))


def may_enrol_authenticator(user) -> bool:
    """A new authenticator is enrolled only on first login (no device yet) or from a verified session.

    Otherwise the password alone would be enough: enrol one's own phone, confirm it, be verified.
    """
    return user.is_verified() or not has_authenticator(user)


def authenticator_enrol(user, key: str, token: str) -> TOTPDevice | None:
    """Save a confirmed TOTP device for `key` if `token` is its current code; else None and nothing saved.

    The key lives in the session until this succeeds, so looking at the setup page or mistyping a
    code leaves no row behind. The code used here is marked spent (last_t), so it cannot log in again.
    """
    try:
        number = int(token)
    except (TypeError, ValueError):
        return None
    device = TOTPDevice(user=user, key=key, name="Ứng dụng xác thực", confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if not totp.verify(number, device.tolerance):
        return None
    device.last_t = totp.t()
    device.save()
    return device
