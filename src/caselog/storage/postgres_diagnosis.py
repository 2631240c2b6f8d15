"""Why a PostgreSQL connection or operation failed, in words a user can act on.

Opening: unreachable, refused, or no such database; after that: a lost connection or a
full disk.

eventsourcing's pool reports every failure as "couldn't get a connection after 5.00 sec";
a user needs to know which of the three it was, and what to do about it (issue 12). psycopg
gives no SQLSTATE for a failed connection, so libpq's message decides; for a server that
answers in another language, a look at the maintenance database still tells a missing
database apart.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import Any, Final

import psycopg

from caselog.errors import (
    AuthenticationFailedError,
    DatabaseMissingError,
    LogBusyError,
    ServerUnreachableError,
    StorageError,
    StorageFullError,
)


@dataclass(frozen=True)
class Server:
    """Where and as whom to connect."""

    host: str
    port: int
    user: str
    password: str
    dbname: str
    connect_timeout: int
    """Seconds to wait for a connection (libpq's `connect_timeout`)."""
    options: tuple[tuple[str, str], ...] = ()
    """libpq parameters from the URL (`sslmode`, `sslrootcert`, `application_name`)."""

    @property
    def where(self) -> str:
        """`host:port`."""
        return f"{self.host}:{self.port}"

    def params(self) -> dict[str, Any]:
        """Keyword arguments for `psycopg.connect` and `PostgresDatastore`."""
        return {
            "host": self.host,
            "port": self.port,
            "user": self.user,
            "password": self.password,
            "dbname": self.dbname,
        }

    def connect_params(self) -> dict[str, Any]:
        """`params()` plus the URL's libpq options and timeout: for `psycopg.connect`."""
        return {**self.params(), **dict(self.options), "connect_timeout": self.connect_timeout}


_UNREACHABLE: Final = (
    (("connection refused",), "connection refused (is the server running, on port {port}?)"),
    (("timeout expired", "timed out"), "no answer within {timeout} s (is the host up?)"),
    (
        (
            "failed to resolve host",
            "could not translate host name",
            "name or service not known",
            "nodename nor servname",
            "name resolution",
        ),
        "no such host {host!r}",
    ),
    (("no route to host", "network is unreachable", "host is unreachable"), "host unreachable"),
    (
        ("ssl negotiation", "server closed the connection unexpectedly"),
        "something answered, but not as PostgreSQL does",
    ),
)
"""libpq's own (client-side, English) messages for a server not reached → our reason."""


def diagnosed(error: psycopg.Error, server: Server, url: str) -> StorageError:
    """The caselog error for a failed connection: which of unreachable, refused, missing.

    psycopg gives no SQLSTATE for a failed connection, so libpq's message decides; for a
    server that answers in another language, a look at the maintenance database still
    tells a missing database apart.
    """
    text = str(error).lower()
    where, user, db = server.where, server.user, server.dbname
    tls = _tls_refusal(text, server)
    if tls is not None:
        return StorageError(f"cannot open {url}: {tls}")
    if f'database "{db.lower()}" does not exist' in text:
        return _database_missing_error(server, url)
    refusal = _refusal(text, server)
    if refusal is not None:
        return AuthenticationFailedError(
            f"PostgreSQL at {where} refused user {user!r}: {refusal}", url=url, user=user
        )
    for needles, reason in _UNREACHABLE:
        if any(needle in text for needle in needles):
            detail = reason.format(
                host=server.host, port=server.port, timeout=server.connect_timeout
            )
            return ServerUnreachableError(
                f"cannot reach PostgreSQL at {where}: {detail}",
                url=url,
                host=server.host,
                port=server.port,
            )
    if _database_missing(server):
        return _database_missing_error(server, url)
    lines = str(error).strip().splitlines()
    return StorageError(f"cannot open {url}: {lines[-1].strip() if lines else repr(error)}")


def _tls_refusal(text: str, server: Server) -> str | None:
    """Why TLS, as the URL's `sslmode` demands it, could not be had (libpq's wording)."""
    mode = dict(server.options).get("sslmode", "")
    if "server does not support ssl" in text:
        return (
            f"PostgreSQL at {server.where} does not offer TLS, but the URL asks for "
            f"sslmode={mode or 'require'}; nothing was sent unencrypted (enable ssl on the "
            "server, or connect over a trusted path with sslmode=disable)"
        )
    if "certificate" in text or "root.crt" in text or "ssl error" in text:
        lines = text.strip().splitlines()
        return (
            f"PostgreSQL at {server.where} failed TLS verification (sslmode={mode or 'prefer'}): "
            f"{lines[-1].strip() if lines else text}"
        )
    return None


def _database_missing_error(server: Server, url: str) -> DatabaseMissingError:
    """No such database, and the `createdb` command that makes it."""
    hint = shlex.join(
        ["createdb", "-h", server.host, "-p", str(server.port), "-U", server.user, server.dbname]
    )
    return DatabaseMissingError(
        f"no database {server.dbname!r} on PostgreSQL at {server.where}; create it with: {hint}",
        url=url,
        database=server.dbname,
        hint=hint,
    )


def _refusal(text: str, server: Server) -> str | None:
    """Why the server refused the user, if it did (libpq's and the server's wording)."""
    if f'role "{server.user.lower()}" does not exist' in text:
        return (
            f"no such role (use an existing user in the URL, or create it: "
            f"{shlex.join(['createuser', '-h', server.host, '-p', str(server.port), server.user])})"
        )
    if "password authentication failed" in text:
        return "wrong password"
    if "no password supplied" in text or "password is required" in text:
        return "a password is required (in the URL, postgresql://user:password@…, or ~/.pgpass)"
    if "no pg_hba.conf entry" in text:
        return f"pg_hba.conf lets it connect to database {server.dbname!r} from nowhere here"
    if "permission denied for database" in text:
        return f"no CONNECT privilege on database {server.dbname!r}"
    if "authentication failed" in text:
        return "authentication failed"
    return None


def _database_missing(server: Server) -> bool:
    """Whether the server answers for its maintenance database but lacks `server.dbname`."""
    if server.dbname == "postgres":
        return False
    params = {**server.connect_params(), "dbname": "postgres"}
    try:
        with psycopg.connect(**params) as conn:
            row = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (server.dbname,)
            ).fetchone()
    except psycopg.Error:
        return False
    return row is None


_LOST: Final = (
    "terminating connection",
    "server closed",
    "connection is closed",
    "consuming input failed",
    "connection is lost",
)
"""libpq's words for a connection that died under an operation."""


def failure(
    error: Exception, url: str, where: str, doing: str, *, timeout: float = 0
) -> tuple[StorageError, bool]:
    """The caselog error for a failure after connecting, and whether the connection was lost.

    Lost (a terminated backend, a restarted server), full (the server's disk), or the
    server's own words; eventsourcing wraps psycopg's errors, so the cause is unwrapped.
    """
    cause: BaseException = error
    while not isinstance(cause, psycopg.Error) and cause.__cause__ is not None:
        cause = cause.__cause__
    lines = str(cause).strip().splitlines()
    text = (lines[0].strip() if lines else repr(cause))[:200]
    unsaved = "; nothing of this write was committed" if doing == "write to" else ""
    if isinstance(cause, psycopg.errors.LockNotAvailable):
        message = (
            f"the log {url} is locked by another writer for more than {timeout:g} s"
            f"{unsaved}; try again (or wait longer: ?timeout=SECONDS)"
        )
        return LogBusyError(message, url=url, timeout=timeout), False
    if isinstance(cause, psycopg.errors.DiskFull):
        message = f"cannot {doing} {url}: the server's disk is full ({text}){unsaved}"
        return StorageFullError(message, url=url), False
    lost = isinstance(cause, psycopg.errors.AdminShutdown | psycopg.errors.ConnectionException) or (
        isinstance(cause, psycopg.OperationalError)
        and any(needle in text.lower() for needle in _LOST)
    )
    if lost:
        return StorageError(
            f"cannot {doing} {url}: the connection to PostgreSQL at {where} was lost ({text}); "
            "the transaction was not committed and is rolled back as a whole; try again"
        ), True
    return StorageError(f"cannot {doing} {url}: {text}{unsaved}"), False
