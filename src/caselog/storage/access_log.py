"""The access log (loggkontroll): every read of the log, chained like the events (issue 13).

Every read of a child's records is a disclosure inside the authority (OSL 26 kap.), and
IVO and IMY expect it to be traceable and the log of reads to be reviewed regularly, by a
random sample (loggkontroll). The table `caselog_access` lives in the log's own database,
next to the events, and is as append-only as they are: triggers refuse UPDATE and DELETE
(and TRUNCATE on PostgreSQL), and each row is chained with the event log's own chain code
(`caselog.storage.chain`) from a genesis of its own, so `verify_rows` proves it untampered:

| chain field | access column |
|---|---|
| position | `position` (SQLite's rowid; PostgreSQL's bigserial) |
| stream | `case_id`, or "" for a question about the whole log |
| topic | `what`: the kind of read (`WHATS`) |
| event_id | `access_id`, a UUID per read |
| ingested_by | `actor` |
| version | 0 |
| recorded_at | `accessed_at` (RFC 3339, UTC) |
| state | `{"detail":<detail>,"purpose":<purpose>}`: the stored detail text, byte for byte |

This module is what both backends share; `sqlite_access` and `postgres_access` hold the
SQL, each a mixin of its store.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, LiteralString, Protocol, runtime_checkable

import orjson

from caselog.errors import NeedsUpgradeError, UnsupportedStoreError
from caselog.storage.chain import ChainRow, genesis

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from datetime import datetime

    from caselog.storage.port import EventStore

TABLE: Final = "caselog_access"
WHATS: Final = (
    "case",
    "timeline",
    "history",
    "events",
    "obligations",
    "summary",
    "cases",
    "export",
    "access_log",
    "report",
)
"""The kinds of read the access log names (`what`)."""


@dataclass(frozen=True, slots=True)
class AccessEntry:
    """One read to record: who, why, what and with which parameters (not yet when)."""

    actor: str
    purpose: str | None
    what: str
    case_id: str | None
    """The child's case read, or None for a question about the whole log."""
    detail: str
    """The question's parameters as canonical JSON text (never personal free text)."""


@dataclass(frozen=True, slots=True)
class Access:
    """One recorded read of the log (a row of `caselog_access`)."""

    position: int
    accessed_at: datetime
    """When the log was read (UTC), from the reading `CaseLog`'s clock."""
    actor: str
    purpose: str | None
    what: str
    case_id: str | None
    detail: str
    """The question's parameters as canonical JSON text (`parameters` parses it)."""
    access_id: str

    @property
    def parameters(self) -> dict[str, Any]:
        """The question's parameters (`detail` parsed).

        >>> Access(1, None, "sw-17", None, "case", "c-1", '{"on":"2019-11-25"}', "a").parameters
        {'on': '2019-11-25'}
        """
        found = orjson.loads(self.detail)
        return found if isinstance(found, dict) else {"detail": found}


def access_genesis(log_id: str) -> bytes:
    """The `prev` of the first read: the genesis of `<log id>/access`."""
    return genesis(access_chain_id(log_id))


def access_chain_id(log_id: str) -> str:
    """The id the access chain starts from (`verify_rows` takes it as the log id)."""
    return f"{log_id}/access"


def access_state(detail: str, purpose: str | None) -> bytes:
    """What the chain hashes as a read's state: canonical JSON of detail and purpose.

    The detail is spliced in as stored, so that any change to its bytes breaks the hash;
    for the canonical text caselog stores, this is `{"detail":…,"purpose":…}` with sorted
    keys, as orjson would write it.

    >>> access_state('{"on":"2019-11-25"}', None)
    b'{"detail":{"on":"2019-11-25"},"purpose":null}'
    """
    return b'{"detail":' + detail.encode() + b',"purpose":' + orjson.dumps(purpose) + b"}"


def access_chain_row(
    position: int,
    access_id: str,
    accessed_at: bytes,
    actor: str,
    purpose: str | None,
    what: str,
    case_id: str | None,
    detail: str,
    stored: tuple[bytes | None, int | None] = (None, None),
) -> ChainRow:
    """A read as the chain covers it (`accessed_at` already in the chain's RFC 3339 form).

    `stored`: the row's stored hash and previous position, when read back to verify.
    """
    return ChainRow(
        position, case_id or "", what, access_id, actor, 0, accessed_at,
        access_state(detail, purpose), *stored,
    )  # fmt: skip


@runtime_checkable
class AccessStore(Protocol):
    """What a store needs to keep the access log (both backends have it)."""

    def record_access(self, entry: AccessEntry, *, clock: Callable[[], datetime]) -> Access:
        """Append one read, chained, under the access log's write lock; the row written."""
        ...

    def accesses(
        self,
        *,
        case_id: str | None = None,
        actor: str | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
        through: int | None = None,
    ) -> list[Access]:
        """The reads that match, in position order (`through`: up to that position)."""
        ...

    def access_chain_rows(self, page: int = 5000) -> Iterator[ChainRow]:
        """Every read as the chain covers it, in position order."""
        ...

    def has_access_table(self) -> bool:
        """Whether the log has its access table (a log made before it needs an upgrade)."""
        ...


def access_filters(
    *,
    case_id: str | None,
    actor: str | None,
    start: datetime | None,
    end: datetime | None,
    through: int | None,
) -> list[tuple[LiteralString, object]]:
    """The filters of `AccessStore.accesses` that were given: (column and comparison, value).

    Both backends build their WHERE clause from these, each with its own placeholder.

    >>> access_filters(case_id="c1", actor=None, start=None, end=None, through=7)
    [('case_id =', 'c1'), ('position <=', 7)]
    """
    given: tuple[tuple[LiteralString, object], ...] = (
        ("case_id =", case_id),
        ("actor =", actor),
        ("accessed_at >=", start),
        ("accessed_at <=", end),
        ("position <=", through),
    )
    return [(clause, value) for clause, value in given if value is not None]


def access_store(store: EventStore) -> AccessStore:
    """The store as keeper of the access log; a store without one cannot be read.

    Raises:
        UnsupportedStoreError: the store keeps no access log, so a read could not be
            recorded.
    """
    if not isinstance(store, AccessStore):
        msg = (
            f"{store.url}: this store keeps no access log, and every read must be recorded "
            "(loggkontroll)"
        )
        raise UnsupportedStoreError(msg)
    return store


def needs_access_upgrade(url: str) -> NeedsUpgradeError:
    """The error for a log made before the access log: it cannot record a read."""
    msg = (
        f"the log {url} was made by an older caselog, before the access log (loggkontroll): "
        "every read must be recorded, so run `caselog upgrade` (as the log's owner) before "
        "reading it"
    )
    return NeedsUpgradeError(msg, url=url)
