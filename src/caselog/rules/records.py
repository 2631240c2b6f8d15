"""Records and reports: registration (R21), the list to IVO (R22), non-execution (R24).

R21: OSL (2009:400) 5 kap. 1 § (Sekretesslag (1980:100) before 2009-06-30, paragraph ✘),
read with the documentation duty of SoL (2001:453) 11 kap. 5 § / SoL (2025:400) 14 kap. 3 §.
R22: SoF (2001:937) 7 kap. 1 § (its successor after 2025-07-01 ✘). R24: SoL (2001:453)
16 kap. 6 f § (from 2006-07-01) / SoL (2025:400) 34 kap. 1 §.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Final

from caselog.dates import add_days, add_months, days_between, swedish_date
from caselog.events import (
    FosterHomeListSentToIVO,
    InterventionDecided,
    InterventionStarted,
    NonExecutionReported,
    ReportReceived,
)
from caselog.rules.context import Rule, Scope
from caselog.rules.judging import DEADLINE_STATUSES, Duty, judge, not_applicable
from caselog.rules.law import SOF, SOL01_END, SOL01_START, SOL25_START, sol, version
from caselog.rules.model import Flag, Law, Obligation, Severity, Status

if TYPE_CHECKING:
    from collections.abc import Iterator

    from caselog.rules.context import RuleContext

OSL: Final = "OSL (2009:400)"
"""Offentlighets- och sekretesslag (2009:400), in force from 2009-06-30."""
SEKRL: Final = "SekrL (1980:100)"
"""Sekretesslag (1980:100), until 2009-06-29."""
OSL_START: Final = date(2009, 6, 30)
NON_EXECUTION_RULE: Final = date(2006, 7, 1)
"""SoL (2001:453) 16 kap. 6 f § in force: the quarterly report of non-executed decisions."""
_QUARTER_MONTHS: Final = 3
_LATE: Final = (Flag.LATE_REGISTRATION,)
_BOX: Final = (Flag.LATE_REGISTRATION, Flag.MANUAL_REVIEW)

R21 = Duty(
    "R21",
    Law(
        (
            version(SEKRL, "15 kap. 1 §", None, OSL_START - timedelta(days=1), verified=False),
            version(OSL, "5 kap. 1 §", OSL_START),
        )
    ),
    Severity.LOW,
    "Recorded (registered and documented) without delay, by {due}",
    "Registrerad och dokumenterad utan dröjsmål, senast {due}",
    parameters=("registration_warn_days", "registration_flag_days"),
)
R22 = Duty(
    "R22",
    Law(
        (
            version(SOF, "7 kap. 1 §", SOL01_START, SOL01_END),
            version("socialtjänstförordningen efter 2025-07-01", "", SOL25_START, verified=False),
        )
    ),
    Severity.LOW,
    "Copy of the list of children in family homes sent to IVO by {due}",
    "Kopia av förteckningen över barn i familjehem skickad till IVO senast {due}",
)
R24 = Duty(
    "R24",
    Law(sol("16 kap. 6 f §", "34 kap. 1 §", since=NON_EXECUTION_RULE)),
    Severity.MEDIUM,
    "Favourable decision not executed within three months reported to IVO by {due}",
    "Gynnande beslut som inte verkställts inom tre månader rapporterat till IVO senast {due}",
    statuses=(*DEADLINE_STATUSES, Status.NOT_APPLICABLE),
)


def event_registered_in_time(ctx: RuleContext) -> Iterator[Obligation]:
    """R21: every fact is registered (diariefört) and documented without delay.

    OSL (2009:400) 5 kap. 1 §: an allmän handling is registered "utan dröjsmål" when it
    comes in or is drawn up; social-services documents are nearly all secret (OSL 26:1),
    so the exemption for non-secret documents never applies ✘. Every fact of every
    stream — child, home, matter, committee (RULES.md §4.28 "R21 everywhere") — is due
    `registration_warn_days` after its `occurred_on` and is satisfied on the Swedish date
    of its `recorded_at`. A fact registered more than `registration_flag_days` late is
    flagged `late_registration` with high severity, otherwise low. Viewed as of a day
    before its registration (with `known_at` after it) it is pending, then overdue.

    Rows carry the stream's subject id (child, home, matter or committee id) as
    `case_id`. A correction (rättelse) or retraction (makulering) is no document of its
    own and has no row; the row of the fact it corrects or retracts stands — judged on
    the corrected date and the original registration, and kept after a retraction,
    because the registration happened (a makulerad post stays in the diarium).

    A report of concern registered that late is the box of old papers (TC16): its row
    also carries `manual_review`, because finding the papers may start new duties (a
    fresh skyddsbedömning if the child is still under 18) that a person must judge.
    One row per fact: nothing is searched, so it stays linear.
    """
    warn = ctx.settings.registration_warn_days
    limit = ctx.settings.registration_flag_days
    sunday = ctx.settings.sunday_rule_for("R21")
    on = ctx.on
    registered_facts = ctx.facts
    if ctx.retracted:
        registered_facts = tuple(
            sorted((*ctx.facts, *ctx.retracted), key=lambda f: (f.event.occurred_on, f.position))
        )
    for viewed in registered_facts:
        event = viewed.event
        due = add_days(event.occurred_on, warn)
        registered = swedish_date(viewed.recorded_at)
        seen = registered <= on
        # The test of `RuleContext.registration_flags`, without a second time-zone lookup.
        flags: tuple[Flag, ...] = ()
        if days_between(event.occurred_on, registered) > limit:
            flags = _BOX if isinstance(event, ReportReceived) else _LATE
        yield R21.obligation(
            case_id=ctx.case_id,
            trigger_event_id=event.event_id,
            trigger_on=event.occurred_on,
            due_on=due,
            judgement=judge(due, registered, on, sunday),
            satisfied_by=event.event_id if seen else None,
            satisfied_on=registered if seen else None,
            flags=flags,
            severity=Severity.HIGH if flags else None,
        )


def foster_home_list_sent_to_ivo(ctx: RuleContext) -> Iterator[Obligation]:
    """R22: by 31 January each year a copy of the list of children in family homes goes to IVO.

    SoF (2001:937) 7 kap. 1 § ("senast den 31 januari varje år"; IVO ✔). Committee scope:
    one obligation per year from the year of the committee stream's first fact through
    the year of `on`, triggered on 1 January (no trigger event), satisfied by the first
    `FosterHomeListSentToIVO` for that `year`. Its `period` is the calendar year the list
    covers (RULES.md §4.28), so a row keeps its key whichever year the stream begins in.
    Before IVO existed (2013-06-01) the same event records the list sent to the
    supervisor of the day ✘.
    """
    began = ctx.first_day()
    if began is None:
        return
    sent: dict[int, tuple[str, date]] = {}
    for _, listed in ctx.of_type(FosterHomeListSentToIVO):
        sent.setdefault(listed.year, (listed.event_id, listed.occurred_on))
    sunday = ctx.settings.sunday_rule_for("R22")
    for year in range(began.year, ctx.on.year + 1):
        due = date(year, 1, 31)
        done = sent.get(year)
        yield R22.obligation(
            case_id=ctx.case_id,
            trigger_event_id=None,
            trigger_on=date(year, 1, 1),
            due_on=due,
            judgement=judge(due, done[1] if done else None, ctx.on, sunday),
            satisfied_by=done[0] if done else None,
            satisfied_on=done[1] if done else None,
            period=year,
        )


def quarter_of(day: date) -> str:
    """The calendar quarter of `day`, as `NonExecutionReported.quarter` spells it.

    >>> quarter_of(date(2024, 4, 15))
    '2024-Q2'
    """
    return f"{day.year}-Q{(day.month - 1) // _QUARTER_MONTHS + 1}"


def report_due(day: date) -> date:
    """The last day of the month after the quarter of `day` (R24's report deadline ✘).

    >>> report_due(date(2024, 4, 15))
    datetime.date(2024, 7, 31)
    >>> report_due(date(2024, 12, 31))
    datetime.date(2025, 1, 31)
    """
    quarter_start = date(day.year, (day.month - 1) // _QUARTER_MONTHS * _QUARTER_MONTHS + 1, 1)
    return add_months(quarter_start, _QUARTER_MONTHS + 1) - timedelta(days=1)


def non_execution_reported(ctx: RuleContext) -> Iterator[Obligation]:
    """R24: a favourable decision not executed within three months is reported to IVO.

    SoL (2001:453) 16 kap. 6 f § / SoL (2025:400) 34 kap. 1 §: every gynnande beslut "som
    inte har verkställts inom tre månader från dagen för beslutet" is reported to IVO
    (and the auditors), once a quarter. Readings (✘):

    * The three months end on `add_months(decided, 3)` (1930:173); a decision executed on
      or before that day never needed reporting: `not_applicable` (final). A decision
      executed later must still be reported — the statute asks whether it was executed
      within three months, not whether it was by the report.
    * The report is due for the quarter in which the three months ended, by the last day
      of the month after that quarter; any `NonExecutionReported` for the intervention
      with that quarter or a later one satisfies it (a later quarter's report: met_late).
    * Only that first report is judged, not the report of every further quarter while
      the decision stays unexecuted: the vocabulary cannot say when a decision lapsed.
    * Not applicable when the three months ended before 2006-07-01 (the duty's start).

    Pending while the three months run.
    """
    sunday = ctx.settings.sunday_rule_for("R24")
    for viewed, decided in ctx.of_type(InterventionDecided):
        mark = add_months(decided.occurred_on, _QUARTER_MONTHS)
        due = report_due(mark)
        flags = ctx.registration_flags(viewed)
        started = next(
            (
                s.occurred_on
                for _, s in ctx.of_type(InterventionStarted)
                if s.intervention_id == decided.intervention_id
                and s.occurred_on >= decided.occurred_on
            ),
            None,
        )
        if mark < NON_EXECUTION_RULE or (started is not None and started <= mark):
            yield not_applicable(R24, case_id=ctx.case_id, event=decided, due_on=due, flags=flags)
            continue
        quarter = quarter_of(mark)
        report = next(
            (
                r
                for _, r in ctx.of_type(NonExecutionReported)
                if r.intervention_id == decided.intervention_id and r.quarter >= quarter
            ),
            None,
        )
        yield R24.obligation(
            case_id=ctx.case_id,
            trigger_event_id=decided.event_id,
            trigger_on=decided.occurred_on,
            due_on=due,
            judgement=judge(due, report.occurred_on if report else None, ctx.on, sunday),
            satisfied_by=report.event_id if report else None,
            satisfied_on=report.occurred_on if report else None,
            flags=flags,
        )


RULES: Final[tuple[Rule, ...]] = (
    Rule(event_registered_in_time, R21, Scope.CHILD, per_fact=True),
    Rule(event_registered_in_time, R21, Scope.HOME, per_fact=True),
    Rule(event_registered_in_time, R21, Scope.MATTER, per_fact=True),
    Rule(event_registered_in_time, R21, Scope.COMMITTEE, per_fact=True),
    Rule(foster_home_list_sent_to_ivo, R22, Scope.COMMITTEE),
)
"""R21 (once per scope it runs in) and R22, in catalogue order.

R24 (`non_execution_reported`) is registered on its own, after R23 (gallring,
`caselog.rules.retention`), to keep the catalogue's order.
"""
