"""A task's timing as written ("Quý II/2026", "trước ngày 30/6", "6 tháng đầu năm", "thường xuyên") and the due
date it means.

`timing_in(text)` finds the timing words of a task's sentence; `due_date(timing, year)` turns them into a date:
a date ("trước ngày 30/6/2026", "30/6/2026") is that date; a day and month without a year take `year` (the plan's
year); "Quý II/2026" is the quarter's last day; "Tháng 6/2026" the month's last day; "6 tháng đầu năm" 30/06 and
"6 tháng cuối năm" / "Năm 2026" 31/12. Recurring or open timing ("thường xuyên", "hằng năm", "hằng quý") has no
due date; the text is kept.
"""

import calendar
import re
from datetime import date

QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_YEAR = r"(?:\s*/\s*|\s+năm\s+)(?P<y>20\d\d)"
RE_LABELLED = re.compile(r"\b(?:Thời\s+(?:gian|hạn)(?:\s+(?:thực\s+hiện|hoàn\s+thành))?|Tiến\s+độ)\s*:\s*"
                         r"(?P<t>[^.;()]+(?:\.\d[^.;()]*)?)", re.IGNORECASE)
TIMING_PATTERNS = [
    re.compile(r"(?:trước|chậm\s+nhất(?:\s+là)?(?:\s+đến)?|hoàn\s+thành\s+trong)\s+(?:ngày\s+)?\d{1,2}\s*"
               r"(?:/|\s+tháng\s+)\s*\d{1,2}(?:\s*(?:/|\s+năm\s+)\s*20\d\d)?", re.IGNORECASE),
    re.compile(r"\b[Qq]uý\s+(?:IV|I{1,3}|[1-4])\b(?:" + _YEAR + ")?"),
    re.compile(r"\b(?:0?6|sáu)\s+tháng\s+(?:đầu|cuối)\s+năm(?:\s+20\d\d)?", re.IGNORECASE),
    re.compile(r"\b[Tt]háng\s+\d{1,2}\s*/\s*20\d\d"),
    re.compile(r"\b(?:thường\s+xuyên|hằng\s+(?:năm|quý|tháng)|hàng\s+(?:năm|quý|tháng)|định\s+kỳ\s+hằng\s+\w+|"
               r"liên\s+tục)\b", re.IGNORECASE),
]


def timing_in(text: str) -> str | None:
    """The timing words of a task's text, or None. Clauses about reporting ("báo cáo … trước ngày 15/6") are a
    reporting duty's deadline, not the task's."""
    m = RE_LABELLED.search(text)
    if m:
        return " ".join(m["t"].split()).strip(" ,")
    for clause in re.split(r"(?<=[.;])\s+", text):
        if re.search(r"báo\s+cáo", clause, re.IGNORECASE):
            continue
        for pattern in TIMING_PATTERNS:
            for found in pattern.finditer(clause):
                if re.search(r"(?:kế\s+hoạch|chương\s+trình|kinh\s+phí|dự\s+toán)\s*$", clause[:found.start()],
                             re.IGNORECASE):
                    continue  # "kế hoạch hằng năm" is a kind of plan, not the task's timing
                return " ".join(found.group(0).split())
    return None


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def due_date(timing: str | None, year: int | None = None) -> date | None:
    """The date `timing` means (see the module docstring); None when it is recurring, open or unreadable."""
    if not timing:
        return None
    text = " ".join(timing.split())
    try:
        m = re.search(r"(?P<d>\d{1,2})\s*(?:/|\s+tháng\s+)\s*(?P<m>\d{1,2})(?:\s*(?:/|\s+năm\s+)\s*(?P<y>20\d\d))?"
                      r"(?!\s*/?\s*\d)", text)
        if m and not re.match(r"\s*[Tt]háng\s*$", text[:m.start()]) and not re.search(r"[Qq]uý\s*$",
                                                                                       text[:m.start()]):
            y = int(m["y"]) if m["y"] else year
            return date(y, int(m["m"]), int(m["d"])) if y else None
        m = re.search(r"[Qq]uý\s+(?P<q>IV|I{1,3}|[1-4])\b(?:" + _YEAR + ")?", text)
        if m:
            y = int(m["y"]) if m["y"] else year
            return _last_day(y, QUARTERS[m["q"].lower()] * 3) if y else None
        m = re.search(r"(?:0?6|sáu)\s+tháng\s+(?P<half>đầu|cuối)\s+năm(?:\s+(?P<y>20\d\d))?", text, re.IGNORECASE)
        if m:
            y = int(m["y"]) if m["y"] else year
            return (date(y, 6, 30) if m["half"].lower() == "đầu" else date(y, 12, 31)) if y else None
        m = re.search(r"[Tt]háng\s+(?P<m>\d{1,2})\s*(?:/|\s+năm\s+)\s*(?P<y>20\d\d)", text)
        if m:
            return _last_day(int(m["y"]), int(m["m"]))
        if re.search(r"thường\s+xuyên|hằng\s+|hàng\s+|liên\s+tục|định\s+kỳ", text, re.IGNORECASE):
            return None
        m = re.search(r"(?:^|trong\s+)năm\s+(?P<y>20\d\d)\s*$", text, re.IGNORECASE)
        if m:
            return date(int(m["y"]), 12, 31)
    except ValueError:  # 31/2, month 13
        return None
    return None
