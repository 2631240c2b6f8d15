"""`caselog report` and `caselog weekly`: the inspection report and the weekly list.

The report is one self-contained HTML file for an inspector (tillsyn, IVO); the weekly
list is the unit manager's self-monitoring (egenkontroll) as a table, CSV or HTML. Both
are rendered by `caselog.reports`; these commands parse, open the log, show progress and
write the file whole or not at all.
"""

from __future__ import annotations

import resource
import sys
import time
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.text import Text

from caselog.cli.app import (
    Actor,
    Db,
    KnownAt,
    LangOption,
    Purpose,
    Trimmed,
    app,
    consoles,
    fail,
    open_or_exit,
    parse_date,
    parse_known_at,
    parse_period,
    plain_table,
    progress_bar,
    working,
)
from caselog.cli.read_models import notices
from caselog.dates import swedish_date
from caselog.errors import CaselogError
from caselog.reports.catalogue import Catalogue, Lang
from caselog.reports.question import MAX_CASES, ask
from caselog.reports.render import atomic_text, write_report, write_weekly
from caselog.reports.weekly import KIND_KEYS, Kind, Week, weekly, write_csv
from caselog.rules.model import Status
from caselog.rules.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from datetime import date

KIB = 1024

On = Annotated[str | None, typer.Option(metavar="DATE", help="Valid date (default: today).")]
SettingsFile = Annotated[
    Path | None,
    typer.Option(exists=True, dir_okay=False, help="Routine parameters and teams (TOML)."),
]
From = Annotated[
    str | None,
    typer.Option("--from", metavar="DATE", help="Findings triggered on or after; trend from."),
]
To = Annotated[
    str | None,
    typer.Option("--to", metavar="DATE", help="Findings triggered on or before; trend to."),
]
MaxCases = Annotated[
    int, typer.Option(min=0, metavar="N", help="Timelines of at most N cases with findings.")
]


def day_of(on: str | None) -> date:
    """`--on`, by default today in Swedish time."""
    return parse_date(on, "--on") if on else swedish_date(datetime.now(UTC))


def out_path(path: Path, option: str = "OUT") -> Path:
    """An output file whose folder exists (checked before any work), or a usage error."""
    if not path.parent.is_dir():
        msg = f"the folder {str(path.parent)!r} does not exist"
        raise typer.BadParameter(msg, param_hint=option)
    if path.is_dir():
        msg = f"{str(path)!r} is a folder, not a file"
        raise typer.BadParameter(msg, param_hint=option)
    return path


def load_settings(path: Path | None) -> Settings | None:
    """The settings file, or exit 2 with its problem."""
    try:
        return Settings.from_toml(path) if path else None
    except (CaselogError, ValueError) as error:
        consoles.err.print(f"[red]error:[/red] {escape(str(error))}", highlight=False)
        raise typer.Exit(2) from None


def rule_settings(settings: Settings | None) -> Settings | None:
    """The settings the rules judge by: the teams are the list's, not the rules' business."""
    return None if settings is None else settings.model_copy(update={"teams": {}})


def closing_note(path: Path, started: float, what: str) -> None:
    """The last lines: what was written, its size, the time taken and the peak memory."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / KIB  # KiB on Linux
    elapsed = time.monotonic() - started
    consoles.out.print(Trimmed(Text(what)))
    consoles.out.print(
        Trimmed(
            Text(
                f"wrote {path}: {_size(path.stat().st_size)} in {elapsed:.1f} s, "
                f"peak memory {peak:.0f} MiB"
            )
        )
    )


def _size(size: int) -> str:
    """A file size for a person.

    >>> _size(512), _size(3 * 1024 * 1024)
    ('512 B', '3.0 MiB')
    """
    if size < KIB:
        return f"{size} B"
    return f"{size / KIB:.1f} KiB" if size < KIB * KIB else f"{size / KIB / KIB:.1f} MiB"


@contextmanager
def advancing() -> Iterator[Callable[[str, int, int | None], None]]:
    """A progress bar on stderr (only on a terminal) and the callback that moves it."""
    bar = progress_bar()
    with bar:
        task = bar.add_task("report", total=None)

        def advance(what: str, done: int, total: int | None) -> None:
            bar.update(task, description=what, completed=done, total=total)

        yield advance


@app.command()
def report(
    out: Annotated[Path, typer.Argument(metavar="OUT.html", help="The HTML file to write.")],
    on: On = None,
    known_at: KnownAt = None,
    start: From = None,
    end: To = None,
    case_id: Annotated[
        str | None, typer.Option("--case", metavar="ID", help="Only this child's case file.")
    ] = None,
    max_cases: MaxCases = MAX_CASES,
    lang: LangOption = Lang.EN,
    settings: SettingsFile = None,
    db: Db = None,
    actor: Actor = None,
    purpose: Purpose = None,
) -> None:
    """Write the inspection report: summary, findings, then vs now, timelines (HTML)."""
    started = time.monotonic()
    day, moment = day_of(on), parse_known_at(known_at)
    first, last = parse_period(start, end)
    path = out_path(out)
    loaded = rule_settings(load_settings(settings))
    with open_or_exit(db, actor, settings=loaded, purpose=purpose) as log, notices():
        q = ask(
            log,
            on=day,
            known_at=moment,
            first=first,
            last=last,
            max_cases=max_cases,
            case_ids=None if case_id is None else (case_id,),
            lang=lang,
        )
        try:
            with advancing() as advance, atomic_text(path) as handle:
                written = write_report(log, q, handle, advance)
        except CaselogError as error:
            raise fail(error) from None
    closing_note(
        path,
        started,
        f"{written.findings} finding(s), {written.overdue} overdue, "
        f"{written.timelines} timeline(s)",
    )


class WeeklyFormat(StrEnum):
    """The weekly list's formats: a table on the terminal, CSV, or an HTML page."""

    TABLE = "table"
    CSV = "csv"
    HTML = "html"


@app.command(name="weekly")
def weekly_command(
    on: On = None,
    team: Annotated[
        str | None, typer.Option(metavar="NAME", help="Only the cases held by this team.")
    ] = None,
    known_at: KnownAt = None,
    fmt: Annotated[WeeklyFormat, typer.Option("--format")] = WeeklyFormat.TABLE,
    out: Annotated[
        Path | None,
        typer.Option(metavar="FILE", help="Write the CSV or HTML to this file (else stdout)."),
    ] = None,
    lang: LangOption = Lang.EN,
    settings: SettingsFile = None,
    db: Db = None,
    actor: Actor = None,
    purpose: Purpose = None,
) -> None:
    """The weekly self-monitoring (egenkontroll): came in, due in 14 days, overdue."""
    day, moment = day_of(on), parse_known_at(known_at)
    if out is not None and fmt is WeeklyFormat.TABLE:
        raise typer.BadParameter("a file takes --format csv or html", param_hint="--out")
    path = None if out is None else out_path(out, "--out")
    loaded = load_settings(settings)
    with (
        open_or_exit(db, actor, settings=rule_settings(loaded), purpose=purpose) as log,
        working(f"the week ending {day}"),
        notices(),
    ):
        try:
            week = weekly(
                log,
                on=day,
                known_at=moment,
                teams=None if loaded is None else loaded.teams,
                team=team,
            )
        except CaselogError as error:
            raise fail(error) from None
    words = Catalogue(lang)
    if fmt is WeeklyFormat.TABLE:
        _weekly_table(week, words)
        return
    with nullcontext(sys.stdout) if path is None else atomic_text(path) as handle:
        if fmt is WeeklyFormat.CSV:
            write_csv(week, handle)
        else:
            write_weekly(week, words, handle)
    if path is not None:
        consoles.err.print(f"wrote {path}", highlight=False)


def _weekly_table(week: Week, words: Catalogue) -> None:
    """Per holder: a count line, then one line per duty on each of the three lists."""
    title = words("weekly title") + f" {week.first} – {week.on}"
    if week.team is not None:
        title += f" · {words('team')} {week.team}"
    consoles.out.print(Text(title, style="bold"), overflow="fold")
    for holder in week.holders:
        name = holder or words("unassigned")
        counts = ", ".join(f"{words(KIND_KEYS[k])} {week.count(k, holder)}" for k in Kind)
        consoles.out.print(Text(f"{words('holder')} {name}: {counts}", style="bold"))
        table = plain_table()
        for header in ("list", "case", "rule", "trigger", "due", "status", "days"):
            table.add_column(words(header), justify="right" if header == "days" else "left")
        for line in (x for x in week.lines if x.holder == holder):
            row = line.row
            days = row["days_late"] if row["days_late"] is not None else row["days_overdue"]
            table.add_row(
                words(KIND_KEYS[line.kind]),
                row["case_id"],
                row["rule_id"] + (f" #{row['period']}" if row["period"] else ""),
                str(row["trigger_on"]),
                str(row["effective_due_on"] or ""),
                words.status(Status(row["status"])),
                "" if days is None else str(days),
            )
        consoles.out.print(Trimmed(table))
    totals = ", ".join(f"{words(KIND_KEYS[k])} {week.count(k)}" for k in Kind)
    consoles.out.print(Trimmed(Text(f"{words('total')}: {totals}")))
