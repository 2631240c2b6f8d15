"""What a rule sees: the as-of view of one stream and of the streams it refers to (D8).

Rules sit above the projections on purpose: the reference semantics (D4) folds the
corrected, filtered events and then evaluates the rules, so a rule may read the folded
case state as well as the facts themselves.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar, cast

from caselog.dates import days_between, swedish_date
from caselog.events import Body, EventModel
from caselog.rules.model import Flag

if TYPE_CHECKING:
    from caselog.projections import CaseState, Viewed
    from caselog.rules.judging import Duty
    from caselog.rules.model import Obligation
    from caselog.rules.settings import Settings

E = TypeVar("E", bound=EventModel)


class Scope(StrEnum):
    """Which streams a rule is evaluated for."""

    CHILD = "child"
    """Once per child's case file (personakt)."""
    HOME = "home"
    """Once per family home or other home (its investigations; R21 judges every stream)."""
    MATTER = "matter"
    """Once per deviation or lex Sarah matter."""
    COMMITTEE = "committee"
    """Once per committee (annual lists)."""


@dataclass(frozen=True)
class RuleContext:
    """The as-of view a rule judges: one stream's facts, the referred streams, `on`."""

    case_id: str
    """The stream's subject id: the child's, home's, matter's or committee's (§4.28)."""
    on: date
    known_at: datetime
    settings: Settings
    facts: tuple[Viewed, ...]
    """The stream's facts, corrected, up to `on`, in fold order (D4)."""
    state: CaseState | None = None
    """The folded case state (child streams only)."""
    homes: Mapping[str, tuple[Viewed, ...]] = field(default_factory=dict)
    """home_id → the facts of that home's stream, as of the same view."""
    committee: tuple[Viewed, ...] = ()
    """The facts of every committee stream (meetings, lists to IVO)."""
    meetings: Mapping[Body, tuple[date, ...]] = field(default_factory=dict)
    """The days each body met (`CommitteeMeetingHeld`), in order: indexed once per
    evaluation, since every child with an immediate custody asks for the next one."""
    retracted: tuple[Viewed, ...] = ()
    """The stream's facts that a retraction removed from the view, up to `on`, in fold
    order: no rule judges what they say, but R21 judges that they were registered."""
    known_on: date | None = None
    """The Swedish date of `known_at`: how far the records reach (R14 years). Given
    separately so that the read models can follow it as they follow `on`."""

    @property
    def records_reach(self) -> date:
        """The Swedish date of `known_at` (`known_on` when given)."""
        return self.known_on if self.known_on is not None else swedish_date(self.known_at)

    def of_type(self, kind: type[E]) -> Iterator[tuple[Viewed, E]]:
        """The facts of one event class, with their view wrappers, in fold order."""
        if kind.__subclasses__():  # a family of classes: look at each fact
            for viewed in self.facts:
                if isinstance(viewed.event, kind):
                    yield viewed, viewed.event
            return
        for viewed in self._by_class.get(kind, ()):
            yield viewed, cast("E", viewed.event)

    @cached_property
    def _by_class(self) -> dict[type[EventModel], list[Viewed]]:
        """The facts by their exact class, in fold order.

        Some forty rules each ask for a few classes: one pass over the view replaces forty.
        """
        found: dict[type[EventModel], list[Viewed]] = defaultdict(list)
        for viewed in self.facts:
            found[type(viewed.event)].append(viewed)
        return found

    def first_day(self) -> date | None:
        """The date of the stream's first fact in view (None while there is none)."""
        return self.facts[0].event.occurred_on if self.facts else None

    def next_meeting(self, body: Body, after: date) -> date | None:
        """The first day after `after` on which `body` met, if any is in the view."""
        days = self.meetings.get(body, ())
        index = bisect_right(days, after)
        return days[index] if index < len(days) else None

    def find(self, kind: type[E], **equal: object) -> tuple[str, date] | None:
        """(event_id, occurred_on) of the first fact of a class whose fields equal `equal`.

        Fields holding lists match when they contain the value (`report_event_ids=...`).
        """
        for _, event in self.of_type(kind):
            if all(_matches(getattr(event, name), value) for name, value in equal.items()):
                return event.event_id, event.occurred_on
        return None

    def registration_flags(self, viewed: Viewed) -> tuple[Flag, ...]:
        """`late_registration` when a trigger was registered long after it happened (R21)."""
        lag = days_between(viewed.event.occurred_on, swedish_date(viewed.recorded_at))
        return (Flag.LATE_REGISTRATION,) if lag > self.settings.registration_flag_days else ()


def _matches(actual: object, wanted: object) -> bool:
    return wanted in actual if isinstance(actual, list) else actual == wanted


RuleFunction = Callable[[RuleContext], Iterable["Obligation"]]


@dataclass(frozen=True)
class Rule:
    """A registered rule: the function that judges the duty, what it is, where it runs."""

    evaluate: RuleFunction
    duty: Duty
    scope: Scope = Scope.CHILD
    per_fact: bool = False
    """Whether each fact's rows depend on that fact alone (R21): the rows of a view are
    then those of each fact (the retracted ones too) in fold order, and the read models
    judge each fact once rather than the whole view again at every new fact."""

    @property
    def rule_id(self) -> str:
        """The stable catalogue id (R01 … R24, sub-ids like R03b)."""
        return self.duty.rule_id

    @property
    def name(self) -> str:
        """The function's name: the duty, in words."""
        return self.evaluate.__name__
