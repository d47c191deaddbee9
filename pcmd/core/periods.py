"""Reporting periods, coded as DHIS2 does, with Vietnamese labels.

Codes: "2026" (year), "2026S1" / "2026S2" (six months), "2026Q2" (quarter), "202605" (month) and
plan phases "2026-2030". `Period.parse(code)` gives the start and end dates (both inclusive) and
the label officials write ("Quý II năm 2026", "6 tháng đầu năm 2026", "Giai đoạn 2026-2030").
"""

import calendar
import datetime
import re
from dataclasses import dataclass

MIN_YEAR, MAX_YEAR = 1990, 2100
PHASE_ORIGIN = 2021  # national programme phases run 2021-2025, 2026-2030, …
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
KINDS = {"year": "Năm", "half": "6 tháng", "quarter": "Quý", "month": "Tháng", "phase": "Giai đoạn"}

_PATTERNS = [
    ("phase", re.compile(r"^(\d{4})-(\d{4})$")),
    ("half", re.compile(r"^(\d{4})S([12])$")),
    ("quarter", re.compile(r"^(\d{4})Q([1-4])$")),
    ("month", re.compile(r"^(\d{4})(\d{2})$")),
    ("year", re.compile(r"^(\d{4})$")),
]


class PeriodError(ValueError):
    """A period code that cannot be read; the message is Vietnamese, for the user."""


@dataclass(frozen=True, order=True)
class Period:
    start: datetime.date
    end: datetime.date
    kind: str
    code: str

    @classmethod
    def parse(cls, code: str) -> "Period":
        text = (code or "").strip().upper()
        for kind, pattern in _PATTERNS:
            match = pattern.match(text)
            if match:
                return cls._build(kind, text, *map(int, match.groups()))
        raise PeriodError(
            f"Mã kỳ “{code}” không hợp lệ. Hãy dùng: 2026 (năm), 2026S1 hoặc 2026S2 (6 tháng), "
            "2026Q2 (quý), 202605 (tháng) hoặc 2026-2030 (giai đoạn)."
        )

    @classmethod
    def _build(cls, kind: str, code: str, year: int, part: int | None = None) -> "Period":
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise PeriodError(f"Năm {year} nằm ngoài khoảng {MIN_YEAR}–{MAX_YEAR}.")
        if kind == "year":
            return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31), kind, code)
        if kind == "half":
            first_month = 1 if part == 1 else 7
            return cls(datetime.date(year, first_month, 1), _month_end(year, first_month + 5), kind, code)
        if kind == "quarter":
            first_month = 3 * part - 2
            return cls(datetime.date(year, first_month, 1), _month_end(year, first_month + 2), kind, code)
        if kind == "month":
            if not 1 <= part <= 12:
                raise PeriodError(f"Tháng {part} không có trong năm; tháng phải từ 01 đến 12.")
            return cls(datetime.date(year, part, 1), _month_end(year, part), kind, code)
        # phase: part is the last year
        if not MIN_YEAR <= part <= MAX_YEAR or part <= year:
            raise PeriodError(f"Giai đoạn {year}-{part} không hợp lệ: năm kết thúc phải sau năm bắt đầu.")
        return cls(datetime.date(year, 1, 1), datetime.date(part, 12, 31), kind, code)

    @classmethod
    def containing(cls, day: datetime.date, kind: str = "year") -> "Period":
        """The period of `kind` (year, half, quarter, month) that contains `day`."""
        if kind == "year":
            return cls.parse(f"{day.year}")
        if kind == "half":
            return cls.parse(f"{day.year}S{1 if day.month <= 6 else 2}")
        if kind == "quarter":
            return cls.parse(f"{day.year}Q{(day.month - 1) // 3 + 1}")
        if kind == "month":
            return cls.parse(f"{day.year}{day.month:02d}")
        raise PeriodError(f"Loại kỳ “{kind}” không được hỗ trợ.")

    @property
    def label(self) -> str:
        year = self.start.year
        if self.kind == "year":
            return f"Năm {year}"
        if self.kind == "half":
            return f"6 tháng {'đầu' if self.start.month == 1 else 'cuối'} năm {year}"
        if self.kind == "quarter":
            return f"Quý {ROMAN[(self.start.month - 1) // 3 + 1]} năm {year}"
        if self.kind == "month":
            return f"Tháng {self.start.month} năm {year}"
        return f"Giai đoạn {year}-{self.end.year}"

    def __str__(self) -> str:
        return self.label

    def __contains__(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end

    def is_future(self, today: datetime.date) -> bool:
        return self.start > today

    def previous(self) -> "Period":
        """The period of the same kind just before this one (a phase steps back by its own length)."""
        if self.kind == "phase":
            years = self.end.year - self.start.year + 1
            return Period.parse(f"{self.start.year - years}-{self.end.year - years}")
        return Period.containing(self.start - datetime.timedelta(days=1), self.kind)


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def recent_periods(today: datetime.date, *, years: int = 3) -> list[Period]:
    """Choices for a period picker, newest first: this and previous years with halves, quarters, months so far."""
    periods: list[Period] = []
    for year in range(today.year, today.year - years, -1):
        periods.append(Period.parse(str(year)))
        for half in (2, 1):
            p = Period.parse(f"{year}S{half}")
            if p.start <= today:
                periods.append(p)
        for quarter in (4, 3, 2, 1):
            p = Period.parse(f"{year}Q{quarter}")
            if p.start <= today:
                periods.append(p)
        for month in range(12, 0, -1):
            p = Period.parse(f"{year}{month:02d}")
            if p.start <= today:
                periods.append(p)
    # The five-year programme phases (2021-2025, 2026-2030…): the current one and the one before.
    first = PHASE_ORIGIN + (today.year - PHASE_ORIGIN) // 5 * 5
    periods += [Period.parse(f"{first}-{first + 4}"), Period.parse(f"{first - 5}-{first - 1}")]
    return periods


def period_from_query(code: str | None, today: datetime.date, default_kind: str = "year") -> tuple[Period, str]:
    """The period a page asked for (default: the current year, or `default_kind`) and an error message
    if the code was bad."""
    if not code:
        return Period.containing(today, default_kind), ""
    try:
        return Period.parse(code), ""
    except PeriodError as exc:
        return Period.containing(today, default_kind), str(exc)


def year_from_query(raw: str | None, default: int, *, first: int = MIN_YEAR, last: int = MAX_YEAR) -> tuple[int, str]:
    """The year a page asked for with `?nam=` (`default` when absent) and a Vietnamese message if it was not a
    year from `first` to `last` (then `default` is shown)."""
    text = (raw or "").strip()
    if not text:
        return default, ""
    if len(text) == 4 and text.isascii() and text.isdigit() and first <= int(text) <= last:
        return int(text), ""
    shown = text if len(text) <= 20 else f"{text[:20]}…"
    return default, f"Năm “{shown}” không hợp lệ: năm phải từ {first} đến {last}. Đang hiển thị năm {default}."


def label_of(code: str) -> str:
    """The Vietnamese label of a stored period code ("2026Q4" -> "Quý IV năm 2026"); an unreadable code as is."""
    try:
        return Period.parse(code).label
    except PeriodError:
        return code


def lower_first(label: str) -> str:
    """A label inside a sentence: "Quý III năm 2026" -> "quý III năm 2026" (str.lower() would give "quý iii")."""
    return label[:1].lower() + label[1:]
