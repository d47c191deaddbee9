"""Status against targets at the edges of periods: day 1, last day, the day after, leap years, quarters."""

import dataclasses
import datetime
from decimal import Decimal

import pytest

from pcmd.core.periods import Period
from pcmd.indicators.catalogue import BY_CODE
from pcmd.indicators.engine import Value
from pcmd.indicators.status import COLOURS, Status, elapsed_share, judge
from pcmd.indicators.targets import TargetValue

D = datetime.date
YEAR = Period.parse("2026")
SESSIONS = dataclasses.replace(BY_CODE["COMM_SESSIONS"], accumulates=True)  # a count that grows
REACH = dataclasses.replace(BY_CODE["REACH_STUDENTS"], accumulates=True)  # a share reached so far
RATE = dataclasses.replace(BY_CODE["TIPS_ON_TIME"], accumulates=False)  # a rate, complete at any time
HOTSPOTS = dataclasses.replace(BY_CODE["HOTSPOTS_NEW"], accumulates=True)


def tv(value, comparator="gte", value_max=None, metric="percent"):
    return TargetValue(code="X", comparator=comparator, value=None if value is None else Decimal(value),
                       value_max=None if value_max is None else Decimal(value_max), year=2026, target_id=1,
                       plan_id=1, plan_label="Kế hoạch 07/KH-UBND", text="", inherited=False, metric=metric)


def test_elapsed_at_the_edges():
    assert elapsed_share(YEAR, D(2026, 1, 1)) == 0.0
    assert elapsed_share(YEAR, D(2025, 12, 31)) == 0.0
    assert elapsed_share(YEAR, D(2026, 12, 31)) == pytest.approx(364 / 365)
    assert elapsed_share(YEAR, D(2027, 1, 1)) == 1.0
    leap = Period.parse("2028")
    assert elapsed_share(leap, D(2028, 7, 1)) == pytest.approx(182 / 366)
    q2 = Period.parse("2026Q2")  # 91 days
    assert elapsed_share(q2, D(2026, 4, 1)) == 0.0
    assert elapsed_share(q2, D(2026, 5, 16)) == pytest.approx(45 / 91)
    assert elapsed_share(q2, D(2026, 7, 1)) == 1.0
    feb = Period.parse("202802")
    assert elapsed_share(feb, D(2028, 2, 29)) == pytest.approx(28 / 29)


def test_day_one_nobody_is_behind_on_an_accumulating_target():
    j = judge(SESSIONS, tv(4, metric="count"), None, YEAR, D(2026, 1, 1))
    assert (j.status, j.actual, j.expected, j.elapsed) == (Status.ON_TRACK, 0.0, 0.0, 0.0)


def test_accumulating_count_on_track_behind_met_missed():
    mid = D(2026, 7, 2)  # 182 of 365 days passed
    target = tv(4, metric="count")
    assert judge(SESSIONS, target, Value(2), YEAR, mid).status == Status.ON_TRACK  # 2 >= 4 × 0.4986
    behind = judge(SESSIONS, target, Value(1), YEAR, mid)
    assert behind.status == Status.BEHIND and behind.expected == pytest.approx(4 * 182 / 365)
    assert behind.achievement == 25.0
    # Reached the full target mid-year: a count cannot go down, it is met.
    assert judge(SESSIONS, target, Value(5), YEAR, mid).status == Status.MET
    last_day = judge(SESSIONS, target, Value(3), YEAR, D(2026, 12, 31))
    assert last_day.status == Status.BEHIND and last_day.expected == pytest.approx(4 * 364 / 365)
    assert judge(SESSIONS, target, Value(3), YEAR, D(2027, 1, 1)).status == Status.MISSED
    assert judge(SESSIONS, target, Value(4), YEAR, D(2027, 1, 1)).status == Status.MET


def test_accumulating_share_already_reached_is_met_before_the_end():
    j = judge(REACH, tv(50), Value(30, 50), YEAR, D(2026, 12, 1))  # 60% of the population
    assert j.status == Status.MET and j.actual == 60.0 and j.achievement == 120.0
    j = judge(REACH, tv(50), Value(24, 50), YEAR, D(2026, 12, 1))  # 48% ≥ 50 × 0.9151
    assert j.status == Status.ON_TRACK
    j = judge(REACH, tv(50), Value(10, 50), YEAR, D(2026, 7, 2))  # 20% < 50 × 0.4986
    assert j.status == Status.BEHIND


def test_rate_is_judged_against_the_full_target_at_any_time():
    target = tv(100, "eq")
    assert judge(RATE, target, Value(10, 10), YEAR, D(2026, 1, 2)).status == Status.ON_TRACK
    j = judge(RATE, target, Value(9, 10), YEAR, D(2026, 1, 2))
    assert j.status == Status.BEHIND and j.expected == 100.0 and j.achievement == pytest.approx(90.0)
    assert judge(RATE, target, Value(9, 10), YEAR, D(2027, 1, 1)).status == Status.MISSED
    assert judge(RATE, target, Value(10, 10), YEAR, D(2027, 1, 1)).status == Status.MET


def test_no_denominator_is_no_data_and_missing_count_is_zero():
    assert judge(RATE, tv(100, "eq"), Value(0, 0), YEAR, D(2026, 5, 1)).status == Status.NO_DATA
    assert judge(RATE, tv(100, "eq"), None, YEAR, D(2026, 5, 1)).status == Status.NO_DATA
    zero = judge(HOTSPOTS, tv(0, "lte", metric="count"), None, YEAR, D(2026, 5, 1))
    assert (zero.status, zero.actual) == (Status.ON_TRACK, 0.0)


def test_no_target_and_qualitative_target():
    assert judge(RATE, None, Value(5, 10), YEAR, D(2026, 5, 1)).status == Status.NO_TARGET
    j = judge(RATE, tv(None), Value(5, 10), YEAR, D(2026, 5, 1))
    assert j.status == Status.NO_TARGET and j.actual == 50.0


def test_zero_target_missed_at_once_else_on_track_then_met():
    zero = tv(0, "lte", metric="count")
    j = judge(HOTSPOTS, zero, Value(1), YEAR, D(2026, 2, 1))
    assert j.status == Status.MISSED and j.achievement == 0.0
    assert judge(HOTSPOTS, zero, Value(0), YEAR, D(2026, 12, 31)).status == Status.ON_TRACK
    assert judge(HOTSPOTS, zero, Value(0), YEAR, D(2027, 1, 1)).status == Status.MET
    assert judge(HOTSPOTS, tv(0, "lt", metric="count"), Value(0), YEAR, D(2027, 1, 1)).status == Status.MET
    cap = tv(3, "lt", metric="count")
    assert judge(HOTSPOTS, cap, Value(3), YEAR, D(2026, 3, 1)).status == Status.MISSED
    assert judge(HOTSPOTS, cap, Value(2), YEAR, D(2027, 3, 1)).status == Status.MET


def test_lower_is_better_rate_is_behind_before_the_end():
    capped = dataclasses.replace(RATE, code="CAPPED")
    assert judge(capped, tv(10, "lte"), Value(2, 10), YEAR, D(2026, 3, 1)).status == Status.BEHIND
    assert judge(capped, tv(10, "lte"), Value(2, 10), YEAR, D(2027, 3, 1)).status == Status.MISSED


def test_gt_needs_more_than_the_figure():
    assert judge(RATE, tv(90, "gt"), Value(9, 10), YEAR, D(2027, 1, 1)).status == Status.MISSED
    assert judge(RATE, tv(90, "gt"), Value(91, 100), YEAR, D(2027, 1, 1)).status == Status.MET


def test_range_is_met_from_its_lower_bound_and_above_its_upper_bound():
    sessions = tv(2, "range", 4, metric="count")
    assert judge(SESSIONS, sessions, Value(1), YEAR, D(2027, 1, 1)).status == Status.MISSED
    assert judge(SESSIONS, sessions, Value(3), YEAR, D(2027, 1, 1)).status == Status.MET
    assert judge(SESSIONS, sessions, Value(6), YEAR, D(2027, 1, 1)).status == Status.MET
    students = tv(25, "range", 90)
    assert judge(REACH, students, Value(50, 100), YEAR, D(2027, 1, 1)).status == Status.MET
    assert judge(REACH, students, Value(95, 100), YEAR, D(2027, 1, 1)).status == Status.MET
    assert judge(REACH, students, Value(20, 100), YEAR, D(2027, 1, 1)).status == Status.MISSED


def test_quarter_and_leap_year_expectations():
    q2 = Period.parse("2026Q2")  # 91 of 365 days: a yearly 365 gives the quarter 91
    j = judge(SESSIONS, tv(365, metric="count"), Value(45), q2, D(2026, 5, 16))
    assert j.expected == pytest.approx(45.0) and j.status == Status.ON_TRACK
    assert judge(SESSIONS, tv(365, metric="count"), Value(44), q2, D(2026, 5, 16)).status == Status.BEHIND
    # A percentage target is not prorated: 60% of students is 60% in any quarter.
    assert judge(RATE, tv(60), Value(60, 100), q2, D(2026, 5, 16)).expected == pytest.approx(60.0)
    leap = Period.parse("2028")
    j = judge(SESSIONS, tv(366, metric="count"), Value(59), leap, D(2028, 3, 1))  # Jan 31 + Feb 29 = 60 days
    assert j.expected == pytest.approx(60.0) and j.status == Status.BEHIND


def test_future_period_has_no_data_yet():
    assert judge(SESSIONS, tv(4, metric="count"), None, YEAR, D(2025, 6, 1)).status == Status.NO_DATA


def test_every_status_has_a_colour_and_vietnamese_label():
    assert set(COLOURS) == set(Status)
    assert Status.ON_TRACK.label == "Đúng tiến độ" and Status.MISSED.value == "khong_dat"
    assert judge(SESSIONS, tv(4, metric="count"), Value(4), YEAR, D(2027, 1, 1)).colour == "success"
