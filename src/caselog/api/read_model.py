"""Keeping the read models current, rebuilding them, and deciding when they may answer.

The read models (`caselog.rules.spans` decides what, `caselog.storage.read_models`
stores it) answer a question only when they are exactly what the reference replay would
give: stamped with this caselog version, these rules (a fingerprint of their source),
the asker's settings and a horizon beyond the question, and caught up with the log.
Otherwise the question is answered by the replay, with a notice (`ReferenceNotice`).

Upkeep is a catch-up processor: it reads the events after the position the tables
reflect, judges again the streams they touched and the streams that read them (a home's
children, the children awaiting a committee meeting), and writes the new rows and the
new position in one transaction. A kill at any point leaves the old rows and position or
the new ones; running it again gives the same tables (tests/readmodel/test_kill.py).
"""

from __future__ import annotations

import hashlib
import os
import warnings
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from caselog.api.query import by_stream, rule_matches
from caselog.api.read_model_workers import (
    judge_chunk,
    judge_in_worker,
    map_bounded,
    start_worker,
)
from caselog.projections import CaseState
from caselog.rules.referred import Referred
from caselog.rules.registry import RULES_BY_ID
from caselog.rules.settings import Settings
from caselog.storage.port import chunked
from caselog.storage.read_model_cases import StoredCases, stored_cases
from caselog.storage.read_model_engines import tables_for

if TYPE_CHECKING:
    from collections.abc import Collection, Iterator, Sequence

    from caselog.events import Event, Recorded
    from caselog.rules.model import Status
    from caselog.rules.spans import StreamSpans
    from caselog.storage import EventStore
    from caselog.storage.read_model_schema import StoredObligations
    from caselog.storage.read_models import ReadModelTables

STREAMS_PER_CHUNK: Final = 200
"""Streams judged and written per transaction of a rebuild: bounded memory, and a kill
loses at most one chunk's work."""
HORIZON_YEARS: Final = 2
"""How far past this year the read models answer for `on` (and `known_at`)."""

Progress = Callable[[int, int], None]
"""Called with (streams done, streams in all) as a rebuild or catch-up goes."""


class ReferenceNotice(UserWarning):
    """The read models could not answer; the reference replay did (the message says why)."""


def rules_fingerprint() -> str:
    """A hash of the source of everything that decides an answer.

    Events, aggregates, projections, rules and dates, and the tables' layout: any change
    to them makes stored read models stale.
    """
    if not _FINGERPRINT:
        root = Path(__file__).resolve().parent.parent
        digest = hashlib.sha256()
        parts = ("events", "projections", "rules", "aggregates", "dates.py")
        layout = ("storage/read_model_schema.py", "storage/read_model_segments.py")
        for part in (*parts, *layout):
            paths = sorted((root / part).rglob("*.py")) if (root / part).is_dir() else [root / part]
            for path in paths:
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
        _FINGERPRINT.append(digest.hexdigest()[:16])
    return _FINGERPRINT[0]


_FINGERPRINT: list[str] = []


def _built_by_this(stamp: dict[str, str]) -> bool:
    """Whether this caselog, with these rules, wrote the read models."""
    return stamp.get("version") == package_version() and stamp.get("rules") == rules_fingerprint()


def package_version() -> str:
    """The installed caselog's version ("0" when run from a source tree)."""
    try:
        return metadata.version("caselog")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a source tree
        return "0"


class ReadModels:
    """The read models of one log: their stamp, their upkeep, and their answers."""

    def __init__(
        self, store: EventStore, settings: Settings, clock: Callable[[], datetime]
    ) -> None:
        """The read models beside `store`; `settings` are the asker's."""
        self.store, self.settings, self.clock = store, settings, clock
        self._tables: ReadModelTables | None = None

    @property
    def tables(self) -> ReadModelTables:
        """The tables (made on first use)."""
        if self._tables is None:
            self._tables = tables_for(self.store)
        return self._tables

    def close(self) -> None:
        """Release the tables' connections."""
        if self._tables is not None:
            self._tables.close()
            self._tables = None

    # -- may they answer? ---------------------------------------------------------------

    def why_not(self, on: date) -> str | None:
        """Why the read models cannot answer about `on` exactly, or None if they can.

        Any `known_at` is answered (knowledge needs no horizon). Catches them up first
        when only new events are missing.
        """
        stamp = self.tables.stamp()
        if not stamp and self.store.last_position() == 0:
            self.catch_up()  # an empty log: its read models are empty, and made at once
            stamp = self.tables.stamp()
        if "position" not in stamp:
            return "there are no read models for this log yet (caselog rebuild makes them)"
        if not _built_by_this(stamp):
            return "the read models were built by another caselog version (caselog rebuild)"
        if Settings.model_validate_json(stamp["settings"]) != self.settings:
            return "the read models were built with other settings (caselog rebuild --settings)"
        horizon = date.fromisoformat(stamp["horizon"])
        if on >= horizon:
            return f"the read models answer up to {horizon} (caselog rebuild moves it on)"
        if int(stamp["position"]) < self.store.last_position():
            if not self.tables.may_write():
                return (
                    "the read models are behind the log, and this connection may not bring "
                    "them up to date (a writer's next write does, or caselog rebuild)"
                )
            self.catch_up()
        return None

    def _answerable(self, on: date) -> bool:
        """Whether they can answer about `on`; if not, a `ReferenceNotice` says why."""
        if (reason := self.why_not(on)) is not None:
            notice(reason)
            return False
        return True

    # -- answers ------------------------------------------------------------------------

    def answer(
        self,
        on: date,
        known_at: datetime,
        *,
        case_id: str | None,
        rule: str | None,
        want: Collection[Status] | None,
    ) -> StoredObligations | None:
        """`CaseLog.obligations` from the stored rows, in the reference's order.

        None, with a `ReferenceNotice`, when the read models cannot answer exactly.
        """
        if not self._answerable(on):
            return None
        return self.tables.obligations(on=on, known_at=known_at, **_filters(case_id, rule, want))

    def summary(
        self,
        on: date,
        known_at: datetime,
        *,
        case_id: str | None,
        rule: str | None,
        want: Collection[Status] | None,
    ) -> dict[tuple[str, Status], int] | None:
        """`CaseLog.summary`, counted by the database; None (with a notice) as `answer`."""
        if not self._answerable(on):
            return None
        return self.tables.summary(on=on, known_at=known_at, **_filters(case_id, rule, want))

    def case_state(self, case_id: str, *, on: date, known_at: datetime) -> CaseState | None:
        """The stored state of a child's case file, labelled with (on, known_at).

        None while the log knew nothing of the child, or (with a `ReferenceNotice`) when
        the read models cannot answer exactly.
        """
        if not self._answerable(on):
            return None
        found = self.tables.state(f"child:{case_id}", on=on, known_at=known_at)
        if found is None:
            return None
        state = CaseState.model_validate_json(found)
        return state.model_copy(update={"on": on, "known_at": known_at})

    def cases(self, on: date, known_at: datetime) -> StoredCases | None:
        """`CaseLog.cases` from the stored listing, findings and states; None as `answer`."""
        if not self._answerable(on):
            return None
        return stored_cases(self.tables.engine, on=on, known_at=known_at)

    # -- upkeep -------------------------------------------------------------------------

    def catch_up(self, progress: Progress | None = None) -> int:
        """Bring the tables up to the log's last event; return how many streams were judged.

        Makes the tables if they are missing; rebuilds them if their stamp is stale or a
        rebuild was interrupted.
        """
        tables = self.tables
        tables.create()
        while True:
            stamp = tables.stamp()
            if self._stale(stamp):
                return self.rebuild(progress, settings=self._stamped_settings(stamp))
            position = int(stamp["position"])
            head = self.store.last_position()
            if head <= position:
                return 0
            touched = {r.stream for r in self.store.read_log(after=position) if r.position <= head}
            referred = {n for n in touched if n.startswith("home:")}
            if any(n.startswith("committee:") for n in touched):
                referred.add("committee:")
            with tables.engine.connect() as conn:
                names = sorted(touched | tables.readers_of(conn, referred))
            settings = self._stamped_settings(stamp)
            horizon = date.fromisoformat(stamp["horizon"])
            spans = list(self._judge(names, head, settings, horizon, progress))
            with tables.writer.begin() as conn:
                if tables.lock(conn).get("position") == str(position):
                    tables.replace(conn, spans)
                    tables.write_meta(conn, {"position": str(head)})
                    return len(names)
            # Another process caught up meanwhile: start again from where it left them.

    def rebuild(self, progress: Progress | None = None, *, settings: Settings | None = None) -> int:
        """Rebuild the tables from the log, stream by stream, on every core.

        Resumes an interrupted rebuild (same target position and stamp) after the last
        chunk it wrote; otherwise starts from nothing. Returns how many streams were judged.
        """
        tables = self.tables
        tables.create()
        chosen = settings or self.settings
        stamp = tables.stamp()
        wanted = self._stamp(chosen)
        resuming = "target" in stamp and all(stamp.get(k) == v for k, v in wanted.items())
        if resuming:
            head, cursor = int(stamp["target"]), stamp.get("cursor", "")
        else:
            head, cursor = self.store.last_position(), ""
            with tables.writer.begin() as conn:
                tables.lock(conn)
                tables.clear(conn)
                tables.write_meta(conn, {**wanted, "target": str(head), "cursor": ""})
        names = [n for n in self.store.streams() if n > cursor]
        horizon = date.fromisoformat(wanted["horizon"])
        done = 0
        for chunk in chunked(
            self._judge(names, head, chosen, horizon, progress, workers=True), STREAMS_PER_CHUNK
        ):
            with tables.writer.begin() as conn:
                tables.lock(conn)
                tables.replace(conn, chunk)
                tables.write_meta(conn, {"cursor": chunk[-1].stream})
            done += len(chunk)
        with tables.writer.begin() as conn:
            tables.lock(conn)
            tables.compact(conn)
            tables.write_meta(conn, {"position": str(head)})
            tables.clear_keys(conn, ("target", "cursor"))
        self.catch_up(progress)
        return done

    def _stale(self, stamp: dict[str, str]) -> bool:
        if "position" not in stamp or not _built_by_this(stamp):
            return True
        horizon = date.fromisoformat(stamp["horizon"])
        return horizon.year <= self.clock().year + HORIZON_YEARS - 1

    def _stamped_settings(self, stamp: dict[str, str]) -> Settings:
        """The settings the tables were built with (the asker's, for new tables)."""
        if "settings" in stamp:
            return Settings.model_validate_json(stamp["settings"])
        return self.settings

    def _stamp(self, settings: Settings) -> dict[str, str]:
        last = self.store.last_recorded_at()
        year = max(self.clock().year, last.year if last else 0)
        return {
            "version": package_version(),
            "rules": rules_fingerprint(),
            "settings": settings.model_dump_json(),
            "horizon": date(year + HORIZON_YEARS + 1, 1, 1).isoformat(),
        }

    def _judge(
        self,
        names: Sequence[str],
        head: int,
        settings: Settings,
        horizon: date,
        progress: Progress | None,
        *,
        workers: bool = False,
    ) -> Iterator[StreamSpans]:
        """Each stream's spans, from its events up to position `head`.

        A rebuild reads every home once; a catch-up, which judges a few streams after each
        write, reads only the homes those streams name (and every committee, for R16a).
        """
        homes = self.store.streams("home:") if workers else []
        referred = Referred.of(self._referred(head, homes + self.store.streams("committee:")))
        done = 0
        cores = min(os.cpu_count() or 1, 2) if workers and len(names) > STREAMS_PER_CHUNK else 1
        chunks = (self._read(chunk, head) for chunk in chunked(names, STREAMS_PER_CHUNK))
        if cores == 1:
            judged = (
                judge_chunk(
                    c,
                    referred if workers else self._with_homes(referred, c, head),
                    settings,
                    horizon,
                )
                for c in chunks
            )
            for spans in judged:
                done += len(spans)
                if progress:
                    progress(done, len(names))
                yield from spans
            return
        with ProcessPoolExecutor(
            cores, initializer=start_worker, initargs=(referred, settings, horizon)
        ) as pool:
            for spans in map_bounded(pool, judge_in_worker, chunks, ahead=2 * cores):
                done += len(spans)
                if progress:
                    progress(done, len(names))
                yield from spans

    def _read(self, names: Sequence[str], head: int) -> list[tuple[str, list[Recorded[Event]]]]:
        grouped = by_stream(r for r in self.store.read_streams(names) if r.position <= head)
        return [(name, grouped[name]) for name in names if grouped.get(name)]

    def _referred(self, head: int, names: Sequence[str]) -> dict[str, list[Recorded[Event]]]:
        """The referred streams `names`, up to position `head`."""
        if not names:
            return {}
        return by_stream(r for r in self.store.read_streams(names) if r.position <= head)

    def _with_homes(
        self, referred: Referred, chunk: Sequence[tuple[str, Sequence[Recorded[Event]]]], head: int
    ) -> Referred:
        """`referred` with the homes the streams of `chunk` name (or are)."""
        homes = {
            f"home:{home}"
            for _, records in chunk
            for r in records
            if (home := r.event.subject_ids.get("home_id"))
        } | {name for name, _ in chunk if name.startswith("home:")}
        return referred.with_homes(self._referred(head, sorted(homes)))


def _filters(
    case_id: str | None, rule: str | None, want: Collection[Status] | None
) -> dict[str, Any]:
    """A question's case, rule and statuses, as the tables' keyword arguments."""
    return {
        "streams": None if case_id is None else [f"child:{case_id}"],
        "rule_ids": None if rule is None else [r for r in RULES_BY_ID if rule_matches(r, rule)],
        "statuses": want,
    }


def notice(reason: str) -> None:
    """Say that the reference replay answers, and why."""
    warnings.warn(f"answered by the reference replay: {reason}", ReferenceNotice, stacklevel=4)
