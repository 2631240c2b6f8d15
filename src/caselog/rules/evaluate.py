"""Evaluating the rules over the log, exactly per the reference semantics (DESIGN.md D4).

Keep what was recorded by `known_at`, apply corrections and retractions, keep the facts up
to `on`, fold each stream, evaluate every rule on its stream's view. Beside the view a
rule is also told which facts a retraction removed (`retracted_facts`): R21 judges their
registration, which happened all the same (RULES.md §4.28). Pure: the caller passes the
stored events; no I/O, no clock.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Final

from caselog.events import Body, CommitteeMeetingHeld, EventCorrected, EventRetracted
from caselog.projections import Viewed, corrected_facts, fold_case_state, known, retracted_ids
from caselog.rules.context import RuleContext, Scope
from caselog.rules.registry import ALL_RULES
from caselog.rules.settings import DEFAULT_SETTINGS, Settings

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping, Sequence
    from datetime import date, datetime

    from caselog.events import Event, Recorded
    from caselog.rules.context import Rule
    from caselog.rules.model import Obligation


def _known_by_stream(
    history: Iterable[Recorded[Event]], known_at: datetime
) -> dict[str, list[Recorded[Event]]]:
    """D4 step 1, per stream, in log order."""
    records: dict[str, list[Recorded[Event]]] = defaultdict(list)
    for record in known(history, known_at):
        records[record.stream].append(record)
    return records


def _in_fold_order(facts: Iterable[Viewed], on: date) -> tuple[Viewed, ...]:
    """D4 steps 4–5: the facts up to `on`, by (`occurred_on`, log position)."""
    return tuple(
        sorted(
            (f for f in facts if f.event.occurred_on <= on),
            key=lambda f: (f.event.occurred_on, f.position),
        )
    )


def views_by_stream(
    history: Iterable[Recorded[Event]], *, on: date, known_at: datetime
) -> dict[str, tuple[Viewed, ...]]:
    """Each stream's as-of view: corrected facts up to `on`, in fold order (D4 steps 1–5)."""
    return {
        stream: view_of(stream_records, on)
        for stream, stream_records in _known_by_stream(history, known_at).items()
    }


def retracted_facts(records: Sequence[Recorded[Event]], *, on: date) -> tuple[Viewed, ...]:
    """The facts of one stream that a standing retraction removed (makulerade), up to `on`.

    They are out of the view (D4 step 2), but their registration happened: a makulerad
    post stays in the diarium, and R21 judges it (RULES.md §4.28: "the corrected or
    retracted event's row stands"). Each is shown as corrected before it was retracted,
    with its own position and `recorded_at`; a retracted correction or retraction is no
    fact and is not listed.
    """
    if not any(isinstance(r.event, EventRetracted) for r in records):
        return ()
    removed = retracted_ids(records)
    gone = {
        r.event.event_id
        for r in records
        if r.event.event_id in removed and not isinstance(r.event, EventCorrected | EventRetracted)
    }
    if not gone:
        return ()
    # Without the retractions that removed them the facts come back, corrected as before.
    restored = [
        r
        for r in records
        if not (
            isinstance(r.event, EventRetracted)
            and r.event.event_id not in removed
            and r.event.target_event_id in gone
        )
    ]
    return _in_fold_order((f for f in corrected_facts(restored) if f.event.event_id in gone), on)


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
    records = _known_by_stream(history, known_at)
    return list(
        judge_streams(
            sorted(records.items()),
            shared=records,
            on=on,
            known_at=known_at,
            settings=settings,
            case_id=case_id,
            rules=tuple(rules),
        )
    )


def judge_streams(
    streams: Iterable[tuple[str, Sequence[Recorded[Event]]]],
    *,
    shared: Mapping[str, Sequence[Recorded[Event]]],
    on: date,
    known_at: datetime,
    settings: Settings,
    case_id: str | None,
    rules: tuple[Rule, ...],
) -> Iterator[Obligation]:
    """Run each rule on the streams of its scope, one stream at a time.

    `streams` may be read lazily, stream by stream: only the streams others refer to —
    the homes and the committees, in `shared` (other streams there are ignored) — are
    viewed up front, so judging a municipality holds one case file at a time.

    Every stream kind has a scope — child, home, matter, committee — and its rows carry
    the stream's subject id as `case_id` (RULES.md §4.28). `case_id` selects one child's
    case file only: a home, matter or committee that happens to share the id is not it.
    """
    homes = {
        stream.partition(":")[2]: view_of(known(records, known_at), on)
        for stream, records in shared.items()
        if stream.startswith("home:")
    }
    committee = tuple(
        sorted(
            (
                f
                for stream, records in shared.items()
                if stream.startswith("committee:")
                for f in view_of(known(records, known_at), on)
            ),
            key=lambda f: (f.event.occurred_on, f.position),
        )
    )
    meetings: dict[Body, list[date]] = defaultdict(list)
    for f in committee:
        if isinstance(f.event, CommitteeMeetingHeld):
            meetings[f.event.body].append(f.event.occurred_on)
    meeting_days = {body: tuple(days) for body, days in meetings.items()}
    for stream, stream_records in streams:
        kind, _, subject = stream.partition(":")
        scope = _SCOPES.get(kind)
        if case_id is not None and (scope is not Scope.CHILD or subject != case_id):
            continue
        chosen = [rule for rule in rules if rule.scope is scope]
        if not chosen:
            continue
        records = known(stream_records, known_at)
        facts = view_of(records, on)
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
            meetings=meeting_days,
            retracted=retracted_facts(records, on=on),
        )
        for rule in chosen:
            yield from rule.evaluate(context)


def view_of(records: Sequence[Recorded[Event]], on: date) -> tuple[Viewed, ...]:
    """D4 steps 2–5 for one stream's known records."""
    return _in_fold_order(corrected_facts(records), on)


_SCOPES: Final = {scope.value: scope for scope in Scope}
"""Stream kind (`child`, `home`, `matter`, `committee`) → the scope of its rules."""
