"""Checking uploaded files by their content (never by their name), shared by every app that takes files.

Besides the kind, two rules hold for every upload, public or staff:
- an image may not announce more than MAX_PIXELS in its header (read without decoding: Pillow's
  `Image.open` is lazy), so a small file cannot make the server or a browser decode a giant picture;
- a PDF must open, have no password and carry no active content (JavaScript, automatic or launch
  actions, embedded files, rich media, XFA forms). Such PDFs are refused rather than cleaned: a
  cleaner that misses one key would pass the rest through, and a person can always print the
  document to a new PDF. See `pdf_problem`.
"""

import io
import warnings
import zipfile

from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # one image; the public channel also caps the sum per request (PUBLIC_MAX_PIXELS)
# Pillow itself refuses to open an image announcing more than twice this (DecompressionBombError), a
# second guard for any code path that would open an image without asking `image_pixels` first.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # an Office file's members together, as declared in the zip
MAX_PDF_OBJECTS = 200_000  # PDF objects walked looking for active content

# kind -> how people call it in a message
LABELS = {"pdf": "PDF", "jpeg": "ảnh JPG", "png": "ảnh PNG", "webp": "ảnh WEBP", "docx": "Word (.docx)",
          "xlsx": "Excel (.xlsx)"}
IMAGES = ("jpeg", "png")
DOCUMENTS = ("pdf", "docx", "xlsx", "jpeg", "png")

# What makes a PDF do something by itself when opened or clicked (ISO 32000 names).
PDF_ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/AA", "/EmbeddedFile", "/EmbeddedFiles", "/EF", "/RichMedia",
                             "/RichMediaContent", "/RichMediaSettings", "/XFA", "/Launch"})
PDF_ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/RichMediaExecute",
                                "/GoToE", "/GoToR", "/Rendition", "/Movie", "/Sound"})
PDF_ACTIVE_SUBTYPES = frozenset({"/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound", "/3D"})

PDF_BROKEN = "bị hỏng hoặc không đúng định dạng PDF, không mở được."
PDF_ENCRYPTED = "có mật khẩu; hãy gỡ mật khẩu rồi gửi lại."
PDF_ACTIVE = ("có nội dung tự chạy (mã JavaScript, hành động tự động, tệp nhúng hoặc biểu mẫu động) nên không "
              "được nhận. Hãy in tệp ra một tệp PDF mới (chọn In → Lưu dưới dạng PDF) rồi gửi lại.")
PDF_TOO_COMPLEX = "quá phức tạp (quá nhiều đối tượng), không kiểm tra được. Hãy in ra một tệp PDF mới rồi gửi lại."


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


def image_pixels(source) -> int:
    """width × height as the image's header announces it; nothing is decoded (Pillow opens lazily).
    Raises OSError / UnidentifiedImageError for what is not a readable image."""
    source = io.BytesIO(source) if isinstance(source, bytes) else source
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # the caller compares with its own cap
        try:
            with Image.open(source) as img:
                return img.width * img.height
        except Image.DecompressionBombError:
            return 2 * Image.MAX_IMAGE_PIXELS + 1  # Pillow refused to open it: at least this many


def megapixels(pixels: int) -> str:
    """"40 triệu" for a message (Vietnamese decimal comma)."""
    return f"{pixels / 1_000_000:.1f}".replace(".", ",").removesuffix(",0") + " triệu"


def unzipped_size(source) -> int:
    """The total size the members of a zip declare once unpacked (zipfile never inflates a member past
    its declared size, so this bounds what reading the archive can produce). Raises zipfile.BadZipFile."""
    source = io.BytesIO(source) if isinstance(source, bytes) else source
    with zipfile.ZipFile(source) as archive:
        return sum(member.file_size for member in archive.infolist())


def _resolved(value):
    return value.get_object() if isinstance(value, IndirectObject) else value


def _has_active_content(reader: PdfReader) -> bool:
    """Walk every object reachable from the trailer (each once) looking for active keys and actions."""
    seen, stack, walked = set(), [reader.trailer], 0
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                continue
            seen.add((obj.idnum, obj.generation))
            obj = obj.get_object()
        walked += 1
        if walked > MAX_PDF_OBJECTS:
            raise OverflowError("too many objects")
        if isinstance(obj, DictionaryObject):  # stream dictionaries too; stream data is not decoded
            if PDF_ACTIVE_KEYS.intersection(obj.keys()):
                return True
            if _resolved(dict.get(obj, "/S")) in PDF_ACTIVE_ACTIONS:
                return True
            if _resolved(dict.get(obj, "/Subtype")) in PDF_ACTIVE_SUBTYPES:
                return True
            opening = _resolved(dict.get(obj, "/OpenAction"))
            if isinstance(opening, DictionaryObject) and _resolved(dict.get(opening, "/S")) != "/GoTo":
                return True  # an action run on opening (a page destination, an array, is fine)
            stack.extend(dict.values(obj))
        elif isinstance(obj, ArrayObject):
            stack.extend(list.__iter__(obj))
    return False


def pdf_problem(data: bytes) -> tuple[str | None, PdfReader | None]:
    """(None, the parsed PDF) when it opens, has no password and no active content; else
    (the Vietnamese reason, to put after "Tệp …", None)."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            return PDF_ENCRYPTED, None
        active = _has_active_content(reader)
    except OverflowError:
        return PDF_TOO_COMPLEX, None
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError):
        return PDF_BROKEN, None
    return (PDF_ACTIVE, None) if active else (None, reader)


def check_upload(upload, *, field: str, kinds=DOCUMENTS, max_bytes: int = MAX_BYTES) -> str:
    """The upload's kind if it is one of `kinds`, not larger than `max_bytes`, an image of at most
    MAX_PIXELS or a PDF without active content (`pdf_problem`); else a Vietnamese ValidationError on
    `field`. The file is left at its start."""
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
    if kind in ("jpeg", "png", "webp"):
        try:
            pixels = image_pixels(upload)
        except (OSError, ValueError, UnidentifiedImageError):
            pixels = None
        finally:
            upload.seek(0)
        if pixels is None:
            raise ValidationError({field: "Ảnh bị hỏng, không mở được. Hãy chọn lại ảnh."})
        if pixels > MAX_PIXELS:
            raise ValidationError({field: f"Ảnh quá lớn: tối đa {megapixels(MAX_PIXELS)} điểm ảnh (ví dụ 8000 × "
                                          "5000). Hãy thu nhỏ ảnh rồi tải lên lại."})
    elif kind == "pdf":
        problem, _reader = pdf_problem(upload.read())
        upload.seek(0)
        if problem:
            raise ValidationError({field: f"Tệp PDF {problem}"})
    return kind
