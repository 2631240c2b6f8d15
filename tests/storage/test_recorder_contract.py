"""caselog's recorders keep eventsourcing's own recorder contract (issue 11).

eventsourcing 9.5 ships reusable recorder test cases (`eventsourcing.tests.persistence`).
They are run here, unchanged, against caselog's SQLite and PostgreSQL recorders through
an adapter that only adds the log's own columns: the cases write plain `StoredEvent`s,
which caselog refuses (they lack `event_id` and `ingested_by`), so the adapter turns each
into a `PendingEvent` with a fresh `event_id`. Every row the cases write is chained, and
the chain verifies after each case.

Where a case cannot apply as written, the reason is next to it:
- originator ids are text (`new_originator_id`): caselog's streams are names such as
  `child:c-1`, so the tables are made with `originator_id_type="text"`;
- the aggregate case sees the recorder as an aggregate recorder, which returns no
  notification ids (its `insert_events` asserts `None`): the adapter withholds them;
- SQLite has no subscriptions (eventsourcing's own SQLite recorder has none either).
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from typing import TYPE_CHECKING, Any

import psycopg
import pytest
from eventsourcing.persistence import StoredEvent  # noqa: TID251 - eventsourcing's contract
from eventsourcing.tests.persistence import (
    AggregateRecorderTestCase,
    ApplicationRecorderTestCase,
    NonInterleavingNotificationIDsBaseCase,
)
from psycopg import sql

from caselog.errors import UnchainedEventError
from caselog.storage import open_store
from caselog.storage.chain import verify_rows
from caselog.storage.port import PendingEvent
from tests.conftest import POSTGRES_URL, postgres_available

if TYPE_CHECKING:
    from collections.abc import Sequence

    from caselog.storage.port import EventStore
    from caselog.storage.postgres_recorder import PostgresLogRecorder
    from caselog.storage.sqlite_recorder import SQLiteLogRecorder

    Recorder = SQLiteLogRecorder | PostgresLogRecorder


class _WithColumns:
    """A caselog recorder seen through eventsourcing's API, adding the log's columns."""

    def __init__(self, recorder: Recorder, *, aggregate: bool = False) -> None:
        self._recorder = recorder
        self._aggregate = aggregate

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: object
    ) -> Sequence[int] | None:
        pending = [
            PendingEvent(
                e.originator_id,
                e.originator_version,
                e.topic,
                e.state,
                event_id=uuid.uuid4().hex,
                ingested_by="contract",
            )
            for e in stored_events
        ]
        ids = self._recorder.insert_events(pending, **kwargs)
        return None if self._aggregate else ids

    def __getattr__(self, name: str) -> Any:  # noqa: ANN401 - whatever the recorder has
        return getattr(self._recorder, name)


class _Stores:
    """Opens a fresh log per case, closes it, and checks its chain afterwards."""

    aggregate = False
    backend = "sqlite"

    def setUp(self) -> None:
        self.stores: list[EventStore] = []
        self.tmp = tempfile.mkdtemp(prefix="caselog-contract-")
        self.schemas: list[str] = []

    def tearDown(self) -> None:
        for store in self.stores:
            verdict = verify_rows(store.log_id or "", store.chain_rows())
            assert verdict.ok, verdict  # every row written was chained
            store.close()
        shutil.rmtree(self.tmp, ignore_errors=True)
        if self.schemas:
            with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
                for schema in self.schemas:
                    conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))

    def new_originator_id(self) -> str:
        return str(uuid.uuid4())  # caselog's streams are text

    def create_recorder(self) -> Any:  # noqa: ANN401 - the adapter stands in for a recorder
        if self.backend == "sqlite":
            url = f"sqlite:///{self.tmp}/log-{len(self.stores)}.db"
        else:
            if (reason := postgres_available()) is not None:
                pytest.fail(reason)
            schema = f"es_{uuid.uuid4().hex[:12]}"
            self.schemas.append(schema)
            url = f"{POSTGRES_URL}?schema={schema}"
        store = open_store(url, create=True)
        self.stores.append(store)
        recorder: Recorder = store.recorder  # type: ignore[attr-defined]
        return _WithColumns(recorder, aggregate=self.aggregate)


class TestSQLiteAggregateContract(_Stores, AggregateRecorderTestCase):
    """eventsourcing's aggregate recorder case on an SQLite file."""

    aggregate = True


class TestSQLiteApplicationContract(_Stores, ApplicationRecorderTestCase):
    """eventsourcing's application recorder case on an SQLite file."""


class TestSQLiteNonInterleaving(_Stores, NonInterleavingNotificationIDsBaseCase):
    """Two concurrent appends to an SQLite file never interleave their positions."""


@pytest.mark.postgres
class TestPostgresAggregateContract(_Stores, AggregateRecorderTestCase):
    """eventsourcing's aggregate recorder case on PostgreSQL."""

    aggregate = True
    backend = "postgres"


@pytest.mark.postgres
class TestPostgresApplicationContract(_Stores, ApplicationRecorderTestCase):
    """eventsourcing's application recorder case on PostgreSQL, subscription included."""

    backend = "postgres"

    def test_insert_subscribe(self) -> None:
        """LISTEN/NOTIFY: subscribers hear of chained appends (eventsourcing's optional case)."""
        self.optional_test_insert_subscribe()


@pytest.mark.postgres
class TestPostgresNonInterleaving(_Stores, NonInterleavingNotificationIDsBaseCase):
    """Two concurrent appends to PostgreSQL never interleave their positions."""

    backend = "postgres"


def test_plain_stored_events_are_refused_not_dropped(store_url: str) -> None:
    """A plain `StoredEvent` lacks the log's columns: refused by name, and nothing written."""
    store = open_store(store_url, create=True)
    recorder: Any = store.recorder  # type: ignore[attr-defined]
    good = PendingEvent("child:c-1", 1, "t", b"{}", event_id="e1", ingested_by="me")
    plain = StoredEvent("child:c-1", 2, "t", b"{}")
    with pytest.raises(UnchainedEventError) as caught:
        recorder.insert_events([good, plain])
    assert str(caught.value) == (
        "caselog's log stores PendingEvents (with event_id and ingested_by); got a "
        "StoredEvent for stream 'child:c-1' version 2: nothing was written"
    )
    other = PendingEvent("child:c-2", 1, "t", b"{}", event_id="e2", ingested_by="you")
    with pytest.raises(UnchainedEventError, match="one append is one writer's"):
        recorder.insert_events([good, other])
    assert store.count() == 0
    assert recorder.insert_events([good]) == [1]
    store.close()
