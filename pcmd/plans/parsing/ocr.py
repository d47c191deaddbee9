"""Scanned plans: pages of an image-only PDF (rendered by pdftoppm) or a photo of a page, read by Tesseract with
its Vietnamese model, line by line with each line's confidence.

Bounded: at most `PLAN_OCR_MAX_PAGES` pages (settings, default 20), images over `PLAN_OCR_MAX_PIXELS` (default
40 million) are refused, and every program run has a timeout (`PLAN_OCR_TIMEOUT`, default 120 s per page).
"""

import re
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


def _tesseract_words(image: Path) -> list[dict]:
    """The words Tesseract reads on one image, with their boxes (pixels) and confidence (0–100)."""
    try:
        result = subprocess.run(["tesseract", str(image), "stdout", "-l", "vie", "--psm", "3", "tsv"],
                                capture_output=True, timeout=_setting("PLAN_OCR_TIMEOUT", 120), check=True)
    except subprocess.TimeoutExpired as exc:
        raise PlanFileError("Đọc chữ từ ảnh (OCR) quá lâu; hãy tải lên bản Word hoặc PDF có lớp chữ.") from exc
    except (subprocess.CalledProcessError, OSError) as exc:
        raise PlanFileError("Không đọc được chữ từ ảnh (OCR): tệp ảnh bị hỏng hoặc không đúng định dạng.") from exc
    words = []
    for row in result.stdout.decode("utf-8", "replace").splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        if re.fullmatch(r"[|\[\]{}()!lI]?[|\[\]]|[|]", cols[11].strip()):
            continue  # a table rule read as a character
        left, top, width, height = (int(c) for c in cols[6:10])
        words.append({"text": cols[11].strip(), "x0": left, "x1": left + width, "top": top, "bottom": top + height,
                      "size": height, "conf": max(float(cols[10]), 0.0)})
    return words


def _page(image: Path, state: dict) -> list[tuple[str, float | None]]:
    """Lines (text, confidence) of one page image, in reading order (the layout rules of a PDF's text layer)."""
    from PIL import Image

    from .pdf import layout_lines

    with Image.open(image) as img:
        width = img.width
    words = _tesseract_words(image)
    if words:
        # Tesseract's word heights vary with the marks; the line's median height stands for the font size
        heights = sorted(w["bottom"] - w["top"] for w in words)
        typical = heights[len(heights) // 2]
        for word in words:
            word["size"] = typical
    else:
        typical = 30
    tables = header_tables(words, typical / 2)
    return [(_clean(str(line)), getattr(line, "conf", None))
            for line in layout_lines(words, width, tables, state, tolerance=typical / 2)]


RE_OCR_DASH = re.compile(r"^[:;.,~_=—–•·]+\s+(?=\S)")


def _clean(line: str) -> str:
    """A bullet dash that Tesseract read as ":", ".", "~"… at the start of a line is a dash."""
    return RE_OCR_DASH.sub("- ", line)


ROW_LABEL = re.compile(r"^(?:\d{1,3}|[IVX]{1,5}|[A-Z])\.?$")


def header_tables(words: list[dict], tolerance: float) -> list[tuple[tuple, list[list[str]]]]:
    """Task tables on a scanned page, found by their header (STT | Nội dung | … chủ trì | …): the header's
    column gaps give the columns; a line with a number (or a Roman numeral) in the first column starts a row;
    a Roman-numbered row is a group row (its text in the content column)."""
    from .parser import fold
    from .pdf import _lines, _segments

    lines = _lines(words, tolerance)
    for index, line in enumerate(lines):
        segments = _segments(line)
        head = fold(" ".join(w["text"] for w in line + (lines[index + 1] if index + 1 < len(lines) else [])))
        if len(segments) < 3 or "chu tri" not in head or not ("noi dung" in head or "nhiem vu" in head):
            continue
        starts = [seg[0]["x0"] for seg in segments]
        bounds = [(segments[k - 1][-1]["x1"] + segments[k][0]["x0"]) / 2 for k in range(1, len(segments))]

        def column(word, bounds=bounds) -> int:
            centre = (word["x0"] + word["x1"]) / 2
            return sum(centre > b for b in bounds)

        header = [[w["text"] for w in seg] for seg in segments]
        rows: list[list[list[str]]] = []
        bottom = max(w["bottom"] for w in line)
        for following in lines[index + 1:]:
            if following[0]["top"] - bottom > 3 * following[0]["size"]:
                break
            cells: list[list[str]] = [[] for _ in starts]
            for word in following:
                cells[column(word)].append(word["text"])
            first = " ".join(cells[0])
            if ROW_LABEL.match(first):
                rows.append(cells)
            elif rows:
                for k, cell in enumerate(cells):
                    rows[-1][k].extend(cell)
            else:
                for k, cell in enumerate(cells):
                    header[k].extend(cell)
            bottom = max(w["bottom"] for w in following)
        grid = [[" ".join(c) for c in header]]
        for row in rows:
            texts = [" ".join(c) for c in row]
            if re.fullmatch(r"[IVX]{1,5}\.?", texts[0]) and len(texts) > 1:
                texts = [texts[0], " ".join(t for t in texts[1:] if t)] + [""] * (len(texts) - 2)
            grid.append(texts)
        box = (min(w["x0"] for w in line) - 5, line[0]["top"] - 2, max(w["x1"] for w in words) + 5, bottom + 2)
        return [(box, grid)]
    return []


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
        lines: list[tuple[str, float | None]] = []
        state: dict = {}
        for image in sorted(Path(tmp).glob("page-*.png")):
            _check_pixels(image)
            lines.extend(_page(image, state))
            lines.append(("", None))
        if state.get("carry"):
            left, right = state.pop("carry")
            lines.extend((str(t), getattr(t, "conf", None)) for t in left + right)
        return lines


def ocr_image(data: bytes, suffix: str) -> list[tuple[str, float]]:
    """Lines (text, confidence) of a photo or scan of one page (.jpg, .png)."""
    _require()
    with tempfile.TemporaryDirectory(prefix="pcmd-ocr-") as tmp:
        image = Path(tmp) / f"page{suffix}"
        image.write_bytes(data)
        _check_pixels(image)
        state: dict = {}
        lines = _page(image, state)
        if state.get("carry"):
            left, right = state.pop("carry")
            lines.extend((str(t), getattr(t, "conf", None)) for t in left + right)
        return lines
