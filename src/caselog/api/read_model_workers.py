"""Judging streams for the read models, in this process or in a worker of a pool.

A rebuild judges chunks of streams on both cores (`ProcessPoolExecutor`): each worker is
given the referred streams, the settings and the horizon once, when it starts, and then
only chunks of streams.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from caselog.rules.spans import stream_spans

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date

    from caselog.events import Event, Recorded
    from caselog.rules.referred import Referred
    from caselog.rules.settings import Settings
    from caselog.rules.spans import StreamSpans


def judge_chunk(
    chunk: Sequence[tuple[str, Sequence[Recorded[Event]]]],
    referred: Referred,
    settings: Settings,
    horizon: date,
) -> list[StreamSpans]:
    """The spans of each stream of `chunk`."""
    return [
        stream_spans(name, records, referred=referred, settings=settings, horizon=horizon)
        for name, records in chunk
    ]


_WORKER: list[tuple[Referred, Settings, date]] = []


def start_worker(referred: Referred, settings: Settings, horizon: date) -> None:
    """A pool worker's initializer: what every chunk it judges shares."""
    _WORKER.append((referred, settings, horizon))


def judge_in_worker(chunk: Sequence[tuple[str, Sequence[Recorded[Event]]]]) -> list[StreamSpans]:
    """`judge_chunk` in a pool worker, with what `start_worker` was given."""
    referred, settings, horizon = _WORKER[0]
    return judge_chunk(chunk, referred, settings, horizon)
