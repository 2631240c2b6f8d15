"""Generate the demo municipality's log as batches in registration order.

Each child's case file is written from its own random stream, in one go, when the
merge reaches the first day the child can appear; its events wait in per-day buckets
until their registration day comes. Only the children with events still to come are
held in memory, so a national-size demo streams in linear time.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from operator import itemgetter
from typing import TYPE_CHECKING, Final

from caselog.demo.archive import box_day
from caselog.demo.children import write_child
from caselog.demo.config import DemoConfig
from caselog.demo.municipality import build_municipality
from caselog.demo.summary import DemoSummary

if TYPE_CHECKING:
    from collections.abc import Iterator

    from caselog.demo.ledger import Entry, Finding
    from caselog.events import Event

_GROWTH: Final = 0.5
"""Reports grow over the period (331,000 in 2018, about 420,000 in 2021)."""
_SORT_KEY: Final = itemgetter(0, 1, 2)


@dataclass(frozen=True, slots=True)
class DemoBatch:
    """Events registered together, at one moment, in one stream.

    The caller sets its injectable clock to `registered_at` and records the events in
    order; the log assigns `recorded_at = max(previous, clock)` (DESIGN.md D3). A batch
    is structurally whole with the batches before it (D5).
    """

    registered_at: datetime
    """When the events entered the case system: an aware UTC timestamp."""
    events: tuple[Event, ...]
    """The events, referenced ones before those that refer to them."""

    @property
    def stream(self) -> str:
        """The one stream all events of the batch belong to."""
        return self.events[0].stream


def _uniforms(seed: int, index: int) -> tuple[float, float]:
    """Two uniform draws for child `index` that do not depend on any other child."""
    digest = hashlib.blake2b(f"{seed}:plan:{index}".encode(), digest_size=16).digest()
    scale = float(2**64)
    return (
        int.from_bytes(digest[:8], "big") / scale,
        int.from_bytes(digest[8:], "big") / scale,
    )


def _first_day(config: DemoConfig, draw: float) -> date:
    """Place a child's first contact in the period, more often in later years.

    The density grows linearly by `_GROWTH` over the period; this inverts its CDF.
    """
    span = (config.end - config.start).days
    fraction = (math.sqrt(1 + 2 * _GROWTH * draw * (1 + _GROWTH / 2)) - 1) / _GROWTH
    return config.start + timedelta(days=min(span, int(fraction * (span + 1))))


def _plan(config: DemoConfig, boxed_on: date | None) -> list[tuple[int, int, date, bool]]:
    """Return, per child, (first registration day, index, first day, from the box)."""
    plans: list[tuple[int, int, date, bool]] = []
    for index in range(config.children):
        box_draw, day_draw = _uniforms(config.seed, index)
        if boxed_on is not None and box_draw < config.boxed_papers_rate:
            plans.append((boxed_on.toordinal(), index, boxed_on, True))
        else:
            start = _first_day(config, day_draw)
            plans.append((start.toordinal(), index, start, False))
    plans.sort()
    return plans


def _utc_day(when: datetime) -> int:
    return when.astimezone(UTC).date().toordinal()


def generate(
    config: DemoConfig | None = None, *, summary: DemoSummary | None = None
) -> Iterator[DemoBatch]:
    """Yield the demo municipality's log, batch by batch, in registration order.

    Pure and deterministic: no I/O, no wall clock, no global random state. If `summary`
    is given it is filled in as batches are yielded (complete once they run out).

    Raises:
        RuntimeError: if a story registers an event before its first possible day
            (a bug in the generator, never a property of the configuration).
    """
    config = config or DemoConfig()
    summary = summary if summary is not None else DemoSummary()
    town = build_municipality(config)
    buckets: dict[int, list[Entry]] = {}

    def take(entries: list[Entry], findings: list[Finding], not_before: int) -> None:
        for entry in entries:
            day = _utc_day(entry[0])
            if day < not_before:
                msg = f"{entry[4].event_id} registered before its story began"
                raise RuntimeError(msg)
            buckets.setdefault(day, []).append(entry)
        for pattern, event_id, _ in findings:
            summary.patterns[pattern.value].append(event_id)

    for ledger in town.shared:
        take(*ledger.finish(), not_before=0)
    plans = _plan(config, box_day(town))
    waiting = 0
    first = min([*buckets, *(p[0] for p in plans[:1])], default=0)
    for day in range(first, _utc_day(town.cutoff) + 1):
        while waiting < len(plans) and plans[waiting][0] <= day:
            lower, index, start, boxed = plans[waiting]
            take(*write_child(town, index, start, boxed=boxed), not_before=lower)
            summary.children += 1
            waiting += 1
        entries = buckets.pop(day, None)
        if entries:
            yield from _batches(entries, summary)
    for ids in summary.patterns.values():
        ids.sort()


def _batches(entries: list[Entry], summary: DemoSummary) -> Iterator[DemoBatch]:
    """Group one day's entries into batches of one moment and one stream."""
    entries.sort(key=_SORT_KEY)
    counts = summary.events_by_type
    start = 0
    for end in range(1, len(entries) + 1):
        if (
            end < len(entries)
            and entries[end][0] == entries[start][0]
            and (entries[end][3] == entries[start][3])
        ):
            continue
        batch = DemoBatch(entries[start][0], tuple(e[4] for e in entries[start:end]))
        for event in batch.events:
            counts[event.type] = counts.get(event.type, 0) + 1
        summary.events += len(batch.events)
        summary.batches += 1
        if summary.first_registered_at is None:
            summary.first_registered_at = batch.registered_at
        summary.last_registered_at = batch.registered_at
        start = end
        yield batch


def summarise(config: DemoConfig | None = None) -> DemoSummary:
    """Generate the demo once and return what it produced, without keeping the events."""
    summary = DemoSummary()
    for _ in generate(config, summary=summary):
        pass
    return summary
