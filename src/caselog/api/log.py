"""`CaseLog`: the façade over one municipality's log (DESIGN.md Interfaces, D10).

Its methods are the commands (`record`, `ingest`) and the queries (`case`, `timeline`,
`history`). Every query takes `on` (valid time) and `known_at` (transaction time) and
answers exactly what the reference semantics (`caselog.projections.as_of`) defines.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Self, cast

from caselog.aggregates import aggregate_for
from caselog.api.access import case_of, checked_actor, checked_purpose, read_access
from caselog.api.answers import Events, Timeline
from caselog.api.clock import resolve_known_at, system_clock
from caselog.api.export import export as export_events
from caselog.api.ingest import IngestResult, ingest
from caselog.api.personal import children_numbered
from caselog.api.purge import PurgeItem
from caselog.api.purge import purge as purge_log
from caselog.api.query import MatterStreams
from caselog.api.questions import ComplianceQuestions
from caselog.api.read_model import ReadModels
from caselog.api.statistics import StatisticsQuestions
from caselog.errors import (
    ConcurrencyConflictError,
    DuplicateEventError,
    InvalidEventError,
    Problem,
)
from caselog.events import EventModel, Recorded, RetentionClass
from caselog.events.pnr import normalize_pnr
from caselog.interchange import parse_event
from caselog.projections import (
    CaseState,
    as_of,
    fold_case_state,
    matters_about,
    timeline_of,
)
from caselog.rules.settings import DEFAULT_SETTINGS, Settings
from caselog.storage import canonical_payload, open_store, row_for
from caselog.storage.sealing import same_payload

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from datetime import date, datetime
    from types import TracebackType

    from caselog.api.export import ExportProgress
    from caselog.api.ingest import Progress
    from caselog.events import Event
    from caselog.storage import EventStore


class CaseLog(StatisticsQuestions, ComplianceQuestions):
    """One municipality's append-only, bitemporal log of child-welfare casework."""

    def __init__(
        self,
        store: EventStore,
        *,
        actor: str,
        clock: Callable[[], datetime] | None = None,
        settings: Settings | None = None,
        purpose: str | None = None,
    ) -> None:
        """Wrap an open store; `actor` is who records and reads, `purpose` why it reads.

        Every read is recorded in the access log with both (loggkontroll,
        `caselog.api.access`); each is 1–256 characters, one of them visible, with no
        control or format characters.

        Raises:
            ValueError: no actor, or an actor or purpose that is blank, too long or holds
                control characters.
        """
        self.store = store
        self.actor = checked_actor(actor)
        self.purpose = checked_purpose(purpose)
        self.clock = clock or system_clock
        self.settings = settings or DEFAULT_SETTINGS
        self.read_models = ReadModels(store, self.settings, self.clock)
        self._matters = MatterStreams(store)
        self.upkeep = True
        """Whether writes keep the read models current (a bulk load turns it off)."""

    @property
    def url(self) -> str:
        """The store URL (without a password)."""
        return self.store.url

    # -- commands ---------------------------------------------------------------------

    def record(self, event: Event) -> Recorded[Event]:
        """Append one event now; return it as the log holds it.

        Re-recording an event already stored with the same payload returns the stored one.

        The event is validated again first (issue 11): one built with `model_construct`, or
        changed behind pydantic's back, is judged like its input line.

        Raises:
            InvalidEventError: the event does not validate; `.problems` lists every problem.
            DuplicateEventError: its `event_id` is stored with another payload.
            HistoryError: it breaks its stream's structure (D5); nothing is written.
            ConcurrencyConflictError: another writer appended to the stream meanwhile.
        """
        given: object = event  # typed as an Event; at run time it may be anything
        if not isinstance(given, EventModel):
            raise InvalidEventError(Problem(0, "", f"not an event: {type(given).__name__}"))
        parsed = parse_event(given)
        if isinstance(parsed, list):
            raise InvalidEventError(parsed[0], problems=parsed)
        event = parsed.event
        stream = event.stream
        stored = self.store.stored_payloads([event.event_id])
        if event.event_id in stored:
            if not same_payload(
                stored[event.event_id][1], canonical_payload(event), self.store.keys
            ):
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
                [row_for(event, version, keys=self.store.keys)],
                clock=self.clock,
                ingested_by=self.actor,
            )
        except ConcurrencyConflictError:
            raise ConcurrencyConflictError([stream]) from None
        assert appended.last_position is not None  # noqa: S101
        assert appended.recorded_at is not None  # noqa: S101
        self._keep_current()
        return Recorded(
            event, stream, version, appended.last_position, appended.recorded_at, self.actor
        )

    def ingest(
        self,
        source: str | Path | IO[bytes] | Iterable[str | dict[str, Any] | Event],
        *,
        historical: bool = False,
        progress: Progress | None = None,
        actor: str | None = None,
    ) -> IngestResult:
        """Ingest JSON Lines or events, all or nothing (D6).

        `source` is a path (`"-"`: standard input; gzip and a UTF-8 BOM are read), an open
        binary stream (read once, to its end), or an iterable of lines, dicts or events.
        `actor` is who ingests when it is not the log's own actor (a service writing for
        many): the events are stored as `ingested_by` them.

        Raises:
            IngestRejectedError: any line is bad; `.errors` lists (line, field, reason).
            ConcurrencyConflictError: other writers kept winning after three retries.
            ValueError: `actor` is not one that may write (as `open_log`'s).
        """
        items: Path | IO[bytes] | list[str | dict[str, Any] | Event]
        if isinstance(source, str | Path):
            items = Path(source)
        elif isinstance(source, io.BufferedIOBase | io.RawIOBase):
            items = cast("IO[bytes]", source)
        else:
            items = list(cast("Iterable[str | dict[str, Any] | Event]", source))
        result = ingest(
            self.store,
            items,
            historical=historical,
            clock=self.clock,
            actor=self.actor if actor is None else checked_actor(actor),
            progress=progress,
        )
        if result.written:
            self._keep_current()
        return result

    def _keep_current(self) -> None:
        """Bring the read models up to what was just written (issue 10)."""
        if self.upkeep:
            self.read_models.catch_up()

    # -- queries ----------------------------------------------------------------------

    @read_access
    def history(
        self, *streams: str, known_at: date | datetime | None = None, actor: str | None = None
    ) -> list[Recorded[Event]]:
        """The events of the given streams recorded up to `known_at`, in log order.

        `actor`, on this and every read, is who reads when it is not the log's own actor
        (a service answering many): the access log records the read as theirs.
        """
        moment = self._moment(known_at)
        self._accessed("history", case_of(streams), actor, streams=streams, known_at=moment)
        return self.store.read_streams(streams, known_at=moment)

    @read_access
    def events(
        self, *, known_at: date | datetime | None = None, actor: str | None = None
    ) -> Events:
        """Every event in the log recorded up to `known_at`, in log order.

        An iterator of `Recorded` events, read page by page, or one frame (`to_arrow()`,
        `to_pandas()`, `to_polars()`): the envelope's columns and the payload as JSON text
        without its personal fields.
        """
        moment = self._moment(known_at)
        self._accessed("events", None, actor, known_at=moment)
        return Events(self.store.read_log(known_at=moment))

    @read_access
    def case(
        self,
        case_id: str,
        *,
        on: date,
        known_at: date | datetime | None = None,
        reference: bool = False,
        actor: str | None = None,
    ) -> CaseState:
        """The state of a child's case file on `on`, as the log showed it at `known_at`.

        Answered from the read models unless `reference=True` (or they cannot answer
        exactly: then the replay answers, with a `ReferenceNotice`).

        Raises:
            UnknownCaseError: the log has never held anything about this child.
        """
        moment = self._moment(known_at)
        self._accessed("case", case_id, actor, on=on, known_at=moment, reference=reference)
        if not reference:
            found = self.read_models.case_state(case_id, on=on, known_at=moment)
            if found is not None:
                return found
        stored = self._case_history(case_id)  # an unknown case raises here
        return fold_case_state(
            case_id, as_of(stored, on=on, known_at=moment), on=on, known_at=moment
        )

    @read_access
    def timeline(
        self, case_id: str, *, known_at: date | datetime | None = None, actor: str | None = None
    ) -> Timeline:
        """Every event of a child's case file with both time axes, marks included.

        The deviations and lex Sarah matters whose report names the child (`child_ids`)
        are listed with it, each entry under its own stream.
        """
        moment = self._moment(known_at)
        self._accessed("timeline", case_id, actor, known_at=moment)
        own = self._case_history(case_id)
        matters = self._matters.known_at(moment)
        about = matters_about(case_id, matters, known_at=moment)
        entries = timeline_of([*own, *(r for r in matters if r.stream in about)], known_at=moment)
        return Timeline(case_id, entries)

    # -- lifecycle --------------------------------------------------------------------

    def close(self) -> None:
        """Release the store's connections (and the read models')."""
        self.read_models.close()
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

    # -- export -----------------------------------------------------------------------

    @read_access
    def export(
        self,
        out: str | Path | IO[str],
        *,
        case_id: str | None = None,
        known_at: date | datetime | None = None,
        progress: ExportProgress | None = None,
        personal: bool = False,
        actor: str | None = None,
    ) -> int:
        """Write the events recorded up to `known_at` as JSON Lines, in log order.

        Each line carries its `registered_at` (the `recorded_at`, UTC), so `ingest(...,
        historical=True)` into a new log reads it back as the same log (docs/export.md).
        `out` is a text stream or a path (`.gz`: compressed; written whole or not at
        all); `case_id` keeps one child's case file. Personal fields are written, in
        clear, only with `personal=True` (recorded in the access log); otherwise each
        line names them in `withheld`. Returns how many events were written.

        Raises:
            StoreNotFoundError: there is no log at this URL (an export never creates one).
            UnknownCaseError: `case_id` names no case file in the log.
        """
        moment = None if known_at is None else resolve_known_at(known_at, self.clock)
        self._accessed("export", case_id, actor, known_at=moment, personal=personal)
        return export_events(
            self.store, out, case_id=case_id, known_at=moment, progress=progress, personal=personal
        )

    @read_access
    def children_numbered(
        self, personal_identity_number: str, *, actor: str | None = None
    ) -> list[str]:
        """The child ids whose case file carries this personal identity number.

        Looked up through a keyed hash, never in clear (`caselog.api.personal`); the read
        is recorded in the access log without the number.

        Raises:
            ValueError: not a valid personal identity number (the message says why).
            KeyUnavailableError: the log's keys are not at hand here.
        """
        normalize_pnr(personal_identity_number)  # a malformed number is no read: not recorded
        self._accessed("cases", None, actor, by="personal_identity_number")
        return children_numbered(self.store, personal_identity_number)

    # -- purging (gallring) -----------------------------------------------------------

    def purge(
        self,
        *,
        dry_run: bool = False,
        on: date | None = None,
        case_id: str | None = None,
        retention_class: RetentionClass | str | None = None,
    ) -> list[PurgeItem]:
        """Destroy the keys whose retention ran out today, and record `RecordsPurged`.

        What is due is what R23 says (`caselog.api.purge`); `dry_run` lists it without
        changing anything, and only a dry run may look ahead (`on`). `case_id` (with a
        `retention_class`, default general) purges one case file's class, or refuses.

        Raises:
            PurgeRefusedError: `case_id`'s class is kept by law (the rule is named), not
                due, or stored in clear.
            ValueError: `on` without `dry_run`.
        """
        return purge_log(
            self, dry_run=dry_run, on=on, case_id=case_id, retention_class=retention_class
        )


def open_log(
    url: str | None = None,
    *,
    actor: str,
    clock: Callable[[], datetime] | None = None,
    settings: Settings | None = None,
    create: bool | None = None,
    purpose: str | None = None,
) -> CaseLog:
    """Open the log at `url` (default `sqlite:///caselog.db`, i.e. `./caselog.db`).

    Opening never creates a log by default: a log that is not there is created by the
    first `record` or `ingest`, and a query before that raises `StoreNotFoundError`, so a
    mistyped path cannot answer like an empty log. `create=True` creates it at once;
    `create=False` requires it to exist, and raises at once if it does not.

    Every read is recorded in the log's access log with `actor` and `purpose` (why it is
    read; optional), and the log is not read without an actor (loggkontroll).

    Raises:
        UnsupportedStoreError: the URL names no backend caselog has.
        StoreNotFoundError: `create=False` and there is no log at `url`.
        StorageError: the store cannot be opened; for PostgreSQL `ServerUnreachableError`,
            `AuthenticationFailedError` or `DatabaseMissingError` say why.
        ValueError: no actor, or an actor or purpose that cannot be recorded.
    """
    actor, purpose = checked_actor(actor), checked_purpose(purpose)  # before opening anything
    return CaseLog(
        open_store(url, create=create), actor=actor, clock=clock, settings=settings,
        purpose=purpose,
    )  # fmt: skip
