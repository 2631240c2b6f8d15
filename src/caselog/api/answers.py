"""The façade's other answers as typed frames: case files, timelines, events (issue 14).

`Obligations` is the compliance answer's frame; these are the rest an analyst asks for.
Each keeps the shape the façade has always returned — `cases()` a mapping of case ids
to their findings, `timeline()` a sequence of entries, `events()` an iterator of
`Recorded` events — and adds `to_arrow()`, `to_pandas()` and `to_polars()` with one
schema derived from a model (`caselog.api.tables`), the same for an empty answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Final, overload

import orjson
import pyarrow as pa
from pydantic import BaseModel, ConfigDict

from caselog.api.tables import Columns, TypedFrame
from caselog.events import EVENT_TYPES, HomeType, PlacementBasis
from caselog.interchange import to_line
from caselog.projections.timeline import TimelineEntry
from caselog.rules.model import FINDINGS, Status
from caselog.storage.sealing import personal_values

if TYPE_CHECKING:
    from caselog.events import Event, Recorded


class CaseRow(BaseModel):
    """One case file (personakt) on `on` as known at `known_at`: its scalar facts, counted.

    The row of the case frame: where the case stands (an open investigation (utredning),
    a current placement (placering), a care episode (vårdepisod)), how many of each kind
    of part it holds, and how many of its obligations have each status of a finding.
    """

    model_config = ConfigDict(frozen=True)

    case_id: str
    on: date
    known_at: datetime
    born_on: date | None
    open_investigation: str | None
    current_placement_id: str | None
    current_home_type: HomeType | None
    current_legal_basis: PlacementBasis | None
    placed_since: date | None
    in_care_since: date | None
    reports: int
    applications: int
    investigations: int
    decisions: int
    placements: int
    reviews: int
    visits: int
    private_talks: int
    interventions: int
    pending: int
    met_late: int
    overdue: int
    waived: int
    breached: int

    @classmethod
    def of(cls, state: Mapping[str, Any], findings: Mapping[Status, int]) -> CaseRow:
        """The row of a case state, as JSON data, and its findings counted by status.

        JSON data (`CaseState.model_dump(mode="json")`, or the read models' stored JSON
        read with orjson), not the model: a municipality's rows need a few scalars and
        lengths of each state, and validating 10,000 whole states took seconds.
        """
        placement = state["current_placement"] or {}
        episode = state["current_care_episode"] or {}
        return cls.model_validate(
            {
                "case_id": state["case_id"],
                "on": state["on"],
                "known_at": state["known_at"],
                "born_on": state["born_on"],
                "open_investigation": state["open_investigation"],
                "current_placement_id": placement.get("placement_id"),
                "current_home_type": placement.get("home_type"),
                "current_legal_basis": placement.get("legal_basis"),
                "placed_since": placement.get("started_on"),
                "in_care_since": episode.get("started_on"),
                **{part: len(state[part]) for part in _COUNTED},
                **{status.value: findings.get(status, 0) for status in FINDINGS},
            }
        )


_COUNTED: Final = (
    "reports", "applications", "investigations", "decisions", "placements", "reviews",
    "visits", "private_talks", "interventions",
)  # fmt: skip
"""The parts of a case state a `CaseRow` counts."""


CASE_COLUMNS: Final = Columns.of(CaseRow)
"""The case frame's columns: `CaseRow`'s fields, in order."""


class Cases(TypedFrame, Mapping[str, dict[Status, int]]):
    """Every listed case file: its id mapped to its findings by status, and its row.

    As a mapping it is what `CaseLog.cases` has always returned (a case without findings
    maps to `{}`); as a frame it is one `CaseRow` per case, in case-id order. The case
    states behind the rows are folded or read only when a row is asked for.
    """

    __slots__ = ("_findings", "_rows", "_states")

    def __init__(
        self,
        findings: Mapping[str, Mapping[Status, int]],
        states: Callable[[], Mapping[str, Mapping[str, Any]]],
    ) -> None:
        """Each listed case's findings (in order), and how to get their states (as JSON data)."""
        self._findings = {
            case_id: {s: counts[s] for s in Status if counts.get(s)}
            for case_id, counts in findings.items()
        }
        self._states = states
        self._rows: tuple[CaseRow, ...] | None = None

    @property
    def rows(self) -> tuple[CaseRow, ...]:
        """One row per case file, in order."""
        if self._rows is None:
            states = self._states()
            self._rows = tuple(
                CaseRow.of(states[case_id], counts) for case_id, counts in self._findings.items()
            )
        return self._rows

    def __getitem__(self, case_id: str) -> dict[Status, int]:
        """The case's findings: how many obligations have each status of `FINDINGS`."""
        return dict(self._findings[case_id])

    def __iter__(self) -> Iterator[str]:
        """The case ids, in order."""
        return iter(self._findings)

    def __len__(self) -> int:
        """How many case files."""
        return len(self._findings)

    def __repr__(self) -> str:
        """How many case files, not all of them."""
        return f"<Cases: {len(self)} case files>"

    def to_arrow(self) -> pa.Table:
        """One row per case file, of `CASE_COLUMNS`."""
        return CASE_COLUMNS.table([dict(row) for row in self.rows])


TIMELINE_COLUMNS: Final = Columns([("case_id", pa.string(), None)]) + Columns.of(
    TimelineEntry, enums={"type": EVENT_TYPES}
)
"""The timeline frame's columns: the case id, then `TimelineEntry`'s fields."""


class Timeline(TypedFrame, Sequence[TimelineEntry]):
    """A case file's timeline: its entries in log order, and their frame."""

    __slots__ = ("_entries", "case_id")

    def __init__(self, case_id: str, entries: Sequence[TimelineEntry]) -> None:
        """The entries of the case file `case_id`, in log order."""
        self.case_id: Final = case_id
        self._entries = tuple(entries)

    @overload
    def __getitem__(self, index: int) -> TimelineEntry: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[TimelineEntry]: ...
    def __getitem__(self, index: int | slice) -> TimelineEntry | Sequence[TimelineEntry]:
        """An entry, or a slice of entries."""
        return self._entries[index]

    def __len__(self) -> int:
        """How many entries."""
        return len(self._entries)

    def __eq__(self, other: object) -> bool:
        """The same entries (a list of entries compares too)."""
        if isinstance(other, Timeline):
            return self._entries == other._entries
        return isinstance(other, Sequence) and list(self._entries) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        """How many entries, not all of them."""
        return f"<Timeline of {self.case_id}: {len(self)} entries>"

    def to_arrow(self) -> pa.Table:
        """One row per entry, of `TIMELINE_COLUMNS`."""
        return TIMELINE_COLUMNS.table(
            [{"case_id": self.case_id, **dict(entry)} for entry in self._entries]
        )


class EventRow(BaseModel):
    """One event as the events frame shows it: the envelope, and the rest as JSON text.

    `payload` holds the event's own fields without the envelope's; its personal fields
    (names, personal identity numbers, free texts: issue 13) are left out, as an export
    without `--personal` leaves them out, and named in `withheld`.
    """

    position: int
    stream: str
    stream_version: int
    type: str
    schema_version: int
    event_id: str
    occurred_on: date
    recorded_at: datetime
    actor: str
    ingested_by: str
    withheld: tuple[str, ...]
    payload: str


EVENT_COLUMNS: Final = Columns.of(EventRow, enums={"type": EVENT_TYPES})
"""The events frame's columns."""

_ENVELOPE: Final = frozenset({"type", "event_id", "occurred_on", "actor", "withheld"})


def event_row(record: Recorded[Event]) -> dict[str, object]:
    """The events frame's row of one recorded event."""
    event = record.event
    withheld = record.erased | record.sealed | personal_values(event).keys()
    data = orjson.loads(to_line(event, withheld=withheld))
    payload = {key: value for key, value in data.items() if key not in _ENVELOPE}
    return {
        "position": record.position,
        "stream": record.stream,
        "stream_version": record.stream_version,
        "type": event.type,
        "schema_version": type(event).schema_version,
        "event_id": event.event_id,
        "occurred_on": event.occurred_on,
        "recorded_at": record.recorded_at,
        "actor": event.actor,
        "ingested_by": record.ingested_by,
        "withheld": tuple(sorted(withheld)),
        "payload": orjson.dumps(payload, option=orjson.OPT_SORT_KEYS).decode(),
    }


class Events(TypedFrame, Iterator["Recorded[Event]"]):
    """The log's events in log order: an iterator of `Recorded` events, or one frame.

    Iterating reads the log page by page; `to_arrow()` reads what is left into one
    table of `EVENT_COLUMNS`, so take one or the other.
    """

    __slots__ = ("_records",)

    def __init__(self, records: Iterator[Recorded[Event]]) -> None:
        """The events, as the store reads them."""
        self._records = records

    def __next__(self) -> Recorded[Event]:
        """The next event in log order."""
        return next(self._records)

    def to_arrow(self) -> pa.Table:
        """The events not yet iterated, one row each, of `EVENT_COLUMNS`."""
        return EVENT_COLUMNS.table([event_row(record) for record in self._records])
