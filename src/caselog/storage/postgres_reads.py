"""Reading the log on PostgreSQL: the queries of `PostgresEventStore` that only read.

Kept apart from the store (`caselog.storage.postgres`), which opens, creates, appends
and chains, so that each stays readable. Every query goes through the store's `_query`,
which maps PostgreSQL's failures to caselog's errors.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from psycopg.sql import SQL, Composed

from caselog.storage.mapping import recorded_from

if TYPE_CHECKING:
    from collections.abc import Collection, Iterator

    from caselog.events import Event, Recorded
    from caselog.storage.keyring import LogKeys

_PAGE = 5000


class PostgresReads:
    """The reading half of the PostgreSQL store (mixed into `PostgresEventStore`)."""

    _table: Composed
    keys: LogKeys

    def _query(self, sql: SQL | Any, params: list[Any]) -> list[Any]:
        raise NotImplementedError  # pragma: no cover - the store's

    def heads(self, streams: Collection[str]) -> dict[str, int]:
        """The current version of each existing stream among `streams`."""
        rows = self._query(
            SQL(
                "SELECT originator_id, MAX(originator_version) AS v FROM {} "
                "WHERE originator_id = ANY(%s) GROUP BY originator_id"
            ).format(self._table),
            [list(streams)],
        )
        return {row["originator_id"]: row["v"] for row in rows}

    def read_streams(
        self, streams: Collection[str], *, known_at: datetime | None = None
    ) -> list[Recorded[Event]]:
        """The events of `streams` in log order, recorded up to `known_at`."""
        sql = SQL("SELECT * FROM {} WHERE originator_id = ANY(%s)").format(self._table)
        params: list[Any] = [list(streams)]
        if known_at is not None:
            sql += SQL(" AND recorded_at <= %s")
            params.append(known_at)
        sql += SQL(" ORDER BY notification_id")
        return [_recorded(row, self.keys) for row in self._query(sql, params)]

    def read_log(
        self, *, after: int = 0, known_at: datetime | None = None, page: int = _PAGE
    ) -> Iterator[Recorded[Event]]:
        """Every event after `after`, page by page, recorded up to `known_at`."""
        cutoff = SQL("") if known_at is None else SQL(" AND recorded_at <= %s")
        extra: list[Any] = [] if known_at is None else [known_at]
        sql = (
            SQL("SELECT * FROM {} WHERE notification_id > %s").format(self._table)
            + cutoff
            + SQL(" ORDER BY notification_id LIMIT %s")
        )
        while rows := self._query(sql, [after, *extra, page]):
            yield from (_recorded(row, self.keys) for row in rows)
            after = rows[-1]["notification_id"]

    def stored_payloads(self, event_ids: Collection[str]) -> dict[str, tuple[str, bytes]]:
        """event_id → (topic, canonical bytes) for the ids already stored."""
        rows = self._query(
            SQL("SELECT event_id, topic, state FROM {} WHERE event_id = ANY(%s)").format(
                self._table
            ),
            [list(event_ids)],
        )
        return {row["event_id"]: (row["topic"], bytes(row["state"])) for row in rows}

    def streams(self, prefix: str = "") -> list[str]:
        """The names of the streams that start with `prefix`, sorted."""
        rows = self._query(
            SQL(
                "SELECT DISTINCT originator_id FROM {} WHERE left(originator_id, %s) = %s "
                "ORDER BY originator_id"
            ).format(self._table),
            [len(prefix), prefix],
        )
        return [row["originator_id"] for row in rows]

    def last_recorded_at(self) -> datetime | None:
        """The `recorded_at` of the last event (the maximum, by D3)."""
        rows = self._query(
            SQL("SELECT recorded_at FROM {} ORDER BY notification_id DESC LIMIT 1").format(
                self._table
            ),
            [],
        )
        return rows[0]["recorded_at"].astimezone(UTC) if rows else None

    def count(self) -> int:
        """How many events the log holds."""
        rows = self._query(SQL("SELECT COUNT(*) AS n FROM {}").format(self._table), [])
        return int(rows[0]["n"]) if rows else 0

    def last_position(self) -> int:
        """The position of the last event in the log (0 while it is empty)."""
        rows = self._query(SQL("SELECT MAX(notification_id) AS n FROM {}").format(self._table), [])
        return int(rows[0]["n"] or 0) if rows else 0


def _recorded(row: Any, keys: LogKeys) -> Recorded[Event]:
    return recorded_from(
        topic=row["topic"],
        state=bytes(row["state"]),
        stream=row["originator_id"],
        stream_version=row["originator_version"],
        position=row["notification_id"],
        recorded_at=row["recorded_at"].astimezone(UTC),
        ingested_by=row["ingested_by"],
        keys=keys,
    )
