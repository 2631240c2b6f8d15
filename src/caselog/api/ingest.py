"""Ingest: a whole batch of events, all or nothing, in two phases (DESIGN.md D6).

Phase 1 checks the input: JSON, schema, structural invariants against the stored
streams and the whole batch, and idempotency (an `event_id` already stored — or repeated in
the batch — with the same canonical payload is skipped and counted; with another payload
it is an error). Every problem is collected (the first 1,000 listed, all counted); any
problem rejects the batch with nothing written. The validated rows go to a spool file, so
memory holds ids and compact checks, never payloads.

A file, a FIFO or standard input (`Path("-")`) is read once, as it streams by, into a copy
of its bytes (in memory while small, then a temporary file): a retry reads that copy, never
the input again, which may be a pipe that is empty by then (D6). Decompressing gzip,
skipping a UTF-8 byte order mark and refusing UTF-16 is `caselog.api.input_lines.read_lines`.

Phase 2 replays the spool into one transaction. If another writer appended to the same
streams meanwhile, the append conflicts and ingest starts again from phase 1 (three
retries).
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from caselog.aggregates import StreamAggregate, aggregate_for
from caselog.api.bulk import bulk_allocation
from caselog.api.read_once import ReadOnce
from caselog.errors import ConcurrencyConflictError, IngestRejectedError, Problem
from caselog.events import EventModel
from caselog.interchange import ParsedLine, parse_event, parse_line, parse_object
from caselog.storage import LogRow, canonical_payload, topic_of
from caselog.storage.port import chunked
from caselog.storage.sealing import same_payload, seal

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from datetime import datetime

    from caselog.events import Event
    from caselog.storage import EventStore
    from caselog.storage.keyring import LogKeys

    Progress = Callable[[str, int, int | None], None]
    """(stage, done, total): `checking` counts input bytes or items, `writing` rows."""

RETRIES = 3
_CHUNK = 2000


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What an ingest did: lines read, events written, and what it skipped."""

    read: int
    written: int
    already_stored: int
    repeated_in_batch: int
    first_position: int | None
    last_position: int | None
    attempts: int


@dataclass
class _Plan:
    """What phase 1 learned: the spool of new rows and the counts."""

    spool: IO[bytes]
    read: int = 0
    new: int = 0
    already_stored: int = 0
    repeated: int = 0
    problems: list[Problem] = field(default_factory=list)
    total_problems: int = 0
    streams: list[str] = field(default_factory=list)

    def problem(self, problem: Problem) -> None:
        self.total_problems += 1
        if len(self.problems) < IngestRejectedError.MAX_LISTED:
            self.problems.append(problem)


def ingest(
    store: EventStore,
    source: Path | IO[bytes] | Sequence[str | dict[str, Any] | Event],
    *,
    historical: bool,
    clock: Callable[[], datetime],
    actor: str,
    progress: Progress | None = None,
) -> IngestResult:
    """Validate and write a batch, all or nothing; see the module docstring.

    `source` is a path (`Path("-")`: standard input), an open binary stream (read to its
    end, not closed), or a sequence of JSON lines, dicts or events.
    """
    with ExitStack() as stack:
        items = source if isinstance(source, Sequence) else ReadOnce.of(source, stack)
        return _ingest(
            store,
            items,
            historical=historical,
            clock=clock,
            actor=actor,
            progress=progress,
        )


def _ingest(
    store: EventStore,
    source: ReadOnce | Sequence[str | dict[str, Any] | Event],
    *,
    historical: bool,
    clock: Callable[[], datetime],
    actor: str,
    progress: Progress | None,
) -> IngestResult:
    for attempt in range(1, RETRIES + 2):
        with bulk_allocation(), tempfile.TemporaryFile(prefix="caselog-ingest-") as spool:
            plan = _check(store, source, spool, historical=historical, progress=progress)
            if plan.total_problems:
                raise IngestRejectedError(plan.problems, plan.total_problems)
            spool.seek(0)
            try:
                appended = store.append(
                    _rows(spool, plan.new, progress), clock=clock, ingested_by=actor
                )
            except ConcurrencyConflictError:
                if attempt > RETRIES:
                    raise ConcurrencyConflictError(plan.streams) from None
                continue
        return IngestResult(
            plan.read,
            appended.count,
            plan.already_stored,
            plan.repeated,
            appended.first_position,
            appended.last_position,
            attempt,
        )
    raise AssertionError  # pragma: no cover - the loop returns or raises


def _check(
    store: EventStore,
    source: ReadOnce | Sequence[str | dict[str, Any] | Event],
    spool: IO[bytes],
    *,
    historical: bool,
    progress: Progress | None,
) -> _Plan:
    plan = _Plan(spool)
    aggregates: dict[str, StreamAggregate] = {}
    heads: dict[str, int] = {}
    seen: dict[str, int] = {}  # event_id → payload hash and line, packed (see _is_new)
    last = store.last_recorded_at()
    order = _RegistrationOrder(last if historical else None)
    empty = last is None  # a first load: nothing stored to look up, chunk after chunk
    parsed_lines = _parsed(source, historical=historical, plan=plan, progress=progress)
    for chunk in chunked(parsed_lines, _CHUNK):
        streams = [p.event.stream for p in chunk]
        _load_streams(None if empty else store, streams, aggregates, heads)
        stored = {} if empty else store.stored_payloads([p.event.event_id for p in chunk])
        rows = []
        for parsed, stream in zip(chunk, streams, strict=True):
            event = parsed.event
            payload = canonical_payload(event)
            if not _is_new(plan, parsed, payload, stored, seen, store.keys):
                continue
            if parsed.registered_at is not None and (problem := order.check(parsed)):
                plan.problem(problem)
            aggregates[stream].add_to_batch(event, parsed.line)
            heads[stream] += 1
            rows.append(
                (
                    stream,
                    heads[stream],
                    topic_of(event),
                    seal(event, payload, store.keys),  # the spool holds no personal text
                    event.event_id,
                    parsed.registered_at,
                )
            )
        plan.new += len(rows)
        pickle.dump(rows, spool, protocol=pickle.HIGHEST_PROTOCOL)
    plan.streams = sorted(aggregates)
    for aggregate in aggregates.values():
        for line, violation in aggregate.verify():
            plan.problem(Problem(line, violation.field, violation.reason))
    plan.problems.sort(key=lambda p: p.line)
    return plan


def _is_new(
    plan: _Plan,
    parsed: ParsedLine,
    payload: bytes,
    stored: dict[str, tuple[str, bytes]],
    seen: dict[str, int],
    keys: LogKeys,
) -> bool:
    """Idempotency (D6): skip an event already stored or repeated with the same payload.

    `seen` packs the payload's hash and the line into one int per id (hash · 2³² + line):
    at a million ids, a tuple each would cost more memory than the ids themselves.
    """
    event_id = parsed.event.event_id
    if (previous := stored.get(event_id)) is not None:
        if same_payload(previous[1], payload, keys):
            plan.already_stored += 1
        else:
            reason = f"{event_id!r} is already stored with another payload"
            plan.problem(Problem(parsed.line, "event_id", reason))
        return False
    digest = hash(payload)
    if (earlier := seen.get(event_id)) is not None:
        line = earlier % _LINE_SPACE
        if earlier // _LINE_SPACE == digest:
            plan.repeated += 1
        else:
            reason = f"{event_id!r} is used on line {line} with a different payload"
            plan.problem(Problem(parsed.line, "event_id", reason))
        return False
    seen[event_id] = digest * _LINE_SPACE + parsed.line
    return True


_LINE_SPACE = 1 << 32


class _RegistrationOrder:
    """A historical import's lines must not go back in time (D3)."""

    def __init__(self, last: datetime | None) -> None:
        self.last = last
        self.line = 0

    def check(self, parsed: ParsedLine) -> Problem | None:
        registered = parsed.registered_at
        assert registered is not None  # noqa: S101
        if self.last is not None and registered < self.last:
            where = f"line {self.line}" if self.line else "the log's last recorded_at"
            return Problem(
                parsed.line,
                "registered_at",
                f"{registered.isoformat()} is earlier than {where} ({self.last.isoformat()}); "
                "historical lines must be in non-decreasing registered_at order",
            )
        self.last, self.line = registered, parsed.line
        return None


def _load_streams(
    store: EventStore | None,
    streams: list[str],
    aggregates: dict[str, StreamAggregate],
    heads: dict[str, int],
) -> None:
    """Fold the stored events of streams first seen in this chunk into their aggregates.

    `store=None`: the log was empty when the ingest began, so there is nothing to read.
    (A writer adding meanwhile is caught at the append: its versions conflict.)
    """
    new = set(streams) - aggregates.keys()
    if not new:
        return
    found = store.heads(new) if store is not None else {}
    for stream in new:
        aggregates[stream] = aggregate_for(stream)
        heads[stream] = found.get(stream, 0)
    if store is not None and found:
        for recorded in store.read_streams(list(found)):
            aggregates[recorded.stream].add(recorded.event)


def _parsed(
    source: ReadOnce | Sequence[str | dict[str, Any] | Event],
    *,
    historical: bool,
    plan: _Plan,
    progress: Progress | None,
) -> Iterator[ParsedLine]:
    done = 0
    for line, item, size in _items(source):
        plan.read += 1
        done += size
        if progress is not None and plan.read % _CHUNK == 0:
            progress("checking", done, None)
            done = 0
        if type(item) is bytes or type(item) is str:
            parsed: ParsedLine | list[Problem] = parse_line(item, line, historical=historical)
        elif isinstance(item, EventModel):
            parsed = parse_event(item, line)  # validated again: it may be model_construct'ed
        elif isinstance(item, dict):
            parsed = parse_object(item, line, historical=historical)
        else:
            parsed = [Problem(line, "", f"item {line} is {_kind(item)}: not a line, dict or event")]
        if isinstance(parsed, list):
            for problem in parsed:
                plan.problem(problem)
        else:
            yield parsed
    if progress is not None and done:
        progress("checking", done, None)


def _kind(item: object) -> str:
    """`an int`, `None`, `a list`: what an item that is no input is, for its problem."""
    if item is None:
        return "None"
    name = type(item).__name__
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def _items(
    source: ReadOnce | Sequence[str | dict[str, Any] | Event],
) -> Iterator[tuple[int, Any, int]]:
    """(line number, item, size) for every non-blank input line or item."""
    if isinstance(source, ReadOnce):
        for number, raw in source.lines():
            yield number, raw, len(raw)
        return
    for number, item in enumerate(source, start=1):
        if not isinstance(item, str) or item.strip():
            yield number, item, 1


def _rows(spool: IO[bytes], total: int, progress: Progress | None) -> Iterator[LogRow]:
    done = 0
    while done < total:
        chunk = pickle.load(spool)  # noqa: S301 - our own spool, written just now
        for row in chunk:
            yield tuple.__new__(LogRow, row)  # a named tuple without its Python __new__
        done += len(chunk)
        if progress is not None:
            progress("writing", done, total)
