"""Purging (gallring) by destroying keys, under R23 (issue 13; RULES.md §7, TC18).

Hand-made case files for each refusal and outcome; the demo municipality for the whole:
what R23 says is due goes, R23 then reads met (late), the kept classes stay, every other
answer is unchanged, the chain verifies and no purged personal value is left in any file.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

import pytest

from caselog.api import CaseLog, ManualClock
from caselog.api.integrity import verify
from caselog.errors import PurgeRefusedError
from caselog.events import (
    CaseFileOpened,
    Event,
    InvestigationExtended,
    RetentionClass,
    event_adapter,
)
from caselog.events.examples import example
from caselog.rules.model import Status
from caselog.rules.settings import Settings
from caselog.storage import open_store

LAST_ENTRY = datetime(2019, 3, 10, 9, 0, tzinfo=UTC)
PURGE_DAY = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


def value(event: object, name: str) -> object:
    """A field of an event of any type (the tests know which type they hold)."""
    return vars(event)[name]


PERSONAL_TEXT = "Mamma och Kim bor hos mormor i Hemlingby"


def ev(tag: str, **changes: object) -> Event:
    """The example event of `tag` about child c1, with some fields changed."""
    return event_adapter.validate_python({**example(tag), "child_id": "c1", **changes})


def case_file(born_on: date, *, placed: bool = False) -> list[Event]:
    """TC18: a case file whose last entry is 2019-03-10; (c) with a placement in 2016."""
    events = [
        CaseFileOpened(
            event_id="o1",
            occurred_on=date(2016, 1, 4),
            actor="sw-1",
            child_id="c1",
            born_on=born_on,
            name="Kim Hemligsson",
        ),
        ev("report_received", event_id="r1", occurred_on="2019-03-01"),
        ev(
            "investigation_not_opened",
            event_id="n1",
            occurred_on="2019-03-05",
            report_event_ids=["r1"],
            reasons=PERSONAL_TEXT,
        ),
    ]
    if placed:
        events += [
            ev("care_decided", event_id="cd", occurred_on="2016-02-01", care_decision_id="cd-1"),
            ev(
                "placement_started",
                event_id="p1",
                occurred_on="2016-02-02",
                placement_id="pl-1",
                care_decision_id="cd-1",
            ),
            ev(
                "social_worker_assigned",
                event_id="s1",
                occurred_on="2016-02-02",
                social_worker="Berit Socialsekreterare",
            ),
        ]
    return events


def recorded(
    tmp_path: Path, events: list[Event], *, keys: bool = True
) -> tuple[CaseLog, ManualClock]:
    """`events` recorded on the last-entry day; the clock then moved to 2026-01-01."""
    clock = ManualClock(LAST_ENTRY)
    store = open_store(f"sqlite:///{tmp_path / 'log.db'}", keys=None if keys else False)
    log = CaseLog(store, actor="archivist", clock=clock)
    for event in events:
        log.record(event)
    clock.set(PURGE_DAY)
    return log, clock


def r23(log: CaseLog, part: str = "general") -> Status:
    """R23's status on the purge day for child c1."""
    (row,) = [o for o in log.obligations(on=PURGE_DAY.date(), rule="R23") if o.part == part]
    return row.status


@pytest.mark.filterwarnings("ignore::caselog.api.read_model.ReferenceNotice")
def test_tc18a_a_due_purge_destroys_the_keys_and_r23_reads_met_late(tmp_path: Path) -> None:
    """TC18(a): due since 2024-03-10, to be finished by 2025-12-31; purged on 2026-01-01."""
    log, _ = recorded(tmp_path, case_file(date(2010, 6, 12)))
    assert r23(log) is Status.OVERDUE
    (plan_general, plan_inv) = log.purge(dry_run=True)
    assert (plan_general.duty_from, plan_general.finish_by) == (
        date(2024, 3, 10),
        date(2025, 12, 31),
    )
    assert plan_general.keys == ("child:c1/general/1",)
    assert plan_inv.keys == ("child:c1/investigation/1",)
    assert log.store.count() == 3  # a dry run changes nothing
    done = log.purge()
    assert [d.retention_class for d in done] == [
        RetentionClass.GENERAL,
        RetentionClass.INVESTIGATION,
    ]
    assert all(d.purged_by for d in done)
    assert r23(log) is Status.MET_LATE
    back = {r.event.event_id: r for r in log.events()}
    assert back["o1"].erased == {"name"}
    assert value(back["o1"].event, "name") is None
    assert back["n1"].erased == {"reasons"}
    assert back["n1"].event.has("reasons")
    assert verify(log.store).ok
    assert log.purge() == []  # nothing is due any more
    log.close()
    for path in tmp_path.iterdir():
        data = path.read_bytes()
        assert PERSONAL_TEXT.encode() not in data, path
        assert b"Hemligsson" not in data, path


@pytest.mark.filterwarnings("ignore::caselog.api.read_model.ReferenceNotice")
def test_tc18b_the_research_sample_is_kept(tmp_path: Path) -> None:
    """TC18(b): born on the 15th, in the person sample (SoF 7 kap. 2 §): nothing is due."""
    log, _ = recorded(tmp_path, case_file(date(2010, 6, 15)))
    assert r23(log) is Status.NOT_APPLICABLE
    assert log.purge(dry_run=True) == []
    with pytest.raises(PurgeRefusedError) as caught:
        log.purge(case_id="c1")
    assert str(caught.value) == (
        "the records of 'c1' are kept as the research sample (SoF (2001:937) 7 kap. 2 §; "
        "R23 general)"
    )
    assert (
        value(next(r for r in log.events() if r.event.event_id == "n1").event, "reasons")
        == PERSONAL_TEXT
    )


@pytest.mark.filterwarnings("ignore::caselog.api.read_model.ReferenceNotice")
def test_tc18c_placement_records_are_refused_while_others_go(tmp_path: Path) -> None:
    """TC18(c): the placement class is refused with its rule; general and investigation go."""
    log, _ = recorded(tmp_path, case_file(date(2010, 6, 12), placed=True))
    with pytest.raises(PurgeRefusedError) as caught:
        log.purge(case_id="c1", retention_class="placement")
    assert str(caught.value) == (
        "the placement records of 'c1' are never purged (SoL (2001:453) 12 kap. 2 § 3; "
        "SoL (2025:400) 16 kap. 2 §; R23 placement)"
    )
    log.purge()
    back = {r.event.event_id: r for r in log.events()}
    assert value(back["s1"].event, "social_worker") == "Berit Socialsekreterare"  # placement: kept
    assert back["n1"].erased == {"reasons"}
    assert r23(log, "placement") is Status.NOT_APPLICABLE


@pytest.mark.filterwarnings("ignore::caselog.api.read_model.ReferenceNotice")
def test_a_purge_before_the_duty_arises_is_refused(tmp_path: Path) -> None:
    """Purging early is as unlawful as purging late: refused, the rule named."""
    log, clock = recorded(tmp_path, case_file(date(2010, 6, 12)))
    clock.set(datetime(2023, 1, 1, 9, 0, tzinfo=UTC))
    with pytest.raises(PurgeRefusedError) as caught:
        log.purge(case_id="c1")
    assert str(caught.value) == (
        "the general records of 'c1' are not due for purging on 2023-01-01 "
        "(R23: five years after the last entry, SoL (2025:400) 16 kap. 1 §)"
    )
    with pytest.raises(ValueError, match="`on` is only for a dry run"):
        log.purge(on=date(2030, 1, 1))
    assert [i.case_id for i in log.purge(dry_run=True, on=date(2030, 1, 1))] == ["c1", "c1"]


@pytest.mark.filterwarnings("ignore::caselog.api.read_model.ReferenceNotice")
def test_records_stored_in_clear_cannot_be_shredded(tmp_path: Path) -> None:
    """Written before encryption was configured: listed as such, and never claimed purged."""
    log, _ = recorded(tmp_path, case_file(date(2010, 6, 12)), keys=False)
    log.close()
    log = CaseLog(
        open_store(f"sqlite:///{tmp_path / 'log.db'}"), actor="a", clock=ManualClock(PURGE_DAY)
    )
    items = log.purge(dry_run=True)  # the name (general), the reasons (investigation)
    assert [i.retention_class.value for i in items] == ["general", "investigation"]
    for item in items:
        assert item.refused == (
            "1 event(s) stored in clear; cannot be shredded (recorded before encryption was "
            "configured)"
        )
    assert log.purge() == items
    assert r23(log) is Status.OVERDUE  # no RecordsPurged was recorded
    with pytest.raises(PurgeRefusedError, match="stored in clear; cannot be shredded"):
        log.purge(case_id="c1")


@pytest.mark.filterwarnings("ignore::caselog.api.read_model.ReferenceNotice")
def test_later_events_start_a_new_key_and_r05_judges_the_same(tmp_path: Path) -> None:
    """D5: a report after the purge is sealed under a new key; presence survives erasure."""
    extension = InvestigationExtended(
        event_id="x1",
        occurred_on=date(2019, 3, 9),
        actor="sw-1",
        child_id="c1",
        investigation_id="inv-1",
        new_due_on=date(2019, 9, 1),
        reasons="Hemlig förlängning",
        decided_by="committee",
    )
    opened = ev(
        "investigation_opened",
        event_id="i1",
        occurred_on="2019-03-02",
        investigation_id="inv-1",
        report_event_ids=["r1"],
    )
    settings = Settings(strict_extensions=True)
    log, _ = recorded(tmp_path, [*case_file(date(2010, 6, 12)), opened, extension])
    log.settings = settings

    def r05() -> list[tuple[str, tuple[str, ...]]]:
        rows = log.obligations(on=PURGE_DAY.date(), rule="R05", reference=True)
        return [(o.status.value, tuple(f.value for f in o.flags)) for o in rows]

    before = r05()
    log.purge()
    assert r05() == before
    later = log.record(
        ev(
            "investigation_not_opened",
            event_id="n2",
            occurred_on="2026-01-01",
            report_event_ids=["r1"],
            reasons="Ny anmälan, ny hemlighet",
        )
    )
    assert value(later.event, "reasons") == "Ny anmälan, ny hemlighet"
    assert log.store.keys.for_writing() is not None
    ring = log.store.keys.for_writing()
    assert ring is not None
    assert ring.alive("child:c1", "investigation") == ["child:c1/investigation/2"]


def test_the_cli_lists_and_refuses(tmp_path: Path) -> None:
    """`caselog purge --dry-run` and a refused class, through the command line."""
    from typer.testing import CliRunner  # noqa: PLC0415

    from caselog.cli import app  # noqa: PLC0415

    log, _ = recorded(tmp_path, case_file(date(2010, 6, 12), placed=True))
    log.close()
    url = f"sqlite:///{tmp_path / 'log.db'}"
    runner = CliRunner()
    planned = runner.invoke(
        app, ["purge", "--dry-run", "--on", "2026-01-01", "--db", url, "--format", "json"]
    )
    assert planned.exit_code == 0, planned.output
    assert '"retention_class": "general"' in planned.stdout
    refused = runner.invoke(app, ["purge", "--case", "c1", "--class", "placement", "--db", url])
    assert refused.exit_code == 1
    assert "the placement records of 'c1' are never purged" in " ".join(refused.stderr.split())
    usage = runner.invoke(app, ["purge", "--on", "2026-01-01", "--db", url])
    assert usage.exit_code == 2
    assert "--on plans ahead: it needs --dry-run" in usage.stderr


def test_compliance_is_the_same_with_and_without_encryption(tmp_path: Path) -> None:
    """The rules never need a personal field: the demo judged alike, sealed or in clear."""
    from caselog.cli.demo import _days  # noqa: PLC0415
    from caselog.demo import DemoConfig, generate  # noqa: PLC0415

    config = DemoConfig(children=40)
    answers = []
    choices: tuple[tuple[str, Literal[False] | None], ...] = (("sealed", None), ("clear", False))
    for name, keys in choices:
        clock = ManualClock(datetime(2000, 1, 1, tzinfo=UTC))
        store = open_store(f"sqlite:///{tmp_path / name}.db", keys=keys)
        with CaseLog(store, actor="demo", clock=clock) as log:
            log.upkeep = False  # answered by the replay below: no read models to keep
            for registered_at, events in _days(generate(config)):
                clock.set(registered_at)
                log.ingest(events)
            rows = log.obligations(on=config.end, reference=True)
            answers.append(sorted(repr(o) for o in rows))
    assert answers[0] == answers[1]
    assert len(answers[0]) > 100


@pytest.mark.filterwarnings("ignore::caselog.api.read_model.ReferenceNotice")
def test_the_demo_purged_as_r23_says(tmp_path: Path) -> None:
    """Done-when of issue 13 on the demo municipality, end to end."""
    from caselog.cli.demo import _days  # noqa: PLC0415
    from caselog.demo import DemoConfig, generate  # noqa: PLC0415
    from caselog.demo.people import identity  # noqa: PLC0415

    config = DemoConfig(children=60)
    clock = ManualClock(datetime(2000, 1, 1, tzinfo=UTC))
    log = CaseLog(open_store(f"sqlite:///{tmp_path / 'demo.db'}"), actor="demo", clock=clock)
    log.upkeep = False
    for registered_at, events in _days(generate(config)):
        clock.set(registered_at)
        log.ingest(events)
    clock.set(datetime(2030, 1, 2, 10, 0, tzinfo=UTC))
    day = date(2030, 1, 2)

    def answers() -> list[str]:
        """Every duty but R23 — and R21's registration of the purges themselves."""
        rows = log.obligations(on=day, reference=True)
        return sorted(
            repr(o)
            for o in rows
            if o.rule_id != "R23" and not (o.trigger_event_id or "").startswith("purge-")
        )

    before = answers()
    plan = log.purge(dry_run=True)
    due = sorted({i.case_id for i in plan if not i.refused})
    assert due, "the demo has files due for gallring"
    ring = log.store.keys.for_writing()
    assert ring is not None
    wrapped = [ring.store.wrapped(log.store.log_id_now(), k)[1] for i in plan for k in i.keys]
    assert wrapped
    born = {
        r.event.child_id: r.event.born_on
        for r in log.events()
        if isinstance(r.event, CaseFileOpened) and r.event.child_id in due
    }
    numbers = [identity(c, born[c])["personal_identity_number"] for c in due]
    done = log.purge()
    assert {i.case_id for i in done if i.purged_by} == set(due)
    statuses = {
        o.case_id: o.status
        for o in log.obligations(on=day, rule="R23", reference=True)
        if o.part == "general"
    }
    assert {statuses[c] for c in due} <= {Status.MET, Status.MET_LATE}
    assert answers() == before  # every other duty judged exactly as before
    placed = next(
        o.case_id
        for o in log.obligations(on=day, rule="R23", reference=True)
        if o.part == "placement"
    )
    with pytest.raises(PurgeRefusedError, match=r"placement records of .* are never purged"):
        log.purge(case_id=placed, retention_class="placement")
    assert verify(log.store).ok
    log.close()
    files = [p.read_bytes() for p in tmp_path.iterdir()]
    for number in numbers:
        assert not any(number.encode() in f or number.replace("-", "").encode() in f for f in files)
    for key in wrapped:
        assert key is not None
        assert not any(key in f for f in files)  # the wrapped keys are gone from the disk files
