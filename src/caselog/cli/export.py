"""`caselog export`: events out as JSON Lines, or a date's frames as Parquet or CSV files.

JSON Lines is what `caselog ingest --historical` reads back; Parquet and CSV are the
analyst's: obligations, case files, timelines and events on `--on`, with their provenance
(`caselog.api.frame_export`).
"""

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
    parse_date,
    parse_known_at,
    progress_bar,
)
from caselog.cli.read_models import notices
from caselog.errors import CaselogError

if TYPE_CHECKING:
    from collections.abc import Callable


class ExportFormat(StrEnum):
    """Export formats: the events as JSON Lines, or a date's frames as files."""

    JSONL = "jsonl"
    PARQUET = "parquet"
    CSV = "csv"


@app.command(name="export")
def export_command(
    file: Annotated[
        str,
        typer.Argument(
            metavar="FILE|-|DIR",
            help="jsonl: a file (.gz: compressed), or - for standard output; "
            "parquet and csv: a directory.",
        ),
    ] = "-",
    case: Annotated[
        str | None, typer.Option("--case", help="Only this child's case file (personakt).")
    ] = None,
    known_at: KnownAt = None,
    on: Annotated[
        str | None,
        typer.Option("--on", help="parquet and csv: the date the frames show (jsonl takes none)."),
    ] = None,
    format_: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            help="jsonl: one event per line, as ingest reads; parquet or csv: obligations, "
            "cases, timelines and events on --on, with provenance.",
        ),
    ] = ExportFormat.JSONL,
    excel: Annotated[
        bool,
        typer.Option("--excel", help="csv for Excel in a Swedish locale: ';' and a BOM."),
    ] = False,
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
    """Write the log's events as JSON Lines, or a date's frames as Parquet or CSV files.

    `caselog ingest --historical` reads JSON Lines back into a new log as the same log
    when they were written with --personal. Parquet and CSV never hold personal fields.
    """
    if format_ is not ExportFormat.JSONL:
        _export_frames(file, format_, on, known_at, case, db, actor, purpose, personal, excel)
        return
    if excel:
        raise typer.BadParameter("--excel is for --format csv", param_hint="--excel")
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


def _export_frames(
    directory: str,
    format_: ExportFormat,
    on: str | None,
    known_at: str | None,
    case: str | None,
    db: str | None,
    actor: str | None,
    purpose: str | None,
    personal: bool,
    excel: bool,
) -> None:
    """`caselog export --format parquet|csv --on D DIR`: the frames, with provenance."""
    if on is None:
        msg = f"{format_} exports the frames of a date: give --on"
        raise typer.BadParameter(msg, param_hint="--on")
    if directory == "-":
        msg = f"{format_} writes files: give a directory"
        raise typer.BadParameter(msg, param_hint="DIR")
    if personal:
        raise typer.BadParameter(
            "frames never hold personal fields; --personal is for jsonl", param_hint="--personal"
        )
    if excel and format_ is not ExportFormat.CSV:
        raise typer.BadParameter("--excel is for --format csv", param_hint="--excel")
    day, moment = parse_date(on, "--on"), parse_known_at(known_at)
    with (
        open_or_exit(db, actor, create=False, purpose=purpose) as log,
        notices(),
        progress_bar() as bar,
    ):
        task = bar.add_task("exporting", total=4)
        try:
            rows = log.export_frames(
                directory, on=day, known_at=moment, case_id=case, format_=format_.value,
                excel=excel, progress=lambda name: bar.update(task, description=name, advance=1),
            )  # fmt: skip
        except CaselogError as error:
            bar.stop()
            raise fail(error) from None
        except NotADirectoryError as error:
            bar.stop()
            raise typer.BadParameter(str(error), param_hint="DIR") from None
    names = {"timelines": "timeline entries"}
    counts = ", ".join(f"{n} {names.get(name, name)}" for name, n in rows.items())
    consoles.out.print(f"exported {counts} to {directory}", highlight=False, soft_wrap=True)


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
