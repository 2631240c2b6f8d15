"""Ingest reads inputs as people have them (issue 12 item 5; issue 11 "Silent loss").

Standard input, pipes and FIFOs are read once and spooled, so a retry after a concurrency
conflict reads the spool, never the input again (DESIGN.md D6). gzip data is read, UTF-8
with a byte order mark is accepted, and UTF-16 or UTF-32 is refused naming the encoding.

The conflicts here are real ones: a rival writer appends to the same stream between the
ingest's check and its append, so the backend itself refuses the first attempt.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from typer.testing import CliRunner

from caselog.api import CaseLog, ManualClock, open_log, read_once
from caselog.cli import app
from caselog.errors import IngestRejectedError
from caselog.events import event_adapter
from caselog.events.examples import example

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from datetime import datetime

    from caselog.storage import Appended, LogRow


def line(tag: str, **changes: Any) -> str:  # noqa: ANN401 - JSON values
    """The example line of `tag` with some fields changed (None removes a field)."""
    data = {**example(tag), **changes}
    return json.dumps({k: v for k, v in data.items() if v is not None}, ensure_ascii=False)


def batch(count: int = 3) -> bytes:
    """`count` reports of concern about child c-1001 (ids r1…), as UTF-8 JSON Lines."""
    text = "".join(line("report_received", event_id=f"r{i}") + "\n" for i in range(1, count + 1))
    return text.encode("utf-8")


def ids(log: CaseLog) -> list[str]:
    """The event ids of the log, in log order."""
    return [r.event.event_id for r in log.events()]


class Rival:
    """Another writer that records into child:c-1001 just before the ingest's first append.

    The ingest checked the stream without the rival's event, so the backend refuses its
    append (the stream versions clash): a real conflict, on the first attempt only.
    """

    def __init__(self, log: CaseLog, then: Callable[[], object] | None = None) -> None:
        """Stand between `log` and its store's `append`; `then` runs after the rival wrote."""
        self.real = log.store.append
        self.rival = CaseLog(log.store, actor="rival", clock=log.clock)
        self.then = then
        self.appends = 0
        self.inside = False

    def append(
        self, rows: Iterable[LogRow], *, clock: Callable[[], datetime], ingested_by: str
    ) -> Appended:
        """The first call lets the rival write first; every call then appends for real.

        `appends` counts the ingest's appends, not the rival's own.
        """
        if self.inside:
            return self.real(rows, clock=clock, ingested_by=ingested_by)
        self.appends += 1
        if self.appends == 1:
            talk = {**example("private_talk_held"), "event_id": "rival"}
            self.inside = True
            try:
                self.rival.record(event_adapter.validate_python(talk))
            finally:
                self.inside = False
            if self.then is not None:
                self.then()
        return self.real(rows, clock=clock, ingested_by=ingested_by)


@pytest.fixture
def log(store_url: str, clock: ManualClock) -> Iterator[CaseLog]:
    """A log on every backend in turn."""
    with open_log(store_url, actor="tester", clock=clock) as opened:
        yield opened


@pytest.fixture
def rival(log: CaseLog, monkeypatch: pytest.MonkeyPatch) -> Rival:
    """A rival writer forcing a conflict on the log's first append."""
    standing = Rival(log)
    monkeypatch.setattr(log.store, "append", standing.append)
    return standing


@pytest.fixture
def stdin_pipe(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[bytes], None]]:
    """Make standard input the read end of a real pipe that a thread fills with `data`."""
    opened: list[io.TextIOWrapper] = []
    threads: list[threading.Thread] = []

    def feed(data: bytes) -> None:
        read, write = os.pipe()

        def writer() -> None:
            with os.fdopen(write, "wb") as end:
                end.write(data)

        thread = threading.Thread(target=writer, daemon=True)
        thread.start()
        threads.append(thread)
        stdin = io.TextIOWrapper(os.fdopen(read, "rb"), encoding="utf-8")
        opened.append(stdin)
        monkeypatch.setattr(sys, "stdin", stdin)

    yield feed
    for thread in threads:
        thread.join(timeout=10)
    for stdin in opened:
        stdin.close()


# -- read once: a retry never reads the input again -----------------------------------


def test_standard_input_is_read_once_when_a_conflict_forces_a_retry(
    log: CaseLog, rival: Rival, stdin_pipe: Callable[[bytes], None]
) -> None:
    """`ingest("-")` from a pipe: the retry after a real conflict writes every line."""
    stdin_pipe(batch(3))
    result = log.ingest("-")
    assert (result.read, result.written, result.attempts) == (3, 3, 2)
    assert rival.appends == 2
    assert ids(log) == ["rival", "r1", "r2", "r3"]


def test_a_file_is_read_once_even_if_it_changes_before_the_retry(
    log: CaseLog, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The retry writes what the first check read, not what the file holds by then."""
    path = tmp_path / "in.jsonl"
    path.write_bytes(batch(2))
    standing = Rival(log, then=lambda: path.write_text("", encoding="utf-8"))
    monkeypatch.setattr(log.store, "append", standing.append)
    result = log.ingest(path)
    assert (result.read, result.written, result.attempts) == (2, 2, 2)
    assert ids(log) == ["rival", "r1", "r2"]


def test_a_large_input_is_spooled_to_disk_and_retried_from_there(
    log: CaseLog, rival: Rival, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Beyond the in-memory size the copy goes to a temporary file; the retry reads it."""
    monkeypatch.setattr(read_once, "_IN_MEMORY", 64)
    path = tmp_path / "in.jsonl.gz"
    path.write_bytes(gzip.compress(batch(50)))
    result = log.ingest(path)
    assert (result.read, result.written, result.attempts) == (50, 50, 2)
    assert rival.appends == 2
    assert len(ids(log)) == 51


def test_a_rejected_input_is_read_to_its_end_once(
    log: CaseLog, stdin_pipe: Callable[[bytes], None]
) -> None:
    """A bad line rejects the batch after the whole pipe was read, every problem named."""
    stdin_pipe(batch(2) + b"{\n" + batch(1))
    with pytest.raises(IngestRejectedError) as caught:
        log.ingest("-")
    assert [str(p) for p in caught.value.errors] == [
        "line 3: invalid JSON: Expecting property name enclosed in double quotes (column 2)"
    ]
    assert log.store.count() == 0


# -- gzip, byte order marks, UTF-16 ----------------------------------------------------


@pytest.mark.parametrize("name", ["in.jsonl.gz", "in.jsonl"])
def test_gzip_is_read_by_its_first_bytes(log: CaseLog, tmp_path: Path, name: str) -> None:
    """A gzip file is decompressed, named `.gz` or not."""
    path = tmp_path / name
    path.write_bytes(gzip.compress(batch(3)))
    assert log.ingest(path).written == 3


def test_an_open_binary_stream_is_read_like_a_file(log: CaseLog) -> None:
    """`CaseLog.ingest` takes an open binary stream: gzip and all, read once."""
    assert log.ingest(io.BytesIO(gzip.compress(batch(3)))).written == 3


def test_gzip_from_standard_input_is_read(
    log: CaseLog, stdin_pipe: Callable[[bytes], None]
) -> None:
    """`zcat`-free: gzip data piped to `ingest -` is decompressed."""
    stdin_pipe(gzip.compress(batch(2)))
    assert log.ingest("-").written == 2


def test_a_bad_line_inside_gzip_is_named_by_its_line(log: CaseLog, tmp_path: Path) -> None:
    """Line numbers count the decompressed lines, blank ones too."""
    path = tmp_path / "in.jsonl.gz"
    bad = line("report_received", event_id="r9", colour="red")
    path.write_bytes(gzip.compress(batch(2) + b"\n" + bad.encode() + b"\n"))
    with pytest.raises(IngestRejectedError) as caught:
        log.ingest(path)
    assert [str(p) for p in caught.value.errors] == ["line 4, field colour: unknown field"]


def test_damaged_gzip_is_refused_and_nothing_is_written(log: CaseLog, tmp_path: Path) -> None:
    """A truncated gzip file is one clear problem, not a traceback; nothing is written."""
    path = tmp_path / "in.jsonl.gz"
    whole = gzip.compress(batch(200))
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(IngestRejectedError) as caught:
        log.ingest(path)
    (problem,) = caught.value.errors
    assert problem.reason == (
        "damaged gzip data: Compressed file ended before the end-of-stream marker was reached"
    )
    assert log.store.count() == 0


def test_utf8_with_a_byte_order_mark_is_accepted(log: CaseLog, tmp_path: Path) -> None:
    """What .NET and PowerShell write: the UTF-8 BOM is skipped, plain or gzipped."""
    plain, packed = tmp_path / "bom.jsonl", tmp_path / "bom.jsonl.gz"
    plain.write_bytes(b"\xef\xbb\xbf" + batch(2))
    packed.write_bytes(gzip.compress(b"\xef\xbb\xbf" + batch(3)))
    assert log.ingest(plain).written == 2
    assert log.ingest(packed).written == 1
    assert log.store.count() == 3


def test_a_historical_file_with_a_byte_order_mark_keeps_its_times(
    log: CaseLog, tmp_path: Path
) -> None:
    """The BOM does not hide the first line's `registered_at`."""
    path = tmp_path / "old.jsonl"
    text = line("report_received", event_id="h1", registered_at="2005-03-15T09:12:00+01:00")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode() + b"\r\n")
    assert log.ingest(path, historical=True).written == 1
    (record,) = log.events()
    assert record.recorded_at.isoformat() == "2005-03-15T08:12:00+00:00"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (
            b"\xff\xfe" + batch(1).decode().encode("utf-16-le"),
            "UTF-16 (little-endian, with a byte order mark)",
        ),
        (
            b"\xfe\xff" + batch(1).decode().encode("utf-16-be"),
            "UTF-16 (big-endian, with a byte order mark)",
        ),
        (
            batch(1).decode().encode("utf-16-le"),
            "UTF-16 (little-endian, without a byte order mark)",
        ),
        (batch(1).decode().encode("utf-16-be"), "UTF-16 (big-endian, without a byte order mark)"),
        (batch(1).decode().encode("utf-32"), "UTF-32 (little-endian, with a byte order mark)"),
        (
            gzip.compress(batch(1).decode().encode("utf-16")),
            "UTF-16 (little-endian, with a byte order mark)",
        ),
    ],
    ids=["utf-16-le-bom", "utf-16-be-bom", "utf-16-le", "utf-16-be", "utf-32", "gzip-utf-16"],
)
def test_utf16_is_refused_naming_the_encoding(
    log: CaseLog, tmp_path: Path, data: bytes, encoding: str
) -> None:
    """One problem naming the encoding and how to convert it; nothing is written."""
    path = tmp_path / "in.jsonl"
    path.write_bytes(data)
    with pytest.raises(IngestRejectedError) as caught:
        log.ingest(path)
    bits = encoding.split(maxsplit=1)[0]
    assert [str(p) for p in caught.value.errors] == [
        f"line 1: the input is {encoding}, not UTF-8: convert it first, "
        f"e.g. with `iconv -f {bits} -t UTF-8`"
    ]
    assert log.store.count() == 0


# -- the command line, as a shell runs it ----------------------------------------------

RIVAL_SCRIPT = """
import sys

from caselog.api import CaseLog
from caselog.cli import main
from caselog.events import event_adapter
from caselog.events.examples import example
from caselog.storage.sqlite import SQLiteEventStore

real = SQLiteEventStore.append
appends = []


def append(self, rows, **kwargs):
    appends.append(1)
    if len(appends) == 1:  # another writer gets in first: the real append conflicts
        talk = {**example("private_talk_held"), "event_id": "rival"}
        CaseLog(self, actor="rival").record(event_adapter.validate_python(talk))
    return real(self, rows, **kwargs)


SQLiteEventStore.append = append
sys.argv = ["caselog", *sys.argv[1:]]
main()
"""
"""`caselog ARGS` in a fresh Python process whose first append meets a real conflict."""


def caselog_with_rival(*args: str) -> list[str]:
    """The command line of a `caselog` process that meets a conflict on its first append."""
    return [sys.executable, "-c", RIVAL_SCRIPT, *args]


def environment() -> dict[str, str]:
    """The test's environment without `$CASELOG_URL`, with an actor."""
    env = {k: v for k, v in os.environ.items() if k != "CASELOG_URL"}
    return {**env, "CASELOG_ACTOR": "tester"}


def stored_ids(db: str) -> list[str]:
    """The event ids of the log at `db`, in log order (none if no log was made)."""
    if not Path(db.removeprefix("sqlite:///")).exists():
        return []
    with open_log(db, actor="tester") as opened:
        return ids(opened)


@pytest.fixture
def db(tmp_path: Path) -> str:
    """The URL of a fresh SQLite file."""
    return f"sqlite:///{tmp_path / 'log.db'}"


def test_caselog_ingest_dash_from_a_pipe_survives_a_conflict(db: str) -> None:
    """A real `caselog ingest -` fed by a pipe: all events stored, the right count printed.

    Before the input was spooled this printed "read 0 line(s): wrote 0" and stored nothing.
    """
    done = subprocess.run(
        caselog_with_rival("ingest", "-", "--db", db),
        input=batch(3),
        capture_output=True,
        env=environment(),
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode() == (
        "read 3 line(s): wrote 3, already stored 0, repeated 0 (positions 2–4)\n"
    )
    assert stored_ids(db) == ["rival", "r1", "r2", "r3"]


@pytest.mark.skipif(not Path("/dev/stdin").exists(), reason="no /dev/stdin on this system")
def test_caselog_ingest_dev_stdin_survives_a_conflict(db: str) -> None:
    """The path the issue reported, `/dev/stdin`, is read once too."""
    done = subprocess.run(
        caselog_with_rival("ingest", "/dev/stdin", "--db", db),
        input=gzip.compress(batch(2)),
        capture_output=True,
        env=environment(),
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode().startswith("read 2 line(s): wrote 2,")
    assert stored_ids(db) == ["rival", "r1", "r2"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_caselog_ingest_from_a_fifo_survives_a_conflict(db: str, tmp_path: Path) -> None:
    """A named FIFO: the retry does not wait for a second writer that never comes."""
    fifo = tmp_path / "events.fifo"
    os.mkfifo(fifo)
    with subprocess.Popen(
        caselog_with_rival("ingest", str(fifo), "--db", db),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment(),
    ) as process:
        try:
            with fifo.open("wb") as writer:  # blocks until caselog opens it to read
                writer.write(batch(3))
            out, err = process.communicate(timeout=120)
        finally:
            process.kill()
    assert process.returncode == 0, err.decode()
    assert out.decode().startswith("read 3 line(s): wrote 3,")
    assert stored_ids(db) == ["rival", "r1", "r2", "r3"]


def test_caselog_ingest_refuses_utf16_with_an_exit_code(db: str, tmp_path: Path) -> None:
    """UTF-16 from the command line: the encoding named, exit 1, nothing written."""
    path = tmp_path / "windows.jsonl"
    path.write_bytes(b"\xff\xfe" + batch(2).decode().encode("utf-16-le"))
    result = CliRunner().invoke(
        app, ["ingest", str(path), "--db", db], env={"CASELOG_URL": None, "CASELOG_ACTOR": "t"}
    )
    assert result.exit_code == 1
    assert "rejected: 1 error(s); nothing was written" in result.output
    assert "the input is UTF-16 (little-endian, with a byte order mark)" in result.output
    assert stored_ids(db) == []


def test_caselog_ingest_dash_reads_standard_input_in_process(db: str) -> None:
    """`caselog ingest -` reads what is piped in (here typer's runner's input)."""
    result = CliRunner().invoke(
        app,
        ["ingest", "-", "--db", db],
        input=b"\xef\xbb\xbf" + batch(2),
        env={"CASELOG_URL": None, "CASELOG_ACTOR": "t"},
    )
    assert (result.exit_code, result.stdout) == (
        0,
        "read 2 line(s): wrote 2, already stored 0, repeated 0 (positions 1–2)\n",
    )


def test_caselog_ingest_names_a_missing_file(db: str, tmp_path: Path) -> None:
    """A path that does not exist is a usage error (exit 2), as before `-` was allowed."""
    result = CliRunner().invoke(
        app,
        ["ingest", str(tmp_path / "nope.jsonl"), "--db", db],
        env={"CASELOG_URL": None, "CASELOG_ACTOR": "t"},
    )
    assert result.exit_code == 2
    assert "does not exist" in result.output
