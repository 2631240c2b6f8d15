"""Judging streams for the read models, in this process or in a worker of a pool.

A rebuild judges chunks of streams on both cores (`ProcessPoolExecutor`): each worker is
given the referred streams, the settings and the horizon once, when it starts, and then
only chunks of streams.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, TypeVar

from caselog.rules.spans import stream_spans

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence
    from concurrent.futures import Executor, Future
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


In = TypeVar("In")
Out = TypeVar("Out")


def map_bounded(
    pool: Executor, work: Callable[[In], Out], items: Iterable[In], ahead: int
) -> Iterator[Out]:
    """`pool.map(work, items)`, but taking at most `ahead` items before their results.

    `Executor.map` takes every item at once: a rebuild's chunks are the whole log,
    decoded — 2.6 GB in the main process at 100,000 children. Results come in order.
    """
    waiting: deque[Future[Out]] = deque()
    for item in items:
        waiting.append(pool.submit(work, item))
        if len(waiting) >= ahead:
            yield waiting.popleft().result()
    while waiting:
        yield waiting.popleft().result()
