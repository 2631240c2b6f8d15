"""The keyring of one log: data keys made on first use, unwrapped once, destroyed by a purge.

`LogKeys` is what a store holds: where its key store is, opened only when a key is
needed (reading never creates a key store); `Keyring` is the open key store with the
master key. The key store itself, the master key and wrapping are `caselog.storage.keys`.
"""

from __future__ import annotations

import hmac
import os
import secrets
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from caselog.errors import KeyUnavailableError
from caselog.storage.keys import (
    CHECK,
    MASTER_KEY_ENV,
    MASTER_KEY_FILE_ENV,
    KeyStore,
    MasterKey,
    create_key_file,
    master_key_from,
    unwrap,
    wrap,
)

if TYPE_CHECKING:
    from collections.abc import Callable


class Keyring:
    """The data keys of one log: made on first use, unwrapped once, destroyed by a purge."""

    def __init__(
        self, store: KeyStore, master: MasterKey | None, log_id: Callable[[], str]
    ) -> None:
        """Use `store` with `master` (None: sealed fields stay sealed, writing is refused).

        `log_id` is asked when a key is first needed: a new SQLite log gets its id only
        when it is created.
        """
        self.store = store
        self.master = master
        self._log_id = log_id
        self._keys: dict[str, bytes | None] = {}
        self._current: dict[str, str] = {}
        """(subject/class/) → the key id sealing it now: one lookup per subject, not per event."""
        self._lock = threading.Lock()
        if master is not None:
            check = master.derive(CHECK).hex()
            found = store.check_value()
            if found is None:
                store.set_check_value(check)
            elif not hmac.compare_digest(found, check):
                msg = (
                    f"the master key from {master.source} does not open the key store {store.where}"
                )
                raise KeyUnavailableError(msg)

    def sealing_key(self, subject: str, retention_class: str) -> tuple[str, bytes]:
        """The current (key id, key) of (subject, class), made if there is none alive.

        After a purge destroyed a class's key, a later event starts a new generation
        (DESIGN.md D5): `child:c-1/general/2`.
        """
        master = self._require_master()
        prefix = f"{subject}/{retention_class}/"
        with self._lock:
            if (current := self._current.get(prefix)) is not None and (
                key := self._keys.get(current)
            ) is not None:
                return current, key
            log_id = self._log_id()
            known = self.store.generations(log_id, prefix)
            alive = [key_id for key_id, live in known if live]
            if alive:
                key = self.key(alive[-1])
                if key is not None:
                    self._current[prefix] = alive[-1]
                    return alive[-1], key
            key_id = f"{prefix}{len(known) + 1}"
            secret = secrets.token_bytes(32)
            if not self.store.add(log_id, key_id, wrap(master, key_id, secret)):
                found = self.key(key_id)  # another writer made it first: use theirs
                if found is None:  # pragma: no cover - destroyed in between
                    msg = f"the key {key_id} was destroyed while it was being made"
                    raise KeyUnavailableError(msg)
                self._current[prefix] = key_id
                return key_id, found
            self._keys[key_id] = secret
            self._current[prefix] = key_id
            return key_id, secret

    def key(self, key_id: str) -> bytes | None:
        """The data key `key_id`; None once destroyed.

        Raises:
            KeyUnavailableError: no master key, or the key store holds no such key.
        """
        if key_id in self._keys:
            return self._keys[key_id]
        master = self._require_master()
        existed, wrapped = self.store.wrapped(self._log_id(), key_id)
        if not existed:
            msg = f"the key store {self.store.where} holds no key {key_id!r} for this log"
            raise KeyUnavailableError(msg)
        key = None if wrapped is None else unwrap(master, key_id, wrapped)
        self._keys[key_id] = key
        return key

    def readable(self) -> bool:
        """Whether sealed fields can be opened here (the master key is at hand)."""
        return self.master is not None

    def alive(self, subject: str, retention_class: str) -> list[str]:
        """The key ids of (subject, class) not yet destroyed."""
        prefix = f"{subject}/{retention_class}/"
        return [k for k, live in self.store.generations(self._log_id(), prefix) if live]

    def destroy(self, key_ids: list[str], children: list[str]) -> None:
        """Destroy `key_ids` (and the lookup entries of `children`) for good."""
        self.store.destroy(self._log_id(), key_ids, children)
        for key_id in key_ids:
            self._keys[key_id] = None

    def lookup(self, pnr: str) -> bytes:
        """The keyed hash a personal identity number is indexed under (never the number)."""
        master = self._require_master()
        return hmac.new(master.derive(b"caselog pnr lookup v1"), pnr.encode(), "sha256").digest()

    def index(self, pnr: str, child_id: str) -> None:
        """Index `child_id` under the keyed hash of its personal identity number."""
        self.store.index(self._log_id(), self.lookup(pnr), child_id)

    def children_numbered(self, pnr: str) -> list[str]:
        """The children indexed under a personal identity number."""
        return self.store.look_up(self._log_id(), self.lookup(pnr))

    def _require_master(self) -> MasterKey:
        if self.master is None:
            msg = (
                f"the master key of the key store {self.store.where} is not at hand: set "
                f"{MASTER_KEY_ENV} or {MASTER_KEY_FILE_ENV} (docs/security.md); personal "
                "fields can be neither written nor read without it"
            )
            raise KeyUnavailableError(msg)
        return self.master


def open_keyring(key_store: Path | None, log_id: Callable[[], str]) -> tuple[Keyring, Path | None]:
    """The keyring of a log whose key store is `key_store` (None: in memory, ephemeral).

    Returns the keyring and the path of a master key file created now (to be named in
    the output), if one was. A new key store without a configured master key gets one
    in a key file beside it (`<key store without .keys>.key`, mode 0600).
    """
    store = KeyStore(key_store)
    created: Path | None = None
    if (text := os.environ.get(MASTER_KEY_ENV)) is not None:
        master: MasterKey | None = master_key_from(text, f"${MASTER_KEY_ENV}")
    elif key_store is None:
        master = MasterKey(secrets.token_bytes(32), "memory")
    else:
        named = os.environ.get(MASTER_KEY_FILE_ENV)
        path = Path(named) if named else key_store.with_suffix(".key")
        if path.is_file():
            master = master_key_from(path.read_text(encoding="ascii"), str(path))
        elif store.check_value() is None:
            create_key_file(path)
            created = path
            master = master_key_from(path.read_text(encoding="ascii"), str(path))
        else:
            master = None
    return Keyring(store, master, log_id), created


class LogKeys:
    """The keys of one log, opened at need: reading never creates a key store.

    `path`: the key store (None: in memory, for an in-memory log); `off`: encryption
    turned off (`keys=False`), personal fields stored in clear; `unconfigured`: why no
    key store is known (a PostgreSQL log without `CASELOG_KEY_STORE` or `keys=`).
    """

    def __init__(
        self,
        path: Path | None,
        log_id: Callable[[], str],
        *,
        off: bool = False,
        unconfigured: str | None = None,
    ) -> None:
        """Remember where the keys are; open nothing yet."""
        self.path = path
        self.off = off
        self.unconfigured = unconfigured
        self.created_master: Path | None = None
        """The master key file made by this process, to be named in the output."""
        self._log_id = log_id
        self._ring: Keyring | None = None
        self._lock = threading.Lock()

    def for_writing(self) -> Keyring | None:
        """The keyring to seal with (None: encryption is off), made if there is none.

        Raises:
            KeyUnavailableError: no key store is configured for this log.
        """
        if self.off:
            return None
        if self.unconfigured is not None:
            raise KeyUnavailableError(self.unconfigured)
        return self._open()

    def for_reading(self) -> Keyring | None:
        """The keyring to open sealed fields with; None where there is none to open."""
        if self.off or self.unconfigured is not None:
            return None
        if self._ring is None and self.path is not None and not self.path.is_file():
            return None
        return self._open()

    def _open(self) -> Keyring:
        with self._lock:
            if self._ring is None:
                self._ring, self.created_master = open_keyring(self.path, self._log_id)
            return self._ring

    def flush(self) -> None:
        """Make the keys made so far durable: every append calls it before writing."""
        if self._ring is not None:
            self._ring.store.flush()

    def close(self) -> None:
        """Close the key store if it was opened."""
        if self._ring is not None:
            self._ring.store.close()
