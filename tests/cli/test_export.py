"""`caselog export` and `CaseLog.export`: a log out as JSON Lines, and back in as the same log.

The round trip is the contract (issue 12 item 5, DESIGN.md D3): exporting a log and
ingesting the lines with `--historical` into a new log gives the same events, in the same
order, with the same `recorded_at`, and so the same answers for any (`on`, `known_at`).
It is checked on SQLite and PostgreSQL, in both directions between them.
"""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner, Result

from caselog.api import CaseLog, open_log
from caselog.api import export as export_module
from caselog.cli import app
from caselog.dates import end_of_day_utc
from caselog.errors import StoreNotFoundError
from caselog.interchange import ParsedLine, parse_line
from caselog.interchange import to_line as interchange_to_line
from caselog.storage.sealing import SEALED

DEMO_CHILDREN = 30
CASELOG = str(Path(sys.executable).with_name("caselog"))
DATES = [date(2014, 6, 30), date(2019, 10, 1), date(2026, 6, 30)]
"""Dates the obligations are compared on: early, the demo's inspection day, its end."""
LATER = datetime(2030, 1, 1, tzinfo=UTC)
"""A transaction time after everything the demo records."""


def run(*args: str, stdin: bytes | None = None) -> Result:
    """Run `caselog ARGS` in-process with an actor and no `$CASELOG_URL`."""
    env = {"CASELOG_URL": None, "CASELOG_ACTOR": "tester"}
    return CliRunner().invoke(app, list(args), env=env, input=stdin)


def demo_into(url: str) -> None:
    """Record a small demo municipality into the log at `url`."""
    result = run("demo", "--children", str(DEMO_CHILDREN), "--db", url)
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An SQLite file holding the demo (made once for the module; only read)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    demo_into(url)
    return url


@pytest.fixture
def new_db(tmp_path: Path) -> str:
    """The URL of a fresh SQLite file."""
    return f"sqlite:///{tmp_path / 'copy.db'}"


def opened(url: str) -> CaseLog:
    """The log at `url`, opened to read."""
    return open_log(url, actor="tester")


def stored(log: CaseLog) -> list[tuple[Any, ...]]:
    """What a log holds, position aside: every event, its stream slot, its time, its bytes.

    Sealed payloads (issue 13) differ in every log (random nonces, the log's own keys):
    of those, the bytes left in clear and the names of the sealed fields are compared.
    """
    records = list(log.events())
    payloads = log.store.stored_payloads([r.event.event_id for r in records])
    return [
        (
            r.event,
            r.stream,
            r.stream_version,
            r.recorded_at,
            _comparable(*payloads[r.event.event_id]),
        )
        for r in records
    ]


def _comparable(topic: str, state: bytes) -> tuple[str, object]:
    if not state.startswith(SEALED):
        return topic, state
    data = orjson.loads(state)
    return topic, {**data, "$sealed": sorted(data["$sealed"]["fields"])}


def assert_same_log(original: str, copy: str) -> None:
    """Same events, order, `recorded_at` and bytes; same obligations as then and as now."""
    with opened(original) as left, opened(copy) as right:
        assert stored(right) == stored(left)
        for day in DATES:
            assert right.obligations(on=day).records() == left.obligations(on=day).records()
            then = end_of_day_utc(day)
            assert (
                right.obligations(on=day, known_at=then).records()
                == left.obligations(on=day, known_at=then).records()
            )


# -- the round trip, on both databases ---------------------------------------------------


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("sqlite", "sqlite"),
        pytest.param("sqlite", "postgres", marks=pytest.mark.postgres),
        pytest.param("postgres", "sqlite", marks=pytest.mark.postgres),
    ],
)
def test_export_then_historical_ingest_rebuilds_the_same_log(
    source: str, target: str, demo_db: str, new_db: str, request: pytest.FixtureRequest
) -> None:
    """The demo, exported and ingested with `historical=True` into a new log, is the same log.

    sqlite → postgres is the documented way to move a log to PostgreSQL.
    """
    if source == "postgres":
        source_url = str(request.getfixturevalue("postgres_url"))
        demo_into(source_url)
    else:
        source_url = demo_db
    target_url = str(request.getfixturevalue("postgres_url")) if target == "postgres" else new_db
    out = io.StringIO()
    with opened(source_url) as log:
        count = log.export(out, personal=True)
        assert count == log.store.count()
    with open_log(target_url, actor="copy") as copy:
        result = copy.ingest(out.getvalue().splitlines(), historical=True)
    assert (result.read, result.written) == (count, count)
    assert_same_log(source_url, target_url)


def test_export_piped_into_historical_ingest_gives_the_same_compliance(
    demo_db: str, new_db: str
) -> None:
    """`caselog export | caselog ingest --historical -` with real processes and a real pipe."""
    env = {"CASELOG_ACTOR": "tester", "PATH": str(Path(CASELOG).parent)}
    with subprocess.Popen(
        [CASELOG, "export", "--personal", "--db", demo_db], stdout=subprocess.PIPE, env=env
    ) as exporting:
        ingesting = subprocess.run(
            [CASELOG, "ingest", "--historical", "-", "--db", new_db],
            stdin=exporting.stdout,
            capture_output=True,
            env=env,
            timeout=300,
            check=False,
        )
        assert exporting.stdout is not None
        exporting.stdout.close()
        assert exporting.wait(timeout=60) == 0
    assert ingesting.returncode == 0, ingesting.stderr.decode()
    with opened(demo_db) as log:
        count = log.store.count()
    assert ingesting.stdout.decode().startswith(f"read {count} line(s): wrote {count},")
    for args in (["--on", "2019-10-01"], ["--on", "2019-10-01", "--known-at", "2019-10-01"]):
        for view in ([], ["--all", "--format", "csv"]):
            original = run("compliance", *args, *view, "--db", demo_db)
            copy = run("compliance", *args, *view, "--db", new_db)
            assert original.exit_code == copy.exit_code
            assert original.output.count("\n") > 10
            assert copy.output == original.output
    assert_same_log(demo_db, new_db)


# -- the lines ---------------------------------------------------------------------------


def exported_lines(text: str) -> list[ParsedLine]:
    """Every exported line, parsed as a historical ingest parses it."""
    found = []
    for number, raw in enumerate(text.splitlines(), start=1):
        parsed = parse_line(raw, number, historical=True)
        assert isinstance(parsed, ParsedLine), parsed
        found.append(parsed)
    return found


def test_each_line_carries_its_recorded_at_in_utc(demo_db: str) -> None:
    """`registered_at` is the `recorded_at` as RFC 3339 in UTC, never decreasing."""
    result = run("export", "--personal", "--db", demo_db)
    assert result.exit_code == 0
    assert result.stderr == ""
    with opened(demo_db) as log:
        records = list(log.events())
    raw = [json.loads(text) for text in result.stdout.splitlines()]
    assert len(raw) == len(records)
    for data, record in zip(raw, records, strict=True):
        stamp = data["registered_at"]
        assert stamp.endswith("+00:00")
        assert datetime.fromisoformat(stamp) == record.recorded_at
        assert data["event_id"] == record.event.event_id
    moments = [p.registered_at for p in exported_lines(result.stdout)]
    assert moments == sorted(moments, key=lambda m: m or datetime.min.replace(tzinfo=UTC))


def test_export_to_a_file_says_how_many(demo_db: str, tmp_path: Path) -> None:
    """A FILE argument writes there (UTF-8, Unix line ends) and prints the count on stdout."""
    path = tmp_path / "backup.jsonl"
    result = run("export", str(path), "--personal", "--db", demo_db)
    with opened(demo_db) as log:
        count = log.store.count()
    assert (result.exit_code, result.stdout) == (0, f"exported {count} event(s) to {path}\n")
    text = path.read_bytes().decode("utf-8")
    assert "\r" not in text
    assert len(exported_lines(text)) == count
    assert [p.name for p in tmp_path.iterdir()] == ["backup.jsonl"]


def test_a_gz_file_is_compressed_and_ingest_reads_it_back(
    demo_db: str, new_db: str, tmp_path: Path
) -> None:
    """`export log.jsonl.gz` writes gzip; `ingest --historical log.jsonl.gz` reads it."""
    path = tmp_path / "log.jsonl.gz"
    assert run("export", str(path), "--personal", "--db", demo_db).exit_code == 0
    assert path.read_bytes()[:2] == b"\x1f\x8b"
    plain = run("export", "--personal", "--db", demo_db).stdout
    assert gzip.decompress(path.read_bytes()).decode("utf-8") == plain
    result = run("ingest", "--historical", str(path), "--db", new_db)
    assert result.exit_code == 0, result.output
    assert_same_log(demo_db, new_db)


def test_exporting_into_the_same_log_again_stores_nothing_twice(
    demo_db: str, tmp_path: Path
) -> None:
    """Re-sending an export to its own log is safe: every event is already stored (D6)."""
    copy = f"sqlite:///{tmp_path / 'again.db'}"
    lines = run("export", "--personal", "--db", demo_db).stdout.encode("utf-8")
    assert run("ingest", "--historical", "-", "--db", copy, stdin=lines).exit_code == 0
    again = run("ingest", "--historical", "-", "--db", copy, stdin=lines)
    count = len(lines.splitlines())
    assert again.stdout == f"read {count} line(s): wrote 0, already stored {count}, repeated 0\n"


def test_case_exports_one_case_file(demo_db: str, new_db: str) -> None:
    """`--case ID` writes the child's stream only; ingested, the case reads the same."""
    with opened(demo_db) as log:
        case_id = "child-000003"
        expected = [r.event.event_id for r in log.history(f"child:{case_id}")]
    result = run("export", "--case", case_id, "--personal", "--db", demo_db)
    assert result.exit_code == 0
    parsed = exported_lines(result.stdout)
    assert [p.event.event_id for p in parsed] == expected
    assert {p.event.stream for p in parsed} == {f"child:{case_id}"}
    assert (
        run("ingest", "--historical", "-", "--db", new_db, stdin=result.stdout.encode()).exit_code
        == 0
    )
    with opened(demo_db) as left, opened(new_db) as right:
        for day in DATES:
            for known_at in (end_of_day_utc(day), LATER):
                assert right.case(case_id, on=day, known_at=known_at) == left.case(
                    case_id, on=day, known_at=known_at
                )


def test_an_unknown_case_is_an_error_and_writes_nothing(demo_db: str, tmp_path: Path) -> None:
    """`--case` with an id the log does not hold: exit 1, the id named, no file."""
    path = tmp_path / "out.jsonl"
    result = run("export", str(path), "--case", "child-nope", "--db", demo_db)
    assert result.exit_code == 1
    assert "child-nope" in result.output
    assert not list(tmp_path.iterdir())


def test_a_missing_log_is_an_error_and_nothing_is_created(tmp_path: Path) -> None:
    """A mistyped path is not exported as an empty log: exit 2, no log, no file (item 3)."""
    url = f"sqlite:///{tmp_path / 'typo' / 'log.db'}"
    result = run("export", str(tmp_path / "out.jsonl"), "--db", url)
    assert result.exit_code == 2
    assert "no log at" in result.output
    with open_log(url, actor="tester") as log, pytest.raises(StoreNotFoundError):
        log.export(io.StringIO())
    assert not list(tmp_path.iterdir())


def test_known_at_exports_what_the_log_held_then(demo_db: str) -> None:
    """`--known-at` cuts the log at a transaction time: a prefix of the log."""
    result = run("export", "--known-at", "2016-12-31", "--personal", "--db", demo_db)
    assert result.exit_code == 0
    cut = end_of_day_utc(date(2016, 12, 31))
    with opened(demo_db) as log:
        expected = [r.event.event_id for r in log.events(known_at=cut)]
        everything = log.store.count()
    parsed = exported_lines(result.stdout)
    assert [p.event.event_id for p in parsed] == expected
    assert 0 < len(parsed) < everything
    assert all(p.registered_at is not None and p.registered_at <= cut for p in parsed)


def test_on_is_refused_for_json_lines(demo_db: str, tmp_path: Path) -> None:
    """JSON Lines holds the events, not a view on a date: `--on` is a usage error."""
    path = tmp_path / "out.jsonl"
    result = run("export", str(path), "--on", "2019-10-01", "--db", demo_db)
    assert result.exit_code == 2
    message = " ".join(result.output.replace("│", " ").split())
    assert (
        "Invalid value for --on: jsonl exports the events themselves, not a view on a date;"
        in message
    )
    assert "use --known-at to export what the log held at a time" in message
    assert not path.exists()


def test_a_reader_that_goes_away_ends_the_export_quietly(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`caselog export | head`: a broken pipe is exit 1 and no traceback."""

    def broken(*_: object, **__: object) -> int:
        raise BrokenPipeError

    monkeypatch.setattr(CaseLog, "export", broken)
    result = run("export", "--db", demo_db)
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output


def test_only_jsonl_is_a_format(demo_db: str) -> None:
    """`--format jsonl` is the default; another format is a usage error."""
    assert run("export", "--format", "jsonl", "--db", demo_db).exit_code == 0
    assert run("export", "--format", "csv", "--db", demo_db).exit_code == 2


# -- the Python API --------------------------------------------------------------------


def test_the_api_writes_a_stream_or_a_path(demo_db: str, tmp_path: Path) -> None:
    """`CaseLog.export` takes a text stream or a path and returns the count."""
    out = io.StringIO()
    with opened(demo_db) as log:
        count = log.export(out)
        assert log.export(tmp_path / "a.jsonl") == count
        assert log.export(str(tmp_path / "b.jsonl.gz"), known_at=date(2000, 1, 1)) == 0
    assert (tmp_path / "a.jsonl").read_text(encoding="utf-8") == out.getvalue()
    assert gzip.decompress((tmp_path / "b.jsonl.gz").read_bytes()) == b""


@pytest.fixture
def failing_after(monkeypatch: pytest.MonkeyPatch) -> int:
    """Make the export fail after 500 lines."""
    calls = [0]

    def to_line(*args: Any, **kwargs: Any) -> str:  # noqa: ANN401 - passed through
        calls[0] += 1
        if calls[0] > 500:
            msg = "disk full"
            raise OSError(msg)
        return interchange_to_line(*args, **kwargs)

    monkeypatch.setattr(export_module, "to_line", to_line)
    return 500


def test_a_failed_export_leaves_the_file_as_it_was(
    demo_db: str, tmp_path: Path, failing_after: int
) -> None:
    """A file is written whole or not at all: an old export there stays, no part remains."""
    path = tmp_path / "backup.jsonl"
    path.write_text("the previous export\n", encoding="utf-8")
    with opened(demo_db) as log, pytest.raises(OSError, match="disk full"):
        log.export(path)
    assert failing_after == 500
    assert path.read_text(encoding="utf-8") == "the previous export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["backup.jsonl"]


def test_without_personal_the_export_withholds_personal_fields(demo_db: str) -> None:
    """Issue 13: an export holds no personal field in clear unless asked for it, by name."""
    with opened(demo_db) as log:
        named = [
            r
            for r in log.events()
            if r.event.type == "case_file_opened" and r.event.__dict__["name"] is not None
        ]
    assert named
    withheld = run("export", "--db", demo_db).stdout
    given = run("export", "--personal", "--db", demo_db).stdout
    for record in named[:20]:
        name = record.event.__dict__["name"]
        number = record.event.__dict__["personal_identity_number"]
        assert name in given
        assert number not in withheld
    first = next(line for line in withheld.splitlines() if '"case_file_opened"' in line)
    assert '"withheld": ["name", "personal_identity_number"]' in first
    refused = run("ingest", "--historical", "-", "--db", "sqlite://", stdin=first.encode())
    assert refused.exit_code == 1
    assert (
        "line 1, field withheld: exported without its personal fields, which cannot be "
        "imported: export with --personal (personal=True) to move a log"
    ) in " ".join(refused.stderr.split())
