"""`caselog report`: the inspection report's numbers are the obligations query's, offline."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from typing import TYPE_CHECKING

from typer.testing import Result

from caselog.api import open_log
from caselog.events.examples import example
from caselog.reports.catalogue import RULE_NAMES, Catalogue, Lang
from caselog.reports.charts import summary_chart
from caselog.reports.gather import KEY
from caselog.rules.model import FINDINGS, Status
from caselog.rules.registry import RULES_BY_ID

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from tests.reports.conftest import Rendered

ON = date(2019, 10, 1)


class Elements(HTMLParser):
    """Every start tag of a page with its attributes, in order."""

    def __init__(self, text: str) -> None:
        """Parse `text`."""
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Keep the tag and its attributes."""
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def having(self, tag: str, **wanted: str) -> list[dict[str, str]]:
        """The tags named `tag` whose attributes include `wanted` (`class_` for class)."""
        want = {k.rstrip("_").replace("_", "-"): v for k, v in wanted.items()}
        return [
            attrs
            for name, attrs in self.tags
            if name == tag and all(_has(attrs.get(k, ""), k, v) for k, v in want.items())
        ]


def said(result: Result) -> str:
    """What a command printed, its words joined by single blanks (rich boxes and wraps gone)."""
    return " ".join(re.sub("[│╭╮╰╯─]", " ", result.output).split())


def _has(value: str, key: str, wanted: str) -> bool:
    return wanted in value.split() if key == "class" else value == wanted


def keys_of(found: object) -> set[tuple[object, ...]]:
    """The stable keys (RULES.md §4.28) of an obligations answer."""
    return {tuple(getattr(o, k) for k in KEY) for o in found}  # type: ignore[attr-defined]


def test_findings_and_overdue_shown_are_the_obligations_query(rendered: Rendered) -> None:
    """Each finding is one row of the page, and the overdue ones are those the query finds."""
    page = Elements(rendered.english.read_text(encoding="utf-8"))
    with open_log(rendered.url, actor="test") as log:
        findings = log.obligations(on=ON, known_at=ON, status=FINDINGS)
        overdue = log.obligations(on=ON, known_at=ON, status=Status.OVERDUE)
    assert len(page.having("tr", class_="finding")) == len(findings) > 0
    assert len(page.having("tr", class_="finding", data_status="overdue")) == len(overdue) > 0
    shown = page.having("p", id="findings-count")[0]
    assert (shown["data-count"], shown["data-overdue"]) == (str(len(findings)), str(len(overdue)))
    rows = {(a["data-rule"], a["data-case"]) for a in page.having("tr", class_="finding")}
    assert rows == {(o.rule_id, o.case_id) for o in findings}


def test_summary_counts_every_rule_and_status_as_the_summary_query(rendered: Rendered) -> None:
    """The summary table holds `summary(on, known_at)`: each cell, each total."""
    text = rendered.english.read_text(encoding="utf-8")
    with open_log(rendered.url, actor="test") as log:
        counted = log.summary(on=ON, known_at=ON)
    for (rule_id, status), count in counted.items():
        row = re.search(rf'<tr data-rule="{rule_id}">(.*?)</tr>', text, re.DOTALL)
        assert row is not None, rule_id
        cell = re.search(rf'data-status="{status.value}">(\d*)</td>', row.group(1))
        assert cell is not None
        assert cell.group(1) == str(count)
    for status in Status:
        total = sum(c for (_, s), c in counted.items() if s is status)
        assert f'id="total-{status.value}">{total}</th>' in text


def test_comparison_lists_the_keys_on_one_side_and_the_rows_that_differ(
    rendered: Rendered,
) -> None:
    """Then (the records of 2019-10-01) against now: exactly the query's key differences."""
    page = Elements(rendered.english.read_text(encoding="utf-8"))
    with open_log(rendered.url, actor="test") as log:
        then = {tuple(getattr(o, k) for k in KEY): o for o in log.obligations(on=ON, known_at=ON)}
        now = {tuple(getattr(o, k) for k in KEY): o for o in log.obligations(on=ON)}
    fields = ("status", "due_on", "effective_due_on", "satisfied_on")
    changed = {
        k for k in then.keys() & now.keys()
        if any(getattr(then[k], f) != getattr(now[k], f) for f in fields)
    }  # fmt: skip
    expected = {
        "only-then": then.keys() - now.keys(),
        "only-now": now.keys() - then.keys(),
        "changed": changed,
    }
    assert expected["only-now"], "the late box adds duties known only now"
    for part, keys in expected.items():
        count = page.having("span", id=f"count-{part}")[0]["data-count"]
        assert int(count) == len(keys), part
        listed = _rows_of(rendered.english.read_text(encoding="utf-8"), part)
        assert {(r, c) for r, c, _ in listed} == {(k[0], k[1]) for k in keys}


def _rows_of(text: str, part: str) -> list[tuple[str, str, str]]:
    table = re.search(rf'<table class="compare" id="table-{part}">(.*?)</table>', text, re.DOTALL)
    if table is None:
        return []
    pattern = r'data-rule="([^"]*)" data-case="([^"]*)" data-trigger="([^"]*)"'
    return re.findall(pattern, table.group(1))


def test_the_report_is_self_contained(rendered: Rendered) -> None:
    """No script, no external stylesheet, font or image: only inline CSS and SVG."""
    for path in (rendered.english, rendered.swedish, rendered.case_report):
        text = path.read_text(encoding="utf-8")
        assert "<script" not in text
        assert not re.search(r'(src|href)="(?!#)', text), "only in-page links"
        assert "@import" not in text
        assert "url(" not in text.replace("url(#", "")
        assert text.count("<svg") >= 2


def test_the_swedish_report_speaks_swedish(rendered: Rendered) -> None:
    """Rule names, statuses and headings come from the catalogue's Swedish column."""
    text = rendered.swedish.read_text(encoding="utf-8")
    words = Catalogue(Lang.SV)
    assert '<html lang="sv">' in text
    for phrase in (words("report title"), words("findings title"), words.rule("R01")):
        assert phrase in text
    assert words.status(Status.OVERDUE) in text
    assert "Immediate protection assessment" not in text


def test_every_rule_has_a_name_in_both_languages() -> None:
    """The catalogue names each rule of the registry, and only those."""
    assert set(RULE_NAMES) == set(RULES_BY_ID)
    assert all(en and sv and en != sv for en, sv in RULE_NAMES.values())


def test_the_command_line_and_the_report_share_one_catalogue() -> None:
    """`caselog compliance --lang sv` and the report translate with the same catalogue."""
    from caselog.cli import cases, compliance  # noqa: PLC0415

    assert vars(compliance)["Catalogue"] is vars(cases)["Catalogue"] is Catalogue


def test_charts_are_deterministic_svg_with_text_kept_as_text() -> None:
    """The same counts give the same SVG bytes: no date, no random id; words stay words."""
    counts = {"R01": {Status.MET: 3, Status.OVERDUE: 1}, "R05": {Status.PENDING: 2}}
    first = summary_chart(counts, Catalogue(Lang.SV))
    assert first == summary_chart(counts, Catalogue(Lang.SV))
    assert first.startswith("<svg")
    assert "försenat" in first
    assert "dc:date" not in first


def test_a_case_report_draws_its_timeline_with_the_late_registration(rendered: Rendered) -> None:
    """`--case`: one timeline, the late-registered report marked on both lanes and listed."""
    page = Elements(rendered.case_report.read_text(encoding="utf-8"))
    assert [a["data-case"] for a in page.having("article", class_="case")] == [rendered.late_case]
    marks = page.having("span", class_="dot", data_event_id=rendered.late_event)
    assert len(marks) == 2
    assert all("late" in m["class"].split() for m in marks)
    assert page.having("tr", class_="late", data_event_id=rendered.late_event)
    assert page.having("span", class_="delay")


def test_timelines_are_drawn_for_the_cases_with_findings_up_to_max_cases(
    rendered: Rendered, tmp_path: Path, caselog_cli: Callable[..., Result]
) -> None:
    """Without `--case`: the children with findings, in id order, at most `--max-cases`."""
    page = Elements(rendered.english.read_text(encoding="utf-8"))
    with open_log(rendered.url, actor="test") as log:
        children = {s.removeprefix("child:") for s in log.store.streams("child:")}
        found = log.obligations(on=ON, known_at=ON, status=FINDINGS)
    with_findings = sorted({o.case_id for o in found} & children)
    drawn = [a["data-case"] for a in page.having("article", class_="case")]
    assert drawn == with_findings
    out = tmp_path / "two.html"
    result = caselog_cli(
        "report", str(out), "--on", str(ON), "--max-cases", "2", "--db", rendered.url
    )
    assert result.exit_code == 0, result.output
    drawn = [a["data-case"] for a in Elements(out.read_text()).having("article", class_="case")]
    assert len(drawn) == 2
    assert "timeline(s)" in result.output
    assert "peak memory" in result.output


def test_wrong_questions_are_errors_and_leave_no_file(
    rendered: Rendered, tmp_path: Path, caselog_cli: Callable[..., Result]
) -> None:
    """An unknown case, a period ending before it begins, a missing folder: no report."""
    out = tmp_path / "r.html"
    unknown = caselog_cli(
        "report", str(out), "--on", str(ON), "--case", "nobody", "--db", rendered.url
    )
    assert unknown.exit_code == 1
    assert "no case 'nobody'" in unknown.output
    backwards = caselog_cli(
        "report", str(out), "--from", "2019-12-01", "--to", "2019-11-01", "--db", rendered.url
    )
    assert backwards.exit_code == 2
    assert "the period ends (2019-11-01) before it begins (2019-12-01)" in said(backwards)
    missing = caselog_cli("report", str(tmp_path / "no" / "r.html"), "--db", rendered.url)
    assert missing.exit_code == 2
    assert f"the folder '{tmp_path / 'no'}' does not exist" in said(missing)
    assert list(tmp_path.iterdir()) == []


def test_a_period_limits_the_findings_to_the_duties_it_triggered(
    rendered: Rendered, tmp_path: Path, caselog_cli: Callable[..., Result]
) -> None:
    """`--from/--to`: the findings triggered in the period, as `compliance --from/--to`."""
    out = tmp_path / "period.html"
    args = ("--on", str(ON), "--from", "2019-01-01", "--to", "2019-06-30", "--db", rendered.url)
    result = caselog_cli("report", str(out), *args)
    assert result.exit_code == 0, result.output
    with open_log(rendered.url, actor="test") as log:
        found = log.obligations(on=ON, status=FINDINGS)
    inside = [o for o in found if date(2019, 1, 1) <= o.trigger_on <= date(2019, 6, 30)]
    assert len(Elements(out.read_text()).having("tr", class_="finding")) == len(inside)


def test_a_timeline_lists_the_matters_that_name_the_child(tmp_path: Path) -> None:
    """A deviation naming the child is in its timeline, one naming nobody is not."""
    with open_log(f"sqlite:///{tmp_path / 'm.db'}", actor="sw-17", create=True) as log:
        log.ingest(
            [
                {**example("report_received"), "event_id": "r1", "child_id": "c-1"},
                {**example("deviation_reported"), "event_id": "d1", "child_ids": ["c-1"]},
                {**example("deviation_reported"), "event_id": "d2", "matter_id": "m-2"},
            ]
        )
        entries = log.timeline("c-1", known_at=log.clock())
    assert [e.event_id for e in entries] == ["r1", "d1"]
