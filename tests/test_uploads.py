"""The shared upload check: kinds are recognised by content, never by the file's name."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from pcmd.core.uploads import DOCUMENTS, IMAGES, check_upload


def office(folder: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}/document.xml", "<x/>")
    return out.getvalue()


@pytest.mark.parametrize("name,data,kind", [
    ("a.pdf", b"%PDF-1.4\n%%EOF", "pdf"),
    ("a.jpg", b"\xff\xd8\xff\xe0" + b"0" * 20, "jpeg"),
    ("a.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20, "png"),
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
