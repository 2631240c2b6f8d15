"""RULES.md §4.28 for the recurring duties R11–R14, each bullet pinned on a small history.

Stable keys (period 1's trigger on every period), R13 by the law in force on `on`, days
frozen when care ends, and not-applicable rows without due fields — judged at several `on`
and `known_at`. R14's half-open care years and its `social_worker` part are pinned in
`test_follow_up_cases`.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from caselog.events import DecidedBy, HomeType, PlacementBasis, ReviewKind
from caselog.rules.model import Flag, Obligation, Status
from caselog.testing import History
from tests.rules.builders import day
from tests.rules.placement_builders import (
    considered,
    moved_out,
    placed,
    reviewed,
    talked,
    visited,
)
from tests.rules.review_builders import judged, key, only, social_worker_assigned


def all_rows(history: History, on: str, known_at: date | None = None) -> list[Obligation]:
    """Every R11–R14 row on `on`, as known at `known_at` (default: everything)."""
    rules = ("R11", "R12", "R13", "R14")
    return [o for rule in rules for o in judged(history, rule, on, known_at=known_at)]


def care_with_everything() -> History:
    """SoL family home (a move on the same day), reviews, a consideration, contacts."""
    return History().record(
        placed("p1", "2019-08-31", home="H1"),
        social_worker_assigned("s1", "2019-09-10"),
        visited("v1", "2019-10-01"),
        reviewed("r1", "2020-02-27"),
        moved_out("x1", "2020-06-01"),
        placed("p2", "2020-06-01", home="H2", placement="pl-2"),
        talked("t1", "2020-07-01"),
        reviewed("r2", "2020-08-31"),
        considered("c1", "2022-05-20", home="H2"),
        reviewed("r3", "2021-02-20"),
    )


class TestStableKeys:
    """§4.28: every period keeps period 1's trigger; the act that met k − 1 is not a trigger."""

    def test_r11_periods_keep_the_first_placement_as_trigger(self) -> None:
        """TC10's periods 2 and 3 are keyed on placement p1 and begin on the review dates."""
        rows = judged(care_with_everything(), "R11", "2021-06-01")
        assert [(o.period, o.trigger_event_id, o.trigger_on) for o in rows] == [
            (1, "p1", day("2019-08-31")),
            (2, "p1", day("2020-02-27")),
            (3, "p1", day("2020-08-31")),
            (4, "p1", day("2021-02-20")),
        ]
        assert [o.satisfied_by_event_id for o in rows] == ["r1", "r2", "r3", None]

    @pytest.mark.parametrize("on", ["2020-09-05", "2020-12-01", "2023-01-01"])
    def test_a_late_registered_review_changes_the_verdict_not_the_key(self, on: str) -> None:
        """Known before the late review was registered: overdue; known now: met late; one key."""
        history = History().record(placed("p1", "2019-08-31"), reviewed("r1", "2020-02-27"))
        history.record(reviewed("r2", "2020-08-31"), at=day("2020-09-20"))
        before = judged(history, "R11", on, known_at=day("2020-09-04"))[1]
        after = judged(history, "R11", on)[1]
        assert key(before) == key(after) == ("R11", "c1", "p1", None, 2)
        assert before.status is Status.OVERDUE
        assert (after.status, after.days_late) == (Status.MET_LATE, 4)

    def test_r12_review_counts_from_the_custody_and_keeps_it_as_trigger(self) -> None:
        """LVU 2 § after an immediate custody: every övervägande period is keyed on the custody."""
        history = History().record(
            placed("p1", "2024-01-05", basis=PlacementBasis.LVU_6),
            moved_out("x1", "2024-02-01"),
            placed("p2", "2024-02-01", basis=PlacementBasis.LVU_2, placement="pl-2"),
            reviewed("r1", "2024-07-01", kind=ReviewKind.LVU_REVIEW),
        )
        rows = judged(history, "R12", "2024-08-01")
        assert [(o.period, o.trigger_event_id, o.trigger_on, o.due_on) for o in rows] == [
            (1, "p1", day("2024-01-05"), day("2024-07-05")),
            (2, "p1", day("2024-07-01"), day("2025-01-01")),
        ]

    def test_r12_examination_is_keyed_on_the_first_lvu_3_placement(self) -> None:
        """LVU 3 § prövning: every period keyed on the execution of the care decision."""
        history = History().record(
            placed("p1", "2024-01-05", basis=PlacementBasis.LVU_6),
            moved_out("x1", "2024-02-01"),
            placed("p2", "2024-02-01", basis=PlacementBasis.LVU_3, placement="pl-2"),
            reviewed("e1", "2024-07-20", kind=ReviewKind.LVU_EXAMINATION),
        )
        rows = judged(history, "R12", "2024-08-01")
        assert [(o.period, o.trigger_event_id, o.trigger_on) for o in rows] == [
            (1, "p2", day("2024-02-01")),
            (2, "p2", day("2024-07-20")),
        ]

    def test_r13_periods_keep_the_first_placement_in_the_home(self) -> None:
        """TC13: the annual period is keyed on the placement, beginning on the consideration."""
        history = History().record(
            placed("p1", "2020-09-01"),
            considered("c1", "2022-08-25"),
            considered("c2", "2023-09-10"),
        )
        rows = judged(history, "R13", "2023-10-01")
        assert [
            (o.period, o.trigger_event_id, o.trigger_on, o.satisfied_by_event_id) for o in rows
        ] == [
            (1, "p1", day("2020-09-01"), "c1"),
            (2, "p1", day("2022-08-25"), "c2"),
            (3, "p1", day("2023-09-10"), None),
        ]

    def test_r14_gap_periods_keep_the_episode_start_across_a_move(self) -> None:
        """R14 `gap`: every interval keyed on the episode's first placement, a move included."""
        rows = judged(care_with_everything(), "R14", "2020-08-01", part="gap")
        assert [(o.period, o.trigger_event_id, o.trigger_on) for o in rows] == [
            (1, "p1", day("2019-08-31")),
            (2, "p1", day("2019-10-01")),
            (3, "p1", day("2020-07-01")),
        ]

    @pytest.mark.parametrize("on", ["2019-09-01", "2020-06-01", "2021-06-01", "2023-01-01"])
    @pytest.mark.parametrize("known_at", ["2019-09-01", "2020-07-15", None])
    def test_no_two_rows_share_a_key(self, on: str, known_at: str | None) -> None:
        """Across R11–R14 and every part, each key names one row on every (on, known_at)."""
        rows = all_rows(care_with_everything(), on, known_at=day(known_at) if known_at else None)
        assert rows
        assert [k for k, n in Counter(key(o) for o in rows).items() if n > 1] == []

    def test_keys_known_earlier_stay_the_same_rows(self) -> None:
        """Every key known on an earlier `on` is still there later, final rows unchanged."""
        history = care_with_everything()
        earlier = {key(o): o for o in all_rows(history, "2020-09-01")}
        later = {key(o): o for o in all_rows(history, "2021-06-01")}
        assert earlier.keys() <= later.keys()
        for identity, row in earlier.items():
            if row.is_final:
                assert later[identity] == row, identity


class TestR13LawByOn:
    """§4.28 "R13 law by on": the first period's due date follows the law in force on `on`."""

    history = History().record(placed("p1", "2020-09-01"), considered("c1", "2022-08-25"))

    @pytest.mark.parametrize(
        ("on", "due", "status"),
        [
            ("2022-06-30", "2023-09-01", Status.PENDING),
            ("2022-07-01", "2022-09-01", Status.PENDING),
            ("2022-08-24", "2022-09-01", Status.PENDING),
            ("2022-09-01", "2022-09-01", Status.MET),
        ],
    )
    def test_first_due_date_by_the_law_on_on(self, on: str, due: str, status: Status) -> None:
        """TC13: three years as of 2022-06-30; two years from 2022-07-01, before and after c1."""
        first = judged(self.history, "R13", on)[0]
        assert (first.due_on, first.status) == (day(due), status)

    def test_a_consideration_before_the_rule_existed_starts_nothing(self) -> None:
        """As of a day before 2003-07-01 (✘) a consideration neither meets nor starts a period."""
        history = History().record(placed("p1", "1998-01-01"), considered("c1", "2001-01-01"))
        assert judged(history, "R13", "2003-06-30") == []

    def test_no_annual_period_before_1_march_2021(self) -> None:
        """As of 2021-02-28 a consideration starts no period: only period 1 is shown."""
        history = History().record(placed("p1", "2015-01-01"), considered("c1", "2018-01-01"))
        assert [o.period for o in judged(history, "R13", "2021-02-28")] == [1]

    def test_first_annual_period_counts_from_the_last_consideration_before_the_rule(self) -> None:
        """Considered 2018, 2019 and 2020: the last (c3) starts the first annual period."""
        history = History().record(
            placed("p1", "2015-01-01"),
            considered("c1", "2018-01-01"),
            considered("c2", "2019-06-01"),
            considered("c3", "2020-09-15"),
        )
        assert [o.period for o in judged(history, "R13", "2021-02-28")] == [1]
        first, annual = judged(history, "R13", "2021-10-01")
        assert (first.satisfied_by_event_id, first.status) == ("c1", Status.MET)
        assert (annual.period, annual.trigger_event_id, annual.trigger_on) == (
            2,
            "p1",
            day("2020-09-15"),
        )
        assert (annual.due_on, annual.status, annual.days_overdue) == (
            day("2021-09-15"),
            Status.OVERDUE,
            16,
        )
        assert Flag.TRANSITION_INTERPRETATION in annual.flags

    def test_first_annual_period_no_earlier_than_1_march_2021(self) -> None:
        """The last consideration before the rule on 2019-06-01: due 2021-03-01, then yearly."""
        history = History().record(
            placed("p1", "2015-01-01"),
            considered("c1", "2018-01-01"),
            considered("c2", "2019-06-01"),
            considered("c3", "2021-04-01"),
        )
        _, annual, next_year = judged(history, "R13", "2021-06-01")
        assert (annual.due_on, annual.status, annual.days_late) == (
            day("2021-03-01"),
            Status.MET_LATE,
            31,
        )
        assert Flag.TRANSITION_INTERPRETATION in annual.flags
        assert (next_year.trigger_on, next_year.due_on, next_year.flags) == (
            day("2021-04-01"),
            day("2022-04-01"),
            (),
        )

    @pytest.mark.parametrize(
        ("home_type", "basis", "rows"),
        [
            (HomeType.FAMILY_HOME, PlacementBasis.SOL, 1),
            (HomeType.KINSHIP_HOME, PlacementBasis.SOL, 1),
            (HomeType.PRIVATE_HOME, PlacementBasis.PRIVATE, 0),
        ],
    )
    def test_family_and_kinship_homes_only(
        self, home_type: HomeType, basis: PlacementBasis, rows: int
    ) -> None:
        """R13 runs in family and kinship homes (nätverkshem), not in private homes."""
        history = History().record(placed("p1", "2021-01-01", home_type=home_type, basis=basis))
        assert len(judged(history, "R13", "2023-06-01")) == rows

    def test_chain_continues_across_a_change_of_basis_without_an_end(self) -> None:
        """SoL care turned LVU care in the same home: one chain, closing when LVU care ends."""
        history = History().record(
            placed("p1", "2021-04-10"),
            placed("p2", "2022-04-10", basis=PlacementBasis.LVU_2, placement="pl-2"),
        )
        running = only(history, "R13", "2023-05-01")
        assert (running.trigger_event_id, running.due_on, running.status) == (
            "p1",
            day("2023-04-10"),
            Status.OVERDUE,
        )
        assert running.citation == "LVU (1990:52) 13 § 3 st."
        history.record(moved_out("x2", "2023-06-01", placement="pl-2"))
        for on in ("2023-06-01", "2024-06-01"):
            closed = only(history, "R13", on)
            assert (closed.status, closed.days_overdue, closed.flags) == (
                Status.BREACHED,
                52,
                (Flag.WINDOW_CLOSED,),
            )


class TestReviewPeriodsWhenCareEnds:
    """R11: a window that closes unmet is breached and final; one not yet due lapses."""

    history = History().record(placed("p1", "2019-01-10"), moved_out("x1", "2019-08-01"))

    def test_overdue_while_care_runs(self) -> None:
        """Before care ended the missing review is overdue (due 2019-07-10)."""
        found = only(self.history, "R11", "2019-07-20")
        assert (found.status, found.days_overdue) == (Status.OVERDUE, 10)

    def test_breached_with_days_frozen_at_the_end(self) -> None:
        """After care ended on 1 August: breached, window closed, 22 days overdue, final."""
        found = only(self.history, "R11", "2020-01-01")
        assert (found.status, found.days_overdue, found.flags) == (
            Status.BREACHED,
            22,
            (Flag.WINDOW_CLOSED,),
        )
        assert found.is_final

    def test_care_ending_before_the_due_date_is_not_applicable(self) -> None:
        """Care that ended before six months had passed never owed a review."""
        short = History().record(placed("p1", "2019-01-10"), moved_out("x1", "2019-05-01"))
        assert only(short, "R11", "2020-01-01").status is Status.NOT_APPLICABLE

    def test_late_valid_review_keeps_the_invalid_delegation_flag(self) -> None:
        """An official's review then a sub-committee's after the due date: met late, flagged."""
        history = History().record(
            placed("p1", "2019-01-10"),
            reviewed("r1", "2019-07-01", by=DecidedBy.OFFICIAL),
            reviewed("r2", "2019-07-15"),
        )
        first = judged(history, "R11", "2019-08-01")[0]
        assert (first.status, first.days_late, first.satisfied_by_event_id) == (
            Status.MET_LATE,
            5,
            "r2",
        )
        assert first.flags == (Flag.INVALID_DELEGATION,)


class TestFrozenDays:
    """§4.28 "Frozen days": a breached `window_closed` row counts its days to the end of care."""

    @pytest.mark.parametrize(
        ("basis", "rule", "part"),
        [
            (PlacementBasis.SOL, "R11", None),
            (PlacementBasis.LVU_2, "R12", None),
            (PlacementBasis.LVU_3, "R12", None),
            (PlacementBasis.SOL, "R14", "gap"),
        ],
    )
    @pytest.mark.parametrize("on", ["2019-08-01", "2019-12-31", "2024-01-01"])
    def test_days_counted_to_the_day_care_ended(
        self, basis: PlacementBasis, rule: str, part: str | None, on: str
    ) -> None:
        """Placed 2019-01-10, ended 2019-08-01 unmet: breached to 1 August, whatever `on`."""
        history = History().record(
            placed("p1", "2019-01-10", basis=basis), moved_out("x1", "2019-08-01")
        )
        found = judged(history, rule, on, part=part)[0]
        expected = {"R11": 22, "R12": 22, "R14": 83}[rule]
        assert (found.status, found.days_overdue, found.flags) == (
            Status.BREACHED,
            expected,
            (Flag.WINDOW_CLOSED,),
        )

    def test_r13_days_counted_to_the_move(self) -> None:
        """Leaving the family home closes R13's window: the days stop at the move."""
        history = History().record(placed("p1", "2021-05-01"), moved_out("x1", "2023-06-01"))
        for on in ("2023-06-01", "2026-01-01"):
            assert only(history, "R13", on).days_overdue == 31

    @pytest.mark.parametrize("on", ["2019-08-02", "2020-06-01"])
    def test_a_change_of_basis_without_an_end_closes_the_day_before(self, on: str) -> None:
        """SoL care replaced by LVU care on 2019-08-02, no end recorded: R11 closes on 1 August."""
        history = History().record(
            placed("p1", "2019-01-10"),
            placed("p2", "2019-08-02", basis=PlacementBasis.LVU_2, placement="pl-2"),
        )
        found = only(history, "R11", on)
        assert (found.status, found.days_overdue, found.flags) == (
            Status.BREACHED,
            22,
            (Flag.WINDOW_CLOSED,),
        )


class TestNotApplicableRows:
    """§4.28 "Not applicable rows": empty due fields, whatever made the duty inapplicable."""

    def test_review_never_due_has_no_due_fields(self) -> None:
        """SoL care that ended within six months: R11 not applicable, due fields empty."""
        history = History().record(placed("p1", "2019-01-10"), moved_out("x1", "2019-05-01"))
        found = only(history, "R11", "2020-01-01")
        assert found.status is Status.NOT_APPLICABLE
        assert (found.due_on, found.effective_due_on, found.days_late, found.days_overdue) == (
            None,
            None,
            None,
            None,
        )
