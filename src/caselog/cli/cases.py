"""`caselog case` and `caselog timeline`: one case file, on both time axes."""

from __future__ import annotations

import csv
import json
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from caselog.cli.app import (
    Actor,
    CaseFormat,
    Db,
    Format,
    KnownAt,
    app,
    consoles,
    fail,
    open_or_exit,
    parse_date,
    parse_known_at,
)
from caselog.dates import swedish_date
from caselog.errors import CaselogError

if TYPE_CHECKING:
    pass


@app.command()
def case(
    case_id: Annotated[str, typer.Argument(help="The child's id (child_id).")],
    on: Annotated[str | None, typer.Option(help="Valid date (default: today).")] = None,
    known_at: KnownAt = None,
    fmt: Annotated[CaseFormat, typer.Option("--format")] = CaseFormat.TABLE,
    db: Db = None,
    actor: Actor = None,
) -> None:
    """Show a case's state on a date, as the log showed it at --known-at."""
    with open_or_exit(db, actor) as log:
        day = parse_date(on, "--on") if on else swedish_date(datetime.now(UTC))
        try:
            state = log.case(case_id, on=day, known_at=parse_known_at(known_at))
        except CaselogError as error:
            raise fail(error) from None
    data = state.model_dump(mode="json")
    if fmt is CaseFormat.JSON:
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return
    table = Table(title=f"case {case_id} on {day}", show_header=False)
    for key, value in data.items():
        table.add_row(key, _brief(value))
    consoles.out.print(table)


def _brief(value: Any) -> str:  # noqa: ANN401 - any JSON value
    if isinstance(value, list):
        return f"{len(value)} item(s)" + (f": {_brief(value[-1])} (latest)" if value else "")
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items() if v not in (None, [], {}))
    return "—" if value is None else str(value)


@app.command()
def timeline(
    case_id: Annotated[str, typer.Argument(help="The child's id (child_id).")],
    known_at: KnownAt = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.TABLE,
    db: Db = None,
    actor: Actor = None,
) -> None:
    """List a case's events with both time axes; mark late registrations and corrections."""
    with open_or_exit(db, actor) as log:
        try:
            entries = log.timeline(case_id, known_at=parse_known_at(known_at))
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
        table = Table(title=f"timeline of case {case_id}")
        for column in ("pos", "occurred_on", "recorded_at", "type", "marks", "summary"):
            table.add_column(column)
        for entry in entries:
            table.add_row(
                str(entry.position),
                str(entry.occurred_on),
                entry.recorded_at.strftime("%Y-%m-%d %H:%M"),
                entry.type,
                ", ".join(entry.marks),
                entry.summary,
            )
        consoles.out.print(table)
