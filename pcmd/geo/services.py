"""Writes to the administrative-unit tree."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from pcmd.core.models import fold

from .models import AdminUnit, Level

HAMLET_TYPES = ["tổ dân phố", "khối phố", "thôn", "ấp", "bản", "khu phố", "tổ"]


def _place(unit: AdminUnit) -> None:
    """Derive province, path and search name from the parent."""
    parent = unit.parent
    if unit.level == Level.PROVINCE:
        unit.path = f"{unit.code}/"
    else:
        if parent is None:
            raise ValidationError({"parent": "Đơn vị này phải trực thuộc một đơn vị cấp trên."})
        unit.path = f"{parent.path}{unit.code}/"
    unit.refresh_search_text()


def official_province_name(name: str, division_type: str) -> str:
    """The package writes provinces bare ("Ninh Bình"); documents say "Tỉnh Ninh Bình"."""
    if division_type == "tỉnh" and not name.startswith("Tỉnh "):
        return f"Tỉnh {name}"
    return name


@dataclass
class LoadResult:
    created: int
    updated: int


@transaction.atomic
def admin_units_load_official() -> LoadResult:
    """Load the 34 provinces and 3,321 communes (post-July-2025) from `vietnam-provinces`.

    Idempotent: creates what is missing, refreshes names and types of what exists, and leaves
    legacy and user-made units alone. Bulk writes: a few queries whatever the size.
    """
    from vietnam_provinces import Province, Ward

    existing = {u.code: u for u in AdminUnit.objects.filter(level__in=[Level.PROVINCE, Level.COMMUNE])}
    created = updated = 0

    def upsert(code, name, division_type, level, parent):
        nonlocal created, updated
        unit = existing.get(code)
        if unit is None:
            unit = AdminUnit(code=code, name=name, division_type=division_type, level=level,
                             parent=parent, is_active=True)
            if level != Level.PROVINCE:  # provinces get province=self once they have a key
                unit.province = parent
            _place(unit)
            new_units.append(unit)
            existing[code] = unit
            created += 1
        elif (unit.name, unit.division_type) != (name, division_type):
            unit.name, unit.division_type = name, division_type
            unit.refresh_search_text()
            changed_units.append(unit)
            updated += 1
        return unit

    new_units, changed_units = [], []
    for p in Province.iter_all():
        upsert(f"{int(p.code):02d}", official_province_name(p.name, p.division_type.value), p.division_type.value,
               Level.PROVINCE, None)
    AdminUnit.objects.bulk_create(new_units)
    # Provinces point to themselves; set it now that they have primary keys.
    AdminUnit.objects.filter(level=Level.PROVINCE, province__isnull=True).update(province=F("pk"))
    provinces = {u.code: u for u in AdminUnit.objects.filter(level=Level.PROVINCE)}
    for code, unit in provinces.items():
        existing[code] = unit

    new_units = []
    for w in Ward.iter_all():
        province = provinces[f"{int(w.province_code):02d}"]
        upsert(f"{int(w.code):05d}", w.name, w.division_type.value, Level.COMMUNE, province)
    AdminUnit.objects.bulk_create(new_units, batch_size=1000)
    AdminUnit.objects.bulk_update(changed_units, ["name", "division_type", "search_text"], batch_size=1000)
    return LoadResult(created=created, updated=updated)


def _next_child_code(parent: AdminUnit) -> str:
    taken = set(AdminUnit.objects.filter(parent=parent).values_list("code", flat=True))
    n = 1
    while f"{parent.code}.{n:02d}" in taken:
        n += 1
    return f"{parent.code}.{n:02d}"


@transaction.atomic
def hamlet_create(*, commune: AdminUnit, name: str, division_type: str, note: str = "",
                  is_active: bool = True) -> AdminUnit:
    """A residential group / hamlet under a commune, managed by the commune's users."""
    if commune.level != Level.COMMUNE:
        raise ValidationError({"parent": "Thôn, tổ dân phố chỉ thuộc một xã, phường hoặc đặc khu."})
    if AdminUnit.objects.filter(parent=commune, search_text=fold(name)).exists():
        raise ValidationError({"name": f"{commune.name} đã có “{name}”."})
    unit = AdminUnit(code=_next_child_code(commune), name=name.strip(), division_type=division_type,
                     level=Level.HAMLET, parent=commune, province_id=commune.province_id,
                     is_active=is_active, note=note)
    _place(unit)
    unit.save()
    return unit


@transaction.atomic
def hamlet_update(*, unit: AdminUnit, name: str, division_type: str, note: str = "",
                  is_active: bool = True) -> AdminUnit:
    duplicate = AdminUnit.objects.filter(parent_id=unit.parent_id, search_text=fold(name)).exclude(pk=unit.pk)
    if duplicate.exists():
        raise ValidationError({"name": f"{unit.parent.name} đã có “{name}”."})
    unit.name, unit.division_type, unit.note, unit.is_active = name.strip(), division_type, note, is_active
    unit.save()
    return unit


@transaction.atomic
def legacy_unit_create(*, code: str, name: str, division_type: str, level: str,
                       parent: AdminUnit, note: str = "") -> AdminUnit:
    """A district or commune abolished in July 2025, kept inactive so old plans can point at it."""
    if level not in (Level.DISTRICT, Level.COMMUNE):
        raise ValidationError({"level": "Chỉ tạo được quận/huyện hoặc xã/phường cũ."})
    if AdminUnit.objects.filter(code=code).exists():
        raise ValidationError({"code": f"Mã {code} đã được dùng."})
    unit = AdminUnit(code=code, name=name.strip(), division_type=division_type, level=level,
                     parent=parent, province_id=parent.province_id, is_active=False, note=note)
    _place(unit)
    unit.save()
    return unit
