"""The options a PostgreSQL URL may carry: honoured by name, or refused by name.

`?sslmode=require` that was silently dropped ran a connection in the clear (issue 11), so
every query parameter is either one caselog passes to libpq on every connection, or an
error naming it.
"""

from __future__ import annotations

from typing import Any, Final

from caselog.errors import UnsupportedStoreError

_MAX_TIMEOUT: Final = 86_400
SSLMODES: Final = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
URL_OPTIONS: Final = (
    "application_name",
    "connect_timeout",
    "schema",
    "sslmode",
    "sslrootcert",
    "timeout",
)
"""The query parameters a PostgreSQL URL may carry; any other is refused by name."""
LIBPQ_OPTIONS: Final = ("application_name", "sslmode", "sslrootcert")
"""The options that go to libpq as they are, on every connection of the pool."""


def url_options(query: Any) -> dict[str, str]:
    """The URL's query parameters, each known and given once; refuses any other by name."""
    options: dict[str, str] = {}
    for name, value in query.items():
        if name not in URL_OPTIONS:
            msg = (
                f"unknown PostgreSQL URL option {name[:60]!r}: caselog accepts "
                f"{', '.join(URL_OPTIONS)}"
            )
            raise UnsupportedStoreError(msg)
        if not isinstance(value, str):
            msg = f"the PostgreSQL URL option {name!r} is given more than once"
            raise UnsupportedStoreError(msg)
        options[name] = value
    mode = options.get("sslmode")
    if mode is not None and mode not in SSLMODES:
        msg = f"sslmode={mode[:60]!r} is not one of {', '.join(SSLMODES)}"
        raise UnsupportedStoreError(msg)
    for name in ("connect_timeout", "timeout"):
        timeout = options.get(name)
        if timeout is not None and not (
            timeout.isascii()
            and timeout.isdigit()
            and len(timeout) <= 6  # noqa: PLR2004
            and 1 <= int(timeout) <= _MAX_TIMEOUT
        ):
            msg = f"{name}={timeout[:60]!r} must be whole seconds, 1 to {_MAX_TIMEOUT}"
            raise UnsupportedStoreError(msg)
    return options
