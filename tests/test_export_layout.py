"""Every Word export read back against Nghị định 30/2020: the .docx with python-docx, the PDF LibreOffice makes of it
with pdfplumber (page breaks, the rule under the title, words in table headers).

Documents: the Hà Nội plan and the Bạch Đằng plan of the demo (imported from the seed texts), a ward plan whose
text named the city's committee as issuer, the risk-based inspection plan of the same ward, and a report.
Under CI=1 a missing LibreOffice fails these tests (system_tool), elsewhere it skips them.
"""

import datetime
import io
import re
import subprocess
import unicodedata
from pathlib import Path

import pdfplumber
import pytest
from django.urls import reverse
from docx import Document

from pcmd.core.documents import OfficialDocument, text_width_mm
from pcmd.geo.models import AdminUnit, Level
from pcmd.plans.export import committee_name, plan_to_docx
from pcmd.plans.models import Frequency, Plan, PlanStatus, ReportingDuty, Task

pytestmark = pytest.mark.django_db
LONG = ("Tăng cường phối hợp giữa nhà trường - gia đình - cộng đồng trong phòng, chống mại dâm thông qua việc phổ "
        "biến tài liệu, tổ chức hoạt động ngoại khóa cho học sinh, sinh viên các trường phổ thông, cơ sở giáo dục "
        "nghề nghiệp trên địa bàn phường. Kết quả báo cáo Ủy ban nhân dân phường trước ngày 15/12 hằng năm.")
DUTY = ("Các cơ quan, đơn vị báo cáo kết quả thực hiện 6 tháng (trước ngày 15/6) và năm (trước ngày 15/12) và các "
        "báo cáo đột xuất gửi Ủy ban nhân dân phường (qua Phòng Văn hóa - Xã hội) để tổng hợp.")
NUMBER_WITH_A_POINT = re.compile(r"(?<![\d.,/])\d+\.\d{1,2}(?![\d.])")  # "98.2", "60.00%": not Vietnamese


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text or "")).strip()


def convert(soffice: str, folder: Path, documents: dict[str, bytes]) -> dict[str, Path]:
    """{name: docx bytes} -> {name: the PDF LibreOffice makes}, in one LibreOffice run."""
    sources = []
    for name, data in documents.items():
        source = folder / f"{name}.docx"
        source.write_bytes(data)
        sources.append(str(source))
    subprocess.run([soffice, f"-env:UserInstallation=file://{folder}/lo-profile", "--headless", "--convert-to", "pdf",
                    "--outdir", str(folder), *sources], check=True, capture_output=True, timeout=300)
    return {name: folder / f"{name}.pdf" for name in documents}


def page_of(pages: list[str], text: str, last: bool = False) -> int:
    found = [n for n, page in enumerate(pages) if text in page]
    assert found, f"“{text}” is not in the PDF"
    return found[-1] if last else found[0]


def docx_texts(document) -> list[str]:
    return [flat(p.text) for p in document.paragraphs]


def all_text(document) -> str:
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return flat(" ".join([*(p.text for p in document.paragraphs), *cells]))


def check_docx(document, *, issuer: str) -> None:
    """The rules read from the .docx itself."""
    texts = [t for t in docx_texts(document) if t]
    # the issuing body alone in the header: a People's Committee has no managing body above it
    header = [flat(p.text) for p in document.tables[0].cell(0, 0).paragraphs if p.text.strip()]
    assert header == [issuer.upper()], header
    # no paragraph twice (reporting duties, task headings), none cut with "…"
    long = [t for t in texts if len(t) > 30 and not t.startswith("Cơ quan chủ trì:")]  # tasks may share agencies
    repeated = {t for t in long if long.count(t) > 1}
    assert not repeated, repeated
    assert not [t for t in texts if t.endswith("…")]
    for n, text in enumerate(long):  # a heading is never the start of the next paragraph (printed twice)
        following = long[n + 1] if n + 1 < len(long) else ""
        stem = re.sub(r"^\d+\.\s+", "", text)
        assert not (len(stem) > 40 and following.startswith(stem)), text
    # recipients: "- …;" each, the last "- Lưu: VT…."
    closing = document.tables[-1].cell(0, 0)
    lines = [flat(p.text) for p in closing.paragraphs if p.text.strip()]
    assert lines[0] == "Nơi nhận:"
    assert all(line.startswith("- ") and line.endswith(";") for line in lines[1:-1]), lines
    assert lines[-1].startswith("- Lưu: VT") and lines[-1].endswith("."), lines[-1]
    # the closing row may not break across pages, and its paragraphs keep with the next
    row = document.tables[-1].rows[0]._tr
    assert row.trPr is not None and row.trPr.find(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}cantSplit") is not None
    signature = [p for p in document.tables[-1].cell(0, 1).paragraphs]
    assert all(p.paragraph_format.keep_with_next for p in signature[:-1])


def check_pdf(pdf: Path, *, signer_first: str, signer_last: str, tables: list[list[str]] = ()) -> list[str]:
    """The rules that need the printed pages. Returns the pages' texts."""
    with pdfplumber.open(pdf) as opened:
        pages = [flat(page.extract_text()) for page in opened.pages]
        # the signature block on one page, with "Nơi nhận"
        closing_page = page_of(pages, "Nơi nhận:", last=True)
        assert page_of(pages, signer_first, last=True) == closing_page
        assert page_of(pages, signer_last, last=True) == closing_page, "the signature block is split across pages"
        # the rule under the title: 1/3 to 1/2 of the title's printed line
        first = opened.pages[0]
        lines = first.extract_text_lines()
        kind = next(line for line in lines if line["text"].strip() in ("KẾ HOẠCH", "BÁO CÁO"))
        rules = sorted((r for r in [*first.lines, *first.rects] if r["top"] > kind["top"]
                        and abs(r["bottom"] - r["top"]) < 2 and r["x1"] - r["x0"] > 20), key=lambda r: r["top"])
        assert rules, "no rule under the title"
        rule = rules[0]
        title = [line for line in lines if kind["top"] <= line["top"] < rule["top"]]
        title_width = max(line["x1"] - line["x0"] for line in title)
        ratio = (rule["x1"] - rule["x0"]) / title_width
        assert 1 / 3 <= ratio <= 1 / 2, f"title rule is {ratio:.2f} of the title line"
        # table headers: no word broken over two lines ("Thá / ng")
        for headers in tables:
            words = {w for h in headers for w in h.split()}
            page = next(p for p in opened.pages if all(h.split()[0] in p.extract_text() for h in headers))
            found = page.extract_words()
            start = next(w for n, w in enumerate(found) if w["text"] == headers[0].split()[0]
                         and any(v["text"] == headers[1].split()[0] and abs(v["top"] - w["top"]) < 3
                                 for v in found[n:n + 8]))
            below = [w for w in found if w["top"] > start["top"] + 2 and w["x0"] < start["x1"] + 1
                     and w["x0"] >= start["x0"] - 5]
            data_top = min(w["top"] for w in below)  # the first data row's number, under "TT"
            zone = [w["text"] for w in found if start["top"] - 2 <= w["top"] < data_top - 1]
            assert set(zone) <= words, f"header words broken or wrapped: {set(zone) - words}"
            for word in words:
                assert word in zone, f"“{word}” of the table header is split over two lines"
    return pages


@pytest.fixture
def soffice(system_tool):
    return system_tool("soffice", "libreoffice")


@pytest.fixture
def ward_plan():
    """A ward plan as an import left it: the issuer read from the city's line of its header, task titles cut with
    "…", one reporting sentence stored once per frequency, recipients without their ";"."""
    hai_phong = AdminUnit.objects.get(code="31")
    ward = (AdminUnit.objects.filter(province=hai_phong, level=Level.COMMUNE, name="Phường Thủy Nguyên").first()
            or AdminUnit.objects.filter(province=hai_phong, level=Level.COMMUNE).order_by("code").first())
    plan = Plan.objects.create(
        unit=ward, number="", title=f"Kế hoạch phòng, chống mại dâm trên địa bàn {ward.name.lower()} năm 2026",
        issuer="UBND THÀNH PHỐ HẢI PHÒNG", period="2026", status=PlanStatus.ISSUED, signer_name="Trần Văn Bình",
        signer_title="KT. CHỦ TỊCH / PHÓ CHỦ TỊCH", place="Hải Phòng",
        recipients="UBND thành phố (để báo cáo)\n- Công an phường\nCác tổ dân phố,\nLưu: VT")
    for order in range(1, 4):
        Task.objects.create(plan=plan, order=order, title=LONG[:120].rsplit(" ", 1)[0] + "…",
                            text=LONG.replace("hằng năm.", f"hằng năm (đợt {order})."),
                            lead_names=["Phòng Văn hóa - Xã hội"], timing="Thường xuyên")
    for order, frequency in enumerate((Frequency.SIX_MONTHS, Frequency.YEAR, Frequency.AD_HOC), start=1):
        ReportingDuty.objects.create(plan=plan, order=order, frequency=frequency, text=DUTY)
    return plan


def test_plan_exports_read_back(ward_plan, soffice, tmp_path):
    ha_noi = Plan.objects.get(source_name="city-ha-noi-2026-2030.txt")
    bach_dang = Plan.objects.get(source_name="ward-bach-dang-haiphong-2026.txt")
    plans = {"ha-noi": ha_noi, "bach-dang": bach_dang, "ward": ward_plan}
    exported = {name: plan_to_docx(plan) for name, plan in plans.items()}
    pdfs = convert(soffice, tmp_path, exported)
    for name, plan in plans.items():
        document = Document(io.BytesIO(exported[name]))
        issuer = committee_name(plan.unit)
        check_docx(document, issuer=issuer)
        opening = next(t for t in docx_texts(document) if " ban hành Kế hoạch " in t)
        assert opening.startswith(f"{issuer} ban hành Kế hoạch"), opening  # the plan's own committee
        duties = [t for t in docx_texts(document) if t.startswith("- ") and "báo cáo" in t and "trước ngày" in t]
        assert len(duties) == len(set(duties))
        signature = [flat(p.text) for p in document.tables[-1].cell(0, 1).paragraphs if p.text.strip()]
        check_pdf(pdfs[name], signer_first=signature[0], signer_last=signature[-1])
    ward = Document(io.BytesIO(exported["ward"]))
    assert sum(1 for t in docx_texts(ward) if t == f"- {DUTY}") == 1  # once, not once per frequency
    headings = [t for t in docx_texts(ward) if re.match(r"^\d+\. ", t)]
    assert headings[:3] == [f"{n}. {LONG.split('. ')[0]}" for n in (1, 2, 3)]  # the full first sentence, once
    assert ward.tables[-1].cell(0, 0).paragraphs[-1].text == "- Lưu: VT."


def test_inspection_plan_matches_the_plan_export_and_reads_back(ward_plan, soffice, tmp_path, owner, login, today):
    from pcmd.core.demo import bach_dang

    unit = bach_dang()
    response = login(owner).get(reverse("risk_plan_docx"), {"year": today.year, "target": "60.00"})
    assert response.status_code == 200
    inspection = Document(io.BytesIO(response.content))
    plan_header = Document(io.BytesIO(plan_to_docx(Plan.objects.get(source_name="ward-bach-dang-haiphong-2026.txt"))))
    # one rule for the managing body's line: the same header as the plan export of the same ward
    assert ([p.text for p in inspection.tables[0].cell(0, 0).paragraphs if p.text.strip()]
            == [p.text for p in plan_header.tables[0].cell(0, 0).paragraphs if p.text.strip()])
    check_docx(inspection, issuer=committee_name(unit))
    text = all_text(inspection)
    assert "chỉ tiêu 60% cơ sở" in text
    assert not NUMBER_WITH_A_POINT.findall(text), NUMBER_WITH_A_POINT.findall(text)[:5]
    assert re.search(r"\d+,\d", text), "the risk scores keep their decimals with a comma"
    headers = [c.text for c in inspection.tables[1].rows[0].cells]
    assert headers == ["TT", "Tên cơ sở", "Địa chỉ", "Loại hình", "Tháng", "Điểm rủi ro"]
    pdf = convert(soffice, tmp_path, {"inspection": response.content})["inspection"]
    check_pdf(pdf, signer_first="TM. ỦY BAN NHÂN DÂN", signer_last="PHÓ CHỦ TỊCH", tables=[headers])


def test_report_export_reads_back(soffice, tmp_path):
    from pcmd.reports import export, figures
    from pcmd.reports.models import Report

    report = Report.objects.filter(unit__level=Level.COMMUNE).select_related("unit", "type").first()
    assert report is not None, "the demo has commune reports"
    shown, _frozen = figures.shown(report)
    data = export.report_to_docx(report, shown)
    document = Document(io.BytesIO(data))
    check_docx(document, issuer=committee_name(report.unit))
    figures_table = next(t for t in document.tables if t.rows[0].cells[0].text == "TT")
    values = " ".join(c.text for row in figures_table.rows[1:] for c in row.cells)
    assert not NUMBER_WITH_A_POINT.findall(values), NUMBER_WITH_A_POINT.findall(values)[:5]
    pdf = convert(soffice, tmp_path, {"report": data})["report"]
    check_pdf(pdf, signer_first="TM. ỦY BAN NHÂN DÂN", signer_last="CHỦ TỊCH",
              tables=[[c.text for c in figures_table.rows[0].cells]])


def test_signature_block_never_splits_wherever_the_page_ends(soffice, tmp_path):
    """The same document with 10…40 lines before the closing, so that in some of them the page ends inside
    the block: it moves whole to the next page every time."""
    documents = {}
    for extra in range(0, 31, 2):
        doc = OfficialDocument(issuer="Ủy ban nhân dân phường Bạch Đằng", number="07/KH-UBND", place="Hải Phòng",
                               date=datetime.date(2026, 1, 7), title="Phòng, chống mại dâm năm 2026")
        for n in range(10 + extra):
            doc.paragraph(f"Nội dung {n + 1}.")
        doc.closing(recipients=[f"Cơ quan {n};" for n in range(8)],
                    signer_lines=["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"],
                    signer_name="Nguyễn Văn An")
        documents[f"filler-{extra:02d}"] = doc.to_bytes()
    closing_pages = set()
    for pdf in convert(soffice, tmp_path, documents).values():
        pages = check_pdf(pdf, signer_first="TM. ỦY BAN NHÂN DÂN", signer_last="Nguyễn Văn An")
        assert page_of(pages, "Nơi nhận:") == page_of(pages, "Lưu: VT.")
        closing_pages.add(page_of(pages, "Nơi nhận:"))
    assert len(closing_pages) > 1, "the sweep must cross a page boundary"


def test_title_rule_follows_the_title_length():
    short = OfficialDocument(issuer="Ủy ban nhân dân xã An Lư", title="Kiểm tra năm 2026", year=2026)
    long = OfficialDocument(issuer="Ủy ban nhân dân xã An Lư", year=2026,
                            title="Thực hiện Chương trình phòng, chống mại dâm trên địa bàn xã giai đoạn 2026 - 2030")
    assert short.title_rule_mm < long.title_rule_mm
    width = text_width_mm("Kiểm tra năm 2026", 14, bold=True)
    assert width / 3 <= short.title_rule_mm <= width / 2
