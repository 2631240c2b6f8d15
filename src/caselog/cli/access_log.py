"""`caselog access-log`: who read which case file, when and why (loggkontroll, issue 13).

Every read through caselog is recorded; this command lists the record, filtered by case,
by reader and by period, or draws the random sample that the regular review of IVO and
IMY asks for. Listing it is itself a read, and recorded. `--actor` is, as for every
command, who reads now; the reader to filter by is `--by`.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

from caselog.cli.app import (
    DEFAULT_ZONE,
    Actor,
    Db,
    Purpose,
    Trimmed,
    Zone,
    app,
    consoles,
    fail,
    local_time,
    open_or_exit,
    parse_period,
    parse_zone,
    plain_table,
)
from caselog.errors import CaselogError

if TYPE_CHECKING:
    from datetime import date
    from zoneinfo import ZoneInfo

    from caselog.api.access import AccessSample
    from caselog.storage.access_log import Access


class AccessFormat(StrEnum):
    """Output formats of the access log."""

    TABLE = "table"
    JSON = "json"


@app.command(name="access-log")
def access_log(
    case: Annotated[
        str | None,
        typer.Option("--case", metavar="ID", help="Only the reads of this child's case file."),
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            metavar="ACTOR",
            help="Only the reads by this actor (--actor is who reads now, as everywhere).",
        ),
    ] = None,
    start: Annotated[
        str | None,
        typer.Option("--from", metavar="DATE", help="Only reads on or after this day (Swedish)."),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option("--to", metavar="DATE", help="Only reads on or before this day (Swedish)."),
    ] = None,
    sample: Annotated[
        int | None,
        typer.Option(
            "--sample",
            metavar="N",
            min=1,
            help="Draw N reads at random (without replacement), for the regular review.",
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed",
            metavar="S",
            help="The seed of --sample: the same seed and period draw the same reads "
            "(default: a new one, printed).",
        ),
    ] = None,
    fmt: Annotated[AccessFormat, typer.Option("--format")] = AccessFormat.TABLE,
    tz: Zone = DEFAULT_ZONE,
    db: Db = None,
    actor: Actor = None,
    purpose: Purpose = None,
) -> None:
    """List who read the log — what, when and why — or draw a sample to review."""
    first, last = parse_period(start, end)
    if seed is not None and sample is None:
        raise typer.BadParameter("a seed is for --sample N", param_hint="--seed")
    zone = parse_zone(tz)
    with open_or_exit(db, actor, create=False, purpose=purpose) as log:
        try:
            if sample is None:
                found = log.access_log(case=case, actor=by, from_=first, to=last)
                drawn = None
            else:
                drawn = log.access_sample(
                    sample, seed=seed, from_=first, to=last, case=case, actor=by
                )
                found = list(drawn.accesses)
        except CaselogError as error:
            raise fail(error) from None
    said = _count(found, drawn)
    if fmt is AccessFormat.JSON:
        sys.stdout.write(json.dumps([_row(a) for a in found], indent=2, ensure_ascii=False))
        sys.stdout.write("\n")
        if drawn is not None:
            consoles.err.print(said, highlight=False)
        return
    consoles.out.print(Text(_title(case, by, first, last, drawn), style="bold"), overflow="fold")
    if found:
        consoles.out.print(Trimmed(_table(found, zone)))
    consoles.out.print(said, highlight=False)


def _title(
    case: str | None, by: str | None, first: date | None, last: date | None, drawn: object
) -> str:
    parts = [f"case {case}"] if case else []
    if by:
        parts.append(f"by {by}")
    if first or last:
        parts.append(f"{first or '…'} to {last or '…'}")
    title = "access log, a random sample" if drawn is not None else "access log"
    return f"{title}: {', '.join(parts)}" if parts else title


def _table(found: list[Access], zone: ZoneInfo) -> Trimmed:
    table = plain_table()
    table.add_column("pos", justify="right", no_wrap=True)
    table.add_column("accessed", no_wrap=True)
    table.add_column("by", overflow="fold")  # ids are never cut
    table.add_column("what", no_wrap=True)
    table.add_column("case", overflow="fold")
    table.add_column("purpose", ratio=1)
    for access in found:
        table.add_row(
            str(access.position),
            local_time(access.accessed_at, zone),
            Text(access.actor),
            access.what,
            Text(access.case_id or "—"),
            Text(access.purpose or "—"),
        )
    return Trimmed(table)


def _count(found: list[Access], drawn: AccessSample | None) -> str:
    if drawn is None:
        return f"{len(found)} read(s)"
    if drawn.population == 0:
        return f"0 read(s) to draw from (seed {drawn.seed})"
    if drawn.whole:
        return (
            f"all {drawn.population} read(s): no more than the {drawn.asked} asked for "
            f"(seed {drawn.seed})"
        )
    return f"a sample of {len(found)} of {drawn.population} read(s) (seed {drawn.seed})"


def _row(access: Access) -> dict[str, object]:
    """A read as JSON: its columns, `accessed_at` in UTC with `Z`, the detail parsed."""
    return {
        "position": access.position,
        "accessed_at": access.accessed_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "actor": access.actor,
        "purpose": access.purpose,
        "what": access.what,
        "case_id": access.case_id,
        "detail": access.parameters,
        "access_id": access.access_id,
    }
