"""A pool of `CaseLog`s: each request borrows one log, which serves no one else meanwhile.

A `CaseLog` holds connections and read-model state meant for one caller at a time (the
library's concurrent readers and writers each open their own, `tests/api`); the service
answers many requests at once, so it keeps a few open logs and lends them out. Each is
opened as the service itself; every read and write names the token's actor instead
(`actor=` on `CaseLog`'s methods), so the access log shows who asked.

A write does not wait for the read models (`upkeep` off, as `caselog ingest` does): a
keeper thread brings them up to date after writes, many writes at a time, and a read
that finds them behind catches them up first (`ReadModels.why_not`), so answers stay
exact while a live integration's single-event posts stay fast.
"""

from __future__ import annotations

import io
import logging
import queue
import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from caselog.api import CaseLog, open_log
from caselog.errors import StoreNotFoundError
from caselog.storage import require_log

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from datetime import datetime

    from caselog.api import IngestResult
    from caselog.rules.settings import Settings


_LOG = logging.getLogger("caselog.service")
SETTLE_SECONDS = 1.0
"""How long the keeper lets writes gather before it catches the read models up."""


class LogPool:
    """Up to `size` open logs of one URL, opened when first needed, closed at shutdown."""

    def __init__(
        self,
        url: str,
        *,
        actor: str,
        size: int,
        clock: Callable[[], datetime] | None = None,
        settings: Settings | None = None,
    ) -> None:
        """Lend logs of `url`, opened as `actor`; an in-memory log is shared by one at most."""
        self.url = url
        self.actor = actor
        self.clock = clock
        self.settings = settings
        # An in-memory SQLite log is private to its opener: two would be two logs.
        self.size = 1 if url in {"sqlite://", "sqlite:///:memory:"} else size
        self._idle: queue.LifoQueue[CaseLog] = queue.LifoQueue()
        self._opened: list[CaseLog] = []
        self._lock = threading.Lock()
        self._first = threading.Lock()
        self._behind = threading.Event()
        self._stopping = threading.Event()
        self._current = False
        self._keeper: threading.Thread | None = None

    @contextmanager
    def log(self) -> Iterator[CaseLog]:
        """Borrow a log for one request; wait for one when all are lent out.

        Raises:
            StorageError: the log cannot be opened (a lost database: the caller answers 503).
        """
        found = self._take()
        try:
            yield found
        finally:
            self._idle.put(found)

    def _take(self) -> CaseLog:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            if len(self._opened) < self.size:
                opened = self._open()
                self._opened.append(opened)
                return opened
        return self._idle.get()

    def _open(self) -> CaseLog:
        opened = open_log(self.url, actor=self.actor, clock=self.clock, settings=self.settings)
        opened.upkeep = False  # the keeper's work, after the write is answered
        return opened

    def ingest(self, source: io.BytesIO | list[Any], *, actor: str) -> IngestResult:
        """`CaseLog.ingest` on a borrowed log, as `actor`; the keeper follows it up.

        Until the read models are known to be current here, writes take turns and each
        brings them up to date itself: the first write of a new log creates the log and
        its read models, which concurrent first appends of several pooled logs must not
        race to do. After that the writes run side by side and the keeper follows them.
        """
        if self._current:
            return self._ingest(source, actor, upkeep=False)
        with self._first:
            return self._ingest(source, actor, upkeep=not self._current)

    def _ingest(self, source: io.BytesIO | list[Any], actor: str, *, upkeep: bool) -> IngestResult:
        with self.log() as log:
            log.upkeep = upkeep
            result = log.ingest(source, actor=actor)
        if result.written and upkeep:
            self._current = True
        elif result.written:
            self._behind.set()
        return result

    def keep(self) -> None:
        """Start the keeper thread (at startup, catching up at once); `close` stops it."""
        self._behind.set()
        # A daemon: killed hard, its transaction rolls back, and a read catches up instead.
        self._keeper = threading.Thread(
            target=self._keeping, name="caselog-read-models", daemon=True
        )
        self._keeper.start()

    def _keeping(self) -> None:
        """Catch the read models up after writes, until closed; one catch-up covers many.

        It lets the writes settle a moment first: a case file written to again meanwhile
        is judged once, not once per event (a read that cannot wait catches up itself).
        """
        while True:
            self._behind.wait()
            if self._stopping.wait(SETTLE_SECONDS):
                return
            self._behind.clear()
            try:
                with self.log() as log:
                    require_log(log.store)  # never make a log by catching up
                    log.read_models.catch_up()
            except StoreNotFoundError:
                continue  # nothing written yet: the first write makes them
            except Exception:  # noqa: BLE001 - the keeper outlives any one failure
                _LOG.exception("the read models could not be caught up (a read will)")
            else:
                self._current = True

    def close(self) -> None:
        """Stop the keeper, close every log opened (once in-flight requests have finished)."""
        self._stopping.set()
        self._behind.set()
        if self._keeper is not None:
            self._keeper.join()
        with self._lock:
            for opened in self._opened:
                opened.close()
            self._opened.clear()
        while not self._idle.empty():
            self._idle.get_nowait()
