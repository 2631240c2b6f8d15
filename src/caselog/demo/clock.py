"""Office days and registration times: when a fact reaches the case system.

A social worker registers (diarieför) a document on the day it comes in or a few working
days later, during office hours in Swedish time. `recorded_at` is stored in UTC, so the
demo draws a local office time and converts it. Open days follow Lag (1930:173) 2 §:
Saturdays, Sundays, public holidays and the eves are closed (`caselog.dates`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Final

from caselog.dates import STOCKHOLM, is_closed_day

if TYPE_CHECKING:
    from random import Random

_OFFICE_OPENS: Final = 8 * 60
"""08:00, in minutes after midnight."""
_OFFICE_MINUTES: Final = 8 * 60 + 30
"""The working day runs to 16:30."""
_USUAL_LAGS: Final = (0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 3)
"""Working days between a fact and its registration: mostly the same day."""
_SLOW_SHARE: Final = 0.012
"""Share of facts registered weeks late (R21 warns, then flags them)."""
_SLOW_LAG: Final = (6, 40)
"""Working days of a slow registration."""
_ONE_DAY: Final = timedelta(days=1)


class RegistrationClock:
    """Open days and office-hour timestamps over a fixed span of dates.

    The open/closed table is computed once, because the holiday calendar is slow to ask
    and a large demo asks millions of times.
    """

    def __init__(self, first: date, last: date) -> None:
        """Prepare the table for every day from `first` to `last` (inclusive)."""
        self._first = first.toordinal()
        count = last.toordinal() - self._first + 1
        closed = [is_closed_day(first + timedelta(days=i)) for i in range(count)]
        # Next open day on or after each day, filled from the end.
        self._next: list[int] = [0] * count
        following = self._first + count
        for i in range(count - 1, -1, -1):
            if not closed[i]:
                following = self._first + i
            self._next[i] = following
        # Previous open day on or before each day.
        self._previous: list[int] = [0] * count
        preceding = self._first - 1
        for i in range(count):
            if not closed[i]:
                preceding = self._first + i
            self._previous[i] = preceding

    def _index(self, d: date) -> int | None:
        index = d.toordinal() - self._first
        return index if 0 <= index < len(self._next) else None

    def is_open(self, d: date) -> bool:
        """Say whether `d` is a working day (not closed under 1930:173 2 §)."""
        return self.next_open(d) == d

    def next_open(self, d: date) -> date:
        """Return `d` if it is a working day, else the next one."""
        index = self._index(d)
        if index is None:  # beyond the table: plans that end after the demo
            while is_closed_day(d):
                d += _ONE_DAY
            return d
        return date.fromordinal(self._next[index])

    def previous_open(self, d: date) -> date:
        """Return `d` if it is a working day, else the one before."""
        index = self._index(d)
        if index is None:
            while is_closed_day(d):
                d -= _ONE_DAY
            return d
        return date.fromordinal(self._previous[index])

    def workday(self, d: date, not_before: date) -> date:
        """Move `d` to a working day, backwards unless that falls before `not_before`.

        Decisions are taken on working days; moving back keeps a decision planned for
        the weekend before a deadline in time.
        """
        back = self.previous_open(d)
        return back if back >= not_before else self.next_open(d)

    def open_days_after(self, d: date, n: int) -> date:
        """Return the `n`-th working day after the first working day on or after `d`."""
        day = self.next_open(d)
        for _ in range(n):
            day = self.next_open(day + timedelta(days=1))
        return day

    @staticmethod
    def at_office(d: date, rng: Random) -> datetime:
        """Return a random office-hour moment of day `d` in Swedish time, as UTC."""
        minutes = _OFFICE_OPENS + rng.randrange(_OFFICE_MINUTES)
        local = time(minutes // 60, minutes % 60, rng.randrange(60))
        return datetime.combine(d, local, tzinfo=STOCKHOLM).astimezone(UTC)

    def registration(self, occurred_on: date, rng: Random) -> datetime:
        """Return when a fact of `occurred_on` is registered: 0–3 working days later.

        A small share is registered weeks late, as in any real case system.
        """
        lag = rng.randint(*_SLOW_LAG) if rng.random() < _SLOW_SHARE else rng.choice(_USUAL_LAGS)
        return self.at_office(self.open_days_after(occurred_on, lag), rng)
