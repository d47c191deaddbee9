"""Excel output shared by every list (and, later, the import mechanism's templates)."""

import datetime
import tempfile
from collections.abc import Iterable

from django.conf import settings
from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _excel_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, int | float | datetime.date):
        return value
    return str(value)


def xlsx_response(*, title: str, headers: list[str], rows: Iterable[list], filename: str) -> FileResponse:
    """Stream rows into a write-only workbook on disk (constant memory), then send it."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    bold = Font(bold=True)
    header_cells = []
    for text in headers:
        c = WriteOnlyCell(sheet, value=text)
        c.font = bold
        header_cells.append(c)
    for i, text in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = max(12, min(50, len(text) + 4))
    sheet.freeze_panes = "A2"
    sheet.append(header_cells)
    for n, row in enumerate(rows):
        if n >= settings.EXPORT_MAX_ROWS:
            break
        sheet.append([_excel_value(v) for v in row])
    out = tempfile.TemporaryFile()
    workbook.save(out)
    out.seek(0)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(out, as_attachment=True, filename=f"{filename}-{stamp}.xlsx", content_type=XLSX_TYPE)
