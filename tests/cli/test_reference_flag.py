"""`compliance`, `case` and `cases` answer the same from the read models as with --reference.

The demo municipality is asked about a dozen (`--on`, `--known-at`) pairs — early years,
the inspection day as the records showed it then and as known now, a day between two
registrations, the demo's last day, a date after it — and every printed byte must be the
same either way; no notice may be printed (the read models answer every one of them).
"""

from __future__ import annotations

from typing import Final

import pytest
from typer.testing import CliRunner, Result

from caselog.cli import app

PAIRS: Final = (
    ("2012-03-01", None),
    ("2014-06-30", "2014-06-30"),
    ("2016-01-31", None),
    ("2018-12-31", "2019-01-15"),
    ("2019-10-01", "2019-10-01"),
    ("2019-10-01", None),
    ("2019-11-25", "2019-11-25T10:00:00+01:00"),
    ("2021-03-01", "2021-02-28"),
    ("2022-07-01", None),
    ("2025-07-01", "2025-07-01"),
    ("2026-06-30", None),
    ("2027-06-30", None),
)


def run(*args: str) -> Result:
    """Run `caselog ARGS` in-process with an actor and no `$CASELOG_URL`."""
    return CliRunner().invoke(app, list(args), env={"CASELOG_URL": None, "CASELOG_ACTOR": "t"})


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A 40-child demo log, its read models built by the demo itself."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    result = run("demo", "--children", "40", "--seed", "11", "--db", url)
    assert result.exit_code == 0, result.output
    return url


@pytest.mark.parametrize(("on", "known_at"), PAIRS)
def test_compliance_is_the_same_with_and_without_reference(
    demo_db: str, on: str, known_at: str | None
) -> None:
    """Every duty, as JSON and as the table, byte for byte."""
    asked = ["--on", on, *(["--known-at", known_at] if known_at else [])]
    for view in (["--all", "--format", "json"], ["--summary"], []):
        fast = run("compliance", *asked, *view, "--db", demo_db)
        replayed = run("compliance", *asked, *view, "--reference", "--db", demo_db)
        assert fast.exit_code == replayed.exit_code == 0, fast.output
        assert "notice:" not in fast.output
        assert fast.output == replayed.output
    assert run("compliance", *asked, "--all", "--format", "json", "--db", demo_db).output.strip()


@pytest.mark.parametrize(("on", "known_at"), PAIRS[::3])
def test_case_is_the_same_with_and_without_reference(
    demo_db: str, on: str, known_at: str | None
) -> None:
    """A few children's case states, as JSON.

    Asked as known at a fixed time: the state is labelled with its `known_at`, and "now"
    differs between two runs.
    """
    asked = ["--on", on, "--known-at", known_at or "2030-01-01T00:00:00Z"]
    for child in ("child-000000", "child-000007", "child-000023"):
        fast = run("case", child, *asked, "--format", "json", "--db", demo_db)
        replayed = run("case", child, *asked, "--format", "json", "--reference", "--db", demo_db)
        assert fast.exit_code == replayed.exit_code == 0, fast.output
        assert fast.output == replayed.output


@pytest.mark.parametrize(("on", "known_at"), PAIRS[::2])
def test_cases_are_the_same_with_and_without_reference(
    demo_db: str, on: str, known_at: str | None
) -> None:
    """The case files listed and their findings, as JSON, byte for byte."""
    asked = ["--on", on, *(["--known-at", known_at] if known_at else [])]
    fast = run("cases", *asked, "--format", "json", "--db", demo_db)
    replayed = run("cases", *asked, "--format", "json", "--reference", "--db", demo_db)
    assert fast.exit_code == replayed.exit_code == 0, fast.output
    assert "notice:" not in fast.output
    assert fast.output == replayed.output
