"""DuckDB over an SQLite log, offline: the pinned SQLite extension, loaded from PyPI's copy.

DuckDB reads SQLite files through its `sqlite_scanner` extension, which it normally
downloads from its own server the first time it is used. Municipal networks and CI
cannot reach that server, and a download at run time is code nobody pinned. caselog
therefore pins `duckdb==1.5.5` with `duckdb-extension-sqlite==1.5.5` (the extra
`caselog[analysis]`), whose wheel carries the extension file, and `connect` places that
file where DuckDB looks for it — a private directory of its own — with automatic
install and load off, so nothing is ever fetched.

The log is attached read-only as `log`. DuckDB hands SQLite's views to SQLite and gets
every column back as text, so `connect` also defines `events` and `events_as_known` in
DuckDB itself, over `log.events` and `log.events_as_known`, with their types: positions
`BIGINT`, `occurred_on` `DATE`, `recorded_at` `TIMESTAMPTZ`, `payload` `JSON` (the views:
`caselog.storage.analyst_views`, docs/analysis.md). Reads through SQL bypass caselog's
access log (docs/security.md).
"""

from __future__ import annotations

import shutil
import tempfile
from importlib import resources
from pathlib import Path
from typing import Final

from caselog.storage.analyst_views import check_sqlite_log

_INSTALL: Final = "pip install 'caselog[analysis]'"
try:
    import duckdb
except ImportError:  # pragma: no cover - the analysis extra is installed in tests
    msg = f"duckdb is not installed: {_INSTALL}"
    raise ImportError(msg) from None

CATALOG: Final = "log"
"""The name the log is attached under (`log.events`, `log.events_as_known`)."""

_EXTENSION: Final = "sqlite_scanner"
_TYPES: Final = {
    "position": "BIGINT",
    "stream_version": "BIGINT",
    "schema_version": "INTEGER",
    "occurred_on": "DATE",
    "recorded_at": "TIMESTAMPTZ",
    "payload": "JSON",
    "corrected_at": "TIMESTAMPTZ",
}
_EVENTS: Final = (
    "position", "stream", "stream_version", "event_id", "type", "schema_version",
    "occurred_on", "recorded_at", "ingested_by", "payload",
)  # fmt: skip
_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "events": _EVENTS,
    "events_as_known": (*_EVENTS, "corrected_by", "corrected_at"),
}


def connect(path: str | Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the SQLite log at `path` attached read-only as `log`.

    `events` and `events_as_known` are typed views over the log's own; `log.<table>`
    reads anything else in the file as it is.

    The SQLite extension comes from the `duckdb-extension-sqlite` wheel of the same
    version as `duckdb`; DuckDB may install or load nothing else by itself.

    Raises:
        StoreNotFoundError: no file at `path`, or a file that holds no caselog log.
        StorageError: the file is not an SQLite database.
        NeedsUpgradeError: a log made before the views (`caselog upgrade` makes them).
        ImportError: duckdb or its SQLite extension is not installed, or their versions
            differ (the message says what to install).
    """
    log = Path(path)
    check_sqlite_log(log)
    con = duckdb.connect(
        ":memory:",
        config={
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "allow_community_extensions": False,
        },
    )
    try:
        _load_sqlite(con, duckdb.__version__)
        quoted = str(log.absolute()).replace("'", "''")
        con.execute(f"ATTACH '{quoted}' AS {CATALOG} (TYPE sqlite, READ_ONLY)")
        for view, columns in _COLUMNS.items():
            typed = ", ".join(
                f"CAST({c} AS {_TYPES[c]}) AS {c}" if c in _TYPES else c for c in columns
            )
            con.execute(f"CREATE VIEW {view} AS SELECT {typed} FROM {CATALOG}.{view}")  # noqa: S608 - constant names
    except BaseException:
        con.close()
        raise
    return con


def extension_file(version: str) -> Path:
    """The SQLite extension shipped by `duckdb-extension-sqlite` for DuckDB `version`.

    Raises:
        ImportError: the package is missing, or holds no extension for `version`.
    """
    try:
        root = resources.files("duckdb_extension_sqlite")
    except ModuleNotFoundError:
        msg = f"duckdb-extension-sqlite is not installed: {_INSTALL}"
        raise ImportError(msg) from None
    found = Path(str(root)) / "extensions" / f"v{version}" / "sqlite.duckdb_extension"
    if not found.is_file():
        msg = (
            f"duckdb-extension-sqlite holds no extension for DuckDB {version} ({found}): "
            f"install the pinned pair, {_INSTALL}"
        )
        raise ImportError(msg)
    return found


def _load_sqlite(con: duckdb.DuckDBPyConnection, version: str) -> None:
    """Place the extension where DuckDB looks for it, in a private directory, and load it.

    DuckDB looks in `<extension_directory>/v<version>/<platform>/<name>.duckdb_extension`.
    The directory is made for this connection only (mode 0700: nobody else can swap
    the file) and removed once the library is loaded.
    """
    source = extension_file(version)
    platform = con.execute("PRAGMA platform").fetchone()
    private = Path(tempfile.mkdtemp(prefix="caselog-duckdb-"))
    try:
        target = private / f"v{version}" / str(platform[0] if platform else "")
        target.mkdir(parents=True)
        shutil.copyfile(source, target / f"{_EXTENSION}.duckdb_extension")
        escaped = str(private).replace("'", "''")
        con.execute(f"SET extension_directory = '{escaped}'")
        con.execute(f"LOAD {_EXTENSION}")
    finally:
        shutil.rmtree(private, ignore_errors=True)
