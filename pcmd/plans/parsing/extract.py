"""Plain text out of an uploaded plan: .docx (paragraphs and tables in order), .txt, .pdf with a text layer.

The text is what the parser reads and what the review screen shows; its line numbers are the
ones every extracted item keeps. It is normalised once here (NFC, LF line ends, no Markdown
bold markers) so that the stored text and the parsed line numbers always agree.
"""

import io
import re
import unicodedata
import zipfile

from django.conf import settings

from . import PLAN_MAX_UPLOAD_BYTES, PlanFileError

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
PDF_MAGIC = b"%PDF-"
EXTENSIONS = (".docx", ".txt", ".pdf")
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


def extract_text(file_name: str, data: bytes) -> str:
    """The plan's text; PlanFileError (Vietnamese message) when the file cannot be read as a plan document."""
    name = (file_name or "").strip().lower()
    if not data:
        raise PlanFileError("Tệp trống (0 byte). Hãy chọn đúng tệp kế hoạch.")
    limit = max_upload_bytes()
    if len(data) > limit:
        raise PlanFileError(f"Tệp quá lớn ({len(data) / 1048576:.1f} MB); kích thước tối đa là "
                            f"{limit / 1048576:.0f} MB.")
    if data.startswith(OLE2_MAGIC):
        raise PlanFileError("Đây là tệp Word cũ (.doc) hoặc tệp Office định dạng cũ, hệ thống không đọc được. "
                            "Hãy mở tệp bằng Word và chọn Lưu thành (Save As) định dạng .docx rồi tải lên lại.")
    if name.endswith(".doc"):
        raise PlanFileError("Tệp .doc (Word cũ) không được hỗ trợ. Hãy lưu lại thành .docx rồi tải lên lại.")
    if not name.endswith(EXTENSIONS):
        raise PlanFileError("Loại tệp không được hỗ trợ. Chỉ nhận tệp Word (.docx), văn bản (.txt) "
                            "hoặc PDF có lớp chữ (.pdf).")
    if name.endswith(".docx"):
        text = _docx_text(data)
    elif name.endswith(".pdf"):
        text = _pdf_text(data)
    else:
        text = _txt_text(data)
    text = normalise(text)
    if not text.strip():
        raise PlanFileError("Tệp không có nội dung chữ nào. Hãy kiểm tra lại tệp kế hoạch.")
    return text


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

def _pdf_text(data: bytes) -> str:
    if not data.startswith(PDF_MAGIC):
        raise PlanFileError("Tệp có đuôi .pdf nhưng nội dung không phải PDF. Hãy kiểm tra lại tệp.")
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise PlanFileError("Tệp PDF được đặt mật khẩu; hãy gỡ mật khẩu rồi tải lên lại.")
        pages = [page.extract_text() or "" for page in reader.pages]
    except PlanFileError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise PlanFileError("Không đọc được tệp PDF: tệp bị hỏng hoặc không đúng định dạng.") from exc
    text = "\n".join(pages)
    if sum(ch.isalpha() for ch in text) < 20:
        raise PlanFileError("Tệp PDF không có lớp chữ (có lẽ là bản quét/ảnh chụp), hệ thống không đọc được chữ. "
                            "Hãy tải lên bản Word (.docx) hoặc bản PDF xuất trực tiếp từ Word.")
    return text


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
