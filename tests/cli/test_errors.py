"""No tracebacks: every command given bad arguments ends in one message and a non-zero exit.

In-process runs (`CliRunner`) check that no exception escapes a command; a few runs in a
real process (the installed entry point's code) check what a shell sees.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest
from rich.console import Console
from typer.testing import CliRunner, Result

from caselog.cli import app, cases
from caselog.cli.app import consoles
from caselog.errors import StorageError

if TYPE_CHECKING:
    from pathlib import Path

HISTORY = (
    '{"event_id": "r1", "type": "report_received", "occurred_on": "2019-11-11", '
    '"actor": "sw-17", "child_id": "c-1001", "reporter_category": "school", '
    '"mandatory_reporter": true, "registered_at": "2019-11-11T09:12:00+01:00"}\n'
)


@pytest.fixture(autouse=True)
def _eighty_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's consoles as in a pipe: 80 columns, no colour."""
    monkeypatch.setattr(consoles, "out", Console(width=80, color_system=None))
    monkeypatch.setattr(consoles, "err", Console(stderr=True, width=80, color_system=None))


@pytest.fixture
def db(tmp_path: Path) -> str:
    """The URL of a log holding one report of concern about c-1001."""
    path = tmp_path / "history.jsonl"
    path.write_text(HISTORY, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'log.db'}"
    result = run("ingest", "--historical", str(path), "--db", url)
    assert result.exit_code == 0, result.output
    return url


def run(*args: str) -> Result:
    """Run `caselog ARGS` in-process with a fixed actor, no `$CASELOG_URL`, 80 columns."""
    env = {"CASELOG_URL": None, "CASELOG_ACTOR": "tester", "COLUMNS": "80"}
    return CliRunner().invoke(app, list(args), env=env)


def assert_one_message(result: Result, *words: str) -> None:
    """A non-zero exit, no traceback, nothing on stdout, one message naming `words`."""
    assert result.exit_code != 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output
    assert result.stdout == "", result.stdout
    message = " ".join(result.stderr.replace("│", " ").split())
    assert message, "no message"
    for word in words:
        assert word in message, (word, message)
    # One message: click's usage panel, or one "error:"/"rejected:" line (with its details).
    assert message.count("Error ") + message.count("error:") + message.count("rejected:") == 1, (
        message
    )


BAD = [
    # case
    (("case", "c-1001", "--on", "2019-13-45"), ("--on", "2019-13-45")),
    (("case", "c-1001", "--format", "csv"), ("--format", "csv")),
    (("case", "c-9999"), ("c-9999",)),
    (("case", "c-1001", "--known-at", "yesterday"), ("--known-at", "yesterday")),
    (("case", "c-1001", "--known-at", "2019-11-25T08:00"), ("time zone",)),
    (("case", "c-1001", "--known-at", "0001-01-01T00:00+01:00"), ("--known-at", "out of range")),
    (("case", "c-1001", "--tz", "Mars/Olympus"), ("--tz", "Mars/Olympus")),
    (("case",), ("case_id",)),
    # timeline
    (("timeline", "c-1001", "--format", "xml"), ("--format", "xml")),
    (("timeline", "c-404"), ("c-404",)),
    (("timeline", "c-1001", "--known-at", "9999-12-31T23:59+00:00"), ("out of range",)),
    # compliance
    (("compliance", "--on", "2019-02-30"), ("--on", "2019-02-30")),
    (("compliance", "--status", "late"), ("late", "met_late", "not_applicable")),
    (("compliance", "--fail-on", "overdue,brached"), ("--fail-on", "brached", "breached")),
    (("compliance", "--rule", "R99"), ("R99",)),
    (("compliance", "--limit", "0"), ("--limit",)),
    (("compliance", "--limit", "-3"), ("--limit",)),
    (("compliance", "--from", "2019-12-01", "--to", "2019-11-01"), ("--to", "before")),
    (("compliance", "--from", "1 May"), ("--from",)),
    (("compliance", "--lang", "fi"), ("--lang", "fi")),
    (("compliance", "--format", "pdf"), ("--format", "pdf")),
    (("compliance", "--settings", "no-such-file.toml"), ("--settings", "no-such-file.toml")),
    (("compliance", "--known-at", "9999-12-31T23:59+00:00"), ("out of range",)),
    # cases
    (("cases", "--on", "tomorrow"), ("--on", "tomorrow")),
    (("cases", "--format", "xml"), ("--format", "xml")),
    (("cases", "--lang", "de"), ("--lang", "de")),
    (("cases", "--known-at", "2019-11-25T08:00"), ("time zone",)),
    # demo
    (("demo", "--children", "-5"), ("--children",)),
    (("demo", "--children", "many"), ("--children", "integer")),
    (("demo", "--seed", "x"), ("--seed",)),
    # ingest
    (("ingest",), ("FILE",)),
    (("ingest", "no-such-file.jsonl"), ("no-such-file.jsonl",)),
    (("ingest", "--historical", "--db"), ("--db",)),
    # schema
    (("schema", "--bogus"), ("--bogus",)),
    (("schema", "extra"), ("extra",)),
    # the app itself
    (("bogus",), ("bogus",)),
]


@pytest.mark.parametrize(("args", "words"), BAD, ids=[" ".join(args) for args, _ in BAD])
def test_a_bad_argument_ends_in_one_message(
    db: str, args: tuple[str, ...], words: tuple[str, ...]
) -> None:
    """Each command refuses a bad argument with one message and a non-zero exit."""
    command = (
        [*args, "--db", db]
        if args[0] not in {"schema", "bogus"} and args[-1] != "--db"
        else list(args)
    )
    assert_one_message(run(*command), *words)


def test_a_store_that_is_not_there_is_one_message(tmp_path: Path) -> None:
    """Reading from a missing or unknown store is one message, for every reading command."""
    missing = f"sqlite:///{tmp_path / 'no' / 'such.db'}"
    for args in (("cases",), ("compliance",), ("case", "c-1"), ("timeline", "c-1")):
        assert_one_message(run(*args, "--db", missing), "such.db")
        assert_one_message(run(*args, "--db", "mysql://host/db"), "mysql")
    assert not (tmp_path / "no").exists()


def test_a_file_that_is_a_directory_is_one_message(tmp_path: Path, db: str) -> None:
    """`ingest DIR` names the directory."""
    assert_one_message(run("ingest", str(tmp_path), "--db", db), tmp_path.name)


def test_a_demo_into_a_log_with_another_seed_is_one_message(tmp_path: Path) -> None:
    """A demo into a log made with another seed is refused with one message, exit 1."""
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert run("demo", "--children", "2", "--seed", "1", "--db", url).exit_code == 0
    again = run("demo", "--children", "2", "--seed", "1", "--db", url)
    assert again.exit_code == 0, again.output  # the same demo again writes nothing new
    assert "recorded 0 event(s)" in again.stdout
    other = run("demo", "--children", "2", "--seed", "2", "--db", url)
    assert other.exit_code == 1
    assert_one_message(other, "another --seed", "new --db", "first problem")


def _caselog(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run `caselog ARGS` in a new process, as a shell would, 80 columns wide."""
    env = {k: v for k, v in os.environ.items() if k not in {"CASELOG_URL", "CASELOG_ACTOR"}} | {
        "COLUMNS": "80",
        "CASELOG_ACTOR": "tester",
    }
    code = "from caselog.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        check=False,
        timeout=300,
    )


def test_a_shell_sees_one_message_for_a_negative_children(tmp_path: Path) -> None:
    """`caselog demo --children -5` in a real process: one message, exit 2, nothing written."""
    done = _caselog("demo", "--children", "-5", cwd=tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr + done.stdout
    assert "--children" in done.stderr
    assert not (tmp_path / "caselog.db").exists()


def test_a_shell_sees_one_message_for_another_seed(tmp_path: Path) -> None:
    """A demo into another seed's log, in a real process: one message, exit 1."""
    assert _caselog("demo", "--children", "1", "--seed", "1", cwd=tmp_path).returncode == 0
    done = _caselog("demo", "--children", "1", "--seed", "7", cwd=tmp_path)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert done.stderr.startswith("error: sqlite:///caselog.db already held ")
    assert done.stdout == ""


def test_a_reader_that_stops_reading_ends_the_command_quietly(tmp_path: Path) -> None:
    """`caselog compliance … | head -1`: no traceback when the pipe closes."""
    assert _caselog("demo", "--children", "5", cwd=tmp_path).returncode == 0
    env = os.environ | {"COLUMNS": "80", "CASELOG_ACTOR": "tester"}
    code = "from caselog.cli import main; main()"
    args = ["compliance", "--on", "2026-06-30", "--all", "--format", "json"]
    with subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env=env,
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        assert process.stdout.readline() == b"[\n"
        process.stdout.close()
        stderr = process.stderr.read().decode()
        process.wait(timeout=300)
    assert "Traceback" not in stderr
    assert "BrokenPipeError" not in stderr


def test_a_stray_caselog_error_still_ends_in_one_message(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error no command expected is caught once, at the edge: one line, exit 1 or 2."""

    def broken(*_args: object) -> str:
        msg = "the disk went away"
        raise StorageError(msg)

    monkeypatch.setattr(cases, "local_time", broken)
    result = run("timeline", "c-1001", "--db", db)
    assert_one_message(result, "error: the disk went away")
