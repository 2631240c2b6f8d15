"""`caselog access-log` and the access log's line of `caselog verify` (issue 13).

Every command runs in-process through typer's `CliRunner` with the CLI's consoles fixed at
80 columns and no colour, as in a pipe. The reads listed are made through the API with a
settable clock, so their days are fixed; the CLI's own reads are recorded too.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Final

import pytest
from rich.cells import cell_len
from rich.console import Console
from typer.testing import CliRunner, Result

from caselog.api import ManualClock, open_log
from caselog.cli import app
from caselog.cli.app import consoles
from caselog.storage import open_store
from caselog.storage.access_log import access_store
from tests.rules.builders import CHILD, report

if TYPE_CHECKING:
    from pathlib import Path

WIDTH: Final = 80
LONG_PURPOSE: Final = "utredning enligt SoL 11 kap. 1 § av barnets behov av skydd och stöd " * 2


@pytest.fixture(autouse=True)
def _eighty_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's consoles as in a pipe: 80 columns, no colour."""
    monkeypatch.setattr(consoles, "out", Console(width=WIDTH, color_system=None))
    monkeypatch.setattr(consoles, "err", Console(stderr=True, width=WIDTH, color_system=None))


def run(*args: str) -> Result:
    """Run `caselog ARGS` as the inspector `ivo-3`, with no `$CASELOG_URL`."""
    env = {"CASELOG_URL": None, "CASELOG_ACTOR": "ivo-3", "CASELOG_PURPOSE": None}
    return CliRunner().invoke(app, list(args), env=env)


def said(result: Result) -> str:
    """What a command wrote on stderr, as one line (rich wraps and frames at 80 columns)."""
    return " ".join(result.stderr.replace("│", " ").split())


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A log read by sw-1 (twice, in January 2024) and sw-2 (once, in February)."""
    url = f"sqlite:///{tmp_path / 'log.db'}"
    clock = ManualClock(datetime(2024, 1, 2, 8, tzinfo=UTC))
    with open_log(url, actor="sw-1", clock=clock, purpose=LONG_PURPOSE) as log:
        log.ingest([report("r1", "2024-01-02")])
        clock.set(datetime(2024, 1, 10, 9, tzinfo=UTC))
        log.case(CHILD, on=date(2024, 1, 10))
        clock.set(clock() + timedelta(hours=1))
        log.timeline(CHILD)
    clock.set(datetime(2024, 2, 5, 9, tzinfo=UTC))
    with open_log(url, actor="sw-2", clock=clock) as log:
        log.cases(on=date(2024, 2, 5))
    return url


def reads(url: str) -> list[tuple[int, str, str]]:
    """(position, actor, what) of every recorded read, read without recording one."""
    store = open_store(url, create=False)
    try:
        return [(a.position, a.actor, a.what) for a in access_store(store).accesses()]
    finally:
        store.close()


def test_the_table_lists_every_read_in_80_columns(db: str) -> None:
    """Position, Swedish time, reader, what, case and purpose; long text wraps, ids whole."""
    done = run("access-log", "--db", db)
    assert done.exit_code == 0, done.output
    lines = done.stdout.splitlines()
    assert lines[0] == "access log"
    assert lines[1].split() == ["pos", "accessed", "by", "what", "case", "purpose"]
    assert lines[3].startswith("  1  2024-01-10 10:00 CET  sw-1   case")
    assert "c1" in lines[3]
    assert any(line.startswith("  3  2024-02-05 10:00 CET  sw-2   cases") for line in lines)
    assert any("ivo-3" in line and "access_log" in line for line in lines)
    assert lines[-1] == "4 read(s)"
    assert max(cell_len(line) for line in lines) <= WIDTH
    assert reads(db)[-1] == (4, "ivo-3", "access_log")  # listing is a read, recorded


def test_filters_by_case_reader_and_period(db: str) -> None:
    """`--case`, `--by` (the reader; `--actor` is who lists) and `--from`/`--to` days."""
    by = run("access-log", "--by", "sw-1", "--db", db, "--format", "json")
    assert [(r["position"], r["what"]) for r in json.loads(by.stdout)] == [
        (1, "case"),
        (2, "timeline"),
    ]
    period = run("access-log", "--from", "2024-02-01", "--to", "2024-02-29", "--db", db)
    assert period.exit_code == 0
    assert "access log: 2024-02-01 to 2024-02-29" in period.stdout
    assert period.stdout.splitlines()[-1] == "1 read(s)"
    case = run("access-log", "--case", CHILD, "--db", db, "--format", "json")
    assert [r["what"] for r in json.loads(case.stdout)] == ["case", "timeline", "access_log"]
    nobody = run("access-log", "--by", "nobody", "--db", db)
    assert nobody.exit_code == 0
    assert nobody.stdout.splitlines() == ["access log: by nobody", "0 read(s)"]


def test_json_is_one_array_of_reads_with_their_parameters(db: str) -> None:
    """Each read with its columns; `accessed_at` in UTC with Z; the detail as an object."""
    done = run("access-log", "--format", "json", "--to", "2024-01-31", "--db", db)
    found = json.loads(done.stdout)
    assert found[0] == {
        "position": 1,
        "accessed_at": "2024-01-10T09:00:00Z",
        "actor": "sw-1",
        "purpose": LONG_PURPOSE,
        "what": "case",
        "case_id": CHILD,
        "detail": {
            "known_at": "2024-01-10T09:00:00.000000Z",
            "on": "2024-01-10",
            "reference": False,
        },
        "access_id": found[0]["access_id"],
    }
    assert len(found) == 2
    assert done.stderr == ""


def test_a_sample_is_reproducible_with_its_seed(db: str) -> None:
    """The same seed over a closed period draws the same reads; the seed is printed."""
    first = run("access-log", "--sample", "2", "--seed", "7", "--to", "2024-02-29", "--db", db)
    again = run("access-log", "--sample", "2", "--seed", "7", "--to", "2024-02-29", "--db", db)
    assert first.exit_code == 0, first.output
    assert first.stdout == again.stdout
    assert first.stdout.splitlines()[0] == "access log, a random sample: … to 2024-02-29"
    assert first.stdout.splitlines()[-1] == "a sample of 2 of 3 read(s) (seed 7)"
    unseeded = run("access-log", "--sample", "1", "--to", "2024-02-29", "--db", db)
    seed = unseeded.stdout.splitlines()[-1].rpartition("seed ")[2].rstrip(")")
    redrawn = run("access-log", "--sample", "1", "--seed", seed, "--to", "2024-02-29", "--db", db)
    assert redrawn.stdout == unseeded.stdout


def test_a_sample_larger_than_the_reads_lists_them_all_and_says_so(db: str) -> None:
    """More asked than there are: every read, and the count line says so."""
    done = run("access-log", "--sample", "10", "--seed", "1", "--by", "sw-1", "--db", db)
    assert done.stdout.splitlines()[-1] == "all 2 read(s): no more than the 10 asked for (seed 1)"
    json_done = run("access-log", "--sample", "9", "--seed", "1", "--db", db, "--format", "json")
    assert len(json.loads(json_done.stdout)) == 4  # three reads, and the sample before
    assert said(json_done) == "all 4 read(s): no more than the 9 asked for (seed 1)"
    empty = run("access-log", "--sample", "3", "--seed", "1", "--to", "2023-12-31", "--db", db)
    assert empty.stdout.splitlines()[-1] == "0 read(s) to draw from (seed 1)"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--from", "2024-13-01"],
            "Invalid value for --from: not a date (YYYY-MM-DD): '2024-13-01'",
        ),
        (["--to", "yesterday"], "Invalid value for --to: not a date (YYYY-MM-DD): 'yesterday'"),
        (
            ["--from", "2024-02-01", "--to", "2024-01-01"],
            "Invalid value for --to: the period ends (2024-01-01) before it begins (2024-02-01)",
        ),
        (
            ["--sample", "0"],
            "Invalid value for '--sample': Input should be greater than or equal to 1",
        ),
        (["--seed", "3"], "Invalid value for --seed: a seed is for --sample N"),
        (["--format", "csv"], "Invalid value for '--format': Value error, 'csv' is not one of"),
    ],
)
def test_bad_input_is_a_usage_error_that_records_nothing(
    db: str, args: list[str], message: str
) -> None:
    """Exit 2 with a message naming the option; the log of reads is left as it was."""
    before = reads(db)
    done = run("access-log", *args, "--db", db)
    assert done.exit_code == 2
    assert message in said(done)
    assert reads(db) == before


@pytest.mark.parametrize(
    ("actor", "message"),
    [
        (
            "   ",
            "error: the actor needs at least one visible character and no control or format "
            "characters (got 3 character(s): U+0020, U+0020, U+0020)",
        ),
        ("x" * 300, "error: the actor is longer than 256 characters (300)"),
    ],
)
def test_a_reader_that_cannot_be_recorded_is_refused(db: str, actor: str, message: str) -> None:
    """A blank or overlong `--actor`: exit 2 with the message, on every reading command."""
    before = reads(db)
    for command in (["access-log"], ["case", CHILD], ["timeline", CHILD], ["cases"]):
        done = run(*command, "--actor", actor, "--db", db)
        assert done.exit_code == 2
        assert said(done) == message
    assert reads(db) == before


def test_the_read_commands_record_their_purpose(db: str) -> None:
    """`--purpose` (or `$CASELOG_PURPOSE`) is kept with each read of the CLI."""
    assert run("case", CHILD, "--purpose", "tillsyn", "--db", db).exit_code == 0
    assert run("compliance", "--case", CHILD, "--purpose", "tillsyn", "--db", db).exit_code == 0
    done = run("access-log", "--by", "ivo-3", "--format", "json", "--db", db)
    assert [(r["what"], r["purpose"], r["case_id"]) for r in json.loads(done.stdout)] == [
        ("case", "tillsyn", CHILD),
        ("obligations", "tillsyn", CHILD),
        ("access_log", None, None),
    ]
    blank = run("case", CHILD, "--purpose", " ", "--db", db)
    assert blank.exit_code == 2
    assert said(blank).startswith("error: the purpose needs at least one visible character")


def test_a_missing_log_is_not_made_by_listing_its_reads(tmp_path: Path) -> None:
    """No log at the URL: exit 2, and nothing created."""
    done = run("access-log", "--db", f"sqlite:///{tmp_path / 'none.db'}")
    assert done.exit_code == 2
    assert "no log at" in said(done)
    assert not (tmp_path / "none.db").exists()


def test_verify_reports_the_access_log_apart(db: str) -> None:
    """`access log: N read(s), chain ok`; a tampered read: exit 4 and its position."""
    clean = run("verify", "--db", db)
    assert clean.exit_code == 0, clean.output
    assert clean.stdout.splitlines()[-1] == "access log: 3 read(s), chain ok"
    with sqlite3.connect(db.removeprefix("sqlite:///")) as conn:
        conn.execute("DROP TRIGGER caselog_access_no_update")
        conn.execute("UPDATE caselog_access SET actor = 'someone' WHERE position = 2")
    done = run("verify", "--db", db)
    assert done.exit_code == 4
    assert "verified 1 event(s)" in done.stdout  # the events still hold
    assert "access log: TAMPERED at position 2 (edited)" in said(done)
    assert "access log: the chain holds up to position 1 (1 read(s))" in said(done)
