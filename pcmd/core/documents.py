"""Official Word documents (văn bản hành chính) in the format of Nghị định 30/2020/NĐ-CP, Phụ lục I.

One small builder, shared by every app that issues a document (plans, inspection plans, reports):

    doc = OfficialDocument(issuer_parent="", issuer="ỦY BAN NHÂN DÂN PHƯỜNG BẠCH ĐẰNG", number="07/KH-UBND",
                           place="Hải Phòng", date=date(2026, 1, 7), kind="KẾ HOẠCH",
                           title="Phòng, chống mại dâm năm 2026")
    doc.part("I. MỤC ĐÍCH, YÊU CẦU")
    doc.heading("1. Mục đích")
    doc.paragraph("…")
    doc.bullet("…")
    doc.table(["TT", "Nội dung"], [["1", "…"]], widths=[15, 150])
    doc.closing(recipients=["UBND thành phố;", "Lưu: VT."],
                signer_lines=["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], signer_name="Nguyễn Văn A")
    return docx_response(doc.to_bytes(), "ke-hoach.docx")

Layout: A4, margins top/bottom 20 mm, left 30 mm, right 15 mm; Times New Roman everywhere (the
east-asian and complex-script names too, so LibreOffice does not swap fonts; on Linux it falls back to
the metric-compatible Liberation Serif); black text. See docs/documents.md.
"""

import datetime
import functools
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "Times New Roman"
BLACK = RGBColor(0, 0, 0)
NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
BODY_SIZE = 14
HEADER_SIZE = 12  # issuing body and national name (12–13 pt)
# Text width = 210 - 30 - 15 = 165 mm, shared by the two header columns.
TEXT_WIDTH_MM = 165
LEFT_COLUMN_MM, RIGHT_COLUMN_MM = 62, 103
CELL_MARGINS_MM = 2 * 1.9  # Word's and LibreOffice's default left + right cell margins (0.19 cm each)
# The metric-compatible face LibreOffice renders Times New Roman with on Linux (Debian fonts-liberation).
FONT_FILES = {False: "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
              True: "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf"}
RECORDS_LINE = "Lưu: VT."


def vn_number(value, places: int | None = None) -> str:
    """A number as Vietnamese documents write it: "," before the decimals, "." between thousands.

    `places=None` keeps the decimals the value needs (60.00 -> "60", 98.20 -> "98,2", 1234.5 -> "1.234,5");
    `places=2` always prints two (60 -> "60,00"). The one formatter for numbers in documents.
    """
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places))
    text = f"{number:,f}"
    if places is None and "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def is_people_committee(issuer: str) -> bool:
    """ "Ủy ban nhân dân …" / "UBND …" (or a People's Council): an elected body, with no managing body above it."""
    from pcmd.core.models import fold

    text = fold(issuer or "")
    return text.startswith(("uy ban nhan dan", "ubnd", "hoi dong nhan dan", "hdnd"))


def managing_body_line(issuer: str, parent: str) -> str:
    """The "tên cơ quan, tổ chức chủ quản trực tiếp" line above the issuing body (Nghị định 30/2020, Phụ lục I,
    mục II.3), or "".

    Printed only for a body that has a direct managing body (a Phòng or a Ban of a commune, a Sở of a province:
    their Ủy ban nhân dân). A People's Committee or Council of a commune or province has none: its documents
    carry only its own name. Every document goes through this one rule (OfficialDocument applies it).
    """
    if not parent or not issuer or is_people_committee(issuer):
        return ""
    return parent


@functools.lru_cache(maxsize=4)
def _font(bold: bool):
    try:
        from PIL import ImageFont

        return ImageFont.truetype(FONT_FILES[bold], 1000)
    except (OSError, ImportError):
        return None


def text_width_mm(text: str, size: float, *, bold: bool = False) -> float:
    """The printed width of one line of `text` at `size` pt (measured on Liberation Serif, which has Times New
    Roman's metrics; without that font, half an em per character)."""
    font = _font(bold)
    ems = font.getlength(text) / 1000 if font is not None else 0.5 * len(text)
    return ems * size * 25.4 / 72


def title_rule_mm(lines: Sequence[str], size: float = 14, *, column_mm: float = TEXT_WIDTH_MM) -> float:
    """The rule under a title: 40 % (between the decree's 1/3 and 1/2) of the longest printed title line,
    a wrapped title counting as a full line."""
    longest = max((min(text_width_mm(line, size, bold=True), column_mm) for line in lines if line), default=60)
    return round(0.4 * longest, 1)


def _fit_header_words(headers: Sequence[str], widths: list[float], size: float) -> list[float]:
    """Widen columns whose header has a word longer than the column (so "Tháng" never breaks as "Thá / ng"),
    taking the room from the widest columns; the total stays the same."""
    need = [max((text_width_mm(w, size, bold=True) for w in str(h).split()), default=0) + CELL_MARGINS_MM + 0.8
            for h in headers]
    widths = list(widths)
    for i, (have, want) in enumerate(zip(widths, need, strict=True)):
        missing = want - have
        if missing <= 0:
            continue
        widths[i] = want
        while missing > 0.01:
            donors = [j for j in range(len(widths)) if j != i and widths[j] - 0.5 > need[j]]
            if not donors:
                break
            j = max(donors, key=lambda k: widths[k] - need[k])
            give = min(missing, widths[j] - need[j] - 0.5)
            widths[j] -= give
            missing -= give
    return [round(w, 1) for w in widths]


def recipients_list(recipients: Sequence[str]) -> list[str]:
    """ "Nơi nhận" lines as the decree writes them: "- Như trên;" each ending with ";", the last one the
    records line "- Lưu: VT." (the document's own, when it names one: "Lưu: VT, NC."), added when missing."""
    items, records = [], ""
    for raw in recipients:
        text = re.sub(r"^[\s\-–+•]+", "", str(raw or "")).strip().rstrip(";,. ").strip()
        if not text:
            continue
        if re.match(r"^lưu\b", text, re.IGNORECASE):
            records = records or text
            continue
        items.append(f"- {text};")
    records = records or RECORDS_LINE.rstrip(".")
    items.append(f"- {records[:1].upper()}{records[1:]}.")
    return items


def vn_date_line(place: str, date: datetime.date | None, year: int | None = None) -> str:
    """"Hà Nội, ngày 07 tháng 01 năm 2026": a leading zero for days 1–9 and for months 1 and 2.

    Without a date the blanks are left for the clerk: "Hà Nội, ngày … tháng … năm 2026" (`year`, or this year).
    """
    prefix = f"{place}, " if place else ""
    if date is None:
        return f"{prefix}ngày … tháng … năm {year or timezone.localdate().year}"
    month = f"{date.month:02d}" if date.month <= 2 else str(date.month)
    return f"{prefix}ngày {date.day:02d} tháng {month} năm {date.year}"


# Elements that must follow <w:pBdr> in <w:pPr> and <w:tblBorders> in <w:tblPr> (OOXML schema order).
AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
              "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
              "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
              "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
              "w:rPr", "w:sectPr", "w:pPrChange")
AFTER_TBLBORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription",
                    "w:tblPrChange")


def _set_fonts(element) -> None:
    """Times New Roman in all four font slots (latin, high-ANSI, east-asian, complex script) of `element`."""
    fonts = element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)


def _rule_border(paragraph) -> None:
    """A single black line under a paragraph (in schema order, so Word opens the file without complaint)."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    line = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "000000")):
        line.set(qn(f"w:{key}"), value)
    borders.append(line)
    ppr.insert_element_before(borders, *AFTER_PBDR)


def _table_borders(table, *, visible: bool) -> None:
    """All borders of a table: thin black lines, or none at all."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        attrs = (("val", "single"), ("sz", "4"), ("space", "0"), ("color", "000000")) if visible else (
            ("val", "nil"),)
        for key, value in attrs:
            el.set(qn(f"w:{key}"), value)
        borders.append(el)
    tbl_pr.insert_element_before(borders, *AFTER_TBLBORDERS)


def _column_widths(table, widths_mm: Sequence[float]) -> None:
    """Column widths in the table grid (LibreOffice reads these, Word the cell widths)."""
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)


def _row_props(row, *, header: bool = False, cant_split: bool = True) -> None:
    """A table row that does not break across pages; a header row is repeated on every page."""
    tr_pr = row._tr.get_or_add_trPr()
    if cant_split:
        tr_pr.append(OxmlElement("w:cantSplit"))
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))


def _page_field(paragraph) -> None:
    """A PAGE field (the page number) as a complex field, which Word and LibreOffice both update."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text.strip() == "PAGE":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)


class OfficialDocument:
    """An administrative document: header block, title, body (parts, headings, paragraphs, tables), closing."""

    def __init__(self, *, issuer: str, number: str = "", place: str = "", date: datetime.date | None = None,
                 kind: str = "KẾ HOẠCH", title: str = "", issuer_parent: str = "", symbol: str = "",
                 year: int | None = None):
        """`number` like "07/KH-UBND"; when blank, "Số:      /" + `symbol` leaves the number for the clerk.

        `year` fills "năm …" of an undated document (default: this year). `issuer_parent` is the issuing body's
        direct managing body; it is printed only where the decree wants it (`managing_body_line`).
        """
        self.document = Document()
        self._setup_page()
        self._setup_styles()
        self._header(managing_body_line(issuer, issuer_parent), issuer, number, symbol,
                     vn_date_line(place, date, year))
        self._title(kind, title)

    # -- page, styles -------------------------------------------------------------------------------
    def _setup_page(self) -> None:
        section = self.document.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(20), Mm(20)
        section.left_margin, section.right_margin = Mm(30), Mm(15)
        section.header_distance, section.footer_distance = Mm(10), Mm(10)
        # Page numbers: centred in the top margin, from page 2 on (page 1 has its own, empty, header).
        section.different_first_page_header_footer = True
        number = section.header.paragraphs[0]
        number.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _page_field(number)

    def _setup_styles(self) -> None:
        styles = self.document.styles
        normal = styles["Normal"]
        normal.font.name = FONT
        normal.font.size = Pt(BODY_SIZE)
        normal.font.color.rgb = BLACK
        _set_fonts(normal.element)
        rpr = normal.element.get_or_add_rPr()
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), "vi-VN")
        lang.set(qn("w:eastAsia"), "vi-VN")
        rpr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
        fmt = normal.paragraph_format
        fmt.space_before, fmt.space_after = Pt(0), Pt(6)
        fmt.line_spacing = 1.15
        # The document-wide defaults too, so nothing falls back to the template's theme fonts.
        rpr_default = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
        fonts = rpr_default.find(qn("w:rPr")).get_or_add_rFonts()
        for attr in list(fonts.attrib):
            del fonts.attrib[attr]
        for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(slot), FONT)

    # -- low-level writers --------------------------------------------------------------------------
    def _line(self, container, text: str = "", *, size: float = BODY_SIZE, bold=False, italic=False,
              align=WD_ALIGN_PARAGRAPH.CENTER, space_after: float = 0, first_line_mm: float = 0):
        """One paragraph of one run in `container` (the document body or a table cell)."""
        paragraph = container.add_paragraph()
        fmt = paragraph.paragraph_format
        fmt.alignment = align
        fmt.space_before, fmt.space_after = Pt(0), Pt(space_after)
        fmt.line_spacing = 1.0
        if first_line_mm:
            fmt.first_line_indent = Mm(first_line_mm)
        if text:
            self._run(paragraph, text, size=size, bold=bold, italic=italic)
        return paragraph

    @staticmethod
    def _run(paragraph, text: str, *, size: float = BODY_SIZE, bold=False, italic=False):
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic
        run.font.size = Pt(size)
        run.font.name = FONT
        run.font.color.rgb = BLACK
        _set_fonts(run._r)
        return run

    def _rule(self, container, width_mm: float, column_mm: float):
        """A short centred horizontal rule: an empty 2-pt paragraph with a bottom border."""
        indent = max(0.0, (column_mm - width_mm) / 2)
        paragraph = self._line(container)
        paragraph.paragraph_format.left_indent = Mm(indent)
        paragraph.paragraph_format.right_indent = Mm(indent)
        paragraph.paragraph_format.line_spacing = Pt(2)
        _rule_border(paragraph)
        return paragraph

    @staticmethod
    def _cell(cell):
        """Empty a fresh table cell (it comes with one blank paragraph) and return it."""
        for paragraph in list(cell.paragraphs):
            paragraph._p.getparent().remove(paragraph._p)
        return cell

    def _borderless_table(self, widths_mm: Sequence[float], rows: int = 1):
        table = self.document.add_table(rows=rows, cols=len(widths_mm))
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        _table_borders(table, visible=False)
        _column_widths(table, widths_mm)
        for row in table.rows:
            for cell, width in zip(row.cells, widths_mm, strict=True):
                cell.width = Mm(width)
        return table

    # -- header and title ---------------------------------------------------------------------------
    def _header(self, issuer_parent: str, issuer: str, number: str, symbol: str, date_line: str) -> None:
        # The default body starts with no paragraph; the header table comes first.
        table = self._borderless_table([LEFT_COLUMN_MM, RIGHT_COLUMN_MM], rows=2)
        left, right = self._cell(table.cell(0, 0)), self._cell(table.cell(0, 1))
        if issuer_parent:
            self._line(left, issuer_parent.upper(), size=HEADER_SIZE)
        self._line(left, issuer.upper(), size=HEADER_SIZE, bold=True)
        self._rule(left, 25, LEFT_COLUMN_MM)
        self._line(right, NATIONAL_NAME, size=HEADER_SIZE, bold=True)
        self._line(right, MOTTO, size=BODY_SIZE, bold=True)
        self._rule(right, 60, RIGHT_COLUMN_MM)
        number_cell, date_cell = self._cell(table.cell(1, 0)), self._cell(table.cell(1, 1))
        shown = number.strip() or f"{' ' * 6}/{symbol}".rstrip("/")
        number_paragraph = self._line(number_cell, f"Số: {shown}", size=13, space_after=6)
        number_paragraph.paragraph_format.space_before = Pt(6)
        date_paragraph = self._line(date_cell, date_line, size=BODY_SIZE, italic=True, space_after=6)
        date_paragraph.paragraph_format.space_before = Pt(6)
        self.number_text, self.date_text = f"Số: {shown}", date_line

    def _title(self, kind: str, title: str) -> None:
        first = self._line(self.document, kind.upper(), size=BODY_SIZE, bold=True)
        first.paragraph_format.space_before = Pt(18)
        if title:
            self._line(self.document, title, size=BODY_SIZE, bold=True)
        self.title_rule_mm = title_rule_mm([kind.upper(), title])
        self._rule(self.document, self.title_rule_mm, TEXT_WIDTH_MM)
        self._line(self.document, "", size=6, space_after=6)

    # -- body ---------------------------------------------------------------------------------------
    def _body(self, text: str, *, bold=False, italic=False, first_line_mm: float = 10):
        return self._line(self.document, text, size=BODY_SIZE, bold=bold, italic=italic,
                          align=WD_ALIGN_PARAGRAPH.JUSTIFY, space_after=6, first_line_mm=first_line_mm)

    def part(self, text: str):
        """A part heading ("I. MỤC ĐÍCH, YÊU CẦU"): bold."""
        paragraph = self._body(text, bold=True)
        paragraph.paragraph_format.keep_with_next = True
        return paragraph

    def heading(self, text: str, *, level: int = 1):
        """A section ("1. Mục đích", bold) or, at level 2, an item ("a) …", bold italic)."""
        paragraph = self._body(text, bold=True, italic=level >= 2)
        paragraph.paragraph_format.keep_with_next = True
        return paragraph

    def paragraph(self, text: str, *, italic: bool = False):
        """Body text: 14 pt, justified, first line indented 1 cm, 6 pt after."""
        return self._body(text, italic=italic)

    def bullet(self, text: str):
        """A dash item ("- …"), the usual list style of administrative documents."""
        return self._body(text if text.startswith(("-", "–", "+")) else f"- {text}")

    def table(self, headers: Sequence[str], rows: Iterable[Sequence], widths: Sequence[float] | None = None,
              *, size: float = 12):
        """A bordered table, bold centred header row; `widths` in millimetres (default: equal shares)."""
        widths = _fit_header_words(headers, list(widths or [TEXT_WIDTH_MM / len(headers)] * len(headers)), size)
        table = self.document.add_table(rows=1, cols=len(headers))
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        _table_borders(table, visible=True)
        _column_widths(table, widths)
        for cell, text, width in zip(table.rows[0].cells, headers, widths, strict=True):
            cell.width = Mm(width)
            self._line(self._cell(cell), str(text), size=size, bold=True)
        _row_props(table.rows[0], header=True)
        for values in rows:
            cells = table.add_row().cells
            for cell, value, width in zip(cells, values, widths, strict=True):
                cell.width = Mm(width)
                self._line(self._cell(cell), "" if value is None else str(value), size=size,
                           align=WD_ALIGN_PARAGRAPH.LEFT)
            _row_props(table.rows[-1])
        self._line(self.document, "", size=6)
        return table

    # -- closing ------------------------------------------------------------------------------------
    def closing(self, *, recipients: Sequence[str], signer_lines: Sequence[str], signer_name: str = "") -> None:
        """"Nơi nhận:" (bold italic 12, items 11 pt) at the left, the signature block at the right.

        Recipients end with ";" and the list with "- Lưu: VT." (`recipients_list`). The block is one table row
        that may not break across pages (cantSplit) and every paragraph in it keeps with the next, so the
        signer's title and name are never on different pages.
        """
        spacer = self._line(self.document, "", size=6)
        spacer.paragraph_format.keep_with_next = True
        table = self._borderless_table([75, 90])
        _row_props(table.rows[0], cant_split=True)
        left, right = self._cell(table.cell(0, 0)), self._cell(table.cell(0, 1))
        self._line(left, "Nơi nhận:", size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
        for text in recipients_list(recipients):
            self._line(left, text, size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
        for text in signer_lines:
            if text.strip():
                self._line(right, text.strip().upper(), size=BODY_SIZE, bold=True)
        for _ in range(4):  # room for the signature and the seal
            self._line(right, "", size=BODY_SIZE)
        if signer_name:
            self._line(right, signer_name, size=BODY_SIZE, bold=True)
        for cell in (left, right):
            for paragraph in cell.paragraphs[:-1]:
                paragraph.paragraph_format.keep_with_next = True
                paragraph.paragraph_format.keep_together = True
        self._line(self.document, "", size=2)  # Word wants a paragraph, not a table, at the end of the body

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self.document.save(out)
        return out.getvalue()


def docx_response(doc_bytes: bytes, filename: str) -> HttpResponse:
    """Send a .docx as a download (the file name may carry Vietnamese letters)."""
    if not filename.lower().endswith(".docx"):
        filename += ".docx"
    response = HttpResponse(doc_bytes, content_type=DOCX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
