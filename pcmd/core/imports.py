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
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from . import uploads
from .crud import CrudView
from .exports import XLSX_TYPE, protect_workbook, xlsx_response
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


def text(max_length: int | None = None) -> Callable:
    def parse(value):
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # a number typed into a text column (registration numbers)
        if isinstance(value, datetime.datetime | datetime.date):
            value = value.strftime("%d/%m/%Y")
        value = " ".join(str(value).split())
        if max_length and len(value) > max_length:
            raise CellError(f"dài quá {max_length} ký tự ({len(value)} ký tự)")
        return value

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


def date(*, not_future: bool = False) -> Callable:
    """A date cell, or text dd/mm/yyyy (also dd-mm-yyyy, yyyy-mm-dd)."""

    def parse(value):
        if isinstance(value, datetime.datetime):
            result = value.date()
        elif isinstance(value, datetime.date):
            result = value
        else:
            raw = str(value).strip()
            result = None
            for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
                try:
                    result = datetime.datetime.strptime(raw, pattern).date()
                    break
                except ValueError:
                    continue
            if result is None:
                raise CellError(f"“{raw}” không phải ngày hợp lệ (ghi theo dạng ngày/tháng/năm, ví dụ 25/03/2026)")
        if result.year < 1900:
            raise CellError(f"năm {result.year} không hợp lệ")
        if not_future and result > timezone.localdate():
            raise CellError(f"ngày {result:%d/%m/%Y} ở tương lai")
        return result

    return parse


def choice(options: Callable[[], dict[str, object]] | dict[str, object]) -> Callable:
    """A value from a catalogue: the label (any case, with or without diacritics) -> the stored value."""

    def parse(value):
        table = options() if callable(options) else options
        folded = {fold(str(label)): stored for label, stored in table.items()}
        key = fold(str(value))
        if key not in folded:
            listed = ", ".join(str(label) for label in list(table)[:12])
            raise CellError(f"“{value}” không có trong danh mục ({listed}{'…' if len(table) > 12 else ''})")
        return folded[key]

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


@dataclass
class ImportScope:
    """Where rows may fall: the unit (None = national) and, for web users, their membership."""

    unit: object | None
    membership: object | None = None
    user: object | None = None

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

    # --- per registry
    def prepare(self, rows: list[Row], scope: ImportScope) -> None:
        """Resolve references and match existing records for a batch (prefetch; no per-row queries).

        Set row.instance (and row.is_update) or add row errors.
        """
        raise NotImplementedError

    def write(self, creates: list, updates: list) -> None:
        from pcmd.aggregates.services import track

        # Bulk writes skip signals: the aggregates of the rows written are refreshed here, in the batch's
        # transaction (the cells the updated rows counted in before, and those of every row after).
        with track(self.model, [obj.pk for obj in updates]) as tracked:
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
        data.column_dimensions[letter].width = max(14, min(40, len(column.header) + 6))
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
    """Refuse what is not an .xlsx with a message that says what it is and what to do."""
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError("Tệp này là Excel 97-2003 (.xls), hệ thống chỉ nhận .xlsx. Hãy mở tệp bằng Excel, "
                              "chọn Lưu thành (Save As) → Excel Workbook (*.xlsx) rồi tải lên lại.")
    if not head.startswith(b"PK\x03\x04"):
        kind = "CSV/văn bản" if filename.lower().endswith((".csv", ".txt")) else "không phải Excel"
        raise ImportFileError(f"Tệp “{filename}” ({kind}) không phải tệp Excel .xlsx. Hãy tải mẫu nhập, "
                              "điền dữ liệu vào đó và tải lên tệp .xlsx.")


def _unreadable(filename: str) -> ImportFileError:
    return ImportFileError(f"Không đọc được tệp “{filename}”: tệp .xlsx bị hỏng hoặc không đúng định dạng. "
                           "Hãy mở bằng Excel, lưu lại rồi tải lên lại.")


def _too_many_rows(filename: str) -> ImportFileError:
    most = f"{MAX_ROWS:,}".replace(",", ".")
    return ImportFileError(f"Tệp “{filename}” có quá nhiều dòng (tối đa {most} dòng dữ liệu, kể cả dòng trống đã "
                           "định dạng). Hãy xoá các dòng trống thừa ở cuối trang dữ liệu, hoặc chia thành nhiều tệp.")


def read_rows(importer: Importer, path: Path, filename: str) -> Iterator[tuple[int, dict]]:
    """Check the workbook and its columns, then yield (Excel row number, {field: raw value}) for non-empty rows.

    Bounded before and while reading, so a small hostile file cannot keep a request busy: the members'
    unpacked size (zip bombs), the sheet's declared dimension, every row read counted (empty ones too),
    columns read only up to the last one the importer knows. An XML entity declaration is refused by
    defusedxml, which openpyxl uses when it is installed (a dependency)."""
    try:
        if uploads.unzipped_size(path) > MAX_UNZIPPED_BYTES:
            raise ImportFileError(f"Tệp “{filename}” khi giải nén lớn hơn {MAX_UNZIPPED_BYTES // 1048576} MB; hãy "
                                  "chia thành nhiều tệp nhỏ hơn.")
        workbook = load_workbook(path, read_only=True, data_only=True)
        sheet = workbook[DATA_SHEET] if DATA_SHEET in workbook.sheetnames else workbook.worksheets[0]
    except ImportFileError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a broken zip/XML (and defusedxml's for entities)
        raise _unreadable(filename) from exc
    if (sheet.max_row or 0) > MAX_ROWS + 1:  # the sheet's <dimension ref="A1:…">, read without the rows
        workbook.close()
        raise _too_many_rows(filename)
    try:
        header = next(sheet.iter_rows(min_row=1, max_row=1, max_col=MAX_COLUMNS, values_only=True), None) or ()
    except Exception as exc:
        workbook.close()
        raise _unreadable(filename) from exc
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
    present = set(positions.values())
    missing = [c.header for c in importer.columns if c.required and c.field not in present]
    if missing or unknown or not positions:
        parts = []
        if missing:
            parts.append("thiếu cột bắt buộc: " + ", ".join(f"“{h}”" for h in missing))
        if unknown:
            parts.append("có cột không nhận ra: " + ", ".join(f"“{h}”" for h in unknown))
        if not positions:
            parts.append("dòng 1 của trang dữ liệu không có tên cột nào của mẫu")
        workbook.close()
        raise ImportFileError(f"Tệp “{filename}” không đúng mẫu nhập {importer.title}: " + "; ".join(parts)
                              + ". Hãy tải mẫu nhập mới nhất và giữ nguyên tên các cột.")

    rows = sheet.iter_rows(min_row=2, max_col=max(positions) + 1, values_only=True)

    def generate():
        try:
            for number, values in enumerate(rows, start=2):
                if number > MAX_ROWS + 1:  # empty rows count: they cost as much to read
                    raise _too_many_rows(filename)
                raw = {name: values[i] for i, name in positions.items() if i < len(values)}
                if all(_blank(v) for v in raw.values()):
                    continue
                yield number, raw
        except ImportFileError:
            raise
        except Exception as exc:  # a broken or hostile sheet XML (entities, bad zip member) found while reading
            raise _unreadable(filename) from exc
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
                    user_id=getattr(scope.user, "pk", None), unit_id=getattr(scope.unit, "pk", None))
    try:
        total = 0
        with job.rows_path.open("w", encoding="utf-8") as out:
            for number, raw in read_rows(importer, xlsx, filename):  # at most MAX_ROWS rows
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
    preview = job.preview if job.status == "checking" else {"create": 0, "update": 0, "bad": 0, "errors": []}
    checked = job.checked if job.status == "checking" else 0
    seen_path = _store() / f"{job.token}.seen.json"
    # Record keys already met, across the whole file (the run checks within a batch: earlier ones are saved).
    seen = json.loads(seen_path.read_text()) if checked and seen_path.exists() else {}
    end = job.total if max_rows is None else min(job.total, checked + max_rows)
    for start in range(checked, end, importer.batch_size):
        rows = job.rows(start, min(importer.batch_size, end - start))
        importer.check(rows, scope, seen)
        for row in rows:
            if row.errors:
                preview["bad"] += 1
                preview["errors"].extend([row.number, column, reason] for column, reason in row.errors)
            else:
                preview["update" if row.is_update else "create"] += 1
    job.preview, job.checked = preview, end
    if end >= job.total:
        job.status = "previewed"
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


def import_batch(job: ImportJob, importer: Importer, scope: ImportScope) -> ImportJob:
    """Process the next batch in one transaction; a failure writes nothing of that batch."""
    if job.status != "running":
        return job
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
    while job.status == "running":
        import_batch(job, importer, scope)
        if progress:
            progress(job)
    return job


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
        if step == "start" and job.status == "previewed":
            try:
                import_start(job, request.POST.get("mode", ""))
            except ImportFileError as exc:
                return self.render_page(job, error=str(exc), status=400)
        elif step == "resume" and job.status == "stopped" and job.offset < job.total and job.rows_path.exists():
            job.status, job.failure = "running", ""  # the failed batch was rolled back: redo it
            job.save()
        elif step == "check" and job.status in ("uploaded", "checking"):
            import_preview(job, self.importer, self.scope(), max_rows=CHECK_ROWS_PER_REQUEST)
            if job.status == "previewed":  # the whole page changes: counts, errors, the choice of mode
                response = HttpResponse(status=204)
                response["HX-Redirect"] = f"{reverse(self.crud.url_name('import'))}?t={job.token}"
                return response
            return self.render_page(job, partial=True)
        elif step == "batch":
            import_batch(job, self.importer, self.scope())
            return self.render_page(job, partial=True)
        return self.render_page(job)
