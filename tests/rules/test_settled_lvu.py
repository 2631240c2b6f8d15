"""RULES.md §4.28 for R17, R18 and R19a–d: each settled point, judged on several dates.

Every test states one bullet of §4.28 (it wins over §3–4.27; DESIGN.md D7 wins over it) and
checks it at several `on` and `known_at`, as the two compared implementations must agree on
every date. TC19 (RULES.md §11) is checked exactly as stated; R16 is in
`test_settled_custody`.
"""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import date

import pytest

from caselog.events import HomeType
from caselog.rules.model import Flag, Obligation, Severity, Status
from caselog.testing import History
from tests.rules.builders import day
from tests.rules.lvu_builders import (
    committee_met,
    custody_decided,
    custody_ended,
    custody_executed,
    custody_reported,
    custody_submitted,
    end_of_care_requested,
    moving_ban_considered,
    only,
    restriction_decided,
    restriction_lifted,
    restriction_reviewed,
)
from tests.rules.placement_builders import moved_out, placed
from tests.rules.test_matter_cases import concluded, investigated, lex_sarah, tc19, to_ivo

EMPTY_DUE = (None, None, None, None)


def due_fields(o: Obligation) -> tuple[date | None, date | None, int | None, int | None]:
    """The fields a not-applicable row leaves empty (§4.28 "Not applicable rows")."""
    return (o.due_on, o.effective_due_on, o.days_late, o.days_overdue)


# 4. R17: one trigger for every period; frozen days when the restriction is lifted.


def test_r17_every_period_keeps_the_restriction_decision_as_its_trigger() -> None:
    """Decided 31 January, reviewed 29 April and 5 August: every period triggered by u1."""
    history = History().record(
        restriction_decided("u1", "2024-01-31"),
        restriction_reviewed("v1", "2024-04-29"),
        restriction_reviewed("v2", "2024-08-05"),
    )
    early = history.obligations(on=day("2024-05-01"), rule="R17")
    assert [
        (o.period, o.trigger_event_id, o.trigger_on, o.satisfied_by_event_id) for o in early
    ] == [
        (1, "u1", day("2024-01-31"), "v1"),
        (2, "u1", day("2024-04-29"), None),
    ]
    for on in ("2024-09-01", "2025-06-01"):
        found = history.obligations(on=day(on), rule="R17")
        assert [
            (o.period, o.trigger_event_id, o.trigger_on, o.satisfied_by_event_id) for o in found
        ] == [
            (1, "u1", day("2024-01-31"), "v1"),
            (2, "u1", day("2024-04-29"), "v2"),
            (3, "u1", day("2024-08-05"), None),
        ]
    then = history.obligations(on=day("2024-09-01"), rule="R17", known_at=day("2024-06-01"))
    assert [(o.period, o.trigger_event_id, o.trigger_on, o.status) for o in then] == [
        (1, "u1", day("2024-01-31"), Status.MET),
        (2, "u1", day("2024-04-29"), Status.OVERDUE),
    ]


def test_r17_window_closed_breach_keeps_its_days_frozen_at_the_lifting() -> None:
    """Period 2 due 29 July, lifted 15 August unreviewed: breached, 17 days, on any later date."""
    history = History().record(
        restriction_decided("u1", "2024-01-31"),
        restriction_reviewed("v1", "2024-04-29"),
        restriction_lifted("l1", "2024-08-15"),
    )
    running = history.obligations(on=day("2024-08-10"), rule="R17")[-1]
    assert (running.status, running.days_overdue) == (Status.OVERDUE, 12)
    for on in ("2024-08-15", "2025-08-15"):
        found = history.obligations(on=day(on), rule="R17")
        assert len(found) == 2
        last = found[-1]
        assert (last.period, last.trigger_event_id, last.trigger_on) == (
            2,
            "u1",
            day("2024-04-29"),
        )
        assert (last.status, last.days_overdue, last.days_late) == (Status.BREACHED, 17, None)
        assert Flag.WINDOW_CLOSED in last.flags


# 5. R18: the placement the request names decides which end counts.


def two_placements(*, named: str | None) -> History:
    """Family home pl-1 from 2023; a second family home pl-2 from February 2024, ended 10 March.

    The guardian asks on 1 March for the care to end, naming `named`; a flyttningsförbud is
    considered on 15 March; pl-1 ends on 1 April.
    """
    return History().record(
        placed("p1", "2023-01-10", home="H1", placement="pl-1"),
        placed("p2", "2024-02-20", home="H2", placement="pl-2"),
        end_of_care_requested("q1", "2024-03-01", placement=named),
        moved_out("e2", "2024-03-10", placement="pl-2"),
        moving_ban_considered("b1", "2024-03-15"),
        moved_out("e1", "2024-04-01", placement="pl-1"),
    )


def test_r18_judged_against_the_end_of_the_named_placement() -> None:
    """Naming pl-1 (ends 1 April), the consideration of 15 March is in time: met.

    Without a name, the placement current at the request is the latest started, pl-2, which
    ended on 10 March unconsidered: breached, as before the field existed.
    """
    named = two_placements(named="pl-1")
    assert only(named, "R18", "2024-03-12").status is Status.PENDING
    for on in ("2024-03-15", "2024-06-01"):
        found = only(named, "R18", on)
        assert (found.status, found.satisfied_by_event_id) == (Status.MET, "b1")
    unnamed = two_placements(named=None)
    for on in ("2024-03-12", "2024-06-01"):
        found = only(unnamed, "R18", on)
        assert (found.status, found.due_on, found.satisfied_on) == (
            Status.BREACHED,
            day("2024-03-10"),
            None,
        )
        assert Flag.WINDOW_CLOSED in found.flags


def test_r18_named_placement_decides_the_kind_of_home() -> None:
    """Naming the family home while a later HVB stay runs: the duty applies; unnamed, it does not."""

    def history(named: str | None) -> History:
        return History().record(
            placed("p1", "2023-01-10", home="H1", placement="pl-1"),
            placed(
                "p2",
                "2024-02-20",
                home="HVB",
                home_type=HomeType.RESIDENTIAL_HOME,
                placement="pl-2",
            ),
            end_of_care_requested("q1", "2024-03-01", placement=named),
            moved_out("e1", "2024-04-01", placement="pl-1"),
        )

    assert only(history("pl-1"), "R18", "2024-03-20").status is Status.PENDING
    found = only(history("pl-1"), "R18", "2024-06-01")
    assert (found.status, found.due_on, found.severity) == (
        Status.BREACHED,
        day("2024-04-01"),
        Severity.HIGH,
    )
    for on in ("2024-03-20", "2024-06-01"):
        found = only(history(None), "R18", on)
        assert (found.status, *due_fields(found)) == (Status.NOT_APPLICABLE, *EMPTY_DUE)


def test_r18_named_placement_not_running_on_the_request_day_is_not_applicable() -> None:
    """A request naming a placement that had ended (or not begun) leaves nothing to consider."""
    history = History().record(
        placed("p1", "2023-01-10", home="H1", placement="pl-1"),
        moved_out("e1", "2024-02-01", placement="pl-1"),
        placed("p2", "2024-02-01", home="H2", placement="pl-2"),
        end_of_care_requested("q1", "2024-03-01", placement="pl-1"),
        end_of_care_requested("q2", "2024-03-01", placement="pl-3"),
        placed("p3", "2024-04-01", home="H3", placement="pl-3"),
    )
    for on in ("2024-03-20", "2024-06-01"):
        found = history.obligations(on=day(on), rule="R18")
        assert [(o.trigger_event_id, o.status) for o in found] == [
            ("q1", Status.NOT_APPLICABLE),
            ("q2", Status.NOT_APPLICABLE),
        ]


# 6. R19a–d: lex Sarah from 2011-07-01, compared with each row's own trigger day.


def test_r19_each_row_compares_its_own_trigger_day_with_2011_07_01() -> None:
    """Noticed 28 June 2011, reported 1 July: R19a not applicable; R19b–d judged."""
    history = History().record(
        lex_sarah("ls1", "2011-07-01", observed="2011-06-28"),
        investigated("ls2", "2011-07-01"),
        concluded("ls3", "2011-07-20", serious=True),
        to_ivo("ls4", "2011-07-25"),
    )
    for on in ("2011-07-01", "2011-08-01", "2015-01-01"):
        found = only(history, "R19a", on)
        assert (found.trigger_on, found.status, *due_fields(found)) == (
            day("2011-06-28"),
            Status.NOT_APPLICABLE,
            *EMPTY_DUE,
        )
        assert only(history, "R19b", on).status is Status.MET
    for on in ("2011-08-01", "2015-01-01"):
        assert only(history, "R19c", on).status is Status.MET
        found = only(history, "R19d", on)
        assert (found.trigger_on, found.due_on, found.status) == (
            day("2011-07-20"),
            day("2011-08-03"),
            Status.MET,
        )


def test_r19_all_rows_not_applicable_when_every_trigger_is_before_2011_07_01() -> None:
    """Reported 1 June 2011, concluded serious 20 June: every row not applicable, due empty."""
    history = History().record(
        lex_sarah("ls1", "2011-06-01"),
        investigated("ls2", "2011-06-02"),
        concluded("ls3", "2011-06-20", serious=True),
    )
    for on in ("2011-06-20", "2011-09-01", "2020-01-01"):
        for rule in ("R19a", "R19b", "R19c", "R19d"):
            found = only(history, rule, on)
            assert (found.status, *due_fields(found)) == (Status.NOT_APPLICABLE, *EMPTY_DUE)


def test_r19d_judged_when_concluded_after_2011_07_01_on_an_older_rapport() -> None:
    """Reported 1 June 2011 (R19a–c not applicable), concluded serious 5 July: R19d judged."""
    history = History().record(
        lex_sarah("ls1", "2011-06-01"), concluded("ls3", "2011-07-05", serious=True)
    )
    assert only(history, "R19c", "2011-09-01").status is Status.NOT_APPLICABLE
    found = only(history, "R19d", "2011-09-01")
    assert (found.due_on, found.status, found.days_overdue) == (
        day("2011-07-19"),
        Status.OVERDUE,
        44,
    )


# 7. One stable key per row.


def key(o: Obligation) -> tuple[str, str, str | None, str | None, int | None]:
    """(rule_id, case_id, trigger_event_id, part, period): a row's identity (§4.28)."""
    return (o.rule_id, o.case_id, o.trigger_event_id, o.part, o.period)


def test_no_two_rows_of_r16_to_r19_share_a_key() -> None:
    """Two custodies, two restrictions, two requests, two rapports: every key is unique."""
    history = History().record(
        placed("p1", "2024-01-10", placement="pl-1"),
        custody_decided("d1", "2024-03-04", custody="cu-1"),
        custody_executed("x1", "2024-03-04", custody="cu-1"),
        custody_submitted("s1", "2024-03-08", custody="cu-1"),
        custody_ended("e1", "2024-03-20", custody="cu-1"),
        committee_met("m1", "2024-03-12"),
        custody_reported("rc1", "2024-03-12", custody="cu-1"),
        custody_decided("d2", "2024-05-06", custody="cu-2"),
        custody_executed("x2", "2024-05-06", custody="cu-2"),
        custody_decided("d2b", "2024-05-07", custody="cu-2"),
        restriction_decided("u1", "2024-01-31", restriction="ur-1"),
        restriction_decided("u2", "2024-02-15", restriction="ur-2"),
        restriction_reviewed("v1", "2024-04-29", restriction="ur-1"),
        restriction_reviewed("v2", "2024-05-10", restriction="ur-2"),
        end_of_care_requested("q1", "2024-03-01"),
        end_of_care_requested("q2", "2024-03-05", placement="pl-1"),
        lex_sarah("ls1", "2024-03-04"),
        lex_sarah("ls5", "2024-04-04"),
        concluded("ls3", "2024-04-15", serious=True),
    )
    rules = {"R16a", "R16b", "R16c", "R17", "R18", "R19a", "R19b", "R19c", "R19d"}
    for on in ("2024-03-10", "2024-05-20", "2024-12-31"):
        found = [o for o in history.obligations(on=day(on)) if o.rule_id in rules]
        counts = Counter(key(o) for o in found)
        assert [k for k, n in counts.items() if n > 1] == []
    custody_rows = {(k[0], k[2]) for k in counts if k[0].startswith("R16")}
    assert custody_rows == {
        *itertools.product(("R16a", "R16b"), ("d1", "d2")),
        ("R16c", "x1"),
        ("R16c", "x2"),
    }
    assert sorted((k[2], k[4]) for k in counts if k[0] == "R17") == [
        ("u1", 1),
        ("u1", 2),
        ("u2", 1),
        ("u2", 2),
    ]


# TC19, exactly as RULES.md §11 states it.


@pytest.mark.parametrize("on", ["2024-06-20", "2024-07-01", "2030-01-01"])
def test_tc19_r19_exactly_as_stated(on: str) -> None:
    """R19a rapport met; R19b met; R19d due 29 April, met late by 52 days."""
    history = tc19()
    assert only(history, "R19a", on).status is Status.MET
    assert only(history, "R19b", on).status is Status.MET
    found = only(history, "R19d", on)
    assert (found.due_on, found.effective_due_on, found.status, found.days_late) == (
        day("2024-04-29"),
        day("2024-04-29"),
        Status.MET_LATE,
        52,
    )


def test_tc19_r19d_as_the_records_showed_before_the_anmalan() -> None:
    """Known on 19 June (before the anmälan), R19d was overdue; known later, met late by 52."""
    history = tc19()
    then = only(history, "R19d", "2024-07-01", known_at=day("2024-06-19"))
    assert (then.status, then.days_overdue) == (Status.OVERDUE, 63)
    now = only(history, "R19d", "2024-07-01", known_at=day("2024-06-20"))
    assert (now.status, now.days_late) == (Status.MET_LATE, 52)
