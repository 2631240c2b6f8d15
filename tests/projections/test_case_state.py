"""Folding a case file's as-of view into its state: reports, investigations, care."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, TypeVar

from hypothesis import given, settings
from hypothesis import strategies as st

from caselog.events import (
    CareDecided,
    CaseFileOpened,
    ChildEvent,
    Event,
    HomeInvestigationCompleted,
    HomeType,
    InvestigationConcluded,
    InvestigationNotOpened,
    InvestigationOpened,
    PlacementEnded,
    PlacementStarted,
    PreAssessmentExtended,
    ProtectionAssessmentDocumented,
    Recorded,
    ReportReceived,
    VisitMade,
)
from caselog.projections import (
    CaseState,
    EpisodeKind,
    ReportDecision,
    as_of,
    fold_case_state,
)
from tests.strategies import (
    CASE_ID,
    EPOCH,
    as_of_pairs,
    correction,
    histories,
    history_of,
    retraction,
)
from tests.strategies import fact as child_fact

E = TypeVar("E", bound=ChildEvent)
START = date(2024, 1, 1)
KNOWN_AT = EPOCH + timedelta(days=3650)


def day(n: int) -> date:
    """The `n`th day after the first of January 2024."""
    return START + timedelta(days=n)


def fact(cls: type[E], event_id: str, on: int, **fields: Any) -> E:  # noqa: ANN401
    """A fact of the case file `c1` that occurred on `day(on)`."""
    return child_fact(cls, event_id, day(on), **fields)


def state(events: list[Event], on: int) -> CaseState:
    """The case state on `day(on)`, known ten years on."""
    view = as_of(history_of(events), on=day(on), known_at=KNOWN_AT)
    return fold_case_state(CASE_ID, view, on=day(on), known_at=KNOWN_AT)


def report(event_id: str, on: int, violence: str = "none") -> ReportReceived:
    """A report of concern from a school."""
    return fact(
        ReportReceived,
        event_id,
        on,
        reporter_category="school",
        mandatory_reporter=True,
        violence_exposure=violence,
    )


def opened(event_id: str, on: int, investigation_id: str, *reports: str) -> Event:
    """A decision to open an investigation on `reports`."""
    return fact(
        InvestigationOpened,
        event_id,
        on,
        investigation_id=investigation_id,
        report_event_ids=list(reports),
        decided_by="official",
    )


def concluded(event_id: str, on: int, investigation_id: str) -> InvestigationConcluded:
    """A decision that ended an investigation with an intervention."""
    return fact(
        InvestigationConcluded,
        event_id,
        on,
        investigation_id=investigation_id,
        outcome="intervention",
        decided_by="subcommittee",
    )


def started(placement_id: str, on: int, basis: str = "sol") -> PlacementStarted:
    """A placement in a family home under `basis`."""
    return fact(
        PlacementStarted,
        f"s-{placement_id}",
        on,
        placement_id=placement_id,
        home_id="h1",
        home_type=HomeType.FAMILY_HOME,
        legal_basis=basis,
    )


def ended(placement_id: str, on: int) -> PlacementEnded:
    """The end of a placement."""
    return fact(PlacementEnded, f"e-{placement_id}", on, placement_id=placement_id)


class TestReports:
    """Reports of concern (orosanmälningar) and the decisions on them."""

    def test_a_report_shows_its_assessment_and_the_decision_to_open(self) -> None:
        """A report shows its protection assessment, extension and opening decision."""
        events: list[Event] = [
            report("r1", 0, violence="witnessed"),
            fact(
                ProtectionAssessmentDocumented,
                "pa",
                0,
                report_event_id="r1",
                outcome="no_immediate_need",
            ),
            fact(
                PreAssessmentExtended,
                "px",
                10,
                report_event_id="r1",
                until_on=day(30),
                reason_code="police_interview_pending",
                reasons="the police interview the child on day 25",
            ),
            opened("o1", 20, "i1", "r1"),
        ]
        (r1,) = state(events, 40).reports
        assert (r1.event_id, r1.received_on) == ("r1", day(0))
        assert r1.violence_exposure == "witnessed"
        assert r1.protection_assessed_on == day(0)
        assert r1.pre_assessment_extended_until == day(30)
        assert (r1.decision, r1.decided_on) == (ReportDecision.OPENED, day(20))
        assert r1.decision_event_id == "o1"

    def test_a_decision_not_to_open_is_shown_on_the_report(self) -> None:
        """A decision not to open an investigation ends the assessment as not_opened."""
        events: list[Event] = [
            report("r1", 0),
            fact(
                InvestigationNotOpened,
                "n1",
                7,
                report_event_ids=["r1"],
                decided_by="official",
                reasons="no need of support",
            ),
        ]
        (r1,) = state(events, 10).reports
        assert (r1.decision, r1.decided_on) == (ReportDecision.NOT_OPENED, day(7))
        assert state(events, 6).reports[0].decision is None

    def test_a_correction_of_a_report_shows_in_the_state(self) -> None:
        """The state shows a report as corrected, not as first recorded."""
        r1 = report("r1", 0)
        fixed = correction(r1, "c1", violence_exposure="subjected")
        assert state([r1, fixed], 5).reports[0].violence_exposure == "subjected"


class TestInvestigations:
    """Investigations (barnavårdsutredningar) and which one is open on a date."""

    EVENTS: tuple[Event, ...] = (
        report("r1", 0),
        opened("o1", 10, "i1", "r1"),
        concluded("k1", 50, "i1"),
    )

    def test_an_investigation_is_open_between_its_opening_and_conclusion(self) -> None:
        """The investigation is open from the day it opens until it is concluded."""
        assert state(list(self.EVENTS), 9).open_investigation is None
        assert state(list(self.EVENTS), 10).open_investigation == "i1"
        assert state(list(self.EVENTS), 49).open_investigation == "i1"
        assert state(list(self.EVENTS), 50).open_investigation is None

    def test_a_concluded_investigation_shows_its_outcome(self) -> None:
        """A concluded investigation keeps its reports, dates and outcome."""
        (i1,) = state(list(self.EVENTS), 60).investigations
        assert i1.report_event_ids == ("r1",)
        assert (i1.opened_on, i1.concluded_on) == (day(10), day(50))
        assert i1.outcome == "intervention"
        assert not i1.orphan

    def test_the_latest_opened_investigation_is_the_open_one(self) -> None:
        """With two investigations open, the one opened last is named."""
        events = [*self.EVENTS, opened("o2", 20, "i2"), opened("o3", 30, "i3")]
        assert state(events, 40).open_investigation == "i3"


class TestPlacements:
    """Placements (placeringar) and the one running on a date."""

    def test_the_current_placement_is_the_one_not_ended(self) -> None:
        """A move on day 20 makes the new placement current from that day."""
        events: list[Event] = [
            started("p1", 0),
            ended("p1", 20),
            started("p2", 20),
            ended("p2", 30),
        ]
        current = state(events, 15).current_placement
        assert current is not None
        assert current.placement_id == "p1"
        current = state(events, 20).current_placement
        assert current is not None
        assert current.placement_id == "p2"
        assert state(events, 30).current_placement is None
        assert [p.ended_on for p in state(events, 30).placements] == [day(20), day(30)]


class TestCareEpisodes:
    """Care episodes (vårdepisoder) in the state; the rules are in test_care_episodes."""

    def test_immediate_custody_followed_by_lvu_care_is_the_current_episode(
        self,
    ) -> None:
        """A lvu_6 placement followed by lvu_2 care is one episode, current while it runs."""
        events: list[Event] = [
            started("p1", 0, "lvu_6"),
            ended("p1", 40),
            started("p2", 40, "lvu_2"),
        ]
        result = state(events, 50)
        (episode,) = result.care_episodes
        assert (episode.kind, episode.started_on) == (EpisodeKind.LVU_2, day(0))
        assert episode.placement_ids == ("p1", "p2")
        assert result.current_care_episode == episode

    def test_no_episode_is_current_after_care_ended(self) -> None:
        """When the last placement has ended, no episode is current."""
        events: list[Event] = [started("p1", 0), ended("p1", 20)]
        assert state(events, 19).current_care_episode is not None
        assert state(events, 20).current_care_episode is None


class TestOrphans:
    """Facts whose referent is not in the view stay, flagged (D4)."""

    def test_a_conclusion_whose_opening_was_retracted_is_an_orphan(self) -> None:
        """The investigation is kept as an orphan and the conclusion is named."""
        opening = opened("o1", 10, "i1")
        events: list[Event] = [
            opening,
            concluded("k1", 50, "i1"),
            retraction(opening, "x1"),
        ]
        result = state(events, 60)
        (i1,) = result.investigations
        assert i1.orphan
        assert (i1.opened_on, i1.concluded_on) == (None, day(50))
        assert result.open_investigation is None
        assert result.orphans == ("k1",)

    def test_an_end_whose_placement_started_after_on_is_an_orphan(self) -> None:
        """A placement end whose start was corrected to a later date is an orphan."""
        start = started("p1", 0)
        events: list[Event] = [
            start,
            ended("p1", 20),
            correction(start, "c1", occurred_on=day(30)),
        ]
        result = state(events, 25)
        assert result.placements == ()
        assert result.orphans == ("e-p1",)
        assert state(events, 30).orphans == ()

    def test_an_opening_naming_a_retracted_report_is_an_orphan(self) -> None:
        """An opening whose report was retracted is named, and the investigation kept."""
        r1 = report("r1", 0)
        events: list[Event] = [r1, opened("o1", 5, "i1", "r1"), retraction(r1, "x1")]
        result = state(events, 10)
        assert result.orphans == ("o1",)
        assert result.open_investigation == "i1"

    def test_a_decision_dated_after_its_placement_is_no_orphan(self) -> None:
        """A placement may name a care decision taken after it started (D5)."""
        events: list[Event] = [
            fact(
                PlacementStarted,
                "s1",
                0,
                placement_id="p1",
                home_id="h1",
                home_type="family_home",
                legal_basis="sol",
                care_decision_id="d1",
            ),
            fact(
                CareDecided,
                "d",
                3,
                care_decision_id="d1",
                legal_basis="sol",
                decided_by="committee",
            ),
        ]
        assert state(events, 5).orphans == ()
        assert state(events, 2).orphans == ("s1",)


class TestTheStateAsAWhole:
    """What the state takes in and how it serialises."""

    def test_facts_of_other_streams_and_children_are_ignored(self) -> None:
        """Home-stream facts and another child's facts passed along do not count."""
        other = VisitMade(
            event_id="v9",
            occurred_on=day(1),
            actor="u1",
            child_id="c2",
            place="other",
        )
        home = HomeInvestigationCompleted(
            event_id="h9",
            occurred_on=day(1),
            actor="u1",
            home_id="h1",
            home_type="family_home",
            by_municipality="0180",
        )
        mine = fact(VisitMade, "v1", 1, place="placement_home")
        result = state([other, home, mine], 5)
        assert [v.event_id for v in result.visits] == ["v1"]

    def test_the_state_dumps_to_json_with_its_documented_fields(self) -> None:
        """`model_dump(mode="json")` gives plain JSON with the stable top-level names."""
        events: list[Event] = [
            fact(CaseFileOpened, "b1", 0, born_on=date(2015, 6, 15)),
            report("r1", 0),
            started("p1", 3),
        ]
        dumped = state(events, 5).model_dump(mode="json")
        assert dumped["born_on"] == "2015-06-15"
        assert dumped["current_placement"]["legal_basis"] == "sol"
        assert dumped["care_episodes"][0]["kind"] == "sol"
        assert set(dumped) == set(CaseState.model_fields)
        assert list(CaseState.model_fields)[:4] == ["case_id", "on", "known_at", "born_on"]


@settings(max_examples=100, deadline=None)
@given(histories(), st.data())
def test_any_history_folds_to_a_consistent_state_that_round_trips_json(
    history: list[Recorded[Event]], data: st.DataObject
) -> None:
    """Every random history folds, consistently, to a state that survives JSON."""
    on, known_at = data.draw(as_of_pairs(history))
    view = as_of(history, on=on, known_at=known_at)
    result = fold_case_state(CASE_ID, view, on=on, known_at=known_at)
    assert CaseState.model_validate_json(result.model_dump_json()) == result
    assert set(result.orphans) <= {v.event.event_id for v in view}
    if result.current_placement is not None:
        assert result.current_placement in result.placements
    placed = [pid for e in result.care_episodes for pid in e.placement_ids]
    assert sorted(placed) == sorted(p.placement_id for p in result.placements)
    if result.open_investigation is not None:
        (found,) = (
            i for i in result.investigations if i.investigation_id == result.open_investigation
        )
        assert found.concluded_on is None
