"""`caselog weekly`: the self-monitoring list has the obligations query's own numbers."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from typing import TYPE_CHECKING

import pytest

from caselog.api import open_log
from caselog.reports.weekly import Kind, UnknownTeamError, holders_of, weekly
from caselog.rules.model import Status
from caselog.rules.settings import DEFAULT_SETTINGS, Settings

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from typer.testing import Result

ON = date(2019, 9, 30)
"""A Monday with a duty overdue, duties due and duties that came in."""


def expected(url: str, on: date) -> dict[Kind, list[tuple[str, str]]]:
    """Each list, asked of the obligations query directly: (case, rule) pairs."""
    with open_log(url, actor="test") as log:
        every = log.obligations(on=on)
        overdue = log.obligations(on=on, status=Status.OVERDUE)
        pending = log.obligations(on=on, status=Status.PENDING)
    week = on - timedelta(6)
    return {
        Kind.CAME_IN: sorted(
            (o.case_id, o.rule_id)
            for o in every
            if week <= o.trigger_on <= on and o.status is not Status.NOT_APPLICABLE
        ),
        Kind.DUE_SOON: sorted(
            (o.case_id, o.rule_id)
            for o in pending
            if o.effective_due_on and on < o.effective_due_on <= on + timedelta(14)
        ),
        Kind.OVERDUE: sorted((o.case_id, o.rule_id) for o in overdue),
    }


def test_the_lists_are_the_obligations_query_for_that_date(demo_log: Path) -> None:
    """Came in, due in 14 days, overdue: the same rows as `obligations(on=D)` filtered."""
    url = f"sqlite:///{demo_log}"
    want = expected(url, ON)
    assert all(want.values()), "the demo has rows on every list that day"
    with open_log(url, actor="test") as log:
        week = weekly(log, on=ON)
    for kind in Kind:
        got = sorted((x.row["case_id"], x.row["rule_id"]) for x in week.lines if x.kind is kind)
        assert got == want[kind], kind
        assert week.count(kind) == len(want[kind])
    assert (week.first, week.due_until) == (ON - timedelta(6), ON + timedelta(14))


def test_each_case_is_held_by_the_actor_of_its_last_decision(demo_log: Path) -> None:
    """The holder: the envelope actor of the stream's last event with `decided_by`."""
    url = f"sqlite:///{demo_log}"
    with open_log(url, actor="test") as log:
        week = weekly(log, on=ON)
        for line in week.lines:
            case_id = line.row["case_id"]
            stream = next(s for s in log.store.streams() if s.split(":", 1)[1] == case_id)
            decided = [
                r.event.actor
                for r in log.history(stream)
                if getattr(r.event, "decided_by", None) is not None
            ]
            assert line.holder == (decided[-1] if decided else None)
        assert holders_of(log, [], None) == {}


def test_a_team_keeps_the_cases_its_members_hold(demo_log: Path) -> None:
    """`team=`: only the lines whose holder is one of the team's actors."""
    url = f"sqlite:///{demo_log}"
    with open_log(url, actor="test") as log:
        whole = weekly(log, on=ON)
        holder = next(h for h in whole.holders if h is not None)
        teams = {"north": [holder], "south": ["nobody-holds-this"]}
        north = weekly(log, on=ON, teams=teams, team="north")
        south = weekly(log, on=ON, teams=teams, team="south")
    assert [x.row for x in north.lines] == [x.row for x in whole.lines if x.holder == holder]
    assert all(x.teams == ("north",) for x in north.lines)
    assert south.lines == ()


def test_an_unknown_team_or_no_teams_table_is_an_error(demo_log: Path) -> None:
    """A team that is not in the settings is named with the teams there are."""
    with open_log(f"sqlite:///{demo_log}", actor="test") as log:
        with pytest.raises(UnknownTeamError, match="no teams table"):
            weekly(log, on=ON, team="north")
        with pytest.raises(UnknownTeamError, match="the teams are north, south"):
            weekly(log, on=ON, teams={"north": [], "south": []}, team="west")


def test_teams_change_no_rule_and_not_the_read_models_stamp() -> None:
    """Teams are no rule parameter: the settings the read models are stamped with stay."""
    with_teams = Settings(teams={"north": ["sw-1"]})
    assert with_teams.model_dump_json() == DEFAULT_SETTINGS.model_dump_json()
    assert with_teams.model_copy(update={"teams": {}}) == DEFAULT_SETTINGS


def test_the_command_prints_a_table_csv_and_html(
    demo_log: Path, tmp_path: Path, caselog_cli: Callable[..., Result]
) -> None:
    """Table, CSV and HTML carry the same counts; the CSV one line per listed duty."""
    url = f"sqlite:///{demo_log}"
    want = expected(url, ON)
    table = caselog_cli("weekly", "--on", str(ON), "--db", url)
    assert table.exit_code == 0, table.output
    totals = ", ".join(f"{n} {len(want[k])}" for n, k in zip(
        ("came in", "due in 14 days", "overdue"), Kind, strict=True))  # fmt: skip
    assert f"total: {totals}" in table.output
    as_csv = caselog_cli("weekly", "--on", str(ON), "--format", "csv", "--db", url)
    lines = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    for kind in Kind:
        got = sorted((r["case_id"], r["rule_id"]) for r in lines if r["list"] == kind.value)
        assert got == want[kind]
    page = tmp_path / "week.html"
    html = caselog_cli("weekly", "--on", str(ON), "--format", "html", "--out", str(page),
                       "--lang", "sv", "--db", url)  # fmt: skip
    assert html.exit_code == 0, html.output
    text = page.read_text(encoding="utf-8")
    for kind in Kind:
        assert re.search(rf'id="total-{kind.value}">{len(want[kind])}</th>', text)
    assert "Egenkontroll vecka" in text
    assert "försenat" in text


def test_the_command_reads_teams_from_the_settings_file(
    demo_log: Path, tmp_path: Path, caselog_cli: Callable[..., Result]
) -> None:
    """`--team` with `--settings`: the team's lines; without a teams table: exit 1."""
    url = f"sqlite:///{demo_log}"
    with open_log(url, actor="test") as log:
        holder = next(h for h in weekly(log, on=ON).holders if h is not None)
    settings = tmp_path / "settings.toml"
    settings.write_text(f'[teams]\nnorth = ["{holder}"]\n', encoding="utf-8")
    north = caselog_cli("weekly", "--on", str(ON), "--team", "north", "--settings",
                        str(settings), "--format", "csv", "--db", url)  # fmt: skip
    assert north.exit_code == 0, north.output
    holders = {r["holder"] for r in csv.DictReader(io.StringIO(north.stdout))}
    assert holders == {holder}
    alone = caselog_cli("weekly", "--on", str(ON), "--team", "north", "--db", url)
    assert alone.exit_code == 1
    assert "no teams table" in alone.output
    wrong = caselog_cli("weekly", "--team", "west", "--settings", str(settings), "--db", url)
    assert wrong.exit_code == 1
    assert "no team 'west' in the settings; the teams are north" in alone.output + wrong.output
