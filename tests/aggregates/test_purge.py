"""Purging (gallring) closes a case file: order decides what a batch may hold (D5)."""

from __future__ import annotations

from datetime import date

from caselog.aggregates import check_batch
from caselog.events import PrivateTalkHeld, RecordsPurged, RetentionClass

CHILD = {"child_id": "c1", "actor": "sw-1"}


def talk(event_id: str) -> PrivateTalkHeld:
    """A private talk with child c1."""
    return PrivateTalkHeld(event_id=event_id, occurred_on=date(2018, 3, 1), **CHILD)


def purge(event_id: str = "g") -> RecordsPurged:
    """The general records of child c1 purged."""
    return RecordsPurged(
        event_id=event_id,
        occurred_on=date(2024, 3, 10),
        retention_class=RetentionClass.GENERAL,
        **CHILD,
    )


def test_a_batch_may_hold_a_case_file_and_its_purge() -> None:
    """Events before the purge in one batch are the file being closed: accepted."""
    assert check_batch("child:c1", [], [talk("t1"), talk("t2"), purge()]) == []


def test_an_event_after_the_purge_in_a_batch_is_refused() -> None:
    """An event that follows the purge in the same batch would reopen the file."""
    ((index, violation),) = check_batch("child:c1", [], [talk("t1"), purge(), talk("t2")])
    assert index == 2
    assert (
        violation.reason == "child:c1 was purged (records_purged 'g'); nothing more can be recorded"
    )


def test_an_event_for_a_stored_purged_file_is_refused() -> None:
    """Once the purge is stored, every later batch for that child is refused."""
    found = check_batch("child:c1", [talk("t1"), purge()], [talk("t2")])
    assert [index for index, _ in found] == [0]
