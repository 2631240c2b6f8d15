"""`caselog schema` and `caselog ingest`: events in."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from caselog.cli.app import (
    Actor,
    Db,
    app,
    consoles,
    fail,
    open_or_exit,
    progress_bar,
)
from caselog.cli.purge import announce_master_key
from caselog.cli.read_models import keep_current
from caselog.errors import CaselogError
from caselog.events.schema import schema_text

if TYPE_CHECKING:
    pass


@app.command()
def schema(
    historical: Annotated[
        bool,
        typer.Option(
            "--historical", help="The schema of `ingest --historical` lines (with registered_at)."
        ),
    ] = False,
) -> None:
    """Print the JSON Schema (Draft 2020-12) of one input line, as docs/schema/ has it."""
    sys.stdout.write(schema_text(historical=historical))


@app.command(name="ingest")
def ingest_command(
    file: Annotated[
        str,
        typer.Argument(
            metavar="FILE|-",
            help="A JSON Lines file (gzip too), a FIFO, or - for standard input.",
            show_default=False,
        ),
    ],
    historical: Annotated[
        bool, typer.Option(help="Keep each line's registered_at as recorded_at (D3).")
    ] = False,
    db: Db = None,
    actor: Actor = None,
) -> None:
    """Validate and append JSON Lines, all or nothing; the input is read once."""
    source = _input(file)
    with open_or_exit(db, actor) as log:
        log.upkeep = False  # kept current below, with its own progress bar
        with progress_bar() as bar:
            checking = bar.add_task("checking", total=_plain_size(source))
            writing = bar.add_task("writing", total=None, visible=False)

            def progress(stage: str, done: int, total: int | None) -> None:
                if stage == "checking":
                    bar.advance(checking, done)
                else:
                    bar.update(writing, completed=done, total=total, visible=True)

            try:
                result = log.ingest(source, historical=historical, progress=progress)
            except CaselogError as error:
                bar.stop()
                raise fail(error) from None
        try:
            if result.written:
                keep_current(log)
        except CaselogError as error:
            raise fail(error) from None
        announce_master_key(log)
    consoles.out.print(
        f"read {result.read} line(s): wrote {result.written}, "
        f"already stored {result.already_stored}, repeated {result.repeated_in_batch}"
        + (f" (positions {result.first_position}–{result.last_position})" if result.written else "")
    )


def _input(file: str) -> Path:
    """The input to read: `-` (standard input), or a file or FIFO that exists."""
    path = Path(file)
    if file != "-" and not path.exists():
        msg = f"file {file!r} does not exist."
        raise typer.BadParameter(msg, param_hint="'FILE|-'")
    if file != "-" and path.is_dir():
        msg = f"{file!r} is a directory."
        raise typer.BadParameter(msg, param_hint="'FILE|-'")
    return path


def _plain_size(file: Path) -> int | None:
    """The size to check against: a plain regular file's; unknown for a pipe or gzip."""
    if str(file) == "-" or file.suffix == ".gz" or not file.is_file():
        return None
    return file.stat().st_size
