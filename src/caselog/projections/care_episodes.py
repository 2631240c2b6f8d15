"""Care episodes (vårdepisoder): runs of placements under one kind of legal basis.

The six-monthly reviews (R11 for SoL, R12 for LVU) and the visit duty (R14) run per care
episode, not per placement: a child who moves from one family home to another under the
same SoL decision is still in the same care. DESIGN.md D9 and RULES.md §4.27 fix the
boundaries:

* the kinds are `sol` (SoL care and private placements by consent, medgivande), `lvu_2`,
  `lvu_3`, and `lvu_6` (immediate custody, omedelbart omhändertagande);
* a placement continues the episode when it starts on or before the day the episode's
  placements so far ended (moving homes on the same day is no gap);
* a gap of a day or more, or a change of kind, ends the episode;
* a `lvu_6` episode followed without a gap by `lvu_2` or `lvu_3` care is one episode,
  since the court's decision continues the same compulsory care (LVU 10 §); it then
  takes the kind of that care.

A placement of another kind that starts (after the episode's running placements
started) while the episode is still running ends the episode on the day *before* it
starts (RULES.md §4.28 "Change of basis without an end"), even if the earlier placement's
end was never recorded or was recorded for a later day: care runs under one basis at a
time, and the new basis governs from its first day. The windows that close with care
(§4.27: R11/R12 periods, R13, R14 gaps) close on that day. A placement of another kind
that starts on the day the earlier one ended leaves both as recorded; one starting on the
same day as a still running placement ends nothing (which basis came first is unknown).
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Final

from pydantic import ConfigDict

from caselog.events import PlacementBasis
from caselog.projections.case_parts import CasePart

if TYPE_CHECKING:
    from collections.abc import Iterable

    from caselog.projections.case_parts import Placement


class EpisodeKind(StrEnum):
    """The kind of legal basis a care episode runs under (DESIGN.md D9)."""

    SOL = "sol"
    """Voluntary care under SoL, private placements (medgivande) included: R11."""
    LVU_2 = "lvu_2"
    """Compulsory care because of the home environment (LVU 2 §): R12 övervägande."""
    LVU_3 = "lvu_3"
    """Compulsory care because of the young person's behaviour (LVU 3 §): R12 prövning."""
    LVU_6 = "lvu_6"
    """Immediate custody (LVU 6 §) not (yet) followed by care: judged by R16."""


EPISODE_KIND: Final[dict[PlacementBasis, EpisodeKind]] = {
    PlacementBasis.SOL: EpisodeKind.SOL,
    PlacementBasis.PRIVATE: EpisodeKind.SOL,
    PlacementBasis.LVU_2: EpisodeKind.LVU_2,
    PlacementBasis.LVU_3: EpisodeKind.LVU_3,
    PlacementBasis.LVU_6: EpisodeKind.LVU_6,
}
"""The episode kind of each placement basis."""


class CareEpisode(CasePart):
    """A care episode (vårdepisod): consecutive placements under one kind of basis.

    `bases` lists the placement bases met, in order (`lvu_6` then `lvu_2` for immediate
    custody followed by care). `ended_on` is None while the episode runs as of `on`.
    """

    kind: EpisodeKind
    bases: tuple[PlacementBasis, ...]
    started_on: date
    ended_on: date | None
    placement_ids: tuple[str, ...]

    def covers(self, day: date) -> bool:
        """Whether `day` falls in the episode, its first and last day included.

        A review held on the day care ends still counts for the episode (D9).
        """
        return self.started_on <= day and (self.ended_on is None or day <= self.ended_on)


class _EpisodeDraft(CareEpisode):
    model_config = ConfigDict(frozen=False)


def _continues(episode: CareEpisode, kind: EpisodeKind, started_on: date) -> bool:
    """Whether a placement of `kind` starting on `started_on` continues `episode`."""
    if episode.ended_on is not None and started_on > episode.ended_on:
        return False  # a gap of a day or more
    if kind is episode.kind:
        return True
    return episode.kind is EpisodeKind.LVU_6 and kind in {
        EpisodeKind.LVU_2,
        EpisodeKind.LVU_3,
    }


def _ended_by_change(members: Iterable[Placement], starts: date) -> date | None:
    """The day before `starts`, if care of another kind starting then ends the episode.

    That is when a placement of the episode still runs on `starts` (no end recorded, or one
    after it) and every such placement started earlier (RULES.md §4.28); otherwise None.

    >>> from caselog.events import HomeType
    >>> from caselog.projections.case_parts import Placement
    >>> running = Placement(placement_id="p1", event_id="p1", home_id="h",
    ...                     home_type=HomeType.FAMILY_HOME, legal_basis="sol",
    ...                     started_on=date(2020, 1, 1))
    >>> _ended_by_change([running], date(2020, 3, 1))
    datetime.date(2020, 2, 29)
    >>> _ended_by_change([running], date(2020, 1, 1)) is None
    True
    """
    running = [p for p in members if p.ended_on is None or p.ended_on > starts]
    if running and all(p.started_on < starts for p in running):
        return starts - timedelta(days=1)
    return None


def care_episodes_of(placements: Iterable[Placement]) -> tuple[CareEpisode, ...]:
    """Group placements into care episodes, in order of their start (D9).

    Placements that start on the same day keep the order they are given in (the fold
    order, i.e. log position), so pass them in fold order.

    >>> from datetime import date
    >>> from caselog.events import HomeType
    >>> from caselog.projections.case_parts import Placement
    >>> def placement(pid: str, basis: str, start: date, end: date | None) -> Placement:
    ...     return Placement(placement_id=pid, event_id=pid, home_id="h",
    ...                      home_type=HomeType.FAMILY_HOME, legal_basis=basis,
    ...                      started_on=start, ended_on=end)
    >>> [(e.kind.value, e.placement_ids) for e in care_episodes_of([
    ...     placement("p1", "lvu_6", date(2024, 1, 1), date(2024, 1, 20)),
    ...     placement("p2", "lvu_2", date(2024, 1, 20), None),
    ... ])]
    [('lvu_2', ('p1', 'p2'))]
    """
    episodes: list[_EpisodeDraft] = []
    members: list[Placement] = []  # the placements of the last episode
    for placement in sorted(placements, key=lambda p: p.started_on):
        kind = EPISODE_KIND[placement.legal_basis]
        last = episodes[-1] if episodes else None
        if last is not None and _continues(last, kind, placement.started_on):
            last.kind = kind
            if placement.legal_basis not in last.bases:
                last.bases = (*last.bases, placement.legal_basis)
            last.placement_ids = (*last.placement_ids, placement.placement_id)
            members.append(placement)
            if last.ended_on is not None:
                last.ended_on = (
                    None if placement.ended_on is None else max(last.ended_on, placement.ended_on)
                )
            continue
        if last is not None and (end := _ended_by_change(members, placement.started_on)):
            last.ended_on = end
        members = [placement]
        episodes.append(
            _EpisodeDraft(
                kind=kind,
                bases=(placement.legal_basis,),
                started_on=placement.started_on,
                ended_on=placement.ended_on,
                placement_ids=(placement.placement_id,),
            )
        )
    return tuple(CareEpisode.model_validate(dict(draft)) for draft in episodes)
