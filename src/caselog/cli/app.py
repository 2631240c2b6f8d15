"""What every command shares: the Typer app, the consoles, the common options and errors."""

from __future__ import annotations

import difflib
import getpass
import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer
from rich import box
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.segment import Segment
from rich.table import Table
from typer.core import TyperGroup

from caselog.api import CaseLog, open_log
from caselog.dates import STOCKHOLM
from caselog.errors import (
    CaselogError,
    CheckpointError,
    IngestRejectedError,
    StorageError,
    UnknownRuleError,
    UnknownStatusError,
)
from caselog.reports.catalogue import Lang
from caselog.rules.model import Status
from caselog.rules.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from typer._click.core import Context  # typer's own click: what its groups take


class _Commands(TyperGroup):
    """The command group, with a last line of defence: an error ends in one message.

    Each command turns the errors it expects into a message and an exit code; a caselog
    error that slips past one still ends in one line on standard error, not a traceback,
    and a reader that stops reading (`caselog compliance | head`) ends the command quietly.
    """

    def invoke(self, ctx: Context) -> Any:  # noqa: ANN401 - whatever the command returns
        """Run the command; map a stray caselog error to its message and exit code 1."""
        try:
            return super().invoke(ctx)
        except CaselogError as error:
            raise fail(error) from None
        except BrokenPipeError:
            # Python would complain again when it flushes stdout at exit: point it elsewhere.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
            raise typer.Exit(1) from None


app = typer.Typer(
    name="caselog",
    help="The audit trail of Swedish municipal child-welfare casework, for any date.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    cls=_Commands,
)


@dataclass
class Consoles:
    """Where the CLI writes: results to stdout, errors and progress to stderr.

    One mutable place, so a test or an embedding program can swap in its own consoles.
    """

    out: Console = field(default_factory=Console)
    err: Console = field(default_factory=lambda: Console(stderr=True))


consoles = Consoles()


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
Purpose = Annotated[
    str | None,
    typer.Option(
        envvar="CASELOG_PURPOSE",
        metavar="TEXT",
        help="Why the log is read: kept with the read in the access log (loggkontroll).",
    ),
]
KnownAt = Annotated[
    str | None,
    typer.Option(
        "--known-at",
        metavar="DATE|TIMESTAMP",
        help="Transaction time: a date (end of that day, Swedish time) or an ISO timestamp "
        "(default: now).",
    ),
]
LangOption = Annotated[
    Lang, typer.Option("--lang", help="Language of headers, statuses and explanations.")
]
Zone = Annotated[
    str,
    typer.Option(
        "--tz",
        envvar="CASELOG_TZ",
        metavar="ZONE",
        help="Time zone of the timestamps in tables (IANA name).",
    ),
]
DEFAULT_ZONE = "Europe/Stockholm"


def _print_version(wanted: bool) -> None:
    if wanted:
        try:
            number = version("caselog")
        except PackageNotFoundError:  # pragma: no cover - run from a source tree
            number = "unknown"
        sys.stdout.write(f"caselog {number}\n")
        raise typer.Exit


@app.callback()
def _caselog(
    _version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version."
        ),
    ] = False,
) -> None:
    """The audit trail of Swedish municipal child-welfare casework, for any date."""


def actor_of(actor: str | None) -> str:
    """Who is acting: the option, else `cli:<user>`."""
    return actor or f"cli:{getpass.getuser()}"


def parse_date(text: str, option: str) -> date:
    """A YYYY-MM-DD option value, or a usage error naming the option."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        msg = f"not a date (YYYY-MM-DD): {text!r}"
        raise typer.BadParameter(msg, param_hint=option) from None


def parse_period(start: str | None, end: str | None) -> tuple[date | None, date | None]:
    """`--from` and `--to`: the first and last day of a period, either open."""
    first = parse_date(start, "--from") if start else None
    last = parse_date(end, "--to") if end else None
    if first and last and last < first:
        msg = f"the period ends ({last}) before it begins ({first})"
        raise typer.BadParameter(msg, param_hint="--to")
    return first, last


def parse_known_at(text: str | None) -> date | datetime | None:
    """A `--known-at`: a date (end of that day, Swedish time) or an aware timestamp."""
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
    try:  # the log reads it in UTC and in Swedish time: both must exist
        moment.astimezone(UTC).astimezone(STOCKHOLM)
    except OverflowError:
        msg = f"out of range: {text!r}"
        raise typer.BadParameter(msg, param_hint="--known-at") from None
    return moment


def parse_statuses(values: list[str] | None, option: str) -> list[Status] | None:
    """Statuses given as repeated options or separated by commas, or a usage error.

    An unknown status is named with the valid ones, and the closest when there is one.
    """
    if not values:
        return None
    words = [word.strip().lower() for value in values for word in value.split(",")]
    statuses = []
    valid = [s.value for s in Status]
    for word in filter(None, words):
        if word not in valid:
            close = difflib.get_close_matches(word, valid, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            msg = f"no status {word!r}{hint}; the statuses are {', '.join(valid)}"
            raise typer.BadParameter(msg, param_hint=option)
        statuses.append(Status(word))
    return statuses or None


def parse_zone(name: str) -> ZoneInfo:
    """A `--tz` time zone by its IANA name (`Europe/Stockholm`, `UTC`), or a usage error."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        msg = f"no time zone {name!r}; give an IANA name such as Europe/Stockholm or UTC"
        raise typer.BadParameter(msg, param_hint="--tz") from None


def local_time(moment: datetime, zone: ZoneInfo) -> str:
    """A timestamp in a table: to the minute, in `zone`, with the zone shown.

    >>> local_time(datetime(2019, 10, 2, 8, 15, tzinfo=UTC), STOCKHOLM)
    '2019-10-02 10:15 CEST'
    """
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")


def open_or_exit(
    db: str | None,
    actor: str | None,
    clock: Callable[[], datetime] | None = None,
    settings: Settings | None = None,
    *,
    create: bool | None = None,
    purpose: str | None = None,
) -> CaseLog:
    """Open the log, or print why not and exit 2.

    Reading never creates a log (a mistyped path must not answer "0 obligations"). By
    default (`create=None`) a missing log is created by the first write (`ingest`,
    `demo`), and a query before that fails with `StoreNotFoundError` (exit 2) leaving
    nothing behind; `create=False` requires the log at once, `create=True` creates it.
    An actor or purpose that cannot be recorded (blank, control characters, too long) is
    a usage error too: every read is recorded with them (loggkontroll).
    """
    try:
        return open_log(
            db, actor=actor_of(actor), clock=clock, settings=settings, create=create,
            purpose=purpose,
        )  # fmt: skip
    except (CaselogError, ValueError) as error:
        consoles.err.print(f"[red]error:[/red] {escape(str(error))}", highlight=False)
        raise typer.Exit(2) from None


def exit_code(error: CaselogError) -> int:
    """2 for a wrong question (an unknown rule or status) or a store that fails, else 1.

    `docs/cli.md`: 1 is a refusal (a rejected file, an unknown case), 2 a usage error or a
    store that cannot be opened.
    """
    wrong = UnknownRuleError | UnknownStatusError | StorageError | CheckpointError
    return 2 if isinstance(error, wrong) else 1


def fail(error: CaselogError) -> typer.Exit:
    """Print an error (a rejected ingest line by line) and give the exit to raise."""
    if isinstance(error, IngestRejectedError):
        consoles.err.print(f"[red]rejected:[/red] {error.total} error(s); nothing was written")
        for problem in error.errors:
            consoles.err.print(f"  {problem}", markup=False, highlight=False)
        if error.total > len(error.errors):
            consoles.err.print(f"  … and {error.total - len(error.errors)} more")
    else:
        consoles.err.print(f"[red]error:[/red] {escape(str(error))}", highlight=False)
    return typer.Exit(exit_code(error))


class Trimmed:
    """A renderable printed without trailing blanks: table cells and wrapped lines end clean.

    What a pipe or a test reads line by line should not depend on the padding rich adds.
    """

    def __init__(self, renderable: RenderableType) -> None:
        """Wrap `renderable`."""
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """The lines of the renderable, each without its trailing blanks."""
        for line in console.render_lines(self.renderable, options, pad=False):
            while line and not line[-1].control and not line[-1].text.rstrip():
                line.pop()
            if line and not line[-1].control:
                last = line[-1]
                line[-1] = Segment(last.text.rstrip(), last.style)
            yield from line
            yield Segment.line()


def plain_table(**options: Any) -> Table:  # noqa: ANN401 - rich's Table options
    """A table without frame: a rule under the header, columns two spaces apart."""
    return Table(
        box=box.SIMPLE,
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
        **options,
    )


@contextmanager
def working(description: str) -> Iterator[None]:
    """A spinner on standard error while long work runs, shown only on a terminal."""
    spinner = Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        TimeElapsedColumn(),
        console=consoles.err,
        transient=True,
        disable=not consoles.err.is_terminal,
    )
    with spinner:
        spinner.add_task(description, total=None)
        yield


def progress_bar() -> Progress:
    """A progress bar on stderr, shown only on a terminal."""
    return Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=consoles.err,
        transient=True,
        disable=not consoles.err.is_terminal,
    )
