"""The demo municipality's IVO patterns show up as findings, with the right statute (issue 6)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache

import pytest

from caselog.demo import DemoConfig, DemoSummary, Pattern, generate
from caselog.events import Event, Recorded
from caselog.rules.evaluate import evaluate
from caselog.rules.model import FINDINGS, Flag, Obligation, Status
from caselog.rules.registry import RULES_BY_ID
from caselog.testing import History

FAR = datetime(2100, 1, 1, tzinfo=UTC)
CONFIG = DemoConfig(children=800)


@cache
def demo() -> tuple[DemoSummary, tuple[Recorded[Event], ...]]:
    """The demo recorded through the testing history, with its summary."""
    summary = DemoSummary()
    history = History()
    for batch in generate(CONFIG, summary=summary):
        history.record(*batch.events, at=batch.registered_at)
    return summary, tuple(history.records)


def recorded() -> tuple[Recorded[Event], ...]:
    """The demo's records."""
    return demo()[1]


@cache
def judged() -> tuple[DemoSummary, dict[str, str], tuple[Obligation, ...]]:
    """The demo recorded, its summary, event id → subject id, and its obligations at the end."""
    summary, records = demo()
    subjects = {r.event.event_id: r.stream.partition(":")[2] for r in records}
    return summary, subjects, tuple(evaluate(records, on=CONFIG.end, known_at=FAR))


FINDING = {Status.MET_LATE, Status.OVERDUE, Status.BREACHED}
MAX_CLOSED_RUN = 5
"""The longest run of closed days (Lag 1930:173) an arisen purge waits through: Christmas
Eve on a Wednesday to the Sunday after."""

EXPECTED: dict[Pattern, tuple[set[str], set[Status], Flag | None]] = {
    Pattern.VIOLENCE_NOT_INVESTIGATED: ({"R03"}, {Status.BREACHED}, None),
    Pattern.INVESTIGATION_OVERDUE: ({"R05"}, {Status.MET_LATE, Status.OVERDUE}, None),
    Pattern.EXTENSION_AFTER_EXPIRY: (
        {"R05"},
        FINDING | {Status.PENDING},
        Flag.EXTENSION_AFTER_EXPIRY,
    ),
    Pattern.PLACEMENT_NEVER_REVIEWED: ({"R11", "R12"}, FINDING, None),
    Pattern.REVIEWED_BY_OFFICIAL_ONLY: ({"R11", "R12"}, FINDING, Flag.INVALID_DELEGATION),
    Pattern.HOME_NEVER_INVESTIGATED: ({"R07"}, {Status.BREACHED}, None),
    Pattern.HOME_INVESTIGATED_AFTER_MOVE_IN: ({"R07"}, {Status.MET_LATE, Status.BREACHED}, None),
    Pattern.REGISTERED_YEARS_LATE: ({"R21"}, {Status.MET_LATE}, Flag.LATE_REGISTRATION),
    Pattern.LATE_INITIAL_ASSESSMENT: ({"R02"}, {Status.MET_LATE, Status.OVERDUE}, None),
    Pattern.LATE_PROTECTION_ASSESSMENT: ({"R01"}, {Status.MET_LATE, Status.OVERDUE}, None),
    Pattern.LATE_COURT_SUBMISSION: ({"R16b"}, {Status.BREACHED, Status.OVERDUE}, None),
    Pattern.EMERGENCY_HOME_OVERSTAY: ({"R08"}, {Status.MET_LATE, Status.OVERDUE}, None),
    Pattern.RECORDS_NOT_PURGED: ({"R23"}, {Status.OVERDUE}, None),
}


@pytest.mark.parametrize("pattern", list(EXPECTED), ids=str)
def test_every_injected_pattern_is_a_finding(pattern: Pattern) -> None:
    """Each case the demo built with an IVO pattern has the matching finding."""
    summary, subjects, obligations = judged()
    rules, statuses, flag = EXPECTED[pattern]
    carriers = summary.patterns[pattern.value]
    assert carriers, f"the demo has no {pattern}"
    for event_id in carriers:
        case = subjects[event_id]
        found = [
            o
            for o in obligations
            if o.case_id == case
            and o.rule_id in rules
            and o.status in statuses
            and (flag is None or flag in o.flags)
        ]
        assert found, f"{pattern}: no {rules} {statuses} {flag} finding for {case} ({event_id})"


def test_violence_findings_cite_the_regulation_of_their_day() -> None:
    """R03 cites SOSFS 2014:4 before 2022-11-01 and HSLF-FS 2022:39 from then on."""
    _, _, obligations = judged()
    r03 = [o for o in obligations if o.rule_id == "R03" and o.status is Status.BREACHED]
    assert r03
    for o in r03:
        decisive = o.satisfied_on or o.trigger_on
        expected = "HSLF-FS 2022:39" if decisive >= date(2022, 11, 1) else "SOSFS 2014:4"
        assert o.law_decisive == expected or o.law_decisive.startswith(expected), o


def test_investigation_findings_cite_the_act_of_their_day() -> None:
    """R05 cites the act of its decisive day, naming the old paragraph when it began under it."""
    _, _, obligations = judged()
    r05 = [o for o in obligations if o.rule_id == "R05" and o.status in FINDING]
    assert any(o.law_decisive.startswith("SoL (2001:453)") for o in r05)
    for o in r05:
        old = o.trigger_on <= date(2025, 6, 30)
        if o.law_decisive.startswith("SoL (2025:400)") and old:
            assert o.citation.endswith("(motsv. SoL (2001:453) 11 kap. 2 §)"), o


def test_r23_findings_are_the_forgotten_purges_only() -> None:
    """Gallring in the demo follows R23: its only R23 findings are the injected pattern.

    At the demo's end every R23 row is met or not applicable except the files the
    demo forgot (`records_not_purged`), which are overdue; on other dates a duty that
    arose on a closed day may also wait, pending, for the next working day's purge.
    """
    summary, subjects, obligations = judged()
    forgotten = {subjects[event_id] for event_id in summary.patterns[Pattern.RECORDS_NOT_PURGED]}
    r23 = [o for o in obligations if o.rule_id == "R23"]
    assert forgotten
    assert {o.case_id for o in r23 if o.status in FINDINGS} == forgotten
    assert {o.status for o in r23 if o.case_id in forgotten and o.part == "general"} == {
        Status.OVERDUE
    }
    assert {o.status for o in r23 if o.case_id not in forgotten} == {
        Status.MET,
        Status.NOT_APPLICABLE,
    }
    history = recorded()
    for on in (date(2018, 6, 30), date(2021, 12, 24), date(2024, 1, 1)):
        for o in evaluate(history, on=on, known_at=FAR, rules=RULES_BY_ID["R23"]):
            if o.status in FINDINGS and o.case_id not in forgotten:
                assert o.status is Status.PENDING, o
                assert (on - o.trigger_on).days <= MAX_CLOSED_RUN, o
