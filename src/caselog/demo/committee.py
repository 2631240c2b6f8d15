"""The committee's calendar and its own stream: meetings and the annual list to IVO.

The socialnämnd meets about monthly and its individual-case sub-committee (individ- or
myndighetsutskott) every two or three weeks, with breaks in summer and at Christmas.
Reviews of care (övervägande), custody-transfer considerations and care decisions are
taken at sub-committee meetings (SoL 2001:453 10 kap. 4 §: never by an official), and a
chair's LVU 6 § decision is reported at the next committee meeting. Each January the
committee sends IVO its list of children in family homes (SoF 2001:937 7 kap. 1 §).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import date, timedelta
from typing import TYPE_CHECKING, Final

from caselog.events import Body, CommitteeMeetingHeld, FosterHomeListSentToIVO

if TYPE_CHECKING:
    from random import Random

    from caselog.demo.clock import RegistrationClock
    from caselog.demo.config import DemoConfig
    from caselog.demo.ledger import Ledger

_TUESDAY: Final = 1
_WEDNESDAY: Final = 2
_JULY: Final = 7
_DECEMBER: Final = 12
_SUMMER_BREAK: Final = ((6, 22), (8, 12))
"""No sub-committee meetings from midsummer to mid-August."""
_CHRISTMAS_BREAK: Final = ((12, 21), (1, 8))
_SKIP_A_WEEK: Final = 0.2
"""Share of sub-committee intervals of three weeks instead of two."""
_LATE_LIST: Final = 0.2
"""Share of years the list to IVO is sent after 31 January (R22)."""
SECRETARY: Final = "sec-1"
"""The committee secretary (nämndsekreterare), who registers the minutes."""


def _in_break(d: date) -> bool:
    (summer_from, summer_to), (christmas_from, christmas_to) = (
        _SUMMER_BREAK,
        _CHRISTMAS_BREAK,
    )
    day = (d.month, d.day)
    return summer_from <= day <= summer_to or day >= christmas_from or day <= christmas_to


class CommitteeCalendar:
    """The meeting days of the committee and the sub-committee over the demo period."""

    def __init__(self, config: DemoConfig, clock: RegistrationClock, rng: Random) -> None:
        """Draw the meeting days between `config.start` and `config.end`."""
        self._days: dict[Body, list[date]] = {
            Body.SUBCOMMITTEE: self._subcommittee_days(config, clock, rng),
            Body.COMMITTEE: self._committee_days(config, clock, rng),
        }
        self._ordinals = {body: [d.toordinal() for d in days] for body, days in self._days.items()}

    @staticmethod
    def _subcommittee_days(config: DemoConfig, clock: RegistrationClock, rng: Random) -> list[date]:
        day = config.start + timedelta(days=(_TUESDAY - config.start.weekday()) % 7)
        days: list[date] = []
        while day <= config.end:
            meeting = clock.next_open(day)
            if not _in_break(day) and meeting <= config.end:
                days.append(meeting)
            day += timedelta(weeks=3 if rng.random() < _SKIP_A_WEEK else 2)
        return sorted(set(days))

    @staticmethod
    def _committee_days(config: DemoConfig, clock: RegistrationClock, rng: Random) -> list[date]:
        days: list[date] = []
        year, month = config.start.year, config.start.month
        while date(year, month, 1) <= config.end:
            if month != _JULY:
                first = date(year, month, 1)
                wednesday = first + timedelta(days=(_WEDNESDAY - first.weekday()) % 7)
                meeting = clock.next_open(wednesday + timedelta(weeks=rng.choice((2, 3))))
                if config.start <= meeting <= config.end:
                    days.append(meeting)
            year, month = (year + 1, 1) if month == _DECEMBER else (year, month + 1)
        return days

    def days(self, body: Body) -> list[date]:
        """Return the meeting days of `body`, in order."""
        return list(self._days[body])

    def on_or_after(self, body: Body, d: date) -> date | None:
        """Return the first meeting of `body` on or after `d`, if any."""
        days = self._days[body]
        i = bisect_left(self._ordinals[body], d.toordinal())
        return days[i] if i < len(days) else None

    def after(self, body: Body, d: date) -> date | None:
        """Return the first meeting of `body` strictly after `d` (LVU 6 §: the next)."""
        days = self._days[body]
        i = bisect_right(self._ordinals[body], d.toordinal())
        return days[i] if i < len(days) else None

    def on_or_before(self, body: Body, d: date) -> date | None:
        """Return the last meeting of `body` on or before `d`, if any."""
        i = bisect_right(self._ordinals[body], d.toordinal())
        return self._days[body][i - 1] if i else None

    def in_time(self, body: Body, due: date, earliest: date) -> date | None:
        """Return the last meeting of `body` in `[earliest, due]`, else the next one.

        A committee schedules a duty with a deadline for the last meeting before it.
        """
        before = self.on_or_before(body, due)
        if before is not None and before >= earliest:
            return before
        return self.on_or_after(body, max(earliest, due))


def write_committee(
    ledger: Ledger, config: DemoConfig, calendar: CommitteeCalendar, rng: Random
) -> None:
    """Write the committee stream: every meeting, and each January's list to IVO."""
    for body in (Body.SUBCOMMITTEE, Body.COMMITTEE):
        for day in calendar.days(body):
            ledger.add(
                CommitteeMeetingHeld(
                    event_id=ledger.next_id(),
                    occurred_on=day,
                    actor=SECRETARY,
                    committee_id=config.committee_id,
                    body=body,
                )
            )
    for year in range(config.start.year, config.end.year + 1):
        if rng.random() < _LATE_LIST:
            sent = date(year, 2, 1) + timedelta(days=rng.randrange(75))
        else:
            sent = date(year, 1, 8) + timedelta(days=rng.randrange(24))
        sent = ledger.clock.workday(sent, date(year, 1, 2))
        if config.start <= sent <= config.end:
            ledger.add(
                FosterHomeListSentToIVO(
                    event_id=ledger.next_id(),
                    occurred_on=sent,
                    actor=SECRETARY,
                    committee_id=config.committee_id,
                    year=year,
                )
            )
