"""How the tests of the recurring duties (R11–R14) judge a history, and their extra builders.

`judged` and `only` evaluate the rules of `caselog.rules.reviews` and
`caselog.rules.follow_up` on their own, through the same `evaluate` the log uses, so that
other rule modules cannot disturb them. The placement events themselves are built with
`tests.rules.placement_builders`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Final

from caselog.api.clock import resolve_known_at
from caselog.events import SocialWorkerAssigned
from caselog.rules import follow_up, reviews
from caselog.rules.evaluate import evaluate
from caselog.rules.model import Obligation
from caselog.rules.settings import DEFAULT_SETTINGS, Settings
from caselog.testing import History
from tests.rules.builders import BY, day

RULES: Final = (*reviews.RULES, *follow_up.RULES)
NOW: Final = datetime(2100, 1, 1, tzinfo=UTC)


def judged(
    history: History,
    rule: str,
    on: str,
    *,
    part: str | None = None,
    known_at: date | datetime | None = None,
    settings: Settings = DEFAULT_SETTINGS,
) -> list[Obligation]:
    """The obligations of `rule` (and `part`) on `on`, as known at `known_at` (default: all)."""
    found = evaluate(
        history.records,
        on=day(on),
        known_at=resolve_known_at(known_at, lambda: NOW),
        settings=settings,
        rules=RULES,
    )
    return [o for o in found if o.rule_id == rule and (part is None or o.part == part)]


def only(history: History, rule: str, on: str, **kwargs: object) -> Obligation:
    """The one obligation of `rule` (and `part`) on `on`."""
    found = judged(history, rule, on, **kwargs)  # type: ignore[arg-type]
    assert len(found) == 1, found
    return found[0]


def social_worker_assigned(
    event_id: str, on: str, *, social_worker: str = "sw-17"
) -> SocialWorkerAssigned:
    """A designated social worker (särskilt utsedd socialsekreterare) assigned to the child."""
    return SocialWorkerAssigned(
        event_id=event_id, occurred_on=day(on), social_worker=social_worker, **BY
    )


Key = tuple[str, str, str | None, str | None, int | None]


def key(o: Obligation) -> Key:
    """The stable key of §4.28: (rule_id, case_id, trigger_event_id, part, period)."""
    return (o.rule_id, o.case_id, o.trigger_event_id, o.part, o.period)
