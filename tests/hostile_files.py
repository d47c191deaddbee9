"""Small files built in memory for the upload and parser tests: real minimal ones, and hostile ones that are
tiny on disk but announce a lot of work (giant image headers, PDFs with active content, sheets and documents
of empty rows, XML entity bombs)."""

import io
import re
import struct
import zipfile
import zlib

from docx import Document
from openpyxl import Workbook
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def png(width=8, height=6) -> bytes:
    """A real, decodable PNG."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 120, 200)).save(out, format="PNG")
    return out.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG whose header announces width × height but whose pixels are not there: opening it reads the
    header only; decoding it would have to inflate width × height × 3 bytes (and then fail)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
            + chunk(b"IEND", b""))


def pdf(*, javascript=False, page_action=False, escaped=False) -> bytes:
    """A one-page PDF; with JavaScript run on opening (the catalog's /OpenAction) or on showing the page (/AA)."""
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    action = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                               NameObject("/JS"): TextStringObject("app.launchURL('http://x.invalid');")})
    if javascript:
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    if page_action:
        writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): action})
    out = io.BytesIO()
    writer.write(out)
    data = out.getvalue()
    if escaped:  # the same names written with #xx escapes, as a hostile file would to dodge a byte search
        data = data.replace(b"/AA", b"/A#41").replace(b"/JavaScript", b"/J#61vaScript").replace(b"/JS ", b"/J#53 ")
    return data


def _rezip(source: bytes, replace: dict) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(source))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename in replace:
                data = replace[item.filename](data)
            archive.writestr(item.filename, data, zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


def xlsx(headers, rows=()) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_hostile(headers, *, dimension: str | None = None, extra_rows: str = "", prolog: str = "") -> bytes:
    """A workbook whose sheet XML is edited: its <dimension ref> replaced (or removed with ""), raw <row>
    elements appended to the sheet data, and a prolog (a DTD) put before the root element."""
    def edit(data: bytes) -> bytes:
        text = data.decode()
        if dimension is not None:
            text = re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{dimension}"/>' if dimension else "", text)
        text = text.replace("</sheetData>", extra_rows + "</sheetData>")
        if prolog:
            text = text.replace("<worksheet", prolog + "<worksheet", 1)
        return text.encode()

    return _rezip(xlsx(headers, [["Dữ liệu"] * len(headers)]), {"xl/worksheets/sheet1.xml": edit})


def entity_bomb(root: str) -> str:
    """A DTD whose entity &h; expands to 10^8 characters (a "billion laughs")."""
    pairs = zip("abcdefg", "bcdefgh", strict=True)
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(f'<!ENTITY {b} "{("&" + a + ";") * 10}">' for a, b in pairs)
    return f"<!DOCTYPE {root} [{entities}]>"


def docx(*lines: str) -> bytes:
    document = Document()
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_hostile(body: str, prolog: str = "") -> bytes:
    """A .docx whose word/document.xml body is `body` (raw WordprocessingML), after an optional prolog."""
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
           f"<w:document {W_NS}><w:body>{body}</w:body></w:document>").encode()
    return _rezip(docx("x"), {"word/document.xml": lambda _data: xml})
