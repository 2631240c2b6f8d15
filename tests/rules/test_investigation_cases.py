"""Worked cases TC02–TC05 and TC09 (RULES.md §11): R05, four months and extensions."""

from __future__ import annotations

import pytest

from caselog.rules.model import Flag, Obligation, Status
from caselog.testing import History
from tests.rules.builders import concluded, day, extended, opened


def r05(history: History, on: str) -> Obligation:
    """The one R05 obligation on `on`."""
    (found,) = history.obligations(on=day(on), rule="R05")
    return found


@pytest.mark.parametrize(
    ("case", "opened_on", "concluded_on", "due", "status", "days_late"),
    [
        ("TC02 leap day met", "2023-10-31", "2024-02-29", "2024-02-29", Status.MET, None),
        ("TC02 variant one day late", "2023-10-31", "2024-03-01", "2024-02-29", Status.MET_LATE, 1),
        ("TC03 no 29 February", "2022-10-31", "2023-03-01", "2023-02-28", Status.MET_LATE, 1),
        (
            "TC09 straddling 2025-07-01",
            "2025-04-15",
            "2025-08-18",
            "2025-08-15",
            Status.MET_LATE,
            3,
        ),
    ],
)
def test_four_months_by_calendar_months(
    case: str, opened_on: str, concluded_on: str, due: str, status: Status, days_late: int | None
) -> None:
    """Four calendar months, clamped to the month's end (Lag 1930:173 1 §)."""
    history = History().record(opened("o1", opened_on), concluded("c1", concluded_on))
    found = r05(history, "2026-01-01")
    assert (found.due_on, found.status, found.days_late) == (day(due), status, days_late), case


def test_tc02_overdue_without_a_conclusion() -> None:
    """TC02: as of 1 March 2024 with no conclusion: overdue by one day."""
    found = r05(History().record(opened("o1", "2023-10-31")), "2024-03-01")
    assert (found.status, found.days_overdue) == (Status.OVERDUE, 1)


def test_tc09_cites_the_new_act_with_the_old() -> None:
    """TC09: concluded under SoL 2025:400, opened under SoL 2001:453."""
    history = History().record(opened("o1", "2025-04-15"), concluded("c1", "2025-08-18"))
    assert r05(history, "2025-09-01").citation == (
        "SoL (2025:400) 20 kap. 3 § (motsv. SoL (2001:453) 11 kap. 2 §)"
    )


class TestTC04ExtensionInTime:
    """An extension decided before expiry, with an end date and reasons, moves the due date."""

    history = History().record(
        opened("o1", "2019-03-04"),
        extended("e1", "2019-06-20", "2019-08-30"),
        concluded("c1", "2019-08-20"),
    )

    def test_met_with_the_extension(self) -> None:
        """Concluded 20 August against the extended 30 August: met, flagged extended."""
        found = r05(self.history, "2019-09-01")
        assert (found.due_on, found.status) == (day("2019-08-30"), Status.MET)
        assert Flag.EXTENDED in found.flags

    def test_pending_while_extended(self) -> None:
        """As of 10 July (past the original 4 July): pending, not overdue."""
        assert r05(self.history, "2019-07-10").status is Status.PENDING


class TestTC05ExtensionTooLate:
    """An extension decided after expiry cannot cure the lateness."""

    history = History().record(
        opened("o1", "2019-03-04"),
        extended("e1", "2019-07-15", "2019-08-30"),
        concluded("c1", "2019-08-20"),
    )

    @pytest.mark.parametrize("on", ["2019-07-05", "2019-07-10", "2019-07-14"])
    def test_overdue_before_the_late_extension(self, on: str) -> None:
        """Between expiry (4 July) and the late extension (15 July): overdue."""
        assert r05(self.history, on).status is Status.OVERDUE

    def test_pending_once_the_late_extension_is_in_view(self) -> None:
        """As of 15 July: pending, flagged extension_after_expiry."""
        found = r05(self.history, "2019-07-15")
        assert found.status is Status.PENDING
        assert Flag.EXTENSION_AFTER_EXPIRY in found.flags

    def test_final_verdict_is_met_late_by_eleven_days(self) -> None:
        """Final: met late, 11 days (15 July − 4 July), never plain met."""
        found = r05(self.history, "2019-09-01")
        assert (found.status, found.days_late) == (Status.MET_LATE, 11)


def test_an_extension_without_an_end_date_is_disregarded() -> None:
    """An extension with no new due date is flagged invalid and changes nothing."""
    history = History().record(opened("o1", "2019-03-04"), extended("e1", "2019-06-20", None))
    found = r05(history, "2019-07-10")
    assert (found.status, found.due_on) == (Status.OVERDUE, day("2019-07-04"))
    assert Flag.INVALID_EXTENSION in found.flags
