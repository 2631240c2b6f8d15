"""`caselog verify`, `checkpoint` and `upgrade` from the command line (issue 11).

A clean log verifies with exit 0; a log changed with raw SQL exits 4 naming the position
and the kind of change; a checkpoint written by `checkpoint` is read back by `verify
--against`, which then catches removed newest events; a missing or malformed checkpoint
is a usage error (exit 2) saying what is wrong; a log made before the chain is refused
for writing until `upgrade` chains it.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Final

import pytest
from typer.testing import CliRunner, Result

from caselog.cli import app

FIXTURES: Final = Path(__file__).parent.parent / "fixtures"


def run(*args: str) -> Result:
    """Run `caselog ARGS` in-process with an actor and no `$CASELOG_URL`."""
    return CliRunner().invoke(app, list(args), env={"CASELOG_URL": None, "CASELOG_ACTOR": "t"})


def said(result: Result) -> str:
    """What a command wrote on stderr, as one line (rich wraps at 80 columns)."""
    return " ".join(result.stderr.split())


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A small demo log."""
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert run("demo", "--children", "8", "--db", url).exit_code == 0
    return url


def raw(url: str, *statements: str) -> None:
    """Change the log behind caselog's back (the triggers dropped first)."""
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        conn.execute("DROP TRIGGER caselog_events_no_update")
        conn.execute("DROP TRIGGER caselog_events_no_delete")
        for statement in statements:
            conn.execute(statement)


def test_a_clean_log_verifies(db: str) -> None:
    """Exit 0 and the head."""
    done = run("verify", "--db", db)
    assert done.exit_code == 0, done.output
    assert "verified" in done.stdout
    assert "the chain holds up to position" in done.stdout


def test_an_edited_event_exits_4_with_its_position(db: str) -> None:
    """A payload changed with SQL: exit 4, the position and "edited"."""
    raw(db, "UPDATE caselog_events SET state = CAST('{}' AS BLOB) WHERE rowid = 5")
    done = run("verify", "--db", db)
    assert done.exit_code == 4
    assert "TAMPERED at position 5 (edited)" in said(done)
    assert "the chain holds up to position 4 (4 event(s))" in said(done)


def test_a_checkpoint_catches_removed_newest_events(db: str, tmp_path: Path) -> None:
    """A checkpoint, then the last events deleted: the chain holds, the checkpoint not."""
    kept = tmp_path / "checkpoint.json"
    assert run("checkpoint", "--db", db, "--out", str(kept)).exit_code == 0
    point = json.loads(kept.read_text(encoding="utf-8"))
    assert set(point) == {"log_id", "position", "head", "time"}
    assert run("verify", "--db", db, "--against", str(kept)).exit_code == 0
    cut = int(point["position"]) - 3
    raw(db, f"DELETE FROM caselog_events WHERE rowid > {cut}")  # noqa: S608 - an integer
    assert run("verify", "--db", db).exit_code == 0
    done = run("verify", "--db", db, "--against", str(kept))
    assert done.exit_code == 4
    assert f"({'truncated'})" in said(done)
    assert f"holds position {point['position']}" in said(done)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read the checkpoint"),
        ("not json", "is not JSON"),
        ('{"log_id": "x", "position": "7", "head": "", "time": ""}', "'position' is missing"),
        ('{"log_id": "x", "position": 7, "head": "", "time": "", "extra": 1}', "'extra'"),
    ],
)
def test_a_bad_checkpoint_is_a_usage_error(
    db: str, tmp_path: Path, content: str | None, message: str
) -> None:
    """Exit 2 and what is wrong with the file; nothing is verified against it."""
    path = tmp_path / "checkpoint.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    done = run("verify", "--db", db, "--against", str(path))
    assert done.exit_code == 2
    assert message in said(done)


def test_upgrade_chains_an_old_log(tmp_path: Path) -> None:
    """An old log: ingest refused with "run `caselog upgrade`"; upgrade; then it verifies."""
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.executescript((FIXTURES / "log-v0.1.sql").read_text(encoding="utf-8"))
    url = f"sqlite:///{path}"
    line = tmp_path / "one.jsonl"
    line.write_text(
        '{"type":"report_received","event_id":"new-1","occurred_on":"2024-01-02",'
        '"actor":"sw-1","child_id":"new-child","reporter_category":"school",'
        '"violence_exposure":"none","mandatory_reporter":true}\n',
        encoding="utf-8",
    )
    refused = run("ingest", str(line), "--db", url)
    assert refused.exit_code == 2
    assert "run `caselog upgrade`" in said(refused)
    assert run("verify", "--db", url).exit_code == 2
    upgraded = run("upgrade", "--db", url)
    assert upgraded.exit_code == 0, upgraded.output
    assert json.loads(upgraded.stdout)["position"] > 0
    assert run("ingest", str(line), "--db", url).exit_code == 0
    assert run("verify", "--db", url).exit_code == 0
