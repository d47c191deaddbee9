"""The one Excel import mechanism, shared by every registry (see docs/imports.md).

A registry declares an `Importer` (its columns with Vietnamese headers, parsers and drop-down
catalogues; `prepare()` that turns a batch of parsed rows into model instances, finding existing
records by the registry's match keys). The mechanism gives it:

- a template workbook (header row, drop-downs fed from a hidden catalogue sheet, column notes,
  an example row on the instructions sheet);
- upload checks (really .xlsx, expected columns) and a preview that lists every bad row with its row
  number, column and Vietnamese reason, and counts rows to create / update / reject;
- a run in batches, one transaction per batch, bulk_create / bulk_update, lookups prefetched per
  batch; the web drives it one batch per htmx request, the CLI (`pcmd import`) in a loop;
- one summary audit entry per import (who, file, counts) instead of one per row.

State lives in files under MEDIA_ROOT/imports/<token>.* bound to the user who uploaded, so any app
server can process the next batch and no background worker is needed.
"""

from __future__ import annotations

import datetime
import decimal
import functools
import itertools
import json
import re
import secrets
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.db import models, transaction
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from . import uploads
from .crud import CrudView
from .exports import XLSX_TYPE, column_widths, protect_workbook, xlsx_response
from .models import fold
from .scoping import scoped, within

MAX_BYTES = getattr(settings, "IMPORT_MAX_BYTES", 50 * 1024 * 1024)
MAX_ROWS = getattr(settings, "IMPORT_MAX_ROWS", 200_000)
MAX_UNZIPPED_BYTES = getattr(settings, "IMPORT_MAX_UNZIPPED_BYTES", 200 * 1024 * 1024)  # the members, unpacked
MAX_COLUMNS = 200  # columns read from the header row; data rows are read only up to the last known column
CHECK_ROWS_PER_REQUEST = 10_000  # preview slice per htmx request (a few seconds)
SHOWN_ERRORS = 1000  # the preview page lists this many; the error workbook has them all
DATA_SHEET, HELP_SHEET, LISTS_SHEET = "Dữ liệu", "Hướng dẫn", "Danh mục"
MODE_VALID_ONLY, MODE_ALL_OR_NOTHING = "valid", "all"
MODES = {MODE_VALID_ONLY: "Chỉ nhập các dòng hợp lệ", MODE_ALL_OR_NOTHING: "Chỉ nhập khi tất cả các dòng hợp lệ"}


class ImportFileError(Exception):
    """The file as a whole cannot be imported (not .xlsx, wrong columns…); the message is for the user."""


class CellError(Exception):
    """One cell's value is not acceptable; the message (Vietnamese) says why."""


# ---------------------------------------------------------------------------------------------- parsers


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


TEXT_FORMAT, DATE_FORMAT = "@", "DD/MM/YYYY"  # the template's cell formats (a text column keeps "0201…")


def _as_text(value) -> str:
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number typed into a text column (registration numbers)
    if isinstance(value, datetime.datetime | datetime.date):
        value = value.strftime("%d/%m/%Y")
    return " ".join(str(value).split())


def text(max_length: int | None = None) -> Callable:
    def parse(value):
        value = _as_text(value)
        if max_length and len(value) > max_length:
            raise CellError(f"dài quá {max_length} ký tự ({len(value)} ký tự)")
        return value

    parse.excel_format = TEXT_FORMAT
    return parse


def identifier(max_length: int | None = None, digits: tuple[int, ...] = (10, 13)) -> Callable:
    """A registration number or another code made of digits, kept as text.

    The template formats the column as text ("@"), so "0201234567" stays as typed. A file made elsewhere may
    hold it as a number: the integer is written back without ".0", and when it has one digit fewer than a code
    of `digits` digits (a "mã số doanh nghiệp" has 10, a branch's 13), the leading zero Excel dropped is put
    back ("201234567" -> "0201234567"). A zero lost from a code of another length cannot be known; such a
    number is kept as it is (docs/imports.md).
    """
    as_text = text(max_length)

    def parse(value):
        typed_as_number = isinstance(value, int | float) and not isinstance(value, bool)
        result = as_text(value)
        if typed_as_number and result.isdigit() and len(result) + 1 in digits:
            result = "0" + result
        return result

    parse.excel_format = TEXT_FORMAT
    return parse


def phone(value):
    if isinstance(value, int | float):  # Excel drops the leading zero of 0912…
        value = str(int(value))
        if len(value) in (9, 10) and not value.startswith("0"):
            value = "0" + value
    value = str(value).strip()
    if not re.fullmatch(r"[0-9 .+()\-]{6,30}", value):
        raise CellError(f"“{value}” không phải số điện thoại")
    return value


phone.excel_format = TEXT_FORMAT


def integer(minimum: int | None = 0, maximum: int | None = None) -> Callable:
    def parse(value):
        if isinstance(value, bool):
            raise CellError("phải là một số")
        if isinstance(value, float):
            if not value.is_integer():
                raise CellError(f"“{value:g}” phải là số nguyên")
            value = int(value)
        elif not isinstance(value, int):
            raw = str(value).strip().replace(".", "").replace(" ", "")
            if not re.fullmatch(r"-?\d+", raw):
                raise CellError(f"“{value}” không phải là số")
            value = int(raw)
        if minimum is not None and value < minimum:
            raise CellError("không được là số âm" if minimum == 0 else f"phải từ {minimum} trở lên")
        if maximum is not None and value > maximum:
            raise CellError(f"không được lớn hơn {maximum}")
        return value

    return parse


def number(minimum=None, maximum=None, places: int = 6) -> Callable:
    def parse(value):
        try:
            result = decimal.Decimal(str(value).strip().replace(",", "."))
        except decimal.InvalidOperation as exc:
            raise CellError(f"“{value}” không phải là số") from exc
        if not result.is_finite():
            raise CellError(f"“{value}” không phải là số")
        if (minimum is not None and result < minimum) or (maximum is not None and result > maximum):
            raise CellError(f"phải nằm trong khoảng {minimum} đến {maximum}")
        return result.quantize(decimal.Decimal(1).scaleb(-places))

    return parse


@functools.lru_cache(maxsize=4096)
def _text_date(raw: str) -> datetime.date | None:
    for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    return None


@functools.lru_cache(maxsize=4)
def _today(minute: int) -> datetime.date:
    return timezone.localdate()


def date(*, not_future: bool = False) -> Callable:
    """A date cell, or text dd/mm/yyyy (also dd-mm-yyyy, yyyy-mm-dd)."""

    def parse(value):
        if isinstance(value, datetime.datetime):
            result = value.date()
        elif isinstance(value, datetime.date):
            result = value
        else:
            raw = str(value).strip()
            result = _text_date(raw)
            if result is None:
                raise CellError(f"“{raw}” không phải ngày hợp lệ (ghi theo dạng ngày/tháng/năm, ví dụ 25/03/2026)")
        if result.year < 1900:
            raise CellError(f"năm {result.year} không hợp lệ")
        if not_future and result > _today(int(time.time() // 60)):
            raise CellError(f"ngày {result:%d/%m/%Y} ở tương lai")
        return result

    parse.excel_format = DATE_FORMAT
    return parse


_fold_cached = functools.lru_cache(maxsize=16384)(fold)


def choice(options: Callable[[], dict[str, object]] | dict[str, object]) -> Callable:
    """A value from a catalogue: the label (any case, with or without diacritics) -> the stored value."""
    memo: list = [None, None]  # the table last seen and its folded labels (folded once, not once per row)

    def parse(value):
        table = options() if callable(options) else options
        if memo[0] is not table:
            memo[:] = [table, {fold(str(label)): stored for label, stored in table.items()}]
        folded = memo[1]
        key = _fold_cached(str(value))
        if key not in folded:
            listed = ", ".join(str(label) for label in list(table)[:12])
            raise CellError(f"“{value}” không có trong danh mục ({listed}{'…' if len(table) > 12 else ''})")
        return folded[key]

    parse.excel_format = TEXT_FORMAT
    return parse


# ---------------------------------------------------------------------------------------------- declaration


@dataclass
class Column:
    header: str  # Vietnamese header, as in the template and the list's Excel export
    field: str  # key in the parsed row (usually the model field; also the export column)
    parse: Callable = field(default_factory=text)
    required: bool = False
    note: str = ""
    example: object = ""
    # Values offered in the template's drop-down: callable(scope) -> list of labels.
    dropdown: Callable[[ImportScope], list[str]] | None = None

    @property
    def excel_format(self) -> str | None:
        """The template column's cell format: "@" (text) for texts and codes, dd/mm/yyyy for dates."""
        return getattr(self.parse, "excel_format", None)


@dataclass
class ImportScope:
    """Where rows may fall: the unit (None = national) and, for web users, their membership."""

    unit: object | None
    membership: object | None = None
    user: object | None = None
    # Look-ups an importer keeps for the whole import (catalogues, the scope's communes…): one job runs every
    # batch in one process, so they are read once, not once per batch.
    cache: dict = field(default_factory=dict, repr=False)

    def cached(self, key: str, build: Callable[[], object]):
        if key not in self.cache:
            self.cache[key] = build()
        return self.cache[key]

    def queryset(self, qs: models.QuerySet, action: str = "view") -> models.QuerySet:
        if self.membership is not None:
            return scoped(qs, self.membership, action)
        return within(qs, self.unit) if self.unit is not None else qs

    def may(self, module: str, action: str) -> bool:
        if self.membership is None:
            return True
        from pcmd.org.permissions import allowed

        return allowed(self.membership.role, module, action)


@dataclass
class Row:
    number: int  # the row number in Excel (header = 1)
    raw: dict[str, object]
    values: dict[str, object] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column header, reason)
    instance: models.Model | None = None
    is_update: bool = False
    key: object = None  # what identifies the record (set by prepare): two rows of a file must not share it

    def error(self, column: str, reason: str) -> None:
        self.errors.append((column, reason))


class Importer:
    """Subclass per registry: set name, title, model, columns; implement prepare()."""

    name = ""  # CLI name: `pcmd import <name> FILE.xlsx`
    title = ""  # "cơ sở kinh doanh"
    model: type[models.Model]
    columns: list[Column] = []
    batch_size = 2000
    update_fields: list[str] = []  # what bulk_update writes for matched records
    # New rows by COPY / executemany (`bulk_insert`, several times faster) instead of bulk_create; only for a
    # registry whose write() needs no primary keys of the new rows afterwards (no many-to-many to fill).
    fast_insert = False
    # Columns whose text groups the rows before batching (the commune): each batch then touches a few communes,
    # so the aggregates it refreshes in its transaction are those of a few communes, not of every commune of a
    # file listed in any order (with 114 communes in every batch, the refreshes grew with the square of the
    # file). Rows keep their spreadsheet numbers; the order within a group is the file's.
    group_by: tuple[str, ...] = ()

    # --- per registry
    def prepare(self, rows: list[Row], scope: ImportScope) -> None:
        """Resolve references and match existing records for a batch (prefetch; no per-row queries).

        Set row.instance (and row.is_update) or add row errors.
        """
        raise NotImplementedError

    def write(self, creates: list, updates: list, *, keys: bool = False) -> None:
        """Save a batch. `keys`: the caller needs the new rows' primary keys (the API answers with them), so the
        fast insert, which does not return them, is not used."""
        from pcmd.aggregates.services import kinds, refresh_for, track

        for obj in (*creates, *updates):
            if hasattr(obj, "refresh_search_text"):
                obj.refresh_search_text()  # here, not in prepare: the preview never needs it
        # Bulk writes skip signals: the aggregates of the rows written are refreshed here, in the batch's
        # transaction (the cells the updated rows counted in before, and those of every row after).
        with track(self.model, [obj.pk for obj in updates]) as tracked:
            if self.fast_insert and not keys:
                bulk_insert(self.model, creates)
                # COPY gives no primary keys back: refresh the kinds this model feeds, for the units written.
                label = self.model._meta.label
                fed = [name for name, kind in kinds().items() if label in kind.sources]
                if creates and fed:
                    refresh_for({getattr(obj, "unit_id", None) for obj in creates}, kind_names=fed)
            else:
                self.model._default_manager.bulk_create(creates, batch_size=1000)
                tracked.add(obj.pk for obj in creates)
            if updates:
                now = timezone.now()
                for obj in updates:
                    if hasattr(obj, "version"):
                        obj.version += 1
                    if hasattr(obj, "updated_at"):
                        obj.updated_at = now
                extra = [f for f in ("version", "updated_at") if hasattr(self.model, f)]
                bulk_update(self.model, updates, [*self.update_fields, *extra])

    # --- shared
    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def export_fields(self) -> list[str]:
        return [c.field for c in self.columns]

    def labels(self) -> dict[str, str]:
        return {c.field: c.header for c in self.columns}

    def parse(self, row: Row) -> None:
        for column in self.columns:
            value = row.raw.get(column.field)
            if _blank(value):
                if column.required:
                    row.error(column.header, "bắt buộc phải có")
                continue
            try:
                row.values[column.field] = column.parse(value)
            except CellError as exc:
                row.error(column.header, str(exc))

    def check(self, rows: list[Row], scope: ImportScope, seen: dict | None = None) -> None:
        """Parse, prepare, and flag rows of the file that describe the same record as an earlier row."""
        for row in rows:
            self.parse(row)
        good = [r for r in rows if not r.errors]
        if good:
            self.prepare(good, scope)
        seen = {} if seen is None else seen
        for row in good:
            key = _identity(row)
            if row.errors or key is None:
                continue
            if key in seen:
                row.error("", f"trùng với dòng {seen[key]} của tệp (cùng một {self.title})")
            else:
                seen[key] = row.number


# Field classes whose database value is the Python value itself (text, integers, booleans, a foreign key's id).
_PLAIN_FIELDS = (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.ForeignKey)


def _db_value(field, connection) -> Callable:
    """How to get a field's database value from an object: the attribute itself for plain fields (the cost of
    get_db_prep_save on 30 fields of 100,000 rows is seconds), else Django's conversion."""
    from operator import attrgetter

    if isinstance(field, _PLAIN_FIELDS) and not isinstance(field, models.JSONField):
        return attrgetter(field.attname)
    get = attrgetter(field.attname)
    if type(field) is models.DateField:
        adapt = connection.ops.adapt_datefield_value
        return lambda obj: adapt(get(obj))
    return lambda obj: field.get_db_prep_save(get(obj), connection)


def bulk_insert(model: type[models.Model], objs: list) -> None:
    """INSERT many new rows: PostgreSQL's COPY (one stream, several times faster than INSERTs), elsewhere one
    executemany of a single-row INSERT (Django's bulk_create builds a statement of every row and field, which
    costs more than the insert itself). Defaults and auto_now(_add) are filled as Django would (pre_save);
    no signals are sent, as with bulk_create; the objects do not get their primary keys."""
    if not objs:
        return
    from django.db import connections, router

    connection = connections[router.db_for_write(model)]
    meta = model._meta
    fields = [f for f in meta.concrete_fields
              if not (f.primary_key and isinstance(f, models.AutoField | models.BigAutoField | models.SmallAutoField))]
    now = timezone.now()
    getters = []
    for f in fields:  # auto_now(_add): one timestamp for the batch, as pre_save would set per object
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            for obj in objs:
                setattr(obj, f.attname, now)
            stamp = f.get_db_prep_save(now, connection)
            getters.append(lambda obj, stamp=stamp: stamp)
        else:
            getters.append(_db_value(f, connection))
    params = [[get(obj) for get in getters] for obj in objs]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
                for row in params:
                    copy.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "
                               f"({', '.join(['%s'] * len(fields))})", params)


def bulk_update(model: type[models.Model], objs: list, field_names: list[str]) -> None:
    """UPDATE … WHERE pk = %s for many rows in one executemany (Django's bulk_update builds a CASE per
    field and row, which costs ~25 ms a row at 25 fields; this is ~100x faster on SQLite and PostgreSQL)."""
    from django.db import connections, router

    connection = connections[router.db_for_write(model)]
    meta = model._meta
    fields = [meta.get_field(name) for name in field_names]
    quote = connection.ops.quote_name
    sql = (f"UPDATE {quote(meta.db_table)} SET " + ", ".join(f"{quote(f.column)} = %s" for f in fields)
           + f" WHERE {quote(meta.pk.column)} = %s")
    params = [[f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] + [obj.pk] for obj in objs]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


IMPORTERS: dict[str, Importer] = {}


def register(importer: Importer) -> Importer:
    IMPORTERS[importer.name] = importer
    return importer


# ---------------------------------------------------------------------------------------------- template


def template_workbook(importer: Importer, scope: ImportScope) -> Workbook:
    workbook = Workbook()
    data = workbook.active
    data.title = DATA_SHEET
    lists = workbook.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    bold, required_fill = Font(bold=True), PatternFill("solid", fgColor="FFF2CC")
    list_col = 0
    for i, column in enumerate(importer.columns, start=1):
        letter = get_column_letter(i)
        cell = data.cell(row=1, column=i, value=column.header)
        cell.font = bold
        if column.required:
            cell.fill = required_fill
        note = ("Bắt buộc. " if column.required else "") + column.note
        if note.strip():
            cell.comment = Comment(note.strip(), "PCMD")
        if column.excel_format:
            data.column_dimensions[letter].number_format = column.excel_format
        if column.dropdown:
            values = column.dropdown(scope)
            if not values:
                continue
            list_col += 1
            list_letter = get_column_letter(list_col)
            lists.cell(row=1, column=list_col, value=column.header)
            for n, value in enumerate(values, start=2):
                lists.cell(row=n, column=list_col, value=value)
            validation = DataValidation(
                type="list", formula1=f"='{LISTS_SHEET}'!${list_letter}$2:${list_letter}${len(values) + 1}",
                allow_blank=not column.required, showErrorMessage=True, errorTitle="Giá trị không có trong danh mục",
                error="Hãy chọn một giá trị trong danh sách thả xuống.",
            )
            validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
            data.add_data_validation(validation)
    examples = [column.example(scope) if callable(column.example) else column.example for column in importer.columns]
    for i, width in enumerate(column_widths(importer.headers, [examples]), start=1):
        data.column_dimensions[get_column_letter(i)].width = max(width, 12)
    data.row_dimensions[1].height = 45
    for cell in data[1]:
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    data.freeze_panes = "A2"
    helper = workbook.create_sheet(HELP_SHEET, 1)
    helper.append([f"Mẫu nhập {importer.title} — hướng dẫn"])
    helper["A1"].font = Font(bold=True, size=13)
    helper.append(["Nhập dữ liệu ở trang “Dữ liệu”, mỗi dòng một bản ghi, từ dòng 2. Không đổi tên cột. "
                   "Ngày ghi theo dạng ngày/tháng/năm (25/03/2026). Ô tô vàng là bắt buộc."])
    helper.append([])
    helper.append(["Cột", "Bắt buộc", "Ghi chú", "Ví dụ"])
    for c in helper[4]:
        c.font = bold
    for column in importer.columns:
        example = column.example(scope) if callable(column.example) else column.example
        helper.append([column.header, "Có" if column.required else "", column.note, example])
    helper.append([])
    helper.append(["Dòng ví dụ (chép sang trang “Dữ liệu” nếu muốn):"])
    helper.append(importer.headers)
    helper.append([column.example(scope) if callable(column.example) else column.example
                   for column in importer.columns])
    for letter, width in (("A", 32), ("B", 10), ("C", 70), ("D", 30)):
        helper.column_dimensions[letter].width = width
    protect_workbook(workbook)  # names from the database (drop-down lists, examples) stay text
    return workbook


# ---------------------------------------------------------------------------------------------- upload


def _store() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _encode(value):
    if isinstance(value, datetime.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"d": value.isoformat()}
    if isinstance(value, datetime.time | datetime.timedelta):
        return str(value)
    return value


def _decode(value):
    if isinstance(value, dict):
        if "dt" in value:
            return datetime.datetime.fromisoformat(value["dt"])
        return datetime.date.fromisoformat(value["d"])
    return value


def sniff(head: bytes, filename: str) -> None:
    """Refuse what is not a spreadsheet we read (.xlsx, .ods) with a message that says what it is and what to do."""
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError("Tệp này là Excel 97-2003 (.xls), hệ thống chỉ nhận .xlsx hoặc .ods. Hãy mở tệp bằng "
                              "Excel, chọn Lưu thành (Save As) → Excel Workbook (*.xlsx) rồi tải lên lại.")
    if not head.startswith(b"PK\x03\x04"):
        kind = "CSV/văn bản" if filename.lower().endswith((".csv", ".txt")) else "không phải Excel"
        raise ImportFileError(f"Tệp “{filename}” ({kind}) không phải tệp Excel .xlsx. Hãy tải mẫu nhập, "
                              "điền dữ liệu vào đó và tải lên tệp .xlsx.")


def _unreadable(filename: str, kind: str = "xlsx") -> ImportFileError:
    return ImportFileError(f"Không đọc được tệp “{filename}”: tệp .{kind} bị hỏng hoặc không đúng định dạng. "
                           "Hãy mở bằng Excel (hoặc LibreOffice), lưu lại rồi tải lên lại.")


def _too_many_rows(filename: str) -> ImportFileError:
    most = f"{MAX_ROWS:,}".replace(",", ".")
    return ImportFileError(f"Tệp “{filename}” có quá nhiều dòng (tối đa {most} dòng dữ liệu, kể cả dòng trống đã "
                           "định dạng). Hãy xoá các dòng trống thừa ở cuối trang dữ liệu, hoặc chia thành nhiều tệp.")


def _too_wide(filename: str) -> ImportFileError:
    return ImportFileError(f"Tệp “{filename}” có ô dữ liệu ở quá xa bên phải hoặc phía dưới trang dữ liệu (vùng dữ "
                           "liệu quá lớn). Hãy xoá các cột, dòng thừa rồi tải lên lại.")


ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
HEADER_SCAN_ROWS = 10  # officials' sheets often have a title (and a blank line) above the column names
MAX_CELLS = 10_000_000  # the sheet's used area (rows x columns) the reader may lay out in memory (~320 MB)
_SCAN_CHUNK = 16 * 1024 * 1024
_XLSX_DIMENSION = re.compile(rb'<dimension ref="[A-Z]{1,3}\d+:([A-Z]{1,3})(\d+)"')
_XLSX_ROW = re.compile(rb'<row r="(\d+)"')
_XLSX_WIDE_CELL = re.compile(rb' r="([A-Z]{2,3})(\d+)"')  # columns AA and beyond (rare: cheap to find)


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _xlsx_extent(data: bytes, max_row: int, max_col: int) -> tuple[int, int]:
    """The largest row and column a chunk of sheet XML uses or declares. Rows: every <row r>, and cells of
    column A–Z whose row has as many digits as MAX_ROWS (a cell may name a row below its <row>); columns: every
    cell from AA on (26 otherwise)."""
    for col, row in _XLSX_DIMENSION.findall(data[:4096]):
        max_row, max_col = max(max_row, int(row)), max(max_col, _column_number(col.decode()))
    rows = _XLSX_ROW.findall(data)
    if rows:
        max_row = max(max_row, max(map(int, rows)))
    for col, row in _XLSX_WIDE_CELL.findall(data):
        max_row, max_col = max(max_row, int(row)), max(max_col, _column_number(col.decode()))
    digits = len(str(MAX_ROWS + 1))
    for row in re.findall(rb' r="[A-Z](\d{%d,})"' % digits, data):
        max_row = max(max_row, int(row))
    return max_row, max_col


def spreadsheet_kind(path: Path) -> str | None:
    """ "xlsx", "ods", or None, from the zip's members (never from the file name)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == ODS_MIMETYPE:
                return "ods"
            if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
                return "xlsx"
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return None
    return None


def _xml_members(archive, kind: str) -> list:
    if kind == "ods":
        return [i for i in archive.infolist() if i.filename == "content.xml"]
    return [i for i in archive.infolist() if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml")]


def _check_extent(path: Path, kind: str, filename: str) -> None:
    """Bound what the reader (calamine) will lay out before it reads: it allocates the whole used area of a sheet,
    so one cell at XFD1048576 would ask for terabytes. Every sheet member is scanned once, in chunks (no XML
    parser): a DTD is refused (entity bombs; spreadsheets never need one), the largest row and column referenced
    (or declared, <dimension>) must stay within MAX_ROWS, MAX_COLUMNS and MAX_CELLS. An .ods declares repeated
    rows and cells (table:number-…-repeated): the same limits apply to those that hold a value."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        for info in _xml_members(archive, kind):
            max_row = max_col = 0
            tail = b""
            if kind == "ods":
                data = archive.read(info)
                if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data[:4096]:
                    raise _unreadable(filename, kind)
                _ods_extent(data, filename)
                continue
            with archive.open(info) as member:
                first = True
                while True:
                    chunk = member.read(_SCAN_CHUNK)
                    if not chunk:
                        break
                    data = tail + chunk
                    if first and (b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data[:4096]):
                        raise _unreadable(filename, kind)
                    first = False
                    max_row, max_col = _xlsx_extent(data, max_row, max_col)
                    tail = data[-64:]
            if max_row > MAX_ROWS + 1:
                raise _too_many_rows(filename)
            if max_col > MAX_COLUMNS or max_row * max(max_col, 26) > MAX_CELLS:
                raise _too_wide(filename)


_ODS_TAG = re.compile(rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)\b([^>]*)>")
_ODS_ROWS = re.compile(rb'number-rows-repeated="(\d+)"')
_ODS_COLUMNS = re.compile(rb'number-columns-repeated="(\d+)"')


def _ods_extent(data: bytes, filename: str) -> None:
    """The cells an .ods lays out, repeats included (table:number-rows-repeated, number-columns-repeated): in each
    table the rows up to the last one holding a value, times the widest such row, must stay within MAX_ROWS,
    MAX_COLUMNS and MAX_CELLS. Empty repeats (LibreOffice writes the empty rest of a sheet as one row repeated a
    million times) lay out nothing and are not counted."""
    rows = width = 0  # of the current table
    row_repeat = row_width = row_cells = 0
    for closing, tag, attrs in _ODS_TAG.findall(data):
        empty_element = attrs.endswith(b"/")
        if tag == b"table":
            rows = width = 0
        elif tag == b"table-row" and not closing:
            found = _ODS_ROWS.search(attrs)
            row_repeat, row_width, row_cells = (int(found.group(1)) if found else 1), 0, 0
            if empty_element:
                rows += row_repeat
                row_repeat = 0
        elif tag == b"table-row":  # the row ends: it counts only if it holds a value
            rows += row_repeat
            if row_width:
                width = max(width, row_width)
                if rows > MAX_ROWS + 1:
                    raise _too_many_rows(filename)
                if width > MAX_COLUMNS or rows * width > MAX_CELLS:
                    raise _too_wide(filename)
        elif not closing:  # a cell
            found = _ODS_COLUMNS.search(attrs)
            row_cells += int(found.group(1)) if found else 1
            if b"value-type" in attrs or not empty_element:
                row_width = row_cells
                if row_width > MAX_COLUMNS:
                    raise _too_wide(filename)


def _header_positions(importer: Importer, header) -> tuple[dict[int, str], list[str]]:
    by_header = {fold(c.header).rstrip(" *"): c for c in importer.columns}
    positions, unknown = {}, []
    for i, title in enumerate(header):
        if _blank(title):
            continue
        key = fold(str(title)).rstrip(" *").strip()
        column = by_header.get(key)
        if column is None:
            unknown.append(str(title).strip())
        elif column.field in positions.values():
            unknown.append(f"{str(title).strip()} (lặp lại)")
        else:
            positions[i] = column.field
    return positions, unknown


def read_rows(importer: Importer, path: Path, filename: str) -> Iterator[tuple[int, dict]]:
    """Check the workbook and its columns, then yield (row number as the spreadsheet shows it, {field: raw value})
    for non-empty rows.

    Reads .xlsx and .ods with calamine (Rust; about 10x faster than openpyxl). Bounded before reading, so a
    small hostile file cannot exhaust the server: the members' unpacked size (zip bombs), the used area of the
    sheet (`_check_extent`: rows, columns, cells; no DTD, so no entity bombs), then every row counted.
    The header is the row, among the first HEADER_SCAN_ROWS, that names the most of the template's columns (a
    title such as "DANH SÁCH CƠ SỞ …" may stand above it). Columns are read only up to the last known one."""
    from python_calamine import CalamineWorkbook

    kind = spreadsheet_kind(path)
    if kind is None:
        raise _unreadable(filename)
    try:
        if uploads.unzipped_size(path) > MAX_UNZIPPED_BYTES:
            raise ImportFileError(f"Tệp “{filename}” khi giải nén lớn hơn {MAX_UNZIPPED_BYTES // 1048576} MB; hãy "
                                  "chia thành nhiều tệp nhỏ hơn.")
        _check_extent(path, kind, filename)
        with open(path, "rb") as handle:  # the format from the content (an upload is stored under any name)
            workbook = CalamineWorkbook.from_filelike(handle)
        names = workbook.sheet_names
        sheet = workbook.get_sheet_by_name(DATA_SHEET if DATA_SHEET in names else names[0])
    except ImportFileError:
        raise
    except Exception as exc:  # calamine raises its own errors for a broken zip/XML
        raise _unreadable(filename, kind) from exc
    if sheet.height > MAX_ROWS + 1:
        raise _too_many_rows(filename)
    first_row = (sheet.start or (0, 0))[0] + 1  # the spreadsheet's number of the first row calamine returns
    rows = sheet.iter_rows()
    scanned = list(islice(rows, HEADER_SCAN_ROWS))
    best, best_at = ({}, []), None
    for n, values in enumerate(scanned):
        found = _header_positions(importer, values[:MAX_COLUMNS])
        if len(found[0]) > len(best[0]):
            best, best_at = found, n
    positions, unknown = best
    present = set(positions.values())
    missing = [c.header for c in importer.columns if c.required and c.field not in present]
    if missing or unknown or not positions:
        parts = []
        if missing:
            parts.append("thiếu cột bắt buộc: " + ", ".join(f"“{h}”" for h in missing))
        if unknown:
            parts.append("có cột không nhận ra: " + ", ".join(f"“{h}”" for h in unknown))
        if not positions:
            parts.append(f"không thấy dòng tên cột của mẫu trong {HEADER_SCAN_ROWS} dòng đầu của trang dữ liệu")
        workbook.close()
        raise ImportFileError(f"Tệp “{filename}” không đúng mẫu nhập {importer.title}: " + "; ".join(parts)
                              + ". Hãy tải mẫu nhập mới nhất và giữ nguyên tên các cột.")
    items = list(positions.items())
    data_rows = itertools.chain(scanned[best_at + 1:], rows)

    def generate():
        try:
            for number, values in enumerate(data_rows, start=first_row + best_at + 1):
                if number > MAX_ROWS + 1:  # empty rows count: they cost as much to read
                    raise _too_many_rows(filename)
                width = len(values)
                raw = {name: values[i] for i, name in items if i < width}
                if all(_blank(v) for v in raw.values()):
                    continue
                yield number, raw
        finally:
            workbook.close()

    return generate()


@dataclass
class ImportJob:
    """The state of one uploaded file, kept in MEDIA_ROOT/imports/<token>.json."""

    token: str
    importer: str
    filename: str
    user_id: int | None
    unit_id: int | None
    total: int = 0
    mode: str = ""
    offset: int = 0  # rows already processed by the run
    created: int = 0
    updated: int = 0
    rejected: int = 0
    preview: dict = field(default_factory=dict)  # {"create": n, "update": n, "bad": n, "errors": [...]}
    failure: str = ""
    started: float = 0.0
    finished: float = 0.0
    checked: int = 0  # rows already checked by the preview
    status: str = "uploaded"  # uploaded -> checking -> previewed -> running -> done | stopped
    membership_id: int | None = None  # the seat it was uploaded under: the job re-builds the scope from it

    @property
    def path(self) -> Path:
        return _store() / f"{self.token}.json"

    @property
    def rows_path(self) -> Path:
        return _store() / f"{self.token}.rows.jsonl"

    def save(self) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.__dict__, ensure_ascii=False))
        tmp.replace(self.path)

    @classmethod
    def load(cls, token: str, *, user_id=None, check_user: bool = True) -> ImportJob | None:
        if not re.fullmatch(r"[A-Za-z0-9_-]{20,64}", token or ""):
            return None
        path = _store() / f"{token}.json"
        if not path.exists():
            return None
        job = cls(**json.loads(path.read_text()))
        if check_user and job.user_id != user_id:
            return None  # an upload belongs to the user who made it
        return job

    @property
    def done(self) -> bool:
        return self.status in ("done", "stopped")

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, round(100 * self.offset / self.total))

    def rows(self, start: int, count: int) -> list[Row]:
        with self.rows_path.open(encoding="utf-8") as handle:
            return [Row(number=number, raw={k: _decode(v) for k, v in raw.items()})
                    for number, raw in (json.loads(line) for line in islice(handle, start, start + count))]

    def batches(self, start: int, size: int, end: int | None = None) -> Iterator[list[Row]]:
        """The rows from `start` (to `end`) in batches of `size`, reading the file once."""
        end = self.total if end is None else end
        with self.rows_path.open(encoding="utf-8") as handle:
            lines = islice(handle, start, end)
            while batch := list(islice(lines, size)):
                yield [Row(number=number, raw={k: _decode(v) for k, v in raw.items()})
                       for number, raw in map(json.loads, batch)]

    def delete_files(self) -> None:
        self.rows_path.unlink(missing_ok=True)
        (_store() / f"{self.token}.seen.json").unlink(missing_ok=True)


def import_upload(*, importer: Importer, fileobj, filename: str, scope: ImportScope) -> ImportJob:
    """Check the upload and keep its rows for the preview and the run. Raises ImportFileError."""
    size = getattr(fileobj, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ImportFileError(f"Tệp quá lớn ({size / 1048576:.1f} MB); tối đa {MAX_BYTES // 1048576} MB.")
    head = fileobj.read(8)
    fileobj.seek(0)
    sniff(head, filename)
    token = secrets.token_urlsafe(24)
    xlsx = _store() / f"{token}.xlsx"
    with xlsx.open("wb") as out:
        for chunk in (fileobj.chunks() if hasattr(fileobj, "chunks") else iter(lambda: fileobj.read(1 << 20), b"")):
            out.write(chunk)
    job = ImportJob(token=token, importer=importer.name, filename=filename[:200],
                    user_id=getattr(scope.user, "pk", None), unit_id=getattr(scope.unit, "pk", None),
                    membership_id=getattr(scope.membership, "pk", None))
    try:
        total = 0
        rows: Iterable[tuple[int, dict]] = read_rows(importer, xlsx, filename)  # at most MAX_ROWS rows
        if importer.group_by:
            rows = sorted(rows, key=lambda item: tuple(fold(str(item[1].get(f) or "")) for f in importer.group_by))
        with job.rows_path.open("w", encoding="utf-8") as out:
            for number, raw in rows:
                total += 1
                out.write(json.dumps([number, {k: _encode(v) for k, v in raw.items()}], ensure_ascii=False))
                out.write("\n")
        if total == 0:
            raise ImportFileError(f"Tệp “{filename}” không có dòng dữ liệu nào (từ dòng 2 của trang dữ liệu).")
    except ImportFileError:
        job.delete_files()
        raise
    finally:
        xlsx.unlink(missing_ok=True)  # the rows are kept as JSON lines: batches read them without re-parsing
    job.total = total
    job.save()
    return job


def import_preview(job: ImportJob, importer: Importer, scope: ImportScope, max_rows: int | None = None) -> dict:
    """Check the rows (no writes): counts and the list of (row, column, reason).

    With `max_rows` it checks only the next rows and returns (the web does one slice per request, so
    no request runs long); `job.status` becomes "previewed" when every row has been checked.
    """
    resuming = job.status == "checking" and job.checked
    preview = job.preview if resuming else {"create": 0, "update": 0, "bad": 0, "errors": []}
    checked = job.checked if job.status == "checking" else 0
    seen_path = _store() / f"{job.token}.seen.json"
    # Record keys already met, across the whole file (the run checks within a batch: earlier ones are saved).
    seen = json.loads(seen_path.read_text()) if checked and seen_path.exists() else {}
    end = job.total if max_rows is None else min(job.total, checked + max_rows)
    done = checked
    for rows in job.batches(checked, importer.batch_size, end):
        importer.check(rows, scope, seen)
        for row in rows:
            if row.errors:
                preview["bad"] += 1
                preview["errors"].extend([row.number, column, reason] for column, reason in row.errors)
            else:
                preview["update" if row.is_update else "create"] += 1
        done += len(rows)
        if done < end:  # the progress the page shows while the job checks (the state, not the seen keys)
            job.preview, job.checked, job.status = preview, done, "checking"
            job.save()
    job.preview, job.checked = preview, end
    if end >= job.total:
        job.status = "previewed"
        preview["errors"].sort(key=lambda error: error[0])  # by row number (rows are checked grouped by commune)
        seen_path.unlink(missing_ok=True)
    else:
        job.status = "checking"
        seen_path.write_text(json.dumps(seen, ensure_ascii=False))
    job.save()
    return job.preview


def _identity(row: Row) -> str | None:
    if row.instance is None:
        return None
    return json.dumps(["pk", row.instance.pk] if row.is_update else row.key, ensure_ascii=False, default=str)


def import_start(job: ImportJob, mode: str) -> None:
    if mode not in MODES:
        raise ImportFileError("Hãy chọn cách nhập.")
    if mode == MODE_ALL_OR_NOTHING and job.preview.get("bad"):
        raise ImportFileError(f"Có {job.preview['bad']} dòng lỗi nên không nhập khi chọn “chỉ nhập khi tất cả hợp lệ”. "
                              "Hãy sửa tệp rồi tải lên lại, hoặc chọn “chỉ nhập các dòng hợp lệ”.")
    job.mode, job.status, job.offset, job.started = mode, "running", 0, time.time()
    job.created = job.updated = job.rejected = 0
    job.save()


def import_batch(job: ImportJob, importer: Importer, scope: ImportScope, rows: list[Row] | None = None) -> ImportJob:
    """Process the next batch (`rows`, else read from the job's file) in one transaction; a failure writes
    nothing of that batch."""
    if job.status != "running":
        return job
    if rows is None:
        rows = job.rows(job.offset, importer.batch_size)
    try:
        with transaction.atomic():
            importer.check(rows, scope)
            bad = [r for r in rows if r.errors]
            if bad and job.mode == MODE_ALL_OR_NOTHING:
                first = bad[0]
                raise ImportFileError(
                    f"Dòng {first.number} không còn hợp lệ ({first.errors[0][0]}: {first.errors[0][1]}); "
                    "dữ liệu đã thay đổi từ lúc xem trước. Đã dừng, lô này không được ghi."
                )
            good = [r for r in rows if not r.errors]
            importer.write([r.instance for r in good if not r.is_update], [r.instance for r in good if r.is_update])
    except ImportFileError as exc:
        return _stop(job, importer, scope, str(exc))
    except Exception as exc:  # the batch rolled back; tell the user where it stopped and keep the earlier batches
        return _stop(job, importer, scope, f"Lỗi khi ghi lô dòng {rows[0].number}–{rows[-1].number}: {exc}. "
                                           "Lô này không được ghi; các lô trước đã lưu.")
    job.created += sum(1 for r in good if not r.is_update)
    job.updated += sum(1 for r in good if r.is_update)
    job.rejected += len(bad)
    job.offset += len(rows)
    if job.offset >= job.total or not rows:
        job.status, job.finished = "done", time.time()
        _audit(job, importer, scope)
        job.delete_files()
    job.save()
    return job


def _stop(job, importer, scope, message: str) -> ImportJob:
    job.status, job.failure, job.finished = "stopped", message, time.time()
    _audit(job, importer, scope)
    job.save()
    return job


def _audit(job: ImportJob, importer: Importer, scope: ImportScope) -> None:
    """One entry in the audit log for the whole import (not one per row: see docs/imports.md)."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    unit = scope.unit
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(importer.model),
        object_pk="", object_repr=f"Nhập Excel “{job.filename}”: thêm {job.created}, cập nhật {job.updated}, "
                                  f"bỏ qua {job.rejected}" + (" (dừng giữa chừng)" if job.status == "stopped" else ""),
        action=LogEntry.Action.CREATE, actor=scope.user if getattr(scope.user, "pk", None) else None,
        changes={"import": [job.filename, f"{job.created} thêm, {job.updated} cập nhật, {job.rejected} bỏ qua"]},
        additional_data={"unit": getattr(unit, "pk", None), "province": getattr(unit, "province_id", None),
                         "import": {"file": job.filename, "rows": job.total, "created": job.created,
                                    "updated": job.updated, "rejected": job.rejected, "mode": job.mode,
                                    "failure": job.failure}},
    )


def import_all(*, importer: Importer, path: Path, scope: ImportScope, mode: str, dry_run: bool = False,
               progress: Callable[[ImportJob], None] | None = None) -> ImportJob:
    """Upload + preview + every batch, as the web does step by step (the CLI and the benchmark use it)."""
    with open(path, "rb") as handle:
        job = import_upload(importer=importer, fileobj=handle, filename=Path(path).name, scope=scope)
    import_preview(job, importer, scope)
    if dry_run:
        job.delete_files()
        return job
    try:
        import_start(job, mode)
    except ImportFileError:
        job.delete_files()
        raise
    import_run(job, importer, scope, progress)
    return job


def import_run(job: ImportJob, importer: Importer, scope: ImportScope,
               progress: Callable[[ImportJob], None] | None = None) -> ImportJob:
    """Every remaining batch of a running import, reading the rows once (the job's progress is saved after each
    batch, so the page shows it); stops at the first batch that fails, as one batch per request did."""
    for rows in job.batches(job.offset, importer.batch_size):
        import_batch(job, importer, scope, rows)
        if progress:
            progress(job)
        if job.status != "running":
            return job
    if job.status == "running":  # nothing left to read (the rows file ends): finish
        import_batch(job, importer, scope, [])
    return job


# ---------------------------------------------------------------------------------------------- jobs

def job_scope(job: ImportJob) -> ImportScope:
    """The scope an import runs in, rebuilt in the worker from the seat it was uploaded under."""
    from django.contrib.auth import get_user_model

    from pcmd.geo.models import AdminUnit
    from pcmd.org.models import Membership

    if job.membership_id:
        membership = Membership.objects.select_related("unit", "agency", "user").filter(pk=job.membership_id).first()
        if membership is not None:
            return ImportScope(unit=membership.unit, membership=membership, user=membership.user)
    unit = AdminUnit.objects.filter(pk=job.unit_id).first() if job.unit_id else None
    user = get_user_model().objects.filter(pk=job.user_id).first() if job.user_id else None
    return ImportScope(unit=unit, user=user)


def check_job(token: str) -> None:
    """The preview of an upload, every row (the job `core.tasks.import_check`)."""
    job = ImportJob.load(token, check_user=False)
    if job is None or job.status not in ("uploaded", "checking"):
        return
    job.checked = 0  # a job delivered again (its worker died) checks from the start: the file's keys are all met
    import_preview(job, IMPORTERS[job.importer], job_scope(job))


def run_job(token: str) -> None:
    """The run of a started import, every batch (the job `core.tasks.import_run`)."""
    job = ImportJob.load(token, check_user=False)
    if job is None or job.status != "running":
        return
    import_run(job, IMPORTERS[job.importer], job_scope(job))


def errors_rows(job: ImportJob) -> Iterable[list]:
    return ([number, column, reason] for number, column, reason in job.preview.get("errors", []))


# ---------------------------------------------------------------------------------------------- web views


def import_urls(crud) -> list:
    """The import pages of a registry that declares an importer (mounted by Crud.urls())."""
    page = type("ImportPageView", (ImportPageView,), {"permission": (crud.module, "add")})
    template = type("ImportTemplateView", (ImportTemplateView,), {"permission": (crud.module, "add")})
    return [
        path(f"{crud.slug}/nhap-excel/", page.as_view(crud=crud), name=crud.url_name("import")),
        path(f"{crud.slug}/nhap-excel/mau/", template.as_view(crud=crud), name=crud.url_name("import_template")),
    ]


class ImportViewMixin:
    action = "add"

    def scope(self) -> ImportScope:
        return ImportScope(unit=self.membership.unit, membership=self.membership, user=self.request.user)

    @property
    def importer(self) -> Importer:
        return self.crud.importer


class ImportTemplateView(ImportViewMixin, CrudView):
    def get(self, request):
        out = tempfile.TemporaryFile()
        template_workbook(self.importer, self.scope()).save(out)
        out.seek(0)
        return FileResponse(out, as_attachment=True, filename=f"mau-nhap-{self.crud.slug}.xlsx",
                            content_type=XLSX_TYPE)


class ImportPageView(ImportViewMixin, CrudView):
    """Upload -> preview (bad rows, counts, mode) -> run, one batch per htmx request -> summary."""

    def job(self):
        token = self.request.GET.get("t") or self.request.POST.get("t") or ""
        job = ImportJob.load(token, user_id=self.request.user.pk) if token else None
        if job is not None and (job.importer != self.importer.name or job.unit_id != self.membership.unit_id):
            return None  # uploaded for another registry, or under another seat (the scope would differ)
        return job

    def render_page(self, job=None, error="", status=200, partial=False):
        all_errors = job.preview.get("errors", []) if job else []
        ctx = self.context(job=job, error=error, modes=MODES, importer=self.importer,
                           shown_errors=all_errors[:SHOWN_ERRORS], more_errors=max(0, len(all_errors) - SHOWN_ERRORS),
                           max_mb=MAX_BYTES // 1048576)
        template = "core/import/_progress.html" if partial else "core/import/page.html"
        return render(self.request, template, ctx, status=status)

    def get(self, request):
        job = self.job()
        if request.GET.get("t") and job is None:
            return self.render_page(error="Không tìm thấy lượt nhập này (đã hết hạn hoặc không phải của bạn). "
                                          "Hãy tải tệp lên lại.")
        if job is not None and request.GET.get("loi"):
            return xlsx_response(title="Các dòng lỗi", headers=["Dòng", "Cột", "Lý do"], rows=errors_rows(job),
                                 filename=f"loi-nhap-{self.crud.slug}")
        return self.render_page(job)

    def post(self, request):
        step = request.POST.get("step", "upload")
        if step == "upload":
            upload = request.FILES.get("file")
            if upload is None:
                return self.render_page(error="Hãy chọn tệp Excel (.xlsx) để tải lên.", status=400)
            try:
                job = import_upload(importer=self.importer, fileobj=upload, filename=upload.name, scope=self.scope())
            except ImportFileError as exc:
                return self.render_page(error=str(exc), status=400)
            return HttpResponseRedirect(f"{reverse(self.crud.url_name('import'))}?t={job.token}")
        job = self.job()
        if job is None:
            return self.render_page(error="Không tìm thấy lượt nhập này; hãy tải tệp lên lại.", status=404)
        from . import tasks

        if step == "start" and job.status == "previewed":
            try:
                import_start(job, request.POST.get("mode", ""))
            except ImportFileError as exc:
                return self.render_page(job, error=str(exc), status=400)
            tasks.import_run.delay(job.token)  # a worker runs it (without a broker: right here)
            job = self.job()
        elif step == "resume" and job.status == "stopped" and job.offset < job.total and job.rows_path.exists():
            job.status, job.failure = "running", ""  # the failed batch was rolled back: redo it
            job.save()
            tasks.import_run.delay(job.token)
            job = self.job()
        elif step == "check" and job.status in ("uploaded", "checking", "previewed"):
            if job.status == "uploaded":  # queued once; later requests only show the progress
                job.status = "checking"
                job.save()
                tasks.import_check.delay(job.token)
                job = self.job()
            if job.status == "previewed":  # the whole page changes: counts, errors, the choice of mode
                response = HttpResponse(status=204)
                response["HX-Redirect"] = f"{reverse(self.crud.url_name('import'))}?t={job.token}"
                return response
            return self.render_page(job, partial=True)
        elif step == "batch":  # the page asking for progress while the job runs
            return self.render_page(job, partial=True)
        return self.render_page(job)
