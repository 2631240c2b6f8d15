"""Short constructors for the placement events of the worked cases, and how their tests judge.

Care decisions, placements, homes, plans, reviews and follow-up (R07–R15). `judged` and
`only` evaluate the placement rules on their own (`caselog.rules.placements`,
`caselog.rules.contracts`, `caselog.rules.plans`), through the same `evaluate` the log
uses, so other rule modules cannot disturb them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from caselog.api.clock import resolve_known_at
from caselog.events import (
    CareBasis,
    CareDecided,
    CarePlanEstablished,
    CarePlanRevised,
    CareReviewed,
    ConsentGranted,
    CustodyTransferConsidered,
    DecidedBy,
    EmergencyHomeStayExtended,
    Event,
    FosterContractSigned,
    HealthExaminationNotNeeded,
    HomeInvestigationCompleted,
    HomeType,
    ImplementationPlanEstablished,
    OtherMunicipalityConsulted,
    PlacementBasis,
    PlacementEnded,
    PlacementStarted,
    PrivateTalkHeld,
    RegionNotified,
    ReviewKind,
    VisitMade,
    VisitPlace,
)
from caselog.rules import contracts, placements, plans
from caselog.rules.context import Rule
from caselog.rules.evaluate import evaluate
from caselog.rules.model import Obligation
from caselog.rules.settings import DEFAULT_SETTINGS, Settings
from caselog.testing import History
from tests.rules.builders import BY, day

RULES = (*placements.RULES, *contracts.RULES, *plans.RULES)
JOURHEM = HomeType.EMERGENCY_HOME


def case(*events: Event) -> History:
    """A history whose events were each recorded on the day they happened."""
    return History().record(*events)


def judged(
    history: History,
    rule: str,
    on: str,
    *,
    part: str | None = None,
    known_at: date | datetime | None = None,
    settings: Settings = DEFAULT_SETTINGS,
    rules: tuple[Rule, ...] = RULES,
) -> list[Obligation]:
    """The obligations of `rule` (and `part`) on `on`, as known at `known_at` (default: all).

    Only `rules` are evaluated (by default the placement modules'), so that other rule
    modules cannot disturb the test.
    """
    found = evaluate(
        history.records,
        on=day(on),
        known_at=resolve_known_at(known_at, lambda: datetime(2100, 1, 1, tzinfo=UTC)),
        settings=settings,
        rules=rules,
    )
    return [o for o in found if o.rule_id == rule and (part is None or o.part == part)]


def only(history: History, rule: str, on: str, **kwargs: object) -> Obligation:
    """The one obligation of `rule` (and `part`) on `on`."""
    found = judged(history, rule, on, **kwargs)  # type: ignore[arg-type]
    assert len(found) == 1, found
    return found[0]


def moved_in(
    event_id: str,
    on: str,
    *,
    home: str = "H",
    home_type: HomeType = HomeType.FAMILY_HOME,
    basis: PlacementBasis = PlacementBasis.SOL,
    placement: str = "pl-1",
    decision: str | None = None,
    municipality: str | None = None,
) -> PlacementStarted:
    """A placement starting on `on`, under the care decision `decision` if given.

    `municipality` is the kommunkod of the municipality the home lies in (R09).
    """
    return PlacementStarted(
        event_id=event_id,
        occurred_on=day(on),
        placement_id=placement,
        home_id=home,
        home_type=home_type,
        legal_basis=basis,
        care_decision_id=decision,
        home_municipality_code=municipality,
        **BY,
    )


def placed(
    event_id: str,
    on: str,
    *,
    home: str = "H",
    home_type: HomeType = HomeType.FAMILY_HOME,
    basis: PlacementBasis = PlacementBasis.SOL,
    placement: str = "pl-1",
) -> PlacementStarted:
    """A placement starting on `on`, with no care decision recorded."""
    return moved_in(event_id, on, home=home, home_type=home_type, basis=basis, placement=placement)


def moved_out(event_id: str, on: str, *, placement: str = "pl-1") -> PlacementEnded:
    """The end of a placement."""
    return PlacementEnded(event_id=event_id, occurred_on=day(on), placement_id=placement, **BY)


def home_investigated(
    event_id: str,
    on: str,
    *,
    home: str = "H",
    home_type: HomeType = HomeType.FAMILY_HOME,
    municipality: str = "Orsa",
) -> HomeInvestigationCompleted:
    """A completed investigation of a home (familjehemsutredning), in the home's stream."""
    return HomeInvestigationCompleted(
        event_id=event_id,
        occurred_on=day(on),
        actor="sw-1",
        home_id=home,
        home_type=home_type,
        by_municipality=municipality,
    )


def care_decided(
    event_id: str,
    on: str,
    *,
    decision: str = "cd-1",
    home: str | None = None,
    basis: CareBasis = CareBasis.SOL,
    by: DecidedBy = DecidedBy.COMMITTEE,
) -> CareDecided:
    """A decision on care (beslut om vård), optionally naming the home."""
    return CareDecided(
        event_id=event_id,
        occurred_on=day(on),
        care_decision_id=decision,
        legal_basis=basis,
        home_id=home,
        decided_by=by,
        **BY,
    )


def consent_granted(
    event_id: str, on: str, *, home: str = "H", by: DecidedBy = DecidedBy.SUBCOMMITTEE
) -> ConsentGranted:
    """Consent (medgivande) to receive the child in a private home."""
    return ConsentGranted(event_id=event_id, occurred_on=day(on), home_id=home, decided_by=by, **BY)


def jourhem_stay_extended(
    event_id: str, on: str, *, placement: str = "pl-1", by: DecidedBy = DecidedBy.SUBCOMMITTEE
) -> EmergencyHomeStayExtended:
    """A decision on special reasons (särskilda skäl) to stay longer in a jourhem."""
    return EmergencyHomeStayExtended(
        event_id=event_id,
        occurred_on=day(on),
        placement_id=placement,
        reasons="Familjehemmet kan ta emot barnet först i maj.",
        decided_by=by,
        **BY,
    )


def contract_signed(event_id: str, on: str, *, home: str = "H") -> FosterContractSigned:
    """A contract (avtal) with the family home."""
    return FosterContractSigned(event_id=event_id, occurred_on=day(on), home_id=home, **BY)


def consulted(event_id: str, on: str, *, home: str = "H") -> OtherMunicipalityConsulted:
    """The municipality where the home lies informed and consulted (samråd)."""
    return OtherMunicipalityConsulted(event_id=event_id, occurred_on=day(on), home_id=home, **BY)


def care_plan(event_id: str, on: str) -> CarePlanEstablished:
    """A care plan (vårdplan)."""
    return CarePlanEstablished(event_id=event_id, occurred_on=day(on), **BY)


def care_plan_revised(event_id: str, on: str) -> CarePlanRevised:
    """A revision of the care plan."""
    return CarePlanRevised(event_id=event_id, occurred_on=day(on), **BY)


def implementation_plan(event_id: str, on: str) -> ImplementationPlanEstablished:
    """An implementation plan (genomförandeplan)."""
    return ImplementationPlanEstablished(event_id=event_id, occurred_on=day(on), **BY)


def region_notified(event_id: str, on: str) -> RegionNotified:
    """The region told to offer a health examination."""
    return RegionNotified(event_id=event_id, occurred_on=day(on), **BY)


def examination_not_needed(event_id: str, on: str) -> HealthExaminationNotNeeded:
    """A health examination notice judged unneeded (obehövligt)."""
    return HealthExaminationNotNeeded(
        event_id=event_id, occurred_on=day(on), reasons="Undersökt av BUP förra veckan.", **BY
    )


def reviewed(
    event_id: str,
    on: str,
    *,
    kind: ReviewKind = ReviewKind.SOL_REVIEW,
    by: DecidedBy = DecidedBy.SUBCOMMITTEE,
) -> CareReviewed:
    """A periodic review of care (övervägande / prövning)."""
    return CareReviewed(event_id=event_id, occurred_on=day(on), kind=kind, decided_by=by, **BY)


def considered(
    event_id: str, on: str, *, home: str = "H", by: DecidedBy = DecidedBy.SUBCOMMITTEE
) -> CustodyTransferConsidered:
    """A consideration of transfer of custody (vårdnadsöverflyttning) for one home."""
    return CustodyTransferConsidered(
        event_id=event_id, occurred_on=day(on), home_id=home, decided_by=by, **BY
    )


def visited(event_id: str, on: str, *, place: VisitPlace = VisitPlace.PLACEMENT_HOME) -> VisitMade:
    """A personal visit (personligt besök), by default in the placement home."""
    return VisitMade(event_id=event_id, occurred_on=day(on), place=place, **BY)


def talked(event_id: str, on: str) -> PrivateTalkHeld:
    """A private talk with the child (enskilt samtal)."""
    return PrivateTalkHeld(event_id=event_id, occurred_on=day(on), **BY)
