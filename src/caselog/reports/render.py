"""The inspection report (tillsynsrapport): one self-contained HTML page for any date.

An inspector (IVO) once asked a municipality for 767 case files, 230,000 printed pages;
this page replaces the pile: a summary per rule with charts, the findings with the
statute of their day, what the records showed then against what is known now, and each
case file's timeline on both time axes. One Jinja2 template, inline CSS and SVG, no
script and no request: it opens offline, and the same question gives the same bytes.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Final

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from caselog.dates import STOCKHOLM
from caselog.reports import charts, gather
from caselog.reports.catalogue import Catalogue
from caselog.reports.timeline import case_timeline
from caselog.reports.weekly import KIND_KEYS, Kind
from caselog.rules.model import FINDINGS, Severity, Status

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from datetime import datetime

    from caselog.api import CaseLog
    from caselog.reports.question import ReportQuestion
    from caselog.reports.timeline import CaseTimeline
    from caselog.reports.weekly import Week

    Advance = Callable[[str, int, int | None], None]
    """(what is being done, steps done, steps in all or None): the progress of a report."""

LISTED: Final = 5000
"""The most rows each part of the comparison lists (its counts stay whole)."""

ENVIRONMENT: Final = Environment(
    loader=PackageLoader("caselog.reports", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
"""One template environment: autoescaped, and an unknown name is an error, never blank."""


@dataclass(frozen=True, slots=True)
class Written:
    """What a report file holds: how many findings, overdue among them, and timelines."""

    findings: int
    overdue: int
    timelines: int
    cases_with_findings: int


def caselog_version() -> str:
    """The installed caselog's version, shown in reports and kept in bundle manifests."""
    try:
        return version("caselog")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree
        return "unknown"


def local(moment: datetime) -> str:
    """A moment as a reader of a Swedish report expects it: Swedish time, to the second."""
    return moment.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M:%S %Z")


def write_report(
    log: CaseLog, q: ReportQuestion, out: IO[str], advance: Advance | None = None
) -> Written:
    """Render the report of `q` into `out`, streaming: the timelines are made one at a time.

    The cases drawn are `q.case_ids` when given, else the children's case files with
    findings, in id order, at most `q.max_cases` of them.
    """
    words = Catalogue(q.lang)
    step = advance or (lambda _what, _done, _total: None)
    step("summary", 0, None)
    counts = gather.summary_counts(log, q)
    trend = gather.trend(log, q)
    found = gather.findings(log, q)
    step("comparison", 0, None)
    comparison = gather.compare(log, q)
    children = set(log.store.streams("child:"))
    with_findings = sorted(
        {c for c in found.column("case_id").to_pylist() if f"child:{c}" in children}
    )
    drawn = list(q.case_ids) if q.case_ids is not None else with_findings[: q.max_cases]
    overdue = sum(1 for s in found.column("status").to_pylist() if s == Status.OVERDUE.value)
    by_status = {s: sum(row.get(s, 0) for row in counts.values()) for s in Status}  # the totals row
    context: dict[str, Any] = {
        "q": q,
        "t": words,
        "local": local,
        "version": caselog_version(),
        "log_id": log.store.log_id or "",
        "Status": Status,
        "Severity": Severity,
        "statuses": list(Status),
        "finding_statuses": [s for s in Status if s in FINDINGS],
        "counts": counts,
        "totals": by_status,
        "summary_svg": charts.summary_chart(counts, words),
        "trend_svg": charts.trend_chart(trend, words),
        "sparks": {r: charts.sparkline(r, c) for r, c in trend.by_rule.items()},
        "findings": gather.rows(found),
        "findings_count": found.num_rows,
        "overdue_count": overdue,
        "comparison": comparison,
        "listed": LISTED,
        "only_then": gather.rows(comparison.only_then.slice(0, LISTED)),
        "only_now": gather.rows(comparison.only_now.slice(0, LISTED)),
        "changed": gather.rows(comparison.changed.slice(0, LISTED)),
        "cases_with_findings": len(with_findings),
        "drawn_count": len(drawn),
        "timelines": _timelines(log, q, drawn, words, step),
        "colours": {s.value: c for s, c in charts.COLOURS.items()},
    }
    for chunk in ENVIRONMENT.get_template("report.html.j2").generate(context):
        out.write(chunk)
    return Written(found.num_rows, overdue, len(drawn), len(with_findings))


def _timelines(
    log: CaseLog, q: ReportQuestion, drawn: list[str], words: Catalogue, step: Advance
) -> Iterator[CaseTimeline]:
    """The case files' timelines, made as the page is written, with progress."""
    for done, case_id in enumerate(drawn):
        step("timelines", done, len(drawn))
        yield case_timeline(log, q, case_id, words)
    step("timelines", len(drawn), len(drawn))


def write_weekly(week: Week, words: Catalogue, out: IO[str]) -> None:
    """The weekly list (egenkontroll) as one HTML page, by holder."""
    context = {"week": week, "t": words, "Kind": Kind, "Status": Status, "keys": KIND_KEYS}
    for chunk in ENVIRONMENT.get_template("weekly.html.j2").generate(context):
        out.write(chunk)


@contextmanager
def atomic_text(path: Path) -> Iterator[IO[str]]:
    """A text file written whole or not at all: a temporary file renamed at the end."""
    with atomic_file(path) as partial, partial.open("w", encoding="utf-8", newline="\n") as out:
        yield out


@contextmanager
def atomic_file(path: Path) -> Iterator[Path]:
    """A temporary file beside `path`, of this writer alone, that replaces `path` at the end.

    Two writers of the same file never share a temporary file; on an error it is removed
    and `path` is left as it was. The file gets the user's usual mode (umask).
    """
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(handle)
    partial = Path(name)
    mask = os.umask(0)  # read the umask (there is no other way) and put it back at once
    os.umask(mask)
    partial.chmod(0o666 & ~mask)  # as any file the user makes, not mkstemp's 0600
    try:
        yield partial
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
