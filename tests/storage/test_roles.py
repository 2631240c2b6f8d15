"""PostgreSQL roles (issue 11): each connection can do its work and nothing more.

The owner makes the log and the roles (`caselog init --roles`); users are made in
`caselog_writer` and `caselog_reader` and connect as themselves:

* the writer appends (its appends take turns on an advisory lock, which needs no table
  rights), keeps the read models current, and cannot UPDATE, DELETE or TRUNCATE events;
* the reader reads, verifies and answers from current read models; it cannot write, and
  when the read models are behind the log the replay answers, with a notice saying why;
* both record every read in the access log (loggkontroll), and cannot change a recorded one.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import psycopg
import pytest
from psycopg import sql

from caselog.api import ManualClock, open_log
from caselog.api.integrity import init, verify
from caselog.api.read_model import ReferenceNotice
from caselog.errors import NeedsUpgradeError, StorageError
from caselog.events import ViolenceExposure
from tests.rules.builders import assessed, report

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = pytest.mark.postgres


@pytest.fixture
def users(postgres_url: str) -> Iterator[tuple[str, str, str]]:
    """(owner's URL, writer's URL, reader's URL) of one log, its roles granted."""
    base, _, schema = postgres_url.partition("?")
    clock = ManualClock(datetime(2024, 1, 2, 8, tzinfo=UTC))
    with open_log(postgres_url, actor="owner", clock=clock) as log:
        init(log, roles=True)
    names = {kind: f"{kind}_{uuid.uuid4().hex[:8]}" for kind in ("writer", "reader")}
    with psycopg.connect(base, autocommit=True) as conn:
        for kind, name in names.items():
            conn.execute(
                sql.SQL("CREATE ROLE {} LOGIN IN ROLE {}").format(
                    sql.Identifier(name), sql.Identifier(f"caselog_{kind}")
                )
            )
    user = base.replace("postgres:postgres@", "{}@", 1)
    yield (
        postgres_url,
        f"{user.format(names['writer'])}?{schema}",
        f"{user.format(names['reader'])}?{schema}",
    )
    with psycopg.connect(base, autocommit=True) as conn:
        for name in names.values():
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))


def test_the_writer_appends_and_cannot_change_events(users: tuple[str, str, str]) -> None:
    """Ingest and the read models' upkeep work; UPDATE, DELETE, TRUNCATE are refused."""
    _, writer, _ = users
    with open_log(
        writer, actor="intake", clock=ManualClock(datetime(2024, 1, 3, tzinfo=UTC))
    ) as log:
        written = log.ingest(
            [report("r1", "2024-01-02", violence=ViolenceExposure.WITNESSED),
             assessed("a1", "2024-01-03", "r1")]
        )  # fmt: skip
        assert written.written == 2
        assert log.read_models.tables.stamp()["position"] == str(log.store.last_position())
        assert verify(log.store).ok
    base, _, schema = writer.partition("?schema=")
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
        for statement in (
            "UPDATE caselog_events SET ingested_by = 'x'",
            "DELETE FROM caselog_events",
            "TRUNCATE caselog_events",
            "ALTER TABLE caselog_events DISABLE TRIGGER USER",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)


def test_the_reader_reads_and_cannot_write(users: tuple[str, str, str]) -> None:
    """Answers from current read models; a write is a typed error; behind, a notice."""
    owner, writer, reader = users
    clock = ManualClock(datetime(2024, 1, 3, tzinfo=UTC))
    with open_log(writer, actor="intake", clock=clock) as log:
        log.ingest([report("r1", "2024-01-02", violence=ViolenceExposure.WITNESSED)])
    with open_log(reader, actor="inspector", clock=clock) as log:
        found = log.obligations(on=date(2024, 2, 1))  # current: no notice (an error here)
        assert {o.rule_id for o in found} >= {"R01", "R03"}
        assert verify(log.store).ok
        with pytest.raises(StorageError, match="permission denied"):
            log.ingest([report("r2", "2024-01-02")])
    with open_log(owner, actor="owner", clock=clock) as log:
        log.upkeep = False  # the log moves on; its read models stay behind
        log.ingest([assessed("a1", "2024-01-03", "r1")])
    with open_log(reader, actor="inspector", clock=clock) as log:
        with pytest.warns(ReferenceNotice, match="may not bring them up to date"):
            behind = log.obligations(on=date(2024, 2, 1))
        assert behind.rows == log.obligations(on=date(2024, 2, 1), reference=True).rows


def test_every_read_of_a_role_is_recorded_and_cannot_be_undone(
    users: tuple[str, str, str],
) -> None:
    """Reader and writer record their reads (loggkontroll); neither may change or remove one."""
    owner, writer, reader = users
    clock = ManualClock(datetime(2024, 1, 3, tzinfo=UTC))
    with open_log(writer, actor="intake", clock=clock) as log:
        log.ingest([report("r1", "2024-01-02")])
        log.timeline("c1")
    with open_log(reader, actor="inspector", clock=clock, purpose="tillsyn") as log:
        found = log.obligations(on=date(2024, 2, 1), case_id="c1")
        assert {o.rule_id for o in found} >= {"R01"}
        assert [(a.actor, a.what, a.case_id, a.purpose) for a in log.access_log()] == [
            ("intake", "timeline", "c1", None),
            ("inspector", "obligations", "c1", "tillsyn"),
            ("inspector", "access_log", None, "tillsyn"),
        ]
        checked = verify(log.store)
        assert checked.access is not None
        assert (checked.ok, checked.access.events) == (True, 3)
    for url in (writer, reader):
        base, _, schema = url.partition("?schema=")
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
            for statement in (
                "UPDATE caselog_access SET purpose = 'x'",
                "DELETE FROM caselog_access",
                "TRUNCATE caselog_access",
                "ALTER TABLE caselog_access DISABLE TRIGGER USER",
            ):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    conn.execute(statement)
    with open_log(owner, actor="owner") as log:
        assert [a.actor for a in log.access_log(actor="inspector")] == ["inspector"] * 2


def test_an_access_log_made_by_upgrade_is_open_to_the_roles(users: tuple[str, str, str]) -> None:
    """Roles made before the access log: `upgrade` grants them it, and reading resumes."""
    owner, _, reader = users
    base, _, schema = owner.partition("?schema=")
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP TABLE {}.caselog_access").format(sql.Identifier(schema)))
    clock = ManualClock(datetime(2024, 1, 3, tzinfo=UTC))
    with (
        open_log(reader, actor="inspector", clock=clock) as log,
        pytest.raises(NeedsUpgradeError, match="before the access log"),
    ):
        log.obligations(on=date(2024, 2, 1))
    with open_log(owner, actor="owner") as log:
        log.store.upgrade()
    with open_log(reader, actor="inspector", clock=clock) as log:
        log.obligations(on=date(2024, 2, 1))
        assert [(a.actor, a.what) for a in log.access_log()] == [
            ("inspector", "obligations"),
            ("inspector", "access_log"),
        ]
