"""The weekly self-monitoring (egenkontroll): what came in, what falls due, what is overdue.

Hedemora promised IVO a weekly check of what comes in and how it is handled. For the
week ending `on` (the seven days `on` − 6 … `on`) the list holds, by the holder of each
case (handläggare: the actor who registered the last decision in its stream, the last
event with `decided_by`):

* *came in* — the duties the week's facts started (trigger day in the week; a report of
  concern, orosanmälan, starts R01 and R02), whatever their status but not_applicable;
* *due in 14 days* — the pending duties due `on` + 1 … `on` + 14;
* *overdue* — the duties overdue on `on`.

All three are rows of `obligations(on=on)`, so the list has the obligations query's own
numbers (a duty that came in and is due soon is on both lists). Teams come from the
settings table `teams = {name = [actors]}`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import IO, TYPE_CHECKING, Any, Final

import pyarrow as pa
import pyarrow.compute as pc

from caselog.errors import CaselogError
from caselog.reports.gather import rows
from caselog.rules.model import Status

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from caselog.api import CaseLog

WEEK_DAYS: Final = 7
AHEAD_DAYS: Final = 14
_STREAMS_PER_READ: Final = 500
_KINDS: Final = ("child", "matter", "home", "committee")


class Kind(StrEnum):
    """The three lists of the week."""

    CAME_IN = "came_in"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


KIND_KEYS: Final = {Kind.CAME_IN: "came in", Kind.DUE_SOON: "due soon", Kind.OVERDUE: "overdue"}
"""Each list's heading in the message catalogue."""

CSV_COLUMNS: Final = (
    "holder", "teams", "list", "case_id", "rule_id", "part", "period", "trigger_on",
    "effective_due_on", "satisfied_on", "status", "days_late", "days_overdue", "severity",
    "citation",
)  # fmt: skip
"""The weekly CSV's columns: the holder, the list (its stable value) and D7 fields."""


class UnknownTeamError(CaselogError, LookupError):
    """A `--team` the settings do not have, or no teams table at all."""


class _All:
    """The default of `Week.count`: every holder (None already means "no holder")."""


ALL: Final = _All()


@dataclass(frozen=True, slots=True)
class Line:
    """One duty on one of the week's lists, under its holder (a row of D7 columns)."""

    kind: Kind
    holder: str | None
    teams: tuple[str, ...]
    row: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Week:
    """The weekly list: the week and its lines, by holder (sorted; no holder last)."""

    on: date
    first: date
    due_until: date
    team: str | None
    lines: tuple[Line, ...]

    def count(self, kind: Kind, holder: str | _All | None = ALL) -> int:
        """How many lines of `kind`, of one holder when given (None: no holder yet)."""
        return sum(
            1
            for line in self.lines
            if line.kind is kind and (isinstance(holder, _All) or line.holder == holder)
        )

    @property
    def holders(self) -> list[str | None]:
        """The holders on the list, in order; None (no decision yet) last."""
        named = sorted({line.holder for line in self.lines if line.holder is not None})
        return [*named, *([None] if any(line.holder is None for line in self.lines) else [])]


def masks(table: pa.Table, on: date) -> dict[Kind, pa.ChunkedArray]:
    """Which obligations (rows of `obligations(on=on)`) are on each list of the week."""
    status, due, trigger = (
        table["status"].cast(pa.string()),
        table["effective_due_on"],
        table["trigger_on"],
    )
    first, until = on - timedelta(WEEK_DAYS - 1), on + timedelta(AHEAD_DAYS)
    return {
        Kind.CAME_IN: pc.and_(
            pc.and_(
                pc.greater_equal(trigger, pa.scalar(first)), pc.less_equal(trigger, pa.scalar(on))
            ),
            pc.not_equal(status, Status.NOT_APPLICABLE.value),
        ),
        Kind.DUE_SOON: pc.fill_null(
            pc.and_(
                pc.equal(status, Status.PENDING.value),
                pc.and_(pc.greater(due, pa.scalar(on)), pc.less_equal(due, pa.scalar(until))),
            ),
            fill_value=False,
        ),
        Kind.OVERDUE: pc.equal(status, Status.OVERDUE.value),
    }


def weekly(
    log: CaseLog,
    *,
    on: date,
    known_at: date | datetime | None = None,
    teams: Mapping[str, list[str]] | None = None,
    team: str | None = None,
) -> Week:
    """The weekly list for the week ending `on`, of one team when asked.

    A duty can be on two lists: one that came in this week and falls due within 14 days
    is on both, so that each list has the obligations query's own count.

    Raises:
        UnknownTeamError: `team` without a teams table, or a team the table lacks.
    """
    teams = teams or {}
    if team is not None and team not in teams:
        have = ", ".join(sorted(teams))
        msg = (
            f"no team {team!r} in the settings; the teams are {have}"
            if teams
            else f"no team {team!r}: the settings have no teams table (teams = {{name = [actors]}})"
        )
        raise UnknownTeamError(msg)
    table = log.obligations(on=on, known_at=known_at).to_arrow()
    listed = [
        (kind, row) for kind, mask in masks(table, on).items() for row in rows(table.filter(mask))
    ]
    holders = holders_of(log, {row["case_id"] for _, row in listed}, known_at)
    member_of: dict[str, list[str]] = {}
    for name, actors in sorted(teams.items()):
        for actor in actors:
            member_of.setdefault(actor, []).append(name)
    lines = []
    for kind, row in listed:
        holder = holders.get(row["case_id"])
        in_teams = tuple(member_of.get(holder, ())) if holder is not None else ()
        if team is None or team in in_teams:
            lines.append(Line(kind, holder, in_teams, row))
    order = {kind: index for index, kind in enumerate(Kind)}
    lines.sort(
        key=lambda line: (
            line.holder is None,
            line.holder or "",
            order[line.kind],
            line.row["case_id"],
            line.row["rule_id"],
        )
    )
    return Week(on, on - timedelta(WEEK_DAYS - 1), on + timedelta(AHEAD_DAYS), team, tuple(lines))


def holders_of(
    log: CaseLog, case_ids: Iterable[str], known_at: date | datetime | None
) -> dict[str, str]:
    """Each case's holder: the `actor` of the last event in its stream with a `decided_by`.

    A case whose stream holds no decision yet has no holder (it is not in the answer).
    The streams are read a few hundred at a time, as one read each (loggkontroll).
    """
    existing = set(log.store.streams())
    stream_of = {
        f"{kind}:{case_id}": case_id
        for case_id in case_ids
        for kind in _KINDS
        if f"{kind}:{case_id}" in existing
    }
    streams = sorted(stream_of)
    holders: dict[str, str] = {}
    for start in range(0, len(streams), _STREAMS_PER_READ):
        for recorded in log.history(*streams[start : start + _STREAMS_PER_READ], known_at=known_at):
            if getattr(recorded.event, "decided_by", None) is not None:
                holders[stream_of[recorded.stream]] = recorded.event.actor
    return holders


def write_csv(week: Week, out: IO[str]) -> None:
    """The list as CSV, one duty a line, in stable values (never translated)."""
    writer = csv.DictWriter(out, fieldnames=list(CSV_COLUMNS), lineterminator="\n")
    writer.writeheader()
    for line in week.lines:
        writer.writerow(
            {
                **{name: line.row.get(name) for name in CSV_COLUMNS[3:]},
                "holder": line.holder or "",
                "teams": "|".join(line.teams),
                "list": line.kind.value,
            }
        )
