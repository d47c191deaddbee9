"""The official document builder (Nghị định 30/2020/NĐ-CP layout), checked on the .docx it writes."""

import datetime
import io

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from pcmd.core.documents import (
    DOCX_TYPE,
    FONT,
    MOTTO,
    NATIONAL_NAME,
    OfficialDocument,
    docx_response,
    recipients_list,
    vn_date_line,
    vn_number,
)


@pytest.mark.parametrize(("date", "expected"), [
    (datetime.date(2026, 1, 7), "Hà Nội, ngày 07 tháng 01 năm 2026"),
    (datetime.date(2026, 2, 28), "Hà Nội, ngày 28 tháng 02 năm 2026"),
    (datetime.date(2026, 3, 5), "Hà Nội, ngày 05 tháng 3 năm 2026"),
    (datetime.date(2026, 12, 10), "Hà Nội, ngày 10 tháng 12 năm 2026"),
])
def test_date_line_leading_zeros(date, expected):
    assert vn_date_line("Hà Nội", date) == expected


def test_date_line_without_date_leaves_blanks():
    assert vn_date_line("Hải Phòng", None, 2027) == "Hải Phòng, ngày … tháng … năm 2027"


def sample() -> OfficialDocument:
    doc = OfficialDocument(issuer_parent="UBND thành phố Hải Phòng", issuer="Ủy ban nhân dân phường Bạch Đằng",
                           number="07/KH-UBND", place="Hải Phòng", date=datetime.date(2026, 1, 7),
                           title="Phòng, chống mại dâm năm 2026")
    doc.part("I. MỤC ĐÍCH, YÊU CẦU")
    doc.heading("1. Mục đích")
    doc.paragraph("Nâng cao nhận thức của cán bộ và nhân dân.")
    doc.bullet("Tuyên truyền")
    doc.table(["TT", "Nội dung"], [[1, "Kiểm tra cơ sở"]], widths=[15, 150])
    doc.closing(recipients=["UBND thành phố;", "- Lưu: VT."],
                signer_lines=["TM. Ủy ban nhân dân", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], signer_name="Nguyễn Văn An")
    return doc


def reopen(doc: OfficialDocument):
    return Document(io.BytesIO(doc.to_bytes()))


def cell_lines(cell):
    return [p.text for p in cell.paragraphs if p.text]


def test_page_setup_a4_and_margins():
    section = reopen(sample()).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert 20 <= round(section.top_margin.mm) <= 25 and 20 <= round(section.bottom_margin.mm) <= 25
    assert 30 <= round(section.left_margin.mm) <= 35 and 15 <= round(section.right_margin.mm) <= 20


def test_fonts_times_new_roman_in_every_slot():
    document = reopen(sample())
    normal = document.styles["Normal"]
    fonts = normal.element.rPr.rFonts
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        assert fonts.get(qn(slot)) == FONT
    assert normal.font.size == Pt(14)
    runs = [r for p in document.paragraphs for r in p.runs if r.text]
    assert runs and all(r.font.name == FONT for r in runs)
    assert all(r.font.color.rgb is None or str(r.font.color.rgb) == "000000" for r in runs)


def test_header_table_texts_and_no_borders():
    document = reopen(sample())
    header = document.tables[0]
    left, right = cell_lines(header.cell(0, 0)), cell_lines(header.cell(0, 1))
    # A People's Committee has no managing body: the parent line given is not printed (Nghị định 30/2020).
    assert left == ["ỦY BAN NHÂN DÂN PHƯỜNG BẠCH ĐẰNG"]
    assert right == [NATIONAL_NAME, MOTTO]
    assert cell_lines(header.cell(1, 0)) == ["Số: 07/KH-UBND"]
    assert cell_lines(header.cell(1, 1)) == ["Hải Phòng, ngày 07 tháng 01 năm 2026"]
    assert header.cell(0, 0).paragraphs[0].runs[0].bold
    assert header.cell(1, 1).paragraphs[0].runs[0].italic
    borders = header._tbl.tblPr.find(qn("w:tblBorders"))
    assert {el.get(qn("w:val")) for el in borders} == {"nil"}
    # a rule under the issuing body and under the motto: bordered empty paragraphs
    for cell in (header.cell(0, 0), header.cell(0, 1)):
        assert any(p._p.pPr is not None and p._p.pPr.find(qn("w:pBdr")) is not None for p in cell.paragraphs)


def test_title_body_and_closing():
    document = reopen(sample())
    texts = [p.text for p in document.paragraphs]
    assert texts.index("KẾ HOẠCH") < texts.index("Phòng, chống mại dâm năm 2026") < texts.index(
        "I. MỤC ĐÍCH, YÊU CẦU")
    body = document.paragraphs[texts.index("Nâng cao nhận thức của cán bộ và nhân dân.")]
    assert round(body.paragraph_format.first_line_indent.mm) == 10
    assert body.paragraph_format.space_after >= Pt(6)
    assert body.runs[0].font.size == Pt(14)
    assert "- Tuyên truyền" in texts
    table = document.tables[1]
    assert [c.text for c in table.rows[0].cells] == ["TT", "Nội dung"]
    assert [c.text for c in table.rows[1].cells] == ["1", "Kiểm tra cơ sở"]
    closing = document.tables[2]
    left = cell_lines(closing.cell(0, 0))
    assert left == ["Nơi nhận:", "- UBND thành phố;", "- Lưu: VT."]
    label = closing.cell(0, 0).paragraphs[0].runs[0]
    assert label.bold and label.italic and label.font.size == Pt(12)
    assert closing.cell(0, 0).paragraphs[1].runs[0].font.size == Pt(11)
    assert cell_lines(closing.cell(0, 1)) == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn An"]


def test_page_number_in_header_but_not_on_first_page():
    section = reopen(sample()).sections[0]
    assert section.different_first_page_header_footer
    assert "PAGE" in "".join(t.text for t in section.header._element.iter(qn("w:instrText")))
    assert not list(section.first_page_header._element.iter(qn("w:instrText")))
    assert section.header.paragraphs[0].alignment == 1  # centred


def test_blank_number_keeps_the_symbol_and_date_blanks():
    doc = OfficialDocument(issuer="Ủy ban nhân dân xã An Lư", symbol="KH-UBND", place="Hải Phòng", year=2026,
                           title="Phòng, chống mại dâm năm 2026")
    header = reopen(doc).tables[0]
    assert cell_lines(header.cell(1, 0))[0].replace(" ", "") == "Số:/KH-UBND"
    assert cell_lines(header.cell(1, 1)) == ["Hải Phòng, ngày … tháng … năm 2026"]


def test_docx_response_is_an_attachment_with_vietnamese_name():
    response = docx_response(b"PK...", "Kế hoạch 07")
    assert response["Content-Type"] == DOCX_TYPE
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and ".docx" in disposition and "filename*=utf-8''" in disposition
    assert response.content == b"PK..."


def test_a_body_with_a_managing_body_prints_its_line_above_in_normal_weight():
    doc = OfficialDocument(issuer_parent="Ủy ban nhân dân phường Bạch Đằng", issuer="Phòng Văn hóa - Xã hội",
                           symbol="KH-VHXH", place="Hải Phòng", year=2026, title="Kiểm tra năm 2026")
    cell = reopen(doc).tables[0].cell(0, 0)
    assert cell_lines(cell) == ["ỦY BAN NHÂN DÂN PHƯỜNG BẠCH ĐẰNG", "PHÒNG VĂN HÓA - XÃ HỘI"]
    assert not cell.paragraphs[0].runs[0].bold and cell.paragraphs[1].runs[0].bold


@pytest.mark.parametrize(("value", "places", "expected"), [
    ("60.00", None, "60"), (98.2, None, "98,2"), (1234.5, None, "1.234,5"), (60, 2, "60,00"),
    (1234567, None, "1.234.567"), (None, None, ""), ("0.50", None, "0,5"),
])
def test_vn_number(value, places, expected):
    assert vn_number(value, places) == expected


def test_recipients_end_with_semicolons_and_the_records_line():
    assert recipients_list(["Như trên", "- UBND thành phố (để báo cáo);", "Lưu: VT, NC"]) == [
        "- Như trên;", "- UBND thành phố (để báo cáo);", "- Lưu: VT, NC."]
    assert recipients_list(["Sở Y tế."]) == ["- Sở Y tế;", "- Lưu: VT."]
