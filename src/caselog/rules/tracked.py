"""What one rule sees when the read models judge it: the view, with every read bounded.

A reference evaluation hands every rule the same `RuleContext`. The materialiser instead
gives each rule a `TrackedContext` of its own, with its own probe for `on`, so that it
learns, rule by rule, how long each rule's rows hold: until a comparison with `on` would
flip, until a fact of a class the rule asked for enters the view, until the folded case
state changes (if the rule read it), until a referred stream gets a new record. A rule
is judged again only when its own bound is reached; a stream's forty rules each change
a few times, not at every date any of them cares about (issue 10).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from typing import TYPE_CHECKING, Final, cast

from caselog.dates import swedish_date
from caselog.rules.context import RuleContext
from caselog.rules.probe import LAST_DAY, Probe, Tracker
from caselog.rules.referred import TrackedHomes, Unfollowed

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping
    from datetime import date, datetime

    from caselog.events import Body, EventModel
    from caselog.projections import CaseState, Viewed
    from caselog.rules.context import E
    from caselog.rules.referred import Referred
    from caselog.rules.settings import Settings


FIRST: Final = "first fact"
"""What `first_day` reads: the date of the stream's first fact."""
RETRACTED: Final = "retracted facts"
"""What `retracted` reads."""


class FactIndex:
    """One knowledge version's facts (every `on`), indexed for views at any `on`."""

    def __init__(self, facts: tuple[Viewed, ...]) -> None:
        """Index facts given in fold order."""
        self.facts = facts
        self.days = [f.event.occurred_on for f in facts]
        by_class: dict[type[EventModel], list[Viewed]] = defaultdict(list)
        for f in facts:
            by_class[type(f.event)].append(f)
        self.by_class = dict(by_class)
        self.class_days = {
            kind: [f.event.occurred_on for f in found] for kind, found in by_class.items()
        }

    def upto(self, day: date) -> tuple[Viewed, ...]:
        """The facts dated on or before `day`."""
        return self.facts[: bisect_right(self.days, day)]

    def next_day(self, day: date) -> date:
        """The first fact date after `day` (LAST_DAY if none): when the view next grows."""
        index = bisect_right(self.days, day)
        return self.days[index] if index < len(self.days) else LAST_DAY

    def of_class(self, kind: type[EventModel], day: date) -> tuple[list[Viewed], date]:
        """The facts of exactly `kind` up to `day`, and the next date one enters the view."""
        found = self.by_class.get(kind)
        if found is None:
            return [], LAST_DAY
        days = self.class_days[kind]
        index = bisect_right(days, day)
        return found[:index], days[index] if index < len(days) else LAST_DAY


class Shared:
    """What every rule of one stream shares at one `on`: the view and the folded state."""

    __slots__ = ("facts", "fold_at", "known_at", "referred", "retracted", "settings")

    def __init__(
        self,
        *,
        facts: FactIndex,
        retracted: FactIndex,
        known_at: datetime,
        settings: Settings,
        referred: Referred,
    ) -> None:
        """The strip's facts and retracted facts; the state is set per segment."""
        self.facts, self.retracted, self.known_at = facts, retracted, known_at
        self.settings, self.referred = settings, referred
        self.fold_at: Callable[[date], tuple[CaseState, date]] | None = None
        """The folded state that holds on a day, and the day it stops holding (child
        streams; None for the others)."""


class TrackedContext:
    """A `RuleContext` for one rule at one `on`, noting in its trackers what it read.

    It answers as `RuleContext` does for the same view (the materialiser's equivalence
    properties check this); `find` and `registration_flags` are `RuleContext`'s own.
    """

    __slots__ = (
        "_base",
        "_shared",
        "case_id",
        "homes",
        "known_on",
        "on",
        "read_facts",
        "reads",
        "tracker",
    )

    committee: Final = Unfollowed()
    meetings: Final[Mapping[Body, tuple[date, ...]]] = {}

    def __init__(self, case_id: str, shared: Shared, on: date, reads: set[str]) -> None:
        """Judge at `on` (the start of a segment), with fresh trackers."""
        self.case_id, self._shared, self._base, self.reads = case_id, shared, on, reads
        self.tracker = Tracker(on)
        self.on: Probe = self.tracker.probe()
        self.known_on: Probe = Tracker(swedish_date(shared.known_at)).probe()
        self.homes = TrackedHomes(shared.referred, self.on, shared.known_at, reads)
        self.read_facts: set[object] | None = set()
        """The fact classes read (and `FIRST`, `RETRACTED`); None once all were read."""

    def _saw(self, what: object) -> None:
        if self.read_facts is not None:
            self.read_facts.add(what)

    @property
    def known_at(self) -> datetime:
        """The transaction time: constant within a strip of knowledge."""
        return self._shared.known_at

    @property
    def settings(self) -> Settings:
        """The settings the read model was built with (its stamp)."""
        return self._shared.settings

    @property
    def records_reach(self) -> Probe:
        """The Swedish date of `known_at`, tracked on the known axis."""
        return self.known_on

    @property
    def facts(self) -> tuple[Viewed, ...]:
        """The whole view: it holds until the next fact of any class is dated."""
        index = self._shared.facts
        self.tracker.until(index.next_day(self._base))
        self.read_facts = None
        return index.upto(self._base)

    @property
    def retracted(self) -> tuple[Viewed, ...]:
        """The retracted facts in view: they hold until the next one is dated."""
        index = self._shared.retracted
        self.tracker.until(index.next_day(self._base))
        self._saw(RETRACTED)
        return index.upto(self._base)

    @property
    def state(self) -> CaseState | None:
        """The folded case state: it holds as long as the fold does."""
        fold_at = self._shared.fold_at
        if fold_at is None:
            return None
        self.read_facts = None  # the fold reads every fact
        state, state_to = fold_at(self._base)
        self.tracker.until(state_to)
        return state

    def first_day(self) -> date | None:
        """The first fact's date: once there is one, it stays the first as `on` grows."""
        index = self._shared.facts
        self._saw(FIRST)
        if not index.days or index.days[0] > self._base:
            self.tracker.until(index.next_day(self._base))
            return None
        return index.days[0]

    def of_type(self, kind: type[E]) -> Iterator[tuple[Viewed, E]]:
        """The facts of one class in view; they hold until the next one is dated."""
        if kind.__subclasses__():  # a family of classes: read through the whole view
            for viewed in self.facts:
                if isinstance(viewed.event, kind):
                    yield viewed, viewed.event
            return
        found, following = self._shared.facts.of_class(kind, self._base)
        self.tracker.until(following)
        self._saw(kind)
        for viewed in found:
            yield viewed, cast("E", viewed.event)

    def next_meeting(self, body: Body, after: date) -> date | None:
        """The first day after `after` on which `body` met, if any is in the view."""
        first, changes = self._shared.referred.first_meeting(body, after, self.known_at)
        if self._shared.referred.committees is not None:
            self.reads.add("committee:")
        if changes is not None:
            self.tracker.known_by(changes)
        if first is None or first > self.on:
            return None
        return first

    find = RuleContext.find
    registration_flags = RuleContext.registration_flags

    def as_context(self) -> RuleContext:
        """Typed as what rules take: it has every attribute and method they use."""
        return cast("RuleContext", self)
