"""The key store: data keys per (subject, retention class), wrapped by a master key (issue 13).

Personal fields are sealed with a data key of their subject (the stream, `child:c-1`) and
retention class (`general`, `investigation`, `placement`); a purge (gallring) destroys the
keys of one class, and what they sealed can never be read again (crypto-shredding,
RULES.md §7.3). The keys live apart from the log, so that a copy of the log is not a copy
of the keys: by default in an SQLite file beside an SQLite log (`caselog.db.keys`), or
wherever `CASELOG_KEY_STORE` (or `keys=`) names; one key store may serve several logs, each
under its own log id.

Each data key is wrapped (AES-GCM, its key id as associated data) by a master key that is
never stored in the key store: `CASELOG_MASTER_KEY` (32 bytes, URL-safe base64),
`CASELOG_MASTER_KEY_FILE`, or a key file beside the key store (`caselog.db.key`), created
with mode 0600 when a new key store is made without one. Without the master key, sealed
fields read as sealed and writing personal fields is refused.

Destroying a key deletes its wrapped bytes for good: the file is written with SQLite's
`secure_delete` (freed pages are zeroed) and a rollback journal, not a WAL that would keep
old pages; a tombstone row remembers that the key existed, so a read says "erased", not
"unknown". The lookup index of personal identity numbers (`caselog cases --pnr`) is kept
here too, as keyed hashes, and goes with the general keys.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import sqlite3
import threading
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from caselog.errors import KeyUnavailableError

if TYPE_CHECKING:
    from collections.abc import Iterator

MASTER_KEY_ENV: Final = "CASELOG_MASTER_KEY"
MASTER_KEY_FILE_ENV: Final = "CASELOG_MASTER_KEY_FILE"
KEY_STORE_ENV: Final = "CASELOG_KEY_STORE"
CHECK: Final = b"caselog master key check v1"
_SCHEMA: Final = (
    "CREATE TABLE IF NOT EXISTS caselog_keystore (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    (
        "CREATE TABLE IF NOT EXISTS caselog_data_keys (log_id TEXT NOT NULL, "
        "key_id TEXT NOT NULL, wrapped BLOB, created_at TEXT NOT NULL, destroyed_at TEXT, "
        "PRIMARY KEY (log_id, key_id))"
    ),
    (
        "CREATE TABLE IF NOT EXISTS caselog_pnr_index (log_id TEXT NOT NULL, "
        "lookup BLOB NOT NULL, child_id TEXT NOT NULL, PRIMARY KEY (log_id, lookup, child_id))"
    ),
)


@dataclass(frozen=True, slots=True)
class MasterKey:
    """The 32-byte master key and where it came from (for messages, never the bytes)."""

    secret: bytes
    source: str

    def derive(self, purpose: bytes) -> bytes:
        """A key for one purpose (the PNR lookup, the key check), never the master itself."""
        return hmac.new(self.secret, purpose, hashlib.sha256).digest()


def master_key_from(text: str, source: str) -> MasterKey:
    """Read a master key: 32 bytes in URL-safe base64 (`caselog keys new` prints one)."""
    try:
        secret = base64.urlsafe_b64decode(text.strip() + "==")
    except (ValueError, TypeError):
        secret = b""
    if len(secret) != 32:  # noqa: PLR2004 - AES-256
        msg = f"the master key from {source} is not 32 bytes in URL-safe base64"
        raise KeyUnavailableError(msg)
    return MasterKey(secret, source)


def new_master_key_text() -> str:
    """A fresh master key as text."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")


class KeyStore:
    """Data keys in an SQLite file (or in memory for an in-memory log), one per key id.

    Pluggable: another key store (a table in another database, an HSM) needs the same
    methods; `docs/security.md` lists them.
    """

    def __init__(self, path: Path | None) -> None:
        """Open (and create) the key store at `path`; None keeps it in memory."""
        self.path = path
        self.where = "memory" if path is None else str(path)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(
            ":memory:" if path is None else str(path), check_same_thread=False, timeout=60
        )
        self._lock = threading.Lock()
        with self._db:
            self._db.execute("PRAGMA secure_delete = ON")
            self._db.execute("PRAGMA journal_mode = DELETE")
            for statement in _SCHEMA:
                self._db.execute(statement)
        if path is not None:
            path.chmod(0o600)

    def check_value(self) -> str | None:
        """What the master key must reproduce (None: a new key store, no master key yet)."""
        row = self._db.execute("SELECT value FROM caselog_keystore WHERE name = 'check'").fetchone()
        return None if row is None else str(row[0])

    def set_check_value(self, value: str) -> None:
        """Bind the key store to its master key (the first time only)."""
        with self._lock, self._db:
            self._db.execute("INSERT OR IGNORE INTO caselog_keystore VALUES ('check', ?)", (value,))

    def rewrap(self, old: MasterKey, new: MasterKey) -> int:
        """Rotate the master key: every live data key unwrapped by `old`, wrapped by `new`.

        One transaction: the key store opens with the old key until it commits, and
        with the new one after. The log is not touched. Returns how many keys moved.

        Raises:
            KeyUnavailableError: `old` is not this key store's master key.
        """
        found = self.check_value()
        if found is not None and not hmac.compare_digest(found, old.derive(CHECK).hex()):
            msg = f"the master key from {old.source} does not open the key store {self.where}"
            raise KeyUnavailableError(msg)
        with self._lock, self._db:
            rows = self._db.execute(
                "SELECT log_id, key_id, wrapped FROM caselog_data_keys WHERE wrapped IS NOT NULL"
            ).fetchall()
            self._db.executemany(
                "UPDATE caselog_data_keys SET wrapped = ? WHERE log_id = ? AND key_id = ?",
                [
                    (wrap(new, key_id, unwrap(old, key_id, bytes(blob))), log_id, key_id)
                    for log_id, key_id, blob in rows
                ],
            )
            self._db.execute(
                "INSERT OR REPLACE INTO caselog_keystore VALUES ('check', ?)",
                (new.derive(CHECK).hex(),),
            )
        return len(rows)

    def wrapped(self, log_id: str, key_id: str) -> tuple[bool, bytes | None]:
        """(whether the key ever existed, its wrapped bytes or None once destroyed)."""
        row = self._db.execute(
            "SELECT wrapped FROM caselog_data_keys WHERE log_id = ? AND key_id = ?",
            (log_id, key_id),
        ).fetchone()
        return (False, None) if row is None else (True, None if row[0] is None else bytes(row[0]))

    def generations(self, log_id: str, prefix: str) -> list[tuple[str, bool]]:
        """(key id, alive) of every key whose id starts with `prefix`, oldest first.

        A range on the primary key, not a scan: an ingest asks once per new subject.
        """
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        rows = self._db.execute(
            "SELECT key_id, wrapped IS NOT NULL FROM caselog_data_keys "
            "WHERE log_id = ? AND key_id >= ? AND key_id < ? ORDER BY created_at, key_id",
            (log_id, prefix, upper),
        ).fetchall()
        return [(str(r[0]), bool(r[1])) for r in rows]

    def add(self, log_id: str, key_id: str, wrapped: bytes) -> bool:
        """Store a new wrapped key; False if another writer stored that key id first.

        Kept in the open transaction until `flush()`: an ingest of a hundred thousand
        case files commits its new keys once (4 ms a commit), before its events.
        """
        with self._lock, self._busy():
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO caselog_data_keys VALUES (?, ?, ?, ?, NULL)",
                (log_id, key_id, wrapped, _now()),
            )
            return cursor.rowcount == 1

    def destroy(self, log_id: str, key_ids: list[str], children: list[str]) -> None:
        """Destroy keys for good, and the lookup entries of `children`, in one transaction."""
        with self._lock, self._db:
            self._db.executemany(
                "UPDATE caselog_data_keys SET wrapped = NULL, destroyed_at = ? "
                "WHERE log_id = ? AND key_id = ?",
                [(_now(), log_id, k) for k in key_ids],
            )
            self._db.executemany(
                "DELETE FROM caselog_pnr_index WHERE log_id = ? AND child_id = ?",
                [(log_id, c) for c in children],
            )

    def index(self, log_id: str, lookup: bytes, child_id: str) -> None:
        """Remember that the number hashed to `lookup` is `child_id`'s (until `flush()`)."""
        with self._lock, self._busy():
            self._db.execute(
                "INSERT OR IGNORE INTO caselog_pnr_index VALUES (?, ?, ?)",
                (log_id, lookup, child_id),
            )

    def look_up(self, log_id: str, lookup: bytes) -> list[str]:
        """The children whose personal identity number hashed to `lookup`."""
        rows = self._db.execute(
            "SELECT child_id FROM caselog_pnr_index WHERE log_id = ? AND lookup = ? "
            "ORDER BY child_id",
            (log_id, lookup),
        ).fetchall()
        return [str(r[0]) for r in rows]

    @contextmanager
    def _busy(self) -> Iterator[None]:
        """Another process's keys pending for over a minute: a typed error, not sqlite3's."""
        try:
            yield
        except sqlite3.OperationalError as error:
            msg = f"the key store {self.where} is busy or cannot be written: {error}"
            raise KeyUnavailableError(msg) from error

    def flush(self) -> None:
        """Commit the keys and index entries made since the last flush.

        Called before any event sealed with them is written (`LogKeys.flush`, by every
        append), so no stored event names a key the key store does not hold. Never
        rolled back: a key made for a rejected batch is an unused key, not a lost one.
        """
        with self._lock:
            self._db.commit()

    def close(self) -> None:
        """Commit what is pending and close the file."""
        self.flush()
        self._db.close()


def wrap(master: MasterKey, key_id: str, secret: bytes) -> bytes:
    """A data key wrapped by the master key (AES-GCM, its key id as associated data)."""
    nonce = secrets.token_bytes(12)
    return nonce + AESGCM(master.secret).encrypt(nonce, secret, key_id.encode())


def unwrap(master: MasterKey, key_id: str, wrapped: bytes) -> bytes:
    """The data key `wrapped` held; refused if the master key or the key id differ."""
    try:
        return AESGCM(master.secret).decrypt(wrapped[:12], wrapped[12:], key_id.encode())
    except InvalidTag:
        msg = f"the wrapped key {key_id!r} does not open with the master key from {master.source}"
        raise KeyUnavailableError(msg) from None


def _now() -> str:
    return datetime.now(UTC).isoformat()


def keys_beside(log: Path) -> Path:
    """The default key store of an SQLite log: `caselog.db` → `caselog.db.keys`."""
    return log.with_name(log.name + ".keys")


def create_key_file(path: Path) -> None:
    """Write a new master key to `path`, readable by its owner only (0600); never overwrite."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # another process made it first
    with closing(os.fdopen(descriptor, "w", encoding="ascii")) as handle:
        handle.write(new_master_key_text() + "\n")
