"""RULES.md §4.28 for the placement duties: R07 decisions, R08 stays, frozen days, R09 samråd.

Each class is one bullet of §4.28 (with DESIGN.md D7–D9), stated on a small history and
judged on a few dates; the rules are evaluated on their own through `placement_builders`.
The change of basis without an end is a matter of care episodes: see
`tests/projections/test_care_fold.py` and `tests/projections/test_care_episodes.py`.
"""

from __future__ import annotations

import itertools

import pytest

from caselog.events import CareBasis, DecidedBy, Event, HomeType, PlacementBasis, PlacementStarted
from caselog.rules.model import Flag, Obligation, Status
from caselog.rules.settings import Settings
from caselog.testing import History
from tests.rules.builders import concluded, day, opened
from tests.rules.placement_builders import (
    JOURHEM,
    care_decided,
    case,
    consent_granted,
    consulted,
    home_investigated,
    judged,
    moved_in,
    moved_out,
    only,
)

OWN = Settings(municipality_code="2083")
"""A log kept by Hedemora (2083)."""
ELSEWHERE = "1980"
"""Västerås: a home in another municipality."""


class TestR07JudgedAgainstTheNamedDecision:
    """§4.28 R07: the named decision, the late act while placed, and what cures nothing."""

    def test_named_decision_by_an_official_is_breached_and_flagged(self) -> None:
        """A named decision taken by an official (tjänsteman): breached, `invalid_delegation`."""
        history = case(
            home_investigated("h1", "2018-04-01"),
            care_decided("d1", "2018-05-02", by=DecidedBy.OFFICIAL),
            moved_in("p1", "2018-05-02", decision="cd-1"),
        )
        found = only(history, "R07", "2018-06-01")
        assert (found.status, found.days_overdue, found.satisfied_by_event_id) == (
            Status.BREACHED,
            30,
            None,
        )
        assert Flag.INVALID_DELEGATION in found.flags

    def test_no_named_decision_is_breached(self) -> None:
        """A placement naming no decision is missing its act, whatever else is recorded."""
        history = case(home_investigated("h1", "2018-04-01"), moved_in("p1", "2018-05-02"))
        found = only(history, "R07", "2018-06-01")
        assert (found.status, found.days_overdue, found.flags) == (Status.BREACHED, 30, ())

    def test_unnamed_decision_for_the_home_before_the_move_in_does_not_count(self) -> None:
        """A decision for the home taken by the move-in but not named is not the act (✘)."""
        history = case(
            home_investigated("h1", "2018-04-01"),
            care_decided("d1", "2018-04-20", home="H"),
            moved_in("p1", "2018-05-02"),
        )
        assert only(history, "R07", "2018-06-01").status is Status.BREACHED

    def test_named_decision_taken_while_placed_is_met_late(self) -> None:
        """The named decision dated 18 days after the move-in: breached before, met late after."""
        history = case(
            home_investigated("h1", "2018-04-01"),
            moved_in("p1", "2018-05-02", decision="cd-1"),
            care_decided("d1", "2018-05-20"),
        )
        assert only(history, "R07", "2018-05-10").status is Status.BREACHED
        found = only(history, "R07", "2018-06-01")
        assert (found.status, found.days_late, found.satisfied_by_event_id) == (
            Status.MET_LATE,
            18,
            "d1",
        )

    def test_valid_decision_for_the_home_while_placed_is_the_late_act(self) -> None:
        """Naming none, a utskott decision for the same home 14 days on: met late, 14 days."""
        history = case(
            home_investigated("h1", "2018-04-01"),
            moved_in("p1", "2018-05-02"),
            care_decided("d2", "2018-05-16", decision="cd-2", home="H", by=DecidedBy.SUBCOMMITTEE),
        )
        found = only(history, "R07", "2018-06-01")
        assert (found.status, found.days_late, found.satisfied_by_event_id) == (
            Status.MET_LATE,
            14,
            "d2",
        )

    def test_decision_on_the_day_the_child_left_still_counts(self) -> None:
        """A decision on the last day of the placement is taken while it runs: met late."""
        history = case(
            home_investigated("h1", "2018-04-01"),
            moved_in("p1", "2018-05-02"),
            moved_out("e1", "2018-05-16"),
            care_decided("d2", "2018-05-16", decision="cd-2", home="H"),
        )
        found = only(history, "R07", "2018-06-01")
        assert (found.status, found.days_late) == (Status.MET_LATE, 14)

    def test_decision_for_another_home_is_not_the_late_act(self) -> None:
        """A decision while placed, but for another home, cures nothing."""
        history = case(
            home_investigated("h1", "2018-04-01"),
            moved_in("p1", "2018-05-02"),
            care_decided("d2", "2018-05-16", decision="cd-2", home="OTHER"),
        )
        assert only(history, "R07", "2018-06-01").status is Status.BREACHED

    @pytest.mark.parametrize("named", [True, False])
    def test_decision_after_the_placement_ended_cures_nothing(self, named: bool) -> None:
        """Decided 8 days after the child left (named or for the home): still breached, 10 days."""
        history = case(
            home_investigated("h1", "2018-04-01"),
            moved_in("p1", "2018-05-02", decision="cd-1" if named else None),
            moved_out("e1", "2018-05-12"),
            care_decided("d1", "2018-05-20", home="H"),
        )
        for on in ("2018-05-20", "2019-01-01"):
            found = only(history, "R07", on)
            assert (found.status, found.days_overdue, found.satisfied_on) == (
                Status.BREACHED,
                10,
                None,
            ), on

    def test_home_investigated_after_the_child_left_still_cures(self) -> None:
        """D7, TC11: a home investigation recorded later cures on its date, even after the end."""
        history = case(
            care_decided("d1", "2018-05-02"),
            moved_in("p1", "2018-05-02", decision="cd-1"),
            moved_out("e1", "2018-05-12"),
            home_investigated("h1", "2018-06-15"),
        )
        assert only(history, "R07", "2018-06-01").days_overdue == 10
        found = only(history, "R07", "2018-07-01")
        assert (found.status, found.days_late, found.satisfied_by_event_id) == (
            Status.MET_LATE,
            44,
            "h1",
        )

    @pytest.mark.parametrize("basis", [CareBasis.LVU_2, CareBasis.LVU_3])
    def test_court_decision_on_lvu_care_is_valid(self, basis: CareBasis) -> None:
        """`decided_by = court` on LVU 2 § or 3 § care is a valid decision: met, unflagged."""
        history = case(
            home_investigated("h1", "2018-04-01"),
            care_decided("d1", "2018-04-20", basis=basis, by=DecidedBy.COURT),
            moved_in("p1", "2018-05-02", basis=PlacementBasis(basis.value), decision="cd-1"),
        )
        found = only(history, "R07", "2018-06-01")
        assert (found.status, found.satisfied_by_event_id, found.flags) == (Status.MET, "d1", ())

    def test_consent_while_placed_is_late_and_after_the_end_cures_nothing(self) -> None:
        """A private home: consent (medgivande) while placed is met late; after it, nothing."""

        def private(consent_on: str) -> History:
            return case(
                home_investigated("h1", "2018-04-01"),
                moved_in(
                    "p1",
                    "2018-05-02",
                    home_type=HomeType.PRIVATE_HOME,
                    basis=PlacementBasis.PRIVATE,
                ),
                moved_out("e1", "2018-06-01"),
                consent_granted("m1", consent_on),
            )

        late = only(private("2018-05-22"), "R07", "2018-07-01")
        assert (late.status, late.days_late) == (Status.MET_LATE, 20)
        after = only(private("2018-06-10"), "R07", "2018-07-01")
        assert (after.status, after.days_overdue) == (Status.BREACHED, 30)


def jourhem(
    event_id: str, on: str, *, home: str = "J", placement: str = "pl-j"
) -> PlacementStarted:
    """A placement in the jourhem `home`."""
    return moved_in(event_id, on, home=home, home_type=JOURHEM, placement=placement)


def stays_history(*events: Event) -> History:
    """Jourhems J and K investigated, an investigation opened, then `events`."""
    return case(
        home_investigated("h1", "2024-11-01", home="J", home_type=JOURHEM),
        home_investigated("h2", "2024-11-01", home="K", home_type=JOURHEM),
        opened("o1", "2024-11-20"),
        opened("o2", "2024-11-21", investigation="inv-2"),
        *events,
    )


def two_months_rows(history: History, on: str) -> list[tuple[str | None, Status, int | None]]:
    """(trigger, status, days late) of every R08 `two_months` row on `on`."""
    return [
        (o.trigger_event_id, o.status, o.days_late)
        for o in judged(history, "R08", on, part="two_months")
    ]


class TestR08Stays:
    """§4.28 R08 stays: same jourhem without a gap is one stay; its first conclusion counts."""

    def test_placements_in_the_same_jourhem_without_a_gap_are_one_stay(self) -> None:
        """A new placement in J on the day the first ended: one stay, left 04-10, 10 days late."""
        history = stays_history(
            jourhem("p1", "2024-12-01"),
            moved_out("e1", "2025-01-15", placement="pl-j"),
            jourhem("p2", "2025-01-15", placement="pl-j2"),
            concluded("c1", "2025-01-31"),
            moved_out("e2", "2025-04-10", placement="pl-j2"),
        )
        assert two_months_rows(history, "2025-05-01") == [("c1", Status.MET_LATE, 10)]

    def test_a_second_conclusion_during_the_stay_adds_no_row(self) -> None:
        """Another investigation concluded 03-15 in the same stay: still one row, from c1."""
        history = stays_history(
            jourhem("p1", "2024-12-01"),
            concluded("c1", "2025-01-31"),
            concluded("c2", "2025-03-15", investigation="inv-2"),
            moved_out("e1", "2025-04-10", placement="pl-j"),
        )
        for on in ("2025-03-20", "2025-05-01"):
            assert [row[0] for row in two_months_rows(history, on)] == ["c1"], on

    def test_a_move_to_another_jourhem_starts_a_new_stay(self) -> None:
        """J left 03-01 (met); in K a later conclusion starts K's own two months."""
        history = stays_history(
            jourhem("p1", "2024-12-01"),
            concluded("c1", "2025-01-31"),
            moved_out("e1", "2025-03-01", placement="pl-j"),
            jourhem("p2", "2025-03-01", home="K", placement="pl-k"),
            concluded("c2", "2025-03-15", investigation="inv-2"),
            moved_out("e2", "2025-06-01", placement="pl-k"),
        )
        assert two_months_rows(history, "2025-07-01") == [
            ("c1", Status.MET, None),
            ("c2", Status.MET_LATE, 17),
        ]

    def test_a_gap_in_the_same_jourhem_starts_a_new_stay(self) -> None:
        """Back in J two days after leaving: a new stay, started by the next conclusion."""
        history = stays_history(
            jourhem("p1", "2024-12-01"),
            concluded("c1", "2025-01-10"),
            moved_out("e1", "2025-02-10", placement="pl-j"),
            jourhem("p2", "2025-02-12", placement="pl-j2"),
            concluded("c2", "2025-02-20", investigation="inv-2"),
        )
        assert two_months_rows(history, "2025-04-01") == [
            ("c1", Status.MET, None),
            ("c2", Status.PENDING, None),
        ]

    def test_an_unended_placement_in_the_jourhem_keeps_the_stay_open(self) -> None:
        """A second placement in J while the first has no end: one stay and one row."""
        history = stays_history(
            jourhem("p1", "2024-12-01"),
            jourhem("p2", "2025-01-10", placement="pl-j2"),
            concluded("c1", "2025-01-31"),
            moved_out("e2", "2025-03-01", placement="pl-j2"),
        )
        found = judged(history, "R08", "2025-05-01", part="two_months")
        assert [(o.trigger_event_id, o.status, o.days_overdue) for o in found] == [
            ("c1", Status.OVERDUE, 31)
        ]


class TestFrozenDays:
    """§4.28 frozen days: a breached R07/R08 row counts exposure to the end of the placement."""

    @pytest.mark.parametrize(
        ("on", "days"),
        [("2018-05-08", 6), ("2018-05-12", 10), ("2019-01-01", 10), ("2030-01-01", 10)],
    )
    def test_r07_breach_counts_to_the_end_of_the_placement(self, on: str, days: int) -> None:
        """Never investigated, left on 05-12: 6 days on 05-08, then 10 days whatever `on`."""
        history = case(
            care_decided("d1", "2018-05-02"),
            moved_in("p1", "2018-05-02", decision="cd-1"),
            moved_out("e1", "2018-05-12"),
        )
        found = only(history, "R07", on)
        assert (found.status, found.days_overdue) == (Status.BREACHED, days)

    @pytest.mark.parametrize(("on", "days"), [("2024-12-20", 19), ("2025-06-01", 31)])
    def test_r08_breach_counts_to_the_end_of_the_placement(self, on: str, days: int) -> None:
        """A jourhem never investigated, left 2025-01-01: frozen at 31 days of exposure."""
        history = case(jourhem("p1", "2024-12-01"), moved_out("e1", "2025-01-01", placement="pl-j"))
        found = only(history, "R08", on, part="investigated")
        assert (found.status, found.days_overdue) == (Status.BREACHED, days)


def consultation(history: History, on: str, settings: Settings = OWN) -> list[Obligation]:
    """The R09 `consultation` rows on `on`."""
    return judged(history, "R09", on, part="consultation", settings=settings)


class TestR09Consultation:
    """§4.28 R09 `consultation`: samråd with the home's municipality by the care decision."""

    def placed_elsewhere(self, *extra: Event, decision: str | None = "cd-1") -> History:
        """A care decision 2024-03-01 for home H in Västerås; the move-in on 03-10."""
        return case(
            care_decided("d1", "2024-03-01", home="H"),
            *extra,
            moved_in("p1", "2024-03-10", decision=decision, municipality=ELSEWHERE),
        )

    def test_no_row_without_both_codes_or_when_they_agree(self) -> None:
        """No own code, no home code, or a home in the own municipality: no row."""
        assert consultation(self.placed_elsewhere(), "2024-04-01", Settings()) == []
        no_code = case(care_decided("d1", "2024-03-01"), moved_in("p1", "2024-03-10"))
        assert consultation(no_code, "2024-04-01") == []
        at_home = case(moved_in("p1", "2024-03-10", municipality="2083"))
        assert consultation(at_home, "2024-04-01") == []

    def test_met_by_a_consultation_before_the_decision(self) -> None:
        """Consulted 02-20, decided 03-01: met, due on the decision day, cited SoL (2001:453)."""
        found = consultation(self.placed_elsewhere(consulted("k1", "2024-02-20")), "2024-04-01")
        assert [
            (o.trigger_event_id, o.due_on, o.status, o.satisfied_by_event_id) for o in found
        ] == [("p1", day("2024-03-01"), Status.MET, "k1")]
        assert found[0].citation == "SoL (2001:453) 6 kap. 6 a §"

    def test_met_late_by_a_consultation_after_the_decision(self) -> None:
        """Consulted 03-05, four days after the decision: met late, 4 days."""
        history = self.placed_elsewhere().record(consulted("k1", "2024-03-05"))
        (found,) = consultation(history, "2024-04-01")
        assert (found.status, found.days_late) == (Status.MET_LATE, 4)

    @pytest.mark.parametrize(("on", "days"), [("2024-03-10", 9), ("2024-03-12", 11)])
    def test_overdue_before_any_consultation(self, on: str, days: int) -> None:
        """No consultation yet: overdue from the decision day."""
        (found,) = consultation(self.placed_elsewhere(), on)
        assert (found.status, found.days_overdue) == (Status.OVERDUE, days)

    def test_due_on_the_move_in_when_no_decision_is_named(self) -> None:
        """Naming no decision: due on the move-in day, pending that day, overdue the next."""
        history = self.placed_elsewhere(decision=None)
        (pending,) = consultation(history, "2024-03-10")
        assert (pending.due_on, pending.status) == (day("2024-03-10"), Status.PENDING)
        (overdue,) = consultation(history, "2024-03-11")
        assert (overdue.status, overdue.days_overdue) == (Status.OVERDUE, 1)

    def test_named_decision_not_yet_taken_gives_no_row_yet(self) -> None:
        """A placement on 03-10 naming a decision of 03-20: no row before, pending as of it."""
        history = case(
            moved_in("p1", "2024-03-10", decision="cd-1", municipality=ELSEWHERE),
            consulted("k1", "2024-03-15"),
            care_decided("d1", "2024-03-20", home="H"),
        )
        assert consultation(history, "2024-03-15") == []
        (found,) = consultation(history, "2024-03-20")
        assert (found.due_on, found.status, found.satisfied_on) == (
            day("2024-03-20"),
            Status.MET,
            day("2024-03-15"),
        )

    def test_a_consultation_about_another_home_does_not_count(self) -> None:
        """Samråd about home G does not meet the duty for home H."""
        history = self.placed_elsewhere(consulted("k1", "2024-02-20", home="G"))
        (found,) = consultation(history, "2024-04-01")
        assert found.status is Status.OVERDUE

    def test_new_act_cited_from_july_2025(self) -> None:
        """Consulted after a decision of 2025-08-01: cites SoL (2025:400) 22 kap. 6 §."""
        history = case(
            care_decided("d1", "2025-08-01", home="H"),
            moved_in("p1", "2025-08-04", decision="cd-1", municipality=ELSEWHERE),
            consulted("k1", "2025-08-06"),
        )
        (found,) = consultation(history, "2025-09-01")
        assert (found.status, found.citation) == (Status.MET_LATE, "SoL (2025:400) 22 kap. 6 §")


def test_contract_not_applicable_when_the_placement_ended_on_its_first_day() -> None:
    """R09 `contract` never fell due for a one-day placement: not applicable, no due fields."""
    history = case(moved_in("p1", "2024-03-01"), moved_out("e1", "2024-03-01"))
    found = only(history, "R09", "2024-04-01", part="contract")
    assert found.status is Status.NOT_APPLICABLE
    assert (
        found.due_on,
        found.effective_due_on,
        found.days_late,
        found.days_overdue,
        found.satisfied_by_event_id,
        found.satisfied_on,
    ) == (None, None, None, None, None, None)


def test_no_two_rows_of_the_placement_rules_share_a_key() -> None:
    """(rule, case, trigger, part, period) is unique on every date, stays overlapping or not."""
    history = case(
        home_investigated("h1", "2024-11-01", home="J", home_type=JOURHEM),
        care_decided("d1", "2024-11-15", home="H"),
        opened("o1", "2024-11-20"),
        jourhem("p1", "2024-12-01"),
        jourhem("p2", "2024-12-20", placement="pl-j2"),
        jourhem("p3", "2025-01-05", home="K", placement="pl-k"),
        concluded("c1", "2025-01-31"),
        concluded("c2", "2025-02-02"),
        moved_out("e1", "2025-03-01", placement="pl-j"),
        moved_in("p4", "2025-03-01", decision="cd-1", placement="pl-h", municipality=ELSEWHERE),
        moved_in("p5", "2025-03-01", placement="pl-h2", municipality=ELSEWHERE),
        moved_in("p6", "2025-05-01", basis=PlacementBasis.LVU_2, placement="pl-h3"),
    )
    for on, rule in itertools.product(
        ("2025-03-01", "2025-06-01", "2026-01-01"), ("R07", "R08", "R09")
    ):
        keys = [
            (o.rule_id, o.case_id, o.trigger_event_id, o.part, o.period)
            for o in judged(history, rule, on, settings=OWN)
        ]
        assert keys, (on, rule)
        assert len(keys) == len(set(keys)), (on, rule, keys)
