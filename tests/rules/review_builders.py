"""How the tests of the recurring duties (R11–R14) judge a history, and their extra builders.

`judged` and `only` evaluate the rules of `caselog.rules.reviews` and
`caselog.rules.follow_up` on their own (`placement_builders.judged` with these rules), so
that other rule modules cannot disturb them. The placement events themselves are built with
`tests.rules.placement_builders`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from caselog.events import SocialWorkerAssigned
from caselog.rules import follow_up, reviews
from tests.rules import placement_builders
from tests.rules.builders import BY, day

if TYPE_CHECKING:
    from caselog.rules.model import Obligation
    from caselog.testing import History

RULES: Final = (*reviews.RULES, *follow_up.RULES)


def judged(history: History, rule: str, on: str, **kwargs: Any) -> list[Obligation]:  # noqa: ANN401
    """The obligations of `rule` (and `part`) on `on`, judged by the recurring rules alone."""
    return placement_builders.judged(history, rule, on, rules=RULES, **kwargs)


def only(history: History, rule: str, on: str, **kwargs: Any) -> Obligation:  # noqa: ANN401
    """The one obligation of `rule` (and `part`) on `on`."""
    found = judged(history, rule, on, **kwargs)
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
