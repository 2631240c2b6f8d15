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


def test_an_event_after_the_purge_is_accepted() -> None:
    """D5: a purge closes its class only; a later event about the child is recordable."""
    assert check_batch("child:c1", [], [talk("t1"), purge(), talk("t2")]) == []
    assert check_batch("child:c1", [talk("t1"), purge()], [talk("t2")]) == []


def test_a_second_purge_of_a_class_is_refused_in_order() -> None:
    """A class is purged once: a second purge, stored first or earlier in the batch, is not."""
    ((index, violation),) = check_batch("child:c1", [], [purge("g"), talk("t"), purge("h")])
    assert index == 2
    assert violation.field == "retention_class"
    assert violation.reason == (
        "the general records of child:c1 were already purged (records_purged 'g'); "
        "a second purge of that class is refused"
    )
    assert [i for i, _ in check_batch("child:c1", [purge("g")], [purge("h")])] == [0]


def test_other_classes_may_still_be_purged() -> None:
    """Purging is per retention class (D5): the general purge leaves investigation open."""
    other = RecordsPurged(
        event_id="i",
        occurred_on=date(2024, 3, 10),
        retention_class=RetentionClass.INVESTIGATION,
        **CHILD,
    )
    assert check_batch("child:c1", [purge("g")], [other]) == []
