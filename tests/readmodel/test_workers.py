"""A rebuild hands the pool a few chunks at a time, never the whole log at once.

`Executor.map` takes every item before the first result: for a rebuild that was every
stream of the log, decoded, in the main process (2.6 GB at 100,000 children).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import pytest

from caselog.api.read_model_workers import map_bounded

if TYPE_CHECKING:
    from collections.abc import Iterator


def test_results_come_in_order_with_few_items_taken_ahead() -> None:
    """Each result is yielded with at most `ahead` items taken beyond it."""
    taken: list[int] = []

    def items() -> Iterator[int]:
        for n in range(50):
            taken.append(n)
            yield n

    with ThreadPoolExecutor(2) as pool:
        for n, result in enumerate(map_bounded(pool, lambda x: x * x, items(), ahead=4)):
            assert result == n * n
            assert len(taken) <= n + 4, f"{len(taken)} items taken when result {n} came"
    assert taken == list(range(50))


def test_an_error_in_the_work_reaches_the_caller() -> None:
    """A chunk that fails fails the rebuild, with its own error."""

    def work(n: int) -> int:
        if n == 3:
            msg = "chunk 3 failed"
            raise ValueError(msg)
        return n

    with ThreadPoolExecutor(2) as pool:
        results = map_bounded(pool, work, range(10), ahead=2)
        assert [next(results) for _ in range(3)] == [0, 1, 2]
        with pytest.raises(ValueError, match="chunk 3 failed"):
            next(results)
