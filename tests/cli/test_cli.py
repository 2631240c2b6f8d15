"""The `caselog` command line, run in-process with typer's `CliRunner` on SQLite files."""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any

import pytest
from typer.testing import CliRunner, Result

from caselog.api import open_log
from caselog.cli import app
from caselog.events.examples import example

if TYPE_CHECKING:
    from pathlib import Path


def line(tag: str, **changes: Any) -> str:  # noqa: ANN401 - JSON values
    """The example line of `tag` with some fields changed (None removes a field)."""
    data = {**example(tag), **changes}
    return json.dumps({k: v for k, v in data.items() if v is not None})


def write(path: Path, *lines: str) -> Path:
    """A JSON Lines file with the given lines."""
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(*args: str, actor: str | None = "tester") -> Result:
    """Run `caselog ARGS` with `$CASELOG_ACTOR` set (or unset) and no `$CASELOG_URL`."""
    env = {"CASELOG_URL": None, "CASELOG_ACTOR": actor}
    return CliRunner().invoke(app, list(args), env=env)


def stored(db: str) -> int:
    """How many events the log at `db` holds."""
    with open_log(db, actor="tester") as log:
        return log.store.count()


@pytest.fixture
def db(tmp_path: Path) -> str:
    """The URL of a fresh SQLite file."""
    return f"sqlite:///{tmp_path / 'log.db'}"


@pytest.fixture
def good(tmp_path: Path) -> Path:
    """A valid file: a report of concern and the investigation opened on it."""
    opened = line("investigation_opened", event_id="i1", report_event_ids=["r1"])
    return write(tmp_path / "good.jsonl", line("report_received", event_id="r1"), opened)


@pytest.fixture
def historical(tmp_path: Path, db: str) -> str:
    """A log holding a 2005 report registered in 2019 and a 2019 report registered at once."""
    path = write(
        tmp_path / "old.jsonl",
        line(
            "report_received",
            event_id="old",
            occurred_on="2005-03-01",
            registered_at="2019-05-02T08:00:00+00:00",
        ),
        line(
            "report_received",
            event_id="new",
            occurred_on="2019-05-02",
            registered_at="2019-05-02T09:00:00+00:00",
        ),
    )
    result = run("ingest", "--historical", str(path), "--db", db)
    assert (result.exit_code, result.stdout) == (
        0,
        "read 2 line(s): wrote 2, already stored 0, repeated 0 (positions 1–2)\n",
    )
    return db


def test_schema_prints_the_json_schema_of_a_line() -> None:
    """`schema` prints valid JSON: the schema of one input line."""
    result = run("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["title"] == "caselog event (one JSON Lines line)"
    assert "ReportReceived" in schema["$defs"]


def test_ingest_writes_a_good_file_and_prints_the_counts(good: Path, db: str) -> None:
    """A valid file is written whole; the counts are printed and the exit code is 0."""
    result = run("ingest", str(good), "--db", db)
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "read 2 line(s): wrote 2, already stored 0, repeated 0 (positions 1–2)\n"
    )
    assert stored(db) == 2
    again = run("ingest", str(good), "--db", db, "--actor", "someone", actor=None)
    assert again.stdout == "read 2 line(s): wrote 0, already stored 2, repeated 0\n"


def test_ingest_rejects_a_bad_file_whole(tmp_path: Path, db: str) -> None:
    """A bad file exits 1, names each problem by line and field, and writes nothing."""
    path = write(
        tmp_path / "bad.jsonl",
        line("report_received", event_id="r1"),
        line("report_received", event_id="r2", colour="red"),
        line("investigation_concluded", event_id="c1", investigation_id="nope"),
    )
    result = run("ingest", str(path), "--db", db)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "rejected: 2 error(s); nothing was written",
        "  line 2, field colour: unknown field",
        "  line 3, field investigation_id: 'nope' does not exist in child:c-1001",
    ]
    assert stored(db) == 0


def test_ingest_refuses_registered_at_without_historical(tmp_path: Path, db: str) -> None:
    """`registered_at` is accepted only by `ingest --historical` (D3)."""
    path = write(
        tmp_path / "old.jsonl",
        line("report_received", registered_at="2019-05-02T08:00:00+00:00"),
    )
    result = run("ingest", str(path), "--db", db)
    assert result.exit_code == 1
    assert "  line 1, field registered_at: accepted only by a historical import" in (
        result.stderr.splitlines()
    )


def test_historical_ingest_keeps_the_registration_times(historical: str) -> None:
    """Under `--historical`, each line's `registered_at` becomes its `recorded_at`."""
    result = run("timeline", "c-1001", "--format", "json", "--db", historical)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["event_id"], r["recorded_at"]) for r in rows] == [
        ("old", "2019-05-02T08:00:00Z"),
        ("new", "2019-05-02T09:00:00Z"),
    ]


def test_timeline_json_marks_a_late_registration(historical: str) -> None:
    """A 2005 report registered in 2019 is marked `late_registration`; a prompt one is not."""
    rows = json.loads(run("timeline", "c-1001", "--format", "json", "--db", historical).stdout)
    late = {r["event_id"]: r["late_registration"] for r in rows}
    assert late == {"old": True, "new": False}
    assert rows[0]["occurred_on"] == "2005-03-01"
    assert rows[0]["registration_lag_days"] > 365 * 14


def test_timeline_csv_has_a_header_and_one_row_per_event(good: Path, db: str) -> None:
    """`timeline --format csv` prints a header and one row per event, in log order."""
    run("ingest", str(good), "--db", db)
    result = run("timeline", "c-1001", "--format", "csv", "--db", db)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["position"], r["event_id"], r["type"]) for r in rows] == [
        ("1", "r1", "report_received"),
        ("2", "i1", "investigation_opened"),
    ]
    header = result.stdout.splitlines()[0].split(",")
    assert header[:3] == ["position", "recorded_at", "recorded_on"]
    assert "late_registration" in header


def test_case_json_prints_the_state_on_a_date(good: Path, db: str) -> None:
    """`case ID --on D --format json` prints the case state as JSON."""
    run("ingest", str(good), "--db", db)
    result = run("case", "c-1001", "--on", "2019-12-01", "--format", "json", "--db", db)
    assert result.exit_code == 0, result.output
    state = json.loads(result.stdout)
    assert (state["case_id"], state["on"]) == ("c-1001", "2019-12-01")
    [report] = state["reports"]
    assert (report["event_id"], report["decision"]) == ("r1", "opened")
    assert state["open_investigation"] == "inv-1"


def test_case_before_the_facts_shows_nothing_yet(good: Path, db: str) -> None:
    """On a date before the report (valid time), the case holds no report."""
    run("ingest", str(good), "--db", db)
    result = run("case", "c-1001", "--on", "2019-11-01", "--format", "json", "--db", db)
    assert json.loads(result.stdout)["reports"] == []


def test_case_known_at_before_registration_shows_what_the_records_showed(
    good: Path, db: str
) -> None:
    """Known at a day before the file was ingested, the records showed no report."""
    run("ingest", str(good), "--db", db)
    args = ("case", "c-1001", "--on", "2019-12-01", "--format", "json", "--db", db)
    then = json.loads(run(*args, "--known-at", "2019-12-01").stdout)
    assert (then["reports"], then["investigations"]) == ([], [])
    assert len(json.loads(run(*args).stdout)["reports"]) == 1


def test_case_known_at_follows_historical_registration(historical: str) -> None:
    """The 2005 report shows from the day it was registered (2019-05-02), not before."""
    args = ("case", "c-1001", "--on", "2019-05-02", "--format", "json", "--db", historical)
    before = json.loads(run(*args, "--known-at", "2019-05-01").stdout)
    after = json.loads(run(*args, "--known-at", "2019-05-02").stdout)
    assert before["reports"] == []
    assert [r["event_id"] for r in after["reports"]] == ["old", "new"]


def test_case_table_is_the_default_format(good: Path, db: str) -> None:
    """Without --format, `case` prints a table titled with the case and the date."""
    run("ingest", str(good), "--db", db)
    result = run("case", "c-1001", "--on", "2019-12-01", "--db", db)
    assert result.exit_code == 0, result.output
    assert "case c-1001 on 2019-12-01" in result.stdout
    assert "open_investigation" in result.stdout


def test_an_unknown_case_exits_1_with_a_message(good: Path, db: str) -> None:
    """`case` for an id the log never held exits 1 and says so."""
    run("ingest", str(good), "--db", db)
    result = run("case", "c-9999", "--on", "2019-12-01", "--db", db)
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: no case 'c-9999' in the log"


def test_a_bad_date_is_a_usage_error(good: Path, db: str) -> None:
    """A malformed `--on` is a usage error (exit 2) naming the option."""
    run("ingest", str(good), "--db", db)
    result = run("case", "c-1001", "--on", "2019-13-45", "--db", db)
    assert result.exit_code == 2
    assert "--on" in result.stderr
    assert "not a date (YYYY-MM-DD): '2019-13-45'" in " ".join(result.stderr.split())


def test_a_timestamp_known_at_needs_a_time_zone(good: Path, db: str) -> None:
    """A `--known-at` timestamp without a time zone is a usage error."""
    run("ingest", str(good), "--db", db)
    result = run(
        "case", "c-1001", "--on", "2019-12-01", "--known-at", "2019-12-01T08:00", "--db", db
    )
    assert result.exit_code == 2
    assert "needs a time zone" in " ".join(result.stderr.split())


def test_demo_records_a_small_municipality(db: str) -> None:
    """`demo --children 20` records events through the log and prints the pattern table."""
    result = run("demo", "--children", "20", "--db", db)
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "about 20 children into" in text
    assert "IVO patterns" in text
    assert "violence_not_investigated" in result.stdout.split("judged on")[0]
    assert "next: caselog cases --with-findings --db" in text
    assert stored(db) > 20


def test_compliance_applies_a_settings_file(tmp_path: Path, db: str) -> None:
    """--settings changes the routine parameter a rule reads (R01's days); a bad file exits 2."""
    late = line("protection_assessment_documented", event_id="a1", report_event_id="r1")
    late_assessment = json.loads(late) | {"occurred_on": "2019-11-14"}
    write(
        tmp_path / "in.jsonl", line("report_received", event_id="r1"), json.dumps(late_assessment)
    )
    assert run("ingest", str(tmp_path / "in.jsonl"), "--db", db).exit_code == 0
    strict = run(
        "compliance", "--on", "2019-12-01", "--rule", "R01", "--format", "json", "--db", db
    )
    assert [o["status"] for o in json.loads(strict.stdout)] == ["met_late"]
    lenient = write(tmp_path / "routine.toml", "protection_assessment_days = 5")
    judged = run(
        "compliance", "--on", "2019-12-01", "--rule", "R01", "--all", "--format", "json",
        "--settings", str(lenient), "--db", db,
    )  # fmt: skip
    assert [o["status"] for o in json.loads(judged.stdout)] == ["met"]
    bad = write(tmp_path / "bad.toml", "protection_days = 5")
    refused = run("compliance", "--on", "2019-12-01", "--settings", str(bad), "--db", db)
    assert refused.exit_code == 2
    assert "protection_days: Extra inputs are not permitted" in refused.stderr
