"""`caselog compliance`: every legal duty judged on a date.

The table is made for a terminal of 80 columns: one line per obligation with full ids,
and its explanation and statute indented beneath it; `--summary` counts them instead, by
rule and status. JSON and CSV carry every stable field.
"""

from __future__ import annotations

import csv
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import orjson
import typer
from rich.cells import cell_len
from rich.markup import escape
from rich.padding import Padding
from rich.text import Text

from caselog.api import COLUMNS, Obligations
from caselog.cli.app import (
    Actor,
    Db,
    Format,
    KnownAt,
    LangOption,
    Purpose,
    Trimmed,
    app,
    consoles,
    fail,
    open_or_exit,
    parse_date,
    parse_known_at,
    parse_period,
    parse_statuses,
    plain_table,
    working,
)
from caselog.cli.read_models import Reference, notices
from caselog.dates import swedish_date
from caselog.errors import CaselogError
from caselog.reports.catalogue import Catalogue, Lang
from caselog.rules.model import FINDINGS, Severity, Status
from caselog.rules.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Iterable

    from rich.console import Console

    from caselog.rules.model import Obligation

EXIT_FOUND = 3
"""The exit code of `--fail-on` when an obligation has one of its statuses."""

_STATUS_STYLE = {
    Status.OVERDUE: "red",
    Status.BREACHED: "bold red",
    Status.PENDING: "yellow",
    Status.MET_LATE: "magenta",
    Status.WAIVED: "cyan",
    Status.MET: "green",
    Status.NOT_APPLICABLE: "dim",
}
_SEVERITY_STYLE = {Severity.CRITICAL: "bold red", Severity.HIGH: "red"}
_INDENT = 4


@app.command()
def compliance(
    on: Annotated[
        str | None, typer.Option(metavar="DATE", help="Valid date (default: today).")
    ] = None,
    known_at: KnownAt = None,
    case_id: Annotated[
        str | None, typer.Option("--case", metavar="ID", help="One child's id.")
    ] = None,
    rule: Annotated[
        str | None, typer.Option(metavar="R", help="A rule id, e.g. R05 (R16: R16a–c).")
    ] = None,
    status: Annotated[
        list[str] | None,
        typer.Option(
            metavar="STATUS", help="Only these statuses (repeatable, or comma-separated)."
        ),
    ] = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also list met and not applicable duties.")
    ] = False,
    start: Annotated[
        str | None,
        typer.Option("--from", metavar="DATE", help="Only duties triggered on or after this date."),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option("--to", metavar="DATE", help="Only duties triggered on or before this date."),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(min=1, metavar="N", help="List at most this many (the counts stay whole)."),
    ] = None,
    summary: Annotated[
        bool, typer.Option("--summary", help="Count by rule and status instead of listing.")
    ] = False,
    fail_on: Annotated[
        list[str] | None,
        typer.Option(
            "--fail-on",
            metavar="STATUS,…",
            help="Exit with 3 if a listed duty has one of these statuses (e.g. overdue,breached).",
        ),
    ] = None,
    settings: Annotated[
        Path | None, typer.Option(exists=True, dir_okay=False, help="Routine parameters (TOML).")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.TABLE,
    lang: LangOption = Lang.EN,
    reference: Reference = False,
    db: Db = None,
    actor: Actor = None,
    purpose: Purpose = None,
) -> None:
    """Judge every legal duty on a date: findings by default, everything with --all."""
    day = parse_date(on, "--on") if on else swedish_date(datetime.now(UTC))
    moment = parse_known_at(known_at)
    first, last = parse_period(start, end)
    statuses = parse_statuses(status, "--status")
    failing = set(parse_statuses(fail_on, "--fail-on") or ())
    try:
        loaded = Settings.from_toml(settings) if settings else None
    except (CaselogError, ValueError) as error:
        consoles.err.print(f"[red]error:[/red] {escape(str(error))}", highlight=False)
        raise typer.Exit(2) from None
    with (
        open_or_exit(db, actor, settings=loaded, purpose=purpose) as log,
        working(f"judging duties on {day}"),
        notices(),
    ):
        try:
            judged = log.obligations(
                on=day,
                known_at=moment,
                case_id=case_id,
                rule=rule,
                status=statuses or (None if show_all else FINDINGS),
                reference=reference,
            )
        except CaselogError as error:
            raise fail(error) from None
    found = _in_period(judged, first, last)
    words = Catalogue(lang)
    if summary:
        _write_summary(found, fmt, words, day)
    elif fmt is Format.JSON:
        _write_json(found[:limit])
    elif fmt is Format.CSV:
        _write_csv(found[:limit])
    else:
        title = _title(words, day, known_at, first, last)
        write_findings(consoles.out, found, words, title=title, limit=limit)
    if failing and any(o.status in failing for o in found):
        raise typer.Exit(EXIT_FOUND)


def _in_period(found: Obligations, first: date | None, last: date | None) -> Obligations:
    """The obligations triggered in the period (its days included), or all of them."""
    if first is None and last is None:
        return found
    return Obligations(
        tuple(
            o
            for o in found
            if (first is None or first <= o.trigger_on) and (last is None or o.trigger_on <= last)
        )
    )


def _title(
    words: Catalogue, day: date, known_at: str | None, first: date | None, last: date | None
) -> str:
    title = words("compliance on", on=day)
    if known_at:
        title += ", " + words("known at", at=known_at)
    if first or last:
        title += ", " + words("period", start=first or "…", end=last or "…")
    return title


def write_findings(
    console: Console,
    found: Obligations,
    words: Catalogue,
    *,
    title: str,
    limit: int | None = None,
) -> None:
    """One line per obligation in aligned columns, its explanation and statute beneath.

    Ids are never cut: the columns are as wide as their longest value, and only the
    explanation wraps (indented). A terminal of 80 columns holds a line in either language.
    """
    shown = found[:limit]
    headers = [words(key) for key in ("case", "rule", "trigger", "due", "status", "days")]
    headers.append(words("severity"))
    rows = [_cells(o, words) for o in shown]
    widths = [max([cell_len(h), *(cell_len(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    # Two blanks between columns, one when that does not fit (long ids, Swedish statuses).
    gap = 2 if sum(widths) + 2 * (len(widths) - 1) <= console.width else 1
    console.print(Text(title, style="bold"), overflow="fold")
    console.print(_line(headers, widths, gap, style="bold"), overflow="fold")
    for o, cells in zip(shown, rows, strict=True):
        styles = {4: _STATUS_STYLE[o.status], 6: _SEVERITY_STYLE.get(o.severity, "")}
        console.print(_line(cells, widths, gap, styles=styles), overflow="fold")
        console.print(Trimmed(Padding(_duty(o, words), (0, 0, 0, _INDENT))))
    console.print(Trimmed(Text(_count_line(found, len(shown), words))))


def _duty(o: Obligation, words: Catalogue) -> Text:
    """The duty in a sentence, with its part and statute: the line has its status."""
    sentence = o.sentence_sv if words.lang is Lang.SV else o.sentence_en
    duty = Text(f"{words.part(o.part)}: {sentence}" if o.part else sentence)
    duty.append(f" · {o.citation}", style="dim")
    return duty


def _cells(o: Obligation, words: Catalogue) -> list[str]:
    days = o.days_late if o.days_late is not None else o.days_overdue
    return [
        o.case_id,
        o.rule_id + (f" #{o.period}" if o.period else ""),
        str(o.trigger_on),
        str(o.effective_due_on or ""),
        words.status(o.status),
        "" if days is None else str(days),
        words.severity(o.severity),
    ]


_RIGHT = frozenset({5})  # days


def _line(
    cells: list[str],
    widths: list[int],
    gap: int,
    *,
    style: str = "",
    styles: dict[int, str] | None = None,
) -> Text:
    """The cells padded to their column widths, `gap` blanks apart, without trailing blanks.

    `styles` colours single cells (the status, a grave severity); only a terminal shows it.
    """
    line = Text(style=style)
    for column, (cell, width) in enumerate(zip(cells, widths, strict=True)):
        blanks = " " * (width - cell_len(cell))
        if column:
            line.append(" " * gap)
        if column in _RIGHT:
            line.append(blanks)
        line.append(cell, style=(styles or {}).get(column, ""))
        if column not in _RIGHT:
            line.append(blanks)
    line.rstrip()
    return line


def _count_line(found: Obligations, shown: int, words: Catalogue) -> str:
    counts = found.by_status()
    by_status = ", ".join(
        f"{words.status(status)} {counts[status.value]}" for status in Status if status in counts
    )
    line = words("obligations", count=len(found))
    if shown < len(found):
        line = words("shown", shown=shown, count=line)
    return line + (f": {by_status}" if by_status else "")


def write_summary(
    console: Console, found: Iterable[Obligation], words: Catalogue, title: str
) -> None:
    """A title, and a rule × status count table with totals: what the rules found.

    Only the statuses that occur get a column, so it fits 80 columns in either language.
    """
    counts = _counts(found)
    present = [s for s in Status if any(s in row for row in counts.values())]
    table = plain_table(show_footer=True)
    table.add_column(words("rule"), footer=words("total"))
    for status in present:
        total = sum(row.get(status, 0) for row in counts.values())
        table.add_column(words.status(status), justify="right", footer=str(total))
    for rule_id, row in counts.items():
        table.add_row(rule_id, *(str(row.get(status, "")) for status in present))
    console.print(Text(title, style="bold"), overflow="fold")
    if counts:
        console.print(Trimmed(table))


def _counts(found: Iterable[Obligation]) -> dict[str, dict[Status, int]]:
    """How many obligations of each rule have each status, rules in catalogue order."""
    counts: dict[str, dict[Status, int]] = {}
    for o in found:
        row = counts.setdefault(o.rule_id, {})
        row[o.status] = row.get(o.status, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: _rule_order(item[0])))


def _rule_order(rule_id: str) -> tuple[int, str]:
    """R03 before R03b before R10: by number, then by letter."""
    digits = rule_id[1:].rstrip("abcdefghijklmnopqrstuvwxyz")
    return (int(digits) if digits.isdigit() else 0), rule_id


def _write_summary(found: Obligations, fmt: Format, words: Catalogue, day: date) -> None:
    """The rule × status counts as a table, or as JSON / CSV rows (`rule_id`, statuses)."""
    if fmt is Format.TABLE:
        write_summary(consoles.out, found, words, words("summary on", on=day))
        consoles.out.print(Trimmed(Text(_count_line(found, len(found), words))))
        return
    rows = [
        {"rule_id": rule_id, **{s.value: row.get(s, 0) for s in Status}}
        for rule_id, row in _counts(found).items()
    ]
    if fmt is Format.JSON:
        sys.stdout.buffer.write(orjson.dumps(rows, option=orjson.OPT_INDENT_2) + b"\n")
    else:
        writer = csv.DictWriter(sys.stdout, fieldnames=["rule_id", *(s.value for s in Status)])
        writer.writeheader()
        writer.writerows(rows)


def _write_csv(found: Obligations) -> None:
    writer = csv.DictWriter(sys.stdout, fieldnames=list(COLUMNS))
    writer.writeheader()
    for o in found:
        row = o.as_record()
        writer.writerow({k: "|".join(v) if isinstance(v, list) else v for k, v in row.items()})


def _write_json(found: Obligations) -> None:
    """A JSON array, one row per line, written as it is made (orjson; no copy of the rows)."""
    out = sys.stdout.buffer
    out.write(b"[")
    for number, o in enumerate(found):
        out.write(b"\n" if number == 0 else b",\n")
        out.write(orjson.dumps(o.as_record()))
    out.write(b"\n]\n" if found else b"]\n")
    out.flush()
