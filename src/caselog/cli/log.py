"""`caselog schema` and `caselog ingest`: events in."""

from __future__ import annotations

import json
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
from caselog.errors import CaselogError
from caselog.interchange import input_schema

if TYPE_CHECKING:
    pass


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
    with open_or_exit(db, actor) as log, progress_bar() as bar:
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
            raise fail(error) from None
    consoles.out.print(
        f"read {result.read} line(s): wrote {result.written}, "
        f"already stored {result.already_stored}, repeated {result.repeated_in_batch}"
        + (f" (positions {result.first_position}–{result.last_position})" if result.written else "")
    )
