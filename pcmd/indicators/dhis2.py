"""DHIS2 exchange: indicator values as `dataValueSets` JSON and CSV, out and in (id scheme: code).

A data element is the indicator code; a percent indicator travels as two data elements, `CODE_NUM`
(numerator) and `CODE_DEN` (denominator), so a DHIS2 instance can rebuild the rate with its own
indicator formula; a count is `CODE`. period = DHIS2 period code, orgUnit = AdminUnit.code.
Import validates every row and reports each bad one with its reason; mode "all" writes nothing
unless every row is good, mode "valid" writes the good rows (core.imports' two modes). The summary
counts data value rows like DHIS2's importCount: imported (new), updated, ignored (bad or unchanged).
See docs/dhis2.md.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pcmd.core.imports import MODE_ALL_OR_NOTHING, MODE_VALID_ONLY
from pcmd.core.periods import Period, PeriodError
from pcmd.geo.models import AdminUnit, Level
from pcmd.org.permissions import allowed

from . import engine, services, suppression
from .catalogue import BY_CODE, Indicator
from .models import DataValue

CSV_COLUMNS = ["dataelement", "period", "orgunit", "categoryoptioncombo", "attributeoptioncombo", "value",
               "storedby", "lastupdated", "comment"]
PARTS = {"_NUM": "numerator", "_DEN": "denominator"}


MAX_BYTES = 5 * 1024 * 1024  # a file to import (web and `pcmd dhis2 import`)
MAX_ROWS = 100_000  # data values in one file


class ImportFormatError(ValueError):
    """The file is not a dataValueSet (JSON) nor a DHIS2 data value CSV; the message is Vietnamese."""


def _too_many_rows() -> ImportFormatError:
    most = f"{MAX_ROWS:,}".replace(",", ".")
    return ImportFormatError(f"Tệp có quá nhiều dòng (tối đa {most} giá trị mỗi tệp); hãy chia thành nhiều tệp.")


def _scalar(value) -> str:
    """A JSON value as the text of a cell; a list or object where a value belongs is not a value."""
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return "?"
    return str(value)


def elements(indicator: Indicator) -> list[str]:
    if indicator.metric == "count":
        return [indicator.code]
    return [indicator.code + suffix for suffix in PARTS]


def _number(x) -> str:
    x = float(x or 0)
    return str(int(x)) if x.is_integer() else repr(x)


def _pairs(indicator: Indicator, numerator, denominator) -> list[tuple[str, str]]:
    if indicator.metric == "count":
        return [(indicator.code, _number(numerator))]
    return [(indicator.code + "_NUM", _number(numerator)), (indicator.code + "_DEN", _number(denominator))]


# --- export -------------------------------------------------------------------------------------

def export_units(unit, level: str):
    """The units whose computed values are exported: at level "province" the unit itself when it is a
    province (every province for the whole country), at level "commune" its communes (the commune itself)."""
    if level == "province":
        if unit is None:
            return AdminUnit.objects.filter(level=Level.PROVINCE, is_active=True)
        return [unit] if unit.level == Level.PROVINCE else []
    if unit is None:
        return engine.communes_of(None)
    return engine.communes_of([unit.pk]) if unit.level == Level.PROVINCE else [unit]


class Rows(list):
    """Data value rows, and how many were left out because they were small figures about people
    (indicators/suppression.py): an export leaves the commune, so the sensitive indicators' values of 1–4, and
    the complementary value of each province's communes (or of the provinces), are never in the file."""

    omitted: int = 0

    @property
    def note(self) -> str:
        if not self.omitted:
            return ""
        return (f"{self.omitted} giá trị của các chỉ số hỗ trợ không được xuất (số dưới 5 người và ô đủ để suy ra "
                "số đó), để không nhận diện được người được hỗ trợ.")


def _suppressed(indicator: Indicator, values: dict, group_of: dict) -> set:
    """The keys of `values` an export leaves out: per group (a province's communes, or all the provinces,
    whose total the dashboards show) the small values and their complementary value."""
    if not indicator.sensitive:
        return set()
    groups: dict = {}
    for key, value in values.items():
        groups.setdefault(group_of.get(key), {})[key] = value
    out = set()
    for members in groups.values():
        out |= suppression.hidden(members, with_total=True)
    return out


def computed_rows(*, codes, level: str, units, period: Period) -> Rows:
    """Data values of the engine's results (level "commune" or "province") for `units`; the small figures of the
    sensitive indicators are left out (Rows.omitted counts them)."""
    if level not in ("commune", "province"):
        raise ValueError("level must be commune or province")
    unit_list = list(units)
    code_of = {u.pk: u.code for u in unit_list}
    # Complementary suppression per province for communes; the provinces together for provinces.
    group_of = {u.pk: (u.province_id if level == "commune" else 0) for u in unit_list}
    results = engine.panel(codes, level=level, units=unit_list, period=period)
    rows = Rows()
    for code, values in results.items():
        indicator = BY_CODE[code]
        hidden = _suppressed(indicator, {k: v for k, v in values.items() if k in code_of}, group_of)
        for unit_id in code_of:
            value = values.get(unit_id)
            if value is None:
                continue
            if unit_id in hidden:
                rows.omitted += len(elements(indicator))
                continue
            for element, number in _pairs(indicator, value.numerator, value.denominator):
                rows.append({"dataElement": element, "period": period.code, "orgUnit": code_of[unit_id],
                             "value": number, "storedBy": "PCMD", "comment": ""})
    return rows


def entered_rows(queryset) -> Rows:
    """Data values of entered figures (a queryset of DataValue, already scoped); the small figures of the
    sensitive indicators are left out, per indicator, period and province (Rows.omitted counts them)."""
    rows = Rows()
    values = list(queryset.select_related("unit", "entered_by").order_by("period_start", "indicator", "unit__code"))
    hidden: set[int] = set()
    for code in {v.indicator for v in values}:
        indicator = BY_CODE[code]
        mine = [v for v in values if v.indicator == code]
        hidden |= _suppressed(indicator, {v.pk: engine.Value(v.numerator, v.denominator) for v in mine},
                              {v.pk: (v.period, v.province_id) for v in mine})
    for v in values:
        if v.pk in hidden:
            rows.omitted += len(elements(BY_CODE[v.indicator]))
            continue
        for element, number in _pairs(BY_CODE[v.indicator], v.numerator, v.denominator):
            rows.append({"dataElement": element, "period": v.period, "orgUnit": v.unit.code, "value": number,
                         "storedBy": v.entered_by.get_username() if v.entered_by else "",
                         "lastUpdated": v.entered_at.isoformat() if v.entered_at else "", "comment": v.comment})
    return rows


def to_json(rows: list[dict]) -> str:
    return json.dumps({"dataValues": rows}, ensure_ascii=False, indent=1)


def to_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        writer.writerow([r["dataElement"], r["period"], r["orgUnit"], "", "", r["value"], r.get("storedBy", ""),
                         r.get("lastUpdated", ""), r.get("comment", "")])
    return out.getvalue()


# --- import -------------------------------------------------------------------------------------

def parse(data: bytes | str, fmt: str | None = None) -> list[dict]:
    """Rows {dataElement, period, orgUnit, value, comment} from a JSON dataValueSet or a CSV.
    Bounded by MAX_BYTES and MAX_ROWS; a JSON nested too deep and values that are lists or objects are
    refused without recursing over them. Any refusal is an ImportFormatError (Vietnamese)."""
    if len(data) > MAX_BYTES:
        raise ImportFormatError(f"Tệp quá lớn ({len(data) / 1048576:.1f} MB); tối đa {MAX_BYTES // 1048576} MB.")
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportFormatError("Tệp không phải văn bản UTF-8 (JSON hoặc CSV).") from exc
    text = data.strip()
    fmt = fmt or ("json" if text.startswith("{") or text.startswith("[") else "csv")
    if fmt == "json":
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ImportFormatError(f"Tệp JSON không đọc được (dòng {exc.lineno}).") from exc
        except RecursionError as exc:  # the decoder stops cleanly at Python's recursion limit (~1,000 levels)
            raise ImportFormatError("Tệp JSON lồng nhau quá sâu, không phải một dataValueSet (chỉ cần 3 cấp). "
                                    "Hãy xuất lại tệp từ DHIS2.") from exc
        items = doc.get("dataValues") if isinstance(doc, dict) else doc
        if not isinstance(items, list):
            raise ImportFormatError("Tệp JSON cần có danh sách “dataValues”.")
        if len(items) > MAX_ROWS:
            raise _too_many_rows()
        return [{k: _scalar(item.get(k)) for k in ("dataElement", "period", "orgUnit", "value", "comment")}
                if isinstance(item, dict) else {} for item in items]
    lines = []
    try:
        for line in csv.reader(io.StringIO(text)):
            lines.append(line)
            if len(lines) > MAX_ROWS + 1:
                raise _too_many_rows()
    except csv.Error as exc:  # e.g. a field larger than the csv module's limit, a NUL byte
        raise ImportFormatError("Tệp CSV không đọc được (có ô quá dài hoặc ký tự lạ). Hãy xuất lại tệp từ "
                                "DHIS2 hoặc lưu lại dạng CSV UTF-8.") from exc
    if not lines:
        return []
    header = [h.strip().lower() for h in lines[0]]
    if "dataelement" in header:
        index = {name: header.index(name) for name in header}
        lines = lines[1:]
    else:  # DHIS2's headerless CSV: the columns in their fixed order
        index = {name: i for i, name in enumerate(CSV_COLUMNS)}

    def cell(line, name):
        i = index.get(name)
        return line[i].strip() if i is not None and i < len(line) else ""

    return [{"dataElement": cell(line, "dataelement"), "period": cell(line, "period"), "orgUnit": cell(line, "orgunit"),
             "value": cell(line, "value"), "comment": cell(line, "comment")} for line in lines if any(line)]


@dataclass
class ImportSummary:
    imported: int = 0
    updated: int = 0
    ignored: int = 0
    conflicts: list[tuple[int, str, str]] = field(default_factory=list)  # (row number, data element, reason)
    dry_run: bool = False

    @property
    def status(self) -> str:
        if self.conflicts and not (self.imported or self.updated):
            return "ERROR"
        return "WARNING" if self.conflicts else "SUCCESS"

    def as_dict(self) -> dict:
        """DHIS2's importSummary shape, so a DHIS2 user reads it as usual."""
        return {"status": self.status, "importCount": {"imported": self.imported, "updated": self.updated,
                                                       "ignored": self.ignored, "deleted": 0},
                "conflicts": [{"object": element, "value": f"Dòng {n}: {reason}"}
                              for n, element, reason in self.conflicts]}


def _element(code: str) -> tuple[str, str]:
    """(indicator code, "numerator" | "denominator") of a data element, or ValidationError."""
    code = code.strip().upper()
    if code in BY_CODE:
        if BY_CODE[code].metric == "count":
            return code, "numerator"
        raise ValidationError(f"Chỉ số tỷ lệ {code}: gửi hai phần tử {code}_NUM (tử số) và {code}_DEN (mẫu số).")
    for suffix, part in PARTS.items():
        base = code[: -len(suffix)]
        if code.endswith(suffix) and base in BY_CODE and BY_CODE[base].metric == "percent":
            return base, part
    raise ValidationError(f"Mã phần tử dữ liệu “{code}” không có trong danh mục chỉ số.")


def _value(text: str) -> float:
    try:
        x = float(text.strip())
    except (ValueError, AttributeError):
        raise ValidationError(f"Giá trị “{text}” không phải là số.") from None
    if not math.isfinite(x):
        raise ValidationError(f"Giá trị “{text}” không phải là số.")
    if x < 0:
        raise ValidationError(f"Giá trị {text} âm: số liệu không được âm.")
    return x


def import_values(rows: list[dict], *, membership=None, mode: str = MODE_ALL_OR_NOTHING, dry_run: bool = False
                  ) -> ImportSummary:
    """Validate every row, then write (see the module doc). `membership` None: no scope (shell import)."""
    if mode not in (MODE_ALL_OR_NOTHING, MODE_VALID_ONLY):
        raise ValueError(mode)
    summary = ImportSummary(dry_run=dry_run)
    codes = {(r.get("orgUnit") or "").strip() for r in rows}
    units = {u.code: u for u in AdminUnit.objects.filter(code__in=codes)}
    if membership is not None:
        from pcmd.core.scoping import scoped

        visible = set(scoped(AdminUnit.objects.filter(code__in=codes), membership, "view")
                      .values_list("code", flat=True))
        may_add = allowed(membership.role, "indicators", "add")
    groups: dict[tuple, dict] = {}  # (code, unit id, period code) -> {"unit", "period", part: (row no, x), "rows"}
    bad: set[int] = set()

    def fail(n, element, reason):
        summary.conflicts.append((n, element, reason))
        bad.add(n)

    for n, r in enumerate(rows, start=1):
        element = (r.get("dataElement") or "").strip()
        try:
            code, part = _element(element)
            period = Period.parse(r.get("period") or "")
            unit = units.get((r.get("orgUnit") or "").strip())
            if unit is None:
                raise ValidationError(
                    f"Không có đơn vị mã “{r.get('orgUnit')}” (orgUnit phải là mã đơn vị hành chính).")
            if unit.level not in (Level.PROVINCE, Level.COMMUNE):
                raise ValidationError(f"{unit.name}: chỉ nhận số liệu của tỉnh, thành phố hoặc xã, phường.")
            if membership is not None and (unit.code not in visible or not may_add):
                raise ValidationError(f"{unit.name} nằm ngoài phạm vi đơn vị của tài khoản.")
            x = _value(r.get("value"))
        except (ValidationError, PeriodError) as exc:
            fail(n, element, " ".join(getattr(exc, "messages", None) or [str(exc)]))
            continue
        group = groups.setdefault((code, unit.pk, period.code), {"unit": unit, "period": period, "rows": []})
        if part in group:
            fail(n, element, f"Trùng với dòng {group[part][0]} (cùng phần tử, đơn vị, kỳ).")
            continue
        group[part] = (n, x)
        group["rows"].append(n)
        if r.get("comment"):
            group["comment"] = r["comment"][:500]

    existing = {}
    if groups:
        for v in DataValue.objects.filter(indicator__in={k[0] for k in groups}, unit_id__in={k[1] for k in groups},
                                          period__in={k[2] for k in groups}):
            existing[(v.indicator, v.unit_id, v.period)] = v
    locks: dict[tuple, object] = {}
    plan = []
    for key, g in groups.items():
        code, _unit_id, _period = key
        old = existing.get(key)
        numerator = g["numerator"][1] if "numerator" in g else getattr(old, "numerator", None)
        denominator = g["denominator"][1] if "denominator" in g else getattr(old, "denominator", None)
        row = services.Row(indicator=code, numerator=numerator, denominator=denominator,
                           comment=g.get("comment", getattr(old, "comment", "")))
        lock_key = (g["unit"].pk, g["period"].code)
        if lock_key not in locks:
            locks[lock_key] = services.approval_covering(g["unit"], g["period"])
        try:
            if numerator is None:
                raise ValidationError(f"Thiếu {code}_NUM (tử số) cho {g['unit'].name}, kỳ {g['period'].code}.")
            if BY_CODE[code].metric == "percent" and denominator is None:
                raise ValidationError(f"Thiếu {code}_DEN (mẫu số) cho {g['unit'].name}, kỳ {g['period'].code}.")
            services.validate_row(row)
            if locks[lock_key] is not None:
                raise ValidationError(services.lock_message(locks[lock_key]))
            if old is not None and membership is not None and not allowed(membership.role, "indicators", "change"):
                raise ValidationError("Tài khoản không có quyền sửa số liệu đã nhập.")
        except ValidationError as exc:
            for n in g["rows"]:
                fail(n, rows[n - 1].get("dataElement", ""), " ".join(exc.messages))
            continue
        plan.append((g, old, row))
    summary.conflicts.sort()
    if bad and mode == MODE_ALL_OR_NOTHING:
        summary.ignored = len(rows)
        return summary
    summary.ignored = len(bad)
    now = timezone.now()
    with transaction.atomic():
        for g, old, row in plan:
            if old is not None and (old.numerator, old.denominator, old.comment) == (row.numerator, row.denominator,
                                                                                    row.comment):
                summary.ignored += len(g["rows"])
                continue
            if old is None:
                summary.imported += len(g["rows"])
                value = DataValue(indicator=row.indicator, unit=g["unit"], period=g["period"].code)
            else:
                summary.updated += len(g["rows"])
                value = old
                value.version += 1
            if not dry_run:
                services.fill(value, row, g["period"], membership, None, now)
                value.save()
    return summary
