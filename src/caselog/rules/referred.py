"""The homes and committees a case file refers to, followed along both time axes (issue 10).

A child's rows read two other kinds of stream: a home's facts (R10: was the family home
investigated before the move) and the committee's meetings (R16a: the next meeting after
an immediate custody). For the read models a row must say how long it holds, so these
lookups note, beside the answer, the first later `on` and the first later `known_at` at
which the answer could differ. What a reference evaluation sees is the same: the referred
stream's corrected facts recorded by `known_at`, up to `on` (DESIGN.md D4, D8).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, NoReturn

from caselog.events import Body, CommitteeMeetingHeld
from caselog.projections import Viewed
from caselog.rules.evaluate import view_of
from caselog.rules.probe import LAST_DAY, Probe, ProbeEscapeError

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date, datetime

    from caselog.events import Event, Recorded


class _Versions:
    """One referred stream's views, one per instant something was recorded to it."""

    def __init__(self, records: Sequence[Recorded[Event]]) -> None:
        self.records = sorted(records, key=lambda r: r.position)
        self.instants = sorted({r.recorded_at for r in self.records})
        self._views: dict[int, tuple[Viewed, ...]] = {}

    def index(self, known_at: datetime) -> int:
        """Which version `known_at` sees (-1: none yet)."""
        return bisect_right(self.instants, known_at) - 1

    def view(self, index: int) -> tuple[Viewed, ...]:
        """The corrected facts of version `index`, in fold order, for every `on`."""
        if index < 0:
            return ()
        if index not in self._views:
            moment = self.instants[index]
            known = [r for r in self.records if r.recorded_at <= moment]
            self._views[index] = view_of(known, LAST_DAY)
        return self._views[index]

    def next_instant(self, index: int) -> datetime | None:
        """When the version after `index` was recorded, if there is one."""
        return self.instants[index + 1] if index + 1 < len(self.instants) else None


@dataclass
class Referred:
    """The home and committee streams of a log, every version of each kept."""

    homes: dict[str, _Versions] = field(default_factory=dict)
    committees: _Versions | None = None
    _firsts: dict[tuple[Body, date, int], tuple[date | None, datetime | None]] = field(
        default_factory=dict
    )
    _days: dict[tuple[int, Body], list[date]] = field(default_factory=dict)

    def with_homes(self, streams: Mapping[str, Sequence[Recorded[Event]]]) -> Referred:
        """The same committees (and what was learnt of them), with these homes instead."""
        return replace(self, homes=Referred.of(streams).homes)

    @classmethod
    def of(cls, streams: Mapping[str, Sequence[Recorded[Event]]]) -> Referred:
        """Keep the `home:` and `committee:` streams among `streams` (others are ignored)."""
        homes = {
            name.partition(":")[2]: _Versions(records)
            for name, records in streams.items()
            if name.startswith("home:")
        }
        committee = [r for name, rs in streams.items() if name.startswith("committee:") for r in rs]
        return cls(homes, _Versions(committee) if committee else None)

    def first_meeting(
        self, body: Body, after: date, known_at: datetime
    ) -> tuple[date | None, datetime | None]:
        """When `body` first met after `after`, as known at `known_at`, for any `on`.

        Also the next instant a later record changes that answer (None: never).
        """
        versions = self.committees
        if versions is None:
            return None, None
        index = versions.index(known_at)
        key = (body, after, index)
        if key not in self._firsts:
            first = _first_after(self._meeting_days(index, body), after)
            changes = None
            for later in range(index + 1, len(versions.instants)):
                if _first_after(self._meeting_days(later, body), after) != first:
                    changes = versions.instants[later]
                    break
            self._firsts[key] = (first, changes)
        return self._firsts[key]

    def _meeting_days(self, index: int, body: Body) -> list[date]:
        """The days `body` met in committee version `index`, in fold order."""
        key = (index, body)
        if key not in self._days:
            assert self.committees is not None  # noqa: S101
            self._days[key] = [
                f.event.occurred_on
                for f in self.committees.view(index)
                if isinstance(f.event, CommitteeMeetingHeld) and f.event.body == body
            ]
        return self._days[key]


def _first_after(days: list[date], after: date) -> date | None:
    index = bisect_right(days, after)
    return days[index] if index < len(days) else None


class TrackedHomes(Mapping[str, tuple[Viewed, ...]]):
    """`RuleContext.homes` for the read models: each home asked for bounds the answer."""

    def __init__(self, referred: Referred, on: Probe, known_at: datetime, read: set[str]) -> None:
        """The homes as known at `known_at`, up to the tracked `on`; those read go in `read`."""
        self._referred, self._on, self._known_at, self.read = referred, on, known_at, read

    def __getitem__(self, home_id: str) -> tuple[Viewed, ...]:
        """The home's facts up to `on`; raises KeyError while nothing of it is known."""
        versions = self._referred.homes.get(home_id)
        if versions is None:
            raise KeyError(home_id)
        self.read.add(f"home:{home_id}")
        index = versions.index(self._known_at)
        following = versions.next_instant(index)
        if following is not None:
            self._on._tracker.known_by(following)  # noqa: SLF001 - one tracker per evaluation
        if index < 0:
            raise KeyError(home_id)
        return tuple(f for f in versions.view(index) if f.event.occurred_on <= self._on)

    def __iter__(self) -> Iterator[str]:
        """Refused: listing every home would read them all without bounds."""
        _refuse()

    def __len__(self) -> int:  # noqa: PLE0303 - it never returns
        """Refused, as iteration."""
        _refuse()


def _refuse() -> NoReturn:
    msg = "a rule listed every home; the read model follows homes asked for by id only"
    raise ProbeEscapeError(msg)


class Unfollowed(tuple[Viewed, ...]):  # noqa: SLOT001 - empty, never filled
    """`RuleContext.committee` for the read models: no rule reads it, and none may unseen."""

    def __iter__(self) -> NoReturn:
        """Refused: the read model cannot bound a scan of every committee fact."""
        msg = "a rule read every committee fact; the read model follows meetings only"
        raise ProbeEscapeError(msg)
