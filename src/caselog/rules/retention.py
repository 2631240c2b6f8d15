"""Gallring (R23): a personakt is purged five years after its last entry, unless it is kept.

SoL (2001:453) 12 kap. 1–2 §§ until 2025-06-30 and SoL (2025:400) 16 kap. 1–4 §§ from
2025-07-01 (same wording, RULES.md §7.1): the notes in a child's personakt "ska gallras
fem år efter det att sista anteckningen gjordes i akten", and "gallringen ska vara avslutad
senast kalenderåret efter det att gallringsskyldigheten inträdde". Purging is a duty, so a
file kept past that year is a finding. Kept instead: the documents of a placement, for
ever (12 kap. 2 § / 16 kap. 2 §), and the research sample — every file in a sample
municipality, elsewhere the people born on the 5th, 15th or 25th (12 kap. 2 § 3 st. /
16 kap. 4 §; SoF (2001:937) 7 kap. 2 §). SFS 2025:1501 (SoL (2025:400) 16 kap. 2 a §)
keeps an investigated child's records until the child turns thirty.

RULES.md §4.28 "R23 (gallring)" settles how this is judged; `duty_arises` and
`purge_due` are the arithmetic, shared in spirit with the demo's purge policy.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Final

from caselog.dates import add_years, swedish_date
from caselog.events import (
    CaseFileOpened,
    InvestigationOpened,
    PlacementStarted,
    RecordsPurged,
    RetentionClass,
)
from caselog.rules.context import Rule
from caselog.rules.judging import DEADLINE_STATUSES, Duty, Judgement, judge, not_applicable
from caselog.rules.law import SOF, SOL01_END, SOL01_START, SOL25_START, sol, version
from caselog.rules.model import Law, Severity, Status

if TYPE_CHECKING:
    from collections.abc import Iterator

    from caselog.rules.context import RuleContext
    from caselog.rules.model import Obligation

RETENTION_YEARS: Final = 5
"""SoL (2001:453) 12 kap. 1 § / SoL (2025:400) 16 kap. 1 §: five years after the last entry."""
INVESTIGATED_UNTIL_AGE: Final = 30
"""SoL (2025:400) 16 kap. 2 a § (SFS 2025:1501): an investigation's records kept to age 30."""
GENERAL: Final = "general"
PLACEMENT: Final = "placement"

R23 = Duty(
    "R23",
    Law(sol("12 kap. 1–2 §§", "16 kap. 1–4 §§")),
    Severity.MEDIUM,
    "Personal file (personakt) purged (gallrad) by {due}",
    "Personakten gallrad senast {due}",
    parameters=(
        "municipality_in_research_sample",
        "research_birth_days",
        "sfs_2025_1501_in_force_on",
    ),
    statuses=(*DEADLINE_STATUSES, Status.NOT_APPLICABLE),
)
R23_SAMPLE = Duty(
    "R23",
    Law(
        (
            version(SOF, "7 kap. 2 §", SOL01_START, SOL01_END),
            version("socialtjänstförordningen efter 2025-07-01", "", SOL25_START, verified=False),
        )
    ),
    Severity.MEDIUM,
    "Kept for research (the research sample), not purged",
    "Undantagen från gallring för forskning (forskningsurvalet)",
    statuses=(Status.NOT_APPLICABLE,),
)
"""The `general` row of a file in the research sample: cites the ordinance that names it."""
R23_PLACEMENT = Duty(
    "R23",
    R23.law,
    Severity.MEDIUM,
    "Records of a placement kept, never purged",
    "Handlingar om placering bevaras och gallras aldrig",
    statuses=(Status.NOT_APPLICABLE, Status.BREACHED),
)


def purge_due(arises: date) -> date:
    """The day a purge must be finished: 31 December of the year after the duty arose.

    >>> purge_due(date(2024, 3, 10))
    datetime.date(2025, 12, 31)
    """
    return date(arises.year + 1, 12, 31)


def duty_arises(last_entry: date, *, born_on: date, investigated: bool, in_force_on: date) -> date:
    """The day the duty to purge arises (gallringsskyldigheten inträder).

    Five years after the last entry (`add_years`, Lag 1930:173). For a child whose file
    holds an investigation and whose purge would fall due on or after the day SFS 2025:1501
    came into force (`in_force_on`), not before the child turns thirty either.

    >>> duty_arises(date(2019, 3, 10), born_on=date(2005, 6, 12), investigated=True,
    ...             in_force_on=date(2026, 1, 1))
    datetime.date(2024, 3, 10)
    >>> duty_arises(date(2021, 3, 10), born_on=date(2005, 6, 12), investigated=True,
    ...             in_force_on=date(2026, 1, 1))
    datetime.date(2035, 6, 12)
    """
    arises = add_years(last_entry, RETENTION_YEARS)
    if investigated and purge_due(arises) >= in_force_on:
        return max(arises, add_years(born_on, INVESTIGATED_UNTIL_AGE))
    return arises


def last_entry(ctx: RuleContext) -> date | None:
    """The Stockholm date of the latest `recorded_at` in the view: the file's last entry.

    "Sista anteckningen gjordes" is when the entry was written, so transaction time
    counts (RULES.md §7.3): papers registered late restart the clock. Opening the file
    and purging it are not entries; corrections and retractions are no facts of the view
    (a corrected fact keeps its first registration).
    """
    stamps = [
        viewed.recorded_at
        for viewed in ctx.facts
        if not isinstance(viewed.event, CaseFileOpened | RecordsPurged)
    ]
    return swedish_date(max(stamps)) if stamps else None


def _case_file(ctx: RuleContext) -> CaseFileOpened | None:
    return next((opened for _, opened in ctx.of_type(CaseFileOpened)), None)


def _purged(ctx: RuleContext, retention_class: RetentionClass) -> RecordsPurged | None:
    return next(
        (p for _, p in ctx.of_type(RecordsPurged) if p.retention_class is retention_class), None
    )


def case_file_purged_in_time(ctx: RuleContext) -> Iterator[Obligation]:
    """R23 `general`: the personakt is purged (gallrad) by the end of the year after the duty.

    SoL (2001:453) 12 kap. 1 § / SoL (2025:400) 16 kap. 1 §. Triggered by the child's
    `CaseFileOpened` (no row without one); `trigger_on` is the day the duty arises,
    `add_years(last entry, 5)`, and there is no row before that day. Due 31 December of
    the following year; met by the first `RecordsPurged(general)`. `not_applicable` for
    the research sample (SoF (2001:937) 7 kap. 2 §): a sample municipality, or a child
    born on one of `research_birth_days`. SFS 2025:1501: a child with an
    `InvestigationOpened` whose purge would fall due on or after
    `sfs_2025_1501_in_force_on` is purged no earlier than at thirty.
    """
    opened = _case_file(ctx)
    last = last_entry(ctx)
    if opened is None or last is None:
        return
    settings = ctx.settings
    arises = duty_arises(
        last,
        born_on=opened.born_on,
        investigated=any(True for _ in ctx.of_type(InvestigationOpened)),
        in_force_on=settings.sfs_2025_1501_in_force_on,
    )
    if arises > ctx.on:
        return
    due = purge_due(arises)
    if (
        settings.municipality_in_research_sample
        or opened.born_on.day in settings.research_birth_days
    ):
        yield not_applicable(
            R23_SAMPLE,
            case_id=ctx.case_id,
            event=opened,
            due_on=due,
            trigger_on=arises,
            part=GENERAL,
        )
        return
    purge = _purged(ctx, RetentionClass.GENERAL)
    purged_on = purge.occurred_on if purge else None
    yield R23.obligation(
        case_id=ctx.case_id,
        trigger_event_id=opened.event_id,
        trigger_on=arises,
        due_on=due,
        judgement=judge(due, purged_on, ctx.on, settings.sunday_rule_for("R23")),
        satisfied_by=purge.event_id if purge else None,
        satisfied_on=purged_on,
        part=GENERAL,
    )


def placement_records_kept(ctx: RuleContext) -> Iterator[Obligation]:
    """R23 `placement`: the records of a child's placement are kept for ever.

    SoL (2001:453) 12 kap. 2 § 1 st. 3 / SoL (2025:400) 16 kap. 2 §: documents about a
    child placed or received in a family home, HVB or other home are never purged under
    the main rule. One row per case file (triggered by its `CaseFileOpened`, on the day
    it was opened) once a `PlacementStarted` is in the view: `not_applicable` — there is
    nothing to purge — or `breached` on the day a `RecordsPurged(placement)` destroyed
    them (the Vallentuna failure mode, RULES.md §6.1). `purge()` refuses such a purge;
    the rule reports one that was recorded anyway.
    """
    opened = _case_file(ctx)
    if opened is None or not any(True for _ in ctx.of_type(PlacementStarted)):
        return
    purge = _purged(ctx, RetentionClass.PLACEMENT)
    if purge is None:
        yield not_applicable(
            R23_PLACEMENT, case_id=ctx.case_id, event=opened, due_on=None, part=PLACEMENT
        )
        return
    yield R23_PLACEMENT.obligation(
        case_id=ctx.case_id,
        trigger_event_id=opened.event_id,
        trigger_on=opened.occurred_on,
        due_on=None,
        judgement=Judgement(Status.BREACHED, None, decisive_on=purge.occurred_on),
        part=PLACEMENT,
    )


RULES: Final[tuple[Rule, ...]] = (
    Rule(case_file_purged_in_time, R23),
    Rule(placement_records_kept, R23_PLACEMENT),
)
"""R23's two parts, `general` then `placement`."""
