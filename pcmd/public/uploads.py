"""Files sent by the public: type by content (not name), size, count and pixel limits, metadata removed.

Cheap checks come first for every file (size, kind, the pixels each image's header announces; the
sum over the request is capped by PUBLIC_MAX_PIXELS), so nothing is decoded for a request that will
be refused. Then images (JPEG, PNG, WebP) are decoded and encoded anew with Pillow, which drops EXIF
(GPS, camera, owner), XMP and comments; the orientation is applied first so the picture still looks
right. PDFs with active content (JavaScript, automatic actions, embedded files, XFA) are refused
(`pcmd.core.uploads.pdf_problem`); the others are rewritten page by page with pypdf, which drops the
document information (author...). The result gets a random name; it is stored under MEDIA_ROOT,
which the web server does not serve.
"""

import io
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

from pcmd.core.uploads import MAX_PIXELS, PDF_BROKEN, image_pixels, megapixels, pdf_problem
from pcmd.core.uploads import sniff as core_sniff
from pcmd.public.conf import limit

KINDS = {"jpeg": ("jpg", "image/jpeg"), "png": ("png", "image/png"), "webp": ("webp", "image/webp"),
         "pdf": ("pdf", "application/pdf")}


@dataclass
class CleanFile:
    content: ContentFile  # with a random name and the right extension
    original_name: str
    content_type: str
    size: int


def sniff(head: bytes) -> str | None:
    """The kind of a file from its first bytes: jpeg, png, webp, pdf, or None (Office files are not taken)."""
    kind = core_sniff(head)
    return kind if kind in KINDS else None


def _reencode_image(data: bytes, kind: str) -> bytes:
    with Image.open(io.BytesIO(data)) as img:
        if img.width * img.height > MAX_PIXELS:
            raise ValueError("too large")
        img.load()
        img = ImageOps.exif_transpose(img)
        if kind == "jpeg" and img.mode not in ("RGB", "L"):
            img = img.convert("RGB")
        img.info = {}  # no EXIF, XMP, ICC or comments are carried to the new file
        out = io.BytesIO()
        options = {"jpeg": {"quality": 88}, "webp": {"quality": 85}}.get(kind, {})
        img.save(out, format=kind.upper(), **options)
    return out.getvalue()


def _rewrite_pdf(reader: PdfReader) -> bytes:
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def clean_files(files) -> list[CleanFile]:
    """Check and clean uploaded files; raise ValidationError listing every problem in Vietnamese."""
    files = [f for f in files if f]
    max_files, max_mb, max_pixels = limit("MAX_FILES"), limit("MAX_FILE_MB"), limit("MAX_PIXELS")
    if len(files) > max_files:
        raise ValidationError(f"Chỉ được gửi tối đa {max_files} tệp mỗi lần (bạn đã chọn {len(files)} tệp).")
    errors, checked, pixels = [], [], 0
    for upload in files:  # first pass: headers and PDF structure only, no image is decoded
        name = (upload.name or "tệp").rsplit("/", 1)[-1][:100]
        if upload.size > max_mb * 1024 * 1024:
            errors.append(f"Tệp «{name}» lớn hơn {max_mb} MB.")
            continue
        data = upload.read()
        kind = sniff(data[:16])
        if kind is None:
            errors.append(f"Tệp «{name}» không phải ảnh (JPG, PNG, WEBP) hoặc PDF.")
            continue
        reader = None
        if kind == "pdf":  # parsed and walked for active content, not rendered
            problem, reader = pdf_problem(data)
            if problem:
                errors.append(f"Tệp «{name}» {problem}")
                continue
        else:
            try:
                size = image_pixels(data)
            except (OSError, ValueError, UnidentifiedImageError):
                errors.append(f"Tệp «{name}» bị hỏng, không mở được.")
                continue
            if size > MAX_PIXELS:
                errors.append(f"Ảnh «{name}» quá lớn: tối đa {megapixels(MAX_PIXELS)} điểm ảnh mỗi ảnh. "
                              "Hãy thu nhỏ ảnh hoặc chụp màn hình ảnh rồi gửi lại.")
                continue
            pixels += size
        checked.append((name, kind, data, reader))
    if pixels > max_pixels:
        errors.append(f"Các ảnh gửi kèm quá lớn: tổng cộng hơn {megapixels(max_pixels)} điểm ảnh mỗi lần gửi. "
                      "Hãy gửi ít ảnh hơn hoặc thu nhỏ ảnh; có thể gửi thêm ảnh ở trang tra cứu sau khi có mã.")
    if errors:
        raise ValidationError(errors)
    cleaned = []
    for name, kind, data, reader in checked:  # second pass: the work, once every file passed
        try:
            data = _rewrite_pdf(reader) if kind == "pdf" else _reencode_image(data, kind)
        except (OSError, ValueError, UnidentifiedImageError, PyPdfError, Image.DecompressionBombError):
            errors.append(f"Tệp «{name}» {PDF_BROKEN if kind == 'pdf' else 'bị hỏng, không mở được.'}")
            continue
        ext, content_type = KINDS[kind]
        cleaned.append(CleanFile(ContentFile(data, name=f"{uuid.uuid4().hex}.{ext}"), name, content_type, len(data)))
    if errors:
        raise ValidationError(errors)
    return cleaned
