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

import os
from pathlib import Path
from typing import Final, Literal, Protocol, runtime_checkable

from caselog.errors import StoreNotFoundError, UnsupportedStoreError
from caselog.storage.keyring import LogKeys
from caselog.storage.keys import KEY_STORE_ENV, keys_beside
from caselog.storage.mapping import LogRow, canonical_payload, row_for, topic_of
from caselog.storage.port import Appended, EventStore

DEFAULT_URL = "sqlite:///caselog.db"


def open_store(
    url: str | None = None,
    *,
    create: bool | None = None,
    keys: str | Path | Literal[False] | None = None,
) -> EventStore:
    """Open the log at `url` (default `sqlite:///caselog.db`, i.e. `./caselog.db`).

    `create`: True creates the log now (an SQLite file and its directories, the table in
    PostgreSQL); False requires it to exist; None opens it if it exists and otherwise
    leaves it to the first append to create.

    `keys`: the key store of its personal fields (issue 13, `caselog.storage.keys`):
    a file path; by default the one beside an SQLite log (`caselog.db.keys`) if it is
    there, else `$CASELOG_KEY_STORE`, else beside a new SQLite log, in memory for an
    in-memory log, and none for PostgreSQL (writing personal fields is then refused).
    `False` turns encryption off: personal fields are stored in clear and can never be
    shredded (for measuring; never in production).

    Raises:
        UnsupportedStoreError: the URL names no backend caselog has.
        StoreNotFoundError: `create=False` and there is no log at `url`.
        StorageError: the store cannot be opened (for PostgreSQL a subclass says why).
    """
    store = _open(url or DEFAULT_URL, create=create)
    store.keys = _log_keys(store, keys)
    return store


def _log_keys(store: EventStore, keys: str | Path | Literal[False] | None) -> LogKeys:
    if keys is False:
        return LogKeys(None, store.log_id_now, off=True)
    if keys is not None:
        return LogKeys(Path(keys), store.log_id_now)
    path = getattr(store, "path", None) if store.url.startswith("sqlite") else None
    beside = None if path is None else keys_beside(path)
    if beside is not None and beside.is_file():  # an SQLite log's own keys come first
        return LogKeys(beside, store.log_id_now)
    if named := os.environ.get(KEY_STORE_ENV):
        return LogKeys(Path(named), store.log_id_now)
    if store.url.startswith("sqlite"):
        return LogKeys(beside, store.log_id_now)
    return LogKeys(
        None,
        store.log_id_now,
        unconfigured=(
            f"no key store is configured for the personal fields of {store.url}: set "
            f"{KEY_STORE_ENV} to a key store file kept off the database host "
            "(docs/security.md); nothing was written"
        ),
    )


def _open(url: str, *, create: bool | None) -> EventStore:
    scheme, sep, rest = url.partition("://")
    if not sep:
        msg = f"not a store URL: {url!r} (try sqlite:///caselog.db)"
        raise UnsupportedStoreError(msg)
    if scheme == "sqlite":
        from caselog.storage.sqlite import SQLiteEventStore  # noqa: PLC0415

        rest, _, query = rest.partition("?")
        timeout = _sqlite_timeout(query)
        if rest in {"", "/:memory:"}:
            return SQLiteEventStore(None, timeout=timeout)
        if not rest.startswith("/") or rest == "/":
            msg = f"an SQLite URL is sqlite:///relative.db or sqlite:////abs.db: {url!r}"
            raise UnsupportedStoreError(msg)
        if rest[1:].lower().startswith("file:"):
            msg = (
                f"SQLite URI filenames (file:...) are not accepted in {url!r}: their options "
                "can weaken durability; give the path, sqlite:///relative.db"
            )
            raise UnsupportedStoreError(msg)
        return SQLiteEventStore(rest[1:], create=create, timeout=timeout)
    if scheme in {"postgresql", "postgres", "postgresql+psycopg"}:
        from caselog.storage.postgres import PostgresEventStore  # noqa: PLC0415

        return PostgresEventStore(url, create=create)
    msg = f"unsupported store {scheme!r} in {url!r}: use sqlite:// or postgresql://"
    raise UnsupportedStoreError(msg)


SQLITE_OPTIONS: Final = ("timeout",)
"""The only option an SQLite URL may carry: seconds to wait for another writer's lock.

Everything else (`nolock`, `mode`, `immutable`, `cache`, `vfs`, `psow` …) is refused by
name: such options can weaken durability or make a log vanish (docs/storage.md).
"""
MAX_TIMEOUT: Final = 86_400


def _sqlite_timeout(query: str) -> int | None:
    """The `timeout` option of an SQLite URL (None when absent); any other is refused."""
    timeout: int | None = None
    for pair in query.split("&") if query else []:
        name, _, value = pair.partition("=")
        if name not in SQLITE_OPTIONS:
            msg = (
                f"unknown SQLite URL option {name[:60]!r}: caselog accepts only "
                f"?timeout=SECONDS (options that can weaken durability are refused)"
            )
            raise UnsupportedStoreError(msg)
        if timeout is not None:
            msg = f"the SQLite URL option {name!r} is given twice"
            raise UnsupportedStoreError(msg)
        timeout = _seconds(name, value)
    return timeout


def _seconds(name: str, value: str) -> int:
    """A whole number of seconds, 1 to a day, for the URL option `name`."""
    if not (value.isascii() and value.isdigit() and len(value) <= 6) or not (  # noqa: PLR2004
        1 <= int(value) <= MAX_TIMEOUT
    ):
        msg = f"the URL option {name}={value[:60]!r} must be whole seconds, 1 to {MAX_TIMEOUT}"
        raise UnsupportedStoreError(msg)
    return int(value)


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
