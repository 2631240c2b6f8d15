"""`caselog purge` and `rotate-master-key`: gallring by destroying keys, and key care.

Without options it destroys, today, the keys whose retention ran out and records
`RecordsPurged` for each class; `--dry-run` lists what would go and why (and may look ahead
with `--on`); `--case ID --class C` purges one class of one case file or says which rule
keeps it. Exit codes: 0 done, 1 refused (a kept class, not due, stored in clear), 2 usage.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.text import Text

from caselog.api.log import CaseLog
from caselog.api.personal import rotate_master_key
from caselog.api.purge import PurgeItem
from caselog.cli.app import (
    Actor,
    Db,
    Format,
    Trimmed,
    app,
    consoles,
    fail,
    open_or_exit,
    parse_date,
    plain_table,
    working,
)
from caselog.cli.read_models import notices
from caselog.errors import CaselogError
from caselog.events import RetentionClass


@app.command()
def purge(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List what would be purged and why; change nothing.")
    ] = False,
    on: Annotated[
        str | None,
        typer.Option(metavar="DATE", help="Plan for this day (only with --dry-run)."),
    ] = None,
    case: Annotated[
        str | None, typer.Option("--case", metavar="ID", help="Only this case file.")
    ] = None,
    retention_class: Annotated[
        RetentionClass | None,
        typer.Option("--class", help="With --case: the retention class (default: general)."),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.TABLE,
    db: Db = None,
    actor: Actor = None,
) -> None:
    """Purge (gallra) what R23 says is due today by destroying its keys; list the rest."""
    if on is not None and not dry_run:
        consoles.err.print("[red]error:[/red] --on plans ahead: it needs --dry-run")
        raise typer.Exit(2)
    if retention_class is not None and case is None:
        consoles.err.print("[red]error:[/red] --class needs --case")
        raise typer.Exit(2)
    day = parse_date(on, "--on") if on else None
    with open_or_exit(db, actor, create=False) as log, notices(), working("judging R23"):
        try:
            items = log.purge(
                dry_run=dry_run, on=day, case_id=case, retention_class=retention_class
            )
        except CaselogError as error:
            raise fail(error) from None
        announce_master_key(log)
    if fmt is Format.JSON:
        sys.stdout.write(
            orjson.dumps([_json(i) for i in items], option=orjson.OPT_INDENT_2).decode() + "\n"
        )
        return
    _print(items, dry_run=dry_run)
    if any(i.refused for i in items):
        raise typer.Exit(1)


def announce_master_key(log: CaseLog) -> None:
    """Name a master key file this process created (on stderr): it must be moved away."""
    created = log.store.keys.created_master
    if created is not None:
        said = f"created the master key {created}: move it off this machine (docs/security.md)"
        consoles.err.print(Trimmed(Text(said)), highlight=False)


def _json(item: PurgeItem) -> dict[str, object]:
    return {
        "case_id": item.case_id,
        "retention_class": item.retention_class.value,
        "duty_from": item.duty_from,
        "finish_by": item.finish_by,
        "keys": list(item.keys),
        "refused": item.refused,
        "purged_by": item.purged_by,
    }


def _print(items: list[PurgeItem], *, dry_run: bool) -> None:
    if not items:
        consoles.out.print("nothing is due for purging (R23)")
        return
    table = plain_table()
    for column in ("case", "class", "due since", "finish by", "keys", "outcome"):
        table.add_column(column, overflow="fold")
    for item in items:
        outcome = (
            f"refused: {item.refused}"
            if item.refused
            else ("would be purged" if dry_run else f"purged ({item.purged_by})")
        )
        table.add_row(
            item.case_id,
            item.retention_class.value,
            str(item.duty_from or ""),
            str(item.finish_by or ""),
            str(len(item.keys)),
            outcome,
        )
    consoles.out.print(table)
    done = sum(1 for i in items if not i.refused)
    verb = "would purge" if dry_run else "purged"
    consoles.out.print(f"{verb} {done} class(es) of {len({i.case_id for i in items})} case file(s)")


@app.command(name="rotate-master-key")
def rotate_master_key_command(
    to: Annotated[
        Path,
        typer.Option(
            "--to",
            metavar="FILE",
            help="The new master key file (made with a fresh key if absent).",
        ),
    ],
    db: Db = None,
    actor: Actor = None,
) -> None:
    """Re-wrap the key store's data keys under a new master key; the log is not touched."""
    with open_or_exit(db, actor, create=False) as log:
        try:
            moved, made = rotate_master_key(log.store, to)
        except CaselogError as error:
            raise fail(error) from None
        where = log.store.keys.path
    said = "made a new master key in" if made else "read the new master key from"
    consoles.out.print(f"{said} {to}; re-wrapped {moved} data key(s) of {where}", highlight=False)
    consoles.out.print(
        f"from now on give it as CASELOG_MASTER_KEY_FILE={to}, and destroy the old master key",
        highlight=False,
    )
