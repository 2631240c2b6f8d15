"""`caselog export`: events out, as JSON Lines that `caselog ingest --historical` reads back."""

from __future__ import annotations

import io
import os
import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from caselog.cli.app import (
    Actor,
    Db,
    KnownAt,
    Purpose,
    app,
    consoles,
    fail,
    open_or_exit,
    parse_known_at,
    progress_bar,
)
from caselog.errors import CaselogError

if TYPE_CHECKING:
    from collections.abc import Callable


class ExportFormat(StrEnum):
    """Export formats (the notebook frame formats are to come)."""

    JSONL = "jsonl"


@app.command(name="export")
def export_command(
    file: Annotated[
        str,
        typer.Argument(
            metavar="FILE|-",
            help="Where to write: a file (.gz: compressed), or - for standard output.",
        ),
    ] = "-",
    case: Annotated[
        str | None, typer.Option("--case", help="Only this child's case file (personakt).")
    ] = None,
    known_at: KnownAt = None,
    on: Annotated[
        str | None,
        typer.Option("--on", help="Not for jsonl: the events are exported, not a view on a date."),
    ] = None,
    format_: Annotated[
        ExportFormat, typer.Option("--format", help="jsonl: one event per line, as ingest reads.")
    ] = ExportFormat.JSONL,
    personal: Annotated[
        bool,
        typer.Option(
            "--personal",
            help="Write personal fields in clear (to move a log); else each line names them "
            "in `withheld`.",
        ),
    ] = False,
    db: Db = None,
    actor: Actor = None,
    purpose: Purpose = None,
) -> None:
    """Write the log's events as JSON Lines, in log order, each with its registered_at.

    `caselog ingest --historical` reads the output back into a new log as the same log
    when it was written with --personal.
    """
    if on is not None and format_ is ExportFormat.JSONL:
        msg = (
            "jsonl exports the events themselves, not a view on a date; "
            "use --known-at to export what the log held at a time"
        )
        raise typer.BadParameter(msg, param_hint="--on")
    moment = parse_known_at(known_at)
    with open_or_exit(db, actor, create=False, purpose=purpose) as log, progress_bar() as bar:
        task = bar.add_task("exporting", total=None)

        def progress(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total)

        try:
            if file != "-":
                written = log.export(
                    file, case_id=case, known_at=moment, progress=progress, personal=personal
                )
            else:
                written = _to_stdout(
                    lambda out: log.export(
                        out, case_id=case, known_at=moment, progress=progress, personal=personal
                    )
                )
        except CaselogError as error:
            bar.stop()
            raise fail(error) from None
    if file != "-":
        consoles.out.print(
            f"exported {written} event(s) to {file}", highlight=False, soft_wrap=True
        )


def _to_stdout(write: Callable[[io.TextIOWrapper], int]) -> int:
    """Run `write` on standard output as UTF-8 with Unix line ends, whatever the locale."""
    sys.stdout.flush()
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n")
    try:
        written = write(out)
        out.flush()
    except BrokenPipeError:  # the reader went away (`caselog export | head`)
        _silence_stdout()
        raise typer.Exit(1) from None
    finally:
        out.detach()  # standard output stays open for whoever prints next
    return written


def _silence_stdout() -> None:
    """Point standard output at /dev/null, so the flush at exit does not fail again."""
    try:
        target = sys.stdout.fileno()
    except (OSError, ValueError):  # not a file descriptor (an embedding program, a test)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, target)
    os.close(devnull)
