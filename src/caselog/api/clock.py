"""Clocks for transaction time: the system clock and a settable one (DESIGN.md D3).

The log stamps `recorded_at` from an injectable clock, never from the caller's payload;
tests and the demo replay history by setting this clock, the production path.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from caselog.dates import end_of_day_utc

if TYPE_CHECKING:
    from collections.abc import Callable


def system_clock() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


class ManualClock:
    """A clock that shows what it was set to: for tests, demos and replays.

    >>> clock = ManualClock(datetime(2019, 11, 25, 8, 0, tzinfo=UTC))
    >>> clock().isoformat()
    '2019-11-25T08:00:00+00:00'
    """

    def __init__(self, now: datetime) -> None:
        """Start at `now` (an aware datetime)."""
        self.set(now)

    def set(self, now: datetime) -> None:
        """Move the clock (backwards too: the log still never decreases, D3)."""
        if now.tzinfo is None:
            msg = "the clock needs an aware datetime"
            raise ValueError(msg)
        self.now = now.astimezone(UTC)

    def __call__(self) -> datetime:
        """The time the clock shows."""
        return self.now


def resolve_known_at(known_at: date | datetime | None, clock: Callable[[], datetime]) -> datetime:
    """Turn a `known_at` argument into a UTC timestamp.

    None means now; a bare date means the end of that day in Swedish time
    (Europe/Stockholm), so everything recorded that day counts (DESIGN.md).
    """
    if known_at is None:
        return clock()
    if not isinstance(known_at, datetime):
        return end_of_day_utc(known_at)
    if known_at.tzinfo is None:
        msg = "known_at needs a time zone (or pass a date for the end of that day)"
        raise ValueError(msg)
    return known_at.astimezone(UTC)
