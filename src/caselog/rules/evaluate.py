"""Evaluating the rules over the log, exactly per the reference semantics (DESIGN.md D4).

Keep what was recorded by `known_at`, apply corrections and retractions, keep the facts up
to `on`, fold each stream, evaluate every rule on its stream's view. Pure: the caller
passes the stored events; no I/O, no clock.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from caselog.projections import Viewed, corrected_facts, fold_case_state, known
from caselog.rules.context import RuleContext, Scope
from caselog.rules.registry import ALL_RULES
from caselog.rules.settings import DEFAULT_SETTINGS, Settings

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from datetime import date, datetime

    from caselog.events import Event, Recorded
    from caselog.rules.context import Rule
    from caselog.rules.model import Obligation


def views_by_stream(
    history: Iterable[Recorded[Event]], *, on: date, known_at: datetime
) -> dict[str, tuple[Viewed, ...]]:
    """Each stream's as-of view: corrected facts up to `on`, in fold order (D4 steps 1–5)."""
    records: dict[str, list[Recorded[Event]]] = defaultdict(list)
    for record in known(history, known_at):
        records[record.stream].append(record)
    return {
        stream: tuple(
            sorted(
                (f for f in corrected_facts(stream_records) if f.event.occurred_on <= on),
                key=lambda f: (f.event.occurred_on, f.position),
            )
        )
        for stream, stream_records in records.items()
    }


def evaluate(
    history: Iterable[Recorded[Event]],
    *,
    on: date,
    known_at: datetime,
    settings: Settings = DEFAULT_SETTINGS,
    case_id: str | None = None,
    rules: Iterable[Rule] = ALL_RULES,
) -> list[Obligation]:
    """Every obligation of every stream (or of one case) on `on`, as known at `known_at`."""
    return list(
        iter_obligations(
            views_by_stream(history, on=on, known_at=known_at),
            on=on,
            known_at=known_at,
            settings=settings,
            case_id=case_id,
            rules=tuple(rules),
        )
    )


def iter_obligations(
    views: dict[str, tuple[Viewed, ...]],
    *,
    on: date,
    known_at: datetime,
    settings: Settings,
    case_id: str | None,
    rules: tuple[Rule, ...],
) -> Iterator[Obligation]:
    """Run each rule on the streams of its scope."""
    homes = {
        stream.partition(":")[2]: facts
        for stream, facts in views.items()
        if stream.startswith("home:")
    }
    committee = tuple(
        sorted(
            (
                f
                for stream, facts in views.items()
                if stream.startswith("committee:")
                for f in facts
            ),
            key=lambda f: (f.event.occurred_on, f.position),
        )
    )
    for stream, facts in sorted(views.items()):
        kind, _, subject = stream.partition(":")
        if case_id is not None and subject != case_id:
            continue
        scope = {"child": Scope.CHILD, "matter": Scope.MATTER, "committee": Scope.COMMITTEE}.get(
            kind
        )
        chosen = [rule for rule in rules if rule.scope is scope]
        if not chosen:
            continue
        state = (
            fold_case_state(subject, facts, on=on, known_at=known_at)
            if scope is Scope.CHILD
            else None
        )
        context = RuleContext(
            case_id=subject,
            on=on,
            known_at=known_at,
            settings=settings,
            facts=facts,
            state=state,
            homes=homes,
            committee=committee,
        )
        for rule in chosen:
            yield from rule.evaluate(context)
