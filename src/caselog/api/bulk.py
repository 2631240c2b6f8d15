"""Working with millions of small objects at once: ingest, and judging a municipality.

Both allocate millions of small, acyclic objects (events, ids, rows). The cyclic garbage
collector's repeated full passes over them cost more than the work itself (measured:
validation ran twice as fast without them; judging 10,000 children spent a third of its
time collecting). Reference counting still frees everything, and the collector resumes
afterwards.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator


@contextmanager
def bulk_allocation() -> Iterator[None]:
    """Pause the cyclic garbage collector for the length of one bulk operation."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
