"""Queries over the whole log: their arguments checked, and the log judged stream by stream.

The homes and committees that child case files refer to are read once; the streams asked
about are read 500 at a time and judged one by one (`judge_streams`), so judging a
municipality holds one chunk of case files at a time, not the whole log (issue 10).
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any, Final

import orjson

from caselog.api.answers import Cases
from caselog.api.bulk import bulk_allocation
from caselog.errors import UnknownStatusError
from caselog.projections.as_of import as_of
from caselog.projections.case_state import CaseState, fold_case_state
from caselog.rules.evaluate import judge_streams
from caselog.rules.model import FINDINGS, Status
from caselog.rules.registry import ALL_RULES, RULES_BY_ID
from caselog.storage.port import chunked

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
    from datetime import date, datetime

    from caselog.events import Event, Recorded
    from caselog.rules.model import Obligation
    from caselog.rules.settings import Settings
    from caselog.storage import EventStore
    from caselog.storage.read_model_cases import StoredCases

STREAMS_PER_READ: Final = 500
"""How many streams one read asks for: few round trips, and bounded memory."""

RULE_ARGUMENTS: Final = frozenset(RULES_BY_ID) | {r.rstrip("abcdefgh") for r in RULES_BY_ID}
"""What `rule=` takes: every rule id, and a number without its letter (R16 → R16a–c)."""


def judge_log(
    store: EventStore,
    names: Sequence[str],
    shared_names: Iterable[str],
    *,
    on: date,
    known_at: datetime,
    settings: Settings,
    case_id: str | None = None,
    keep: Callable[[str, list[Recorded[Event]]], bool] | None = None,
) -> Iterator[Obligation]:
    """The obligations of the streams `names` (those `keep` accepts), stream by stream.

    `shared_names` are the homes and committees the rules may look up; they are read once.
    """
    shared = by_stream(store.read_streams(sorted(set(shared_names)), known_at=known_at))
    streams = (
        (name, records)
        for name, records in _read(store, names, shared, known_at)
        if keep is None or keep(name, records)
    )
    return judge_streams(
        streams,
        shared=shared,
        on=on,
        known_at=known_at,
        settings=settings,
        case_id=case_id,
        rules=ALL_RULES,
    )


def reference_obligations(
    store: EventStore,
    *,
    on: date,
    known_at: datetime,
    settings: Settings,
    case_id: str | None,
    rule: str | None,
    wanted: Collection[Status] | None,
) -> tuple[Obligation, ...]:
    """`CaseLog.obligations` by the reference replay, for a question already checked.

    Only the streams that can matter are read: one case file, its homes and the committees.
    """
    shared_names = store.streams("committee:")
    if case_id is None:
        names = sorted(store.streams())
        shared_names += store.streams("home:")
    else:
        names = [f"child:{case_id}"]
        own = store.read_streams(names)
        shared_names += [f"home:{h}" for r in own if (h := r.event.subject_ids.get("home_id"))]
    with bulk_allocation():
        found = judge_log(
            store, names, shared_names, on=on, known_at=known_at, settings=settings, case_id=case_id
        )
        return tuple(
            o
            for o in found
            if (rule is None or rule_matches(o.rule_id, rule))
            and (wanted is None or o.status in wanted)
        )


def _read(
    store: EventStore,
    names: Sequence[str],
    shared: Mapping[str, list[Recorded[Event]]],
    known_at: datetime,
) -> Iterator[tuple[str, list[Recorded[Event]]]]:
    """The streams `names` with their events, read a chunk of streams at a time."""
    for chunk in chunked(names, STREAMS_PER_READ):
        unread = [name for name in chunk if name not in shared]
        read = by_stream(store.read_streams(unread, known_at=known_at)) if unread else {}
        for name in chunk:
            if records := shared.get(name) or read.get(name):
                yield name, records


def by_stream(records: Iterable[Recorded[Event]]) -> dict[str, list[Recorded[Event]]]:
    """Records grouped by stream, each in the order given (log order)."""
    grouped: dict[str, list[Recorded[Event]]] = defaultdict(list)
    for record in records:
        grouped[record.stream].append(record)
    return grouped


def rule_matches(rule_id: str, wanted: str) -> bool:
    """`R05` matches R05; `R16` also matches its lettered sub-ids R16a–c."""
    return rule_id == wanted or (rule_id.startswith(wanted) and rule_id[len(wanted) :].isalpha())


def statuses(status: Status | str | Iterable[Status | str] | None) -> frozenset[Status] | None:
    """The statuses asked for, or None for all.

    Raises:
        UnknownStatusError: one is not a `Status` (the error lists them).
    """
    if status is None:
        return None
    given = [status] if isinstance(status, str) else list(status)
    valid = [s.value for s in Status]
    for s in given:
        if s not in valid:
            raise UnknownStatusError(s, known=valid)
    return frozenset(Status(s) for s in given)


def cases_of(
    store: EventStore,
    *,
    on: date,
    known_at: datetime,
    settings: Settings,
    search: str | None,
) -> Cases:
    """`CaseLog.cases`: each child's case file listed on `on`, folded, its findings counted."""
    wanted = (search or "").casefold()
    names = [
        name for name in store.streams("child:") if wanted in name.partition(":")[2].casefold()
    ]
    states: dict[str, CaseState] = {}
    found: dict[str, dict[Status, int]] = {}

    def listed(name: str, records: list[Recorded[Event]]) -> bool:
        if any(r.event.occurred_on <= on for r in records):
            case_id = name.partition(":")[2]
            facts = as_of(records, on=on, known_at=known_at)
            states[case_id] = fold_case_state(case_id, facts, on=on, known_at=known_at)
            return True
        return False

    with bulk_allocation():
        for o in judge_log(
            store,
            names,
            store.streams("committee:") + store.streams("home:"),
            on=on,
            known_at=known_at,
            settings=settings,
            keep=listed,
        ):
            if o.status in FINDINGS:
                counts = found.setdefault(o.case_id, {})
                counts[o.status] = counts.get(o.status, 0) + 1
    return Cases(
        {case_id: found.get(case_id, {}) for case_id in states},
        lambda: {case_id: state.model_dump(mode="json") for case_id, state in states.items()},
    )


def cases_of_stored(store: EventStore, stored: StoredCases, *, search: str | None) -> Cases:
    """`CaseLog.cases` from the read models: listed in the order the replay lists them."""
    wanted = (search or "").casefold()
    names = [
        name
        for name in store.streams("child:")
        if name in stored.streams and wanted in name.partition(":")[2].casefold()
    ]

    def states() -> dict[str, dict[str, Any]]:
        read = stored.states()
        labels = {"on": stored.on, "known_at": stored.known_at}  # the question's, not the build's
        return {name.partition(":")[2]: orjson.loads(read[name]) | labels for name in names}

    return Cases({name.partition(":")[2]: stored.findings.get(name, {}) for name in names}, states)


class MatterStreams:
    """A log's deviation and lex Sarah matters, read once per log position.

    A case file's timeline lists the matters whose report names the child, so every
    timeline looked at every matter stream of the log: 0.34 s per case at 10,000
    children, re-read for each. The log only grows (D1), so what was read stays true
    until its last position moves; then the matters are read again.
    """

    def __init__(self, store: EventStore) -> None:
        """The matters of `store`, read when first asked for."""
        self._store = store
        self._read: tuple[int, list[Recorded[Event]]] | None = None

    def known_at(self, moment: datetime) -> list[Recorded[Event]]:
        """The matters' events recorded up to `moment`, in log order."""
        head = self._store.last_position()
        if self._read is None or self._read[0] != head:
            names = self._store.streams("matter:")
            self._read = (head, self._store.read_streams(names) if names else [])
        return [r for r in self._read[1] if r.recorded_at <= moment]
