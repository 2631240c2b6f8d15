"""The per-case timeline of the report, laid out for HTML and CSS on both time axes.

An inspector reading a case file (personakt) needs to see at a glance when each fact
happened (`occurred_on`, valid time) and when the log learned it (`recorded_at`,
transaction time): a document registered long after the fact (sen registrering) stands
out as a long bar from the one to the other. Beneath them, the placements (placeringar)
and every deadline (frist) of the case from its trigger to its due date, with the day it
was met. Positions are percentages of one axis, so the page needs no script.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Final

from caselog.rules.model import Status

if TYPE_CHECKING:
    from caselog.api import CaseLog
    from caselog.projections import TimelineEntry
    from caselog.reports.catalogue import Catalogue
    from caselog.reports.question import ReportQuestion
    from caselog.rules.model import Obligation

UNDRAWN: Final = frozenset({"R21"})
"""Duties not drawn as deadlines: R21 (registration without delay) is one row per fact,
and its lateness is what the two lanes of facts already show."""


@dataclass(frozen=True, slots=True)
class Mark:
    """A point on a lane: a fact, where it happened or where it was recorded."""

    left: float
    label: str
    event_id: str
    late: bool


@dataclass(frozen=True, slots=True)
class Bar:
    """A span on a lane: a placement, a registration delay or a deadline."""

    left: float
    width: float
    label: str
    css: str
    met: float | None = None
    """Where the duty was met (a tick on the bar), for a deadline that was."""
    event_id: str = ""
    """The fact a registration delay belongs to."""


@dataclass(frozen=True, slots=True)
class CaseTimeline:
    """One case file laid out on one axis from `start` to `end`."""

    case_id: str
    start: date
    end: date
    ticks: tuple[tuple[float, str], ...]
    occurred: tuple[Mark, ...]
    recorded: tuple[Mark, ...]
    delays: tuple[Bar, ...]
    placements: tuple[Bar, ...]
    deadlines: tuple[Bar, ...]
    entries: tuple[TimelineEntry, ...]


def case_timeline(log: CaseLog, q: ReportQuestion, case_id: str, words: Catalogue) -> CaseTimeline:
    """The timeline of one child's case file on `on`, as the log showed it at `known_at`.

    `CaseLog.timeline` reads the log's deviation and lex Sarah matters once for all the
    timelines of a report (`caselog.api.query.MatterStreams`).
    """
    entries = tuple(log.timeline(case_id, known_at=q.known_at))
    state = log.case(case_id, on=q.on, known_at=q.known_at)
    duties = [
        o
        for o in log.obligations(on=q.on, known_at=q.known_at, case_id=case_id)
        if o.status is not Status.NOT_APPLICABLE and o.rule_id not in UNDRAWN
    ]
    days = [q.on, *(e.occurred_on for e in entries), *(e.recorded_on for e in entries)]
    days += [p.started_on for p in state.placements]
    days += [d for o in duties for d in (o.trigger_on, o.effective_due_on, o.satisfied_on) if d]
    axis = _Axis(min(days), max(days))
    placements = tuple(
        axis.bar(
            p.started_on,
            p.ended_on or q.on,
            words("placement", id=p.placement_id, home=p.home_id),
            "placement",
        )
        for p in state.placements
    )
    return CaseTimeline(
        case_id=case_id,
        start=axis.start,
        end=axis.end,
        ticks=axis.ticks(),
        occurred=tuple(
            Mark(
                axis.at(e.occurred_on),
                f"{e.occurred_on} {e.summary}",
                e.event_id,
                e.late_registration,
            )
            for e in entries
        ),
        recorded=tuple(
            Mark(
                axis.at(e.recorded_on),
                f"{e.recorded_on} {e.summary}",
                e.event_id,
                e.late_registration,
            )
            for e in entries
        ),
        delays=tuple(
            replace(
                axis.bar(e.occurred_on, e.recorded_on, words("late registration"), "delay"),
                event_id=e.event_id,
            )
            for e in entries
            if e.late_registration
        ),
        placements=placements,
        deadlines=tuple(_deadline(axis, o, words) for o in duties),
        entries=entries,
    )


def _deadline(axis: _Axis, o: Obligation, words: Catalogue) -> Bar:
    due = o.effective_due_on or o.trigger_on
    number = f" #{o.period}" if o.period else ""  # a review period, a care year …
    label = f"{o.rule_id}{number} {words.rule(o.rule_id)}: {o.trigger_on} → {due} — "
    label += words.status(o.status)
    if o.satisfied_on is not None:
        label += f" ({words('met on', day=o.satisfied_on)})"
    bar = axis.bar(o.trigger_on, due, label, f"deadline status-{o.status.value}")
    return replace(bar, met=None if o.satisfied_on is None else axis.at(o.satisfied_on))


class _Axis:
    """Days as percentages of the span from the first to the last day drawn."""

    def __init__(self, start: date, end: date) -> None:
        self.start = start
        self.end = max(end, start + timedelta(days=1))
        self.days = (self.end - self.start).days

    def at(self, day: date) -> float:
        return round(100 * (day - self.start).days / self.days, 2)

    def bar(self, first: date, last: date, label: str, css: str) -> Bar:
        left, right = self.at(min(first, last)), self.at(max(first, last))
        return Bar(left, max(round(right - left, 2), 0.4), label, css)

    def ticks(self) -> tuple[tuple[float, str], ...]:
        """The first of January of each year inside the span (every few years if long)."""
        step = max(1, (self.end.year - self.start.year) // 8)
        years = range(self.start.year + 1, self.end.year + 1, step)
        return tuple((self.at(date(year, 1, 1)), str(year)) for year in years)
