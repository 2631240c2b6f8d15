"""The `caselog` command line: thin wrappers over `CaseLog`, rendered with rich.

Every command takes `--db URL` (default `sqlite:///caselog.db`, or `$CASELOG_URL`) and
`--actor` (who is recording or reading; `$CASELOG_ACTOR`, else `cli:<user>`).
"""

from __future__ import annotations

import csv
import getpass
import json
import sys
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table

from caselog.api import COLUMNS, CaseLog, ManualClock, Obligations, open_log
from caselog.dates import swedish_date
from caselog.demo import DemoConfig, DemoSummary, generate
from caselog.errors import CaselogError, IngestRejectedError
from caselog.interchange import input_schema
from caselog.rules.model import FINDINGS, Status
from caselog.rules.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from caselog.demo import DemoBatch
    from caselog.events import Event

app = typer.Typer(
    name="caselog",
    help="The audit trail of Swedish municipal child-welfare casework, for any date.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)


class Format(StrEnum):
    """Output formats."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"


class CaseFormat(StrEnum):
    """Output formats of one case's state (nested: no CSV)."""

    TABLE = "table"
    JSON = "json"


Db = Annotated[
    str | None,
    typer.Option("--db", envvar="CASELOG_URL", help="Store URL (default: sqlite:///caselog.db)."),
]
Actor = Annotated[
    str | None, typer.Option(envvar="CASELOG_ACTOR", help="Who records or reads the log.")
]
KnownAt = Annotated[
    str | None,
    typer.Option(
        "--known-at",
        help="Transaction time: a date (end of that day, Swedish time) or an ISO timestamp "
        "(default: now).",
    ),
]


def _actor(actor: str | None) -> str:
    return actor or f"cli:{getpass.getuser()}"


def _date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        msg = f"not a date (YYYY-MM-DD): {text!r}"
        raise typer.BadParameter(msg, param_hint=option) from None


def _known_at(text: str | None) -> date | datetime | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        msg = f"not a date or ISO timestamp: {text!r}"
        raise typer.BadParameter(msg, param_hint="--known-at") from None
    if moment.tzinfo is None:
        raise typer.BadParameter(
            "a timestamp needs a time zone, e.g. 2019-11-25T08:00+01:00",
            param_hint="--known-at",
        )
    return moment


def _open(
    db: str | None, actor: str | None, clock: Callable[[], datetime] | None = None
) -> CaseLog:
    try:
        return open_log(db, actor=_actor(actor), clock=clock)
    except CaselogError as error:
        err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None


def _fail(error: CaselogError) -> typer.Exit:
    if isinstance(error, IngestRejectedError):
        err.print(f"[red]rejected:[/red] {error.total} error(s); nothing was written")
        for problem in error.errors:
            err.print(f"  {problem}", markup=False, highlight=False)
        if error.total > len(error.errors):
            err.print(f"  … and {error.total - len(error.errors)} more")
    else:
        err.print(f"[red]error:[/red] {error}", highlight=False)
    return typer.Exit(1)


@app.command()
def schema() -> None:
    """Print the JSON Schema of one input line (the event union)."""
    sys.stdout.write(json.dumps(input_schema(), indent=2, ensure_ascii=False) + "\n")


@app.command(name="ingest")
def ingest_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A JSON Lines file.")],
    historical: Annotated[
        bool, typer.Option(help="Keep each line's registered_at as recorded_at (D3).")
    ] = False,
    db: Db = None,
    actor: Actor = None,
) -> None:
    """Validate and append a JSON Lines file, all or nothing."""
    with _open(db, actor) as log, _bar() as bar:
        checking = bar.add_task("checking", total=file.stat().st_size)
        writing = bar.add_task("writing", total=None, visible=False)

        def progress(stage: str, done: int, total: int | None) -> None:
            if stage == "checking":
                bar.advance(checking, done)
            else:
                bar.update(writing, completed=done, total=total, visible=True)

        try:
            result = log.ingest(file, historical=historical, progress=progress)
        except CaselogError as error:
            bar.stop()
            raise _fail(error) from None
    out.print(
        f"read {result.read} line(s): wrote {result.written}, "
        f"already stored {result.already_stored}, repeated {result.repeated_in_batch}"
        + (f" (positions {result.first_position}–{result.last_position})" if result.written else "")
    )


@app.command()
def case(
    case_id: Annotated[str, typer.Argument(help="The child's id (child_id).")],
    on: Annotated[str | None, typer.Option(help="Valid date (default: today).")] = None,
    known_at: KnownAt = None,
    fmt: Annotated[CaseFormat, typer.Option("--format")] = CaseFormat.TABLE,
    db: Db = None,
    actor: Actor = None,
) -> None:
    """Show a case's state on a date, as the log showed it at --known-at."""
    with _open(db, actor) as log:
        day = _date(on, "--on") if on else swedish_date(datetime.now(UTC))
        try:
            state = log.case(case_id, on=day, known_at=_known_at(known_at))
        except CaselogError as error:
            raise _fail(error) from None
    data = state.model_dump(mode="json")
    if fmt is CaseFormat.JSON:
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return
    table = Table(title=f"case {case_id} on {day}", show_header=False)
    for key, value in data.items():
        table.add_row(key, _brief(value))
    out.print(table)


def _brief(value: Any) -> str:  # noqa: ANN401 - any JSON value
    if isinstance(value, list):
        return f"{len(value)} item(s)" + (f": {_brief(value[-1])} (latest)" if value else "")
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items() if v not in (None, [], {}))
    return "—" if value is None else str(value)


@app.command()
def timeline(
    case_id: Annotated[str, typer.Argument(help="The child's id (child_id).")],
    known_at: KnownAt = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.TABLE,
    db: Db = None,
    actor: Actor = None,
) -> None:
    """List a case's events with both time axes; mark late registrations and corrections."""
    with _open(db, actor) as log:
        try:
            entries = log.timeline(case_id, known_at=_known_at(known_at))
        except CaselogError as error:
            raise _fail(error) from None
    rows = [entry.model_dump(mode="json") for entry in entries]
    if fmt is Format.JSON:
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    elif fmt is Format.CSV:
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else [])
        writer.writeheader()
        writer.writerows(rows)
    else:
        table = Table(title=f"timeline of case {case_id}")
        for column in ("pos", "occurred_on", "recorded_at", "type", "marks", "summary"):
            table.add_column(column)
        for entry in entries:
            table.add_row(
                str(entry.position),
                str(entry.occurred_on),
                entry.recorded_at.strftime("%Y-%m-%d %H:%M"),
                entry.type,
                ", ".join(entry.marks),
                entry.summary,
            )
        out.print(table)


class Lang(StrEnum):
    """Report languages."""

    SV = "sv"
    EN = "en"


_HEADERS = {
    Lang.EN: (
        "case",
        "rule",
        "trigger",
        "due",
        "done",
        "status",
        "days",
        "severity",
        "law",
        "what",
    ),
    Lang.SV: (
        "ärende",
        "regel",
        "utlöst",
        "senast",
        "utfört",
        "status",
        "dagar",
        "allvar",
        "lag",
        "vad",
    ),
}


@app.command()
def compliance(
    on: Annotated[str | None, typer.Option(help="Valid date (default: today).")] = None,
    known_at: KnownAt = None,
    case_id: Annotated[str | None, typer.Option("--case", help="One child's id.")] = None,
    rule: Annotated[str | None, typer.Option(help="A rule id, e.g. R05 (R16: R16a–c).")] = None,
    status: Annotated[
        list[str] | None, typer.Option(help="Only these statuses (repeatable).")
    ] = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also list met and not applicable duties.")
    ] = False,
    settings: Annotated[
        Path | None, typer.Option(exists=True, dir_okay=False, help="Routine parameters (TOML).")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.TABLE,
    lang: Annotated[Lang, typer.Option(help="Language of explanations and headers.")] = Lang.EN,
    db: Db = None,
    actor: Actor = None,
) -> None:
    """Judge every legal duty on a date: findings by default, everything with --all."""
    day = _date(on, "--on") if on else swedish_date(datetime.now(UTC))
    try:
        loaded = Settings.from_toml(settings) if settings else None
        statuses = [Status(s) for s in status] if status else None
    except (CaselogError, ValueError) as error:
        err.print(f"[red]error:[/red] {error}", highlight=False)
        raise typer.Exit(2) from None
    with _open(db, actor) as log:
        if loaded is not None:
            log.settings = loaded
        try:
            found = log.obligations(
                on=day,
                known_at=_known_at(known_at),
                case_id=case_id,
                rule=rule,
                status=statuses or (None if show_all else FINDINGS),
            )
        except CaselogError as error:
            raise _fail(error) from None
    rows = found.records()
    if fmt is Format.JSON:
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        return
    if fmt is Format.CSV:
        writer = csv.DictWriter(sys.stdout, fieldnames=list(COLUMNS))
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "|".join(v) if isinstance(v, list) else v for k, v in row.items()})
        return
    table = Table(title=f"compliance on {day}" if lang is Lang.EN else f"regelefterlevnad {day}")
    for header in _HEADERS[lang]:
        table.add_column(header)
    for o in found:
        table.add_row(
            o.case_id,
            o.rule_id + (f" {o.part}" if o.part else "") + (f" #{o.period}" if o.period else ""),
            str(o.trigger_on),
            str(o.effective_due_on or ""),
            str(o.satisfied_on or ""),
            o.status.value,
            str(o.days_late or o.days_overdue or ""),
            o.severity.value,
            o.citation,
            o.explanation_sv if lang is Lang.SV else o.explanation_en,
        )
    out.print(table)
    counts = ", ".join(f"{k}: {v}" for k, v in sorted(found.by_status().items()))
    out.print(f"{len(found)} obligation(s)" + (f" ({counts})" if counts else ""))


@app.command()
def demo(
    children: Annotated[int, typer.Option(help="How many children.")] = 3000,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same log).")] = 2019,
    db: Db = None,
    actor: Actor = None,
) -> None:
    """Generate a demo municipality and record it day by day through the log's clock."""
    config = DemoConfig(seed=seed, children=children)
    summary = DemoSummary()
    clock = ManualClock(datetime(2000, 1, 1, tzinfo=UTC))
    written = skipped = 0
    with _open(db, actor or "demo", clock) as log, _bar() as bar:
        task = bar.add_task("recording", total=None)
        for registered_at, events in _days(generate(config, summary=summary)):
            clock.set(registered_at)
            result = log.ingest(events)
            written += result.written
            skipped += result.already_stored
            bar.advance(task, len(events))
        url = log.url
        bar.stop()
        out.print(
            f"recorded {written} event(s) about {summary.children} children into {url}"
            + (f" ({skipped} were already there)" if skipped else "")
        )
        patterns = Table(title="IVO patterns put into the demo municipality")
        patterns.add_column("pattern")
        patterns.add_column("cases", justify="right")
        for pattern, count in summary.pattern_counts().items():
            patterns.add_row(pattern, str(count))
        out.print(patterns)
        out.print(_judged(log.obligations(on=config.end), f"judged on {config.end}"))
        box = config.box_registered_on - timedelta(days=1)
        then = log.obligations(on=box, known_at=box, status=FINDINGS)
        now = log.obligations(on=box, status=FINDINGS)
        out.print(
            f"findings about {box}: {len(then)} as the records showed that day, "
            f"{len(now)} as known now (papers registered late, corrections, retractions)"
        )


def _judged(found: Obligations, title: str) -> Table:
    """A rule × status count table: what the rules found."""
    counts: dict[str, dict[str, int]] = {}
    for o in found:
        row = counts.setdefault(o.rule_id, {})
        row[o.status.value] = row.get(o.status.value, 0) + 1
    table = Table(title=title)
    table.add_column("rule")
    for status in Status:
        table.add_column(status.value, justify="right")
    for rule_id, row in sorted(counts.items(), key=lambda item: _rule_order(item[0])):
        table.add_row(rule_id, *(str(row.get(status.value, "")) for status in Status))
    return table


def _rule_order(rule_id: str) -> tuple[int, str]:
    return int(rule_id[1:3]), rule_id[3:]


def _days(batches: Iterable[DemoBatch]) -> Iterator[tuple[datetime, list[Event]]]:
    """Group the demo's batches by Swedish registration day: one commit per working day.

    The log's clock stands at the day's last registration, so `recorded_at` keeps the day
    (what `--known-at DATE` asks about) while the demo stays fast.
    """
    day: date | None = None
    events: list[Event] = []
    last = datetime(2000, 1, 1, tzinfo=UTC)
    for batch in batches:
        today = swedish_date(batch.registered_at)
        if day is not None and today != day and events:
            yield last, events
            events = []
        day, last = today, batch.registered_at
        events.extend(batch.events)
    if events:
        yield last, events


def _bar() -> Progress:
    return Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )


def main() -> None:
    """Run the command line."""
    app()
