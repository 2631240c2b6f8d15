"""`caselog demo`: a demo municipality recorded day by day, replayed and judged."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

from caselog.api import ManualClock
from caselog.cli.app import (
    Actor,
    Db,
    Trimmed,
    app,
    consoles,
    fail,
    open_or_exit,
    plain_table,
    progress_bar,
    working,
)
from caselog.cli.compliance import write_summary
from caselog.cli.purge import announce_master_key
from caselog.cli.read_models import keep_current, notices
from caselog.dates import swedish_date
from caselog.demo import DemoConfig, DemoSummary, generate
from caselog.errors import CaselogError, IngestRejectedError
from caselog.reports.catalogue import Catalogue
from caselog.rules.model import FINDINGS

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from caselog.demo import DemoBatch
    from caselog.events import Event


_MAX_CHILDREN = 10_000_000


@app.command()
def demo(
    children: Annotated[
        int, typer.Option(min=0, max=_MAX_CHILDREN, help="How many children.")
    ] = 3000,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same log).")] = 2019,
    db: Db = None,
    actor: Actor = None,
) -> None:
    """Generate a demo municipality and record it day by day through the log's clock."""
    config = DemoConfig(seed=seed, children=children)
    summary = DemoSummary()
    clock = ManualClock(datetime(2000, 1, 1, tzinfo=UTC))
    written = skipped = 0
    with open_or_exit(db, actor or "demo", clock) as log, notices():
        held = log.store.count()
        log.upkeep = False  # judged once, after the last day, not after every day
        with progress_bar() as bar:
            task = bar.add_task("recording", total=None)
            for registered_at, events in _days(generate(config, summary=summary)):
                clock.set(registered_at)
                try:
                    result = log.ingest(events)
                except CaselogError as error:
                    bar.stop()
                    raise _refused(error, log.url, held) from None
                written += result.written
                skipped += result.already_stored
                bar.advance(task, len(events))
        try:
            keep_current(log)
        except CaselogError as error:
            raise fail(error) from None
        url = log.url
        announce_master_key(log)
        recorded = f"recorded {written} event(s) about {summary.children} children into {url}"
        already = f" ({skipped} were already there)" if skipped else ""
        consoles.out.print(Trimmed(Text(recorded + already)))
        patterns = plain_table()
        patterns.add_column("pattern")
        patterns.add_column("cases", justify="right")
        for pattern, count in summary.pattern_counts().items():
            patterns.add_row(pattern, str(count))
        consoles.out.print(Text("IVO patterns put into the demo municipality", style="bold"))
        consoles.out.print(Trimmed(patterns))
        with working(f"judging duties on {config.end}"):
            judged = log.obligations(on=config.end)
        write_summary(consoles.out, judged, Catalogue(), f"judged on {config.end}")
        box = config.box_registered_on - timedelta(days=1)
        with working(f"judging duties on {box}"):
            then = log.obligations(on=box, known_at=box, status=FINDINGS)
            now = log.obligations(on=box, status=FINDINGS)
        consoles.out.print(
            Trimmed(
                Text(
                    f"findings about {box}: {len(then)} as the records showed that day, "
                    f"{len(now)} as known now (papers registered late, corrections, "
                    "retractions)"
                )
            )
        )
    where = "" if db is None else f" --db {url}"
    consoles.out.print(
        Trimmed(
            Text(
                f"next: caselog cases --with-findings{where}\n"
                f"      caselog compliance --on {box} --summary{where}"
            )
        )
    )


def _refused(error: CaselogError, url: str, held: int) -> typer.Exit:
    """Why the demo stopped; a log that held events before is most likely another demo's."""
    if held and isinstance(error, IngestRejectedError) and error.errors:
        consoles.err.print(
            f"error: {url} already held {held} event(s) that this demo contradicts (a demo "
            f"made with another --seed or --children?); record it into a new --db. "
            f"The first problem: {error.errors[0]}",
            highlight=False,
        )
        return typer.Exit(1)
    return fail(error)


def _days(batches: Iterable[DemoBatch]) -> Iterator[tuple[datetime, list[Event]]]:
    """Group the demo's batches by Swedish registration day: one commit per working day.

    The log's clock stands at the day's last registration, so `recorded_at` keeps the day
    (what `--known-at DATE` asks about) while the demo stays fast.
    """
    day: date | None = None
    events: list[Event] = []
    last = datetime(2000, 1, 1, tzinfo=UTC)
    for batch in batches:
        today = swedish_date(batch.registered_at)
        if day is not None and today != day and events:
            yield last, events
            events = []
        day, last = today, batch.registered_at
        events.extend(batch.events)
    if events:
        yield last, events
