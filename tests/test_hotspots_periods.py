"""Period codes, dates and Vietnamese labels (core.periods; the indicator engine reuses them)."""

import datetime

import pytest

from pcmd.core.periods import Period, PeriodError, period_from_query, recent_periods

D = datetime.date


@pytest.mark.parametrize(("code", "start", "end", "label"), [
    ("2026", D(2026, 1, 1), D(2026, 12, 31), "Năm 2026"),
    ("2026S1", D(2026, 1, 1), D(2026, 6, 30), "6 tháng đầu năm 2026"),
    ("2026S2", D(2026, 7, 1), D(2026, 12, 31), "6 tháng cuối năm 2026"),
    ("2026Q1", D(2026, 1, 1), D(2026, 3, 31), "Quý I năm 2026"),
    ("2026Q2", D(2026, 4, 1), D(2026, 6, 30), "Quý II năm 2026"),
    ("2026Q3", D(2026, 7, 1), D(2026, 9, 30), "Quý III năm 2026"),
    ("2026Q4", D(2026, 10, 1), D(2026, 12, 31), "Quý IV năm 2026"),
    ("202605", D(2026, 5, 1), D(2026, 5, 31), "Tháng 5 năm 2026"),
    ("202602", D(2026, 2, 1), D(2026, 2, 28), "Tháng 2 năm 2026"),
    ("202802", D(2028, 2, 1), D(2028, 2, 29), "Tháng 2 năm 2028"),
    ("202612", D(2026, 12, 1), D(2026, 12, 31), "Tháng 12 năm 2026"),
    ("2026-2030", D(2026, 1, 1), D(2030, 12, 31), "Giai đoạn 2026-2030"),
    (" 2026q2 ", D(2026, 4, 1), D(2026, 6, 30), "Quý II năm 2026"),
    ("2026s2", D(2026, 7, 1), D(2026, 12, 31), "6 tháng cuối năm 2026"),
])
def test_parse_gives_dates_and_label(code, start, end, label):
    period = Period.parse(code)
    assert (period.start, period.end, period.label, str(period)) == (start, end, label, label)


@pytest.mark.parametrize(("code", "message"), [
    ("", "không hợp lệ"),
    ("abc", "không hợp lệ"),
    ("2026Q5", "không hợp lệ"),
    ("2026S3", "không hợp lệ"),
    ("202613", "Tháng 13"),
    ("202600", "Tháng 0"),
    ("2030-2026", "năm kết thúc phải sau năm bắt đầu"),
    ("2026-2026", "năm kết thúc phải sau năm bắt đầu"),
    ("1900", "nằm ngoài khoảng"),
    ("20261", "không hợp lệ"),
])
def test_bad_codes_explain_in_vietnamese(code, message):
    with pytest.raises(PeriodError, match=message):
        Period.parse(code)


def test_containing_and_membership():
    day = D(2026, 8, 15)
    assert Period.containing(day, "year").code == "2026"
    assert Period.containing(day, "half").code == "2026S2"
    assert Period.containing(day, "quarter").code == "2026Q3"
    assert Period.containing(day, "month").code == "202608"
    assert day in Period.parse("2026Q3") and day not in Period.parse("2026Q2")
    assert Period.parse("2026Q3").end in Period.parse("2026Q3")
    with pytest.raises(PeriodError):
        Period.containing(day, "week")


def test_previous_of_each_kind():
    assert Period.parse("2026Q1").previous().code == "2025Q4"
    assert Period.parse("2026S1").previous().code == "2025S2"
    assert Period.parse("202601").previous().code == "202512"
    assert Period.parse("2026").previous().code == "2025"
    assert Period.parse("2026-2030").previous().code == "2021-2025"


def test_periods_compare_by_start():
    assert Period.parse("2025") < Period.parse("2026Q1") < Period.parse("2026Q2")
    assert Period.parse("2026Q2") == Period.parse("2026q2")


def test_recent_periods_never_start_in_the_future():
    today = D(2026, 5, 10)
    codes = [p.code for p in recent_periods(today, years=2)]
    assert codes[0] == "2026" and "202605" in codes and "202606" not in codes and "2026Q3" not in codes
    assert "2025Q4" in codes and "2025S2" in codes and "202501" in codes
    assert all(not p.is_future(today) for p in recent_periods(today))
    assert codes[-2:] == ["2026-2030", "2021-2025"]
    assert [p.code for p in recent_periods(D(2025, 12, 31))][-2:] == ["2021-2025", "2016-2020"]


def test_period_from_query_defaults_to_this_year_and_reports_bad_codes():
    today = D(2026, 5, 10)
    assert period_from_query("", today) == (Period.parse("2026"), "")
    assert period_from_query("2025Q1", today) == (Period.parse("2025Q1"), "")
    period, error = period_from_query("Q1-2025", today)
    assert period.code == "2026" and "không hợp lệ" in error
