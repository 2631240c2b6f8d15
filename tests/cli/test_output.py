"""Output people can read: 80 columns, full ids, zones on timestamps, Swedish throughout.

Every command runs in-process through typer's `CliRunner` with the CLI's consoles fixed at
80 columns and no colour, as in a pipe.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from importlib.metadata import version
from typing import TYPE_CHECKING

import pytest
from rich.cells import cell_len
from rich.console import Console
from typer.testing import CliRunner, Result

from caselog.api import open_log
from caselog.cli import app
from caselog.cli.app import consoles
from caselog.reports.catalogue import PARTS, SEVERITY_SV, STATUS_SV, Catalogue, Lang
from caselog.rules.model import FINDINGS, Severity, Status

if TYPE_CHECKING:
    from pathlib import Path

WIDTH = 80
DAY = "2019-10-01"  # the day before the demo's box of old papers was registered
HISTORY = (
    '{"event_id": "r1", "type": "report_received", "occurred_on": "2019-11-11", '
    '"actor": "sw-17", "child_id": "c-1001", "reporter_category": "school", '
    '"mandatory_reporter": true, "registered_at": "2019-11-11T09:12:00+01:00"}\n'
    '{"event_id": "o1", "type": "investigation_opened", "occurred_on": "2019-11-22", '
    '"actor": "sw-17", "child_id": "c-1001", "investigation_id": "inv-1", '
    '"report_event_ids": ["r1"], "decided_by": "official", '
    '"registered_at": "2019-11-27T15:40:00+01:00"}\n'
)


@pytest.fixture(autouse=True)
def _eighty_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's consoles as in a pipe: 80 columns, no colour."""
    monkeypatch.setattr(consoles, "out", Console(width=WIDTH, color_system=None))
    monkeypatch.setattr(consoles, "err", Console(stderr=True, width=WIDTH, color_system=None))


def run(*args: str) -> Result:
    """Run `caselog ARGS` with a fixed actor, no `$CASELOG_URL` and 80 columns."""
    env = {"CASELOG_URL": None, "CASELOG_ACTOR": "tester", "COLUMNS": str(WIDTH)}
    return CliRunner().invoke(app, list(args), env=env)


@pytest.fixture
def demo(demo_log: Path) -> str:
    """The URL of the shared small demo municipality (tests/conftest.py)."""
    return f"sqlite:///{demo_log}"


@pytest.fixture
def history(tmp_path: Path) -> str:
    """The URL of a log holding docs/cli.md's two-line history (fixed timestamps)."""
    path = tmp_path / "history.jsonl"
    path.write_text(HISTORY, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'history.db'}"
    assert run("ingest", "--historical", str(path), "--db", url).exit_code == 0
    return url


def json_rows(*args: str) -> list[dict[str, object]]:
    """The JSON rows `caselog ARGS --format json` prints."""
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    rows: list[dict[str, object]] = json.loads(result.stdout)
    return rows


def assert_fits(text: str) -> None:
    """Every line fits 80 columns, nothing is cut with an ellipsis, no line ends in blanks."""
    for line in text.splitlines():
        assert cell_len(line) <= WIDTH, line
        assert line == line.rstrip(), repr(line)
    assert "…" not in text


# -- caselog compliance ----------------------------------------------------------------


def test_the_compliance_table_fits_80_columns_with_full_ids(demo: str) -> None:
    """On the demo, every line fits 80 columns and every finding's case id shows whole."""
    result = run("compliance", "--on", DAY, "--db", demo)
    assert result.exit_code == 0, result.output
    assert_fits(result.stdout)
    found = json_rows("compliance", "--on", DAY, "--db", demo)
    assert found
    lines = result.stdout.splitlines()
    listed = [line.split()[:2] for line in lines[2:] if not line.startswith(" ")][:-1]
    assert listed == [[str(o["case_id"]), str(o["rule_id"])] for o in found]
    assert lines[-1].startswith(f"{len(found)} obligation(s): ")


def test_each_finding_is_one_line_and_its_duty_beneath(history: str) -> None:
    """A finding's line holds its columns; the duty's sentence and statute are indented."""
    result = run("compliance", "--on", "2019-11-25", "--known-at", "2019-11-25", "--db", history)
    assert result.stdout.splitlines() == [
        "compliance on 2019-11-25, as known at 2019-11-25",
        "case    rule  trigger     due         status   days  severity",
        "c-1001  R01   2019-11-11  2019-11-12  overdue    13  critical",
        "    Immediate protection assessment documented by 2019-11-12 · SoL (2001:453) 11",
        "    kap. 1 a §",
        "c-1001  R02   2019-11-11  2019-11-25  pending        high",
        "    Decision to open or not open an investigation within 14 days, by 2019-11-25",
        "    · SoL (2001:453) 11 kap. 1 a §",
        "2 obligation(s): pending 1, overdue 1",
    ]


def test_a_long_case_id_is_never_cut(tmp_path: Path) -> None:
    """An id longer than a column would like is shown whole, even past 80 columns."""
    long_id = "c-" + "0123456789" * 9
    path = tmp_path / "long.jsonl"
    path.write_text(HISTORY.replace("c-1001", long_id), encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'long.db'}"
    assert run("ingest", "--historical", str(path), "--db", url).exit_code == 0
    result = run("compliance", "--on", "2019-12-01", "--db", url)
    assert result.exit_code == 0, result.output
    assert long_id in result.stdout.replace("\n", "")
    assert "…" not in result.stdout
    listed = run("cases", "--on", "2019-12-01", "--db", url).stdout.splitlines()
    assert_fits("\n".join(listed))
    width = listed[1].index("findings")  # the case column folds the id over lines
    assert "".join(line[:width].strip() for line in listed[3:-1]) == long_id


def test_summary_counts_by_rule_and_status(demo: str) -> None:
    """`--summary` prints the rule × status table: its counts are the listed rows'."""
    result = run("compliance", "--on", DAY, "--all", "--summary", "--db", demo)
    assert result.exit_code == 0, result.output
    assert_fits(result.stdout)
    lines = result.stdout.splitlines()
    assert lines[0] == f"obligations by rule and status on {DAY}"
    header = lines[1].split()
    assert header[0] == "rule"
    rows = json_rows("compliance", "--on", DAY, "--all", "--db", demo)
    totals = next(line.split() for line in lines if line.startswith("total"))
    for status, total in zip(header[1:], totals[1:], strict=True):
        assert int(total) == sum(1 for o in rows if o["status"] == status), status
    assert f"\n{len(rows)} obligation(s): " in result.stdout


def test_summary_as_json_has_one_row_per_rule(demo: str) -> None:
    """`--summary --format json` gives rule_id and a count per status, rules in order."""
    rows = json_rows("compliance", "--on", DAY, "--summary", "--db", demo)
    found = json_rows("compliance", "--on", DAY, "--db", demo)
    assert {str(r["rule_id"]) for r in rows} == {str(o["rule_id"]) for o in found}
    assert set(rows[0]) == {"rule_id", *(s.value for s in Status)}
    assert sum(int(str(r[s.value])) for r in rows for s in Status) == len(found)
    result = run("compliance", "--on", DAY, "--summary", "--format", "csv", "--db", demo)
    assert len(list(csv.DictReader(io.StringIO(result.stdout)))) == len(rows)


def test_the_demo_prints_the_same_summary_table(tmp_path: Path) -> None:
    """The demo's table is `compliance --all --summary` on its last day."""
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    printed = run("demo", "--children", "5", "--db", url)
    assert printed.exit_code == 0, printed.output
    assert_fits(printed.stdout)
    summary = run("compliance", "--on", "2026-06-30", "--all", "--summary", "--db", url)
    table = summary.stdout.splitlines()[1:-1]
    assert "\n".join(table) in printed.stdout


def test_from_and_to_keep_the_duties_triggered_in_the_period(demo: str) -> None:
    """`--from`/`--to` select by `trigger_on`, both days included."""
    every = json_rows("compliance", "--on", DAY, "--all", "--db", demo)
    days = sorted({str(o["trigger_on"]) for o in every})
    first, last = days[len(days) // 3], days[2 * len(days) // 3]
    kept = json_rows(
        "compliance", "--on", DAY, "--all", "--from", first, "--to", last, "--db", demo
    )
    assert kept == [o for o in every if first <= str(o["trigger_on"]) <= last]
    assert {first, last} <= {str(o["trigger_on"]) for o in kept}
    since = json_rows("compliance", "--on", DAY, "--all", "--from", last, "--db", demo)
    assert since == [o for o in every if str(o["trigger_on"]) >= last]
    title = run("compliance", "--on", DAY, "--from", first, "--db", demo).stdout.splitlines()[0]
    assert title == f"compliance on {DAY}, triggered {first} – …"


def test_limit_lists_the_first_and_counts_them_all(demo: str) -> None:
    """`--limit N` lists N findings; the count line says how many there are."""
    found = json_rows("compliance", "--on", DAY, "--db", demo)
    assert len(found) > 3
    assert json_rows("compliance", "--on", DAY, "--limit", "3", "--db", demo) == found[:3]
    result = run("compliance", "--on", DAY, "--limit", "3", "--db", demo)
    lines = result.stdout.splitlines()
    assert len([line for line in lines[2:-1] if not line.startswith(" ")]) == 3
    assert f"showing 3 of {len(found)} obligation(s): " in result.stdout.replace("\n", " ")


@pytest.mark.parametrize(
    ("on", "fail_on", "code"),
    [
        ("2019-12-01", "overdue,breached", 3),  # R01 and R04 are overdue
        ("2019-12-01", "breached", 0),
        ("2019-12-01", "PENDING", 3),  # R05
        ("2019-11-12", "overdue", 0),  # R01 is due that day: pending
    ],
)
def test_fail_on_exits_3_when_such_a_finding_is_listed(
    history: str, on: str, fail_on: str, code: int
) -> None:
    """`--fail-on` gives exit code 3 only if a listed obligation has one of its statuses."""
    result = run("compliance", "--on", on, "--fail-on", fail_on, "--db", history)
    assert result.exit_code == code, result.output
    assert result.stdout.startswith(f"compliance on {on}\n")


def test_fail_on_counts_the_rows_before_limit_and_every_format(history: str) -> None:
    """The check sees every selected row, whatever `--limit` and `--format` print."""
    base = ("compliance", "--on", "2019-12-01", "--fail-on", "pending", "--db", history)
    for extra in ((), ("--limit", "1"), ("--format", "json"), ("--format", "csv"), ("--summary",)):
        assert run(*base, *extra).exit_code == 3, extra
    assert run(*base, "--status", "overdue").exit_code == 0


def test_status_takes_commas_and_repeats(history: str) -> None:
    """`--status a,b` and `--status a --status b` select the same rows."""
    args = ("compliance", "--on", "2019-12-01", "--all", "--db", history)
    commas = json_rows(*args, "--status", "overdue,met")
    repeated = json_rows(*args, "--status", "overdue", "--status", "met")
    assert commas == repeated
    assert {o["status"] for o in commas} == {"overdue", "met"}


def test_progress_shows_on_a_terminal_only(history: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A spinner names the work on a terminal's standard error; results stay clean."""
    screen = io.StringIO()
    monkeypatch.setattr(consoles, "err", Console(file=screen, force_terminal=True, width=WIDTH))
    result = run("compliance", "--on", "2019-12-01", "--db", history)
    assert result.exit_code == 0
    assert "judging duties on 2019-12-01" in screen.getvalue()
    assert "judging" not in result.stdout
    assert "judging" not in run("compliance", "--db", history).stderr  # not a terminal


# -- --lang sv ------------------------------------------------------------------------


_ENGLISH = re.compile(
    r"\b(" + "|".join([*(s.value for s in Status), *(s.value for s in Severity), *PARTS]) + r")\b"
)


def test_swedish_translates_every_value(demo: str) -> None:
    """`--lang sv` leaves no English status, severity, part or header in the table."""
    result = run("compliance", "--on", DAY, "--all", "--lang", "sv", "--db", demo)
    assert result.exit_code == 0, result.output
    assert_fits(result.stdout)
    text = result.stdout
    assert not _ENGLISH.findall(text)
    lines = text.splitlines()
    assert lines[0] == f"regelefterlevnad {DAY}"
    assert lines[1].split() == ["ärende", "regel", "utlöst", "senast", "status", "dagar", "allvar"]
    assert "socialnamnden R22 #2015" in text  # one blank apart: the widest columns fit
    assert "uppfyllt för sent" in text
    assert "kritisk" in text
    assert "vårdnadshavare underrättade: De berörda underrättade genast" in text
    assert re.search(r"\n\d+ skyldighet\(er\): pågår \d+, uppfyllt \d+", text)


def test_swedish_summary_and_cases(demo: str) -> None:
    """The summary and the case list are Swedish too, and fit 80 columns."""
    summary = run("compliance", "--on", DAY, "--all", "--summary", "--lang", "sv", "--db", demo)
    assert_fits(summary.stdout)
    assert summary.stdout.startswith(f"skyldigheter per regel och status {DAY}\n")
    assert "ej" in summary.stdout
    assert "tillämpligt" in summary.stdout
    assert "totalt" in summary.stdout
    assert not _ENGLISH.findall(summary.stdout)
    listed = run("cases", "--on", DAY, "--lang", "sv", "--db", demo)
    assert_fits(listed.stdout)
    assert listed.stdout.startswith(f"ärenden {DAY}\n")
    assert "iakttagelser" in listed.stdout
    assert not _ENGLISH.findall(listed.stdout)


def test_the_catalogue_covers_every_status_severity_and_part(demo: str) -> None:
    """Each status and severity has a Swedish term; each part the rules emit has one."""
    assert set(STATUS_SV) == set(Status)
    assert set(SEVERITY_SV) == set(Severity)
    rows = json_rows("compliance", "--on", "2026-06-30", "--all", "--db", demo)
    parts = {str(o["part"]) for o in rows if o["part"]}
    assert parts
    assert parts <= set(PARTS)


def test_the_swedish_statuses_are_the_explanations_words(demo: str) -> None:
    """The catalogue's Swedish statuses are the words the Swedish explanations end with."""
    words = Catalogue(Lang.SV)
    with open_log(demo, actor="tester") as log:
        for o in log.obligations(on=date(2026, 6, 30)):
            phrase = o.explanation_sv.rsplit(" — ", 1)[1]
            assert phrase.startswith(words.status(o.status)), (o.status, phrase)


def test_english_shows_the_stable_values() -> None:
    """In English a status, severity or part is its own value: what --status takes."""
    words = Catalogue()
    assert [words.status(s) for s in Status] == [s.value for s in Status]
    assert words.severity(Severity.CRITICAL) == "critical"
    assert words.part("guardians_informed") == "guardians_informed"
    assert Catalogue(Lang.SV).part("a_new_part") == "a_new_part"


# -- caselog cases --------------------------------------------------------------------


def test_cases_lists_the_case_files_with_their_findings(demo: str) -> None:
    """Each case file known on the day, with its findings by status; they add up."""
    rows = json_rows("cases", "--on", DAY, "--db", demo)
    found = json_rows("compliance", "--on", DAY, "--db", demo)
    with open_log(demo, actor="tester") as log:
        streams = [s.removeprefix("child:") for s in log.store.streams("child:")]
    ids = [str(r["case_id"]) for r in rows]
    assert ids == sorted(ids)
    assert set(ids) <= set(streams)
    for row in rows:
        mine = [o for o in found if o["case_id"] == row["case_id"]]
        assert row["findings"] == len(mine)
        for status in FINDINGS:
            assert row[status.value] == sum(1 for o in mine if o["status"] == status.value)
    children = {str(o["case_id"]) for o in found if str(o["case_id"]).startswith("child-")}
    assert children <= set(ids)


def test_cases_table_fits_and_counts(demo: str) -> None:
    """The table lists every case whole, with a count line."""
    rows = json_rows("cases", "--on", DAY, "--db", demo)
    result = run("cases", "--on", DAY, "--db", demo)
    assert_fits(result.stdout)
    lines = result.stdout.splitlines()
    assert lines[0] == f"cases on {DAY}"
    assert lines[1].split() == [
        "case", "findings", "pending", "met_late", "overdue", "waived", "breached"
    ]  # fmt: skip
    assert [line.split()[0] for line in lines[3:-1]] == [r["case_id"] for r in rows]
    with_findings = sum(1 for r in rows if r["findings"])
    assert lines[-1] == f"{len(rows)} case(s), {with_findings} with findings"


def test_cases_with_findings_and_search(demo: str) -> None:
    """`--with-findings` keeps cases with findings; `--search` matches ids, ignoring case."""
    rows = json_rows("cases", "--on", DAY, "--db", demo)
    flagged = json_rows("cases", "--on", DAY, "--with-findings", "--db", demo)
    assert flagged == [r for r in rows if r["findings"]]
    assert flagged
    searched = json_rows("cases", "--on", DAY, "--search", "CHILD-00001", "--db", demo)
    assert searched == [r for r in rows if "child-00001" in str(r["case_id"])]
    assert searched
    assert json_rows("cases", "--on", DAY, "--search", "nobody", "--db", demo) == []
    none = run("cases", "--on", DAY, "--search", "nobody", "--db", demo)
    assert none.stdout == f"cases on {DAY}\n0 case(s), 0 with findings\n"


def test_cases_search_never_matches_what_a_case_holds(tmp_path: Path) -> None:
    """`--search` looks at ids only: words inside the case file (names, reasons) never match."""
    path = tmp_path / "in.jsonl"
    hidden = HISTORY.replace('"official"', '"official", "reasons": "Astrid Lindgren"')
    path.write_text(hidden.splitlines()[0] + "\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'log.db'}"
    assert run("ingest", "--historical", str(path), "--db", url).exit_code == 0
    for text in ("school", "sw-17", "r1", "Astrid"):
        assert json_rows("cases", "--search", text, "--db", url) == [], text
    assert [r["case_id"] for r in json_rows("cases", "--search", "100", "--db", url)] == ["c-1001"]


def test_cases_lists_a_case_once_a_fact_of_it_occurred(history: str) -> None:
    """Before the case's first fact (valid time) it is not listed; known_at is honoured."""
    assert json_rows("cases", "--on", "2019-11-10", "--db", history) == []
    assert [r["case_id"] for r in json_rows("cases", "--on", "2019-11-11", "--db", history)] == [
        "c-1001"
    ]
    before = json_rows("cases", "--on", "2019-12-01", "--known-at", "2019-11-10", "--db", history)
    assert before == []


# -- timestamps -----------------------------------------------------------------------


def test_timeline_table_shows_swedish_time_with_its_zone(history: str) -> None:
    """recorded_at shows in Swedish time with the zone (CET in winter, CEST in summer)."""
    result = run("timeline", "c-1001", "--db", history)
    assert result.exit_code == 0, result.output
    assert_fits(result.stdout)
    assert "2019-11-11 09:12 CET" in result.stdout
    assert "2019-11-27 15:40 CET" in result.stdout
    utc = run("timeline", "c-1001", "--tz", "UTC", "--db", history)
    assert "2019-11-11 08:12 UTC" in utc.stdout


def test_summer_time_shows_cest(tmp_path: Path) -> None:
    """A registration in summer shows CEST."""
    path = tmp_path / "summer.jsonl"
    path.write_text(
        HISTORY.splitlines()[0].replace("2019-11-11T09:12:00+01:00", "2019-10-02T08:15:00Z") + "\n",
        encoding="utf-8",
    )
    url = f"sqlite:///{tmp_path / 'summer.db'}"
    assert run("ingest", "--historical", str(path), "--db", url).exit_code == 0
    assert "2019-10-02 10:15 CEST" in run("timeline", "c-1001", "--db", url).stdout


def test_json_and_csv_timestamps_are_utc(history: str) -> None:
    """JSON and CSV keep timestamps in UTC, ISO 8601 with Z."""
    rows = json_rows("timeline", "c-1001", "--db", history)
    assert [r["recorded_at"] for r in rows] == ["2019-11-11T08:12:00Z", "2019-11-27T14:40:00Z"]
    result = run("timeline", "c-1001", "--format", "csv", "--db", history)
    assert "2019-11-27T14:40:00Z" in result.stdout
    state = run("case", "c-1001", "--on", "2019-11-25", "--known-at", "2019-11-25",
                "--format", "json", "--db", history)  # fmt: skip
    assert json.loads(state.stdout)["known_at"] == "2019-11-25T22:59:59.999999Z"


def test_case_table_shows_known_at_in_swedish_time(history: str) -> None:
    """The case table's known_at is the end of the day in Swedish time, zone named."""
    args = ("case", "c-1001", "--on", "2019-11-25", "--known-at", "2019-11-25", "--db", history)
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert "2019-11-25 23:59 CET" in result.stdout
    assert "T22:59" not in result.stdout
    assert "2019-11-25 22:59 UTC" in run(*args, "--tz", "UTC").stdout


# -- --version ------------------------------------------------------------------------


def test_version_prints_the_installed_version() -> None:
    """`caselog --version` prints the package version and exits 0."""
    result = run("--version")
    assert (result.exit_code, result.stdout) == (0, f"caselog {version('caselog')}\n")
