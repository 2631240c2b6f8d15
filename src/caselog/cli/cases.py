"""`caselog cases`, `caselog case` and `caselog timeline`: the case files, on both time axes.

Tables show timestamps in Swedish time (or `--tz`) with the zone named; JSON and CSV keep
them in UTC, ISO 8601 with `Z`.
"""

from __future__ import annotations

import csv
import json
import sys
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from caselog.cli.app import (
    DEFAULT_ZONE,
    Actor,
    CaseFormat,
    Db,
    Format,
    KnownAt,
    LangOption,
    Purpose,
    Trimmed,
    Zone,
    app,
    consoles,
    fail,
    local_time,
    open_or_exit,
    parse_date,
    parse_known_at,
    parse_zone,
    plain_table,
    working,
)
from caselog.cli.read_models import Reference, notices
from caselog.dates import swedish_date
from caselog.errors import CaselogError
from caselog.reports.catalogue import Catalogue, Lang
from caselog.rules.model import FINDINGS, Status

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

_FINDINGS = [s for s in Status if s in FINDINGS]  # in the order of D7


@app.command()
def cases(
    on: Annotated[
        str | None, typer.Option(metavar="DATE", help="Valid date (default: today).")
    ] = None,
    known_at: KnownAt = None,
    search: Annotated[
        str | None,
        typer.Option(
            metavar="TEXT", help="Only case ids containing this text (ids only, never names)."
        ),
    ] = None,
    with_findings: Annotated[
        bool, typer.Option("--with-findings", help="Only cases with findings on --on.")
    ] = False,
    pnr: Annotated[
        str | None,
        typer.Option(
            "--pnr",
            metavar="YYYYMMDD-NNNN",
            help="Only the child with this personal identity number (a keyed-hash lookup).",
        ),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.TABLE,
    lang: LangOption = Lang.EN,
    reference: Reference = False,
    db: Db = None,
    actor: Actor = None,
    purpose: Purpose = None,
) -> None:
    """List the case files (child ids), with their findings on a date by status."""
    day = parse_date(on, "--on") if on else swedish_date(datetime.now(UTC))
    moment = parse_known_at(known_at)
    with (
        open_or_exit(db, actor, purpose=purpose) as log,
        notices(),
        working(f"judging duties on {day}"),
    ):
        try:
            numbered = None if pnr is None else set(log.children_numbered(pnr))
            found = log.cases(on=day, known_at=moment, search=search, reference=reference)
        except CaselogError as error:
            raise fail(error) from None
        except ValueError as error:  # the number itself (caselog's errors are caught above)
            consoles.err.print(f"[red]error:[/red] --pnr: {escape(str(error))}", highlight=False)
            raise typer.Exit(2) from None
    listed = dict(found)
    if numbered is not None:
        if not numbered:
            consoles.err.print(
                "[red]error:[/red] no case file carries that personal identity number "
                "(or its records were purged)"
            )
            raise typer.Exit(1)
        listed = {case_id: counts for case_id, counts in listed.items() if case_id in numbered}
    if with_findings:
        listed = {case_id: counts for case_id, counts in listed.items() if counts}
    rows = [
        {
            "case_id": case_id,
            "findings": sum(counts.values()),
            **{s.value: counts.get(s, 0) for s in _FINDINGS},
        }
        for case_id, counts in listed.items()
    ]
    if fmt is Format.JSON:
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        return
    if fmt is Format.CSV:
        writer = csv.DictWriter(sys.stdout, fieldnames=["case_id", "findings", *_FINDINGS])
        writer.writeheader()
        writer.writerows(rows)
        return
    words = Catalogue(lang)
    title = words("cases on", on=day)
    if known_at:
        title += ", " + words("known at", at=known_at)
    table = plain_table()
    table.add_column(words("case"), overflow="fold")  # a long id folds, never cut
    table.add_column(words("findings"), justify="right")
    for status in _FINDINGS:
        table.add_column(words.status(status), justify="right")
    for row in rows:
        table.add_row(
            Text(str(row["case_id"])),
            str(row["findings"]),
            *(str(row[s.value] or "") for s in _FINDINGS),
        )
    consoles.out.print(Text(title, style="bold"), overflow="fold")
    if rows:
        consoles.out.print(Trimmed(table))
    with_any = sum(1 for row in rows if row["findings"])
    consoles.out.print(
        words("cases count", count=len(rows)) + ", " + words("with findings", count=with_any),
        highlight=False,
    )


@app.command()
def case(
    case_id: Annotated[str, typer.Argument(help="The child's id (child_id).")],
    on: Annotated[
        str | None, typer.Option(metavar="DATE", help="Valid date (default: today).")
    ] = None,
    known_at: KnownAt = None,
    fmt: Annotated[CaseFormat, typer.Option("--format")] = CaseFormat.TABLE,
    tz: Zone = DEFAULT_ZONE,
    reference: Reference = False,
    db: Db = None,
    actor: Actor = None,
    purpose: Purpose = None,
) -> None:
    """Show a case's state on a date, as the log showed it at --known-at."""
    day = parse_date(on, "--on") if on else swedish_date(datetime.now(UTC))
    moment = parse_known_at(known_at)
    zone = parse_zone(tz)
    with open_or_exit(db, actor, purpose=purpose) as log, notices():
        try:
            state = log.case(case_id, on=day, known_at=moment, reference=reference)
        except CaselogError as error:
            raise fail(error) from None
    if fmt is CaseFormat.JSON:
        data = state.model_dump(mode="json")
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return
    table = Table(title=f"case {case_id} on {day}", show_header=False)
    table.add_column(no_wrap=True)
    table.add_column(ratio=1)
    for key, value in state.model_dump().items():
        table.add_row(key, Text(_brief(value, zone)))
    consoles.out.print(table)


def _brief(value: Any, zone: ZoneInfo) -> str:  # noqa: ANN401 - any field value
    """A field of the case state in one cell: lists by their count and latest item."""
    if isinstance(value, list | tuple):
        latest = f": {_brief(value[-1], zone)} (latest)" if value else ""
        return f"{len(value)} item(s){latest}"
    if isinstance(value, dict):
        return ", ".join(
            f"{k}={_brief(v, zone)}" for k, v in value.items() if v not in (None, [], (), {})
        )
    if isinstance(value, datetime):
        return local_time(value, zone)
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "value"):  # an enum: its stable value
        return str(value.value)
    return "—" if value is None else str(value)


@app.command()
def timeline(
    case_id: Annotated[str, typer.Argument(help="The child's id (child_id).")],
    known_at: KnownAt = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.TABLE,
    tz: Zone = DEFAULT_ZONE,
    db: Db = None,
    actor: Actor = None,
    purpose: Purpose = None,
) -> None:
    """List a case's events with both time axes; mark late registrations and corrections."""
    moment = parse_known_at(known_at)
    zone = parse_zone(tz)
    with open_or_exit(db, actor, purpose=purpose) as log:
        try:
            entries = log.timeline(case_id, known_at=moment)
        except CaselogError as error:
            raise fail(error) from None
    rows = [entry.model_dump(mode="json") for entry in entries]
    if fmt is Format.JSON:
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    elif fmt is Format.CSV:
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else [])
        writer.writeheader()
        writer.writerows(rows)
    else:
        table = plain_table()
        table.add_column("pos", justify="right")
        table.add_column("occurred", no_wrap=True)
        table.add_column("recorded", min_width=10)
        table.add_column("event")
        for entry in entries:
            marks = f" [{', '.join(entry.marks)}]" if entry.marks else ""
            table.add_row(
                str(entry.position),
                str(entry.occurred_on),
                local_time(entry.recorded_at, zone),
                Text(f"{entry.summary}{marks}"),
            )
        consoles.out.print(Text(f"timeline of case {case_id}", style="bold"), overflow="fold")
        consoles.out.print(Trimmed(table))
