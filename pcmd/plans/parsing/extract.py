"""Plain text out of an uploaded plan: .docx (paragraphs and tables in order), .txt, .pdf with a text layer.

The text is what the parser reads and what the review screen shows; its line numbers are the
ones every extracted item keeps. It is normalised once here (NFC, LF line ends, no Markdown
bold markers) so that the stored text and the parsed line numbers always agree.
"""

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from django.conf import settings

from . import PLAN_MAX_UPLOAD_BYTES, PlanFileError

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
PDF_MAGIC = b"%PDF-"
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png")
EXTENSIONS = (".docx", ".doc", ".odt", ".rtf", ".txt", ".pdf", *IMAGE_EXTENSIONS)
PDF_MAX_PAGES = 200  # a plan with its appendices is rarely over 50 pages
# A plan of a hundred pages has a few thousand paragraphs and cells; a small hostile .docx can declare
# hundreds of thousands (500,000 empty paragraphs compress to a few KB), so they are counted first.
DOCX_MAX_BLOCKS = 20_000  # paragraphs + table cells
DOCX_MAX_ELEMENTS = 1_000_000  # XML elements of word/document.xml (runs, properties…)
DOCX_MAX_XML_BYTES = 30 * 1024 * 1024  # word/document.xml unpacked, as the zip declares it
DOCX_MAX_UNZIPPED_BYTES = 100 * 1024 * 1024  # every part unpacked (python-docx reads them all into memory)
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# Letters only Vietnamese uses (precomposed, after NFC): a decoded text must contain some to be
# taken as Vietnamese when it came through the cp1258 fallback.
_VIETNAMESE_LETTERS = set("ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")
_BOLD = re.compile(r"\*\*|__")
_ITALIC = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")  # *word* (not a "* " bullet)


def max_upload_bytes() -> int:
    return int(getattr(settings, "PLAN_MAX_UPLOAD_BYTES", PLAN_MAX_UPLOAD_BYTES))


def normalise(text: str) -> str:
    """NFC, LF line ends, no Markdown bold/italic markers, no NUL/form-feed characters."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").replace("\x00", "")
    text = text.replace("\u00a0", " ").replace("\u200b", "")
    return _ITALIC.sub(r"\1", _BOLD.sub("", text))


@dataclass
class Extracted:
    """What was read from a file: the text, how it was read, and for OCR each line's confidence (0–100)."""

    text: str
    method: str  # docx | txt | pdf | converted (.doc/.odt/.rtf via LibreOffice) | ocr
    confidence: list[float | None] = field(default_factory=list)  # OCR: per line of `text` (None: blank line)

    @property
    def ocr(self) -> bool:
        return self.method == "ocr"


def extract_text(file_name: str, data: bytes) -> str:
    """The plan's text; PlanFileError (Vietnamese message) when the file cannot be read as a plan document."""
    return extract(file_name, data).text


def extract(file_name: str, data: bytes) -> Extracted:
    """The plan's text and how it was read; PlanFileError (Vietnamese message) when the file cannot be read."""
    name = (file_name or "").strip().lower()
    if not data:
        raise PlanFileError("Tệp trống (0 byte). Hãy chọn đúng tệp kế hoạch.")
    limit = max_upload_bytes()
    if len(data) > limit:
        raise PlanFileError(f"Tệp quá lớn ({len(data) / 1048576:.1f} MB); kích thước tối đa là "
                            f"{limit / 1048576:.0f} MB.")
    if not name.endswith(EXTENSIONS):
        raise PlanFileError("Loại tệp không được hỗ trợ. Chỉ nhận tệp Word (.docx, .doc), OpenDocument (.odt), "
                            "RTF (.rtf), văn bản (.txt), PDF (.pdf) hoặc ảnh chụp/quét trang (.jpg, .png).")
    confidence: list[float | None] = []
    method = name.rsplit(".", 1)[-1]
    if data.startswith(OLE2_MAGIC) and not name.endswith(".doc"):
        if not name.endswith(".docx"):
            raise PlanFileError("Nội dung tệp là Word cũ (.doc) nhưng đuôi tệp khác. Hãy đặt đúng đuôi .doc.")
        name, method = name[:-1], "doc"  # a .doc saved with a .docx name: convert it
    if name.endswith((".doc", ".odt", ".rtf")):
        _check_converted_magic(name, data)
        from .convert import to_docx

        text, method = _docx_text(to_docx(data, name[name.rindex("."):])), "converted"
    elif name.endswith(".docx"):
        text, method = _docx_text(data), "docx"
    elif name.endswith(".pdf"):
        text, confidence = _pdf_text(data)
        method = "ocr" if confidence else "pdf"
    elif name.endswith(IMAGE_EXTENSIONS):
        if not data.startswith((b"\xff\xd8\xff", b"\x89PNG")):
            raise PlanFileError("Tệp có đuôi ảnh nhưng nội dung không phải ảnh JPG/PNG. Hãy kiểm tra lại tệp.")
        from .ocr import ocr_image

        lines = ocr_image(data, name[name.rindex("."):])
        text, confidence, method = "\n".join(t for t, _ in lines), [c if t else None for t, c in lines], "ocr"
    else:
        text, method = _txt_text(data), "txt"
    text = normalise(text)
    if not text.strip():
        raise PlanFileError("Tệp không có nội dung chữ nào. Hãy kiểm tra lại tệp kế hoạch.")
    return Extracted(text, method, confidence)


def _check_converted_magic(name: str, data: bytes) -> None:
    if name.endswith(".doc") and not data.startswith(OLE2_MAGIC) and not data.lstrip().startswith(b"{\\rtf"):
        raise PlanFileError("Tệp có đuôi .doc nhưng nội dung không phải văn bản Word. Hãy kiểm tra lại tệp.")
    if name.endswith(".odt") and not (data.startswith(ZIP_MAGIC) and _zip_has(data, "content.xml")):
        raise PlanFileError("Tệp có đuôi .odt nhưng nội dung không phải văn bản OpenDocument. Hãy kiểm tra lại tệp.")
    if name.endswith(".rtf") and not data.lstrip().startswith(b"{\\rtf"):
        raise PlanFileError("Tệp có đuôi .rtf nhưng nội dung không phải văn bản RTF. Hãy kiểm tra lại tệp.")


# -------------------------------------------------------------------------------------------- .docx

BROKEN_DOCX = "Không mở được tệp Word: tệp bị hỏng hoặc không đúng định dạng .docx."


def _docx_text(data: bytes) -> str:
    if not data.startswith(ZIP_MAGIC) or not _zip_has(data, "word/document.xml"):
        raise PlanFileError("Tệp có đuôi .docx nhưng nội dung không phải văn bản Word (.docx). "
                            "Hãy mở bằng Word, lưu lại thành .docx rồi tải lên lại.")
    _check_docx_size(data)
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several kinds for damaged packages
        raise PlanFileError(BROKEN_DOCX) from exc

    from .numbering import Numbering

    numbering = Numbering(document)
    lines: list[str] = []

    def text_of(paragraph) -> str:
        label = numbering.label(paragraph._p)
        text = paragraph.text
        return f"{label} {text}" if label and text.strip() else text

    def walk(parent) -> None:
        for block in parent.iter_inner_content():
            if isinstance(block, Paragraph):
                lines.append(text_of(block))
            elif isinstance(block, Table):
                rows = _table_grid(block, text_of)
                if rows and _is_target_table(rows[0]):
                    lines.extend(target_table_lines(rows))
                    continue
                if rows and _is_task_table(rows[0]):
                    # an assignment table (STT | Nội dung | Chủ trì | Phối hợp | Thời gian): one line per row,
                    # cells separated by " | ", one per grid column (a merged group row keeps its empty cells),
                    # which the parser maps to task columns
                    lines.extend(" | ".join(row) for row in rows)
                    continue
                for row in _table_rows(block):
                    for cell in row:
                        walk(cell)

    try:
        walk(document)
    except (RecursionError, ValueError) as exc:  # tables nested beyond reason, an inconsistent table grid
        raise PlanFileError(BROKEN_DOCX) from exc
    return "\n".join(lines)


def _check_docx_size(data: bytes) -> None:
    """Refuse, before python-docx builds the document, a .docx whose main part is too big unpacked or holds
    too many paragraphs, cells or elements (counted by a streaming pass that stops at the cap), or declares
    a DTD (a Word file never does; entities are where XML bombs live)."""
    from lxml import etree

    cap = f"{DOCX_MAX_BLOCKS:,}".replace(",", ".")
    too_many = (f"Tệp Word quá dài: có quá nhiều đoạn văn, ô bảng (tối đa {cap} đoạn và ô). "
                "Hãy xoá các đoạn trống thừa, hoặc chỉ tải lên phần kế hoạch.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(part.file_size for part in archive.infolist()) > DOCX_MAX_UNZIPPED_BYTES:
                raise PlanFileError(f"Tệp Word khi giải nén lớn hơn {DOCX_MAX_UNZIPPED_BYTES // 1048576} MB (có lẽ "
                                    "do ảnh chèn vào quá lớn). Hãy nén ảnh hoặc bỏ ảnh rồi tải lên lại.")
            member = archive.getinfo("word/document.xml")
            if member.file_size > DOCX_MAX_XML_BYTES:
                raise PlanFileError(too_many)
            blocks = elements = 0
            with archive.open(member) as source:
                context = etree.iterparse(source, events=("end",), resolve_entities=False, no_network=True,
                                          load_dtd=False, huge_tree=False)
                for _event, element in context:
                    if elements == 0 and element.getroottree().docinfo.internalDTD is not None:
                        raise PlanFileError(BROKEN_DOCX)
                    elements += 1
                    if element.tag in (_W + "p", _W + "tc"):
                        blocks += 1
                    if blocks > DOCX_MAX_BLOCKS or elements > DOCX_MAX_ELEMENTS:
                        raise PlanFileError(too_many)
                    element.clear(keep_tail=True)  # keep the streaming pass's memory flat
                    while element.getprevious() is not None:
                        del element.getparent()[0]
    except PlanFileError:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, etree.XMLSyntaxError) as exc:
        raise PlanFileError(BROKEN_DOCX) from exc


def _table_rows(table) -> list[list]:
    """The table's rows, each with its cells once (a cell spanning columns counted once, a cell merged with
    the ones above given as the top cell, as python-docx's row.cells does). Linear in the XML: row.cells
    follows a vertical merge back up recursively and repeats a cell once per column it spans, which a
    hostile file turns into a very long (or too deep) walk."""
    from docx.table import _Cell

    rows, above = [], {}
    for tr in table._tbl.tr_lst:
        offset, here, cells, seen = tr.grid_before, {}, [], set()
        for tc in tr.tc_lst:
            cell = above.get(offset) if tc.vMerge == "continue" else None
            if cell is None:
                cell = _Cell(tc, table)
            here[offset] = cell
            if id(cell._tc) not in seen:
                seen.add(id(cell._tc))
                cells.append(cell)
            offset += tc.grid_span
        rows.append(cells)
        above = here
    return rows


def _table_grid(table, text_of) -> list[list[str]]:
    """The table's rows as one string per grid column: a cell spanning columns gives its text once then empty
    cells, a cell merged with the one above repeats the text above (the lead agency of a group of rows)."""
    from docx.table import _Cell

    width = max((tr.grid_before + sum(tc.grid_span for tc in tr.tc_lst) for tr in table._tbl.tr_lst), default=0)
    rows, above = [], [""] * width
    for tr in table._tbl.tr_lst:
        row = [""] * width
        offset = tr.grid_before
        for tc in tr.tc_lst:
            if offset >= width:
                break
            if tc.vMerge == "continue":
                row[offset] = above[offset]
            else:
                cell = _Cell(tc, table)
                row[offset] = " ".join(" ".join(text_of(p) for p in cell.paragraphs).split())
            offset += tc.grid_span
        rows.append(row)
        above = row
    return rows


def _fold(text: str) -> str:
    from unidecode import unidecode

    return " ".join(unidecode(text or "").lower().split())


def _is_target_table(header: list[str]) -> bool:
    """A table of targets: a "Chỉ tiêu" column and no agency column (STT | Chỉ tiêu | Đơn vị tính | Năm 2026 …)."""
    folded = [_fold(cell) for cell in header]
    return (len(header) >= 2 and any(cell.startswith(("chi tieu", "noi dung chi tieu", "ten chi tieu"))
                                     for cell in folded)
            and not any("chu tri" in cell for cell in folded))


def target_table_lines(rows: list[list[str]]) -> list[str]:
    """Each row of a target table as the sentence it stands for: "- 100% <chỉ tiêu>", or with year columns
    "- <chỉ tiêu>: Năm 2026: 60%; Năm 2027: 70%" (a trajectory). The header row is kept as a heading line
    ending with ":" (never a target)."""
    header = [_fold(cell) for cell in rows[0]]
    text_col = next(i for i, cell in enumerate(header) if cell.startswith(("chi tieu", "noi dung", "ten chi tieu")))
    unit_col = next((i for i, cell in enumerate(header) if cell.startswith("don vi")), None)
    skip = {text_col, unit_col} | {i for i, cell in enumerate(header) if cell in ("stt", "tt", "so tt", "ghi chu")}
    value_cols = [i for i in range(len(header)) if i not in skip]
    out = [f"Bảng chỉ tiêu ({', '.join(cell for cell in rows[0] if cell)}):"]  # a heading line, not a target
    for row in rows[1:]:
        text = row[text_col].strip() if text_col < len(row) else ""
        unit = row[unit_col].strip() if unit_col is not None and unit_col < len(row) else ""
        values = [(rows[0][i], row[i].strip()) for i in value_cols if i < len(row) and row[i].strip()]
        if not text:
            continue
        if not values:
            out.append(f"{text}")  # a group row or a qualitative target
            continue

        def figure(value: str, unit: str = unit) -> str:
            if unit == "%" and not value.endswith("%"):
                return f"{value}%"
            return f"{value} {unit}".strip() if unit and unit != "%" and not value.endswith(unit) else value

        if len(values) == 1:
            value = figure(values[0][1])
            words = text
            if unit and unit != "%" and _fold(words).startswith(_fold(unit) + " "):
                words = words[len(unit):].strip()  # "12 buổi" + "Buổi tuyên truyền…" -> "12 buổi tuyên truyền…"
            out.append(f"- {value} {words[:1].lower() + words[1:]}.")
        else:
            out.append(f"- {text}: " + "; ".join(f"{name.strip()}: {figure(value)}" for name, value in values) + ".")
    return out


def _is_task_table(header: list) -> bool:
    words = " ".join(cell if isinstance(cell, str) else cell.text for cell in header).lower()
    return len(header) >= 3 and ("chủ trì" in words or ("nội dung" in words and "thời gian" in words))


def _zip_has(data: bytes, member: str) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return member in archive.namelist()
    except zipfile.BadZipFile:
        return False


# --------------------------------------------------------------------------------------------- .pdf

def _pdf_text(data: bytes) -> tuple[str, list[float | None]]:
    """(text, OCR confidences): the text layer in reading order (pdf.py); a PDF without one (a scan) is read by
    OCR (ocr.py), and then the confidences of its lines are returned too."""
    if not data.startswith(PDF_MAGIC):
        raise PlanFileError("Tệp có đuôi .pdf nhưng nội dung không phải PDF. Hãy kiểm tra lại tệp.")
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise PlanFileError("Tệp PDF được đặt mật khẩu; hãy gỡ mật khẩu rồi tải lên lại.")
        pages = len(reader.pages)
        layer = "".join((page.extract_text() or "") for page in reader.pages[:3])
    except PlanFileError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise PlanFileError("Không đọc được tệp PDF: tệp bị hỏng hoặc không đúng định dạng.") from exc
    if pages > PDF_MAX_PAGES:
        raise PlanFileError(f"Tệp PDF có {pages} trang, quá dài cho một kế hoạch (tối đa {PDF_MAX_PAGES} trang).")
    if sum(ch.isalpha() for ch in layer) < 20:
        from .ocr import available, ocr_pdf

        if not available():
            raise PlanFileError("Tệp PDF không có lớp chữ (có lẽ là bản quét/ảnh chụp) và máy chủ chưa cài chương "
                                "trình đọc chữ. Hãy tải lên bản Word (.docx) hoặc bản PDF xuất trực tiếp từ Word.")
        lines = ocr_pdf(data, pages)
        if sum(ch.isalpha() for text, _ in lines for ch in text) < 20:
            raise PlanFileError("Tệp PDF là bản quét nhưng không đọc được chữ nào trên các trang (ảnh mờ hoặc "
                                "trang trắng). Hãy tải lên bản Word (.docx) hoặc bản quét rõ hơn.")
        return "\n".join(t for t, _ in lines), [c if t else None for t, c in lines]
    from .pdf import pdf_lines

    try:
        lines, _ = pdf_lines(data, PDF_MAX_PAGES)
    except Exception as exc:  # pdfminer raises many kinds for a damaged file
        raise PlanFileError("Không đọc được tệp PDF: tệp bị hỏng hoặc không đúng định dạng.") from exc
    return "\n".join(lines), []


# --------------------------------------------------------------------------------------------- .txt

def _txt_text(data: bytes) -> str:
    if data.startswith((ZIP_MAGIC, PDF_MAGIC)):
        raise PlanFileError("Tệp có đuôi .txt nhưng nội dung là tệp Word/PDF. Hãy đặt đúng đuôi tệp (.docx hoặc "
                            ".pdf) rồi tải lên lại.")
    if data.startswith(b"\xef\xbb\xbf"):
        return _decode(data[3:], "utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode(data, "utf-16")
    if data.count(0) > len(data) // 10:  # UTF-16 without its byte-order mark
        raise PlanFileError("Tệp văn bản dùng bảng mã UTF-16 nhưng thiếu dấu nhận dạng (BOM), không đọc được. "
                            "Hãy lưu lại với bảng mã UTF-8 rồi tải lên lại.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Old Windows files: Vietnamese code page 1258 (combining tones, NFC fixes them later).
    try:
        text = unicodedata.normalize("NFC", data.decode("cp1258"))
    except UnicodeDecodeError:
        text = ""
    letters = [ch for ch in text.lower() if ch.isalpha()]
    vietnamese = sum(ch in _VIETNAMESE_LETTERS for ch in letters)
    ascii_letters = sum("a" <= ch <= "z" for ch in letters)
    # Vietnamese: most letters are plain Latin, and a few percent carry Vietnamese marks.
    if letters and vietnamese / len(letters) > 0.03 and ascii_letters / len(letters) > 0.5 and "\x00" not in text:
        return text
    raise PlanFileError("Không đọc được bảng mã của tệp văn bản. Hãy lưu tệp với bảng mã Unicode (UTF-8) "
                        "rồi tải lên lại.")


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise PlanFileError("Tệp văn bản bị lỗi bảng mã (không đúng Unicode). Hãy lưu lại với bảng mã UTF-8 "
                            "rồi tải lên lại.") from exc
