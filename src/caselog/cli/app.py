"""What every command shares: the Typer app, the consoles, the common options and errors."""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

from caselog.api import CaseLog, open_log
from caselog.errors import CaselogError, IngestRejectedError
from caselog.rules.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Callable


app = typer.Typer(
    name="caselog",
    help="The audit trail of Swedish municipal child-welfare casework, for any date.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
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
KnownAt = Annotated[
    str | None,
    typer.Option(
        "--known-at",
        help="Transaction time: a date (end of that day, Swedish time) or an ISO timestamp "
        "(default: now).",
    ),
]


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
    return moment


def open_or_exit(
    db: str | None,
    actor: str | None,
    clock: Callable[[], datetime] | None = None,
    settings: Settings | None = None,
) -> CaseLog:
    """Open the log, or print why not and exit 2."""
    try:
        return open_log(db, actor=actor_of(actor), clock=clock, settings=settings)
    except CaselogError as error:
        consoles.err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None


def fail(error: CaselogError) -> typer.Exit:
    """Print an error (a rejected ingest line by line) and give the exit to raise."""
    if isinstance(error, IngestRejectedError):
        consoles.err.print(f"[red]rejected:[/red] {error.total} error(s); nothing was written")
        for problem in error.errors:
            consoles.err.print(f"  {problem}", markup=False, highlight=False)
        if error.total > len(error.errors):
            consoles.err.print(f"  … and {error.total - len(error.errors)} more")
    else:
        consoles.err.print(f"[red]error:[/red] {error}", highlight=False)
    return typer.Exit(1)


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
