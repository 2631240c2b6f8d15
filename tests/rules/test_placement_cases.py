"""Worked cases TC11 and TC12 (RULES.md §11) and the placement duties R07 and R08.

The rules are evaluated on their own (`caselog.rules.placements`, `caselog.rules.plans`),
through the same `evaluate` the log uses, so other rule modules cannot disturb them; the
helpers `judged` and `only` that do so are in `placement_builders`.
"""

from __future__ import annotations

import pytest

from caselog.events import DecidedBy, Event, HomeType, PlacementBasis
from caselog.rules import contracts, placements
from caselog.rules.model import Flag, Obligation, Severity, Status
from caselog.rules.registry import ALL_RULES
from caselog.testing import History
from tests.rules.builders import concluded, day, opened
from tests.rules.placement_builders import (
    JOURHEM,
    care_decided,
    case,
    consent_granted,
    home_investigated,
    jourhem_stay_extended,
    judged,
    moved_in,
    moved_out,
    only,
)


def test_placement_rules_are_registered() -> None:
    """R07–R09 are evaluated by the log, in catalogue order, R09's parts after R08's."""
    assert set(placements.RULES) | set(contracts.RULES) <= set(ALL_RULES)
    position = {rule: i for i, rule in enumerate(ALL_RULES)}
    ours = [position[rule] for rule in (*placements.RULES, *contracts.RULES)]
    assert ours == sorted(ours)


def tc11() -> History:
    """TC11: a family home used before it was investigated (the Orsa pattern)."""
    return case(
        care_decided("d1", "2018-05-02"),
        moved_in("p1", "2018-05-02", decision="cd-1"),
        home_investigated("h1", "2018-06-15"),
    )


class TestTC11FamilyHomeUsedBeforeItWasInvestigated:
    """R07 breached (critical) from the move-in; met late, 44 days of exposure, once approved."""

    def test_breached_from_the_move_in(self) -> None:
        """On the move-in day with no home investigation: breached, critical, not final."""
        found = only(tc11(), "R07", "2018-05-02")
        assert (found.status, found.severity, found.days_overdue) == (
            Status.BREACHED,
            Severity.CRITICAL,
            0,
        )
        assert not found.is_final

    def test_breached_as_of_20_may(self) -> None:
        """As of 2018-05-20: breached, 18 days of exposure so far."""
        found = only(tc11(), "R07", "2018-05-20")
        assert (found.due_on, found.status, found.days_overdue) == (
            day("2018-05-02"),
            Status.BREACHED,
            18,
        )
        assert found.citation == "SoL (2001:453) 6 kap. 6 § 1–2 st."

    @pytest.mark.parametrize("on", ["2018-06-15", "2019-01-01", "2025-12-31"])
    def test_met_late_by_44_days_once_investigated(self, on: str) -> None:
        """From 2018-06-15 on: met late with 44 days of exposure; the verdict stays."""
        found = only(tc11(), "R07", on)
        assert (found.status, found.days_late) == (Status.MET_LATE, 44)
        assert (found.satisfied_by_event_id, found.satisfied_on) == ("h1", day("2018-06-15"))
        assert found.is_final

    def test_breached_as_known_before_the_investigation_was_registered(self) -> None:
        """An investigation registered late: breached as the records then showed."""
        history = case(
            care_decided("d1", "2018-05-02"), moved_in("p1", "2018-05-02", decision="cd-1")
        ).record(home_investigated("h1", "2018-06-15"), at=day("2018-09-01"))
        assert only(history, "R07", "2018-07-01", known_at=day("2018-08-01")).status is (
            Status.BREACHED
        )
        assert only(history, "R07", "2018-07-01").status is Status.MET_LATE


class TestFamilyHomeApprovedBeforeMoveIn:
    """R07: both the home investigation and the decision must precede the move-in."""

    def test_met_when_both_came_first(self) -> None:
        """Another municipality's investigation and an utskott decision, both in time: met."""
        history = case(
            home_investigated("h1", "2018-04-01", municipality="Mora"),
            care_decided("d1", "2018-04-20", by=DecidedBy.SUBCOMMITTEE),
            moved_in("p1", "2018-05-02", decision="cd-1"),
        )
        found = only(history, "R07", "2018-06-01")
        assert (found.status, found.satisfied_by_event_id) == (Status.MET, "d1")

    def test_never_investigated_home_stays_breached(self) -> None:
        """No investigation ever: still breached years later, exposure growing."""
        history = case(
            care_decided("d1", "2018-05-02"), moved_in("p1", "2018-05-02", decision="cd-1")
        )
        found = only(history, "R07", "2020-05-02")
        assert (found.status, found.days_overdue) == (Status.BREACHED, 731)

    def test_exposure_stops_when_the_child_leaves(self) -> None:
        """A child who left after ten days: the breach stays, exposure frozen at ten days."""
        history = case(
            care_decided("d1", "2018-05-02"),
            moved_in("p1", "2018-05-02", decision="cd-1"),
            moved_out("e1", "2018-05-12"),
        )
        assert only(history, "R07", "2019-01-01").days_overdue == 10

    def test_decision_by_an_official_does_not_count(self) -> None:
        """A care decision by an official: breached, flagged invalid delegation."""
        history = case(
            home_investigated("h1", "2018-04-01"),
            care_decided("d1", "2018-05-02", by=DecidedBy.OFFICIAL),
            moved_in("p1", "2018-05-02", decision="cd-1"),
        )
        found = only(history, "R07", "2018-06-01")
        assert found.status is Status.BREACHED
        assert Flag.INVALID_DELEGATION in found.flags

    def test_later_committee_decision_makes_it_met_late(self) -> None:
        """The official's decision confirmed by the utskott 14 days on: met late, still flagged."""
        history = case(
            home_investigated("h1", "2018-04-01"),
            care_decided("d1", "2018-05-02", by=DecidedBy.OFFICIAL, home="H"),
            moved_in("p1", "2018-05-02", decision="cd-1"),
            care_decided("d2", "2018-05-16", decision="cd-2", home="H", by=DecidedBy.SUBCOMMITTEE),
        )
        found = only(history, "R07", "2018-06-01")
        assert (found.status, found.days_late, found.satisfied_by_event_id) == (
            Status.MET_LATE,
            14,
            "d2",
        )
        assert Flag.INVALID_DELEGATION in found.flags

    def test_without_a_decision_id_a_decision_for_another_home_does_not_count(self) -> None:
        """A placement naming no decision is matched by home; one for another home is not it."""
        history = case(
            home_investigated("h1", "2018-04-01"),
            care_decided("d1", "2018-04-20", home="OTHER"),
            moved_in("p1", "2018-05-02"),
        )
        assert only(history, "R07", "2018-06-01").status is Status.BREACHED

    def test_private_placement_needs_consent(self) -> None:
        """A private home: consent (medgivande) by the utskott in time meets it; none breaches."""
        placed = moved_in(
            "p1", "2018-05-02", home_type=HomeType.PRIVATE_HOME, basis=PlacementBasis.PRIVATE
        )
        without = case(home_investigated("h1", "2018-04-01"), placed)
        assert only(without, "R07", "2018-06-01").status is Status.BREACHED
        with_consent = case(
            home_investigated("h1", "2018-04-01"), consent_granted("m1", "2018-04-25"), placed
        )
        assert only(with_consent, "R07", "2018-06-01").status is Status.MET

    def test_immediate_custody_needs_only_the_investigated_home(self) -> None:
        """An LVU 6 § placement in a kinship home: the custody decision is R16's, so met."""
        history = case(
            home_investigated("h1", "2018-04-01", home_type=HomeType.KINSHIP_HOME),
            moved_in(
                "p1", "2018-05-02", home_type=HomeType.KINSHIP_HOME, basis=PlacementBasis.LVU_6
            ),
        )
        assert only(history, "R07", "2018-06-01").status is Status.MET

    def test_not_for_residential_homes(self) -> None:
        """An HVB placement is not judged by R07."""
        history = case(moved_in("p1", "2018-05-02", home_type=HomeType.RESIDENTIAL_HOME))
        assert judged(history, "R07", "2018-06-01") == []

    def test_new_act_cited_for_a_placement_from_july_2025(self) -> None:
        """A breach on 2025-08-01 cites SoL (2025:400) 22 kap. 2 §."""
        history = case(
            care_decided("d1", "2025-08-01"), moved_in("p1", "2025-08-01", decision="cd-1")
        )
        assert only(history, "R07", "2025-09-01").citation == "SoL (2025:400) 22 kap. 2 §"


class TestEmergencyHomeInvestigated:
    """R08 `investigated`: a jourhem is investigated before the child is received."""

    def test_met_when_investigated_first(self) -> None:
        """Investigated a week before: met, high severity."""
        history = case(
            home_investigated("h1", "2024-11-24", home="J", home_type=JOURHEM),
            moved_in("p1", "2024-12-01", home="J", home_type=JOURHEM),
        )
        found = only(history, "R08", "2025-01-01", part="investigated")
        assert (found.status, found.severity) == (Status.MET, Severity.HIGH)

    def test_breached_then_met_late(self) -> None:
        """Investigated five days after the move-in: breached before, met late after."""
        history = case(
            moved_in("p1", "2024-12-01", home="J", home_type=JOURHEM),
            home_investigated("h1", "2024-12-06", home="J", home_type=JOURHEM),
        )
        assert only(history, "R08", "2024-12-03", part="investigated").status is Status.BREACHED
        found = only(history, "R08", "2025-01-01", part="investigated")
        assert (found.status, found.days_late) == (Status.MET_LATE, 5)


def tc12(*extra: Event) -> History:
    """TC12: investigation concluded 2025-01-31 in jourhem J; moved to a family home 04-10."""
    return case(
        home_investigated("h1", "2024-11-01", home="J", home_type=JOURHEM),
        opened("o1", "2024-11-20"),
        moved_in("p1", "2024-12-01", home="J", home_type=JOURHEM, placement="pl-j"),
        concluded("c1", "2025-01-31"),
        *extra,
        moved_out("e1", "2025-04-10", placement="pl-j"),
        moved_in("p2", "2025-04-10", home="H", placement="pl-h"),
    )


def two_months(history: History, on: str, **kwargs: object) -> Obligation:
    """The one R08 `two_months` obligation on `on`."""
    return only(history, "R08", on, part="two_months", **kwargs)


class TestTC12JourhemBeyondTwoMonths:
    """R08 `two_months`: due 2025-03-31; overdue 04-01…04-09; met late, 10 days."""

    def test_pending_on_the_due_date(self) -> None:
        """As of 2025-03-31 the child may still be there: pending."""
        found = two_months(tc12(), "2025-03-31")
        assert (found.trigger_event_id, found.due_on, found.status) == (
            "c1",
            day("2025-03-31"),
            Status.PENDING,
        )

    @pytest.mark.parametrize(
        ("on", "days"), [("2025-04-01", 1), ("2025-04-05", 5), ("2025-04-09", 9)]
    )
    def test_overdue_until_the_move(self, on: str, days: int) -> None:
        """From 1 to 9 April: overdue by 1…9 days."""
        found = two_months(tc12(), on)
        assert (found.status, found.days_overdue) == (Status.OVERDUE, days)

    @pytest.mark.parametrize("on", ["2025-04-10", "2026-01-01"])
    def test_met_late_by_ten_days(self, on: str) -> None:
        """Moved out 10 April: met late by 10 days, cited under the old act."""
        found = two_months(tc12(), on)
        assert (found.status, found.days_late, found.satisfied_by_event_id) == (
            Status.MET_LATE,
            10,
            "e1",
        )
        assert found.citation == "SoL (2001:453) 6 kap. 6 § 4 st."

    def test_waived_by_special_reasons(self) -> None:
        """With a decision on special reasons of 2025-03-20: waived."""
        history = tc12(jourhem_stay_extended("s1", "2025-03-20", placement="pl-j"))
        for on in ("2025-03-25", "2025-04-05", "2025-05-01"):
            found = two_months(history, on)
            assert (found.status, found.satisfied_by_event_id) == (Status.WAIVED, "s1"), on

    def test_overdue_as_known_before_special_reasons_were_registered(self) -> None:
        """The 03-20 decision registered on 04-20: overdue as known on 04-05, waived now."""
        history = tc12().record(
            jourhem_stay_extended("s1", "2025-03-20", placement="pl-j"), at=day("2025-04-20")
        )
        assert two_months(history, "2025-04-05", known_at=day("2025-04-05")).status is (
            Status.OVERDUE
        )
        assert two_months(history, "2025-04-05").status is Status.WAIVED


class TestEmergencyHomeTwoMonths:
    """R08 `two_months`: late or invalid special-reasons decisions, and when it applies."""

    def test_special_reasons_after_the_due_date_do_not_cure(self) -> None:
        """Decided 04-05, after the 03-31 due date: met late, flagged."""
        found = two_months(
            tc12(jourhem_stay_extended("s1", "2025-04-05", placement="pl-j")), "2025-05-01"
        )
        assert (found.status, found.days_late) == (Status.MET_LATE, 10)
        assert Flag.EXTENSION_AFTER_EXPIRY in found.flags

    def test_special_reasons_after_the_move_change_nothing(self) -> None:
        """A decision dated after the child left is ignored: met late, no flag."""
        history = tc12(jourhem_stay_extended("s1", "2025-04-20", placement="pl-j"))
        found = two_months(history, "2025-05-01")
        assert (found.status, found.days_late, found.flags) == (Status.MET_LATE, 10, ())

    def test_special_reasons_by_an_official_are_invalid(self) -> None:
        """Decided by an official: not a waiver, flagged invalid delegation."""
        history = tc12(
            jourhem_stay_extended("s1", "2025-03-20", placement="pl-j", by=DecidedBy.OFFICIAL)
        )
        found = two_months(history, "2025-05-01")
        assert found.status is Status.MET_LATE
        assert Flag.INVALID_DELEGATION in found.flags

    def test_met_when_the_child_leaves_in_time(self) -> None:
        """Left the jourhem on the due date: met."""
        history = case(
            moved_in("p1", "2024-12-01", home="J", home_type=JOURHEM),
            concluded("c1", "2025-01-31"),
            moved_out("e1", "2025-03-31"),
        )
        assert two_months(history, "2025-05-01").status is Status.MET

    def test_not_triggered_when_the_child_left_before_the_conclusion(self) -> None:
        """Out of the jourhem before the investigation ended: no two-month duty."""
        history = case(
            moved_in("p1", "2024-12-01", home="J", home_type=JOURHEM),
            moved_out("e1", "2025-01-31"),
            concluded("c1", "2025-01-31"),
        )
        assert judged(history, "R08", "2025-05-01", part="two_months") == []

    def test_new_act_cited_after_july_2025(self) -> None:
        """Left on 2025-08-20 against a 2025-08-15 due date: cites SoL (2025:400) 22 kap. 4 §."""
        history = case(
            moved_in("p1", "2025-05-01", home="J", home_type=JOURHEM),
            concluded("c1", "2025-06-15"),
            moved_out("e1", "2025-08-20"),
        )
        found = two_months(history, "2025-09-01")
        assert (found.status, found.days_late) == (Status.MET_LATE, 5)
        assert (
            found.citation == "SoL (2025:400) 22 kap. 4 § (motsv. SoL (2001:453) 6 kap. 6 § 4 st.)"
        )


def test_a_move_to_another_jourhem_ends_the_stay() -> None:
    """Two months run per jourhem (§4.28 "R08 stays"): leaving J on 03-01 meets J's duty."""
    history = case(
        home_investigated("h1", "2024-11-01", home="J", home_type=JOURHEM),
        home_investigated("h2", "2024-11-01", home="K", home_type=JOURHEM),
        opened("o1", "2024-11-20"),
        moved_in("p1", "2024-12-01", home="J", home_type=JOURHEM, placement="pl-j"),
        concluded("c1", "2025-01-31"),
        moved_out("e1", "2025-03-01", placement="pl-j"),
        moved_in("p2", "2025-03-01", home="K", home_type=JOURHEM, placement="pl-k"),
        moved_out("e2", "2025-04-10", placement="pl-k"),
    )
    found = judged(history, "R08", "2025-06-01", part="two_months")
    assert [(o.trigger_event_id, o.status, o.satisfied_by_event_id) for o in found] == [
        ("c1", Status.MET, "e1")
    ]
