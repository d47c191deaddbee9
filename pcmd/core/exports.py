"""Excel output shared by every list and the import mechanism's templates.

User text is always written as text: a cell is a formula only when this code means one (never), so a
tip whose venue is `=HYPERLINK(…)` shows those characters and is not evaluated (formula injection).
"""

import datetime
import itertools
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What makes Excel (or a CSV reader) take a typed cell for a formula; DDE payloads use all of them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT, DATETIME_FORMAT = "DD/MM/YYYY", "DD/MM/YYYY HH:MM"  # as Vietnamese officials read dates
SIZE_SAMPLE = 500  # rows read ahead to size the columns (the rest stream after them)
MIN_WIDTH, MAX_WIDTH = 6, 60  # characters; longer texts wrap inside the capped width
HEADER_WIDTH = 24  # a longer header wraps over several lines rather than widening its column
PORTRAIT_WIDTH = 100  # total column width (characters) that still prints on A4 portrait
COMPARATOR_SIGNS = {"gte": "≥ ", "gt": "> ", "lte": "≤ ", "lt": "< ", "eq": "", "": ""}


@dataclass(frozen=True)
class Number:
    """A number written with its own Excel number format (the cell stays a number: sums and sorting work)."""

    value: int | float | Decimal
    number_format: str = "General"

    @property
    def shown(self) -> str:
        sign = self.number_format.split('"')[1] if self.number_format.startswith('"') else ""
        percent = "%" if self.number_format.endswith('"%"') else ""
        return f"{sign}{self.value:g}{percent}"


def target_number(value, comparator: str, *, percent: bool) -> Number | None:
    """A target as a number that Excel shows as officials write it ("≥ 80%": the value 80, format "≥ "0"%");
    None for what is not one figure (a range "02–04", a qualitative target): those stay text."""
    if value is None or comparator not in COMPARATOR_SIGNS:
        return None
    sign = COMPARATOR_SIGNS[comparator]
    number_format = (f'"{sign}"' if sign else "") + "General" + ('"%"' if percent else "")
    number = float(value)
    return Number(int(number) if number.is_integer() else number, number_format)


def _excel_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, int | float | datetime.date | Number):
        return value
    if isinstance(value, Decimal):
        return float(value) if value.is_finite() else str(value)
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))  # control characters cannot be stored in a workbook


def _shown_length(value) -> int:
    """How many characters a value takes on screen (its longest line)."""
    if isinstance(value, datetime.datetime):
        return 16
    if isinstance(value, datetime.date):
        return 10
    if isinstance(value, Number):
        return len(value.shown)
    if isinstance(value, float):
        return len(f"{value:,.2f}".rstrip("0").rstrip("."))
    if isinstance(value, int):
        return len(f"{value:,}")
    return max((len(line) for line in str(value).splitlines()), default=0)


def column_widths(headers: list[str], rows: list[list]) -> list[float]:
    """Each column as wide as its content (names and addresses whole), at least its header's longest word and
    at most MAX_WIDTH characters (a longer text wraps)."""
    widths = []
    for i, header in enumerate(headers):
        words = max((len(w) for w in str(header).split()), default=0)
        content = max((_shown_length(_excel_value(r[i])) for r in rows if i < len(r)), default=0)
        widths.append(max(MIN_WIDTH, min(MAX_WIDTH, max(words, min(len(str(header)), HEADER_WIDTH), content) + 2)))
    return widths


def as_text(cell) -> None:
    """Keep a text cell text: string type, and a quote prefix when it starts like a formula (so Excel
    shows it literally even after someone edits the cell). Numbers and dates are left alone."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if cell.value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True


def protect_workbook(workbook: Workbook) -> None:
    """`as_text` on every cell of a (normal, not write-only) workbook, e.g. an import template."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                as_text(cell)


WRAP = Alignment(wrap_text=True, vertical="top")


def _row(sheet, values, wrap_columns: frozenset = frozenset()) -> list:
    """A row for a write-only sheet: plain values, except texts that look like formulas (kept text), dates
    (dd/mm/yyyy), numbers with their own format, and long texts in a capped column (wrapped)."""
    row = []
    for i, v in enumerate(values):
        v = _excel_value(v)
        if isinstance(v, Number):
            cell = WriteOnlyCell(sheet, value=v.value)
            cell.number_format = v.number_format
            v = cell
        elif isinstance(v, datetime.date):
            cell = WriteOnlyCell(sheet, value=v)
            cell.number_format = DATETIME_FORMAT if isinstance(v, datetime.datetime) else DATE_FORMAT
            v = cell
        elif isinstance(v, str) and (v.startswith(FORMULA_STARTS) or (i in wrap_columns and len(v) > MAX_WIDTH - 2)):
            v = WriteOnlyCell(sheet, value=v)
            as_text(v)
            if i in wrap_columns:
                v.alignment = WRAP
        row.append(v)
    return row


def print_setup(sheet, widths: list[float], *, freeze_columns: int = 0, header_rows: int = 1) -> None:
    """Freeze the header rows (and the first `freeze_columns` columns, e.g. the unit), print A4 fitted to the
    page width (landscape when the columns are wider than a portrait page) with the header rows on every page."""
    sheet.freeze_panes = f"{get_column_letter(freeze_columns + 1)}{header_rows + 1}"
    sheet.print_title_rows = f"1:{header_rows}"
    if freeze_columns:
        sheet.print_title_cols = f"A:{get_column_letter(freeze_columns)}"
    sheet.page_setup.paperSize = "9"  # A4
    sheet.page_setup.orientation = "landscape" if sum(widths) > PORTRAIT_WIDTH else "portrait"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0  # one page wide, as many pages down as needed
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def xlsx_response(*, title: str, headers: list[str], rows: Iterable[list], filename: str,
                  freeze_columns: int = 0) -> FileResponse:
    """Stream rows into a write-only workbook on disk (constant memory), then send it.

    The first SIZE_SAMPLE rows are read ahead to size the columns by their content; dates are real dates shown
    dd/mm/yyyy; `Number` values keep their format; the header row (and `freeze_columns` columns) stay in view
    and print on every page (see `print_setup`).
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    bold = Font(bold=True)
    header_cells = []
    for text in headers:
        c = WriteOnlyCell(sheet, value=_excel_value(text))
        c.font, c.alignment = bold, Alignment(wrap_text=True, vertical="center")
        as_text(c)
        header_cells.append(c)
    rows = iter(rows)
    ahead = [list(r) for r in itertools.islice(rows, min(SIZE_SAMPLE, settings.EXPORT_MAX_ROWS))]
    widths = column_widths(headers, ahead)
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    wrap_columns = frozenset(i for i, width in enumerate(widths) if width >= MAX_WIDTH)
    print_setup(sheet, widths, freeze_columns=freeze_columns)
    sheet.append(header_cells)
    written = 0
    for row in itertools.chain(ahead, rows):
        if written >= settings.EXPORT_MAX_ROWS:
            break
        sheet.append(_row(sheet, row, wrap_columns))
        written += 1
    out = tempfile.TemporaryFile()
    workbook.save(out)
    out.seek(0)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = FileResponse(out, as_attachment=True, filename=f"{filename}-{stamp}.xlsx", content_type=XLSX_TYPE)
    response.rows_written = written  # what the access log counts for an export
    return response
