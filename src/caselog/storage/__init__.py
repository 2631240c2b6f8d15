"""Persistence: the only package that talks SQL or touches eventsourcing's recorders.

`open_store(url)` picks a backend by URL (DESIGN.md "Storage is chosen by URL"):
`sqlite:///path.db` (the embedded default, `./caselog.db`), `sqlite://` (in memory, for
tests), `postgresql://user@host:port/dbname` (shared and production use).
"""

from __future__ import annotations

from caselog.errors import UnsupportedStoreError
from caselog.storage.mapping import LogRow, canonical_payload, row_for, topic_of
from caselog.storage.port import Appended, EventStore

DEFAULT_URL = "sqlite:///caselog.db"


def open_store(url: str | None = None) -> EventStore:
    """Open the log at `url` (default `sqlite:///caselog.db`, i.e. `./caselog.db`).

    Raises:
        UnsupportedStoreError: the URL names no backend caselog has.
    """
    url = url or DEFAULT_URL
    scheme, sep, rest = url.partition("://")
    if not sep:
        msg = f"not a store URL: {url!r} (try sqlite:///caselog.db)"
        raise UnsupportedStoreError(msg)
    if scheme == "sqlite":
        from caselog.storage.sqlite import SQLiteEventStore  # noqa: PLC0415

        if rest in {"", "/:memory:"}:
            return SQLiteEventStore(None)
        if not rest.startswith("/"):
            msg = f"an SQLite URL is sqlite:///relative.db or sqlite:////abs.db: {url!r}"
            raise UnsupportedStoreError(msg)
        return SQLiteEventStore(rest[1:])
    if scheme in {"postgresql", "postgres", "postgresql+psycopg"}:
        from caselog.storage.postgres import PostgresEventStore  # noqa: PLC0415

        return PostgresEventStore(url)
    msg = f"unsupported store {scheme!r} in {url!r}: use sqlite:// or postgresql://"
    raise UnsupportedStoreError(msg)


__all__ = [
    "DEFAULT_URL",
    "Appended",
    "EventStore",
    "LogRow",
    "canonical_payload",
    "open_store",
    "row_for",
    "topic_of",
]
