"""Year-end forecasts: Poisson quantiles written by hand, edges of the year, the series from the database."""

import datetime
import math
from decimal import Decimal

import pytest

from pcmd.enforcement.models import CriminalCase, Offence
from pcmd.geo.models import AdminUnit, Level
from pcmd.indicators.forecast import build, forecast, months_left, poisson_cdf, poisson_quantile
from pcmd.indicators.targets import TargetValue

D = datetime.date


def tv(value, comparator="gte"):
    return TargetValue(code="CASES_DETECTED", comparator=comparator, value=Decimal(value), value_max=None, year=2026,
                       target_id=1, plan_id=1, plan_label="Kế hoạch 1/KH", text="", inherited=False, metric="count")


def test_poisson_by_hand():
    assert poisson_cdf(3, 2.0) == pytest.approx(math.exp(-2) * (1 + 2 + 2 + 4 / 3))
    assert poisson_cdf(0, 1.5) == pytest.approx(math.exp(-1.5))
    assert poisson_cdf(-1, 1.0) == 0.0 and poisson_cdf(5, 0.0) == 1.0
    assert poisson_quantile(0.5, 0.0) == 0
    assert poisson_quantile(0.1, 2.0) == 0 and poisson_quantile(0.9, 2.0) == 4  # cdf: .135 .406 .677 .857 .947
    # Large means do not underflow: close to the normal quantiles mean ± 1.2816 sd.
    assert abs(poisson_quantile(0.9, 10_000) - (10_000 + 1.2816 * 100)) <= 2
    assert abs(poisson_quantile(0.1, 10_000) - (10_000 - 1.2816 * 100)) <= 2


def test_constant_rate_gives_twelve_times_the_rate():
    monthly = [5] * 6 + [0] * 6
    f = build("CASES_DETECTED", 2026, monthly, None, D(2026, 6, 30))  # June complete: 6 months left
    assert f.months_left == 6 and f.months_observed == 5  # January–May completed before today's month
    assert f.rate == 5.0 and f.to_date == 30 and f.expected == pytest.approx(60.0)
    assert f.low <= 60 <= f.high
    assert (f.low, f.high) == (30 + poisson_quantile(0.1, 30), 30 + poisson_quantile(0.9, 30))
    assert "Poisson" in f.method and "5,0/tháng" in f.method


def test_part_of_the_current_month_remains():
    f = build("CASES_DETECTED", 2026, [4] * 6 + [2] + [0] * 5, None, D(2026, 7, 16))
    assert f.months_left == pytest.approx(5 + 15 / 31) and f.rate == 4.0 and f.to_date == 26
    assert f.expected == pytest.approx(26 + 4 * (5 + 15 / 31))


def test_january_first_uses_the_previous_year():
    f = build("CASES_DETECTED", 2026, [0] * 12, [3] * 12, D(2026, 1, 1))
    assert f.months_observed == 12 and f.rate == 3.0
    assert f.months_left == pytest.approx(11 + 30 / 31)
    assert f.expected == pytest.approx(3 * (11 + 30 / 31))


def test_fewer_than_six_months_take_the_last_twelve_completed_months():
    f = build("CASES_DETECTED", 2026, [1, 1, 1] + [0] * 9, [4] * 12, D(2026, 3, 15))
    assert f.months_observed == 12 and f.rate == pytest.approx((10 * 4 + 2) / 12)
    # A previous year without any record (the registry did not exist): this year's months alone.
    f = build("CASES_DETECTED", 2026, [1, 1, 1] + [0] * 9, [0] * 12, D(2026, 3, 15))
    assert f.months_observed == 2 and f.rate == 1.0
    # From July on the previous year is not used.
    f = build("CASES_DETECTED", 2026, [2] * 7 + [0] * 5, [9] * 12, D(2026, 7, 10))
    assert f.months_observed == 6 and f.rate == 2.0


def test_december_31st_and_after_the_year_collapse_to_the_actual():
    monthly = [3] * 12
    for today in (D(2026, 12, 31), D(2027, 3, 1)):
        f = build("CASES_DETECTED", 2026, monthly, None, today)
        assert (f.to_date, f.expected, f.low, f.high) == (36, 36.0, 36, 36)
        assert f.chance_at_least(36) == 1.0 and f.chance_at_least(37) == 0.0
    assert months_left(2026, D(2026, 12, 31)) == 0.0
    assert months_left(2026, D(2026, 12, 30)) == pytest.approx(1 / 31)


def test_a_year_with_no_data_and_a_flat_series_give_tight_intervals():
    f = build("CASES_DETECTED", 2026, [0] * 12, None, D(2026, 8, 1))
    assert (f.expected, f.low, f.high, f.rate) == (0.0, 0, 0, 0.0)
    flat = build("CASES_DETECTED", 2026, [2] * 11 + [0], None, D(2026, 12, 1))  # one month left, 2 a month
    assert flat.low >= 22 - 1 and flat.high <= 22 + 4 and flat.low <= flat.expected <= flat.high
    future = build("CASES_DETECTED", 2027, [0] * 12, [2] * 11 + [0], D(2026, 12, 1))
    assert future.months_left == 12 and future.rate == 2.0 and future.expected == pytest.approx(24.0)


def test_chances_and_verdicts():
    f = build("CASES_DETECTED", 2026, [5] * 6 + [0] * 6, None, D(2026, 6, 30))  # 30 so far, Poisson(30) to come
    assert f.chance_at_least(30) == 1.0
    assert f.chance_at_least(60) == pytest.approx(1 - poisson_cdf(29, 30.0))
    assert f.verdict(tv(40)).startswith("Dự báo đạt (khả năng đạt")
    assert f.verdict(tv(60)) == f"Khó xác định (khả năng đạt {round(100 * f.chance_at_least(60))}%)"
    assert f.verdict(tv(90)).startswith("Dự báo không đạt")
    assert f.chance(tv(59, "gt")) == f.chance_at_least(60)
    assert f.verdict(None) == "Khó xác định (chưa có chỉ tiêu)"


def test_zero_target_is_the_chance_of_nothing_more():
    quiet = build("HOTSPOTS_NEW", 2026, [0] * 12, [1] + [0] * 11, D(2026, 1, 31))  # one in 12 months
    assert quiet.rate == pytest.approx(1 / 12)
    assert quiet.chance(tv(0, "lte")) == pytest.approx(math.exp(-quiet.remaining_mean))
    assert quiet.verdict(tv(0, "lte")) == "Khó xác định (khả năng đạt 40%)"  # exp(-11/12) = 0.40
    already = build("HOTSPOTS_NEW", 2026, [1] + [0] * 11, None, D(2026, 3, 1))
    assert already.chance(tv(0, "lte")) == 0.0 and already.verdict(tv(0, "lte")).startswith("Dự báo không đạt")
    none = build("HOTSPOTS_NEW", 2026, [0] * 12, None, D(2026, 9, 1))
    assert none.chance(tv(0, "lte")) == 1.0 and none.chance(tv(0, "lt")) == 1.0


# ---------------------------------------------------------------------------------------------- database

@pytest.fixture
def commune(db):
    province = AdminUnit.objects.create(code="T7F", name="Tỉnh Dự Báo", level=Level.PROVINCE, path="T7F/")
    province.province = province
    province.save()
    unit = AdminUnit.objects.create(code="T7F1", name="Xã Dự Báo", level=Level.COMMUNE, parent=province,
                                    province=province, path="T7F/T7F1/")
    for day in [D(2025, m, 10) for m in range(1, 13)] + [D(2026, 1, 5), D(2026, 2, 5), D(2026, 2, 20)]:
        CriminalCase.objects.create(unit=unit, name="Vụ thử", offence=Offence.HARBOURING, detected_on=day)
    return unit


@pytest.mark.django_db
def test_forecast_from_the_registry(commune, django_assert_num_queries):
    with django_assert_num_queries(2):  # the year and, in March, the previous year
        f = forecast("CASES_DETECTED", level="commune", units=[commune.pk], year=2026, today=D(2026, 3, 1))
    assert f.monthly == [1, 2] + [0] * 10 and f.to_date == 3
    assert f.months_observed == 12 and f.rate == pytest.approx((10 + 3) / 12)
    with django_assert_num_queries(1):
        later = forecast("CASES_DETECTED", level="commune", units=[commune.pk], year=2026, today=D(2026, 8, 1))
    assert later.rate == pytest.approx(3 / 7)
    done = forecast("CASES_DETECTED", level="province", units=[commune.province_id], year=2025, today=D(2026, 3, 1))
    assert (done.to_date, done.low, done.high) == (12, 12, 12)


@pytest.mark.django_db
def test_percent_indicators_have_no_forecast():
    assert forecast("TIPS_ON_TIME", level="country", units=None, year=2026, today=D(2026, 3, 1)) is None
    assert forecast("NOPE", level="country", units=None, year=2026, today=D(2026, 3, 1)) is None
