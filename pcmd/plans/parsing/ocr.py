"""Scanned plans: pages of an image-only PDF (rendered by pdftoppm) or a photo of a page, read by Tesseract with
its Vietnamese model, line by line with each line's confidence.

Bounded: at most `PLAN_OCR_MAX_PAGES` pages (settings, default 20), images over `PLAN_OCR_MAX_PIXELS` (default
40 million) are refused, and every program run has a timeout (`PLAN_OCR_TIMEOUT`, default 120 s per page).
"""

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings

from . import PlanFileError

OCR_DPI = 200


def _setting(name: str, default):
    return getattr(settings, name, default)


def available() -> bool:
    return bool(shutil.which("tesseract"))


def _tesseract_tsv(image: Path) -> list[tuple[str, float]]:
    """(text, mean word confidence 0–100) of each line Tesseract reads on one image."""
    try:
        result = subprocess.run(["tesseract", str(image), "stdout", "-l", "vie", "--psm", "4", "tsv"],
                                capture_output=True, timeout=_setting("PLAN_OCR_TIMEOUT", 120), check=True)
    except subprocess.TimeoutExpired as exc:
        raise PlanFileError("Đọc chữ từ ảnh (OCR) quá lâu; hãy tải lên bản Word hoặc PDF có lớp chữ.") from exc
    except (subprocess.CalledProcessError, OSError) as exc:
        raise PlanFileError("Không đọc được chữ từ ảnh (OCR): tệp ảnh bị hỏng hoặc không đúng định dạng.") from exc
    lines: dict[tuple, list[tuple[str, float]]] = {}
    order: list[tuple] = []
    for row in result.stdout.decode("utf-8", "replace").splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        key = (int(cols[1]), int(cols[2]), int(cols[3]), int(cols[4]))  # page, block, paragraph, line
        if key not in lines:
            lines[key] = []
            order.append(key)
        lines[key].append((cols[11], float(cols[10])))
    out = []
    previous = None
    for key in order:
        if previous is not None and key[:3] != previous[:3]:
            out.append(("", 100.0))  # a new paragraph block: a blank line
        words = lines[key]
        out.append((" ".join(w for w, _ in words), round(sum(c for _, c in words) / len(words), 1)))
        previous = key
    return out


def _check_pixels(image: Path) -> None:
    from PIL import Image

    limit = _setting("PLAN_OCR_MAX_PIXELS", 40_000_000)
    try:
        with Image.open(image) as img:
            pixels = img.width * img.height
    except Exception as exc:  # Pillow raises many kinds for a damaged image
        raise PlanFileError("Không mở được tệp ảnh: tệp bị hỏng hoặc không đúng định dạng JPG/PNG.") from exc
    if pixels > limit:
        raise PlanFileError(f"Ảnh quá lớn ({pixels / 1e6:.0f} triệu điểm ảnh; tối đa {limit / 1e6:.0f} triệu). "
                            "Hãy chụp hoặc quét ở độ phân giải thấp hơn (200–300 dpi).")


def _require() -> None:
    if not available():
        raise PlanFileError("Tệp là bản quét/ảnh chụp nhưng máy chủ chưa cài chương trình đọc chữ (Tesseract). "
                            "Hãy tải lên bản Word (.docx) hoặc PDF có lớp chữ.")


def ocr_pdf(data: bytes, pages: int) -> list[tuple[str, float]]:
    """Lines (text, confidence) of the first pages of a scanned PDF."""
    _require()
    limit = _setting("PLAN_OCR_MAX_PAGES", 20)
    if pages > limit:
        raise PlanFileError(f"Bản quét có {pages} trang, vượt giới hạn đọc chữ tự động ({limit} trang). Hãy chỉ "
                            "tải lên phần kế hoạch, hoặc bản Word/PDF có lớp chữ.")
    if not shutil.which("pdftoppm"):
        raise PlanFileError("Máy chủ chưa cài chương trình chuyển trang PDF thành ảnh (poppler-utils).")
    with tempfile.TemporaryDirectory(prefix="pcmd-ocr-") as tmp:
        source = Path(tmp) / "scan.pdf"
        source.write_bytes(data)
        try:
            subprocess.run(["pdftoppm", "-r", str(OCR_DPI), "-gray", "-png", "-l", str(limit), str(source),
                            str(Path(tmp) / "page")], capture_output=True, check=True,
                           timeout=_setting("PLAN_OCR_TIMEOUT", 120) * max(pages, 1))
        except subprocess.TimeoutExpired as exc:
            raise PlanFileError("Chuyển bản quét thành ảnh quá lâu; hãy tải lên tệp nhỏ hơn.") from exc
        except (subprocess.CalledProcessError, OSError) as exc:
            raise PlanFileError("Không đọc được các trang của bản quét PDF.") from exc
        lines: list[tuple[str, float]] = []
        for image in sorted(Path(tmp).glob("page-*.png")):
            _check_pixels(image)
            lines.extend(_tesseract_tsv(image))
            lines.append(("", 100.0))
        return lines


def ocr_image(data: bytes, suffix: str) -> list[tuple[str, float]]:
    """Lines (text, confidence) of a photo or scan of one page (.jpg, .png)."""
    _require()
    with tempfile.TemporaryDirectory(prefix="pcmd-ocr-") as tmp:
        image = Path(tmp) / f"page{suffix}"
        image.write_bytes(data)
        _check_pixels(image)
        return _tesseract_tsv(image)
