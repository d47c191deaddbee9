"""Status of an indicator against its target: met, on track, behind, missed (docs/targets-and-forecast.md).

elapsed = whole days passed before `today` / days in the period, clamped to 0..1 (day 1: 0, the last
day: (n-1)/n, after the end: 1). While the period runs:
- higher-is-better targets (gte, gt, eq, range): indicators that accumulate (counts, shares reached
  so far) must reach target × elapsed ("expected"); the others (rates) the full target. Reached:
  on track, else behind. An accumulating indicator that already reached the full target is met (counts
  never go down; a share reached so far falls only when its base grows, and the status is recomputed
  on every page load).
- lower-is-better targets (lte, lt; "no new hotspots" is lte 0): a count above the limit is missed
  at once (it cannot go back down); otherwise on track. A rate above the limit is behind.
When the period has ended: met or missed against the full target.
eq is "reach": 100% means at least 100%. range is met from its lower bound; above value_max is met too
(the program's ranges, "02–04 sessions", "25–90% of students", are a floor with an aim).
A count target is a year's figure: for a half, quarter or month it is prorated by days ("80–100
cases a year" is 20–25 for a quarter); a percentage target applies as it is to any period.
A percentage without denominator (Value.value None) is no data. A count absent from the engine's
result (no record) is 0. A target without figure (qualitative) is no target.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import models

from pcmd.core.periods import Period

from .catalogue import Indicator
from .engine import Value
from .targets import TargetValue


class Status(models.TextChoices):
    MET = "dat", "Đạt"
    ON_TRACK = "dung_tien_do", "Đúng tiến độ"
    BEHIND = "cham", "Chậm"
    MISSED = "khong_dat", "Không đạt"
    NO_DATA = "chua_co_so_lieu", "Chưa có số liệu"
    NO_TARGET = "khong_co_chi_tieu", "Chưa có chỉ tiêu"


COLOURS = {
    Status.MET: "success",
    Status.ON_TRACK: "info",
    Status.BEHIND: "warning",
    Status.MISSED: "danger",
    Status.NO_DATA: "secondary",
    Status.NO_TARGET: "secondary",
}

HIGHER = ("gte", "gt", "eq", "range", "")
LOWER = ("lte", "lt")


@dataclass(frozen=True)
class Judgement:
    status: Status
    target: TargetValue | None
    actual: float | None
    expected: float | None  # what the target requires by `today`
    achievement: float | None  # % of the target reached (lower-is-better: 100 within the limit)
    elapsed: float  # 0..1 share of the period elapsed

    @property
    def colour(self) -> str:
        return COLOURS[self.status]

    @property
    def label(self) -> str:
        return self.status.label


def elapsed_share(period: Period, today: datetime.date) -> float:
    """Whole days passed before `today` over the days of the period, clamped to 0..1."""
    if today > period.end:
        return 1.0
    days = (period.end - period.start).days + 1
    return min(1.0, max(0.0, (today - period.start).days / days))


def judge(indicator: Indicator, target: TargetValue | None, value: Value | None, period: Period,
          today: datetime.date) -> Judgement:
    elapsed = elapsed_share(period, today)
    if value is None:
        actual = 0.0 if indicator.metric == "count" else None
    else:
        actual = None if value.value is None else float(value.value)
    if target is None or target.value is None:
        return Judgement(Status.NO_TARGET, target, actual, None, None, elapsed)
    goal = float(target.value) * _share_of_year(indicator, period)
    ended = today > period.end
    if today < period.start or actual is None:
        return Judgement(Status.NO_DATA, target, actual, None, None, elapsed)

    if target.comparator in LOWER:
        within = _within(actual, goal, target.comparator)
        if within:
            achievement = 100.0
        else:
            achievement = 100 * goal / actual if goal > 0 else 0.0
        if within:
            status = Status.MET if ended else Status.ON_TRACK
        elif ended or indicator.accumulates:
            status = Status.MISSED
        else:
            status = Status.BEHIND
        return Judgement(status, target, actual, goal, achievement, elapsed)

    achievement = 100 * actual / goal if goal else 100.0
    reached = _reached(actual, goal, target.comparator)
    if ended:
        status = Status.MET if reached else Status.MISSED
        return Judgement(status, target, actual, goal, achievement, elapsed)
    expected = goal * elapsed if indicator.accumulates else goal
    if reached and indicator.accumulates:
        status = Status.MET
    elif reached if not indicator.accumulates else actual >= expected - 1e-9:
        status = Status.ON_TRACK
    else:
        status = Status.BEHIND
    return Judgement(status, target, actual, expected, achievement, elapsed)


def _share_of_year(indicator: Indicator, period: Period) -> float:
    """The part of a yearly count target that falls to a shorter period (1 for a year, a phase or a %)."""
    if indicator.metric != "count" or period.kind not in ("half", "quarter", "month"):
        return 1.0
    year_days = (datetime.date(period.start.year, 12, 31) - datetime.date(period.start.year, 1, 1)).days + 1
    return ((period.end - period.start).days + 1) / year_days


def _reached(actual: float, goal: float, comparator: str) -> bool:
    if comparator == "gt":
        return actual > goal
    return actual >= goal - 1e-9  # gte, eq ("reach"), range (from its lower bound)


def _within(actual: float, limit: float, comparator: str) -> bool:
    if comparator == "lt" and limit > 0:
        return actual < limit
    return actual <= limit + 1e-9  # lte; "dưới 0" can only mean none

