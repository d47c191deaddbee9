"""Year-end forecast of a count indicator from its monthly series (docs/targets-and-forecast.md).

Method: the monthly rate is the mean of the completed months observed. While fewer than 6 months of
the year are complete, the previous year's later months are added so the rate rests on the last
12 completed months (one extra query); the previous year is left out when it has no record at all
(the registry did not exist yet). What remains of the year, the rest of the current month included,
is Poisson(rate × months left). expected = count to date + rate × months left; the 80% interval is
count to date + the Poisson 10% and 90% quantiles. After December 31st nothing remains: the interval
is the actual count. Zero targets ("no new hotspots") are met with probability P(remaining = 0)
when none occurred so far.
"""

from __future__ import annotations

import calendar
import datetime
import math
from collections.abc import Iterable
from dataclasses import dataclass

from .catalogue import BY_CODE
from .engine import monthly_series
from .targets import TargetValue

LOW_Q, HIGH_Q = 0.1, 0.9  # the 80% interval
SURE = 0.8  # a chance at least this high (or this low the other way) gives a verdict


def poisson_cdf(k: int, mean: float) -> float:
    """P(X <= k) for X ~ Poisson(mean), summed in log space (no underflow for large means)."""
    if k < 0:
        return 0.0
    if mean <= 0:
        return 1.0
    start = max(0, int(mean - 12 * math.sqrt(mean) - 12))  # below it the mass is < 1e-30
    if k < start:
        return 0.0
    log_mean = math.log(mean)
    total = 0.0
    for i in range(start, k + 1):
        term = math.exp(i * log_mean - mean - math.lgamma(i + 1))
        total += term
        if i > mean and term < 1e-17:
            break
    return min(1.0, total)


def poisson_quantile(p: float, mean: float) -> int:
    """The smallest k with P(X <= k) >= p."""
    if mean <= 0:
        return 0
    start = max(0, int(mean - 12 * math.sqrt(mean) - 12))
    log_mean = math.log(mean)
    total = 0.0
    k = start
    while True:
        total += math.exp(k * log_mean - mean - math.lgamma(k + 1))
        if total >= p - 1e-12:
            return k
        k += 1


@dataclass(frozen=True)
class Forecast:
    code: str
    year: int
    monthly: list[int]  # 12 monthly counts of the year so far
    months_observed: int  # completed months the rate rests on
    to_date: int  # counted so far this year
    expected: float  # year-end forecast
    low: int  # 80% interval
    high: int
    method: str  # one Vietnamese line
    rate: float = 0.0  # per month
    months_left: float = 0.0  # what remains of the year, in months

    @property
    def remaining_mean(self) -> float:
        return self.rate * self.months_left

    def chance_at_least(self, n) -> float:
        """P(year-end count >= n)."""
        need = math.ceil(n) - self.to_date
        if need <= 0:
            return 1.0
        return max(0.0, 1.0 - poisson_cdf(need - 1, self.remaining_mean))

    def chance_at_most(self, n) -> float:
        """P(year-end count <= n); for a zero target P(remaining == 0) when none occurred so far."""
        room = math.floor(n) - self.to_date
        if room < 0:
            return 0.0
        return poisson_cdf(room, self.remaining_mean)

    def chance(self, target: TargetValue | None) -> float | None:
        """Probability that the year-end count meets the target (None without a figure)."""
        if target is None or target.value is None:
            return None
        value = float(target.value)
        if target.comparator == "gt":
            return self.chance_at_least(math.floor(value) + 1)
        if target.comparator == "lte":
            return self.chance_at_most(value)
        if target.comparator == "lt":
            return self.chance_at_most(math.ceil(value) - 1 if value > 0 else 0)
        return self.chance_at_least(value)  # gte, eq, range (from its lower bound)

    def verdict(self, target: TargetValue | None) -> str:
        p = self.chance(target)
        if p is None:
            return "Khó xác định (chưa có chỉ tiêu)"
        words = f"khả năng đạt {round(100 * p)}%"
        if p >= SURE:
            return f"Dự báo đạt ({words})"
        if p <= 1 - SURE:
            return f"Dự báo không đạt ({words})"
        return f"Khó xác định ({words})"


def completed_months(year: int, today: datetime.date) -> int:
    if year < today.year:
        return 12
    if year > today.year:
        return 0
    return today.month - 1


def months_left(year: int, today: datetime.date) -> float:
    """What remains of the year after `today` (today counted as elapsed), in months."""
    if year < today.year or (year == today.year and today.month == 12 and today.day == 31):
        return 0.0
    if year > today.year:
        return 12.0
    days = calendar.monthrange(year, today.month)[1]
    return (12 - today.month) + (days - today.day) / days


def build(code: str, year: int, monthly: list[int], previous: list[int] | None, today: datetime.date) -> Forecast:
    """The forecast from the year's 12 monthly counts (and the previous year's, when fewer than 6 are complete)."""
    done = completed_months(year, today)
    to_date = sum(monthly)
    left = months_left(year, today)
    observed = list(monthly[:done])
    if done < 6 and previous and any(previous):
        observed = list(previous[done:completed_months(year - 1, today)]) + observed
    rate = sum(observed) / len(observed) if observed else 0.0
    mean = rate * left
    if left == 0:
        method = "Số liệu cả năm: năm đã kết thúc, dự báo bằng số thực tế."
        return Forecast(code, year, list(monthly), done, to_date, float(to_date), to_date, to_date, method, rate, 0.0)
    low, high = to_date + poisson_quantile(LOW_Q, mean), to_date + poisson_quantile(HIGH_Q, mean)
    if observed:
        method = (f"Bình quân {_vn(rate)}/tháng của {len(observed)} tháng đã qua; phần còn lại của năm "
                  f"({_vn(left)} tháng) ước theo phân phối Poisson, khoảng tin cậy 80%.")
    else:
        method = "Chưa có tháng nào có số liệu: dự báo bằng số đã ghi nhận, độ tin cậy thấp."
    return Forecast(code, year, list(monthly), len(observed), to_date, to_date + mean, low, high, method, rate, left)


def _vn(x: float) -> str:
    return f"{x:.1f}".replace(".", ",")


def forecastable(code: str) -> bool:
    indicator = BY_CODE.get(code)
    return indicator is not None and indicator.metric == "count" and indicator.forecast


def forecast(code: str, *, level: str, units: Iterable | None, year: int, today: datetime.date) -> Forecast | None:
    """Year-end forecast of count indicator `code` over `units` taken together; None unless forecast=True.

    One query for the year's series, one more for the previous year while fewer than 6 months are complete.
    """
    if not forecastable(code):
        return None
    units = None if units is None else list(units)
    try:
        monthly = monthly_series(code, level=level, units=units, year=year)
    except (ValueError, NotImplementedError):
        return None
    previous = None
    if completed_months(year, today) < 6:
        previous = monthly_series(code, level=level, units=units, year=year - 1)
    return build(code, year, monthly, previous, today)
