"""Export: the log's events as JSON Lines that a historical ingest reads back (DESIGN.md D3).

Each line is the event as it was sent (`caselog.interchange.to_line`) plus its
`registered_at`: the `recorded_at` the log gave it, in UTC. The lines come in log order,
so their `registered_at` never decreases (D3), and `caselog ingest --historical` into a new
log rebuilds the same log: the same events, in the same order, with the same `recorded_at`.
That is also how a log moves from SQLite to PostgreSQL (docs/export.md).

The log is read page by page and written as it is read: memory stays bounded.
"""

from __future__ import annotations

import gzip
from datetime import UTC
from pathlib import Path
from typing import IO, TYPE_CHECKING, Final

from caselog.errors import UnknownCaseError
from caselog.interchange import to_line
from caselog.storage import require_log
from caselog.storage.sealing import personal_values

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from datetime import datetime

    from caselog.events import Event, Recorded
    from caselog.storage import EventStore

    ExportProgress = Callable[[int, int | None], None]
    """(events written, events in all or None): called every few thousand events."""

_LINES_PER_WRITE: Final = 1000


def export(
    store: EventStore,
    out: str | Path | IO[str],
    *,
    case_id: str | None = None,
    known_at: datetime | None = None,
    progress: ExportProgress | None = None,
    personal: bool = False,
) -> int:
    """Write the events recorded up to `known_at` (all by default) as JSON Lines.

    Personal fields (issue 13) are written only with `personal=True`, in clear — moving a
    log needs them, an inspection does not; without it they are left out and named in
    each line's `withheld` (an import refuses such lines). Fields a purge erased, or that
    cannot be opened here, are always withheld.

    `out` is a writable text stream, or a path: a file whose name ends in `.gz` is
    gzip-compressed, and a file is written whole or not at all (it appears, or is
    replaced, only once every line is written). `case_id` limits the export to one
    child's case file (the stream `child:<case_id>`). Returns how many events were written.

    Raises:
        StoreNotFoundError: there is no log at the store's URL (an export never creates one).
        UnknownCaseError: `case_id` names no case file in the log.
    """
    require_log(store)  # a mistyped path must not export like an empty log
    if case_id is not None:
        stream = f"child:{case_id}"
        if not store.heads([stream]):
            raise UnknownCaseError(case_id)
        records: Iterable[Recorded[Event]] = store.read_streams([stream], known_at=known_at)
        total: int | None = None
    else:
        records = store.read_log(known_at=known_at)
        total = store.count() if known_at is None else None
    if not isinstance(out, str | Path):
        return _write(records, out, total, progress, personal=personal)
    path = Path(out)
    partial = path.with_name(f".{path.name}.part")
    try:
        with _open_text(partial, compressed=path.suffix == ".gz") as handle:
            written = _write(records, handle, total, progress, personal=personal)
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return written


def _open_text(path: Path, *, compressed: bool) -> IO[str]:
    """A new UTF-8 text file with Unix line ends, gzip-compressed if asked."""
    if compressed:
        return gzip.open(path, "wt", encoding="utf-8", newline="\n")
    return path.open("w", encoding="utf-8", newline="\n")


def _write(
    records: Iterable[Recorded[Event]],
    out: IO[str],
    total: int | None,
    progress: ExportProgress | None,
    *,
    personal: bool,
) -> int:
    written = 0
    lines: list[str] = []
    for record in records:
        withheld = record.erased | record.sealed
        if not personal:
            withheld |= personal_values(record.event).keys()
        lines.append(
            to_line(
                record.event,
                registered_at=record.recorded_at.astimezone(UTC),
                withheld=withheld,
            )
        )
        if len(lines) == _LINES_PER_WRITE:
            written += _flush(lines, out)
            if progress is not None:
                progress(written, total)
    written += _flush(lines, out)
    if progress is not None:
        progress(written, total)
    return written


def _flush(lines: list[str], out: IO[str]) -> int:
    count = len(lines)
    if lines:
        out.write("\n".join(lines) + "\n")
        lines.clear()
    return count
