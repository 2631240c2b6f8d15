"""The demo municipality's reports, rendered once per session for the tests that read them.

The demo (40 children, `demo_log`) holds papers registered late, corrections and
retractions: on 2019-10-01 the records showed less than is known now, which the report's
comparison must show, and the timelines must mark each late registration.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import pytest
from typer.testing import CliRunner, Result

from caselog.api import open_log
from caselog.cli import app

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

ON = date(2019, 10, 1)
"""The day the reports are about: the day before the late box was registered."""


@dataclass(frozen=True)
class Rendered:
    """The reports of the demo, as files."""

    url: str
    english: Path
    swedish: Path
    late_case: str
    """The child whose report of concern was registered latest."""
    late_event: str
    case_report: Path
    """The Swedish report of `late_case` alone, as known now (the late papers included)."""


def invoke(*args: str, actor: str = "ivo-3") -> Result:
    """Run `caselog ARGS` in-process as an inspector."""
    return CliRunner().invoke(app, list(args), env={"CASELOG_URL": None, "CASELOG_ACTOR": actor})


@pytest.fixture(scope="session")
def caselog_cli() -> Callable[..., Result]:
    """`invoke`, for the test modules (they cannot import this conftest)."""
    return invoke


@pytest.fixture(scope="session")
def rendered(demo_log: Path, tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """The report of 2019-10-01 as the records showed it that day, and one case file.

    The day in English and in Swedish; the case file with a late-registered report of
    concern, alone, in Swedish, as known now.
    """
    url = f"sqlite:///{demo_log}"
    folder = tmp_path_factory.mktemp("reports")
    files = {}
    for lang in ("en", "sv"):
        files[lang] = folder / f"report-{lang}.html"
        args = ["report", str(files[lang]), "--on", str(ON), "--known-at", str(ON)]
        result = invoke(*args, "--lang", lang, "--db", url)
        assert result.exit_code == 0, result.output
    with open_log(url, actor="ivo-3") as log:
        _, late_case, late_event = max(
            (e.registration_lag_days, case_id, e.event_id)
            for case_id in (s.removeprefix("child:") for s in log.store.streams("child:"))
            for e in log.timeline(case_id)
            if e.late_registration and e.type == "report_received"
        )
    case_report = folder / "case.html"
    args = ["report", str(case_report), "--on", "2019-12-31", "--case", late_case, "--lang", "sv"]
    result = invoke(*args, "--db", url)
    assert result.exit_code == 0, result.output
    return Rendered(url, files["en"], files["sv"], late_case, late_event, case_report)
