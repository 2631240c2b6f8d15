"""The state of one child's case file (personakt) on a date, as known at a time.

`fold_case_state` folds the as-of view of the stream `child:<case_id>` (the output of
`caselog.projections.as_of.as_of`) into a `CaseState`: the reports of concern and what
became of them, investigations, care decisions, placements and care episodes
(vårdepisoder), reviews, visits, immediate custodies and the rest of what inspectors ask
about "as of" a date.

The fold runs in two passes over the facts in fold order (`occurred_on`, log position).
The first collects the facts that define something others refer to (a report, an
opening, a placement, a decision, a custody); the second applies everything else. So a
fact that refers to an id finds it whatever their dates — a decision may be dated after
the placement it refers to (D5) — and a fact whose referent is not in the view (retracted,
or dated after `on`) stays, named in `orphans` (D4: folds tolerate orphans). Where a
once-only act is recorded twice, the first in fold order counts. The two halves of the
fold live in `intake_fold` and `care_fold`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, TypeVar, cast

from caselog.events import FactEvent, RetentionClass
from caselog.projections.care_episodes import CareEpisode, care_episodes_of
from caselog.projections.care_fold import CareFold
from caselog.projections.case_parts import (
    Application,
    CareDecision,
    CasePart,
    Consent,
    ContactRestriction,
    CustodyTransferConsideration,
    ImmediateCustody,
    Intervention,
    Investigation,
    Placement,
    PrivateTalk,
    ReportOfConcern,
    Review,
    Visit,
)
from caselog.projections.intake_fold import IntakeFold, Orphans

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from caselog.projections.as_of import Viewed


class CaseState(CasePart):
    """What a child's case file says on `on`, as known at `known_at`.

    The field names are the stable JSON keys of `caselog case --format json`.
    Collections are in fold order (`occurred_on`, then log position); parts only
    referred to come after the parts that were defined.

    Attributes:
        case_id: The child id; the stream is `child:<case_id>`.
        on: The valid date asked about.
        known_at: The transaction time the log was read at.
        born_on: From the first `CaseFileOpened`, if any.
        reports: Reports of concern (orosanmälningar) and what became of them.
        applications: Applications (ansökningar) and the investigation opened on each.
        investigations: Investigations (utredningar), orphans included.
        open_investigation: The id of the investigation opened and not concluded on
            `on`; the latest opened if several.
        decisions: Care decisions (vårdbeslut).
        consents: Consents to private placements (medgivanden).
        placements: Placements (placeringar), in order of start.
        current_placement: The latest-started placement not ended on `on` (one that
            ended on `on` is no longer current).
        care_episodes: Care episodes (vårdepisoder), DESIGN.md D9.
        current_care_episode: The last episode, if it had not ended on `on`.
        reviews: Övervägande and prövning (R11, R12).
        custody_transfer_considerations: Vårdnadsöverflyttning considered (R13).
        visits: Personal visits (besök), R14.
        private_talks: Private talks with the child (enskilda samtal), R14.
        immediate_custodies: Omedelbara omhändertaganden (R16), orphans included.
        contact_restrictions: Umgängesbegränsningar (R17), orphans included.
        interventions: Insatser in open care (R24).
        purged_classes: Retention classes purged (gallrade), in order of first purge.
        orphans: Event ids of facts whose referenced report, application, opening,
            placement, decision, custody or restriction is not in the view (D4).
    """

    case_id: str
    on: date
    known_at: datetime
    born_on: date | None
    reports: tuple[ReportOfConcern, ...]
    applications: tuple[Application, ...]
    investigations: tuple[Investigation, ...]
    open_investigation: str | None
    decisions: tuple[CareDecision, ...]
    consents: tuple[Consent, ...]
    placements: tuple[Placement, ...]
    current_placement: Placement | None
    care_episodes: tuple[CareEpisode, ...]
    current_care_episode: CareEpisode | None
    reviews: tuple[Review, ...]
    custody_transfer_considerations: tuple[CustodyTransferConsideration, ...]
    visits: tuple[Visit, ...]
    private_talks: tuple[PrivateTalk, ...]
    immediate_custodies: tuple[ImmediateCustody, ...]
    contact_restrictions: tuple[ContactRestriction, ...]
    interventions: tuple[Intervention, ...]
    purged_classes: tuple[RetentionClass, ...]
    orphans: tuple[str, ...]


_P = TypeVar("_P", bound=CasePart)


def _frozen(cls: type[_P], drafts: Iterable[_P]) -> tuple[_P, ...]:
    """Freeze the drafts of one kind of part, in fold order.

    A draft was validated when the fold made it, and the fold assigns only values of the
    declared types (tuples, dates, enums), so its fields are copied, not validated again:
    re-validating every part of every case file was a tenth of judging a municipality.
    """
    return tuple(cast("_P", cls.model_construct(**draft.__dict__)) for draft in drafts)


def _is_about(event: FactEvent, case_id: str) -> bool:
    """Whether a fact belongs to the child's case file (home streams may be mixed in)."""
    return event.subject_ids.get("child_id") == case_id


def fold_case_state(
    case_id: str, facts: Sequence[Viewed], *, on: date, known_at: datetime
) -> CaseState:
    """Fold the as-of view of a child's case file into its state on `on`.

    Args:
        case_id: The child id of the stream `child:<case_id>`.
        facts: The output of `as_of(history, on=on, known_at=known_at)`. Facts of other
            streams (homes) and of other children are ignored, and so are facts dated
            after `on`, so a wider view is harmless.
        on: The valid date asked about; it only labels the state and bounds the facts.
        known_at: The transaction time the view was taken at; it only labels the state.

    Returns:
        The case state; pure, so the same view always gives an equal state.
    """
    mine = sorted(
        (f for f in facts if _is_about(f.event, case_id) and f.event.occurred_on <= on),
        key=lambda f: (f.event.occurred_on, f.position),
    )
    orphans = Orphans()
    intake, care = IntakeFold(orphans), CareFold(orphans)
    for viewed in mine:
        intake.define(viewed.event)
        care.define(viewed.event)
    for viewed in mine:
        intake.apply(viewed.event)
        care.apply(viewed.event)
    placements = _frozen(Placement, care.placements.values())
    episodes = care_episodes_of(placements)
    investigations = _frozen(Investigation, intake.investigations.values())
    open_ids = [
        i.investigation_id
        for i in investigations
        if i.opened_on is not None and i.concluded_on is None
    ]
    running = [p for p in placements if p.ended_on is None]
    return CaseState(
        case_id=case_id,
        on=on,
        known_at=known_at,
        born_on=intake.born_on,
        reports=_frozen(ReportOfConcern, intake.reports.values()),
        applications=_frozen(Application, intake.applications.values()),
        investigations=investigations,
        open_investigation=open_ids[-1] if open_ids else None,
        decisions=_frozen(CareDecision, care.decisions.values()),
        consents=tuple(care.consents),
        placements=placements,
        current_placement=running[-1] if running else None,
        care_episodes=episodes,
        current_care_episode=(episodes[-1] if episodes and episodes[-1].ended_on is None else None),
        reviews=tuple(care.reviews),
        custody_transfer_considerations=tuple(care.considerations),
        visits=tuple(care.visits),
        private_talks=tuple(care.talks),
        immediate_custodies=_frozen(ImmediateCustody, care.custodies.values()),
        contact_restrictions=_frozen(ContactRestriction, care.restrictions.values()),
        interventions=_frozen(Intervention, care.interventions.values()),
        purged_classes=tuple(care.purged),
        orphans=tuple(orphans.event_ids),
    )
