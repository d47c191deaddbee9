"""Excel output shared by every list and the import mechanism's templates.

User text is always written as text: a cell is a formula only when this code means one (never), so a
tip whose venue is `=HYPERLINK(…)` shows those characters and is not evaluated (formula injection).
"""

import datetime
import tempfile
from collections.abc import Iterable

from django.conf import settings
from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What makes Excel (or a CSV reader) take a typed cell for a formula; DDE payloads use all of them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _excel_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, int | float | datetime.date):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))  # control characters cannot be stored in a workbook


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


def _row(sheet, values) -> list:
    """A row for a write-only sheet: plain values, except texts that look like formulas."""
    row = []
    for v in values:
        v = _excel_value(v)
        if isinstance(v, str) and v.startswith(FORMULA_STARTS):
            v = WriteOnlyCell(sheet, value=v)
            as_text(v)
        row.append(v)
    return row


def xlsx_response(*, title: str, headers: list[str], rows: Iterable[list], filename: str) -> FileResponse:
    """Stream rows into a write-only workbook on disk (constant memory), then send it."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    bold = Font(bold=True)
    header_cells = []
    for text in headers:
        c = WriteOnlyCell(sheet, value=_excel_value(text))
        c.font = bold
        as_text(c)
        header_cells.append(c)
    for i, text in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = max(12, min(50, len(text) + 4))
    sheet.freeze_panes = "A2"
    sheet.append(header_cells)
    written = 0
    for row in rows:
        if written >= settings.EXPORT_MAX_ROWS:
            break
        sheet.append(_row(sheet, row))
        written += 1
    out = tempfile.TemporaryFile()
    workbook.save(out)
    out.seek(0)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = FileResponse(out, as_attachment=True, filename=f"{filename}-{stamp}.xlsx", content_type=XLSX_TYPE)
    response.rows_written = written  # what the access log counts for an export
    return response
