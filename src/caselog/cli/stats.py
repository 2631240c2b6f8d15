"""`caselog stats`: the standard figures of RULES.md §8 per month, quarter or year.

The table fits 80 columns: one line per period and figure, shares as percentages.
JSON, CSV and Parquet carry the frame's columns (`period`, `figure`, `value`,
`numerator`, `denominator`); they go to standard output, or to `--out FILE`, written
whole or not at all. Parquet is binary: to a terminal it is refused, so that it never
fills one with bytes.
"""

from __future__ import annotations

import csv
import io
import os
import sys
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import orjson
import typer
from rich.markup import escape

from caselog.cli.app import (
    Actor,
    Db,
    KnownAt,
    Purpose,
    Trimmed,
    app,
    consoles,
    fail,
    open_or_exit,
    parse_date,
    parse_known_at,
    parse_period,
    plain_table,
    working,
)
from caselog.cli.read_models import notices
from caselog.errors import CaselogError
from caselog.rules.statistics import SHARES, By

if TYPE_CHECKING:
    from caselog.api.statistics import Statistics


class StatsFormat(StrEnum):
    """The formats of `caselog stats`."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    PARQUET = "parquet"


@app.command()
def stats(
    on: Annotated[str, typer.Option(metavar="DATE", help="The day the figures are judged on.")],
    start: Annotated[
        str | None,
        typer.Option("--from", metavar="DATE", help="The first period holds this day."),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option("--to", metavar="DATE", help="The last period holds this day (≤ --on)."),
    ] = None,
    by: Annotated[By, typer.Option("--by", help="The length of a period.")] = By.MONTH,
    fmt: Annotated[StatsFormat, typer.Option("--format")] = StatsFormat.TABLE,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", metavar="FILE", dir_okay=False, help="Write to FILE (default: stdout)."
        ),
    ] = None,
    known_at: KnownAt = None,
    db: Db = None,
    actor: Actor = None,
    purpose: Purpose = None,
) -> None:
    """The standard figures: förhandsbedömningar, investigations, reviews, visits, lag."""
    day = parse_date(on, "--on")
    first, last = parse_period(start, end)
    moment = parse_known_at(known_at)
    if fmt is StatsFormat.PARQUET and out is None and stdout_is_terminal():
        msg = "Parquet is binary: give --out FILE, or send standard output to a pipe"
        raise typer.BadParameter(msg, param_hint="--format")
    with (
        open_or_exit(db, actor, purpose=purpose) as log,
        working(f"counting figures on {day}"),
        notices(),
    ):
        try:
            figures = log.stats(on=day, from_=first, to=last, by=by, known_at=moment)
        except CaselogError as error:
            raise fail(error) from None
        except ValueError as error:
            consoles.err.print(f"[red]error:[/red] {escape(str(error))}", highlight=False)
            raise typer.Exit(2) from None
    if fmt is StatsFormat.TABLE:
        _write_table(figures)
    else:
        _write(_encoded(figures, fmt), out)


def stdout_is_terminal() -> bool:
    """Whether standard output is a terminal (where binary Parquet must not go)."""
    return sys.stdout.isatty()


def _encoded(figures: Statistics, fmt: StatsFormat) -> bytes:
    """The figures as JSON, CSV or Parquet bytes."""
    if fmt is StatsFormat.JSON:
        return orjson.dumps(figures.records(), option=orjson.OPT_INDENT_2) + b"\n"
    if fmt is StatsFormat.CSV:
        text = io.StringIO()
        writer = csv.DictWriter(
            text, fieldnames=["period", "figure", "value", "numerator", "denominator"]
        )
        writer.writeheader()
        writer.writerows(figures.records())
        return text.getvalue().encode()
    import pyarrow.parquet as pq  # noqa: PLC0415 - only Parquet needs it

    sink = io.BytesIO()
    pq.write_table(figures.to_arrow(), sink)
    return sink.getvalue()


def _write(data: bytes, out: Path | None) -> None:
    """To standard output, or to `out` whole: a temporary file renamed into place."""
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        handle, name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.")
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        Path(name).replace(out)
    except OSError as error:
        consoles.err.print(f"[red]error:[/red] cannot write {out}: {error.strerror}")
        raise typer.Exit(2) from None


def _value(name: str, value: float) -> str:
    return f"{100 * value:.1f} %" if name in SHARES else f"{value:.1f}"


def _write_table(figures: Statistics) -> None:
    """One line per period and figure; the counts a share is made of beside it."""
    by = figures.by.value
    if not figures:
        consoles.out.print(f"no figures: nothing to count in these {by}s", highlight=False)
        return
    table = plain_table(title=f"figures by {by}", title_justify="left")
    table.add_column(by, no_wrap=True)
    table.add_column("figure", no_wrap=True)
    table.add_column("value", justify="right", no_wrap=True)
    table.add_column("of", justify="right", no_wrap=True)
    for f in figures:
        counts = (
            f"{f.numerator}/{f.denominator}"
            if f.numerator is not None
            else f"n={f.denominator}"
            if f.denominator is not None
            else ""
        )
        table.add_row(f.period.isoformat(), f.name.value, _value(f.name, f.value), counts)
    consoles.out.print(Trimmed(table), highlight=False)
