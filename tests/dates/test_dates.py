"""Counting days, weeks, months and years (1930:173 1 §) and Swedish time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caselog.dates import (
    STOCKHOLM,
    SundayRule,
    add_days,
    add_months,
    add_weeks,
    add_years,
    days_between,
    effective_due,
    end_of_day_utc,
    swedish_date,
)

ONE_DAY = timedelta(days=1)
ONE_MICROSECOND = timedelta(microseconds=1)

# Written out by hand, not computed: the clamp must agree with the Gregorian rules,
# including the century years (2000 is a leap year, 2100 is not).
FEBRUARY_LENGTH = {
    2000: 29,
    2019: 28,
    2020: 29,
    2021: 28,
    2022: 28,
    2023: 28,
    2024: 29,
    2025: 28,
    2026: 28,
    2100: 28,
}
MONTH_LENGTHS = (31, None, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def month_length(year: int, month: int) -> int:
    """Return the length of a month from the hand-written table."""
    length = MONTH_LENGTHS[month - 1]
    return FEBRUARY_LENGTH[year] if length is None else length


def brute_force_add_months(d: date, n: int) -> date:
    """Add `n` months by walking day by day: cross `n` month borders, then find the day.

    Walking forwards ends on the 1st of the target month and then walks on to `d.day`
    or the month's last day; walking backwards ends on the target month's last day and
    then walks back to `d.day` if that is earlier.
    """
    step = ONE_DAY if n >= 0 else -ONE_DAY
    current, borders = d, 0
    while borders < abs(n):
        following = current + step
        borders += following.month != current.month
        current = following
    while current.day < d.day and (current + ONE_DAY).month == current.month:
        current += ONE_DAY
    while current.day > d.day:
        current -= ONE_DAY
    return current


class TestWorkedDates:
    """The worked dates of RULES.md §2.1 and the rule catalogue."""

    @pytest.mark.parametrize(
        ("start", "n", "expected"),
        [
            pytest.param(date(2024, 1, 31), 14, date(2024, 2, 14), id="14d-leap-feb"),
            pytest.param(date(2019, 11, 9), 14, date(2019, 11, 23), id="14d-saturday"),
            pytest.param(date(2019, 11, 9), 1, date(2019, 11, 10), id="1d-sunday"),
            pytest.param(date(2024, 12, 31), 1, date(2025, 1, 1), id="1d-new-year"),
            pytest.param(date(2024, 3, 1), -1, date(2024, 2, 29), id="minus-1d"),
            pytest.param(date(2024, 3, 1), 0, date(2024, 3, 1), id="0d-same-day"),
        ],
    )
    def test_add_days(self, start: date, n: int, expected: date) -> None:
        """A day period ends exactly `n` calendar days after the trigger day."""
        assert add_days(start, n) == expected

    @pytest.mark.parametrize(
        ("start", "n", "expected"),
        [
            pytest.param(date(2024, 12, 20), 1, date(2024, 12, 27), id="1w"),
            pytest.param(date(2024, 12, 20), 4, date(2025, 1, 17), id="4w-new-year"),
            pytest.param(date(2024, 2, 23), 1, date(2024, 3, 1), id="1w-leap-feb"),
            pytest.param(date(2024, 1, 5), -2, date(2023, 12, 22), id="minus-2w"),
        ],
    )
    def test_add_weeks(self, start: date, n: int, expected: date) -> None:
        """A week period ends on the same weekday `n` weeks later."""
        result = add_weeks(start, n)
        assert result == expected
        assert result.weekday() == start.weekday()

    @pytest.mark.parametrize(
        ("start", "n", "expected"),
        [
            pytest.param(date(2023, 10, 31), 4, date(2024, 2, 29), id="4m-leap"),
            pytest.param(date(2022, 10, 31), 4, date(2023, 2, 28), id="4m-common"),
            pytest.param(date(2019, 3, 4), 4, date(2019, 7, 4), id="4m-plain"),
            pytest.param(date(2019, 8, 31), 6, date(2020, 2, 29), id="6m-leap"),
            pytest.param(date(2020, 2, 27), 6, date(2020, 8, 27), id="6m-from-feb"),
            pytest.param(date(2025, 1, 31), 2, date(2025, 3, 31), id="2m-no-clamp"),
            pytest.param(date(2018, 3, 15), 6, date(2018, 9, 15), id="6m-saturday"),
            pytest.param(date(2024, 1, 31), 1, date(2024, 2, 29), id="1m-leap"),
            pytest.param(date(2023, 1, 31), 1, date(2023, 2, 28), id="1m-common"),
            pytest.param(date(2024, 3, 31), -1, date(2024, 2, 29), id="minus-1m"),
            pytest.param(date(2024, 1, 15), -1, date(2023, 12, 15), id="minus-1m-year"),
            pytest.param(date(2024, 5, 31), 0, date(2024, 5, 31), id="0m"),
        ],
    )
    def test_add_months(self, start: date, n: int, expected: date) -> None:
        """A month period keeps the day-of-month, or ends on the month's last day."""
        assert add_months(start, n) == expected

    @pytest.mark.parametrize(
        ("start", "n", "expected"),
        [
            pytest.param(date(2024, 2, 29), 2, date(2026, 2, 28), id="29feb-2y"),
            pytest.param(date(2024, 2, 29), 4, date(2028, 2, 29), id="29feb-4y"),
            pytest.param(date(2096, 2, 29), 4, date(2100, 2, 28), id="29feb-to-2100"),
            pytest.param(date(1996, 2, 29), 4, date(2000, 2, 29), id="29feb-to-2000"),
            pytest.param(date(2021, 7, 1), 3, date(2024, 7, 1), id="3y"),
            pytest.param(date(2024, 2, 29), -1, date(2023, 2, 28), id="minus-1y"),
        ],
    )
    def test_add_years(self, start: date, n: int, expected: date) -> None:
        """A year period keeps day and month, with 29 February clamped to the 28th."""
        assert add_years(start, n) == expected

    @pytest.mark.parametrize(
        ("due", "extended"),
        [
            pytest.param(date(2018, 9, 15), date(2018, 9, 17), id="saturday"),
            pytest.param(date(2019, 11, 23), date(2019, 11, 25), id="saturday-14d"),
            pytest.param(date(2019, 11, 10), date(2019, 11, 11), id="sunday"),
            pytest.param(date(2019, 11, 11), date(2019, 11, 11), id="monday-open"),
        ],
    )
    def test_sunday_rule(self, due: date, extended: date) -> None:
        """Strict keeps the due date; extend moves a closed one to the next open day."""
        assert effective_due(due, SundayRule.STRICT) == due
        assert effective_due(due, SundayRule.EXTEND) == extended

    def test_sunday_rule_values(self) -> None:
        """The rule's values are the lower-case words used in settings files."""
        assert [rule.value for rule in SundayRule] == ["strict", "extend"]
        assert SundayRule("extend") is SundayRule.EXTEND

    @pytest.mark.parametrize(
        ("a", "b", "expected"),
        [
            pytest.param(date(2019, 11, 23), date(2019, 11, 25), 2, id="late"),
            pytest.param(date(2019, 11, 25), date(2019, 11, 25), 0, id="same-day"),
            pytest.param(date(2019, 11, 25), date(2019, 11, 23), -2, id="early"),
            pytest.param(date(2024, 1, 1), date(2025, 1, 1), 366, id="leap-year"),
        ],
    )
    def test_days_between(self, a: date, b: date, expected: int) -> None:
        """days_between counts the days from a to b, negative when b is earlier."""
        assert days_between(a, b) == expected


class TestMonthEnds:
    """Every month end of several years, leap and century years included."""

    @pytest.mark.parametrize("year", sorted(FEBRUARY_LENGTH))
    @pytest.mark.parametrize("month", range(1, 13))
    def test_31st_clamps_to_month_end(self, year: int, month: int) -> None:
        """The 31 January plus m months ends on the last day of month 1 + m."""
        expected = date(year, month, month_length(year, month))
        assert add_months(date(year, 1, 31), month - 1) == expected

    @pytest.mark.parametrize("year", sorted(FEBRUARY_LENGTH))
    @pytest.mark.parametrize("month", range(1, 12))
    def test_month_end_plus_one_month(self, year: int, month: int) -> None:
        """A month end plus one month keeps its day, or ends on the next month's end."""
        start = date(year, month, month_length(year, month))
        day = min(start.day, month_length(year, month + 1))
        assert add_months(start, 1) == date(year, month + 1, day)

    @pytest.mark.parametrize("year", sorted(FEBRUARY_LENGTH))
    def test_december_end_crosses_the_year(self, year: int) -> None:
        """31 December plus one month is 31 January of the next year."""
        assert add_months(date(year, 12, 31), 1) == date(year + 1, 1, 31)

    def test_result_outside_date_range_raises(self) -> None:
        """A result beyond year 9999 raises ValueError instead of wrapping round."""
        with pytest.raises(ValueError, match="out of range"):
            add_months(date(9999, 12, 31), 1)
        with pytest.raises(ValueError, match="out of range"):
            add_years(date(1, 1, 1), -1)


# Months are added to dates far enough from the ends of `date` that no result overflows.
arithmetic_dates = st.dates(min_value=date(1800, 1, 1), max_value=date(2300, 12, 31))
month_counts = st.integers(min_value=-60, max_value=60)


class TestAddMonthsProperties:
    """add_months for any date and count, against the statute's wording."""

    @given(arithmetic_dates, st.integers(min_value=0, max_value=60))
    def test_never_goes_backwards(self, d: date, n: int) -> None:
        """Adding zero or more months never gives an earlier date."""
        assert add_months(d, n) >= d

    @given(arithmetic_dates, month_counts)
    def test_lands_in_the_target_month(self, d: date, n: int) -> None:
        """The result lies exactly n months after d's month."""
        result = add_months(d, n)
        assert (result.year * 12 + result.month) - (d.year * 12 + d.month) == n

    @given(arithmetic_dates, month_counts)
    def test_same_day_or_month_end(self, d: date, n: int) -> None:
        """The result keeps d's day-of-month, or is a month end before that day."""
        result = add_months(d, n)
        is_month_end = (result + ONE_DAY).month != result.month
        assert result.day == d.day or (is_month_end and result.day < d.day)

    @given(arithmetic_dates, month_counts)
    def test_equals_brute_force_day_walk(self, d: date, n: int) -> None:
        """add_months agrees with walking the calendar day by day."""
        assert add_months(d, n) == brute_force_add_months(d, n)

    @given(arithmetic_dates, st.integers(min_value=-20, max_value=20))
    def test_add_years_is_twelve_months(self, d: date, n: int) -> None:
        """Adding n years is adding 12·n months."""
        assert add_years(d, n) == add_months(d, 12 * n)

    @given(arithmetic_dates, st.integers(min_value=-500, max_value=500))
    def test_add_weeks_keeps_the_weekday(self, d: date, n: int) -> None:
        """Adding n weeks moves 7·n days and keeps the weekday."""
        result = add_weeks(d, n)
        assert days_between(d, result) == 7 * n
        assert result.weekday() == d.weekday()

    @given(arithmetic_dates, st.integers(min_value=-3650, max_value=3650))
    def test_add_days_inverts_days_between(self, d: date, n: int) -> None:
        """days_between measures exactly the days that add_days added."""
        assert days_between(d, add_days(d, n)) == n


DST_SWITCHES = [
    pytest.param(date(2024, 3, 31), 2, id="2024-spring"),
    pytest.param(date(2024, 10, 27), 1, id="2024-autumn"),
    pytest.param(date(2025, 3, 30), 2, id="2025-spring"),
    pytest.param(date(2025, 10, 26), 1, id="2025-autumn"),
    pytest.param(date(2024, 1, 15), 1, id="winter"),
    pytest.param(date(2024, 7, 15), 2, id="summer"),
]


class TestSwedishTime:
    """The end of a Swedish day in UTC, and the Swedish date of a UTC timestamp."""

    @pytest.mark.parametrize(("d", "offset_hours"), DST_SWITCHES)
    def test_end_of_day_is_last_microsecond_in_stockholm(self, d: date, offset_hours: int) -> None:
        """The end of a day is 23:59:59.999999 local time, i.e. UTC minus the offset."""
        end = end_of_day_utc(d)
        assert end.tzinfo is UTC
        local_midnight_utc = datetime(d.year, d.month, d.day, tzinfo=UTC) + ONE_DAY
        expected = local_midnight_utc - timedelta(hours=offset_hours) - ONE_MICROSECOND
        assert end == expected

    @pytest.mark.parametrize(("d", "offset_hours"), DST_SWITCHES)
    def test_end_of_day_round_trips(self, d: date, offset_hours: int) -> None:
        """The end of a day is still that day in Sweden; a microsecond later is not."""
        end = end_of_day_utc(d)
        assert end.astimezone(STOCKHOLM).utcoffset() == timedelta(hours=offset_hours)
        assert swedish_date(end) == d
        assert swedish_date(end + ONE_MICROSECOND) == d + ONE_DAY

    @given(st.dates(min_value=date(1970, 1, 1), max_value=date(2200, 12, 31)))
    def test_end_of_day_round_trips_for_any_date(self, d: date) -> None:
        """Any day's end of the day maps back to it; the next instant does not."""
        end = end_of_day_utc(d)
        assert swedish_date(end) == d
        assert swedish_date(end + ONE_MICROSECOND) == d + ONE_DAY

    @pytest.mark.parametrize(
        ("ts", "expected"),
        [
            pytest.param(datetime(2024, 3, 30, 22, 59, tzinfo=UTC), date(2024, 3, 30), id="cet"),
            pytest.param(datetime(2024, 3, 30, 23, 0, tzinfo=UTC), date(2024, 3, 31), id="cet-0h"),
            pytest.param(
                datetime(2024, 10, 26, 21, 59, tzinfo=UTC),
                date(2024, 10, 26),
                id="cest",
            ),
            pytest.param(
                datetime(2024, 10, 26, 22, 0, tzinfo=UTC),
                date(2024, 10, 27),
                id="cest-0h",
            ),
            pytest.param(
                datetime(2024, 10, 27, 23, 0, tzinfo=STOCKHOLM),
                date(2024, 10, 27),
                id="stockholm-aware",
            ),
        ],
    )
    def test_swedish_date(self, ts: datetime, expected: date) -> None:
        """An aware timestamp's date is read in Swedish time, not in UTC."""
        assert swedish_date(ts) == expected

    def test_swedish_date_rejects_naive_timestamp(self) -> None:
        """A naive timestamp raises ValueError, since its instant is unknown."""
        naive = datetime(2024, 10, 27, 12, 0)  # noqa: DTZ001 - the point of the test
        with pytest.raises(ValueError, match="naive"):
            swedish_date(naive)
