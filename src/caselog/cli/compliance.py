"""`caselog compliance`: every legal duty judged on a date."""

from __future__ import annotations

import csv
import sys
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import orjson
import typer
from rich.table import Table

from caselog.api import COLUMNS
from caselog.cli.app import (
    Actor,
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
from caselog.rules.model import FINDINGS, Status
from caselog.rules.settings import Settings

if TYPE_CHECKING:
    from caselog.api import Obligations


class Lang(StrEnum):
    """Report languages."""

    SV = "sv"
    EN = "en"


_HEADERS = {
    Lang.EN: (
        "case",
        "rule",
        "trigger",
        "due",
        "done",
        "status",
        "days",
        "severity",
        "law",
        "what",
    ),
    Lang.SV: (
        "ärende",
        "regel",
        "utlöst",
        "senast",
        "utfört",
        "status",
        "dagar",
        "allvar",
        "lag",
        "vad",
    ),
}


@app.command()
def compliance(
    on: Annotated[str | None, typer.Option(help="Valid date (default: today).")] = None,
    known_at: KnownAt = None,
    case_id: Annotated[str | None, typer.Option("--case", help="One child's id.")] = None,
    rule: Annotated[str | None, typer.Option(help="A rule id, e.g. R05 (R16: R16a–c).")] = None,
    status: Annotated[
        list[str] | None, typer.Option(help="Only these statuses (repeatable).")
    ] = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also list met and not applicable duties.")
    ] = False,
    settings: Annotated[
        Path | None, typer.Option(exists=True, dir_okay=False, help="Routine parameters (TOML).")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.TABLE,
    lang: Annotated[Lang, typer.Option(help="Language of explanations and headers.")] = Lang.EN,
    db: Db = None,
    actor: Actor = None,
) -> None:
    """Judge every legal duty on a date: findings by default, everything with --all."""
    day = parse_date(on, "--on") if on else swedish_date(datetime.now(UTC))
    try:
        loaded = Settings.from_toml(settings) if settings else None
        statuses = [Status(s) for s in status] if status else None
    except (CaselogError, ValueError) as error:
        consoles.err.print(f"[red]error:[/red] {error}", highlight=False)
        raise typer.Exit(2) from None
    with open_or_exit(db, actor, settings=loaded) as log:
        try:
            found = log.obligations(
                on=day,
                known_at=parse_known_at(known_at),
                case_id=case_id,
                rule=rule,
                status=statuses or (None if show_all else FINDINGS),
            )
        except CaselogError as error:
            raise fail(error) from None
    if fmt is Format.JSON:
        _write_json(found)
        return
    if fmt is Format.CSV:
        writer = csv.DictWriter(sys.stdout, fieldnames=list(COLUMNS))
        writer.writeheader()
        for o in found:
            row = o.as_record()
            writer.writerow({k: "|".join(v) if isinstance(v, list) else v for k, v in row.items()})
        return
    table = Table(title=f"compliance on {day}" if lang is Lang.EN else f"regelefterlevnad {day}")
    for header in _HEADERS[lang]:
        table.add_column(header)
    for o in found:
        table.add_row(
            o.case_id,
            o.rule_id + (f" {o.part}" if o.part else "") + (f" #{o.period}" if o.period else ""),
            str(o.trigger_on),
            str(o.effective_due_on or ""),
            str(o.satisfied_on or ""),
            o.status.value,
            str(o.days_late or o.days_overdue or ""),
            o.severity.value,
            o.citation,
            o.explanation_sv if lang is Lang.SV else o.explanation_en,
        )
    consoles.out.print(table)
    counts = ", ".join(f"{k}: {v}" for k, v in sorted(found.by_status().items()))
    consoles.out.print(f"{len(found)} obligation(s)" + (f" ({counts})" if counts else ""))


def _write_json(found: Obligations) -> None:
    """A JSON array, one row per line, written as it is made (orjson; no copy of the rows)."""
    out = sys.stdout.buffer
    out.write(b"[")
    for number, o in enumerate(found):
        out.write(b"\n" if number == 0 else b",\n")
        out.write(orjson.dumps(o.as_record()))
    out.write(b"\n]\n" if found else b"]\n")
    out.flush()
