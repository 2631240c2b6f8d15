"""`CaseLog`: the façade over one municipality's log (DESIGN.md Interfaces, D10).

Its methods are the commands (`record`, `ingest`) and the queries (`case`, `timeline`,
`history`). Every query takes `on` (valid time) and `known_at` (transaction time) and
answers exactly what the reference semantics (`caselog.projections.as_of`) defines.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Self

from caselog.aggregates import aggregate_for
from caselog.api.bulk import bulk_allocation
from caselog.api.clock import resolve_known_at, system_clock
from caselog.api.ingest import IngestResult, ingest
from caselog.api.obligations import Obligations
from caselog.errors import ConcurrencyConflictError, DuplicateEventError, UnknownCaseError
from caselog.events import Recorded
from caselog.projections import (
    CaseState,
    TimelineEntry,
    as_of,
    fold_case_state,
    matters_about,
    timeline_of,
)
from caselog.rules.evaluate import judge_streams
from caselog.rules.model import Status
from caselog.rules.registry import ALL_RULES
from caselog.rules.settings import DEFAULT_SETTINGS, Settings
from caselog.storage import canonical_payload, open_store, row_for
from caselog.storage.port import chunked

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
    from datetime import date, datetime
    from types import TracebackType

    from caselog.api.ingest import Progress
    from caselog.events import Event
    from caselog.storage import EventStore


class CaseLog:
    """One municipality's append-only, bitemporal log of child-welfare casework."""

    def __init__(
        self,
        store: EventStore,
        *,
        actor: str,
        clock: Callable[[], datetime] | None = None,
        settings: Settings | None = None,
    ) -> None:
        """Wrap an open store; `actor` is who records (and, later, who reads)."""
        if not actor:
            msg = "an actor is required: who records and reads the log"
            raise ValueError(msg)
        self.store = store
        self.actor = actor
        self.clock = clock or system_clock
        self.settings = settings or DEFAULT_SETTINGS

    @property
    def url(self) -> str:
        """The store URL (without a password)."""
        return self.store.url

    # -- commands ---------------------------------------------------------------------

    def record(self, event: Event) -> Recorded[Event]:
        """Append one event now; return it as the log holds it.

        Re-recording an event already stored with the same payload returns the stored one.

        Raises:
            DuplicateEventError: its `event_id` is stored with another payload.
            HistoryError: it breaks its stream's structure (D5); nothing is written.
            ConcurrencyConflictError: another writer appended to the stream meanwhile.
        """
        stream = event.stream
        stored = self.store.stored_payloads([event.event_id])
        if event.event_id in stored:
            if stored[event.event_id][1] != canonical_payload(event):
                raise DuplicateEventError(event.event_id)
            return next(
                r for r in self.store.read_streams([stream]) if r.event.event_id == event.event_id
            )
        existing = self.store.read_streams([stream])
        aggregate = aggregate_for(stream)
        for recorded in existing:
            aggregate.add(recorded.event)
        aggregate.add_to_batch(event)
        for _, violation in aggregate.verify():
            raise violation.error(
                f"{violation.field}: {violation.reason}" if violation.field else violation.reason,
                event_id=event.event_id,
                stream=stream,
                field=violation.field,
            )
        version = max((r.stream_version for r in existing), default=0) + 1
        try:
            appended = self.store.append(
                [row_for(event, version)], clock=self.clock, ingested_by=self.actor
            )
        except ConcurrencyConflictError:
            raise ConcurrencyConflictError([stream]) from None
        assert appended.last_position is not None  # noqa: S101
        assert appended.recorded_at is not None  # noqa: S101
        return Recorded(
            event, stream, version, appended.last_position, appended.recorded_at, self.actor
        )

    def ingest(
        self,
        source: str | Path | Iterable[str | dict[str, Any] | Event],
        *,
        historical: bool = False,
        progress: Progress | None = None,
    ) -> IngestResult:
        """Ingest a JSON Lines file (a path) or events, all or nothing (D6).

        Raises:
            IngestRejectedError: any line is bad; `.errors` lists (line, field, reason).
            ConcurrencyConflictError: other writers kept winning after three retries.
        """
        items = Path(source) if isinstance(source, str | Path) else list(source)
        return ingest(
            self.store,
            items,
            historical=historical,
            clock=self.clock,
            actor=self.actor,
            progress=progress,
        )

    # -- queries ----------------------------------------------------------------------

    def history(
        self, *streams: str, known_at: date | datetime | None = None
    ) -> list[Recorded[Event]]:
        """The events of the given streams recorded up to `known_at`, in log order."""
        return self.store.read_streams(streams, known_at=self._moment(known_at))

    def events(self, *, known_at: date | datetime | None = None) -> Iterator[Recorded[Event]]:
        """Every event in the log recorded up to `known_at`, in log order."""
        return self.store.read_log(known_at=self._moment(known_at))

    def case(self, case_id: str, *, on: date, known_at: date | datetime | None = None) -> CaseState:
        """The state of a child's case file on `on`, as the log showed it at `known_at`.

        Raises:
            UnknownCaseError: the log has never held anything about this child.
        """
        moment = self._moment(known_at)
        stored = self._case_history(case_id)
        return fold_case_state(
            case_id, as_of(stored, on=on, known_at=moment), on=on, known_at=moment
        )

    def timeline(
        self, case_id: str, *, known_at: date | datetime | None = None
    ) -> list[TimelineEntry]:
        """Every event of a child's case file with both time axes, marks included.

        The deviations and lex Sarah matters whose report names the child (`child_ids`)
        are listed with it, each entry under its own stream.
        """
        moment = self._moment(known_at)
        own = self._case_history(case_id)
        matters = self.store.read_streams(self.store.streams("matter:"), known_at=moment)
        about = matters_about(case_id, matters, known_at=moment)
        return timeline_of([*own, *(r for r in matters if r.stream in about)], known_at=moment)

    def obligations(
        self,
        *,
        on: date,
        known_at: date | datetime | None = None,
        case_id: str | None = None,
        rule: str | None = None,
        status: Status | str | Iterable[Status | str] | None = None,
    ) -> Obligations:
        """Every legal duty on `on` as the log showed it at `known_at`, judged (D7, D10).

        `rule` takes an id (`R05`) or a rule with sub-ids (`R16` → R16a–c); `status` one
        status or several.
        """
        moment = self._moment(known_at)
        shared_names = self.store.streams("committee:")
        if case_id is None:
            names = sorted(self.store.streams())
            shared_names += self.store.streams("home:")
        else:  # the case file, its homes and the committees: nothing else can matter
            own = self._case_history(case_id)
            shared_names += [f"home:{h}" for r in own if (h := r.event.subject_ids.get("home_id"))]
            names = [f"child:{case_id}"]
        shared = _by_stream(self.store.read_streams(sorted(set(shared_names)), known_at=moment))
        wanted = _statuses(status)
        with bulk_allocation():
            found = judge_streams(
                self._streams(names, shared, moment),
                shared=shared,
                on=on,
                known_at=moment,
                settings=self.settings,
                case_id=case_id,
                rules=ALL_RULES,
            )
            return Obligations(
                tuple(
                    o
                    for o in found
                    if (rule is None or _rule_matches(o.rule_id, rule))
                    and (wanted is None or o.status in wanted)
                )
            )

    def _streams(
        self,
        names: Sequence[str],
        shared: Mapping[str, list[Recorded[Event]]],
        known_at: datetime,
    ) -> Iterator[tuple[str, list[Recorded[Event]]]]:
        """The streams `names` with their events, read a chunk of streams at a time."""
        for chunk in chunked(names, _STREAMS_PER_READ):
            unread = [name for name in chunk if name not in shared]
            read = _by_stream(self.store.read_streams(unread, known_at=known_at)) if unread else {}
            for name in chunk:
                if records := shared.get(name) or read.get(name):
                    yield name, records

    def _moment(self, known_at: date | datetime | None) -> datetime:
        """The transaction time to read at; by default now, and never before the last record.

        A clock set back (a replay, or another writer's faster clock) must not hide what
        is already in the log: "known now" means everything recorded.
        """
        moment = resolve_known_at(known_at, self.clock)
        if known_at is None and (last := self.store.last_recorded_at()) is not None:
            return max(moment, last)
        return moment

    def _case_history(self, case_id: str) -> list[Recorded[Event]]:
        stored = self.store.read_streams([f"child:{case_id}"])
        if not stored:
            raise UnknownCaseError(case_id)
        return stored

    # -- lifecycle --------------------------------------------------------------------

    def close(self) -> None:
        """Release the store's connections."""
        self.store.close()

    def __enter__(self) -> Self:
        """Use as a context manager that closes the log."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close the log."""
        self.close()


def open_log(
    url: str | None = None,
    *,
    actor: str,
    clock: Callable[[], datetime] | None = None,
    settings: Settings | None = None,
) -> CaseLog:
    """Open the log at `url` (default `sqlite:///caselog.db`, i.e. `./caselog.db`)."""
    return CaseLog(open_store(url), actor=actor, clock=clock, settings=settings)


def _rule_matches(rule_id: str, wanted: str) -> bool:
    """`R05` matches R05; `R16` also matches its lettered sub-ids R16a–c."""
    return rule_id == wanted or (rule_id.startswith(wanted) and rule_id[len(wanted) :].isalpha())


def _statuses(
    status: Status | str | Iterable[Status | str] | None,
) -> frozenset[Status] | None:
    if status is None:
        return None
    if isinstance(status, str):
        return frozenset({Status(status)})
    return frozenset(Status(s) for s in status)


_STREAMS_PER_READ: Final = 500
"""How many streams one read asks for: few round trips, and bounded memory."""


def _by_stream(records: Iterable[Recorded[Event]]) -> dict[str, list[Recorded[Event]]]:
    """Records grouped by stream, each in the order given (log order)."""
    grouped: dict[str, list[Recorded[Event]]] = defaultdict(list)
    for record in records:
        grouped[record.stream].append(record)
    return grouped
