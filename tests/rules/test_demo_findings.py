"""The demo municipality's IVO patterns show up as findings, with the right statute (issue 6)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache

import pytest

from caselog.demo import DemoConfig, DemoSummary, Pattern, generate
from caselog.rules.evaluate import evaluate
from caselog.rules.model import Flag, Obligation, Status
from caselog.testing import History

FAR = datetime(2100, 1, 1, tzinfo=UTC)
CONFIG = DemoConfig(children=800)


@cache
def judged() -> tuple[DemoSummary, dict[str, str], tuple[Obligation, ...]]:
    """The demo recorded, its summary, event id → subject id, and its obligations at the end."""
    summary = DemoSummary()
    history = History()
    for batch in generate(CONFIG, summary=summary):
        history.record(*batch.events, at=batch.registered_at)
    subjects = {r.event.event_id: r.stream.partition(":")[2] for r in history.records}
    return summary, subjects, tuple(evaluate(history.records, on=CONFIG.end, known_at=FAR))


FINDING = {Status.MET_LATE, Status.OVERDUE, Status.BREACHED}

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
