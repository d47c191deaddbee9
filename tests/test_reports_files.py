"""A report's files: the PDF for signing made by LibreOffice (bounded, cached, a Vietnamese message when it cannot
be made) and attachments — scans, photos, the signed PDF uploaded back ("Bản đã ký")."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader, PdfWriter

from pcmd.org.models import Role
from pcmd.reports import pdf, services
from pcmd.reports.models import Report, ReportAttachment, SignatureCheck

pytestmark = pytest.mark.django_db


def seat(user):
    return user.memberships.get()


@pytest.fixture
def report(bach_dang, today):
    return Report.objects.select_related("type", "unit").get(unit=bach_dang, year=today.year, type__code="xa-6-thang")


@pytest.fixture
def writer(member_factory, bach_dang):
    return seat(member_factory("tep.xa", bach_dang, Role.COORDINATOR, "phong-vhxh"))


def a_pdf(name="ban-ky.pdf") -> SimpleUploadedFile:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/pdf")


def a_png(name="anh.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


# --- PDF for signing -------------------------------------------------------------------------------------------

def test_pdf_for_signing_is_made_by_libreoffice_once(report, writer, login, client, system_tool, monkeypatch):
    system_tool("soffice", "libreoffice")
    login(writer.user)
    response = client.get(reverse("report_pdf", args=[report.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="bao-cao-xa-6-thang' in response["Content-Disposition"]
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(response.content)).pages)
    for expected in ("BÁO CÁO", "Nơi nhận:", "CHỦ TỊCH", "Bản dự thảo"):
        assert expected in text, expected
    # The same document is not converted again.
    monkeypatch.setattr(pdf, "docx_to_pdf", lambda docx: pytest.fail("converted twice"))
    assert client.get(reverse("report_pdf", args=[report.pk])).content == response.content


def test_pdf_without_libreoffice_is_a_message_not_an_error(report, writer, login, client, monkeypatch):
    monkeypatch.setattr(pdf, "soffice", lambda: None)
    monkeypatch.setattr(pdf, "cached_pdf", pdf.docx_to_pdf)
    login(writer.user)
    response = client.get(reverse("report_pdf", args=[report.pk]), follow=True)
    assert response.status_code == 200
    assert "chưa cài LibreOffice" in response.content.decode()


def test_a_conversion_that_hangs_is_killed(tmp_path, monkeypatch):
    hanging = tmp_path / "soffice"
    hanging.write_text("#!/bin/sh\nsleep 60\n")
    hanging.chmod(0o755)
    monkeypatch.setattr(pdf, "soffice", lambda: str(hanging))
    with pytest.raises(pdf.PdfUnavailable, match="quá lâu"):
        pdf.docx_to_pdf(b"PK", timeout=1)


def test_another_province_gets_no_pdf_nor_attachment(report, writer, outsider, login, client):
    attachment = services.report_attach(report=report, membership=writer, kind="photo", upload=a_png())
    login(outsider)
    for name, args in (("report_pdf", [report.pk]), ("report_attach", [report.pk]),
                       ("report_attachment", [attachment.pk])):
        assert client.get(reverse(name, args=args)).status_code == 404, name


# --- attachments -----------------------------------------------------------------------------------------------

def test_scans_photos_and_the_signed_pdf(report, writer, login, client):
    login(writer.user)
    url = reverse("report_attach", args=[report.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"kind": "scan", "file": a_png("ban-chup.png"), "caption": "Trang 1"})
    assert response.status_code == 302
    # The signed PDF only once the report was sent.
    response = client.post(url, {"kind": "signed", "file": a_pdf()})
    assert response.status_code == 400 and "sau khi báo cáo đã được gửi" in response.content.decode()
    services.report_submit(report=report, membership=writer)
    assert client.post(url, {"kind": "signed", "file": a_pdf()}).status_code == 302
    signed = report.attachments.get(kind="signed")
    assert signed.signature == SignatureCheck.NONE and signed.revision == 1
    page = client.get(reverse("report_detail", args=[report.pk])).content.decode()
    assert "Bản đã ký" in page and "ban-ky.pdf" in page and "Không thấy chữ ký số" in page
    assert "ban-chup.png" in page and "Trang 1" in page
    download = client.get(reverse("report_attachment", args=[signed.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-")
    assert list(report.events.filter(step="attached").values_list("reason", flat=True)) == [
        "Bản chụp văn bản: ban-chup.png", "Bản đã ký (PDF): ban-ky.pdf"]


def test_a_wrong_file_is_refused_and_nothing_is_kept(report, writer, login, client):
    login(writer.user)
    url = reverse("report_attach", args=[report.pk])
    before = ReportAttachment.objects.filter(report=report).count()
    fake = SimpleUploadedFile("ban-ky.pdf", b"not a pdf at all", content_type="application/pdf")
    response = client.post(url, {"kind": "scan", "file": fake, "caption": "giữ lại"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Loại tệp không được nhận" in page and 'value="giữ lại"' in page
    assert client.post(url, {"kind": "photo", "file": a_pdf()}).status_code == 400  # a photo must be an image
    assert client.post(url, {"kind": "", "file": a_png()}).status_code == 400
    assert client.post(url, {"kind": "scan"}).status_code == 400
    assert ReportAttachment.objects.filter(report=report).count() == before


def test_only_the_units_staff_attach_and_files_are_bounded(report, writer, member_factory, hai_phong, monkeypatch):
    office = seat(member_factory("tep.tinh", hai_phong, Role.COORDINATOR, "so-y-te"))
    with pytest.raises(Exception, match="Chỉ cán bộ của"):
        services.report_attach(report=report, membership=office, kind="photo", upload=a_png())
    monkeypatch.setattr(services, "MAX_ATTACHMENTS", report.attachments.count() + 1)
    services.report_attach(report=report, membership=writer, kind="photo", upload=a_png())
    with pytest.raises(Exception, match="tệp đính kèm"):
        services.report_attach(report=report, membership=writer, kind="photo", upload=a_png())
