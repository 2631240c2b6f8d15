"""Bearer tokens of the HTTP service: who may call it, in which role (issue 16).

A case system, an analyst's notebook or an inspector (IVO) calls `caselog serve` with a
token that names an actor and a role. The key file keeps only the SHA-256 of each token
(a 256-bit random secret, so a plain hash is enough: there is nothing to guess), the
actor, the role and when it was added — never the token itself, which is shown once by
`caselog token add`. The file is JSON, mode 0600, and replaced whole on every change;
the service reads it again when it changes, so a token added or revoked counts at once.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Final

from caselog.api.access import checked_actor
from caselog.errors import CaselogError

TOKENS_ENV: Final = "CASELOG_TOKENS"
"""The environment variable naming the key file; else it lies beside an SQLite log."""
PREFIX: Final = "caselog_"
"""Every token starts with it, so that a secret scanner (and a person) recognises one."""


class Role(StrEnum):
    """What a token's actor may do (docs/service.md)."""

    WRITER = "writer"
    """Post events (a case system: Lifecare, Treserva, Combine/Procapita)."""
    READER = "reader"
    """Read cases, timelines, obligations and statistics (a social worker's system)."""
    INSPECTOR = "inspector"
    """A reader who may also verify the chain and export (tillsyn: IVO, internal audit)."""


@dataclass(frozen=True, slots=True)
class Grant:
    """An authenticated caller: the actor its token names, and the token's role."""

    actor: str
    role: Role


class TokenFileError(CaselogError, ValueError):
    """The key file cannot be used: missing where it must exist, unreadable, malformed."""


def default_tokens_path(url: str) -> Path:
    """The key file of a log: `$CASELOG_TOKENS`, else `<db>.tokens` beside an SQLite log.

    A PostgreSQL log (or one in memory) has no place beside it: the variable is needed.

    >>> default_tokens_path("sqlite:////srv/caselog.db?timeout=5").as_posix()
    '/srv/caselog.db.tokens'
    """
    if named := os.environ.get(TOKENS_ENV):
        return Path(named)
    scheme, _, rest = url.partition("://")
    path = rest.partition("?")[0].removeprefix("/")
    if scheme != "sqlite" or not path or path == ":memory:":
        msg = f"give the token file (--tokens or ${TOKENS_ENV}): {scheme} logs have no default"
        raise TokenFileError(msg)
    return Path(path + ".tokens")


def digest(token: str) -> str:
    """The SHA-256 of a token, in hex: what the key file keeps."""
    return hashlib.sha256(token.encode()).hexdigest()


class TokenFile:
    """The key file: add and revoke tokens, and find the grant of a presented token."""

    def __init__(self, path: Path) -> None:
        """Use the key file at `path` (made by the first `add`)."""
        self.path = path
        self._lock = threading.Lock()
        self._seen: tuple[int, int] | None = None
        self._grants: dict[str, Grant] = {}

    def add(self, actor: str, role: Role) -> str:
        """Add a token for `actor` in `role`; return it (the only time it is shown).

        Raises:
            ValueError: the actor could not be recorded in the access log.
            TokenFileError: the key file exists but cannot be read.
        """
        entry = {
            "actor": checked_actor(actor),
            "role": Role(role).value,
            "sha256": "",
            "added_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        token = PREFIX + secrets.token_urlsafe(32)
        entry["sha256"] = digest(token)
        self._write([*self._entries(), entry])
        return token

    def revoke(self, actor: str) -> int:
        """Remove every token of `actor`; return how many there were."""
        entries = self._entries()
        kept = [e for e in entries if e["actor"] != actor]
        if len(kept) != len(entries):
            self._write(kept)
        return len(entries) - len(kept)

    def grants(self) -> list[Grant]:
        """Every token's actor and role, in the order they were added (no hashes)."""
        return [Grant(e["actor"], Role(e["role"])) for e in self._entries()]

    def grant_of(self, token: str) -> Grant | None:
        """The grant of a presented token, or None; reads the file again when it changed.

        Raises:
            TokenFileError: the key file is missing or malformed (the service cannot
                tell anyone in, and says so rather than refusing everyone silently).
        """
        try:
            stat = self.path.stat()
        except OSError as error:
            msg = f"cannot read the token file {self.path}: {error.strerror}"
            raise TokenFileError(msg) from None
        with self._lock:
            if self._seen != (stat.st_mtime_ns, stat.st_size):
                self._grants = {
                    e["sha256"]: Grant(e["actor"], Role(e["role"])) for e in self._entries()
                }
                self._seen = (stat.st_mtime_ns, stat.st_size)
            # A dict lookup by the hash: timing reveals at most a hash's prefix, never a token.
            return self._grants.get(digest(token))

    def _entries(self) -> list[dict[str, str]]:
        if not self.path.exists():
            return []
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            entries: list[dict[str, str]] = data["tokens"]
            for entry in entries:
                Role(entry["role"])
                _ = entry["actor"], entry["sha256"]
        except (OSError, ValueError, KeyError, TypeError) as error:
            msg = f"the token file {self.path} cannot be used: {error}"
            raise TokenFileError(msg) from None
        return entries

    def _write(self, entries: list[dict[str, str]]) -> None:
        """Replace the file whole (a new file, mode 0600, renamed over the old one)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fresh = self.path.with_name(f".{self.path.name}.{secrets.token_hex(4)}")
        text = json.dumps({"tokens": entries}, indent=2) + "\n"
        descriptor = os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(text)
        fresh.replace(self.path)
