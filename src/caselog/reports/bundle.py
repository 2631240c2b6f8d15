"""The inspection bundle (tillsynspaket): the log, the findings and the report in one archive.

Instead of 230,000 printed pages, an inspector (IVO) receives one verifiable file: the
events as JSON Lines (what `caselog ingest --historical` reads back), the findings as JSON
and CSV, the HTML report, the checkpoint of the log's head at `known_at`, the access-log
excerpt of the bundled cases (loggkontroll) and a manifest of SHA-256 hashes
(`caselog.reports.archive`). Nothing in it depends on the wall clock: the same log up to
`known_at`, the same arguments and the same caselog version give the same bytes.
"""

from __future__ import annotations

import csv
import json
import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from caselog.api import COLUMNS
from caselog.api.integrity import checkpoint_json, log_id_of
from caselog.reports import gather
from caselog.reports.archive import write_archive
from caselog.reports.render import caselog_version, write_report
from caselog.storage.access_log import AccessStore
from caselog.storage.chain import Checkpoint, genesis, rfc3339

if TYPE_CHECKING:
    from caselog.api import Access, CaseLog
    from caselog.reports.question import ReportQuestion
    from caselog.reports.render import Advance


@dataclass(frozen=True, slots=True)
class Bundled:
    """What a bundle holds: its checkpoint, and how many events, findings and reads."""

    checkpoint: Checkpoint
    events: int
    findings: int
    reads: int | None
    """Reads in the access-log excerpt; None when the log has no access log yet."""


def head_at(log: CaseLog, known_at: datetime) -> Checkpoint:
    """The checkpoint of the log's head at `known_at`: the last event recorded by then.

    Its time is that event's `recorded_at`, never the wall clock; a log with nothing
    recorded by then has position 0, the chain's genesis and no time.
    """
    limit = rfc3339(known_at)
    log_id = log_id_of(log.store)
    found: tuple[int, bytes, bytes] | None = None
    for row in log.store.chain_rows():
        if row.recorded_at > limit:  # recorded_at never decreases along the log
            break
        found = row.position, row.hash or b"", row.recorded_at
    if found is None:
        return Checkpoint(log_id, 0, genesis(log_id).hex(), "")
    position, head, recorded = found
    return Checkpoint(log_id, position, head.hex(), recorded.decode())


def access_excerpt(log: CaseLog, q: ReportQuestion, started: datetime) -> list[Access] | None:
    """The reads of the bundled cases recorded before the command started, up to `known_at`.

    Read first, before the bundle reads anything else, and recorded as a read of the
    access log itself; the bundle's own reads (this one included) are never in it: they
    are recorded from `started` on. None for a log made before the access log.
    """
    if not isinstance(log.store, AccessStore) or not log.store.has_access_table():
        return None
    wanted = None if q.case_ids is None else set(q.case_ids)
    return [
        a
        for a in log.access_log(to=q.known_at)
        if a.accessed_at < started and (wanted is None or a.case_id in wanted)
    ]


def write_bundle(
    log: CaseLog,
    q: ReportQuestion,
    out: IO[bytes],
    *,
    started: datetime,
    advance: Advance | None = None,
) -> Bundled:
    """Make every member in a scratch folder, then lay the archive out into `out`."""
    reads = access_excerpt(log, q, started)
    point = head_at(log, q.known_at)
    with tempfile.TemporaryDirectory(prefix="caselog-bundle-") as scratch:
        folder = Path(scratch)
        members = {
            name: folder / name
            for name in (
                "checkpoint.json",
                "events.jsonl",
                "findings.csv",
                "findings.json",
                "report.html",
            )
        }
        members["checkpoint.json"].write_text(checkpoint_json(point), encoding="utf-8")
        events = _events(log, q, members["events.jsonl"], advance)
        found = gather.findings(log, q)
        _findings(found, members["findings.json"], members["findings.csv"])
        with members["report.html"].open("w", encoding="utf-8", newline="\n") as page:
            write_report(log, q, page, advance)
        if reads is not None:
            members["access-log.jsonl"] = folder / "access-log.jsonl"
            _reads(reads, members["access-log.jsonl"])
        write_archive(members, arguments_of(q, point), caselog_version(), out)
    return Bundled(point, events, found.num_rows, None if reads is None else len(reads))


def arguments_of(q: ReportQuestion, point: Checkpoint) -> dict[str, Any]:
    """The question as the manifest keeps it: enough to make the same bundle again."""
    return {
        "on": q.on.isoformat(),
        "known_at": _utc(q.known_at),
        "then": _utc(q.then),
        "from": None if q.first is None else q.first.isoformat(),
        "to": None if q.last is None else q.last.isoformat(),
        "cases": None if q.case_ids is None else list(q.case_ids),
        "max_cases": q.max_cases,
        "lang": q.lang.value,
        "checkpoint": asdict(point),
    }


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _events(log: CaseLog, q: ReportQuestion, path: Path, advance: Advance | None) -> int:
    """The events recorded up to `known_at` (of the bundled cases, each in turn) as JSON Lines."""

    def exported(done: int, total: int | None) -> None:
        if advance is not None:
            advance("events", done, total)

    with path.open("w", encoding="utf-8", newline="\n") as handle:
        if q.case_ids is None:
            return log.export(handle, known_at=q.known_at, progress=exported)
        return sum(
            log.export(handle, case_id=c, known_at=q.known_at, progress=exported)
            for c in q.case_ids
        )


def _findings(found: Any, as_json: Path, as_csv: Path) -> None:  # noqa: ANN401 - an Arrow table
    """The findings as a JSON array (one row a line) and as CSV, the columns of D7."""
    with (
        as_json.open("w", encoding="utf-8", newline="\n") as j,
        as_csv.open("w", encoding="utf-8", newline="") as c,
    ):
        writer = csv.DictWriter(c, fieldnames=list(COLUMNS), lineterminator="\n")
        writer.writeheader()
        j.write("[")
        for number, row in enumerate(gather.rows(found)):
            record = {name: _plain(row[name]) for name in COLUMNS}
            j.write(("\n" if number == 0 else ",\n") + json.dumps(record, ensure_ascii=False))
            writer.writerow(
                {k: "|".join(v) if isinstance(v, list) else v for k, v in record.items()}
            )
        j.write("\n]\n" if found.num_rows else "]\n")


def _plain(value: object) -> object:
    """A cell as JSON carries it: dates ISO, everything else as it is."""
    return value.isoformat() if isinstance(value, date) else value


def _reads(reads: list[Access], path: Path) -> None:
    """The access-log excerpt, one read a line, as `caselog access-log --format json` has it."""
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for a in reads:
            record = {
                "position": a.position,
                "accessed_at": _utc(a.accessed_at),
                "actor": a.actor,
                "purpose": a.purpose,
                "what": a.what,
                "case_id": a.case_id,
                "detail": a.parameters,
                "access_id": a.access_id,
            }
            handle.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
