"""RULES.md §4.28, settled after the comparison with an independent implementation: R01–R05.

Each class or test names the bullet of §4.28 it pins down. The violence bullets are next to
their worked cases: "R03 without a decision" in `test_intake_cases`, "R03b, one row per
violence report" in `test_investigation_cases`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from caselog.events import PreAssessmentReason, ViolenceExposure
from caselog.rules.model import Flag, Obligation, Status
from caselog.testing import History
from tests.rules.builders import (
    applied,
    concluded,
    day,
    deferred,
    extended,
    informed,
    not_opened,
    opened,
    pre_assessment_extended,
    report,
    risk_assessed,
)

MINE = ("R01", "R02", "R03", "R03b", "R04", "R05")
WITNESSED = ViolenceExposure.WITNESSED


def one(history: History, rule: str, on: str, *, part: str | None = None) -> Obligation:
    """The one obligation of `rule` (and `part`) on `on`."""
    found = [o for o in history.obligations(on=day(on), rule=rule) if part in {None, o.part}]
    assert len(found) == 1, found
    return found[0]


def guardians(history: History, on: str, trigger: str = "o1") -> Obligation:
    """The R04 `guardians_informed` row of the investigation opened by `trigger`."""
    (found,) = [
        o
        for o in history.obligations(on=day(on), rule="R04")
        if o.part == "guardians_informed" and o.trigger_event_id == trigger
    ]
    return found


class TestExtensionsAfterTheAct:
    """§4.28: an extension decided after the act that met the duty moves nothing, flags nothing.

    Förlängning after the decision (R02, SoL (2025:400) 20 kap. 2 §) or after the
    conclusion (R05, 20 kap. 3 §): there was nothing left to extend.
    """

    def test_r02_extension_after_the_decision_is_ignored(self) -> None:
        """Decided 5 March; an extension on 8 March to 1 April leaves the due date 15 March."""
        history = History().record(
            report("r1", "2024-03-01"),
            opened("o1", "2024-03-05", "r1"),
            pre_assessment_extended("x1", "2024-03-08", "r1", "2024-04-01"),
        )
        for on in ("2024-03-10", "2024-05-01"):
            found = one(history, "R02", on)
            assert (found.due_on, found.status, found.flags) == (day("2024-03-15"), Status.MET, ())

    def test_r02_extension_on_the_day_of_the_decision_still_counts(self) -> None:
        """An extension decided the same day as the decision is not after it: it moves the date."""
        history = History().record(
            report("r1", "2024-03-01"),
            pre_assessment_extended("x1", "2024-03-05", "r1", "2024-04-01"),
            opened("o1", "2024-03-05", "r1"),
        )
        found = one(history, "R02", "2024-05-01")
        assert (found.due_on, found.status, found.flags) == (
            day("2024-04-01"),
            Status.MET,
            (Flag.EXTENDED,),
        )

    def test_r02_extension_for_other_reasons_after_the_decision_adds_no_review(self) -> None:
        """An `other` reason after the decision would need manual review; after the act, none."""
        history = History().record(
            report("r1", "2024-03-01"),
            opened("o1", "2024-03-20", "r1"),
            pre_assessment_extended(
                "x1", "2024-03-22", "r1", "2024-04-30", reason=PreAssessmentReason.OTHER
            ),
        )
        found = one(history, "R02", "2024-05-01")
        assert (found.status, found.days_late, found.flags) == (Status.MET_LATE, 5, ())

    def test_r03_shares_the_r02_deadline_without_the_late_extension(self) -> None:
        """R03 is due by R02's date; an extension after the opening moves neither."""
        history = History().record(
            report("r1", "2024-03-01", violence=WITNESSED),
            opened("o1", "2024-03-05", "r1"),
            pre_assessment_extended("x1", "2024-03-08", "r1", "2024-04-01"),
        )
        found = one(history, "R03", "2024-05-01")
        assert (found.due_on, found.status, found.flags) == (
            day("2024-03-15"),
            Status.MET,
            (Flag.CITATION_UNVERIFIED,),
        )

    def test_r05_late_extension_after_the_conclusion_adds_no_days(self) -> None:
        """Concluded in time on 1 May; an extension on 1 August (after expiry) changes nothing."""
        history = History().record(
            opened("o1", "2024-03-01"),
            concluded("c1", "2024-05-01"),
            extended("e1", "2024-08-01", "2024-09-30"),
            extended("e2", "2024-08-02", None),
        )
        for on in ("2024-06-01", "2024-10-01"):
            found = one(history, "R05", on)
            assert (found.due_on, found.status, found.days_late, found.flags) == (
                day("2024-07-01"),
                Status.MET,
                None,
                (),
            )

    def test_r05_extension_after_a_late_conclusion_does_not_cure_it(self) -> None:
        """Concluded 10 July, 9 days late; an extension on 20 July neither cures nor adds."""
        history = History().record(
            opened("o1", "2024-03-01"),
            concluded("c1", "2024-07-10"),
            extended("e1", "2024-07-20", "2024-09-30"),
        )
        found = one(history, "R05", "2024-10-01")
        assert (found.due_on, found.status, found.days_late, found.flags) == (
            day("2024-07-01"),
            Status.MET_LATE,
            9,
            (),
        )


class TestR04GuardiansInformed:
    """§4.28: the first telling or deferral from the day of the opening decides R04.

    SoL (2001:453) 11 kap. 2 § 3 st. / SoL (2025:400) 20 kap. 4 §: those concerned are told
    "genast", unless särskilda skäl speak against it. Opened Friday 1 March 2024; due the
    next day, Saturday 2 March (`guardians_informed_days` = 1, strict).
    """

    def test_pending_then_overdue_before_any_act(self) -> None:
        """No act: pending on the due date, overdue after it."""
        history = History().record(opened("o1", "2024-03-01"))
        assert guardians(history, "2024-03-02").status is Status.PENDING
        found = guardians(history, "2024-03-04")
        assert (found.status, found.days_overdue) == (Status.OVERDUE, 2)

    @pytest.mark.parametrize("deferred_on", ["2024-03-01", "2024-03-02"])
    def test_a_deferral_by_the_due_date_waives_it(self, deferred_on: str) -> None:
        """A deferral on the day of the opening or on the due date: waived."""
        history = History().record(opened("o1", "2024-03-01"), deferred("d1", deferred_on))
        found = guardians(history, "2024-04-01")
        assert (found.status, found.satisfied_by_event_id, found.days_late) == (
            Status.WAIVED,
            "d1",
            None,
        )

    def test_a_deferral_after_the_due_date_is_the_late_act(self) -> None:
        """Deferred 5 March, three days after the due date: met late, the deferral the act."""
        history = History().record(opened("o1", "2024-03-01"), deferred("d1", "2024-03-05"))
        assert guardians(history, "2024-03-04").status is Status.OVERDUE
        found = guardians(history, "2024-04-01")
        assert (found.status, found.days_late, found.satisfied_by_event_id, found.satisfied_on) == (
            Status.MET_LATE,
            3,
            "d1",
            day("2024-03-05"),
        )

    @pytest.mark.parametrize(
        ("informed_on", "status", "days_late"),
        [("2024-03-01", Status.MET, None), ("2024-03-04", Status.MET_LATE, 2)],
    )
    def test_a_deferral_after_the_guardians_were_informed_changes_nothing(
        self, informed_on: str, status: Status, days_late: int | None
    ) -> None:
        """Told first, deferred on 5 March: judged on the telling alone."""
        history = History().record(
            opened("o1", "2024-03-01"), informed("g1", informed_on), deferred("d1", "2024-03-05")
        )
        found = guardians(history, "2024-04-01")
        assert (found.status, found.days_late, found.satisfied_by_event_id) == (
            status,
            days_late,
            "g1",
        )

    def test_informing_after_a_timely_deferral_leaves_it_waived(self) -> None:
        """Deferred on the due date, told later: the deferral came first and decides."""
        history = History().record(
            opened("o1", "2024-03-01"), deferred("d1", "2024-03-02"), informed("g1", "2024-03-20")
        )
        assert guardians(history, "2024-04-01").status is Status.WAIVED

    def test_acts_count_from_the_day_of_the_opening_itself(self) -> None:
        """Told on the day of the opening: met; a telling dated before the opening does not count."""
        same_day = History().record(opened("o1", "2024-03-01"), informed("g1", "2024-03-01"))
        assert guardians(same_day, "2024-04-01").status is Status.MET
        before = History().record(informed("g0", "2024-02-20"), opened("o1", "2024-03-01"))
        found = guardians(before, "2024-03-10")
        assert (found.status, found.days_overdue, found.satisfied_by_event_id) == (
            Status.OVERDUE,
            8,
            None,
        )

    def test_applies_to_every_investigation_opened(self) -> None:
        """On an application, on a report from 2012, on nothing, and while another one runs."""
        history = History().record(
            report("r1", "2012-05-02"),
            opened("o1", "2012-05-10", "r1", investigation="inv-1"),
            applied("a1", "2024-03-01"),
            opened("o2", "2024-03-02", investigation="inv-2", application="a1"),
            opened("o3", "2024-04-10", investigation="inv-3"),
            opened("o4", "2024-05-06", investigation="inv-4"),
        )
        rows = [
            o
            for o in history.obligations(on=day("2024-06-01"), rule="R04")
            if o.part == "guardians_informed"
        ]
        assert sorted(o.trigger_event_id or "" for o in rows) == ["o1", "o2", "o3", "o4"]
        assert {o.status for o in rows} == {Status.OVERDUE}


class TestSameDayConclusion:
    """§4.28: an investigation concluded on the day a report comes in is not open for it.

    The exception of SoL (2025:400) 20 kap. 2 § ("redan pågår en utredning") needs an
    investigation still under way; the report gets its own förhandsbedömning.
    """

    def test_concluded_on_the_day_of_receipt_the_report_has_its_own_r02(self) -> None:
        """Concluded 6 May, report 6 May: R02 due 20 May, pending on 10 May."""
        history = History().record(
            opened("o1", "2024-01-10"), concluded("c1", "2024-05-06"), report("r2", "2024-05-06")
        )
        found = one(history, "R02", "2024-05-10")
        assert (found.due_on, found.status) == (day("2024-05-20"), Status.PENDING)

    def test_concluded_the_day_after_the_report_was_still_open(self) -> None:
        """Concluded 7 May, report 6 May: the investigation was open, R02 not applicable."""
        history = History().record(
            opened("o1", "2024-01-10"), report("r2", "2024-05-06"), concluded("c1", "2024-05-07")
        )
        assert one(history, "R02", "2024-05-10").status is Status.NOT_APPLICABLE

    def test_a_violence_report_on_the_day_of_conclusion_is_nobody_s_yet(self) -> None:
        """The concluded investigation neither meets R03 nor carries R03b for the report."""
        history = History().record(
            opened("o1", "2024-01-10"),
            concluded("c1", "2024-05-06"),
            report("r2", "2024-05-06", violence=WITNESSED),
        )
        found = one(history, "R03", "2024-05-21")
        assert (found.status, found.days_overdue) == (Status.OVERDUE, 1)
        assert history.obligations(on=day("2024-05-21"), rule="R03b") == []


def _before_2013() -> History:
    return History().record(report("r1", "2012-12-31"))


def _violence_before_october_2014() -> History:
    return History().record(
        report("r1", "2014-09-30", violence=WITNESSED),
        opened("o1", "2014-10-05", "r1"),
        risk_assessed("ra1", "2014-10-06"),
    )


def _during_an_investigation() -> History:
    return History().record(opened("o1", "2024-04-10"), report("r2", "2024-05-06"))


@pytest.mark.parametrize(
    ("reason", "history", "rule", "trigger"),
    [
        ("R01 before 2013-01-01", _before_2013(), "R01", "r1"),
        ("R02 before 2013-01-01", _before_2013(), "R02", "r1"),
        ("R03 before 2014-10-01", _violence_before_october_2014(), "R03", "r1"),
        ("R03b before 2014-10-01", _violence_before_october_2014(), "R03b", "r1"),
        ("R02 with an investigation open", _during_an_investigation(), "R02", "r2"),
    ],
)
@pytest.mark.parametrize("days_after", [0, 30, 400])
def test_not_applicable_rows_have_no_due_date(
    reason: str, history: History, rule: str, trigger: str, days_after: int
) -> None:
    """§4.28 "Not applicable rows": the row exists, with no due date and no lateness."""
    received = next(r.event.occurred_on for r in history.records if r.event.event_id == trigger)
    on = received + timedelta(days=days_after)
    (found,) = history.obligations(on=on, rule=rule)
    assert (found.status, found.trigger_event_id, found.trigger_on) == (
        Status.NOT_APPLICABLE,
        trigger,
        received,
    ), reason
    assert (found.due_on, found.effective_due_on, found.days_late, found.days_overdue) == (
        None,
        None,
        None,
        None,
    ), reason
    assert (found.satisfied_by_event_id, found.satisfied_on) == (None, None), reason


def test_the_2013_rules_apply_from_new_year_s_day() -> None:
    """A report received on 2013-01-01 has R01 and R02 duties (Lag 2012:776)."""
    history = History().record(report("r1", "2013-01-01"))
    assert one(history, "R01", "2013-01-01").status is Status.PENDING
    assert one(history, "R02", "2013-01-01").due_on == day("2013-01-15")


def _busy_case() -> History:
    """A case file with every kind of intake trigger, several on one investigation."""
    return History().record(
        report("r0", "2012-06-01"),
        opened("o0", "2012-06-10", "r0", investigation="inv-0"),
        concluded("c0", "2012-09-01", investigation="inv-0"),
        applied("a1", "2024-01-05"),
        report("r1", "2024-03-01", violence=WITNESSED),
        report("r2", "2024-03-02", violence=WITNESSED),
        opened("o1", "2024-03-05", "r1", "r2", investigation="inv-1"),
        report("r3", "2024-04-02", violence=WITNESSED),
        opened("o2", "2024-04-10", "r3", investigation="inv-2"),
        report("r4", "2024-05-06", violence=WITNESSED),
        risk_assessed("ra1", "2024-03-10", investigation="inv-1"),
        concluded("c1", "2024-06-30", investigation="inv-1"),
        concluded("c2", "2024-08-01", investigation="inv-2"),
        informed("g1", "2024-03-05", investigation="inv-1"),
        deferred("d2", "2024-04-20", investigation="inv-2"),
        report("r5", "2024-08-30", violence=WITNESSED),
        not_opened("n5", "2024-09-02", "r5"),
    )


@pytest.mark.parametrize("on", ["2024-03-03", "2024-05-06", "2024-07-01", "2025-01-01"])
def test_every_row_has_its_own_stable_key(on: str) -> None:
    """§4.28 "One stable key": (rule_id, case_id, trigger_event_id, part, period) is unique.

    R03b has one row per report (two reports on inv-1; r3, opened on by inv-2 while inv-1
    ran; r4, covered by a running investigation; none for r5, never investigated), R04
    one per application, old report and opening, R05 one per investigation; rows never
    vanish as `on` moves forward.
    """
    history = _busy_case()

    def keys(when: str) -> list[tuple[str, str, str | None, str | None, int | None]]:
        return [
            (o.rule_id, o.case_id, o.trigger_event_id, o.part, o.period)
            for o in history.obligations(on=day(when))
            if o.rule_id in MINE
        ]

    now = keys(on)
    assert len(now) == len(set(now))
    assert set(now) <= set(keys("2026-01-01"))
    final = keys("2026-01-01")
    assert sorted(k[2] or "" for k in final if k[0] == "R03b") == ["r1", "r2", "r3", "r4"]
    assert sorted(k[2] or "" for k in final if k[0] == "R03") == ["r1", "r2", "r3", "r4", "r5"]


def test_r04_deferral_registered_late_is_unknown_before_it_was_registered() -> None:
    """R04: as known before the deferral was registered, the duty was overdue."""
    history = (
        History()
        .record(opened("o1", "2024-03-01"))
        .record(deferred("d1", "2024-03-02"), at=datetime(2024, 3, 8, 10, tzinfo=UTC))
    )
    early = history.obligations(on=day("2024-03-05"), known_at=day("2024-03-05"), rule="R04")
    assert [o.status for o in early] == [Status.OVERDUE]
    assert guardians(history, "2024-03-05").status is Status.WAIVED
