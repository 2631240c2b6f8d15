"""Care episodes (vårdepisoder): DESIGN.md D9 and RULES.md §4.27 "LVU episodes"."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from caselog.events import HomeType, PlacementBasis
from caselog.projections import CareEpisode, EpisodeKind, Placement, care_episodes_of

START = date(2024, 1, 1)


def day(n: int) -> date:
    """The `n`th day after the first of January 2024."""
    return START + timedelta(days=n)


def placement(placement_id: str, basis: str, started: int, ended: int | None = None) -> Placement:
    """A placement in a family home from `day(started)` to `day(ended)`."""
    return Placement(
        placement_id=placement_id,
        event_id=f"s-{placement_id}",
        home_id="h1",
        home_type=HomeType.FAMILY_HOME,
        legal_basis=PlacementBasis(basis),
        started_on=day(started),
        ended_on=None if ended is None else day(ended),
    )


def spans(*placements: Placement) -> list[tuple[str, date, date | None]]:
    """The episodes of `placements` as (kind, first day, last day)."""
    return [(e.kind.value, e.started_on, e.ended_on) for e in care_episodes_of(placements)]


def test_a_move_on_the_day_care_ended_continues_the_episode() -> None:
    """A placement starting the day the previous one ended is the same episode."""
    assert spans(placement("p1", "sol", 0, 20), placement("p2", "sol", 20, 90)) == [
        ("sol", day(0), day(90))
    ]


def test_a_gap_of_one_day_ends_the_episode() -> None:
    """A placement starting the day after the previous ended starts a new episode."""
    assert spans(placement("p1", "sol", 0, 20), placement("p2", "sol", 21)) == [
        ("sol", day(0), day(20)),
        ("sol", day(21), None),
    ]


def test_an_overlapping_placement_continues_the_episode() -> None:
    """A placement starting while an earlier one runs extends the episode to its end."""
    assert spans(
        placement("p1", "sol", 0, 50),
        placement("p2", "sol", 10, 20),
        placement("p3", "sol", 40, 60),
    ) == [("sol", day(0), day(60))]


def test_a_private_placement_continues_sol_care() -> None:
    """SoL care and a private placement (medgivande) are one kind of episode."""
    (episode,) = care_episodes_of([placement("p1", "sol", 0, 20), placement("p2", "private", 20)])
    assert episode.kind is EpisodeKind.SOL
    assert episode.bases == (PlacementBasis.SOL, PlacementBasis.PRIVATE)
    assert episode.placement_ids == ("p1", "p2")


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("sol", "lvu_2"),
        ("lvu_2", "lvu_3"),
        ("lvu_3", "private"),
        ("lvu_2", "lvu_6"),
        ("lvu_6", "sol"),
    ],
)
def test_a_change_of_kind_without_a_gap_ends_the_episode(first: str, second: str) -> None:
    """Care under another kind of basis is a new episode even without a gap."""
    assert [
        e.placement_ids
        for e in care_episodes_of([placement("p1", first, 0, 20), placement("p2", second, 20)])
    ] == [("p1",), ("p2",)]


@pytest.mark.parametrize("care", ["lvu_2", "lvu_3"])
def test_immediate_custody_followed_by_lvu_care_is_one_episode(care: str) -> None:
    """A lvu_6 placement followed without a gap by LVU care is one episode of that care."""
    (episode,) = care_episodes_of([placement("p1", "lvu_6", 0, 40), placement("p2", care, 40)])
    assert episode.kind is EpisodeKind(care)
    assert (episode.started_on, episode.ended_on) == (day(0), None)
    assert episode.bases == (PlacementBasis.LVU_6, PlacementBasis(care))


def test_immediate_custody_then_a_gap_then_care_is_two_episodes() -> None:
    """LVU care starting a day after immediate custody ended is its own episode."""
    assert spans(placement("p1", "lvu_6", 0, 40), placement("p2", "lvu_2", 41)) == [
        ("lvu_6", day(0), day(40)),
        ("lvu_2", day(41), None),
    ]


def test_a_new_basis_ends_a_running_episode_on_the_day_before() -> None:
    """LVU 3 § care starting while SoL care runs ends the SoL episode the day before (§4.28)."""
    assert spans(placement("p1", "sol", 0), placement("p2", "lvu_3", 10)) == [
        ("sol", day(0), day(9)),
        ("lvu_3", day(10), None),
    ]


def test_change_of_basis_across_a_leap_day_ends_the_episode_on_29_february() -> None:
    """SoL care from 2020-01-15, LVU 2 § care from 2020-03-01 with no end: SoL ends 02-29."""
    sol = Placement(
        placement_id="p1",
        event_id="s-p1",
        home_id="h1",
        home_type=HomeType.FAMILY_HOME,
        legal_basis=PlacementBasis.SOL,
        started_on=date(2020, 1, 15),
    )
    lvu = sol.model_copy(
        update={
            "placement_id": "p2",
            "legal_basis": PlacementBasis.LVU_2,
            "started_on": date(2020, 3, 1),
        }
    )
    assert [(e.kind.value, e.ended_on) for e in care_episodes_of([sol, lvu])] == [
        ("sol", date(2020, 2, 29)),
        ("lvu_2", None),
    ]


def test_a_new_basis_ends_an_episode_whose_recorded_end_is_later_on_the_day_before() -> None:
    """SoL care recorded as ending after LVU care began: the SoL episode ends the day before."""
    assert spans(placement("p1", "sol", 0, 30), placement("p2", "lvu_2", 10)) == [
        ("sol", day(0), day(9)),
        ("lvu_2", day(10), None),
    ]


def test_a_new_basis_on_the_day_the_earlier_placement_ended_keeps_both_as_recorded() -> None:
    """A PlacementEnded on the day the new basis starts: the earlier episode ends that day."""
    assert spans(placement("p1", "sol", 0, 10), placement("p2", "lvu_2", 10)) == [
        ("sol", day(0), day(10)),
        ("lvu_2", day(10), None),
    ]


def test_a_new_basis_starting_with_the_running_placement_ends_nothing() -> None:
    """Two bases from the same first day: neither is known to follow the other, nothing ends."""
    assert spans(placement("p1", "sol", 5), placement("p2", "lvu_2", 5)) == [
        ("sol", day(5), None),
        ("lvu_2", day(5), None),
    ]


def test_immediate_custody_running_into_lvu_care_stays_one_episode() -> None:
    """lvu_6 with no end followed by LVU 2 § care: the exception, one episode, never ended."""
    (episode,) = care_episodes_of([placement("p1", "lvu_6", 0), placement("p2", "lvu_2", 12)])
    assert (episode.kind, episode.started_on, episode.ended_on) == (
        EpisodeKind.LVU_2,
        day(0),
        None,
    )


def test_the_change_ends_the_episode_of_several_placements_on_the_day_before() -> None:
    """SoL care moved between homes, still running when LVU 3 § care starts: ends the day before."""
    assert spans(
        placement("p1", "sol", 0, 20), placement("p2", "sol", 20), placement("p3", "lvu_3", 50)
    ) == [("sol", day(0), day(49)), ("lvu_3", day(50), None)]


def test_placements_are_grouped_in_order_of_their_start() -> None:
    """Placements given out of order are grouped by their start dates."""
    assert spans(placement("p2", "sol", 30), placement("p1", "sol", 0, 30)) == [
        ("sol", day(0), None)
    ]


def test_no_placements_make_no_episodes() -> None:
    """A child never placed has no care episode."""
    assert care_episodes_of([]) == ()


def test_an_episode_covers_its_first_and_last_day() -> None:
    """A review on the day care ends still falls in the episode (D9)."""
    episode = CareEpisode(
        kind=EpisodeKind.SOL,
        bases=(PlacementBasis.SOL,),
        started_on=day(10),
        ended_on=day(20),
        placement_ids=("p1",),
    )
    assert [episode.covers(day(n)) for n in (9, 10, 20, 21)] == [
        False,
        True,
        True,
        False,
    ]
    assert episode.model_copy(update={"ended_on": None}).covers(day(999))
