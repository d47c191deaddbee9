"""Checking uploaded files by their content (never by their name), shared by every app that takes files."""

import io
import zipfile

from django.core.exceptions import ValidationError

MAX_BYTES = 10 * 1024 * 1024

# kind -> how people call it in a message
LABELS = {"pdf": "PDF", "jpeg": "ảnh JPG", "png": "ảnh PNG", "webp": "ảnh WEBP", "docx": "Word (.docx)",
          "xlsx": "Excel (.xlsx)"}
IMAGES = ("jpeg", "png")
DOCUMENTS = ("pdf", "docx", "xlsx", "jpeg", "png")


def sniff(head: bytes, data: bytes | None = None) -> str | None:
    """The kind of a file from its first bytes (and, for Office files, the zip's contents), or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04") and data is not None:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names:
            if any(n.startswith("word/") for n in names):
                return "docx"
            if any(n.startswith("xl/") for n in names):
                return "xlsx"
    return None


def check_upload(upload, *, field: str, kinds=DOCUMENTS, max_bytes: int = MAX_BYTES) -> str:
    """The upload's kind if it is one of `kinds` and not larger than `max_bytes`; else a Vietnamese
    ValidationError on `field`. The file is left at its start."""
    if upload.size > max_bytes:
        raise ValidationError({field: f"Tệp quá lớn ({upload.size / 1048576:.1f} MB); tối đa "
                                      f"{max_bytes // 1048576} MB."})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    data = None
    if head.startswith(b"PK\x03\x04") and {"docx", "xlsx"} & set(kinds):
        data = upload.read()
        upload.seek(0)
    kind = sniff(head, data)
    if kind not in kinds:
        labels = [LABELS[k] for k in kinds]
        accepted = f"{', '.join(labels[:-1])} hoặc {labels[-1]}" if len(labels) > 1 else labels[0]
        raise ValidationError({field: f"Loại tệp không được nhận. Chỉ nhận {accepted}."})
    return kind
