"""The change history as people read it: one place for a record's history and the audit page.

django-auditlog stores raw values ("None", "False", a pk, "2026-03-01", a many-to-many dict). ``entry_changes``
turns them into (Vietnamese field label, old value, new value): the field's verbose_name, a choice's label, Có/Không,
the related record's name, dates as dd/mm/yyyy; internal columns (hashes, versions, paths, keys, ids, reverse
relations) are left out. ``history_rows`` also folds into the create the "Sửa" entry a create writes when it saves
twice (the record gets its code or file after its first save): an update written by the same request (the same
correlation id, ``LogEntry.cid``, set per request by core.middleware.AuditlogMiddleware).
"""

import datetime
from dataclasses import dataclass, field

from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from .models import DERIVED_FIELDS

# Columns nobody reads: kept out of every history whatever the model.
HIDDEN = {"id", "version", "path", "search_text", "name_key", "created_at", "updated_at", "province", "source_text",
          "receipt_lookup", "receipt_hash", "password", "last_login", *DERIVED_FIELDS}
HIDDEN_SUFFIXES = ("_sha256", "_hash", "_key", "_lookup", "_token", "_id", "_secret")
# Fields declared without a Vietnamese name: the label shown (others without one are internal and hidden).
LABELS = {"imported_by": "Người nhập", "source_name": "Tên tệp gốc", "source_file": "Tệp gốc",
          "reviewed_at": "Rà soát lúc", "username": "Tên đăng nhập", "first_name": "Tên", "last_name": "Họ",
          "email": "Thư điện tử", "is_active": "Đang hoạt động", "is_staff": "Quản trị", "is_superuser": "Toàn quyền",
          "date_joined": "Ngày tạo tài khoản"}
EMPTY = "—"


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class HistoryRow:
    entry: LogEntry
    changes: list[Change] = field(default_factory=list)


def _label(model_field) -> str | None:
    name = model_field.name
    if name in LABELS:
        return LABELS[name]
    if name in HIDDEN or name.endswith(HIDDEN_SUFFIXES):
        return None
    verbose = str(getattr(model_field, "verbose_name", "") or "")
    if not verbose or verbose == name.replace("_", " "):  # no Vietnamese name given: an internal column
        return None
    return verbose[:1].upper() + verbose[1:]


def _value(model_field, raw) -> str:
    if raw is None or raw in ("None", ""):
        return EMPTY
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(_typed(model_field, raw), raw))
    if isinstance(model_field, models.BooleanField):
        return {"True": "Có", "False": "Không", True: "Có", False: "Không"}.get(raw, EMPTY)
    if isinstance(model_field, models.ForeignKey):
        try:
            related = model_field.related_model._base_manager.filter(pk=model_field.target_field.to_python(raw)).first()
        except Exception:  # a legacy value that is not a key
            return str(raw)
        return str(related) if related is not None else "(đã xóa)"
    if isinstance(model_field, models.DateTimeField):
        moment = parse_datetime(str(raw))
        if moment is None:
            return str(raw)
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, datetime.UTC)
        return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")
    if isinstance(model_field, models.DateField):
        day = parse_date(str(raw)[:10])
        return day.strftime("%d/%m/%Y") if day else str(raw)
    if isinstance(model_field, models.FileField):
        return str(raw).rsplit("/", 1)[-1]
    text = str(raw)
    return text if len(text) <= 200 else text[:200] + "…"


def _typed(model_field, raw):
    try:
        return model_field.to_python(raw)
    except Exception:
        return raw


def _m2m(model_field, change: dict) -> Change:
    objects = ", ".join(str(o) for o in change.get("objects") or []) or EMPTY
    verb = {"add": "thêm", "delete": "bỏ", "clear": "bỏ hết"}.get(change.get("operation"), "đổi")
    return Change(label=_label(model_field) or str(model_field.verbose_name), old="", new=f"{verb}: {objects}")


def entry_changes(entry: LogEntry) -> list[Change]:
    """The visible changes of one audit entry, in Vietnamese (nothing for a read)."""
    model = entry.content_type.model_class() if entry.content_type_id else None
    if model is None:
        return []
    out = []
    for name, values in (entry.changes_dict or {}).items():
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            # An entry a service wrote by hand (accounts: "Thao tác", "Lý do") names its lines in Vietnamese.
            if (not name.isascii() or " " in name) and isinstance(values, list | tuple) and len(values) == 2:
                out.append(Change(label=name, old=str(values[0] or ""), new=str(values[1] or "")))
            continue
        if not model_field.concrete and not model_field.many_to_many:  # reverse relations ("….None")
            continue
        label = _label(model_field)
        if label is None:
            continue
        if isinstance(values, dict):  # many-to-many: {"type": "m2m", "operation": "add", "objects": [...]}
            out.append(_m2m(model_field, values))
            continue
        if not isinstance(values, list | tuple) or len(values) != 2:
            continue
        old, new = (_value(model_field, v) for v in values)
        if entry.action == LogEntry.Action.CREATE:
            if new == EMPTY or (isinstance(model_field, models.BooleanField) and new == "Không"):
                continue  # a new record: only what was filled in
            old = ""
        elif old == new:
            continue
        out.append(Change(label=label, old=old, new=new))
    return out


def history_rows(entries) -> list[HistoryRow]:
    """Rows of a history or of the audit page: each entry with its visible changes; an update with nothing
    visible is left out, and the second save of a create (same request) is folded into the create."""
    entries = list(entries)
    updates = [e for e in entries if e.action == LogEntry.Action.UPDATE]
    creates = {}
    if updates:
        for ct, oid, cid in LogEntry.objects.filter(
                action=LogEntry.Action.CREATE, content_type_id__in={e.content_type_id for e in updates},
                object_id__in={e.object_id for e in updates}, cid__isnull=False).values_list(
                "content_type_id", "object_id", "cid"):
            creates[(ct, oid)] = cid
    folded: dict[tuple, list[Change]] = {}
    kept = []
    for entry in entries:
        changes = entry_changes(entry)
        if entry.action == LogEntry.Action.UPDATE:
            if not changes:
                continue
            if entry.cid and creates.get((entry.content_type_id, entry.object_id)) == entry.cid:
                folded.setdefault((entry.content_type_id, entry.object_id), []).extend(changes)
                continue
        kept.append((entry, changes))
    rows = []
    for entry, changes in kept:
        if entry.action == LogEntry.Action.CREATE and (entry.content_type_id, entry.object_id) in folded:
            later = {c.label: c for c in folded[(entry.content_type_id, entry.object_id)]}
            changes = [later.pop(c.label, c) for c in changes] + list(later.values())
            for c in changes:
                c.old = ""
        rows.append(HistoryRow(entry=entry, changes=changes))
    return rows
