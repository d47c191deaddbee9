"""Pairing PCMD's data elements and units with a DHIS2 instance's UIDs (the mapping page, docs/dhis2.md).

The DHIS2 metadata JSON (`/api/metadata?dataElements=true&organisationUnits=true&categoryOptionCombos=true`
or any export with those lists, each object with id, code, name) is read into `Dhis2Object`; then each
PCMD data element (national seats) and each unit of the seat's scope (province admins: their province and
communes) is paired automatically — by code first, then by name (diacritics and case ignored, only when
the name is unique on both sides) — unless someone paired it by hand. Exports with id scheme "uid" use
these pairs (dhis2.with_scheme), imports read UIDs through them.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from pcmd.core.models import fold
from pcmd.core.scoping import require, scoped, unit_choices
from pcmd.geo.models import AdminUnit, Level

from .dhis2 import MAX_BYTES, UID_RE, all_elements, element_label
from .models import Dhis2ElementMap, Dhis2Kind, Dhis2Object, Dhis2UnitMap, MatchedBy

LISTS = {"dataElements": Dhis2Kind.ELEMENT.value, "organisationUnits": Dhis2Kind.ORGUNIT.value,
         "categoryOptionCombos": Dhis2Kind.COC.value, "dataSets": Dhis2Kind.DATASET.value}
MAX_OBJECTS = 200_000


def maps_elements(membership) -> bool:
    """Data elements are the same for the whole country: a national seat pairs them."""
    return membership is not None and membership.unit_id is None


def read_metadata(data: bytes | str) -> dict[str, list[tuple[str, str, str]]]:
    """{kind: [(uid, code, name)]} from a DHIS2 metadata JSON; a Vietnamese ValidationError otherwise."""
    if len(data) > MAX_BYTES * 4:
        raise ValidationError(f"Tệp quá lớn; tối đa {MAX_BYTES * 4 // 1048576} MB.")
    try:
        doc = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ValidationError("Tệp không phải JSON siêu dữ liệu (metadata) của DHIS2.") from None
    except RecursionError:
        raise ValidationError("Tệp JSON lồng nhau quá sâu, không phải siêu dữ liệu của DHIS2.") from None
    if not isinstance(doc, dict) or not any(isinstance(doc.get(key), list) for key in LISTS):
        raise ValidationError("Tệp cần có ít nhất một danh sách dataElements, organisationUnits, "
                              "categoryOptionCombos hoặc dataSets (mỗi đối tượng có id, code, name).")
    out: dict[str, list] = {}
    total = 0
    for key, kind in LISTS.items():
        items = doc.get(key)
        if not isinstance(items, list):
            continue
        rows = []
        for item in items:
            if not isinstance(item, dict):
                continue
            uid = item.get("id")
            if not isinstance(uid, str) or not UID_RE.match(uid):
                continue
            code, name = item.get("code"), item.get("name") or item.get("displayName")
            rows.append((uid, code[:100] if isinstance(code, str) else "", name[:230] if isinstance(name, str) else ""))
        total += len(rows)
        if total > MAX_OBJECTS:
            raise ValidationError("Tệp có quá nhiều đối tượng (tối đa 200.000).")
        out[kind] = rows
    return out


@dataclass
class MatchResult:
    objects: dict = field(default_factory=dict)  # kind -> number read
    elements: Counter = field(default_factory=Counter)  # matched_by -> n
    units: Counter = field(default_factory=Counter)


def metadata_import(*, membership, data: bytes) -> MatchResult:
    """Read the metadata, keep its objects, pair automatically what the seat may pair."""
    require(membership, "integrations", "add")
    lists = read_metadata(data)
    result = MatchResult(objects={kind: len(rows) for kind, rows in lists.items()})
    now = timezone.now()
    with transaction.atomic():
        for kind, rows in lists.items():
            known = dict(Dhis2Object.objects.filter(kind=kind).values_list("uid", "pk"))
            new, changed, seen = [], [], set()
            for uid, code, name in rows:
                if uid in seen:  # the same object twice in the file: the first wins
                    continue
                seen.add(uid)
                if uid in known:
                    changed.append(Dhis2Object(pk=known[uid], kind=kind, uid=uid, code=code, name=name,
                                               imported_at=now))
                else:
                    new.append(Dhis2Object(kind=kind, uid=uid, code=code, name=name, imported_at=now))
            Dhis2Object.objects.bulk_create(new, batch_size=1000)
            Dhis2Object.objects.bulk_update(changed, ["code", "name", "imported_at"], batch_size=1000)
        if maps_elements(membership):
            result.elements = match_elements(membership)
        result.units = match_units(membership)
    return result


def _by(rows, key):
    """{key: uid} of the objects whose key is unique among them (a name shared by two is no match)."""
    seen = Counter(key(r) for r in rows if key(r))
    return {key(r): r.uid for r in rows if key(r) and seen[key(r)] == 1}


def match_elements(membership) -> Counter:
    if not maps_elements(membership):
        raise PermissionDenied
    objects = list(Dhis2Object.objects.filter(kind=Dhis2Kind.ELEMENT))
    by_code = _by(objects, lambda o: o.code.strip().upper())
    by_name = _by(objects, lambda o: fold(o.name))
    manual = set(Dhis2ElementMap.objects.filter(matched_by=MatchedBy.MANUAL).values_list("element", flat=True))
    counts = Counter()
    for element, indicator in all_elements():
        if element in manual:
            continue
        names = {fold(element_label(element))} | ({fold(indicator.name)} if indicator.metric == "count" else set())
        found = (by_code.get(element), MatchedBy.CODE) if element in by_code else next(
            ((by_name[n], MatchedBy.NAME) for n in names if n in by_name), (None, None))
        uid, how = found
        if uid is None:
            continue
        Dhis2ElementMap.objects.update_or_create(element=element, defaults={
            "uid": uid, "matched_by": how, "updated_by_id": membership.user_id})
        counts[how] += 1
    return counts


def match_units(membership) -> Counter:
    require(membership, "integrations", "add")
    objects = list(Dhis2Object.objects.filter(kind=Dhis2Kind.ORGUNIT))
    by_code = _by(objects, lambda o: o.code.strip())
    by_name = _by(objects, lambda o: fold(o.name))
    units = list(unit_choices(membership, [Level.PROVINCE, Level.COMMUNE]))
    unit_names = Counter(fold(u.name) for u in units)
    maps = {m.unit_id: m for m in scoped(Dhis2UnitMap.objects.all(), membership, "change")}
    counts = Counter()
    for unit in units:
        current = maps.get(unit.pk)
        if current is not None and current.matched_by == MatchedBy.MANUAL:
            continue
        if unit.code in by_code:
            uid, how = by_code[unit.code], MatchedBy.CODE
        elif unit_names[fold(unit.name)] == 1 and fold(unit.name) in by_name:
            uid, how = by_name[fold(unit.name)], MatchedBy.NAME
        else:
            continue
        if current is None:
            Dhis2UnitMap.objects.create(unit=unit, uid=uid, matched_by=how, updated_by_id=membership.user_id)
        elif (current.uid, current.matched_by) != (uid, how):
            current.uid, current.matched_by, current.updated_by_id = uid, how, membership.user_id
            current.version += 1
            current.save()
        counts[how] += 1
    return counts


def _uid(text: str) -> str:
    text = (text or "").strip()
    if text and not UID_RE.match(text):
        raise ValidationError(f"“{text[:40]}” không phải UID của DHIS2 (11 ký tự chữ và số, bắt đầu bằng chữ).")
    return text


def element_set(*, membership, element: str, uid: str) -> None:
    """Pair (or, with an empty uid, unpair) a data element by hand. National seats only."""
    if not maps_elements(membership):
        raise PermissionDenied
    require(membership, "integrations", "change")
    if element not in dict(all_elements()):
        raise ValidationError(f"Không có phần tử dữ liệu “{element}”.")
    uid = _uid(uid)
    if not uid:
        Dhis2ElementMap.objects.filter(element=element).delete()
        return
    Dhis2ElementMap.objects.update_or_create(element=element, defaults={
        "uid": uid, "matched_by": MatchedBy.MANUAL, "updated_by_id": membership.user_id})


def unit_set(*, membership, unit: AdminUnit, uid: str) -> None:
    """Pair (or unpair) a unit of the seat's scope by hand."""
    require(membership, "integrations", "change")
    if not scoped(AdminUnit.objects.filter(pk=unit.pk, level__in=[Level.PROVINCE, Level.COMMUNE]), membership).exists():
        raise PermissionDenied
    uid = _uid(uid)
    with transaction.atomic():
        current = Dhis2UnitMap.objects.filter(unit=unit).first()
        if not uid:
            if current is not None:
                current.delete()
            return
        if current is None:
            Dhis2UnitMap.objects.create(unit=unit, uid=uid, matched_by=MatchedBy.MANUAL,
                                        updated_by_id=membership.user_id)
        elif current.uid != uid or current.matched_by != MatchedBy.MANUAL:
            current.uid, current.matched_by, current.updated_by_id = uid, MatchedBy.MANUAL, membership.user_id
            current.version += 1
            current.save()
