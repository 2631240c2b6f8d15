"""Purging (gallring) by destroying keys: crypto-shredding under R23 (issue 13).

What is due is what R23 says is due: a case file's `general` purge duty has arisen
(five years after its last entry, or at thirty for an investigated child under SFS
2025:1501; RULES.md §7.1 and §4.28) and no `RecordsPurged(general)` is recorded yet. A
purge destroys the keys of the child's `general` and `investigation` classes — the personal
fields they sealed can never be read again, while every non-personal fact stays and the
hash chain still verifies — and records `RecordsPurged` for each class, which R23 then
reads as met (or met late).

Refused, with the rule named: the placement class (never purged: SoL (2001:453) 12 kap.
2 § 3; SoL (2025:400) 16 kap. 2 §), the research sample (SoF (2001:937) 7 kap. 2 §),
a purge that is not due yet, and records stored in clear before encryption was
configured (they cannot be shredded).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Final

from caselog.dates import swedish_date
from caselog.errors import PurgeRefusedError
from caselog.events import RecordsPurged, RetentionClass
from caselog.events.records import retention_class_of
from caselog.storage.sealing import SEALED, personal_values

if TYPE_CHECKING:
    from caselog.api.log import CaseLog
    from caselog.rules.model import Obligation

SHREDDED: Final = (RetentionClass.GENERAL, RetentionClass.INVESTIGATION)
"""The classes a due `general` duty purges: investigation records go with them (SFS
2025:1501 already moved the duty itself to age thirty for an investigated child)."""
KEPT_BY_LAW: Final = {
    RetentionClass.PLACEMENT: (
        "never purged (SoL (2001:453) 12 kap. 2 § 3; SoL (2025:400) 16 kap. 2 §; R23 placement)"
    ),
    RetentionClass.RESEARCH_SAMPLE: (
        "kept as the research sample (SoF (2001:937) 7 kap. 2 §; R23 general)"
    ),
}


_DUE: Final = frozenset({"pending", "overdue"})
"""R23 `general` rows whose duty has arisen and is not met: pending until the end of the
following year, overdue after it."""


@dataclass(frozen=True, slots=True)
class PurgeItem:
    """One retention class of one case file: due (and purged), or refused, and why."""

    case_id: str
    retention_class: RetentionClass
    duty_from: date | None
    """The day the purge duty arose (R23's trigger day)."""
    finish_by: date | None
    """The last day of the year after: when the purge must be finished."""
    keys: tuple[str, ...]
    """The data keys to destroy (or destroyed)."""
    refused: str | None = None
    """Why this class is not purged; None when it is (or would be)."""
    purged_by: str | None = None
    """The `records_purged` event recorded, once purged."""


def purge(
    log: CaseLog,
    *,
    dry_run: bool,
    on: date | None,
    case_id: str | None,
    retention_class: RetentionClass | str | None,
) -> list[PurgeItem]:
    """`CaseLog.purge`: what is due today (or, in a dry run, on `on`), or one case's class.

    Raises:
        PurgeRefusedError: `case_id`'s class is kept by law, not due, or stored in clear.
        ValueError: `on` without `dry_run`.
    """
    if on is not None and not dry_run:
        msg = "a purge runs on today's date; `on` is only for a dry run (planning ahead)"
        raise ValueError(msg)
    day = on or today(log)
    if case_id is None:
        return purge_plan(log, day) if dry_run else purge_due(log, day)
    kept = RetentionClass(retention_class or RetentionClass.GENERAL)
    if dry_run:
        return [
            i for i in purge_plan(log, day) if (i.case_id, i.retention_class) == (case_id, kept)
        ]
    return [purge_case(log, case_id, kept, day)]


def purge_plan(log: CaseLog, on: date) -> list[PurgeItem]:
    """What R23 says is due on `on`, per case file and class, without changing anything."""
    due = log.obligations(on=on, rule="R23", status=list(_DUE))
    items = []
    for row in due:
        if row.part == "general":
            items.extend(_items(log, row))
    return items


def purge_due(log: CaseLog, on: date) -> list[PurgeItem]:
    """Destroy the keys that are due on `on` and record `RecordsPurged` for each class.

    Refused classes are listed with their reason and left as they are. Keys go first,
    then the event: if the process stops in between, running again finds the keys gone
    and records the event.
    """
    return [item if item.refused else _purge(log, item, on) for item in purge_plan(log, on)]


def purge_case(log: CaseLog, case_id: str, retention_class: RetentionClass, on: date) -> PurgeItem:
    """Purge one class of one case file now, if the law allows it.

    Raises:
        PurgeRefusedError: the class is kept by law (the rule is named), the child is in
            the research sample, the purge is not due, or its records are in clear.
        UnknownCaseError: no such case file.
    """
    if (kept := KEPT_BY_LAW.get(retention_class)) is not None:
        msg = f"the {retention_class.value} records of {case_id!r} are {kept}"
        raise PurgeRefusedError(msg)
    rows = [r for r in log.obligations(on=on, rule="R23", case_id=case_id) if r.part == "general"]
    if rows and rows[0].status.value == "not_applicable":
        kept = KEPT_BY_LAW[RetentionClass.RESEARCH_SAMPLE]
        msg = f"the records of {case_id!r} are {kept}"
        raise PurgeRefusedError(msg)
    if not rows or rows[0].status.value not in _DUE:
        msg = (
            f"the {retention_class.value} records of {case_id!r} are not due for purging on "
            f"{on} (R23: five years after the last entry, SoL (2025:400) 16 kap. 1 §)"
        )
        raise PurgeRefusedError(msg)
    (item,) = [i for i in _items(log, rows[0]) if i.retention_class is retention_class]
    if item.refused:
        msg = f"the {retention_class.value} records of {case_id!r} cannot be purged: {item.refused}"
        raise PurgeRefusedError(msg)
    return _purge(log, item, on)


def _items(log: CaseLog, row: Obligation) -> list[PurgeItem]:
    """The classes a due R23 `general` row purges, with their keys and any refusal."""
    subject = f"child:{row.case_id}"
    in_clear = _in_clear(log, subject)
    keyring = log.store.keys.for_writing()
    items = []
    for kept in SHREDDED:
        keys = () if keyring is None else tuple(keyring.alive(subject, kept.value))
        clear = in_clear.get(kept, 0)
        refused = (
            f"{clear} event(s) stored in clear; cannot be shredded "
            "(recorded before encryption was configured)"
            if clear
            else None
        )
        if kept is RetentionClass.GENERAL or keys or clear:  # R23 reads the general one
            items.append(
                PurgeItem(row.case_id, kept, row.trigger_on, row.due_on, keys, refused=refused)
            )
    return items


def _in_clear(log: CaseLog, subject: str) -> dict[RetentionClass, int]:
    """How many events of each class hold personal values stored in clear."""
    personal = {
        r.event.event_id: retention_class_of(r.event)
        for r in log.store.read_streams([subject])
        if personal_values(r.event)
    }
    counts: dict[RetentionClass, int] = {}
    for event_id, (_, state) in log.store.stored_payloads(list(personal)).items():
        if not state.startswith(SEALED):
            kept = personal[event_id]
            counts[kept] = counts.get(kept, 0) + 1
    return counts


def _purge(log: CaseLog, item: PurgeItem, on: date) -> PurgeItem:
    keyring = log.store.keys.for_writing()
    if keyring is not None and item.keys:
        children = [item.case_id] if item.retention_class is RetentionClass.GENERAL else []
        keyring.destroy(list(item.keys), children)
    recorded = log.record(
        RecordsPurged(
            event_id=f"purge-{uuid.uuid4()}",
            occurred_on=on,
            actor=log.actor,
            child_id=item.case_id,
            retention_class=item.retention_class,
        )
    )
    return replace(item, purged_by=recorded.event.event_id)


def today(log: CaseLog) -> date:
    """The Swedish date of the log's clock: the day a purge runs on."""
    return swedish_date(log.clock())
