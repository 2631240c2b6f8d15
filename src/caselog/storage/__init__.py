"""Persistence: the only package that talks SQL or touches eventsourcing's recorders.

`open_store(url)` picks a backend by URL (DESIGN.md "Storage is chosen by URL"):
`sqlite:///path.db` (the embedded default, `./caselog.db`), `sqlite://` (in memory, for
tests), `postgresql://user@host:port/dbname` (shared and production use).

Reading never creates a log (docs/errors.md): `create=True` creates it at once (writing
commands), `create=False` requires it (reading commands), and `create=None` (the
default) opens it if it is there and otherwise creates it with the first append, while
`require_log` refuses to answer a query from a log that does not exist yet.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from caselog.errors import StoreNotFoundError, UnsupportedStoreError
from caselog.storage.mapping import LogRow, canonical_payload, row_for, topic_of
from caselog.storage.port import Appended, EventStore

DEFAULT_URL = "sqlite:///caselog.db"


def open_store(url: str | None = None, *, create: bool | None = None) -> EventStore:
    """Open the log at `url` (default `sqlite:///caselog.db`, i.e. `./caselog.db`).

    `create`: True creates the log now (an SQLite file and its directories, the table in
    PostgreSQL); False requires it to exist; None opens it if it exists and otherwise
    leaves it to the first append to create.

    Raises:
        UnsupportedStoreError: the URL names no backend caselog has.
        StoreNotFoundError: `create=False` and there is no log at `url`.
        StorageError: the store cannot be opened (for PostgreSQL a subclass says why).
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
        if not rest.startswith("/") or rest == "/":
            msg = f"an SQLite URL is sqlite:///relative.db or sqlite:////abs.db: {url!r}"
            raise UnsupportedStoreError(msg)
        return SQLiteEventStore(rest[1:], create=create)
    if scheme in {"postgresql", "postgres", "postgresql+psycopg"}:
        from caselog.storage.postgres import PostgresEventStore  # noqa: PLC0415

        return PostgresEventStore(url, create=create)
    msg = f"unsupported store {scheme!r} in {url!r}: use sqlite:// or postgresql://"
    raise UnsupportedStoreError(msg)


@runtime_checkable
class _CreatedOnWrite(Protocol):
    """A store opened with `create=None` on a log that its first append will create."""

    def exists(self) -> bool:
        """Whether the log exists now (another process may have created it meanwhile)."""
        ...

    def missing(self) -> StoreNotFoundError:
        """The error that says where the log is not."""
        ...


def require_log(store: EventStore) -> None:
    """Refuse to answer a query from a log that does not exist (yet).

    Raises:
        StoreNotFoundError: nothing was ever written to the store's URL.
    """
    if isinstance(store, _CreatedOnWrite) and not store.exists():
        raise store.missing()


__all__ = [
    "DEFAULT_URL",
    "Appended",
    "EventStore",
    "LogRow",
    "canonical_payload",
    "open_store",
    "require_log",
    "row_for",
    "topic_of",
]
