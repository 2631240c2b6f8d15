"""Frames to files: obligations, case files, timelines and events as Parquet or CSV (issue 14).

An analyst's files must say what they are an answer to, long after they were written:
each Parquet file carries its provenance in its schema metadata (texts as they are,
other values as JSON), and every export writes `provenance.json` beside the files — the
log's id, the position and chain hash of the log's head as known at `known_at` (with
that event's `recorded_at`, never the wall clock), the date asked about, caselog's
version, the rules' fingerprint, the statutes in force on that date and a hash of the
settings. CSV can be written for Excel in a
Swedish locale (`excel=True`: `;` between fields and a byte order mark).

The files appear together or not at all: they are written into a hidden directory
beside the target, then moved in.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Final

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from caselog.api.answers import EVENT_COLUMNS, TIMELINE_COLUMNS, event_row
from caselog.api.integrity import log_id_of
from caselog.api.read_model import package_version, rules_fingerprint
from caselog.rules.law import statutes_in_force

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from datetime import date, datetime

    from caselog.api.log import CaseLog
    from caselog.events import Event, Recorded

FRAMES: Final = ("obligations", "cases", "timelines", "events")
"""The files of an export, each `<name>.parquet` or `<name>.csv`."""

PROVENANCE_FILE: Final = "provenance.json"

_BOM: Final = "\ufeff".encode()


class FrameFormat(StrEnum):
    """How frames are written."""

    PARQUET = "parquet"
    CSV = "csv"


def provenance(
    log: CaseLog, *, on: date, known_at: datetime, case_id: str | None
) -> dict[str, object]:
    """What an export answers, and of which log: the keys every exported file carries."""
    position, head, recorded_at = log.store.head_at(known_at)
    settings = log.settings.model_dump_json().encode()
    keys: dict[str, object] = {
        "log_id": log_id_of(log.store),
        "position": position,
        "head": head.hex(),
        "head_recorded_at": None if recorded_at is None else recorded_at.isoformat(),
        "on": on.isoformat(),
        "known_at": known_at.isoformat(),
        "case_id": case_id,
        "caselog_version": package_version(),
        "rules": rules_fingerprint(),
        "law_versions": list(statutes_in_force(on)),
        "settings_hash": hashlib.sha256(settings).hexdigest(),
    }
    return keys


def export_frames(
    log: CaseLog,
    directory: str | Path,
    *,
    on: date,
    known_at: datetime,
    case_id: str | None = None,
    format_: FrameFormat = FrameFormat.PARQUET,
    excel: bool = False,
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Write the four frames of the question (`on`, `known_at`, `case_id`) into `directory`.

    Returns the rows written per frame. `directory` is made if missing (its parent must
    exist); files of an earlier export there are replaced.

    Raises:
        NotADirectoryError: `directory` is a file, or its parent is missing.
        UnknownCaseError: `case_id` names no case file.
    """
    target = Path(directory)
    if target.exists() and not target.is_dir():
        msg = f"{target} is a file, not a directory"
        raise NotADirectoryError(msg)
    if not target.parent.is_dir():
        msg = f"{target.parent} does not exist: the export's directory needs its parent"
        raise NotADirectoryError(msg)
    keys = provenance(log, on=on, known_at=known_at, case_id=case_id)
    tables = _tables(log, on=on, known_at=known_at, case_id=case_id)
    written: dict[str, int] = {}
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        for name in FRAMES:
            if progress is not None:
                progress(name)
            table = tables[name]()
            _write(table, staging / f"{name}.{format_.value}", format_, keys, excel=excel)
            written[name] = table.num_rows
        (staging / PROVENANCE_FILE).write_text(
            json.dumps({**keys, "format": format_.value, "rows": written}, indent=2) + "\n",
            encoding="utf-8",
        )
        target.mkdir(exist_ok=True)
        for path in sorted(staging.iterdir()):
            path.replace(target / path.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written


def _tables(
    log: CaseLog, *, on: date, known_at: datetime, case_id: str | None
) -> dict[str, Callable[[], pa.Table]]:
    """Each frame's table, made when its turn comes (one frame in memory at a time)."""
    if case_id is not None:
        log.obligations(on=on, known_at=known_at, case_id=case_id)  # an unknown case raises

    def cases() -> pa.Table:
        table = log.cases(on=on, known_at=known_at).to_arrow()
        if case_id is None:
            return table
        return table.filter(pc.equal(table.column("case_id"), case_id))

    def events() -> pa.Table:
        store = log.store
        records: Iterable[Recorded[Event]] = (
            store.read_log(known_at=known_at)
            if case_id is None
            else store.read_streams([f"child:{case_id}"], known_at=known_at)
        )
        return EVENT_COLUMNS.table([event_row(record) for record in records])

    return {
        "obligations": lambda: log.obligations(
            on=on, known_at=known_at, case_id=case_id
        ).to_arrow(),
        "cases": cases,
        "timelines": lambda: _timelines(log, known_at, case_id),
        "events": events,
    }


def _timelines(log: CaseLog, known_at: datetime, case_id: str | None) -> pa.Table:
    """Every listed case file's timeline, one after another (the matters are read once)."""
    names = [f"child:{case_id}"] if case_id else log.store.streams("child:")
    tables = [log.timeline(name.partition(":")[2], known_at=known_at).to_arrow() for name in names]
    return pa.concat_tables(tables) if tables else TIMELINE_COLUMNS.table([])


def _write(
    table: pa.Table, path: Path, format_: FrameFormat, keys: dict[str, object], *, excel: bool
) -> None:
    if format_ is FrameFormat.PARQUET:
        texts = {k: v if isinstance(v, str) else json.dumps(v) for k, v in keys.items()}
        metadata = {**(table.schema.metadata or {}), **texts}
        pq.write_table(table.replace_schema_metadata(metadata), path)
        return
    options = pa_csv.WriteOptions(delimiter=";" if excel else ",")
    with path.open("wb") as out:
        if excel:
            out.write(_BOM)
        pa_csv.write_csv(_flat(table), out, write_options=options)


def _flat(table: pa.Table) -> pa.Table:
    """The table as CSV holds it: enums as their text, lists joined by commas."""
    columns = []
    for column in table.columns:
        if pa.types.is_dictionary(column.type):
            columns.append(column.cast(pa.string()))
        elif pa.types.is_list(column.type):
            columns.append(pc.binary_join(column, ","))
        else:
            columns.append(column)
    return pa.table(columns, names=table.column_names)
