"""A plan exported as a Word document in the official format: structure, and the PDF LibreOffice makes of it."""

import datetime
import io
import re
import subprocess
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from pcmd.core.documents import DOCX_TYPE, MOTTO, NATIONAL_NAME
from pcmd.org.models import Agency
from pcmd.plans.export import plan_to_docx, purpose_text
from pcmd.plans.models import Frequency, LegalBasis, Metric, Plan, PlanStatus, ReportingDuty, Target, Task

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

SOURCE = """ỦY BAN NHÂN DÂN PHƯỜNG BẠCH ĐẰNG
KẾ HOẠCH
I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
Nâng cao hiệu quả công tác phòng, chống mại dâm trên địa bàn phường.
II. CHỈ TIÊU
- 100% cơ sở được kiểm tra.
"""


@pytest.fixture
def plan(bach_dang):
    plan = Plan.objects.create(
        unit=bach_dang, number="07/KH-UBND", title="Kế hoạch phòng, chống mại dâm năm 2026",
        issuer="ỦY BAN NHÂN DÂN PHƯỜNG BẠCH ĐẰNG", issue_date=datetime.date(2026, 1, 7), place="Bạch Đằng",
        period="2026", status=PlanStatus.ISSUED, signer_name="Nguyễn Văn An",
        signer_title="KT. CHỦ TỊCH / PHÓ CHỦ TỊCH", recipients="UBND thành phố (để báo cáo);\nLưu: VT.",
        source_text=SOURCE,
    )
    LegalBasis.objects.create(plan=plan, order=1, text="Thực hiện Kế hoạch số 12/KH-UBND ngày 05/01/2026 của "
                                                       "Ủy ban nhân dân thành phố Hải Phòng.")
    Target.objects.create(plan=plan, order=1, section="Chỉ tiêu cụ thể", metric=Metric.COUNT, comparator="gte",
                          value=Decimal(60), text="Kiểm tra ít nhất 60 lượt cơ sở kinh doanh dịch vụ.")
    for order, (year, value) in enumerate([(2026, 60), (2027, 70)], start=2):
        Target.objects.create(plan=plan, order=order, section="Chỉ tiêu cụ thể", metric=Metric.PERCENT,
                              comparator="gte", value=Decimal(value), year=year,
                              text="Tỷ lệ tổ dân phố được tuyên truyền (Năm 2026: 60%; Năm 2027: 70%).")
    task = Task.objects.create(plan=plan, order=1, title="Tuyên truyền phòng, chống mại dâm",
                               text="Tổ chức các buổi tuyên truyền tại tổ dân phố.",
                               lead_names=["Phòng Văn hóa - Xã hội"], partner_names=["Công an phường"],
                               timing="Quý I và Quý III năm 2026")
    task.lead_agencies.set(Agency.objects.filter(unit=bach_dang, kind__code="phong-vhxh"))
    ReportingDuty.objects.create(plan=plan, order=1, reporter="Các cơ quan", recipient="Ủy ban nhân dân phường",
                                 via="Phòng Văn hóa - Xã hội", frequency=Frequency.SIX_MONTHS,
                                 deadline_day=15, deadline_month=6)
    return plan


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text))


def test_purpose_text_is_the_part_between_headings():
    assert purpose_text(SOURCE) == ["1. Mục đích",
                                    "Nâng cao hiệu quả công tác phòng, chống mại dâm trên địa bàn phường."]
    assert purpose_text("II. CHỈ TIÊU\n- 100%") == []


def test_docx_structure(plan):
    document = Document(io.BytesIO(plan_to_docx(plan)))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.left_margin.mm) == 30 and round(section.right_margin.mm) == 15
    assert section.different_first_page_header_footer
    assert not list(section.first_page_header._element.iter(qn("w:instrText")))
    header = document.tables[0]
    assert header.cell(0, 0).text.strip().endswith("ỦY BAN NHÂN DÂN PHƯỜNG BẠCH ĐẰNG")
    assert NATIONAL_NAME in header.cell(0, 1).text and MOTTO in header.cell(0, 1).text
    assert header.cell(1, 0).text.strip() == "Số: 07/KH-UBND"
    assert header.cell(1, 1).text.strip() == "Bạch Đằng, ngày 07 tháng 01 năm 2026"
    texts = [p.text for p in document.paragraphs]
    assert "KẾ HOẠCH" in texts and "Phòng, chống mại dâm năm 2026" in texts
    parts = [t for t in texts if re.match(r"^[IVX]+\. ", t)]
    assert parts == ["I. MỤC ĐÍCH, YÊU CẦU", "II. CHỈ TIÊU", "III. NHIỆM VỤ, GIẢI PHÁP", "IV. TỔ CHỨC THỰC HIỆN"]
    assert texts.count("- Tỷ lệ tổ dân phố được tuyên truyền (Năm 2026: 60%; Năm 2027: 70%).") == 1  # trajectory once
    assert "Cơ quan chủ trì: Phòng Văn hóa - Xã hội; Cơ quan phối hợp: Công an phường; Thời gian: Quý I và Quý III " \
           "năm 2026." in texts
    assert any(t.startswith("Thực hiện Kế hoạch số 12/KH-UBND") for t in texts)
    assert "Ủy ban nhân dân phường Bạch Đằng ban hành Kế hoạch phòng, chống mại dâm năm 2026 với các nội dung sau:" \
        in texts
    assert any("báo cáo 6 tháng gửi Ủy ban nhân dân phường (qua Phòng Văn hóa - Xã hội) trước ngày 15/06" in t
               for t in texts)
    closing = document.tables[-1]
    assert "- UBND thành phố (để báo cáo);" in closing.cell(0, 0).text
    signature = [p.text for p in closing.cell(0, 1).paragraphs if p.text]
    assert signature == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn An"]


def test_draft_without_number_or_date_leaves_blanks(bach_dang):
    plan = Plan.objects.create(unit=bach_dang, title="Kế hoạch phòng, chống mại dâm năm 2027", period="2027",
                               issuer="ỦY BAN NHÂN DÂN PHƯỜNG BẠCH ĐẰNG", place="Bạch Đằng")
    header = Document(io.BytesIO(plan_to_docx(plan))).tables[0]
    assert header.cell(1, 0).text.replace(" ", "").strip() == "Số:/KH-UBND"
    assert header.cell(1, 1).text.strip() == "Bạch Đằng, ngày … tháng … năm 2027"


def test_download_view_and_outsider(plan, owner, outsider, login):
    response = login(owner).get(reverse("plan_export_docx", args=[plan.pk]))
    assert response.status_code == 200 and response["Content-Type"] == DOCX_TYPE
    assert 'filename="Ke-hoach-07-KH-UBND.docx"' in response["Content-Disposition"]
    assert Document(io.BytesIO(response.content)).tables[0].cell(1, 0).text.strip() == "Số: 07/KH-UBND"
    assert login(outsider).get(reverse("plan_export_docx", args=[plan.pk])).status_code == 404


def test_pdf_made_by_libreoffice_reads_right(plan, tmp_path, system_tool):
    soffice, pdftoppm = system_tool("soffice", "libreoffice"), system_tool("pdftoppm")
    source = tmp_path / "ke-hoach.docx"
    source.write_bytes(plan_to_docx(plan))
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "ke-hoach.pdf"
    reader = PdfReader(pdf)
    text = flat(" ".join(page.extract_text() for page in reader.pages))
    for expected in (NATIONAL_NAME, MOTTO, "Số: 07/KH-UBND", "Bạch Đằng, ngày 07 tháng 01 năm 2026", "KẾ HOẠCH",
                     "Phòng, chống mại dâm năm 2026", "Kiểm tra ít nhất 60 lượt cơ sở kinh doanh dịch vụ",
                     "Cơ quan chủ trì: Phòng Văn hóa - Xã hội; Cơ quan phối hợp: Công an phường", "Nơi nhận:",
                     "TM. ỦY BAN NHÂN DÂN", "PHÓ CHỦ TỊCH", "Nguyễn Văn An"):
        assert expected in text, expected
    page = reader.pages[0]
    assert (round(float(page.mediabox.width) * 25.4 / 72), round(float(page.mediabox.height) * 25.4 / 72)) == (
        210, 297)
    ARTIFACTS.mkdir(exist_ok=True)
    image_base = ARTIFACTS / "plan-export-page1"
    subprocess.run([pdftoppm, "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(image_base)],
                   check=True, timeout=60)
    image = image_base.with_suffix(".png")
    assert image.exists() and image.stat().st_size > 5000


def test_capitals_title_in_the_opening_sentence_and_place_from_the_unit(hai_phong):
    plan = Plan.objects.create(unit=hai_phong, title="KẾ HOẠCH PHÒNG, CHỐNG MẠI DÂM TRÊN ĐỊA BÀN THÀNH PHỐ HẢI PHÒNG",
                               issuer="ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG", period="2026")
    document = Document(io.BytesIO(plan_to_docx(plan)))
    assert document.tables[0].cell(1, 1).text.strip() == "Hải Phòng, ngày … tháng … năm 2026"
    assert ("Ủy ban nhân dân thành phố Hải Phòng ban hành Kế hoạch phòng, chống mại dâm trên địa bàn thành phố "
            "Hải Phòng với các nội dung sau:") in [p.text for p in document.paragraphs]
