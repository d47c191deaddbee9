"""Issue 16, import: the same invented plan in every format gives the same targets and tasks.

Fixtures: tests/fixtures/plans/ (made by make_fixtures.py from invented_plan.py): a .docx with typed numbers, a
.docx with Word's automatic numbering, its .pdf, .doc, .odt and .rtf (LibreOffice) and a scanned PDF and page
photo (pdftoppm + Pillow). Every one carries a header table, a two-column closing block and an appendix task
table with merged group rows. OCR tolerance (stated in docs/plan-import.md): the same targets, the same body tasks
(title, lead, partners, due date), at least 7 of the 8 recipients; the appendix table of a scan is not required.
"""

import sys
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse

from pcmd.plans.parsing import PlanFileError
from pcmd.plans.parsing.extract import extract, extract_text
from pcmd.plans.parsing.parser import parse_plan
from pcmd.plans.parsing.timing import due_date, timing_in

FIXTURES = Path(__file__).parent / "fixtures" / "plans"
sys.path.insert(0, str(FIXTURES))
import invented_plan as P  # noqa: E402

HELDOUT = Path(__file__).parent / "fixtures" / "heldout"
_parsed: dict[str, dict] = {}


def parsed(name: str) -> dict:
    if name not in _parsed:
        _parsed[name] = parse_plan(extract_text(name, (FIXTURES / name).read_bytes()))
    return _parsed[name]


def targets(result: dict) -> list[tuple]:
    return [(t["metric"], t["comparator"], t["value"]) for t in result["targets"]]


def tasks(result: dict) -> list[tuple]:
    return [(t["title"], t["lead"], t["partners"], t["due_date"]) for t in result["tasks"]]


def expected_tasks(with_appendix: bool = True) -> list[tuple]:
    rows = P.EXPECTED_TASKS if with_appendix else P.EXPECTED_TASKS[:11]
    return [(title, lead, partners, due) for title, lead, partners, due, _ in rows]


def same_tasks(result: dict, with_appendix: bool = True) -> None:
    got = tasks(result)
    want = expected_tasks(with_appendix)
    if not with_appendix:
        got = [t for t in got if t[0]][: len(want)]
    assert len(got) == len(want), [t[0] for t in got]
    for (title, lead, partners, due), (w_title, w_lead, w_partners, w_due) in zip(got, want, strict=True):
        assert title.startswith(w_title), (title, w_title)
        assert (lead, partners, due) == (w_lead, w_partners, w_due), title


RECIPIENTS = ["UBND tỉnh Đông Giang", "Sở Y tế tỉnh", "TT Đảng ủy, HĐND phường", "Chủ tịch, các PCT UBND phường",
              "Công an phường", "Phòng Văn hóa - Xã hội", "Các tổ dân phố", "Lưu: VT"]


@pytest.mark.parametrize("name", ["hoa-lac-typed.docx", "hoa-lac-auto.docx", "hoa-lac.pdf"])
def test_every_format_without_conversion_gives_the_same_plan(name):
    result = parsed(name)
    assert result["title"] == P.TITLE  # the typed rule "-----" under the title stays out of it
    assert (result["number"], result["date"]) == ("21/KH-UBND", "2026-02-12")
    assert targets(result) == P.EXPECTED_TARGETS
    same_tasks(result)
    assert result["recipients_list"] == RECIPIENTS
    assert (result["signer_title"], result["signer_name"]) == ("KT. CHỦ TỊCH / PHÓ CHỦ TỊCH", "Trần Văn Bình")


@pytest.mark.parametrize("name", ["hoa-lac.doc", "hoa-lac.odt", "hoa-lac.rtf"])
def test_old_word_opendocument_and_rtf_are_converted_by_libreoffice(name, system_tool):
    system_tool("soffice", "libreoffice")
    extracted = extract(name, (FIXTURES / name).read_bytes())
    assert extracted.method == "converted"
    result = parse_plan(extracted.text)
    assert targets(result) == P.EXPECTED_TARGETS
    same_tasks(result)
    assert result["recipients_list"] == RECIPIENTS


def test_a_doc_with_a_docx_name_is_converted_too(system_tool):
    system_tool("soffice", "libreoffice")
    extracted = extract("ke-hoach.docx", (FIXTURES / "hoa-lac.doc").read_bytes())
    assert extracted.method == "converted" and "II. CHỈ TIÊU" in extracted.text


def test_scanned_pdf_is_read_by_ocr_within_the_stated_tolerance(system_tool):
    system_tool("tesseract")
    system_tool("pdftoppm")
    extracted = extract("ban-quet.pdf", (FIXTURES / "hoa-lac-scan.pdf").read_bytes())
    assert extracted.ocr
    lines = extracted.text.split("\n")
    assert len(extracted.confidence) == len(lines)
    assert all(c is None or 0 <= c <= 100 for c in extracted.confidence)
    assert sum(c is not None for c in extracted.confidence) > 60
    result = parse_plan(extracted.text)
    assert targets(result) == P.EXPECTED_TARGETS
    same_tasks(result, with_appendix=False)
    assert len(set(result["recipients_list"]) & set(RECIPIENTS)) >= 7


def test_word_automatic_numbering_is_resolved():
    text = extract_text("a.docx", (FIXTURES / "hoa-lac-auto.docx").read_bytes())
    lines = text.split("\n")
    for label in ("I. MỤC ĐÍCH, YÊU CẦU", "II. CHỈ TIÊU", "IV. TỔ CHỨC THỰC HIỆN", "1.1. Tuyên truyền tại cộng đồng",
                  "1.2. Tuyên truyền tại cơ sở kinh doanh", "3. Hỗ trợ người bán dâm", "- Tư vấn, giới thiệu"):
        assert any(line.startswith(label) for line in lines), label
    # lettered items restart after each heading (a new list instance with startOverride), continue within it
    letters = [line[:2] for line in lines if line[:2] in ("a)", "b)", "c)")]
    assert letters == ["a)", "b)", "a)", "a)", "b)"]
    # the appendix table: one row per line, one cell per grid column, the merged group row padded
    assert "I | Công tác tuyên truyền |  |  | " in lines


def test_numbering_formats_and_restarts():
    from pcmd.plans.parsing.numbering import formatted, letters, roman

    assert [roman(n) for n in (1, 4, 9, 14, 40)] == ["I", "IV", "IX", "XIV", "XL"]
    assert [letters(n) for n in (1, 2, 26, 27)] == ["a", "b", "z", "aa"]
    assert formatted(3, "upperRoman") == "III" and formatted(2, "decimalZero") == "02"


def test_appendix_titles_and_group_rows_are_not_tasks():
    titles = [t["title"] for t in parsed("hoa-lac-auto.docx")["tasks"]]
    assert not any(t.startswith(("PHỤ LỤC", "DANH MỤC", "(Kèm theo", "Công tác tuyên truyền", "Kiểm tra, xử lý"))
                   for t in titles)


@pytest.mark.parametrize("text, timing, due", [
    ("Tổ chức tuyên truyền. Phòng A chủ trì. Thời gian: Quý II/2026.", "Quý II/2026", date(2026, 6, 30)),
    ("Giao Văn phòng thực hiện, hoàn thành trước ngày 30/6/2026.", "trước ngày 30/6/2026", date(2026, 6, 30)),
    ("Công an phường thực hiện trước ngày 30/9.", "trước ngày 30/9", date(2026, 9, 30)),
    ("Hội Phụ nữ thực hiện trong 6 tháng đầu năm.", "6 tháng đầu năm", date(2026, 6, 30)),
    ("Phòng Kinh tế thực hiện thường xuyên.", "thường xuyên", None),
    ("Xây dựng kế hoạch hằng năm.", None, None),  # a kind of plan, not the task's timing
    ("Báo cáo kết quả định kỳ 6 tháng (trước ngày 15/6).", None, None),  # a reporting deadline
])
def test_timing_and_due_date(text, timing, due):
    assert timing_in(text) == timing
    assert due_date(timing, 2026) == due


def test_due_date_needs_a_year():
    assert due_date("Quý III/2027") == date(2027, 9, 30)
    assert due_date("Tháng 6/2026") == date(2026, 6, 30)
    assert due_date("trước ngày 30/6") is None  # a plan for 2026-2030 names no year
    assert due_date("trước ngày 31/2/2026") is None


@pytest.mark.parametrize("name, kind, count", [
    ("qd-chuong-trinh-2026-2030.txt", "decision", 7),
    ("tin-bai-tinh-2026.txt", "notice", 4),
    ("cong-van-so-2026.txt", "dispatch", 2),
    ("huong-dan-2026.txt", "guidance", 4),
])
def test_documents_that_are_not_plans_keep_their_kind_and_targets(name, kind, count):
    result = parse_plan(extract_text(name, (HELDOUT / name).read_bytes()))
    assert result["doc_kind"] == kind
    assert len([t for t in result["targets"] if t["metric"] != "qualitative"]) >= count


def test_a_decision_approving_a_program_reads_its_period_and_tasks():
    result = parse_plan(extract_text("qd.txt", (HELDOUT / "qd-chuong-trinh-2026-2030.txt").read_bytes()))
    assert result["number"] == "9999/QĐ-TTg" and result["period"] == "2026-2030"
    assert result["title"].startswith("PHÊ DUYỆT CHƯƠNG TRÌNH") and "THỦ TƯỚNG" not in result["title"]
    assert any(t["lead"] == ["Bộ Công an"] for t in result["tasks"])


def test_a_report_and_a_text_without_targets_are_refused_with_the_reason():
    with pytest.raises(PlanFileError, match="báo cáo"):
        parse_plan(extract_text("bc.txt", (HELDOUT / "bao-cao-2025.txt").read_bytes()))
    with pytest.raises(PlanFileError, match="không nêu chỉ tiêu"):
        parse_plan("CÔNG VĂN\nV/v họp giao ban\nKính gửi: các phòng.\nMời các đồng chí dự họp lúc 8 giờ.\n")


# ------------------------------------------------------------------------------------------- import and review

@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_decision_imports_as_a_reference_text_and_the_review_says_so(owner, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from pcmd.plans.models import Plan

    client = login(owner)
    data = (HELDOUT / "qd-chuong-trinh-2026-2030.txt").read_bytes()
    response = client.post(reverse("plan_upload"), {"file": SimpleUploadedFile("qd.txt", data)})
    plan = Plan.objects.latest("pk")
    assert response.status_code == 302
    assert plan.doc_kind == "decision" and plan.is_reference and plan.source_method == "txt"
    assert plan.targets.count() >= 7
    page = client.get(reverse("plan_review", args=[plan.pk])).content.decode()
    assert "Văn bản tham khảo" in page and "quyết định phê duyệt chương trình" in page


def test_a_photo_of_a_page_is_read_by_ocr_and_marked_for_review(owner, login, system_tool):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from pcmd.plans.models import Plan

    system_tool("tesseract")
    client = login(owner)
    data = (FIXTURES / "hoa-lac-photo.jpg").read_bytes()
    response = client.post(reverse("plan_upload"), {"file": SimpleUploadedFile("anh-chup.jpg", data)})
    assert response.status_code == 302, response.content.decode()[:500]
    plan = Plan.objects.latest("pk")
    assert plan.source_method == "ocr" and plan.read_by_ocr
    assert len(plan.ocr_confidence) == len(plan.source_text.split("\n"))
    assert plan.targets.count() >= 3
    page = client.get(reverse("plan_review", args=[plan.pk])).content.decode()
    assert "Đọc bằng OCR — cần rà soát" in page
    assert "Độ tin cậy OCR" in page


def test_a_target_table_in_word_gives_one_target_per_row_and_a_trajectory_per_year_row():
    import io

    from docx import Document

    document = Document()
    for line in ("KẾ HOẠCH", "Phòng, chống mại dâm năm 2026", "I. MỤC ĐÍCH", "1. Mục đích", "Nâng cao nhận thức.",
                 "II. CHỈ TIÊU"):
        document.add_paragraph(line)
    for header, rows in ((["STT", "Chỉ tiêu", "Đơn vị tính", "Kế hoạch năm 2026"],
                          [["1", "Xã, phường tổ chức tuyên truyền về phòng, chống mại dâm", "%", "100"],
                           ["2", "Buổi tuyên truyền tại cộng đồng", "buổi", "12"]]),
                         (["Chỉ tiêu", "Năm 2026", "Năm 2027"], [["Tỷ lệ xã, phường không có tụ điểm", "60%", "70%"]])):
        table = document.add_table(rows=1, cols=len(header))
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.text = text
        for row in rows:
            for cell, text in zip(table.add_row().cells, row, strict=True):
                cell.text = text
    for line in ("III. NHIỆM VỤ", "1. Tuyên truyền. Phòng Văn hóa - Xã hội chủ trì.", "IV. TỔ CHỨC THỰC HIỆN"):
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    result = parse_plan(extract_text("bang-chi-tieu.docx", buffer.getvalue()))
    assert [(t["metric"], t["value"], t["year"]) for t in result["targets"]] == [
        ("percent", 100, None), ("count", 12, None), ("percent", 60, 2026), ("percent", 70, 2027)]
    assert result["targets"][0]["population"].startswith("xã, phường")
    assert result["targets"][2]["population"] == "xã, phường không có tụ điểm"
