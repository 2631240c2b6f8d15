"""`Law.at` and `Law.citation` answer from precomputed spans; they must equal a plain scan.

The spans are cut at every day a version begins or the day after one ends (issue 10: the
lookup runs twice per obligation, millions of times), so the days around every cut of
every registered duty are checked, and random days besides.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from caselog.rules.model import Law, LawVersion
from caselog.rules.registry import ALL_RULES

LAWS = {rule.duty.law for rule in ALL_RULES}


def scanned(law: Law, day: date) -> LawVersion | None:
    """The definition: the first version listed that is in force on `day`."""
    return next((v for v in law.versions if v.in_force(day)), None)


def cited(law: Law, trigger_on: date, decisive_on: date) -> tuple[str, str, str, bool]:
    """D7's citation, computed the plain way."""
    at_trigger = scanned(law, trigger_on) or law.versions[0]
    decisive = scanned(law, decisive_on) or at_trigger
    text = decisive.cite()
    if decisive != at_trigger:
        text += f" (motsv. {at_trigger.cite()})"
    return (
        at_trigger.cite(),
        decisive.cite(),
        text,
        not (decisive.verified and at_trigger.verified),
    )


def edges(law: Law) -> list[date]:
    """Every day a version begins or ends, and the days either side."""
    days = {d for v in law.versions for d in (v.valid_from, v.valid_to) if d is not None}
    return sorted({d + timedelta(days=k) for d in days for k in (-1, 0, 1)})


def test_every_duty_answers_as_a_scan_around_every_change_of_law() -> None:
    """Around each day the law of a duty changes, the spans give the scanned version."""
    assert len(LAWS) > 10
    for law in LAWS:
        for day in edges(law):
            assert law.at(day) == scanned(law, day), (law, day)
            for other in edges(law):
                assert law.citation(day, other) == cited(law, day, other), (law, day, other)


@given(
    st.sampled_from(sorted(LAWS, key=repr)),
    st.dates(date(1900, 1, 1), date(2100, 12, 31)),
    st.dates(date(1900, 1, 1), date(2100, 12, 31)),
)
def test_any_day_answers_as_a_scan(law: Law, first: date, second: date) -> None:
    """On random days too."""
    assert law.at(first) == scanned(law, first)
    assert law.citation(first, second) == cited(law, first, second)
