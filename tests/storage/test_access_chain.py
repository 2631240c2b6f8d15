"""The access log's table and chain (issue 13): append-only, and tampering is found and placed.

On an SQLite file and on PostgreSQL, a log is read a few times through `CaseLog`; the
database refuses to change or remove a recorded read; with the triggers switched off, as
an attacker with SQL access would, each kind of change — an edited row, a deleted row, a
forged row — is found by `verify` at its position, apart from the event chain, which
still holds.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

import psycopg
import pytest
from psycopg import sql

from caselog.api import ManualClock, open_log
from caselog.api.integrity import verify
from caselog.errors import NeedsUpgradeError
from tests.rules.builders import CHILD, report

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from caselog.storage.chain import Verified

READS: Final = 6


class Raw:
    """Raw SQL on the log's database."""

    def __init__(self, url: str) -> None:
        """Connect to the database behind `url` (an SQLite file or a PostgreSQL schema)."""
        self.sqlite = url.startswith("sqlite:")
        if self.sqlite:
            self.conn: Any = sqlite3.connect(url.removeprefix("sqlite:///"))
        else:
            base, _, schema = url.partition("?schema=")
            self.conn = psycopg.connect(base, autocommit=True)
            self.conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))

    def untriggered(self) -> Raw:
        """Switch off the access table's append-only triggers (as the table's owner can)."""
        if self.sqlite:
            self.conn.execute("DROP TRIGGER caselog_access_no_update")
            self.conn.execute("DROP TRIGGER caselog_access_no_delete")
        else:
            self.conn.execute("ALTER TABLE caselog_access DISABLE TRIGGER USER")
        return self

    def run(self, statement: str, *params: Any) -> None:  # noqa: ANN401 - SQL values
        """Run one statement; `?` marks parameters on both databases."""
        text = statement if self.sqlite else statement.replace("?", "%s")
        self.conn.execute(text, params)
        if self.sqlite:
            self.conn.commit()

    def close(self) -> None:
        """Disconnect."""
        self.conn.close()


@pytest.fixture(params=["sqlite-file", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A log of one case, read `READS` times, a minute apart, verified clean."""
    found = (
        f"sqlite:///{tmp_path / 'log.db'}"
        if request.param == "sqlite-file"
        else str(request.getfixturevalue("postgres_url"))
    )
    clock = ManualClock(datetime(2024, 1, 2, 8, tzinfo=UTC))
    with open_log(found, actor="sw-1", clock=clock, purpose="utredning") as log:
        log.ingest([report("r1", "2024-01-02")])
        for _ in range(READS // 2):
            clock.set(clock() + timedelta(minutes=1))
            log.case(CHILD, on=date(2024, 1, 5))
            clock.set(clock() + timedelta(minutes=1))
            log.timeline(CHILD)
    clean(found)
    return found


def clean(url: str) -> Verified:
    """The access chain's verdict on an untouched log: every read verifies."""
    with open_log(url, actor="ivo-3") as log:
        found = verify(log.store).access
    assert found is not None
    assert (found.ok, found.events, found.position) == (True, READS, READS)
    return found


def verified(url: str) -> Verified:
    """`verify` on a freshly opened log."""
    with open_log(url, actor="ivo-3") as log:
        return verify(log.store)


def tampered(url: str, change: Callable[[Raw], None]) -> Verified:
    """Apply `change` with raw SQL, the triggers off, then verify; the events still hold."""
    raw = Raw(url).untriggered()
    try:
        change(raw)
    finally:
        raw.close()
    found = verified(url)
    assert found.problem is None  # the event chain is untouched
    assert not found.ok
    assert found.access is not None
    return found.access


def test_the_database_refuses_to_change_or_remove_a_read(url: str) -> None:
    """UPDATE and DELETE (and TRUNCATE on PostgreSQL) fail, even for the table's owner."""
    raw = Raw(url)
    statements = [
        "UPDATE caselog_access SET purpose = 'x'",
        "DELETE FROM caselog_access",
        "DELETE FROM caselog_access WHERE position = 6",
    ]
    try:
        if raw.sqlite:
            for statement in statements:
                with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                    raw.run(statement)
        else:
            for statement in [*statements, "TRUNCATE caselog_access"]:
                with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
                    raw.run(statement)
    finally:
        raw.close()
    assert verified(url).ok


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("detail", '{"known_at":null}'),
        ("actor", "someone-else"),
        ("purpose", None),
        ("case_id", "c2"),
        ("what", "cases"),
    ],
)
def test_an_edited_read_is_found_at_its_position(url: str, column: str, value: str | None) -> None:
    """Any stored column of a read changed: `edited` at that read's position."""
    found = tampered(
        url,
        lambda r: r.run(f"UPDATE caselog_access SET {column} = ? WHERE position = 3", value),  # noqa: S608
    )
    assert found.problem is not None
    assert (found.problem.position, found.problem.kind) == (3, "edited")
    assert (found.position, found.events) == (2, 2)


def test_a_moved_access_time_is_found(url: str) -> None:
    """`accessed_at` set back before the read before it: named as out of order."""
    found = tampered(
        url,
        lambda r: r.run(
            "UPDATE caselog_access SET accessed_at = ? WHERE position = 4",
            "2024-01-01T00:00:00.000000+00:00" if r.sqlite else datetime(2024, 1, 1, tzinfo=UTC),
        ),
    )
    assert found.problem is not None
    assert (found.problem.position, found.problem.kind) == (4, "recorded_at")


def test_a_deleted_read_is_found(url: str) -> None:
    """A read removed: the next one links to a position that is gone."""
    found = tampered(url, lambda r: r.run("DELETE FROM caselog_access WHERE position = 4"))
    assert found.problem is not None
    assert (found.problem.position, found.problem.kind) == (4, "deleted")
    assert found.position == 3


def test_a_forged_read_is_found_at_its_position(url: str) -> None:
    """A row inserted by hand (the next position), with a made-up hash, after the last read."""
    found = tampered(
        url,
        lambda r: r.run(
            "INSERT INTO caselog_access (access_id, accessed_at, actor, purpose, "
            "what, case_id, detail, hash, prev_position) "
            "VALUES ('forged', ?, 'sw-1', NULL, 'case', 'c1', '{}', ?, 6)",
            "2024-01-03T00:00:00.000000+00:00" if r.sqlite else datetime(2024, 1, 3, tzinfo=UTC),
            b"\x00" * 32,
        ),
    )
    assert found.problem is not None
    assert (found.problem.position, found.problem.kind) == (7, "edited")
    assert "forged" in found.problem.detail
    assert (found.position, found.events) == (6, 6)


def test_a_read_after_a_forged_one_still_shows_the_forgery(url: str) -> None:
    """A read recorded after the forgery chains onto it; the forged row is still named."""
    tampered(
        url,
        lambda r: r.run(
            "INSERT INTO caselog_access (access_id, accessed_at, actor, purpose, "
            "what, case_id, detail, hash, prev_position) "
            "VALUES ('forged', ?, 'sw-1', NULL, 'case', 'c1', '{}', ?, 6)",
            "2024-01-03T00:00:00.000000+00:00" if r.sqlite else datetime(2024, 1, 3, tzinfo=UTC),
            b"\x00" * 32,
        ),
    )
    with open_log(url, actor="sw-2") as log:
        log.timeline(CHILD)
        found = verify(log.store).access
    assert found is not None
    assert found.problem is not None
    assert found.problem.position == 7


def test_a_log_made_before_the_access_log_gets_one_by_upgrade(url: str) -> None:
    """Without its table a chained log is not read; `upgrade` makes it, and reads resume."""
    raw = Raw(url)
    try:
        raw.run("DROP TABLE caselog_access")
    finally:
        raw.close()
    with open_log(url, actor="sw-1") as log:
        with pytest.raises(NeedsUpgradeError, match="before the access log"):
            log.case(CHILD, on=date(2024, 1, 5))
        found = verify(log.store)
        assert (found.ok, found.access) == (True, None)
        log.store.upgrade()
        log.case(CHILD, on=date(2024, 1, 5))
        found = verify(log.store)
        assert found.access is not None
        assert (found.ok, found.access.events) == (True, 1)
