"""A child's story from the first report of concern to the förhandsbedömning.

Most children get one to three reports of concern (orosanmälningar) over the years;
about a third of the reports lead to an investigation (nationally 38 % in 2018, RULES.md
§8) and about one in five concerns violence (NCK). Each report gets its immediate
protection assessment (skyddsbedömning, R01) and, unless an investigation is already
running, a decision to open or not open an investigation within fourteen days (R02).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Final

from caselog.dates import add_years
from caselog.demo.amendments import amend, purge, purge_file
from caselog.demo.archive import write_boxed_child
from caselog.demo.assessment import (
    assess,
    feedback,
    flag_late_decision,
    is_violent,
    pre_assess,
)
from caselog.demo.casefile import (
    VIOLENCE_RULE,
    CaseFile,
    Path,
)
from caselog.demo.investigation import investigate
from caselog.demo.municipality import stream_rng
from caselog.demo.people import identity
from caselog.demo.summary import Pattern
from caselog.events import (
    Applicant,
    ApplicationReceived,
    CaseFileOpened,
    DecidedBy,
    InvestigationNotOpened,
    InvestigationOpened,
    ReporterCategory,
    ReportReceived,
    ViolenceExposure,
)

if TYPE_CHECKING:
    from caselog.demo.ledger import Entry, Finding
    from caselog.demo.municipality import Municipality

_AGE_SPAN_DAYS: Final = 17 * 365 + 300
_CONTACTS: Final = (1, 2, 3, 4, 5, 6)
_CONTACT_WEIGHTS: Final = (52, 26, 12, 5, 3, 2)
_MEAN_GAP_DAYS: Final = 320.0
_MIN_GAP_DAYS: Final = 14
_REPORTERS: Final = tuple(ReporterCategory)
_REPORTER_WEIGHTS: Final = (30, 20, 5, 13, 8, 5, 10, 5, 4)
_MANDATORY: Final = frozenset(
    {
        ReporterCategory.POLICE,
        ReporterCategory.SCHOOL,
        ReporterCategory.PRESCHOOL,
        ReporterCategory.HEALTH_CARE,
        ReporterCategory.SOCIAL_SERVICES,
        ReporterCategory.OTHER_AUTHORITY,
    }
)
_POLICE_VIOLENCE: Final = 0.45
_OTHER_VIOLENCE: Final = 0.11
_WITNESSED: Final = 0.55
_CLOSE_RELATIVE: Final = 0.85
_APPLICATION_SHARE: Final = 0.05
_COMPANION_SHARE: Final = 0.08
_OPENED_IF_VIOLENT_BEFORE_RULE: Final = 0.7
_OPENED_OTHERWISE: Final = 0.30
_PLACED_IF_OPENED: Final = 0.13
_PLACED_IF_VIOLENT: Final = 0.2
_PLACEMENT_PATHS: Final = (
    Path.SOL_DIRECT,
    Path.SOL_EMERGENCY,
    Path.LVU_CUSTODY,
    Path.LVU_CARE,
)
_PLACEMENT_WEIGHTS: Final = (35, 25, 22, 18)
_LAST_AGE_FOR_PLACEMENT: Final = 16
_NOT_OPENED_REASONS: Final = (
    "Familjen tar emot stöd på frivillig väg; ingen utredning inleds.",
    "Uppgifterna i anmälan ger inte skäl att inleda utredning.",
    "Vårdnadshavarna har tagit ansvar för situationen.",
    "Barnet har flyttat från kommunen; anmälan överlämnad.",
)


def write_child(
    town: Municipality, index: int, start: date, *, boxed: bool
) -> tuple[list[Entry], list[Finding]]:
    """Write child `index`'s whole case file, beginning on `start`."""
    config = town.config
    rng = stream_rng(config.seed, f"child:{index}")
    ledger = town.ledger(order=index, prefix=f"ev-{index:06d}", rng=rng)
    child_id = f"child-{index:06d}"
    if boxed:
        write_boxed_child(town, ledger, rng, child_id, start)
        purge_file(town, ledger, rng, child_id)
        return ledger.finish()
    born_on = start - timedelta(days=rng.randrange(_AGE_SPAN_DAYS))
    case = CaseFile(
        town=town,
        index=index,
        rng=rng,
        ledger=ledger,
        child_id=child_id,
        born_on=born_on,
        opened_on=start,
        horizon=min(config.end, add_years(born_on, 18) - timedelta(days=1)),
        intake_worker=town.staff.intake_worker(rng),
        investigator=town.staff.investigator(rng),
        caseworker=town.staff.caseworker(rng),
    )
    day = start
    for number in range(rng.choices(_CONTACTS, _CONTACT_WEIGHTS)[0]):
        if day > case.horizon:
            break
        decided = _write_contact(case, day, first=number == 0)
        if case.placed:
            break
        gap = _MIN_GAP_DAYS + int(rng.expovariate(1 / _MEAN_GAP_DAYS))
        day = decided + timedelta(days=gap)
    amend(case)
    purge(case)
    return ledger.finish()


def _write_contact(case: CaseFile, day: date, *, first: bool) -> date:
    running = case.open_until is not None and day <= case.open_until
    if not running and case.chance(_APPLICATION_SHARE):
        return _write_application(case, day, first=first)
    return _write_report(case, day, first=first)


def _open_file(case: CaseFile, day: date) -> datetime:
    """Open the case file (personakt); its first document is registered with it."""
    when = case.town.clock.registration(day, case.rng)
    case.ledger.add(
        CaseFileOpened(
            event_id=case.ledger.next_id(),
            occurred_on=day,
            actor=case.intake_worker,
            child_id=case.child_id,
            born_on=case.born_on,
            **identity(case.child_id, case.born_on),
        ),
        at=when,
    )
    return when


def _write_application(case: CaseFile, day: date, *, first: bool) -> date:
    """An application (ansökan) goes straight to an investigation (R04)."""
    ledger = case.ledger
    when = _open_file(case, day) if first else None
    applicant = case.rng.choices(tuple(Applicant), (8, 1, 1))[0]
    application = ledger.add(
        ApplicationReceived(
            event_id=ledger.next_id(),
            occurred_on=day,
            actor=case.intake_worker,
            child_id=case.child_id,
            applicant=applicant,
        ),
        at=when,
    )
    opened_on = case.workday(case.later(day, 0, 3), day)
    opened = ledger.add(
        InvestigationOpened(
            event_id=ledger.next_id(),
            occurred_on=opened_on,
            actor=case.investigator,
            child_id=case.child_id,
            investigation_id=case.new_id("inv"),
            application_event_id=application.event_id,
            decided_by=DecidedBy.OFFICIAL,
        )
    )
    path = Path.INTERVENTION if case.chance(0.8) else Path.NO_INTERVENTION
    investigate(case, opened, path, violent=False)
    return opened_on


def _receive(case: CaseFile, day: date, *, first: bool, calm: bool) -> ReportReceived:
    """A report of concern comes in; `calm` reports never concern violence."""
    rng = case.rng
    category = rng.choices(_REPORTERS, _REPORTER_WEIGHTS)[0]
    share = _POLICE_VIOLENCE if category is ReporterCategory.POLICE else _OTHER_VIOLENCE
    exposure = ViolenceExposure.NONE
    if not calm and rng.random() < share:
        exposure = (
            ViolenceExposure.WITNESSED if rng.random() < _WITNESSED else ViolenceExposure.SUBJECTED
        )
    when = _open_file(case, day) if first else None
    return case.ledger.add(
        ReportReceived(
            event_id=case.ledger.next_id(),
            occurred_on=day,
            actor=case.intake_worker,
            child_id=case.child_id,
            reporter_category=category,
            mandatory_reporter=category in _MANDATORY,
            violence_exposure=exposure,
            close_relative=exposure is not ViolenceExposure.NONE and rng.random() < _CLOSE_RELATIVE,
        ),
        at=when,
    )


def _choose_path(case: CaseFile, report: ReportReceived) -> Path:
    day = report.occurred_on
    violent = is_violent(report)
    if violent and day >= VIOLENCE_RULE:
        opened = not case.chance(case.config.violence_not_investigated_rate)
    elif violent:
        opened = case.chance(_OPENED_IF_VIOLENT_BEFORE_RULE)
    else:
        opened = case.chance(_OPENED_OTHERWISE)
    if not opened:
        return Path.NOT_OPENED
    placed = _PLACED_IF_VIOLENT if violent else _PLACED_IF_OPENED
    if case.age_on(day) <= _LAST_AGE_FOR_PLACEMENT and case.chance(placed):
        return case.rng.choices(_PLACEMENT_PATHS, _PLACEMENT_WEIGHTS)[0]
    return Path.INTERVENTION if case.chance(0.5) else Path.NO_INTERVENTION


def _write_report(case: CaseFile, day: date, *, first: bool) -> date:
    report = _receive(case, day, first=first, calm=False)
    if case.open_until is not None and day <= case.open_until:
        # An investigation is running: no förhandsbedömning is needed (R02, TC17).
        assess(case, report, urgent=False)
        return day
    path = _choose_path(case, report)
    urgent = path is Path.LVU_CUSTODY
    assess(case, report, urgent=urgent)
    reports = [report]
    if not urgent and case.chance(_COMPANION_SHARE):
        companion = _receive(case, case.later(day, 1, 4), first=False, calm=True)
        assess(case, companion, urgent=False)
        reports.append(companion)
    decided, extension = pre_assess(case, reports, urgent=urgent)
    decided = max(decided, reports[-1].occurred_on)
    ledger = case.ledger
    decision: InvestigationOpened | InvestigationNotOpened
    if path is Path.NOT_OPENED:
        decision = ledger.add(
            InvestigationNotOpened(
                event_id=ledger.next_id(),
                occurred_on=decided,
                actor=case.intake_worker,
                child_id=case.child_id,
                report_event_ids=[r.event_id for r in reports],
                decided_by=DecidedBy.OFFICIAL,
                reasons=case.rng.choice(_NOT_OPENED_REASONS),
            )
        )
        for r in reports:
            if is_violent(r) and r.occurred_on >= VIOLENCE_RULE:
                ledger.flag(Pattern.VIOLENCE_NOT_INVESTIGATED, r, decision)
    else:
        decision = ledger.add(
            InvestigationOpened(
                event_id=ledger.next_id(),
                occurred_on=decided,
                actor=case.investigator,
                child_id=case.child_id,
                investigation_id=case.new_id("inv"),
                report_event_ids=[r.event_id for r in reports],
                decided_by=DecidedBy.OFFICIAL,
            )
        )
    for r in reports:
        flag_late_decision(case, r, decision, extension)
        feedback(case, r, decided)
    if isinstance(decision, InvestigationOpened):
        investigate(case, decision, path, violent=is_violent(report))
    return decided
