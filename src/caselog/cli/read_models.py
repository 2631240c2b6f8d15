"""`caselog rebuild`, and the read models kept current with a progress bar (issue 10).

Queries are answered from the read models; when they cannot answer exactly (no read
models yet, another caselog version, other settings, a date past their horizon) the
reference replay answers and a notice on stderr says why.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from caselog.api.read_model import ReferenceNotice
from caselog.cli.app import Actor, Db, app, consoles, fail, open_or_exit, progress_bar
from caselog.errors import CaselogError
from caselog.rules.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Iterator

    from caselog.api import CaseLog

Reference = Annotated[
    bool,
    typer.Option("--reference", help="Replay the whole log instead of reading the read models."),
]


def keep_current(log: CaseLog, *, rebuild: bool = False) -> int:
    """Catch the read models up with the log (or rebuild them), showing progress."""
    with progress_bar() as bar:
        task = bar.add_task("judging streams", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        if rebuild:
            return log.read_models.rebuild(progress, settings=log.settings)
        return log.read_models.catch_up(progress)


@app.command()
def rebuild(
    settings: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="Build for these parameters (TOML)."),
    ] = None,
    db: Db = None,
    actor: Actor = None,
) -> None:
    """Rebuild the read models from the whole log, on every core (resumes if killed)."""
    try:
        loaded = Settings.from_toml(settings) if settings else None
    except (CaselogError, ValueError) as error:
        consoles.err.print(f"[red]error:[/red] {escape(str(error))}", highlight=False)
        raise typer.Exit(2) from None
    with open_or_exit(db, actor, settings=loaded, create=False) as log:
        try:
            judged = keep_current(log, rebuild=True)
        except CaselogError as error:
            raise fail(error) from None
        stamp = log.read_models.tables.stamp()
    consoles.out.print(
        f"rebuilt the read models: {judged} stream(s) judged, up to position "
        f"{stamp.get('position')}, answering up to {stamp.get('horizon')}"
    )


@contextmanager
def notices() -> Iterator[None]:
    """Print the notices of answers the reference replay gave, on stderr, once each."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ReferenceNotice)
        try:
            yield
        finally:
            said: set[str] = set()
            for warning in caught:
                text = str(warning.message)
                if issubclass(warning.category, ReferenceNotice) and text not in said:
                    said.add(text)
                    consoles.err.print(f"[yellow]notice:[/yellow] {escape(text)}", highlight=False)
                elif not issubclass(warning.category, ReferenceNotice):
                    warnings.warn_explicit(
                        warning.message, warning.category, warning.filename, warning.lineno
                    )
