"""The log's hash chain: each stored event's hash covers it and the hash before it (issue 11).

An audit trail is evidence only as far as it shows that nobody edited, removed, inserted
or reordered what it holds. Each row carries

    hash = SHA-256(prev ‖ u64 position ‖ lp(stream) ‖ lp(topic) ‖ lp(event_id) ‖
                   lp(ingested_by) ‖ u64 version ‖ recorded_at ‖ lp(stored bytes))

where `lp` is a big-endian u64 length and the UTF-8 bytes, `recorded_at` is RFC 3339 in
UTC with six fractional digits (`2019-11-25T09:00:00.000000Z`), and `prev` is the hash of
the row before in position order — for the first row `SHA-256("caselog:" ‖ log id)`, the
log id a UUID made when the log was created. It is computed over the bytes as stored, so
fields encrypted later, and keys destroyed by a purge, still verify. Each row also keeps
`prev_position`, the position of the row it links to: not covered by the hash, it only
tells a deleted row from an edited one (PostgreSQL's positions may skip, so a gap alone is
never a finding).

The chain alone cannot show that the newest rows were removed, or that the whole chain
was rewritten by someone who can write the database: a checkpoint (position, head hash)
kept elsewhere can (`Checkpoint`, `caselog verify --against FILE`; docs/security.md).
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, NamedTuple

from caselog.errors import NeedsUpgradeError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

_U64 = struct.Struct(">Q")
_HEAD = struct.Struct(">QQ")  # the position, then the length of the stream


def genesis(log_id: str) -> bytes:
    """The `prev` of the first row: SHA-256("caselog:" ‖ log id)."""
    return hashlib.sha256(b"caselog:" + log_id.encode()).digest()


def rfc3339(moment: datetime) -> bytes:
    """`recorded_at` as the chain hashes it: RFC 3339, UTC, six fractional digits."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ").encode()


def link(prev: bytes, row: ChainRow) -> bytes:
    """The hash of `row` after the row whose hash is `prev` (one SHA-256 over the framing)."""
    stream, topic, event_id, by = (
        row.stream.encode(),
        row.topic.encode(),
        row.event_id.encode(),
        row.ingested_by.encode(),
    )
    return hashlib.sha256(
        b"".join(
            (
                prev,
                _HEAD.pack(row.position, len(stream)),
                stream,
                _U64.pack(len(topic)),
                topic,
                _U64.pack(len(event_id)),
                event_id,
                _U64.pack(len(by)),
                by,
                _U64.pack(row.version),
                row.recorded_at,
                _U64.pack(len(row.state)),
                row.state,
            )
        )
    ).digest()


class ChainRow(NamedTuple):
    """A stored event as the chain covers it, with what is stored beside it."""

    position: int
    stream: str
    topic: str
    event_id: str
    ingested_by: str
    version: int
    recorded_at: bytes
    """RFC 3339 UTC with six fractional digits (`rfc3339`)."""
    state: bytes
    hash: bytes | None
    prev_position: int | None


class Chainer:
    """Links rows as they are appended, from the hash and position of the last row."""

    def __init__(self, head: bytes, position: int) -> None:
        """`head`: the last row's hash (or the genesis); `position`: its position (or 0)."""
        self.head, self.position = head, position

    def next(self, row: ChainRow) -> tuple[bytes, int]:
        """(hash, prev_position) of `row`, which becomes the last row."""
        found = link(self.head, row), self.position
        self.head, self.position = found[0], row.position
        return found


@dataclass(frozen=True)
class Problem:
    """The first place the chain breaks: a position and what is wrong there."""

    position: int
    kind: str
    """`edited`, `recorded_at`, `deleted`, `inserted`, `swapped`, `truncated` or
    `rewritten`."""
    detail: str


@dataclass(frozen=True)
class Verified:
    """What `verify` found: how far the chain holds, and the first problem, if any."""

    log_id: str
    events: int
    position: int
    """The position of the last row that verified (0 for an empty log)."""
    head: bytes
    """Its hash (the genesis for an empty log)."""
    problem: Problem | None
    access: Verified | None = None
    """The access log's chain, verified the same way (its `events` are reads); None when
    it was not verified (a log made before the access log)."""

    @property
    def ok(self) -> bool:
        """Whether every row verified (and the checkpoint, if one was given), reads too."""
        return self.problem is None and (self.access is None or self.access.ok)


@dataclass(frozen=True)
class Checkpoint:
    """A published point of the log (position and head hash).

    Kept off the database host, it catches truncation and rollback, and a chain rewritten
    by someone who can write the database.
    """

    log_id: str
    position: int
    head: str
    """The hash of the row at `position`, in hex."""
    time: str
    """When the checkpoint was taken (RFC 3339)."""


def verify_rows(
    log_id: str,
    rows: Iterable[ChainRow],
    *,
    against: Checkpoint | None = None,
    progress: Callable[[int], None] | None = None,
) -> Verified:
    """Recompute the chain over `rows` (in position order) and name the first break.

    Streams: holds one page of rows at a time whatever the log's size. `progress` is told how many
    rows were checked, now and then.
    """
    if against is not None and against.log_id != log_id:
        other = Problem(0, "rewritten", f"the checkpoint is of log {against.log_id}, not this one")
        return Verified(log_id, 0, 0, genesis(log_id), other)
    head, last, count, recorded = genesis(log_id), 0, 0, b""
    checkpoint_seen = against is None or against.position == 0
    remaining = iter(rows)
    for row in remaining:
        count += 1
        if progress is not None and count % 10_000 == 0:
            progress(count)
        if row.hash is None or link(head, row) != row.hash:
            broken = _classify(head, (last, recorded), row, next(remaining, None))
            return Verified(log_id, count - 1, last, head, broken)
        head, last, recorded = row.hash, row.position, row.recorded_at
        if against is not None and row.position == against.position:
            if row.hash.hex() != against.head:
                rewritten = Problem(
                    row.position,
                    "rewritten",
                    "the chain verifies, but this row's hash is not the checkpoint's: "
                    "the log was rewritten since the checkpoint",
                )
                return Verified(log_id, count - 1, last, head, rewritten)
            checkpoint_seen = True
    if progress is not None:
        progress(count)
    problem: Problem | None = None
    if against is not None and not checkpoint_seen:
        problem = Problem(
            last,
            "truncated",
            f"the log ends at position {last}, but the checkpoint of {against.time} holds "
            f"position {against.position}: events were removed from the end (or the log "
            "was rolled back)",
        )
    return Verified(log_id, count, last, head, problem)


def _classify(
    head: bytes, before: tuple[int, bytes], row: ChainRow, after: ChainRow | None
) -> Problem:
    """What is wrong at `row`, the first row that does not link to `head`.

    `before`: the position and `recorded_at` of the last row that verified; `after`: the
    row that follows, if any.
    """
    last, recorded = before
    if row.hash is None:
        return Problem(row.position, "inserted", "this row has no hash: it was not appended")
    if after is not None and after.hash is not None:
        if link(head, after._replace(position=row.position)) == after.hash:
            return Problem(
                row.position,
                "swapped",
                f"the events at positions {row.position} and {after.position} changed places",
            )
        if link(head, after) == after.hash:
            return Problem(
                row.position,
                "inserted",
                f"this row does not belong to the chain: position {after.position} links "
                f"past it, to position {last}",
            )
    if row.prev_position is not None and row.prev_position != last:
        return Problem(
            row.prev_position,
            "deleted",
            f"position {row.position} links to position {row.prev_position}, which is no "
            "longer in the log: that event was deleted",
        )
    if row.recorded_at < recorded or (after is not None and after.recorded_at < row.recorded_at):
        return Problem(
            row.position,
            "recorded_at",
            f"recorded_at {row.recorded_at.decode()} is out of the log's order and does not "
            "match the hash: it was changed after the event was appended",
        )
    what = "this event no longer matches its hash: a stored field (payload, recorded_at, …)"
    if after is None:
        return Problem(row.position, "edited", f"{what} was changed, or the row was forged")
    if after.hash is None or link(row.hash, after) == after.hash:
        return Problem(row.position, "edited", f"{what} was changed after it was appended")
    return Problem(row.position, "edited", "this event and its hash were both changed")


def chained(log_id: str | None, url: str) -> str:
    """The log's id; a log made before the chain (`None`) must be upgraded before any write.

    Raises:
        NeedsUpgradeError: the log at `url` has no chain yet.
    """
    if log_id is None:
        msg = (
            f"the log {url} was made by an older caselog, before the hash chain: "
            "run `caselog upgrade` (as the log's owner) before writing to it"
        )
        raise NeedsUpgradeError(msg, url=url)
    return log_id
