"""The `caselog` command line: thin wrappers over `CaseLog`, rendered with rich.

Every command takes `--db URL` (default `sqlite:///caselog.db`, or `$CASELOG_URL`) and
`--actor` (who is recording or reading; `$CASELOG_ACTOR`, else `cli:<user>`); the commands
that read take `--purpose` (why; `$CASELOG_PURPOSE`), kept with each read in the access log.
"""

from __future__ import annotations

from caselog.cli import (
    access_log,
    bundle,
    cases,
    compliance,
    demo,
    export,
    integrity,
    log,
    purge,
    read_models,
    report,
    service,
    stats,
)
from caselog.cli.app import app

__all__ = ["app", "main"]

_COMMANDS = (
    log,
    cases,
    compliance,
    demo,
    export,
    read_models,
    integrity,
    access_log,
    purge,
    service,
    report,
    bundle,
    stats,
)  # importing a module registers its commands


def main() -> None:
    """Run the command line."""
    app()
