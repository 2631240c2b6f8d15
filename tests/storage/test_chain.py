"""The hash chain (issue 11): every kind of tampering, done with raw SQL, is found and placed.

On an SQLite file and on PostgreSQL a small log is written through `CaseLog`, verified,
then changed behind caselog's back as an attacker with SQL access would — first
switching off the append-only triggers, which the database otherwise enforces — and
verified again: the first bad position and the kind of change are named. A checkpoint
catches what the chain alone cannot: rows removed from the end.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

import psycopg
import pytest
from psycopg import sql

from caselog.api import ManualClock, open_log
from caselog.api.integrity import checkpoint, read_checkpoint, verify, write_checkpoint
from caselog.errors import NeedsUpgradeError
from caselog.events import ViolenceExposure
from tests.rules.builders import assessed, report

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from caselog.storage.chain import Verified

EVENTS: Final = 9
"""Three ingests of three events, each at its own `recorded_at`."""


class Raw:
    """Raw SQL on the log's database, with the append-only triggers switched off."""

    def __init__(self, url: str) -> None:
        """Connect to the database behind `url` (an SQLite file or a PostgreSQL schema)."""
        self.sqlite = url.startswith("sqlite:")
        if self.sqlite:
            self.conn: Any = sqlite3.connect(url.removeprefix("sqlite:///"))
            self.conn.execute("DROP TRIGGER caselog_events_no_update")
            self.conn.execute("DROP TRIGGER caselog_events_no_delete")
            self.position = "rowid"
        else:
            base, _, schema = url.partition("?schema=")
            self.conn = psycopg.connect(base, autocommit=True)
            self.conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
            self.conn.execute("ALTER TABLE caselog_events DISABLE TRIGGER USER")
            self.position = "notification_id"

    def run(self, statement: str, *params: Any) -> None:  # noqa: ANN401 - SQL values
        """Run one statement; `?` marks parameters on both databases."""
        text = statement.replace("{pos}", self.position)
        if not self.sqlite:
            text = text.replace("?", "%s")
        self.conn.execute(text, params)
        if self.sqlite:
            self.conn.commit()

    def close(self) -> None:
        """Disconnect."""
        self.conn.close()


@pytest.fixture(params=["sqlite-file", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A log of `EVENTS` events, verified clean, on each database in turn."""
    found = (
        f"sqlite:///{tmp_path / 'log.db'}"
        if request.param == "sqlite-file"
        else str(request.getfixturevalue("postgres_url"))
    )
    clock = ManualClock(datetime(2024, 1, 2, 8, tzinfo=UTC))
    with open_log(found, actor="sw-1", clock=clock) as log:
        log.upkeep = False
        for n in range(3):
            day = date(2024, 1, 2) + timedelta(days=n)
            log.ingest(
                [
                    report(f"r{n}", str(day), violence=ViolenceExposure.WITNESSED),
                    assessed(f"a{n}", str(day), f"r{n}"),
                    report(f"q{n}", str(day)),
                ]
            )
            clock.set(clock() + timedelta(days=1))
        assert verify(log.store).ok
        assert log.store.count() == EVENTS
    return found


def verified(url: str, **kwargs: Any) -> Verified:  # noqa: ANN401 - verify's options
    """`verify` on a freshly opened log."""
    with open_log(url, actor="inspector") as log:
        return verify(log.store, **kwargs)


def tampered(url: str, change: Callable[[Raw], None]) -> Verified:
    """Apply `change` with raw SQL, then verify."""
    raw = Raw(url)
    try:
        change(raw)
    finally:
        raw.close()
    return verified(url)


def test_a_clean_log_verifies_to_its_head(url: str) -> None:
    """Every row links; the head is the last row's hash."""
    found = verified(url)
    assert (found.ok, found.events, found.position) == (True, EVENTS, EVENTS)


def test_the_database_refuses_update_and_delete(url: str) -> None:
    """The triggers: UPDATE and DELETE on the event table fail, even for the table's owner."""
    if url.startswith("sqlite:"):
        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        for statement in ("UPDATE caselog_events SET actor = 'x'", "DELETE FROM caselog_events"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                conn.execute(statement.replace("actor", "ingested_by"))
        conn.close()
    else:
        base, _, schema = url.partition("?schema=")
        with psycopg.connect(base, autocommit=True) as server:
            server.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
            for statement in (
                "UPDATE caselog_events SET ingested_by = 'x'",
                "DELETE FROM caselog_events",
                "TRUNCATE caselog_events",
            ):
                with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
                    server.execute(statement)
    assert verified(url).ok


@pytest.mark.parametrize(
    ("kind", "position", "change"),
    [
        (
            "edited",
            4,
            lambda r: r.run(
                "UPDATE caselog_events SET state = ? WHERE {pos} = 4",
                b'{"violence_exposure":"none"}',
            ),
        ),
        (
            "recorded_at",
            7,
            lambda r: r.run(
                "UPDATE caselog_events SET recorded_at = ? WHERE {pos} = 7",
                "2024-01-01T09:00:00.000000+00:00",
            ),
        ),
        ("deleted", 5, lambda r: r.run("DELETE FROM caselog_events WHERE {pos} = 5")),
        (
            "swapped",
            2,
            lambda r: (
                r.run("UPDATE caselog_events SET {pos} = 100 WHERE {pos} = 2"),
                r.run("UPDATE caselog_events SET {pos} = 2 WHERE {pos} = 3"),
                r.run("UPDATE caselog_events SET {pos} = 3 WHERE {pos} = 100"),
            ),
        ),
    ],
)
def test_tampering_is_found_and_placed(
    url: str, kind: str, position: int, change: Callable[[Raw], None]
) -> None:
    """Each kind of change: the first bad position and what was done there."""
    found = tampered(url, change)
    assert found.problem is not None
    assert (found.problem.kind, found.problem.position) == (kind, position), found.problem
    assert found.position == position - 1


def test_a_forged_row_at_the_end_is_found(url: str) -> None:
    """A backdated row appended by hand: found at its position.

    At the end of the log nothing follows to tell a forged row from an edited one, so
    either name is right; what matters is that it is found where it is.
    """

    def forge(raw: Raw) -> None:
        raw.run(
            "INSERT INTO caselog_events (originator_id, originator_version, topic, state, "
            "event_id, recorded_at, ingested_by, hash, prev_position, {pos}) "
            "VALUES ('child:c9', 1, 't', ?, 'forged', ?, 'sw-1', ?, 9, 10)",
            b"{}",
            "2024-01-02T09:00:00.000000+00:00",
            bytes(32),
        )

    found = tampered(url, forge)
    assert found.problem is not None
    assert found.problem.position == EVENTS + 1
    assert found.problem.kind in {"inserted", "edited", "recorded_at"}


def test_a_checkpoint_catches_a_truncated_tail(url: str, tmp_path: Path) -> None:
    """Removing the newest events leaves a valid chain: only the checkpoint shows it."""
    with open_log(url, actor="inspector") as log:
        point = checkpoint(log.store, datetime(2024, 2, 1, tzinfo=UTC))
    write_checkpoint(point, tmp_path / "checkpoint.json")
    kept = read_checkpoint(tmp_path / "checkpoint.json")
    assert kept == point
    assert verified(url, against=kept).ok
    chain_only = tampered(url, lambda r: r.run("DELETE FROM caselog_events WHERE {pos} > 7"))
    assert chain_only.ok  # the chain alone cannot tell
    found = verified(url, against=kept)
    assert found.problem is not None
    assert (found.problem.kind, found.problem.position) == ("truncated", 7)


def test_a_log_made_before_the_chain_is_upgraded_in_place(url: str) -> None:
    """An older caselog's log (no chain columns, no id) takes writes only once upgraded.

    `upgrade` links what is there; the events read back unchanged, and the log verifies.
    Such a log had no access log either: reading it is refused until the upgrade makes
    one, since every read must be recorded (loggkontroll).
    """
    with open_log(url, actor="inspector") as log:
        before = [(r.position, r.recorded_at, r.event) for r in log.events()]
    raw = Raw(url)
    try:
        raw.run("ALTER TABLE caselog_events DROP COLUMN hash")
        raw.run("ALTER TABLE caselog_events DROP COLUMN prev_position")
        raw.run("DROP TABLE caselog_meta")
        raw.run("DROP TABLE caselog_access")
    finally:
        raw.close()
    with open_log(url, actor="sw-1") as log:
        assert log.store.log_id is None
        with pytest.raises(NeedsUpgradeError, match="run `caselog upgrade`"):
            log.ingest([report("late", "2024-01-05")])
        with pytest.raises(NeedsUpgradeError, match="before the access log"):
            log.events()
        position, head = log.store.upgrade()
        assert position == EVENTS
        found = verify(log.store)
        assert (found.ok, found.position, found.head) == (True, EVENTS, head)
        assert [(r.position, r.recorded_at, r.event) for r in log.events()] == before
        assert log.ingest([report("late", "2024-01-05")]).written == 1
        assert verify(log.store).ok
