"""Calendar arithmetic for statutory deadlines, and the two time axes in Swedish time.

Swedish statutory time is counted under Lag (1930:173) om beräkning av lagstadgad tid:

* 1 § counts weeks, months and years to the day with the same weekday or
  day-of-month, or the last day of the month when that day does not exist
  (RULES.md §2.1);
* 2 § lets an action due on a Sunday, another public holiday, a Saturday,
  midsommarafton, julafton or nyårsafton be taken on the next weekday (the "Sunday
  rule").

Whether the Sunday rule extends an authority's own handling deadlines is an open
question (RULES.md §2.1), so it is a setting (`SundayRule`), not something this module
decides.

Every function is pure: nothing here reads a clock. A leaf module: it imports only the
standard library and `holidays`.
"""

from __future__ import annotations

__all__ = [
    "STOCKHOLM",
    "SundayRule",
    "add_days",
    "add_months",
    "add_weeks",
    "add_years",
    "days_between",
    "effective_due",
    "end_of_day_utc",
    "is_closed_day",
    "next_open_day",
    "swedish_date",
]

import calendar
import functools
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Final
from zoneinfo import ZoneInfo

import holidays

STOCKHOLM: Final = ZoneInfo("Europe/Stockholm")
"""Swedish time: the zone in which a bare `known_at` date is read (DESIGN.md)."""

_MONTHS_PER_YEAR: Final = 12
_DAYS_PER_WEEK: Final = 7
_FRIDAY: Final = 4
_SATURDAY: Final = 5
_SUNDAY: Final = 6
_JUNE: Final = 6
_DECEMBER: Final = 12
_MIDSUMMER_EVE_DAYS: Final = range(19, 26)  # the Friday between 19 and 25 June
_CHRISTMAS_EVE: Final = 24
_NEW_YEARS_EVE: Final = 31
_ONE_DAY: Final = timedelta(days=1)


def add_days(d: date, n: int) -> date:
    """Return the last day of a period of `n` days that starts on `d`.

    1930:173 covers only weeks, months and years, so day periods ("inom fjorton dagar
    efter det att anmälan har kommit in") follow ordinary practice, which RULES.md §2.1
    adopts as an unverified (✘) interpretation: the day of the trigger is day 0 and
    counting starts the day after, so the due date is plain `d + n` days and a decision
    on the due date itself is in time.

    >>> add_days(date(2024, 1, 31), 14)
    datetime.date(2024, 2, 14)
    """
    return d + timedelta(days=n)


def add_weeks(d: date, n: int) -> date:
    """Return the day `n` weeks after `d`: the same weekday, per 1930:173 1 §.

    >>> add_weeks(date(2024, 12, 20), 4)
    datetime.date(2025, 1, 17)
    """
    return d + timedelta(days=_DAYS_PER_WEEK * n)


def add_months(d: date, n: int) -> date:
    """Return the day `n` months after `d` (before it if `n` < 0), per 1930:173 1 §.

    The result has the same day-of-month as `d`; "Finnes ej motsvarande dag i
    slutmånaden, varde den månadens sista dag ansedd för slutdag", so a day that the
    target month lacks is clamped to its last day. Because of the clamp, adding months
    in two steps may differ from adding them at once.

    >>> add_months(date(2024, 1, 31), 1)
    datetime.date(2024, 2, 29)
    >>> add_months(date(2022, 10, 31), 4)
    datetime.date(2023, 2, 28)

    Raises:
        ValueError: if the result is outside the range of `date`.
    """
    year, month_index = divmod(d.year * _MONTHS_PER_YEAR + d.month - 1 + n, _MONTHS_PER_YEAR)
    month = month_index + 1
    # monthrange accepts any year; date() below rejects one outside its range.
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(d.day, last_day))


def add_years(d: date, n: int) -> date:
    """Return the day `n` years after `d`, per 1930:173 1 § (29 Feb may become 28 Feb).

    >>> add_years(date(2024, 2, 29), 2)
    datetime.date(2026, 2, 28)

    Raises:
        ValueError: if the result is outside the range of `date`.
    """
    return add_months(d, _MONTHS_PER_YEAR * n)


def days_between(a: date, b: date) -> int:
    """Return the number of days from `a` to `b` (negative when `b` is earlier).

    Used for days late: `days_between(due_on, decided_on)` is 0 on the due date.

    >>> days_between(date(2019, 11, 23), date(2019, 11, 25))
    2
    """
    return (b - a).days


@functools.lru_cache(maxsize=256)
def _public_holidays(year: int) -> frozenset[date]:
    """Return the allmänna helgdagar (Lag 1989:253) of `year`, Sundays aside.

    Cached per year, because `next_open_day` asks about the same few years again and
    again and building a `holidays` calendar is comparatively slow.
    """
    # Sundays are closed by weekday; asking for them explicitly keeps the set small on
    # older `holidays` releases, which included every Sunday as "Söndag" by default.
    calendar_se = holidays.country_holidays("SE", years=year, include_sundays=False)
    if not calendar_se.start_year <= year <= calendar_se.end_year:
        # Outside this range the package returns an empty calendar, which would silently
        # make every weekday open.
        msg = (
            f"the Swedish holiday calendar covers {calendar_se.start_year}"
            f" to {calendar_se.end_year}, not {year}"
        )
        raise ValueError(msg)
    return frozenset(calendar_se)


def _is_eve(d: date) -> bool:
    """Say whether `d` is midsommarafton, julafton or nyårsafton (1930:173 2 §)."""
    if d.month == _JUNE:
        return d.weekday() == _FRIDAY and d.day in _MIDSUMMER_EVE_DAYS
    return d.month == _DECEMBER and d.day in {_CHRISTMAS_EVE, _NEW_YEARS_EVE}


def is_closed_day(d: date) -> bool:
    """Say whether 1930:173 2 § moves an action due on `d` to the next weekday.

    Closed are Sundays and the other allmänna helgdagar of Lag (1989:253) (taken from
    the `holidays` package), Saturdays, midsommarafton (the Friday between 19 and 25
    June), julafton and nyårsafton. Trettondedagsafton (5 Jan) is not closed
    (RÅ 2004 not 40).

    >>> is_closed_day(date(2024, 6, 21))  # midsommarafton
    True
    >>> is_closed_day(date(2024, 1, 5))  # trettondedagsafton, a Friday
    False

    Raises:
        ValueError: if `d` is in a year the `holidays` package does not cover.
    """
    holidays_of_year = _public_holidays(d.year)
    return d.weekday() in {_SATURDAY, _SUNDAY} or _is_eve(d) or d in holidays_of_year


def next_open_day(d: date) -> date:
    """Return `d` if it is open, else the first later day that is not closed.

    This is the last day for an action due on `d` under 1930:173 2 §.

    >>> next_open_day(date(2019, 11, 23))  # a Saturday
    datetime.date(2019, 11, 25)

    Raises:
        ValueError: if the search reaches a year the `holidays` package does not cover.
    """
    while is_closed_day(d):
        d += _ONE_DAY
    return d


class SundayRule(StrEnum):
    """Whether a deadline on a closed day moves to the next open day (1930:173 2 §).

    RULES.md §2.1 leaves open whether the rule extends an authority's own handling
    deadlines, so it is chosen per municipality and rule: the recommended default is
    `STRICT` for SoL handling deadlines and `EXTEND` for LVU court filings.
    """

    STRICT = "strict"
    """The due date stands even when it is a closed day."""
    EXTEND = "extend"
    """A due date on a closed day moves to the next open day."""


def effective_due(due: date, rule: SundayRule) -> date:
    """Return the last day an action due on `due` is in time under `rule`.

    >>> effective_due(date(2018, 9, 15), SundayRule.STRICT)
    datetime.date(2018, 9, 15)
    >>> effective_due(date(2018, 9, 15), SundayRule.EXTEND)
    datetime.date(2018, 9, 17)
    """
    match rule:
        case SundayRule.STRICT:
            return due
        case SundayRule.EXTEND:
            return next_open_day(due)


def end_of_day_utc(d: date) -> datetime:
    """Return the last microsecond of `d` in Swedish time, as an aware UTC timestamp.

    A `known_at` given as a bare date means the end of that day in Europe/Stockholm,
    so that everything recorded that day counts (DESIGN.md). 23:59:59.999999 is never
    in a daylight-saving gap or fold (Sweden switches between 02:00 and 03:00), so it
    is unambiguous.

    >>> end_of_day_utc(date(2024, 3, 31))  # summer time, UTC+2
    datetime.datetime(2024, 3, 31, 21, 59, 59, 999999, tzinfo=datetime.timezone.utc)
    """
    return datetime.combine(d, time.max, tzinfo=STOCKHOLM).astimezone(UTC)


def start_of_day_utc(d: date) -> datetime:
    """Return the first instant of `d` in Swedish time, as an aware UTC timestamp.

    The first `known_at` whose Swedish date is `d` (midnight is never in a gap or fold).

    >>> start_of_day_utc(date(2024, 3, 31))  # still winter time at midnight, UTC+1
    datetime.datetime(2024, 3, 30, 23, 0, tzinfo=datetime.timezone.utc)
    """
    return datetime.combine(d, time.min, tzinfo=STOCKHOLM).astimezone(UTC)


@functools.lru_cache(maxsize=1 << 16)
def swedish_date(ts: datetime) -> date:
    """Return the calendar date in Swedish time of the aware timestamp `ts`.

    Memoised: a batch's events share one `recorded_at`, and R21 asks for each of them.

    >>> swedish_date(datetime(2024, 10, 26, 22, 30, tzinfo=UTC))  # 00:30 CEST
    datetime.date(2024, 10, 27)

    Raises:
        ValueError: if `ts` is naive, since its instant is then unknown.
    """
    if ts.utcoffset() is None:
        msg = f"a naive timestamp has no Swedish date: {ts.isoformat()}"
        raise ValueError(msg)
    return ts.astimezone(STOCKHOLM).date()
