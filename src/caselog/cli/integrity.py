"""`caselog verify`, `checkpoint`, `init` and `upgrade`: a log that proves itself.

`verify` recomputes the hash chain over every stored byte and names the first position
where it breaks and what was done there; `--against FILE` also proves that the log still
extends a checkpoint kept elsewhere (which catches removed newest events and a rewritten
chain). The access log's own chain (loggkontroll) is verified too, and reported on a line
of its own. Exit codes: 0 verified, 4 tampering found (in either chain), 2 the log or the
checkpoint cannot be read.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Final

import typer
from rich.text import Text

from caselog.api.integrity import checkpoint as checkpoint_of
from caselog.api.integrity import checkpoint_json, read_checkpoint, write_checkpoint
from caselog.api.integrity import init as init_log
from caselog.api.integrity import upgrade as upgrade_log
from caselog.api.integrity import verify as verify_log
from caselog.cli.app import Actor, Db, Trimmed, app, consoles, fail, open_or_exit, progress_bar
from caselog.errors import CaselogError
from caselog.storage.chain import Checkpoint, Verified

EXIT_TAMPERED: Final = 4


@app.command()
def verify(
    against: Annotated[
        Path | None,
        typer.Option(help="A checkpoint file the log must still extend."),
    ] = None,
    db: Db = None,
    actor: Actor = None,
) -> None:
    """Recompute the hash chains: prove no event or read was edited, removed, added or moved."""
    try:
        point = None if against is None else read_checkpoint(against)
    except CaselogError as error:
        raise fail(error) from None
    with open_or_exit(db, actor, create=False) as log:
        try:
            with progress_bar() as bar:
                task = bar.add_task("verifying", total=log.store.count())
                found = verify_log(
                    log.store, against=point, progress=lambda n: bar.update(task, completed=n)
                )
        except CaselogError as error:
            raise fail(error) from None
    if found.problem is not None:
        problem = found.problem
        said = Text("TAMPERED", style="red")
        said.append(f" at position {problem.position} ({problem.kind}): {problem.detail}")
        consoles.err.print(Trimmed(said), highlight=False)
        consoles.err.print(
            f"the chain holds up to position {found.position} ({found.events} event(s))"
        )
        _say_access(found.access)
        raise typer.Exit(EXIT_TAMPERED)
    consoles.out.print(f"verified {found.events} event(s) of log {found.log_id}")
    consoles.out.print(f"the chain holds up to position {found.position}")
    consoles.out.print(f"head {found.head.hex()}")
    if point is not None:
        consoles.out.print(f"the log extends the checkpoint at position {point.position}")
    if not _say_access(found.access):
        raise typer.Exit(EXIT_TAMPERED)


def _say_access(found: Verified | None) -> bool:
    """Say how far the access log's chain holds (stdout) or where it breaks (stderr)."""
    if found is None:
        consoles.out.print("access log: none yet (a log made before it: run `caselog upgrade`)")
        return True
    if found.problem is None:
        consoles.out.print(f"access log: {found.events} read(s), chain ok")
        return True
    problem = found.problem
    said = Text("access log: TAMPERED", style="red")
    said.append(f" at position {problem.position} ({problem.kind}): {problem.detail}")
    consoles.err.print(Trimmed(said), highlight=False)
    consoles.err.print(
        f"access log: the chain holds up to position {found.position} ({found.events} read(s))"
    )
    return False


@app.command()
def checkpoint(
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the checkpoint here (else stdout).")
    ] = None,
    db: Db = None,
    actor: Actor = None,
) -> None:
    """Print the log's head (log id, position, hash, time) as JSON, to keep elsewhere."""
    with open_or_exit(db, actor, create=False) as log:
        try:
            point = checkpoint_of(log.store, datetime.now(UTC))
        except CaselogError as error:
            raise fail(error) from None
    _write(point, out)


@app.command()
def init(
    roles: Annotated[
        bool,
        typer.Option("--roles", help="PostgreSQL: also make the owner, writer and reader roles."),
    ] = False,
    db: Db = None,
    actor: Actor = None,
) -> None:
    """Make the log and its read models (run by the owner); print its checkpoint."""
    with open_or_exit(db, actor, create=True) as log:
        try:
            point = init_log(log, roles=roles)
        except CaselogError as error:
            raise fail(error) from None
    made = (
        "; the roles caselog_owner, caselog_writer, caselog_reader have their rights"
        if roles
        else ""
    )
    consoles.err.print(f"the log is ready at position {point.position}{made}; its checkpoint:")
    _write(point, None)


@app.command()
def upgrade(db: Db = None, actor: Actor = None) -> None:
    """Chain a log made by an older caselog (run by the log's owner); print its checkpoint."""
    with open_or_exit(db, actor, create=False) as log:
        try:
            point = upgrade_log(log.store, datetime.now(UTC))
        except CaselogError as error:
            raise fail(error) from None
    consoles.err.print(f"the log is chained up to position {point.position}; its checkpoint:")
    _write(point, None)


def _write(point: Checkpoint, out: Path | None) -> None:
    if out is None:
        typer.echo(checkpoint_json(point), nl=False)
        return
    write_checkpoint(point, out)
    consoles.err.print(f"checkpoint at position {point.position} written to {out}")
