"""The shared upload check: kinds are recognised by content, never by the file's name."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from pcmd.core.uploads import DOCUMENTS, IMAGES, check_upload
from tests import hostile_files as hostile


def office(folder: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}/document.xml", "<x/>")
    return out.getvalue()


def jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 6)).save(out, format="JPEG")
    return out.getvalue()


@pytest.mark.parametrize("name,data,kind", [
    ("a.pdf", hostile.pdf(), "pdf"),
    ("a.jpg", jpeg(), "jpeg"),
    ("a.png", hostile.png(), "png"),
    ("bao-cao.docx", office("word"), "docx"),
    ("so-lieu.xlsx", office("xl"), "xlsx"),
])
def test_real_files_are_recognised(name, data, kind):
    assert check_upload(SimpleUploadedFile(name, data), field="f") == kind


@pytest.mark.parametrize("name,data", [
    ("anh.jpg", b"MZ\x90\x00 an executable renamed"),
    ("van-ban.docx", b"PK\x03\x04 not really a zip"),
    ("so-lieu.xlsx", office("other")),
])
def test_forged_files_are_refused_in_vietnamese(name, data):
    with pytest.raises(ValidationError) as exc:
        check_upload(SimpleUploadedFile(name, data), field="f", kinds=DOCUMENTS)
    assert exc.value.message_dict["f"] == [
        "Loại tệp không được nhận. Chỉ nhận PDF, Word (.docx), Excel (.xlsx), ảnh JPG hoặc ảnh PNG."]


def test_kind_outside_the_list_and_size_limit():
    with pytest.raises(ValidationError, match="Chỉ nhận ảnh JPG hoặc ảnh PNG"):
        check_upload(SimpleUploadedFile("a.pdf", b"%PDF-1.4"), field="image", kinds=IMAGES)
    with pytest.raises(ValidationError, match="quá lớn"):
        check_upload(SimpleUploadedFile("a.pdf", b"%PDF-1.4" + b"0" * 2000), field="f", max_bytes=1000)


# Staff uploads (plan progress attachments, commitment scans, activity photos) follow the public rules:
# no image announcing more than MAX_PIXELS, no PDF with active content, nothing unreadable.

def test_an_image_over_the_pixel_cap_is_refused_without_decoding(monkeypatch):
    from PIL import ImageFile

    decoded = []
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: decoded.append(self.size))
    with pytest.raises(ValidationError) as exc:
        check_upload(SimpleUploadedFile("to.png", hostile.png_header(8000, 6000)), field="image", kinds=IMAGES)
    assert exc.value.message_dict["image"] == [
        "Ảnh quá lớn: tối đa 40 triệu điểm ảnh (ví dụ 8000 × 5000). Hãy thu nhỏ ảnh rồi tải lên lại."]
    with pytest.raises(ValidationError, match="Ảnh quá lớn"):  # past what Pillow itself agrees to open
        check_upload(SimpleUploadedFile("rat-to.png", hostile.png_header(20000, 20000)), field="image", kinds=IMAGES)
    assert decoded == []
    assert check_upload(SimpleUploadedFile("vua.png", hostile.png_header(8000, 5000)), field="f") == "png"


def test_an_unreadable_image_is_refused():
    with pytest.raises(ValidationError, match="Ảnh bị hỏng"):
        check_upload(SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64), field="f")


@pytest.mark.parametrize("options", [{"javascript": True}, {"page_action": True},
                                     {"page_action": True, "escaped": True}])
def test_a_pdf_with_active_content_is_refused(options):
    with pytest.raises(ValidationError) as exc:
        check_upload(SimpleUploadedFile("bao-cao.pdf", hostile.pdf(**options)), field="attachment")
    assert exc.value.message_dict["attachment"][0].startswith("Tệp PDF có nội dung tự chạy (mã JavaScript")


def test_a_broken_or_locked_pdf_is_refused():
    from pypdf import PdfReader, PdfWriter

    with pytest.raises(ValidationError, match="Tệp PDF bị hỏng"):
        check_upload(SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF"), field="f")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(hostile.pdf())))
    writer.encrypt("mat-khau")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(ValidationError, match="có mật khẩu"):
        check_upload(SimpleUploadedFile("a.pdf", out.getvalue()), field="f")


def test_the_staff_services_use_the_rules(db):
    from pcmd.plans import services

    with pytest.raises(ValidationError, match="nội dung tự chạy"):
        services.attachment_check(SimpleUploadedFile("bao-cao.pdf", hostile.pdf(page_action=True)))
    services.attachment_check(SimpleUploadedFile("bao-cao.pdf", hostile.pdf()))
