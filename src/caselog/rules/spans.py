"""What the read models store: each stream's rows over rectangles of (`on`, `known_at`).

The reference answer for one stream is a function of (`on`, `known_at`) that changes
only at a few places: when a record arrives, when a fact's date is passed, when a
deadline falls due, when a law changes. This module walks that plane with the rules
themselves (docs/design/read-models.md):

* knowledge is walked in strips, from one recording instant to the next (or to an
  earlier bound a judgement noted: a home's next record, the next committee version,
  the day the records reach the end of an R14 year);
* within a strip each rule is walked along `on` in pieces: judged once at a piece's
  first day with `on` as a `Probe`, the piece ends where the first thing it read would
  change (a comparison with `on`, a fact of a class it asked for, the case state);
* a new strip keeps each rule's pieces that end before the first date its new records
  change, and judges that rule again from there.

Each row (and each case state) is then stored once per rectangle over which it stays
the same, `days_overdue` as the day it counts from. Pure: records in, spans out;
storage and queries live in `caselog.storage.read_models`.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Final, cast

from caselog.dates import start_of_day_utc
from caselog.projections import fold_case_state
from caselog.rules.context import Scope
from caselog.rules.evaluate import retracted_facts, view_of
from caselog.rules.listing import ListedSpan, listed_spans
from caselog.rules.model import Obligation
from caselog.rules.probe import LAST_DAY, ElapsedDays, Probe, ProbeEscapeError, Tracker
from caselog.rules.referred import Referred
from caselog.rules.registry import ALL_RULES
from caselog.rules.tracked import FIRST, RETRACTED, FactIndex, Shared, TrackedContext
from caselog.rules.tracks import FIRST_DAY, Emitted, Piece, Track

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

    from caselog.events import Event, EventModel, Recorded
    from caselog.projections import CaseState, Viewed
    from caselog.rules.context import Rule
    from caselog.rules.settings import Settings


_EPOCH: Final = start_of_day_utc(FIRST_DAY)
_SCOPES: Final = {scope.value: scope for scope in Scope}


@dataclass(frozen=True, slots=True)
class Area:
    """`on` in [`on_from`, `on_to`) × `known_at` in [`known_from`, `known_to`) (None: on)."""

    on_from: date
    on_to: date
    known_from: datetime
    known_to: datetime | None


@dataclass(frozen=True, slots=True)
class RowSpan:
    """One obligation, the same over `area`.

    `rule` (the rule's place in the catalogue) and `index` (the row's place among that
    rule's rows) order a stream's rows as the reference yields them. Where
    `overdue_since` is set, `days_overdue` is `on − overdue_since` (the row holds None).
    """

    rule: int
    index: int
    row: Obligation
    overdue_since: date | None
    area: Area


@dataclass(frozen=True, slots=True)
class StateSpan:
    """A child's case state, the same over `area`.

    Its `on` and `known_at` are labels only, set to the query's when it is read.
    """

    state: CaseState
    area: Area


@dataclass(frozen=True, slots=True)
class StreamSpans:
    """Everything the read models keep about one stream."""

    stream: str
    rows: tuple[RowSpan, ...]
    states: tuple[StateSpan, ...]
    reads: frozenset[str]
    """The referred streams its rules looked at (`home:<id>`; `committee:` for any)."""
    listed: tuple[ListedSpan, ...] = ()
    """A child's stream: when its case file is listed by `cases()` (`caselog.rules.listing`)."""


def stream_spans(
    stream: str,
    records: Sequence[Recorded[Event]],
    *,
    referred: Referred,
    settings: Settings,
    horizon: date,
    rules: tuple[Rule, ...] = ALL_RULES,
) -> StreamSpans:
    """Judge one stream for every `on` before `horizon` and every `known_at`.

    Returns its rows and states per rectangle.

    Knowledge needs no horizon: its strips end at the stream's last record, or at the
    last bound a judgement noted (a day the records reach compared with a date before
    the horizon), and the last strip holds from then on.

    Raises:
        ProbeEscapeError: a rule used `on` in a way the probe cannot follow.
    """
    kind, _, subject = stream.partition(":")
    scope = _SCOPES.get(kind)
    chosen = tuple(r for r in rules if r.scope is scope)
    walk = _Walk(subject, scope, chosen, referred, settings, horizon)
    ordered = sorted(records, key=lambda r: r.position)
    instants = sorted({r.recorded_at for r in ordered})
    rows: list[RowSpan] = []
    states: list[StateSpan] = []
    known = instants[0] if instants and walk.rules else None
    facts: tuple[Viewed, ...] = ()
    retracted: tuple[Viewed, ...] = ()
    first = True
    while known is not None:
        seen = [r for r in ordered if r.recorded_at <= known]
        now_facts, now_retracted = view_of(seen, LAST_DAY), retracted_facts(seen, on=LAST_DAY)
        changed = (
            FIRST_DAY
            if first
            else min(_first_change(facts, now_facts), _first_change(retracted, now_retracted))
        )
        facts, retracted, first = now_facts, now_retracted, False
        new_rows, new_states = walk.strip(known, changed, facts, retracted)
        rows.extend(_row_spans(new_rows))
        states.extend(_state_spans(new_states))
        following = instants[bisect_right(instants, known)] if instants[-1] > known else None
        bounds = [t for t in (following, *walk.known_bounds()) if t is not None]
        known = min(bounds) if bounds else None
    rows.extend(_row_spans(walk.close_rows(None)))
    states.extend(_state_spans(walk.fold.close(None)))
    listed = listed_spans(ordered) if scope is Scope.CHILD else ()
    return StreamSpans(stream, tuple(rows), tuple(states), frozenset(walk.reads), listed)


_RowValue = tuple[Obligation, date | None]


def _row_spans(emitted: Iterable[tuple[int, Emitted[_RowValue]]]) -> Iterator[RowSpan]:
    for rule, (index, (row, since), on_from, on_to, known_from, known_to) in emitted:
        yield RowSpan(rule, index, row, since, Area(on_from, on_to, known_from, known_to))


def _state_spans(emitted: Iterable[Emitted[CaseState]]) -> Iterator[StateSpan]:
    for _, state, on_from, on_to, known_from, known_to in emitted:
        yield StateSpan(state, Area(on_from, on_to, known_from, known_to))


def _first_change(before: tuple[Viewed, ...], after: tuple[Viewed, ...]) -> date:
    """The first `on` whose view differs: the earliest date of a fact not in both."""
    for old, new in zip(before, after, strict=False):
        if old != new:
            return min(old.event.occurred_on, new.event.occurred_on)
    if len(before) == len(after):
        return LAST_DAY
    longer = before if len(before) > len(after) else after
    return longer[min(len(before), len(after))].event.occurred_on


class _Walk:
    """One stream's tracks: a rule's pieces are judged again only where they changed."""

    def __init__(
        self,
        subject: str,
        scope: Scope | None,
        rules: tuple[Rule, ...],
        referred: Referred,
        settings: Settings,
        horizon: date,
    ) -> None:
        self.subject, self.scope, self.rules = subject, scope, rules
        self.referred, self.settings, self.horizon = referred, settings, horizon
        self.tracks: list[Track[_RowValue]] = [Track() for _ in rules]
        self.fold: Track[CaseState] = Track()
        self._fold_starts: list[date] = []
        self._shared: Shared | None = None
        self.fact_tracks: dict[
            int, dict[str, tuple[tuple[Viewed, bool], int, Track[_RowValue]]]
        ] = {}
        self.reads: set[str] = set()

    def strip(
        self,
        known: datetime,
        changed: date,
        facts: tuple[Viewed, ...],
        retracted: tuple[Viewed, ...],
    ) -> tuple[list[tuple[int, Emitted[_RowValue]]], list[Emitted[CaseState]]]:
        """Judge again, as known at `known`, what changed from `changed` on.

        Returns the rectangles this closed.
        """
        shared = Shared(
            facts=FactIndex(facts),
            retracted=FactIndex(retracted),
            known_at=known,
            settings=self.settings,
            referred=self.referred,
        )
        since = _Changes(self._shared, shared, changed)
        self._shared = shared
        states: list[Emitted[CaseState]] = []
        if self.scope is Scope.CHILD:
            shared.fold_at = self._fold_at
            resume = self.fold.cut(since.of, known)
            day = resume
            while day < self.horizon:
                folded = self._fold(shared, day, known)
                self.fold.pieces.append(folded)
                day = folded.on_to
            states.extend(self.fold.settle(resume, known))
            self._fold_starts = [p.on_from for p in self.fold.pieces]
        rows: list[tuple[int, Emitted[_RowValue]]] = []
        for number, (rule, track) in enumerate(zip(self.rules, self.tracks, strict=True)):
            if rule.per_fact:
                rows.extend((number, e) for e in self._each_fact(number, rule, shared))
                continue
            resume = track.cut(since.of, known)
            day = resume
            while day < self.horizon:
                piece = self._judge(rule, shared, day)
                track.pieces.append(piece)
                day = piece.on_to
            rows.extend((number, e) for e in track.settle(resume, known))
        return rows, states

    def _fold_at(self, day: date) -> tuple[CaseState, date]:
        """The folded state that holds on `day`, and the day it stops holding."""
        piece = self.fold.pieces[bisect_right(self._fold_starts, day) - 1]
        return piece.values[0], piece.on_to

    def _each_fact(self, number: int, rule: Rule, shared: Shared) -> Iterator[Emitted[_RowValue]]:
        """A per-fact rule (R21): judge each new or changed fact alone, once.

        A fact's rows are ordered by its place in fold order (its date, then its log
        position), as the rule yields them for the whole view.
        """
        facts = self.fact_tracks.setdefault(number, {})
        present: set[str] = set()
        for viewed, retracted in _in_fold_order(shared):
            key = viewed.event.event_id
            present.add(key)
            held = facts.get(key)
            if held is not None and held[0] == (viewed, retracted):
                continue
            if held is not None:
                yield from _ordered(held[1], held[2].close(shared.known_at))
            alone = Shared(
                facts=FactIndex(() if retracted else (viewed,)),
                retracted=FactIndex((viewed,) if retracted else ()),
                known_at=shared.known_at,
                settings=self.settings,
                referred=self.referred,
            )
            track: Track[_RowValue] = Track()
            day = FIRST_DAY
            while day < self.horizon:
                piece = self._judge(rule, alone, day)
                track.pieces.append(piece)
                day = piece.on_to
            order = ((viewed.event.occurred_on.toordinal() << 36) | viewed.position) << 4
            facts[key] = ((viewed, retracted), order, track)
            yield from _ordered(order, track.settle(FIRST_DAY, shared.known_at))
        for key in [k for k in facts if k not in present]:
            _, order, track = facts.pop(key)
            yield from _ordered(order, track.close(shared.known_at))

    def known_bounds(self) -> Iterator[datetime | None]:
        """When some judgement's knowledge stops holding."""
        tracks = [*self.tracks, *(t for f in self.fact_tracks.values() for _, _, t in f.values())]
        for track in tracks:
            for piece in track.pieces:
                yield piece.known_to

    def close_rows(self, known_to: datetime | None) -> Iterator[tuple[int, Emitted[_RowValue]]]:
        """Every row run still open, to `known_to`."""
        for number, track in enumerate(self.tracks):
            for emitted in track.close(known_to):
                yield number, emitted
        for number, facts in self.fact_tracks.items():
            for _, order, track in facts.values():
                yield from ((number, e) for e in _ordered(order, track.close(known_to)))

    def _fold(self, shared: Shared, day: date, known: datetime) -> Piece[CaseState]:
        """Fold the case state at `day`; the piece ends where the fold would change."""
        tracker = Tracker(day)
        folded = fold_case_state(
            self.subject, shared.facts.upto(day), on=tracker.probe(), known_at=known
        )
        on_to = min(tracker.hi or LAST_DAY, shared.facts.next_day(day), self.horizon)
        label_free = folded.model_copy(update={"on": FIRST_DAY, "known_at": _EPOCH})
        return Piece(day, on_to, (label_free,), None)

    def _judge(self, rule: Rule, shared: Shared, day: date) -> Piece[_RowValue]:
        """Judge one rule at `day`; the piece ends where anything it read would change."""
        context = TrackedContext(self.subject, shared, day, self.reads)
        values = tuple(_stored(row) for row in rule.evaluate(context.as_context()))
        known_tracker = context.known_on._tracker  # noqa: SLF001 - the context's own
        bounds = [
            t
            for t in (
                context.tracker.instant_hi,
                known_tracker.instant_hi,
                start_of_day_utc(known_tracker.hi) if known_tracker.hi else None,
            )
            if t is not None
        ]
        on_to = min(context.tracker.hi or self.horizon, self.horizon)
        reads = None if context.read_facts is None else frozenset(context.read_facts)
        return Piece(day, on_to, values, min(bounds) if bounds else None, reads)


class _Changes:
    """From which date a new strip changes what a piece read (per fact class)."""

    def __init__(self, before: Shared | None, after: Shared, changed: date) -> None:
        self.before, self.after, self.changed = before, after, changed
        self._found: dict[object, date] = {}

    def of(self, piece: Piece[Any]) -> date:
        """The first `on` at which the facts `piece` read differ (all: `changed`)."""
        if self.before is None:
            return FIRST_DAY
        if piece.reads is None:
            return self.changed
        return min((self._since(what) for what in piece.reads), default=LAST_DAY)

    def _since(self, what: object) -> date:
        if what not in self._found:
            self._found[what] = self._compute(what)
        return self._found[what]

    def _compute(self, what: object) -> date:
        before, after = self.before, self.after
        assert before is not None  # noqa: S101
        if what == RETRACTED:
            return _first_change(before.retracted.facts, after.retracted.facts)
        if what == FIRST:
            old, new = before.facts.days[:1], after.facts.days[:1]
            return LAST_DAY if old == new else min(old + new)
        kind = cast("type[EventModel]", what)
        return _first_change(
            tuple(before.facts.by_class.get(kind, ())), tuple(after.facts.by_class.get(kind, ()))
        )


def _in_fold_order(shared: Shared) -> list[tuple[Viewed, bool]]:
    """The facts and the retracted facts (flagged), by (`occurred_on`, log position)."""
    return sorted(
        [(f, False) for f in shared.facts.facts] + [(f, True) for f in shared.retracted.facts],
        key=lambda item: (item[0].event.occurred_on, item[0].position),
    )


def _ordered(order: int, emitted: Iterable[Emitted[_RowValue]]) -> Iterator[Emitted[_RowValue]]:
    """A fact's rows, placed by its order among the rule's rows."""
    for slot, *rest in emitted:
        yield (order + slot, *rest)  # type: ignore[misc]


def _stored(row: Obligation) -> _RowValue:
    """The row as stored: a `days_overdue` that grows with `on` becomes its first day."""
    since = None
    if isinstance(row.days_overdue, ElapsedDays):
        since = row.days_overdue.origin
        row = replace(row, days_overdue=None)
    for name in ("trigger_on", "due_on", "effective_due_on", "satisfied_on"):
        if isinstance(getattr(row, name), Probe):
            msg = f"{row.rule_id} made {name} from `on`; the read model cannot store it"
            raise ProbeEscapeError(msg)
    return row, since
