"""`caselog demo`: a demo municipality recorded day by day, replayed and judged."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from caselog.api import ManualClock, Obligations
from caselog.cli.app import (
    Actor,
    Db,
    app,
    consoles,
    open_or_exit,
    progress_bar,
)
from caselog.dates import swedish_date
from caselog.demo import DemoConfig, DemoSummary, generate
from caselog.rules.model import FINDINGS, Status

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from caselog.demo import DemoBatch
    from caselog.events import Event


@app.command()
def demo(
    children: Annotated[int, typer.Option(help="How many children.")] = 3000,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same log).")] = 2019,
    db: Db = None,
    actor: Actor = None,
) -> None:
    """Generate a demo municipality and record it day by day through the log's clock."""
    config = DemoConfig(seed=seed, children=children)
    summary = DemoSummary()
    clock = ManualClock(datetime(2000, 1, 1, tzinfo=UTC))
    written = skipped = 0
    with open_or_exit(db, actor or "demo", clock) as log, progress_bar() as bar:
        task = bar.add_task("recording", total=None)
        for registered_at, events in _days(generate(config, summary=summary)):
            clock.set(registered_at)
            result = log.ingest(events)
            written += result.written
            skipped += result.already_stored
            bar.advance(task, len(events))
        url = log.url
        bar.stop()
        consoles.out.print(
            f"recorded {written} event(s) about {summary.children} children into {url}"
            + (f" ({skipped} were already there)" if skipped else "")
        )
        patterns = Table(title="IVO patterns put into the demo municipality")
        patterns.add_column("pattern")
        patterns.add_column("cases", justify="right")
        for pattern, count in summary.pattern_counts().items():
            patterns.add_row(pattern, str(count))
        consoles.out.print(patterns)
        consoles.out.print(_judged(log.obligations(on=config.end), f"judged on {config.end}"))
        box = config.box_registered_on - timedelta(days=1)
        then = log.obligations(on=box, known_at=box, status=FINDINGS)
        now = log.obligations(on=box, status=FINDINGS)
        consoles.out.print(
            f"findings about {box}: {len(then)} as the records showed that day, "
            f"{len(now)} as known now (papers registered late, corrections, retractions)"
        )


def _judged(found: Obligations, title: str) -> Table:
    """A rule × status count table: what the rules found."""
    counts: dict[str, dict[str, int]] = {}
    for o in found:
        row = counts.setdefault(o.rule_id, {})
        row[o.status.value] = row.get(o.status.value, 0) + 1
    table = Table(title=title)
    table.add_column("rule")
    for status in Status:
        table.add_column(status.value, justify="right")
    for rule_id, row in sorted(counts.items(), key=lambda item: _rule_order(item[0])):
        table.add_row(rule_id, *(str(row.get(status.value, "")) for status in Status))
    return table


def _rule_order(rule_id: str) -> tuple[int, str]:
    return int(rule_id[1:3]), rule_id[3:]


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
