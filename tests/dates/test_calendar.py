"""The closed days of 1930:173 2 § and moving a deadline to the next open day."""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from caselog.dates import is_closed_day, next_open_day

ONE_DAY = timedelta(days=1)
SATURDAY, SUNDAY = 5, 6
YEARS = range(1990, 2041)


def easter_sunday(year: int) -> date:
    """Return Easter Sunday by the anonymous Gregorian algorithm (Meeus/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741 - the algorithm's own name
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return date(year, month, day + 1)


def first_weekday_from(start: date, weekday: int) -> date:
    """Return the first day on or after `start` that falls on `weekday`."""
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def is_weekday(d: date) -> bool:
    """Say whether `d` is Monday to Friday."""
    return d.weekday() < SATURDAY


def test_easter_algorithm_matches_known_dates() -> None:
    """The test's own Easter algorithm gives the published Easter dates."""
    assert easter_sunday(2019) == date(2019, 4, 21)
    assert easter_sunday(2024) == date(2024, 3, 31)
    assert easter_sunday(2025) == date(2025, 4, 20)
    assert easter_sunday(2000) == date(2000, 4, 23)
    assert easter_sunday(2008) == date(2008, 3, 23)
    assert easter_sunday(2038) == date(2038, 4, 25)


class TestWholeYears:
    """Every closed weekday of a year, listed by hand from the almanac."""

    @pytest.mark.parametrize(
        ("year", "closed_weekdays"),
        [
            pytest.param(
                2024,
                {
                    date(2024, 1, 1),  # nyårsdagen
                    date(2024, 3, 29),  # långfredagen
                    date(2024, 4, 1),  # annandag påsk
                    date(2024, 5, 1),  # första maj
                    date(2024, 5, 9),  # Kristi himmelsfärdsdag
                    date(2024, 6, 6),  # nationaldagen
                    date(2024, 6, 21),  # midsommarafton
                    date(2024, 12, 24),  # julafton
                    date(2024, 12, 25),  # juldagen
                    date(2024, 12, 26),  # annandag jul
                    date(2024, 12, 31),  # nyårsafton
                },
                id="2024",
            ),
            pytest.param(
                2025,
                {
                    date(2025, 1, 1),  # nyårsdagen
                    date(2025, 1, 6),  # trettondedag jul
                    date(2025, 4, 18),  # långfredagen
                    date(2025, 4, 21),  # annandag påsk
                    date(2025, 5, 1),  # första maj
                    date(2025, 5, 29),  # Kristi himmelsfärdsdag
                    date(2025, 6, 6),  # nationaldagen
                    date(2025, 6, 20),  # midsommarafton
                    date(2025, 12, 24),  # julafton
                    date(2025, 12, 25),  # juldagen
                    date(2025, 12, 26),  # annandag jul
                    date(2025, 12, 31),  # nyårsafton
                },
                id="2025",
            ),
            pytest.param(
                2004,
                {
                    date(2004, 1, 1),  # nyårsdagen
                    date(2004, 1, 6),  # trettondedag jul
                    date(2004, 4, 9),  # långfredagen
                    date(2004, 4, 12),  # annandag påsk
                    date(2004, 5, 20),  # Kristi himmelsfärdsdag
                    date(2004, 5, 31),  # annandag pingst, abolished from 2005
                    date(2004, 6, 25),  # midsommarafton
                    date(2004, 12, 24),  # julafton
                    date(2004, 12, 31),  # nyårsafton
                },
                id="2004",
            ),
        ],
    )
    def test_closed_weekdays(self, year: int, closed_weekdays: set[date]) -> None:
        """Exactly the listed weekdays are closed, and every weekend day is closed."""
        day = date(year, 1, 1)
        while day.year == year:
            expected = not is_weekday(day) or day in closed_weekdays
            assert is_closed_day(day) == expected, day
            day += ONE_DAY


def independent_is_closed(d: date) -> bool:
    """Say whether `d` is closed, from Lag (1989:253) and 1930:173 2 § alone.

    The Feast of the Annunciation, a holiday until 1989, always fell on a Sunday, and
    midsommardagen and alla helgons dag always fall on a Saturday, so neither need be
    listed.
    """
    easter = easter_sunday(d.year)
    movable = {easter + timedelta(days=offset) for offset in (-2, 1, 39)}
    if d.year <= 2004:
        movable.add(easter + timedelta(days=50))  # annandag pingst
    fixed = {(1, 1), (1, 6), (5, 1), (12, 24), (12, 25), (12, 26), (12, 31)}
    if d.year >= 2005:
        fixed.add((6, 6))  # nationaldagen
    midsummer_eve = first_weekday_from(date(d.year, 6, 19), 4)
    return not is_weekday(d) or d in movable or (d.month, d.day) in fixed or d == midsummer_eve


def test_every_day_the_package_covers_matches_the_statutes() -> None:
    """Every day of 1953-2100 is closed exactly when the statutes make it so."""
    d = date(1953, 1, 1)
    while d.year <= 2100:
        assert is_closed_day(d) == independent_is_closed(d), d
        d += ONE_DAY


class TestClosedDaysOverManyYears:
    """The movable and fixed closed days, computed independently for 1990-2040."""

    @pytest.mark.parametrize("year", YEARS)
    def test_easter_days_are_closed(self, year: int) -> None:
        """Good Friday, Easter Monday and Ascension Day are closed every year."""
        easter = easter_sunday(year)
        assert is_closed_day(easter - timedelta(days=2))  # långfredagen
        assert is_closed_day(easter + timedelta(days=1))  # annandag påsk
        assert is_closed_day(easter + timedelta(days=39))  # Kristi himmelsfärdsdag
        assert not is_closed_day(easter - timedelta(days=3))  # skärtorsdagen

    @pytest.mark.parametrize("year", YEARS)
    def test_whit_monday_replaced_by_national_day_in_2005(self, year: int) -> None:
        """Whit Monday is closed until 2004, and 6 June on a weekday from 2005 on."""
        whit_monday = easter_sunday(year) + timedelta(days=50)
        national_day = date(year, 6, 6)
        if year <= 2004:
            assert is_closed_day(whit_monday)
            if is_weekday(national_day) and national_day != whit_monday:
                assert not is_closed_day(national_day)
        else:
            assert is_closed_day(national_day)
            # In 2022 and 2033 Whit Monday is 6 June itself, so closed all the same.
            assert is_closed_day(whit_monday) == (whit_monday == national_day)

    @pytest.mark.parametrize("year", YEARS)
    def test_midsummer_eve_is_closed(self, year: int) -> None:
        """Midsommarafton, the Friday from 19 to 25 June, is closed; Thursday is not."""
        midsummer_eve = first_weekday_from(date(year, 6, 19), 4)
        assert 19 <= midsummer_eve.day <= 25
        assert is_closed_day(midsummer_eve)
        assert is_closed_day(midsummer_eve + ONE_DAY)  # midsommardagen
        assert not is_closed_day(midsummer_eve - ONE_DAY)

    @pytest.mark.parametrize("year", YEARS)
    def test_fridays_near_midsummer_that_are_not_the_eve_are_open(self, year: int) -> None:
        """A Friday in June outside 19-25 June is an ordinary day (unless 6 June)."""
        for day in range(1, 31):
            d = date(year, 6, day)
            if d.weekday() == 4 and not 19 <= day <= 25 and day != 6:
                assert not is_closed_day(d), d

    @pytest.mark.parametrize("year", YEARS)
    def test_fixed_days(self, year: int) -> None:
        """The fixed holidays and the eves of 1930:173 are closed; 5 January is not."""
        for month, day in [(1, 1), (1, 6), (5, 1), (12, 24), (12, 25), (12, 26)]:
            assert is_closed_day(date(year, month, day)), (month, day)
        assert is_closed_day(date(year, 12, 31))
        trettondedagsafton = date(year, 1, 5)
        assert is_closed_day(trettondedagsafton) == (not is_weekday(trettondedagsafton))

    @pytest.mark.parametrize("year", YEARS)
    def test_all_saints_day_is_closed(self, year: int) -> None:
        """Alla helgons dag, the Saturday between 31 Oct and 6 Nov, is a holiday."""
        all_saints = first_weekday_from(date(year, 10, 31), SATURDAY)
        assert all_saints <= date(year, 11, 6)
        assert is_closed_day(all_saints)
        # A Saturday is closed anyway; check that the package knows the holiday too.
        assert all_saints in holidays.country_holidays("SE", years=year)
        assert not is_closed_day(all_saints - ONE_DAY)  # allhelgonaafton is a weekday


class TestHolidaysPackage:
    """What caselog assumes about the `holidays` package's Swedish calendar."""

    def test_sundays_not_listed_by_default(self) -> None:
        """Only named Sundays are listed, so caselog closes Sundays by weekday."""
        calendar_se = holidays.country_holidays("SE", years=2024)
        sundays = {d for d in calendar_se if d.weekday() == SUNDAY}
        assert sundays == {date(2024, 3, 31), date(2024, 5, 19)}  # påsk, pingst

    def test_eves_are_not_public_holidays(self) -> None:
        """The eves are not public holidays in the package; caselog adds them."""
        calendar_se = holidays.country_holidays("SE", years=2024)
        for eve in [date(2024, 6, 21), date(2024, 12, 24), date(2024, 12, 31)]:
            assert eve not in calendar_se
            assert is_closed_day(eve)

    @pytest.mark.parametrize("year", [1952, 2101])
    def test_years_outside_the_package_raise(self, year: int) -> None:
        """A year the package leaves empty raises rather than counting as all open."""
        assert len(holidays.country_holidays("SE", years=year)) == 0
        with pytest.raises(ValueError, match="holiday calendar covers"):
            is_closed_day(date(year, 3, 1))

    def test_next_open_day_past_the_last_covered_year_raises(self) -> None:
        """A search that runs into an uncovered year raises instead of guessing."""
        with pytest.raises(ValueError, match="holiday calendar covers"):
            next_open_day(date(2100, 12, 31))


class TestNextOpenDay:
    """Moving a deadline from a closed day to the next open one."""

    @pytest.mark.parametrize(
        ("d", "expected"),
        [
            pytest.param(date(2024, 3, 28), date(2024, 3, 28), id="open-thursday"),
            pytest.param(date(2024, 3, 29), date(2024, 4, 2), id="easter"),
            pytest.param(date(2024, 12, 24), date(2024, 12, 27), id="christmas"),
            pytest.param(date(2024, 12, 31), date(2025, 1, 2), id="new-year"),
            pytest.param(date(2025, 1, 4), date(2025, 1, 7), id="epiphany-monday"),
            pytest.param(date(2024, 6, 21), date(2024, 6, 24), id="midsummer"),
            pytest.param(date(2004, 5, 29), date(2004, 6, 1), id="whit-monday-2004"),
        ],
    )
    def test_examples(self, d: date, expected: date) -> None:
        """A closed day moves past every following closed day; an open day stays."""
        assert next_open_day(d) == expected


calendar_dates = st.dates(min_value=date(1953, 1, 1), max_value=date(2100, 12, 24))


class TestCalendarProperties:
    """is_closed_day and next_open_day for any date the calendar covers."""

    @given(calendar_dates)
    def test_weekends_are_closed(self, d: date) -> None:
        """Every Saturday and Sunday is closed."""
        if not is_weekday(d):
            assert is_closed_day(d)

    @given(calendar_dates)
    def test_next_open_day_is_the_first_open_day(self, d: date) -> None:
        """The result is on or after d, is open, and every day before it is closed."""
        result = next_open_day(d)
        assert result >= d
        assert is_weekday(result)
        assert not is_closed_day(result)
        between = d
        while between < result:
            assert is_closed_day(between), between
            between += ONE_DAY

    @given(calendar_dates)
    def test_closed_days_are_rare_runs(self, d: date) -> None:
        """No run of closed days is longer than five (Christmas Eve on a Wednesday)."""
        assert (next_open_day(d) - d).days <= 5

    def test_christmas_eve_on_a_wednesday_closes_five_days(self) -> None:
        """24 December 2031 is a Wednesday: closed through Sunday, open Monday the 29th."""
        assert next_open_day(date(2031, 12, 24)) == date(2031, 12, 29)
