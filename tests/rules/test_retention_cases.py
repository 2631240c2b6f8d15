"""Worked case TC18 (RULES.md §11) and RULES.md §4.28 "R23 (gallring)", judged over time.

A personakt is purged five years after its last entry (the latest registration in the
view), by the end of the following year; the research sample and placement records are
kept; SFS 2025:1501 keeps an investigated child's file until thirty.
"""

from __future__ import annotations

from datetime import date

from caselog.events import (
    CaseFileOpened,
    Event,
    EventCorrected,
    HomeType,
    PlacementBasis,
    PlacementStarted,
    RecordsPurged,
    RetentionClass,
)
from caselog.rules.model import Obligation, Severity, Status
from caselog.rules.settings import DEFAULT_SETTINGS, Settings
from caselog.testing import History
from tests.rules.builders import CHILD, day, opened, report, retracted

FILE = "f1"
"""The event id of every history's CaseFileOpened: R23's trigger."""


def case_file(born: str, on: str = "2016-02-01") -> CaseFileOpened:
    """Child c1's personakt opened on `on`."""
    return CaseFileOpened(
        event_id=FILE, occurred_on=day(on), actor="sw-1", child_id=CHILD, born_on=day(born)
    )


def placed(event_id: str, on: str) -> PlacementStarted:
    """Child c1 placed in family home H under SoL."""
    return PlacementStarted(
        event_id=event_id,
        occurred_on=day(on),
        actor="sw-1",
        child_id=CHILD,
        placement_id=f"pl-{event_id}",
        home_id="H",
        home_type=HomeType.FAMILY_HOME,
        legal_basis=PlacementBasis.SOL,
    )


def purged(event_id: str, on: str, kind: RetentionClass = RetentionClass.GENERAL) -> RecordsPurged:
    """One retention class of c1's personakt purged (gallrad)."""
    return RecordsPurged(
        event_id=event_id,
        occurred_on=day(on),
        actor="arkiv-1",
        child_id=CHILD,
        retention_class=kind,
    )


def tc18(born: str, *, placement: bool = False) -> History:
    """TC18: opened 2016, a report in 2016 (and a placement), last entry 2019-03-10."""
    events: list[Event] = [case_file(born), report("r1", "2016-02-01")]
    if placement:
        events.append(placed("p1", "2016-05-02"))
    return History().record(*events).record(report("r2", "2019-03-10"))


def r23(
    history: History,
    on: str,
    *,
    known_at: str | None = None,
    settings: Settings = DEFAULT_SETTINGS,
) -> dict[str, Obligation]:
    """The R23 rows on `on`, by part."""
    found = history.obligations(
        on=day(on), known_at=day(known_at) if known_at else None, settings=settings, rule="R23"
    )
    rows = {o.part or "": o for o in found}
    assert len(rows) == len(found), found
    return rows


def due_fields(o: Obligation) -> tuple[object, ...]:
    """What §4.28 empties on a not_applicable row."""
    return (o.due_on, o.effective_due_on, o.days_late, o.days_overdue)


class TestTC18:
    """TC18: a personakt about a person never placed; last entry 2019-03-10."""

    def test_tc18a_purge_duty_arises_2024_03_10_and_is_overdue_in_2026(self) -> None:
        """(a) Born on the 12th: no row before 2024-03-10; pending to 2025-12-31; overdue."""
        history = tc18("2008-04-12")
        assert r23(history, "2024-03-09") == {}
        arisen = r23(history, "2024-03-10")["general"]
        assert (arisen.trigger_event_id, arisen.trigger_on, arisen.due_on, arisen.status) == (
            FILE,
            day("2024-03-10"),
            day("2025-12-31"),
            Status.PENDING,
        )
        assert r23(history, "2025-12-31")["general"].status is Status.PENDING
        late = r23(history, "2026-01-01")["general"]
        assert (late.status, late.days_overdue, late.severity) == (
            Status.OVERDUE,
            1,
            Severity.MEDIUM,
        )
        assert (
            late.citation == "SoL (2025:400) 16 kap. 1–4 §§ (motsv. SoL (2001:453) 12 kap. 1–2 §§)"
        )
        assert set(r23(history, "2026-01-01")) == {"general"}

    def test_tc18b_research_sample_is_not_applicable(self) -> None:
        """(b) Born on the 15th: kept for research (SoF 7:2); no due date; none before 2024."""
        history = tc18("2008-04-15")
        assert r23(history, "2024-03-09") == {}
        for on in ("2024-03-10", "2026-01-01", "2030-01-01"):
            (row,) = r23(history, on).values()
            assert (row.part, row.status, row.trigger_on) == (
                "general",
                Status.NOT_APPLICABLE,
                day("2024-03-10"),
            )
            assert due_fields(row) == (None, None, None, None)
            assert row.citation == "SoF (2001:937) 7 kap. 2 §"

    def test_tc18c_placement_records_are_not_applicable_and_general_still_due(self) -> None:
        """(c) Placed in 2016: the placement row is not_applicable; the rest is overdue as (a)."""
        history = tc18("2008-04-12", placement=True)
        before = r23(history, "2016-04-01")
        assert before == {}
        kept = r23(history, "2016-05-02")["placement"]
        assert (kept.trigger_event_id, kept.trigger_on, kept.status) == (
            FILE,
            day("2016-02-01"),
            Status.NOT_APPLICABLE,
        )
        assert due_fields(kept) == (None, None, None, None)
        rows = r23(history, "2026-01-01")
        assert rows["placement"] == r23(history, "2030-01-01")["placement"]
        assert rows["placement"].citation == "SoL (2001:453) 12 kap. 1–2 §§"
        assert (rows["general"].status, rows["general"].days_overdue) == (Status.OVERDUE, 1)


class TestGeneralPurge:
    """R23 `general`: met by the first purge of the general class; the clock is the log's."""

    def test_purged_in_time_is_met(self) -> None:
        """Purged 2024-11-05: pending the day before, met from then on; the purge is no entry."""
        history = tc18("2008-04-12").record(purged("g1", "2024-11-05"))
        assert r23(history, "2024-11-04")["general"].status is Status.PENDING
        for on in ("2024-11-05", "2027-01-01"):
            row = r23(history, on)["general"]
            assert (row.status, row.satisfied_by_event_id, row.satisfied_on, row.trigger_on) == (
                Status.MET,
                "g1",
                day("2024-11-05"),
                day("2024-03-10"),
            )

    def test_purged_after_the_year_is_met_late(self) -> None:
        """Purged 2026-02-01: overdue in January, met late by 32 days."""
        history = tc18("2008-04-12").record(purged("g1", "2026-02-01"))
        assert r23(history, "2026-01-31")["general"].status is Status.OVERDUE
        row = r23(history, "2026-03-01")["general"]
        assert (row.status, row.days_late) == (Status.MET_LATE, 32)

    def test_only_a_general_purge_meets_it(self) -> None:
        """A purge of the investigation class leaves the general duty overdue."""
        history = tc18("2008-04-12").record(
            purged("g1", "2024-11-05", RetentionClass.INVESTIGATION)
        )
        assert r23(history, "2026-01-01")["general"].status is Status.OVERDUE

    def test_no_row_without_a_case_file_opened(self) -> None:
        """The trigger is the CaseFileOpened: a stream without one has no R23 row."""
        history = History().record(report("r1", "2016-02-01"), placed("p1", "2016-05-02"))
        assert r23(history, "2030-01-01") == {}

    def test_the_last_entry_is_the_last_registration_not_the_last_fact(self) -> None:
        """A 2018 report registered 2019-10-02 restarts the clock: duty arises 2024-10-02."""
        history = (
            History()
            .record(case_file("2008-04-12"), report("r1", "2016-02-01"))
            .record(report("r2", "2018-05-02"), at=day("2019-10-02"))
        )
        assert r23(history, "2024-10-01") == {}
        assert r23(history, "2024-10-02")["general"].trigger_on == day("2024-10-02")

    def test_a_case_file_opened_later_does_not_count(self) -> None:
        """Opening the file is no entry: registered 2019-06-01 after the report, still 2024-03-10."""
        history = (
            History()
            .record(report("r1", "2019-03-10"))
            .record(case_file("2008-04-12", on="2019-03-10"), at=day("2019-06-01"))
        )
        assert r23(history, "2024-03-10")["general"].trigger_on == day("2024-03-10")

    def test_the_last_entry_is_of_the_view(self) -> None:
        """A double registration of 2019-05-02 counts while it stands; retracted, it does not."""
        history = (
            tc18("2008-04-12")
            .record(report("r3", "2019-03-10"), at=day("2019-05-02"))
            .record(retracted("x1", "2019-05-03", "r3"))
        )
        then = r23(history, "2024-06-01", known_at="2019-05-02")["general"]
        now = r23(history, "2024-06-01")["general"]
        assert (then.trigger_on, now.trigger_on) == (day("2024-05-02"), day("2024-03-10"))

    def test_what_the_records_showed_before_the_duty(self) -> None:
        """As known on 2019-03-09 the last entry was 2016-02-01: the duty arose 2021-02-01."""
        history = tc18("2008-04-12")
        row = r23(history, "2021-06-01", known_at="2019-03-09")["general"]
        assert (row.trigger_on, row.due_on) == (day("2021-02-01"), day("2022-12-31"))
        assert r23(history, "2021-06-01") == {}


class TestResearchSample:
    """The research sample: SoL 12:2 3 st. / 16:4, SoF (2001:937) 7 kap. 2 §."""

    def test_a_sample_municipality_keeps_every_file(self) -> None:
        """municipality_in_research_sample: born on the 12th, still not applicable."""
        settings = Settings(municipality_in_research_sample=True)
        row = r23(tc18("2008-04-12"), "2026-01-01", settings=settings)["general"]
        assert (row.status, row.due_on) == (Status.NOT_APPLICABLE, None)

    def test_the_birth_days_are_a_setting(self) -> None:
        """research_birth_days = {12}: the child born on the 12th is in the sample."""
        settings = Settings(research_birth_days=frozenset({12}))
        assert r23(tc18("2008-04-12"), "2026-01-01", settings=settings)["general"].status is (
            Status.NOT_APPLICABLE
        )
        assert r23(tc18("2008-04-15"), "2026-01-01", settings=settings)["general"].status is (
            Status.OVERDUE
        )

    def test_a_corrected_birth_date_decides(self) -> None:
        """Born_on corrected from the 12th to the 15th in 2020: in the sample from then on."""
        history = tc18("2008-04-12").record(
            EventCorrected(
                event_id="x1",
                occurred_on=day("2020-01-10"),
                actor="sw-1",
                child_id=CHILD,
                target_event_id=FILE,
                replacement=case_file("2008-04-15").model_dump(exclude={"event_id"}),
            )
        )
        then = r23(history, "2026-01-01", known_at="2019-12-31")["general"]
        now = r23(history, "2026-01-01")["general"]
        assert (then.status, now.status) == (Status.OVERDUE, Status.NOT_APPLICABLE)
        assert (then.trigger_on, now.trigger_on) == (day("2024-03-10"), day("2024-03-10"))


class TestKeptUntilThirty:
    """SFS 2025:1501: an investigated file is kept to age 30 when its purge falls due from 2026."""

    @staticmethod
    def investigated(born: str, last: str) -> History:
        """Opened 2016 with an investigation; the last entry on `last`."""
        return (
            History()
            .record(case_file(born), report("r1", "2016-02-01"), opened("o1", "2016-02-10", "r1"))
            .record(report("r2", last))
        )

    def test_kept_until_thirty(self) -> None:
        """Last entry 2021-03-10 (due 2027 ≥ 2026): born 2005-06-12, duty arises 2035-06-12."""
        history = self.investigated("2005-06-12", "2021-03-10")
        assert r23(history, "2035-06-11") == {}
        row = r23(history, "2035-06-12")["general"]
        assert (row.trigger_on, row.due_on, row.status) == (
            day("2035-06-12"),
            day("2036-12-31"),
            Status.PENDING,
        )

    def test_five_years_when_already_thirty(self) -> None:
        """Born 1990: thirty in 2020, so the five years decide (2026-03-10)."""
        history = self.investigated("1990-06-12", "2021-03-10")
        assert r23(history, "2026-03-10")["general"].trigger_on == day("2026-03-10")

    def test_not_for_a_purge_due_before_the_act(self) -> None:
        """Last entry 2019-03-10: due 2025-12-31, before 2026-01-01 — TC18(a) unchanged."""
        history = self.investigated("2005-06-12", "2019-03-10")
        row = r23(history, "2026-01-01")["general"]
        assert (row.trigger_on, row.status) == (day("2024-03-10"), Status.OVERDUE)

    def test_not_without_an_investigation(self) -> None:
        """The same child never investigated: the duty arises 2026-03-10."""
        history = tc18("2005-06-12").record(report("r3", "2021-03-10"))
        assert r23(history, "2026-03-10")["general"].trigger_on == day("2026-03-10")

    def test_the_in_force_date_is_a_setting(self) -> None:
        """With SFS 2025:1501 in force from 2025-01-01, the 2019 file is kept too."""
        settings = Settings(sfs_2025_1501_in_force_on=date(2025, 1, 1))
        history = self.investigated("2005-06-12", "2019-03-10")
        assert r23(history, "2026-01-01", settings=settings) == {}
        row = r23(history, "2035-06-12", settings=settings)["general"]
        assert row.trigger_on == day("2035-06-12")


class TestPlacementRecords:
    """R23 `placement`: kept for ever; a purge of them is a breach."""

    def test_a_placement_purge_is_breached(self) -> None:
        """RecordsPurged(placement) on 2025-02-03: breached from that day, no days counted."""
        history = tc18("2008-04-12", placement=True).record(
            purged("g1", "2025-02-03", RetentionClass.PLACEMENT)
        )
        assert r23(history, "2025-02-02")["placement"].status is Status.NOT_APPLICABLE
        row = r23(history, "2025-02-03")["placement"]
        assert (row.status, row.days_overdue, row.due_on, row.severity) == (
            Status.BREACHED,
            None,
            None,
            Severity.MEDIUM,
        )
        assert row.law_decisive == "SoL (2001:453) 12 kap. 1–2 §§"

    def test_one_row_whatever_the_placements(self) -> None:
        """Two placements: still one placement row, keyed by the case file."""
        history = tc18("2008-04-12", placement=True).record(placed("p2", "2017-01-09"))
        rows = history.obligations(on=day("2020-01-01"), rule="R23")
        assert [(o.part, o.trigger_event_id) for o in rows] == [("placement", FILE)]
