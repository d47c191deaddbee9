"""Text of a PDF with a text layer, in reading order, with its assignment tables as " | " rows (pdfplumber).

* Words are grouped into lines by position; a gap much wider than a space splits a line into segments.
* A **two-column block** (the header: issuing body | national motto; the closing: recipients | signature) is a run
  of lines whose segments all stay on one side of the page's middle, starting at a line that has text on both
  sides: its left column is read first, then its right column (as in the .docx, where both are table cells).
* A **ruled table** whose header names "chủ trì" (or "nội dung" and "thời gian") is written one row per line, one
  cell per column joined by " | ", a cell merged across columns giving empty cells after it and a cell merged
  down repeating the text above, exactly as `extract._table_grid` writes a .docx table. A table that continues on
  the next page without its header continues the rows.
* A lone page number at the top or bottom of a page is dropped.
"""

import io
import re
import statistics

LINE_TOLERANCE = 3.0  # points: words whose tops differ less are on one line
PAGE_NUMBER = re.compile(r"^\s*-?\s*\d{1,3}\s*-?\s*$")


def _is_task_header(cells: list[str]) -> bool:
    words = " ".join(cells).lower()
    return len(cells) >= 3 and ("chủ trì" in words or ("nội dung" in words and "thời gian" in words))


def _grid(table) -> list[list[str]]:
    rows = table.extract()
    if not rows:
        return []
    width = max(len(r) for r in rows)
    starts: list[float | None] = [None] * width
    for row in table.rows:
        for j, cell in enumerate(row.cells):
            if cell is not None and starts[j] is None:
                starts[j] = cell[0]
    out, above = [], [""] * width
    for row, texts in zip(table.rows, rows, strict=False):
        line = [""] * width
        for j in range(width):
            text = texts[j] if j < len(texts) else None
            if text is not None:
                line[j] = " ".join(text.split())
                continue
            left = next((row.cells[k] for k in range(j - 1, -1, -1) if row.cells[k] is not None), None)
            spanned = left is not None and starts[j] is not None and left[2] > starts[j] + 1
            line[j] = "" if spanned else above[j]
        out.append(line)
        above = line
    return out


def _lines(words: list[dict], tolerance: float = LINE_TOLERANCE) -> list[list[dict]]:
    """Words grouped into lines by their vertical centre (a scan's words differ in height with their marks)."""
    lines: list[list[dict]] = []
    centre = None
    for word in sorted(words, key=lambda w: ((w["top"] + w["bottom"]) / 2, w["x0"])):
        middle = (word["top"] + word["bottom"]) / 2
        if lines and abs(middle - centre) <= tolerance:
            lines[-1].append(word)
        else:
            lines.append([word])
            centre = middle
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


def _segments(line: list[dict]) -> list[list[dict]]:
    size = statistics.median(w.get("size") or (w["bottom"] - w["top"]) for w in line)
    segments = [[line[0]]]
    for previous, word in zip(line, line[1:], strict=False):
        if word["x0"] - previous["x1"] > 2.2 * size:
            segments.append([word])
        else:
            segments[-1].append(word)
    return segments


class Line(str):
    """A line of text that remembers the mean confidence of its OCR words (None for a text layer)."""

    conf: float | None = None


def _text(words: list[dict]) -> Line:
    line = Line(" ".join(w["text"] for w in words))
    confs = [w["conf"] for w in words if w.get("conf") is not None]
    line.conf = round(sum(confs) / len(confs), 1) if confs else None
    return line


def page_lines(page, state: dict) -> list[str]:
    """The page's lines in reading order (`state` carries an open task table or two-column block over to the
    next page)."""
    tables: list[tuple[tuple, list[list[str]]]] = []
    for table in page.find_tables():
        grid = _grid(table)
        if not grid:
            continue
        continues = state.get("columns") == len(grid[0]) and table.bbox[1] < page.height * 0.25
        if _is_task_header(grid[0]) or continues:
            state["columns"] = len(grid[0])
            tables.append((table.bbox, grid))
        else:
            state.pop("columns", None)
    words = page.extract_words(extra_attrs=["size"], keep_blank_chars=False)
    return layout_lines(words, page.width, tables, state)


def layout_lines(words: list[dict], width: float, tables: list, state: dict,
                 tolerance: float = LINE_TOLERANCE) -> list[str]:
    """Lines in reading order from positioned words (x0, x1, top, bottom, text, size): the text of a PDF page
    or the words Tesseract read on a scanned one. `tables` are (bbox, grid) task tables written as rows."""
    items: list[tuple[float, list[str]]] = [(bbox[1], [" | ".join(row) for row in grid]) for bbox, grid in tables]
    boxes = [bbox for bbox, _ in tables]
    x_mid = width / 2

    def inside(word) -> bool:
        return any(b[0] - 1 <= word["x0"] and word["x1"] <= b[2] + 1 and b[1] - 1 <= word["top"] and
                   word["bottom"] <= b[3] + 1 for b in boxes)

    words = [w for w in words if not inside(w)]
    lines = _lines(words, tolerance)
    # drop a page number standing alone at the top or bottom
    for index in (0, -1):
        if lines and PAGE_NUMBER.match(_text(lines[index])) and len(lines) > 1:
            lines.pop(index)
    block: list[tuple[float, list[list[dict]]]] = []
    carried = state.pop("carry", None)  # a two-column block the previous page ended in (left, right)

    def columns() -> tuple[list[str], list[str]]:
        left = [_text([w for seg in segs if seg[-1]["x1"] <= x_mid + 2 for w in seg]) for _, segs in block]
        right = [_text([w for seg in segs if seg[-1]["x1"] > x_mid + 2 for w in seg]) for _, segs in block]
        return [t for t in left if t], [t for t in right if t]

    def flush() -> None:
        nonlocal carried
        if not block and not carried:
            return
        left, right = columns()
        top = block[0][0] if block else -1.0
        if carried:
            left, right, top = carried[0] + left, carried[1] + right, -1.0
            carried = None
        items.append((top, left + right))
        block.clear()

    previous_bottom = None
    for line in lines:
        segments = _segments(line)
        sides = set()
        crosses = False
        for seg in segments:
            if seg[-1]["x1"] <= x_mid + 2:
                sides.add("L")
            elif seg[0]["x0"] >= x_mid - 30:
                sides.add("R")
            else:
                crosses = True
        top = line[0]["top"]
        gap = top - previous_bottom if previous_bottom is not None else 0
        previous_bottom = max(w["bottom"] for w in line)
        if not crosses and (block or carried or sides == {"L", "R"}):
            block.append((top, segments))
            continue
        flush()
        size = line[0].get("size") or 12
        text = _text(line)
        items.append((top, ([Line("")] if gap > 0.9 * size else []) + [text]))
    if block and lines and block[-1][1][-1][-1] is lines[-1][-1]:
        # the page ends inside the block (the closing block often runs over a page): continue it on the next
        left, right = columns()
        state["carry"] = ((carried or ([], []))[0] + left, (carried or ([], []))[1] + right)
        block.clear()
        carried = None
    flush()
    items.sort(key=lambda item: item[0])
    return [line for _, group in items for line in group]


def pdf_lines(data: bytes, max_pages: int) -> tuple[list[str], int]:
    """(lines of the first `max_pages` pages in reading order, number of pages)."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        state: dict = {}
        lines: list[str] = []
        for page in pdf.pages[:max_pages]:
            lines.extend(page_lines(page, state))
            lines.append("")
        if state.get("carry"):
            left, right = state.pop("carry")
            lines.extend(left + right)
        return lines, len(pdf.pages)
