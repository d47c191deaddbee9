"""DHIS2 exchange: indicator values as DHIS2 `dataValueSets` — JSON, CSV, XML (DXF2) and ADX — out and in.

A data element is the indicator code; a percent indicator travels as two data elements, `CODE_NUM`
(numerator) and `CODE_DEN` (denominator), so a DHIS2 instance can rebuild the rate with its own
indicator formula; a count is `CODE`. period = DHIS2 period code, orgUnit = AdminUnit.code — or, with
id scheme "uid", the DHIS2 UIDs the mapping page paired with them (`Dhis2ElementMap`, `Dhis2UnitMap`).
Every file declares its id scheme (dataElementIdScheme / orgUnitIdScheme).

Import validates every row and reports each bad one with its reason; mode "all" writes nothing
unless every row is good, mode "valid" writes the good rows (core.imports' two modes). Values given
on the data value set (period, orgUnit, dataSet, attributeOptionCombo) apply to the rows without
them; `deleted: true` and empty values delete the stored figure. Disaggregated values (a non-default
categoryOptionCombo, ADX category attributes) and indicators the engine computes from a registry are
refused per row, with the reason. The summary counts data value rows like DHIS2's importCount:
imported (new), updated, deleted, ignored (bad or unchanged). See docs/dhis2.md.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pcmd.core.imports import MODE_ALL_OR_NOTHING, MODE_VALID_ONLY
from pcmd.core.periods import Period, PeriodError
from pcmd.geo.models import AdminUnit, Level
from pcmd.org.permissions import allowed

from . import engine, services, suppression
from .catalogue import BY_CODE, SOURCES, Indicator
from .models import DataValue, Dhis2ElementMap, Dhis2Kind, Dhis2Object, Dhis2UnitMap

# DHIS2's CSV columns, in their fixed order (DHIS2 reads a CSV by position and always skips row 1), with the
# header names DHIS2 itself writes or shows in its documentation for each position.
CSV_COLUMNS = ["dataelement", "period", "orgunit", "categoryoptioncombo", "attributeoptioncombo", "value",
               "storedby", "lastupdated", "comment", "followup", "deleted"]
CSV_ALIASES = [
    {"dataelement", "de"}, {"period", "pe"}, {"orgunit", "ou"},
    {"categoryoptioncombo", "catoptcombo", "coc"}, {"attributeoptioncombo", "attroptcombo", "aoc"},
    {"value"}, {"storedby", "strby"}, {"lastupdated", "lstupd", "timestamp", "created"}, {"comment", "cmt"},
    {"followup"}, {"deleted"},
]
CSV_MIN_COLUMNS = 6  # up to "value"
PARTS = {"_NUM": "numerator", "_DEN": "denominator"}
DXF_NS = "http://dhis2.org/schema/dxf/2.0"
ADX_NS = "urn:ihe:qrph:adx:2015"
FORMATS = {"json": "JSON", "csv": "CSV", "xml": "XML (DXF2)", "adx": "ADX"}
CONTENT_TYPES = {"json": "application/json", "csv": "application/csv", "xml": "application/xml",
                 "adx": "application/adx+xml"}
EXTENSIONS = {"json": "json", "csv": "csv", "xml": "xml", "adx": "adx.xml"}
# DHIS2's built-in default category option combo (the same UID in every instance), plus the names it goes by.
DEFAULT_COC_UID = "HllvX50cXC0"
DEFAULT_NAMES = {"", "default"}
UID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9]{10}$")
ADX_DATASET = "PCMD"  # the data set code an ADX group names when the mapping gives none
ADX_VALUE_ATTRS = {"dataElement", "value", "comment", "deleted", "storedBy", "created", "lastUpdated",
                   "followup", "categoryOptionCombo"}
ADX_GROUP_ATTRS = {"orgUnit", "period", "dataSet", "completeDate", "attributeOptionCombo"}

MAX_BYTES = 5 * 1024 * 1024  # a file to import (web and `pcmd dhis2 import`)
MAX_ROWS = 100_000  # data values in one file
MAX_XML_DEPTH = 4  # adx > group > dataValue > annotation
MAX_XML_ELEMENTS = MAX_ROWS + 10_000


class ImportFormatError(ValueError):
    """The file is not a DHIS2 data value set (JSON, CSV, XML, ADX); the message is Vietnamese."""


def _too_many_rows() -> ImportFormatError:
    most = f"{MAX_ROWS:,}".replace(",", ".")
    return ImportFormatError(f"Tệp có quá nhiều dòng (tối đa {most} giá trị mỗi tệp); hãy chia thành nhiều tệp.")


def _scalar(value) -> str:
    """A JSON value as the text of a cell; a list or object where a value belongs is not a value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return "?"
    return str(value)


def elements(indicator: Indicator) -> list[str]:
    if indicator.metric == "count":
        return [indicator.code]
    return [indicator.code + suffix for suffix in PARTS]


def all_elements() -> list[tuple[str, Indicator]]:
    """Every PCMD data element with its indicator (the mapping page pairs each with a DHIS2 UID)."""
    from .catalogue import CATALOGUE

    return [(element, i) for i in CATALOGUE for element in elements(i)]


def element_label(element: str) -> str:
    """The words of a data element: the indicator's name, with (tử số) / (mẫu số) for a percent's parts."""
    for suffix, part in PARTS.items():
        base = element[: -len(suffix)]
        if element.endswith(suffix) and base in BY_CODE:
            return f"{BY_CODE[base].name} ({'tử số' if part == 'numerator' else 'mẫu số'})"
    return BY_CODE[element].name if element in BY_CODE else element


def _number(x) -> str:
    x = float(x or 0)
    return str(int(x)) if x.is_integer() else repr(x)


def _pairs(indicator: Indicator, numerator, denominator) -> list[tuple[str, str]]:
    if indicator.metric == "count":
        return [(indicator.code, _number(numerator))]
    return [(indicator.code + "_NUM", _number(numerator)), (indicator.code + "_DEN", _number(denominator))]


# --- periods DHIS2 knows -----------------------------------------------------------------------------

DHIS2_KINDS = ("year", "half", "quarter", "month")  # PCMD's kinds that are DHIS2 period types
ADX_DURATION = {"year": "P1Y", "half": "P6M", "quarter": "P3M", "month": "P1M"}


def dhis2_periods(period: Period) -> list[Period]:
    """The DHIS2 periods an export of `period` is made of: itself, or the years of a plan phase (2026-2030,
    which DHIS2 does not know)."""
    if period.kind in DHIS2_KINDS:
        return [period]
    return [Period.parse(str(year)) for year in range(period.start.year, period.end.year + 1)]


def dhis2_period(code: str) -> Period:
    """A period code of an imported row, as DHIS2 knows it (a plan phase or a week is refused with the reason)."""
    text = (code or "").strip().upper()
    if re.match(r"^\d{4}W\d{1,2}$", text) or re.match(r"^\d{8}$", text):
        raise PeriodError(f"Kỳ “{code}” là kỳ tuần hoặc ngày; PCMD nhận số liệu theo tháng, quý, 6 tháng hoặc năm.")
    period = Period.parse(text)
    if period.kind not in DHIS2_KINDS:
        raise PeriodError(f"Kỳ “{code}” (giai đoạn) không phải là kỳ của DHIS2; hãy gửi số liệu theo từng năm.")
    return period


def adx_period(period: Period) -> str:
    return f"{period.start.isoformat()}/{ADX_DURATION[period.kind]}"


def period_from_adx(text: str) -> str:
    """The DHIS2 code of an ADX period (2026-04-01/P3M -> 2026Q2); a text that is not ADX comes back as is."""
    match = re.match(r"^(\d{4})-(\d{2})-(\d{2})/P(\d+)([YMD])$", (text or "").strip())
    if not match:
        return text
    year, month, day, n, unit = match.groups()
    year, month, n = int(year), int(month), int(n)
    if day != "01":
        return text
    if unit == "Y" and n == 1 and month == 1:
        return str(year)
    if unit == "M" and n == 6 and month in (1, 7):
        return f"{year}S{1 if month == 1 else 2}"
    if unit == "M" and n == 3 and month in (1, 4, 7, 10):
        return f"{year}Q{(month + 2) // 3}"
    if unit == "M" and n == 1:
        return f"{year}{month:02d}"
    return text


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
    """Data value rows, and how many were left out: small figures about people (indicators/suppression.py: an
    export leaves the commune, so the sensitive indicators' values of 1–4, and the complementary value of each
    province's communes, or of the provinces, are never in the file), values whose period DHIS2 does not know,
    and values whose data element or unit has no DHIS2 UID when the file uses UIDs."""

    omitted: int = 0
    not_dhis2: int = 0
    unmapped: int = 0

    @property
    def note(self) -> str:
        notes = []
        if self.omitted:
            notes.append(f"{self.omitted} giá trị của các chỉ số hỗ trợ không được xuất (số dưới 5 người và ô đủ để "
                         "suy ra số đó), để không nhận diện được người được hỗ trợ.")
        if self.not_dhis2:
            notes.append(f"{self.not_dhis2} giá trị nhập theo giai đoạn nhiều năm không được xuất: DHIS2 không có "
                         "loại kỳ này.")
        if self.unmapped:
            notes.append(f"{self.unmapped} giá trị không được xuất vì phần tử dữ liệu hoặc đơn vị chưa được ghép "
                         "với UID của DHIS2 (trang Ghép mã DHIS2).")
        return " ".join(notes)


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
    sensitive indicators are left out (Rows.omitted counts them). A plan phase (2026-2030) is exported year by
    year: DHIS2 has no multi-year period."""
    if level not in ("commune", "province"):
        raise ValueError("level must be commune or province")
    unit_list = list(units)
    code_of = {u.pk: u.code for u in unit_list}
    # Complementary suppression per province for communes; the provinces together for provinces.
    group_of = {u.pk: (u.province_id if level == "commune" else 0) for u in unit_list}
    rows = Rows()
    for each in dhis2_periods(period):
        results = engine.panel(codes, level=level, units=unit_list, period=each)
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
                    rows.append({"dataElement": element, "period": each.code, "orgUnit": code_of[unit_id],
                                 "value": number, "storedBy": "PCMD", "comment": ""})
    return rows


def entered_rows(queryset) -> Rows:
    """Data values of entered figures (a queryset of DataValue, already scoped); the small figures of the
    sensitive indicators are left out, per indicator, period and province (Rows.omitted counts them), and so
    are values entered for a plan phase (Rows.not_dhis2)."""
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
        if v.period_kind not in DHIS2_KINDS:
            rows.not_dhis2 += len(elements(BY_CODE[v.indicator]))
            continue
        for element, number in _pairs(BY_CODE[v.indicator], v.numerator, v.denominator):
            rows.append({"dataElement": element, "period": v.period, "orgUnit": v.unit.code, "value": number,
                         "storedBy": v.entered_by.get_username() if v.entered_by else "",
                         "lastUpdated": v.entered_at.isoformat() if v.entered_at else "", "comment": v.comment})
    return rows


def uids() -> tuple[dict[str, str], dict[str, str]]:
    """(PCMD data element -> DHIS2 UID, unit code -> DHIS2 UID) from the mapping page."""
    return (dict(Dhis2ElementMap.objects.values_list("element", "uid")),
            dict(Dhis2UnitMap.objects.values_list("unit__code", "uid")))


def has_mapping() -> bool:
    return Dhis2ElementMap.objects.exists() and Dhis2UnitMap.objects.exists()


def with_scheme(rows: Rows, scheme: str) -> Rows:
    """The rows with their identifiers in `scheme`: "code" (PCMD's codes) or "uid" (the DHIS2 UIDs of the
    mapping; rows whose element or unit is not mapped are left out and counted in `unmapped`)."""
    if scheme not in ("code", "uid"):
        raise ValueError(scheme)
    out = Rows()
    out.omitted, out.not_dhis2 = rows.omitted, rows.not_dhis2
    if scheme == "code":
        out.extend(rows)
        return out
    element_uid, unit_uid = uids()
    for r in rows:
        de, ou = element_uid.get(r["dataElement"]), unit_uid.get(r["orgUnit"])
        if de is None or ou is None:
            out.unmapped += 1
            continue
        out.append({**r, "dataElement": de, "orgUnit": ou})
    return out


def _scheme_attrs(scheme: str) -> dict[str, str]:
    """The id scheme a file declares (DHIS2 reads these from the payload; they take precedence)."""
    name = scheme.upper()
    return {"idScheme": name, "dataElementIdScheme": name, "orgUnitIdScheme": name}


def to_json(rows: list[dict], scheme: str = "code") -> str:
    return json.dumps({**_scheme_attrs(scheme), "dataValues": rows}, ensure_ascii=False, indent=1)


def to_csv(rows: list[dict], scheme: str = "code") -> str:
    """DHIS2's CSV (header row first; a CSV cannot declare its id scheme: post it with
    ?dataElementIdScheme=<scheme>&orgUnitIdScheme=<scheme>, docs/dhis2.md)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS[:9])
    for r in rows:
        writer.writerow([r["dataElement"], r["period"], r["orgUnit"], "", "", r["value"], r.get("storedBy", ""),
                         r.get("lastUpdated", ""), r.get("comment", "")])
    return out.getvalue()


def _xml(root: ET.Element) -> str:
    ET.indent(root, space=" ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def to_xml(rows: list[dict], scheme: str = "code") -> str:
    """DXF2: <dataValueSet xmlns="http://dhis2.org/schema/dxf/2.0" …><dataValue …/></dataValueSet>."""
    root = ET.Element("dataValueSet", {"xmlns": DXF_NS, **_scheme_attrs(scheme)})
    for r in rows:
        attrs = {"dataElement": r["dataElement"], "period": r["period"], "orgUnit": r["orgUnit"], "value": r["value"]}
        for key in ("storedBy", "lastUpdated", "comment"):
            if r.get(key):
                attrs[key] = r[key]
        ET.SubElement(root, "dataValue", attrs)
    return _xml(root)


def to_adx(rows: list[dict], scheme: str = "code", data_set: str = "") -> str:
    """ADX: one <group> per orgUnit, period (ISO 8601 start/duration) and dataSet; a comment travels as the
    dataValue's `comment` attribute, which DHIS2 passes through to its importer."""
    root = ET.Element("adx", {"xmlns": ADX_NS, "exported": timezone.now().replace(microsecond=0).isoformat(),
                              **_scheme_attrs(scheme)})
    groups: dict[tuple, ET.Element] = {}
    for r in rows:
        key = (r["orgUnit"], r["period"])
        if key not in groups:
            groups[key] = ET.SubElement(root, "group", {
                "orgUnit": r["orgUnit"], "period": adx_period(Period.parse(r["period"])),
                "dataSet": data_set or ADX_DATASET})
        attrs = {"dataElement": r["dataElement"], "value": r["value"]}
        if r.get("comment"):
            attrs["comment"] = r["comment"]
        ET.SubElement(groups[key], "dataValue", attrs)
    return _xml(root)


def render(rows: list[dict], fmt: str, scheme: str = "code", data_set: str = "") -> str:
    if fmt == "csv":
        return to_csv(rows, scheme)
    if fmt == "xml":
        return to_xml(rows, scheme)
    if fmt == "adx":
        return to_adx(rows, scheme, data_set)
    return to_json(rows, scheme)


def data_set_id(scheme: str) -> str:
    """The data set an ADX group names: the DHIS2 data set of the metadata when there is exactly one."""
    sets = list(Dhis2Object.objects.filter(kind=Dhis2Kind.DATASET).values_list("uid", "code")[:2])
    if len(sets) == 1:
        uid, code = sets[0]
        return uid if scheme == "uid" else (code or ADX_DATASET)
    return ADX_DATASET


# --- import: reading the file -------------------------------------------------------------------------------

ROW_KEYS = ("dataElement", "period", "orgUnit", "categoryOptionCombo", "attributeOptionCombo", "value", "comment",
            "deleted", "disaggregation")
SET_KEYS = ("period", "orgUnit", "attributeOptionCombo")  # given on the set, they apply to rows without them


class DataValueSet(list):
    """The rows of a file, and the id schemes it declares ({"dataElement": "code"|"uid"|…, "orgUnit": …})."""

    fmt: str = ""

    def __init__(self, rows=(), fmt: str = "", schemes: dict | None = None):
        super().__init__(rows)
        self.fmt = fmt
        self.schemes = schemes or {}


def _row(values: dict, defaults: dict | None = None) -> dict:
    row = {key: (values.get(key) or "").strip() if isinstance(values.get(key), str) else "" for key in ROW_KEYS}
    for key in SET_KEYS:
        if not row[key] and defaults and defaults.get(key):
            row[key] = defaults[key]
    return row


def _schemes(attrs: dict) -> dict:
    """The id schemes declared in a payload: the specific ones override the general idScheme."""
    general = (attrs.get("idScheme") or "").strip().lower() if isinstance(attrs.get("idScheme"), str) else ""
    out = {}
    for kind, key in (("dataElement", "dataElementIdScheme"), ("orgUnit", "orgUnitIdScheme")):
        value = attrs.get(key)
        value = value.strip().lower() if isinstance(value, str) else ""
        if value or general:
            out[kind] = value or general
    return out


def parse(data: bytes | str, fmt: str | None = None) -> DataValueSet:
    """The rows of a data value set in JSON, CSV, XML (DXF2) or ADX (found from the content when `fmt` is None).
    Bounded by MAX_BYTES and MAX_ROWS; a JSON or XML nested too deep, an XML with a DTD or entities, and values
    that are lists or objects are refused without being expanded. Any refusal is an ImportFormatError."""
    if len(data) > MAX_BYTES:
        raise ImportFormatError(f"Tệp quá lớn ({len(data) / 1048576:.1f} MB); tối đa {MAX_BYTES // 1048576} MB.")
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportFormatError("Tệp không phải văn bản UTF-8 (JSON, CSV hoặc XML).") from exc
    text = data.strip()
    if fmt not in FORMATS:
        fmt = ("json" if text[:1] in ("{", "[") else "xml" if text[:1] == "<" else "csv")
    if fmt in ("xml", "adx"):
        return _parse_xml(text)
    if fmt == "json":
        return _parse_json(text)
    return _parse_csv(text)


def _parse_json(text: str) -> DataValueSet:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFormatError(f"Tệp JSON không đọc được (dòng {exc.lineno}).") from exc
    except RecursionError as exc:  # the decoder stops cleanly at Python's recursion limit (~1,000 levels)
        raise ImportFormatError("Tệp JSON lồng nhau quá sâu, không phải một dataValueSet (chỉ cần 3 cấp). "
                                "Hãy xuất lại tệp từ DHIS2.") from exc
    top = doc if isinstance(doc, dict) else {}
    items = doc.get("dataValues") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        raise ImportFormatError("Tệp JSON cần có danh sách “dataValues”.")
    if len(items) > MAX_ROWS:
        raise _too_many_rows()
    defaults = {key: _scalar(top.get(key)).strip() for key in SET_KEYS}
    rows = []
    for item in items:
        if not isinstance(item, dict):
            rows.append(_row({}, defaults))
            continue
        rows.append(_row({key: _scalar(item.get(key)) for key in ROW_KEYS}, defaults))
    return DataValueSet(rows, "json", _schemes(top))


def _parse_csv(text: str) -> DataValueSet:
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
        return DataValueSet([], "csv")
    _check_header(lines[0])
    rows = []
    for line in lines[1:]:
        if not any(cell.strip() for cell in line):
            continue
        cells = dict(zip(CSV_COLUMNS, (c.strip() for c in line), strict=False))
        rows.append(_row({"dataElement": cells.get("dataelement"), "period": cells.get("period"),
                          "orgUnit": cells.get("orgunit"), "categoryOptionCombo": cells.get("categoryoptioncombo"),
                          "attributeOptionCombo": cells.get("attributeoptioncombo"), "value": cells.get("value"),
                          "comment": cells.get("comment"), "deleted": cells.get("deleted")}))
    return DataValueSet(rows, "csv")


def _check_header(header: list[str]) -> None:
    """DHIS2 always skips row 1 of a CSV as its header; a misspelled header (or data on row 1) is refused here
    with what is wrong, rather than read as data or silently skipped."""
    expected = ",".join(CSV_COLUMNS[:9])
    names = [re.sub(r"[\s_\-\"']", "", cell).lower() for cell in header]
    if len(names) < CSV_MIN_COLUMNS or len(names) > len(CSV_COLUMNS):
        raise ImportFormatError(
            f"Dòng 1 của tệp CSV phải là dòng tiêu đề (DHIS2 luôn bỏ qua dòng 1) với {CSV_MIN_COLUMNS} đến "
            f"{len(CSV_COLUMNS)} cột, nhưng có {len(names)} cột. Tiêu đề đúng: {expected}")
    for i, name in enumerate(names):
        if name not in CSV_ALIASES[i]:
            shown = header[i].strip()[:40]
            raise ImportFormatError(
                f"Dòng 1 của tệp CSV là dòng tiêu đề (DHIS2 luôn bỏ qua dòng 1): cột {i + 1} là “{shown}”, cần "
                f"“{CSV_COLUMNS[i]}”. Hãy sửa tiêu đề (hoặc thêm dòng tiêu đề nếu tệp chưa có): {expected}")


def _local(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        ns, _, name = tag[1:].partition("}")
        return ns, name
    return "", tag


def _parse_xml(text: str) -> DataValueSet:
    """DXF2 (<dataValueSet>) or ADX (<adx><group>), read as a stream with the depth and the number of elements
    bounded; a DTD (entity expansion, external entities) is refused by defusedxml."""
    rows: list[dict] = []
    fmt = ""
    schemes: dict = {}
    stack: list[dict] = []
    count = 0
    try:
        for event, element in iterparse(io.BytesIO(text.encode("utf-8")), events=("start", "end"),
                                        forbid_dtd=True):
            if event == "end":
                stack.pop()
                if len(stack) >= 1:
                    element.clear()
                continue
            count += 1
            if len(stack) >= MAX_XML_DEPTH:
                raise ImportFormatError("Tệp XML lồng nhau quá sâu, không phải một dataValueSet hay ADX.")
            if count > MAX_XML_ELEMENTS:
                raise _too_many_rows()
            ns, name = _local(element.tag)
            attrs = dict(element.attrib)
            depth = len(stack)
            stack.append(attrs)
            if depth == 0:
                if name == "dataValueSet" and ns in (DXF_NS, ""):
                    fmt = "xml"
                elif name == "adx" and ns == ADX_NS:
                    fmt = "adx"
                else:
                    raise ImportFormatError(
                        f"Tệp XML có phần tử gốc “{name[:40]}”: cần <dataValueSet> (DXF2, không gian tên {DXF_NS}) "
                        f"hoặc <adx> (không gian tên {ADX_NS}).")
                schemes = _schemes(attrs)
                continue
            if name != "dataValue" or (fmt == "xml" and depth != 1) or (fmt == "adx" and depth != 2):
                continue
            if len(rows) >= MAX_ROWS:
                raise _too_many_rows()
            if fmt == "xml":
                rows.append(_row(attrs, stack[0]))
            else:
                group = stack[1]
                extra = sorted(k for k in attrs if k not in ADX_VALUE_ATTRS)
                values = dict(attrs)
                values["disaggregation"] = ", ".join(f"{k}={attrs[k]}" for k in extra)[:200]
                defaults = {"orgUnit": group.get("orgUnit", ""), "period": period_from_adx(group.get("period", "")),
                            "attributeOptionCombo": group.get("attributeOptionCombo", "")}
                group_extra = sorted(k for k in group if k not in ADX_GROUP_ATTRS)
                if group_extra and not values["disaggregation"]:
                    values["attributeOptionCombo"] = values.get("attributeOptionCombo") or ", ".join(
                        f"{k}={group[k]}" for k in group_extra)[:200]
                rows.append(_row(values, defaults))
    except DefusedXmlException as exc:
        raise ImportFormatError("Tệp XML có khai báo DTD hoặc thực thể (entity), không được nhận vì lý do an toàn. "
                                "Hãy xuất lại tệp từ DHIS2.") from exc
    except ET.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else "?"
        raise ImportFormatError(f"Tệp XML không đọc được (dòng {line}).") from exc
    if not fmt:
        raise ImportFormatError("Tệp XML rỗng.")
    return DataValueSet(rows, fmt, schemes)


# --- import: checking and writing ---------------------------------------------------------------------------

@dataclass
class ImportSummary:
    imported: int = 0
    updated: int = 0
    deleted: int = 0
    ignored: int = 0
    conflicts: list[tuple[int, str, str]] = field(default_factory=list)  # (row number, data element, reason)
    dry_run: bool = False

    @property
    def status(self) -> str:
        if self.conflicts and not (self.imported or self.updated or self.deleted):
            return "ERROR"
        return "WARNING" if self.conflicts else "SUCCESS"

    def as_dict(self) -> dict:
        """DHIS2's importSummary shape, so a DHIS2 user reads it as usual."""
        return {"status": self.status, "importCount": {"imported": self.imported, "updated": self.updated,
                                                       "ignored": self.ignored, "deleted": self.deleted},
                "conflicts": [{"object": element, "value": f"Dòng {n}: {reason}"}
                              for n, element, reason in self.conflicts]}


def _entered_codes() -> set[str]:
    return {i.code for i in services.entered_indicators()}


def _element(code: str, entered: set[str]) -> tuple[str, str]:
    """(indicator code, "numerator" | "denominator") of a data element given by its PCMD code, or ValidationError.
    An indicator the engine computes from a registry is refused: a value sent for it would never be used."""
    code = code.strip().upper()
    if code in BY_CODE:
        indicator, part = BY_CODE[code], "numerator"
        if indicator.metric != "count":
            raise ValidationError(f"Chỉ số tỷ lệ {code}: gửi hai phần tử {code}_NUM (tử số) và {code}_DEN (mẫu số).")
    else:
        for suffix, name in PARTS.items():
            base = code[: -len(suffix)]
            if code.endswith(suffix) and base in BY_CODE and BY_CODE[base].metric == "percent":
                indicator, part = BY_CODE[base], name
                break
        else:
            raise ValidationError(f"Mã phần tử dữ liệu “{code}” không có trong danh mục chỉ số.")
    if indicator.code not in entered:
        source = SOURCES.get(indicator.source, indicator.source).lower()
        raise ValidationError(
            f"{indicator.name} ({indicator.code}) được PCMD tính tự động từ {source}, không nhập từ tệp; giá trị "
            "này không được ghi. Hãy cập nhật sổ sách trên PCMD.")
    return indicator.code, part


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


def _is_deleted(row: dict) -> bool:
    """DHIS2 deletes a value sent with deleted=true, or with an empty value."""
    return (row.get("deleted") or "").strip().lower() in ("true", "1") or not (row.get("value") or "").strip()


class _Resolver:
    """Identifiers of a file to PCMD's: data elements and units by code or by the mapped DHIS2 UID (as the file
    declares; undeclared: UID first, then code), category option combos checked against the default."""

    def __init__(self, rows, schemes: dict):
        self.element_scheme = schemes.get("dataElement", "")
        self.unit_scheme = schemes.get("orgUnit", "")
        element_uid, unit_uid = uids()
        self.element_of_uid = {uid: element for element, uid in element_uid.items()}
        self.unit_code_of_uid = {uid: code for code, uid in unit_uid.items()}
        wanted = {(r.get("orgUnit") or "").strip() for r in rows}
        codes = {self.unit_code_of_uid.get(w, w) for w in wanted} | wanted
        self.units = {u.code: u for u in AdminUnit.objects.filter(code__in=codes)}
        objects = Dhis2Object.objects.filter(kind=Dhis2Kind.COC)
        self.default_cocs = {DEFAULT_COC_UID} | {o.uid for o in objects if o.name.strip().lower() == "default"}
        self.coc_names = dict(objects.values_list("uid", "name"))

    def element(self, text: str) -> str:
        if self.element_scheme in ("", "uid") and text in self.element_of_uid:
            return self.element_of_uid[text]
        if self.element_scheme == "uid":
            raise ValidationError(f"UID phần tử dữ liệu “{text}” chưa được ghép với chỉ số nào (trang Ghép mã DHIS2).")
        if self.element_scheme not in ("", "code"):
            raise ValidationError(f"Cách định danh “{self.element_scheme}” chưa được hỗ trợ; hãy dùng code hoặc uid.")
        return text

    def unit(self, text: str):
        code = text
        if self.unit_scheme in ("", "uid") and text in self.unit_code_of_uid:
            code = self.unit_code_of_uid[text]
        elif self.unit_scheme == "uid":
            raise ValidationError(f"UID đơn vị “{text}” chưa được ghép với đơn vị nào (trang Ghép mã DHIS2).")
        unit = self.units.get(code)
        if unit is None:
            raise ValidationError(f"Không có đơn vị mã “{text}” (orgUnit phải là mã đơn vị hành chính hoặc UID đã "
                                  "ghép).")
        return unit

    def check_combos(self, row: dict) -> None:
        """PCMD keeps totals only: no indicator of the program reports a breakdown by sex or age group, so a
        disaggregated value is refused (never saved as the total)."""
        if row.get("disaggregation"):
            raise ValidationError(
                f"Giá trị phân tổ ({row['disaggregation']}) không được nhận: các chỉ số của chương trình chỉ báo cáo "
                "tổng số, không theo giới tính hay nhóm tuổi. Hãy gửi giá trị tổng, không có thuộc tính phân tổ.")
        coc = (row.get("categoryOptionCombo") or "").strip()
        if coc.lower() not in DEFAULT_NAMES and coc not in self.default_cocs:
            name = self.coc_names.get(coc)
            shown = f"“{coc}”" + (f" ({name})" if name else "")
            raise ValidationError(
                f"Tổ hợp phân tổ (categoryOptionCombo) {shown} không được nhận: các chỉ số của chương trình chỉ báo "
                "cáo tổng số, không theo giới tính hay nhóm tuổi. Hãy gửi giá trị tổng (categoryOptionCombo mặc "
                "định hoặc để trống).")
        aoc = (row.get("attributeOptionCombo") or "").strip()
        if aoc.lower() not in DEFAULT_NAMES and aoc not in self.default_cocs:
            raise ValidationError(
                f"Tổ hợp thuộc tính (attributeOptionCombo) “{aoc[:60]}” không được nhận: PCMD không chia số liệu theo "
                "nguồn hay đối tác. Hãy gửi attributeOptionCombo mặc định hoặc để trống.")


DELETE = object()  # a part of a figure the file deletes


def import_values(rows: list[dict], *, membership=None, mode: str = MODE_ALL_OR_NOTHING, dry_run: bool = False,
                  schemes: dict | None = None) -> ImportSummary:
    """Validate every row, then write (see the module doc). `membership` None: no scope (shell import).
    `schemes` are the id schemes of the file (DataValueSet.schemes when `rows` is one)."""
    if mode not in (MODE_ALL_OR_NOTHING, MODE_VALID_ONLY):
        raise ValueError(mode)
    if schemes is None:
        schemes = getattr(rows, "schemes", {})
    summary = ImportSummary(dry_run=dry_run)
    resolver = _Resolver(rows, schemes)
    entered = _entered_codes()
    if membership is not None:
        from pcmd.core.scoping import scoped

        visible = set(scoped(AdminUnit.objects.filter(code__in=list(resolver.units)), membership, "view")
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
            code, part = _element(resolver.element(element), entered)
            resolver.check_combos(r)
            period = dhis2_period(r.get("period") or "")
            unit = resolver.unit((r.get("orgUnit") or "").strip())
            if unit.level not in (Level.PROVINCE, Level.COMMUNE):
                raise ValidationError(f"{unit.name}: chỉ nhận số liệu của tỉnh, thành phố hoặc xã, phường.")
            if membership is not None and (unit.code not in visible or not may_add):
                raise ValidationError(f"{unit.name} nằm ngoài phạm vi đơn vị của tài khoản.")
            x = DELETE if _is_deleted(r) else _value(r.get("value"))
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
        parts = [g[p][1] for p in ("numerator", "denominator") if p in g]
        lock_key = (g["unit"].pk, g["period"].code)
        if lock_key not in locks:
            locks[lock_key] = services.approval_covering(g["unit"], g["period"])
        try:
            if DELETE in parts:
                if any(p is not DELETE for p in parts):
                    raise ValidationError(f"{code} của {g['unit'].name}, kỳ {g['period'].code}: một phần bị xóa, phần "
                                          "kia có giá trị. Xóa thì xóa cả tử số và mẫu số; sửa thì gửi cả hai giá trị.")
                if old is not None:
                    if locks[lock_key] is not None:
                        raise ValidationError(services.lock_message(locks[lock_key]))
                    if membership is not None and not allowed(membership.role, "indicators", "delete"):
                        raise ValidationError("Tài khoản không có quyền xóa số liệu đã nhập.")
                plan.append((g, old, None))
                continue
            numerator = g["numerator"][1] if "numerator" in g else getattr(old, "numerator", None)
            denominator = g["denominator"][1] if "denominator" in g else getattr(old, "denominator", None)
            row = services.Row(indicator=code, numerator=numerator, denominator=denominator,
                               comment=g.get("comment", getattr(old, "comment", "")))
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
            if row is None:  # a deletion: of nothing stored, ignored (as DHIS2 does)
                if old is None:
                    summary.ignored += len(g["rows"])
                    continue
                summary.deleted += len(g["rows"])
                if not dry_run:
                    old.delete()
                continue
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
