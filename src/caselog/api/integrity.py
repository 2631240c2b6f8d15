"""Proving the log untampered: `verify`, checkpoints, `init` and `upgrade` (issue 11).

The chain itself is `caselog.storage.chain`. A checkpoint is a small JSON file — log id,
position, head hash, time — to keep away from the database host: verified against it,
the log must still extend it, which catches what a chain alone cannot (the newest events
removed, the log rolled back or rewritten whole).
"""

from __future__ import annotations

import json
from dataclasses import asdict, replace
from typing import TYPE_CHECKING, Final

from caselog.errors import CheckpointError, NeedsUpgradeError, UnsupportedStoreError
from caselog.storage import require_log
from caselog.storage.access_log import AccessStore, access_chain_id
from caselog.storage.chain import Checkpoint, Verified, verify_rows

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime
    from pathlib import Path

    from caselog.api.log import CaseLog
    from caselog.storage import EventStore

_FIELDS: Final = ("log_id", "position", "head", "time")


def log_id_of(store: EventStore) -> str:
    """The log's id; a log made before the chain must be upgraded first."""
    require_log(store)
    if store.log_id is None:
        msg = f"the log {store.url} has no hash chain yet: run `caselog upgrade` first"
        raise NeedsUpgradeError(msg, url=store.url)
    return store.log_id


def verify(
    store: EventStore,
    *,
    against: Checkpoint | None = None,
    progress: Callable[[int], None] | None = None,
) -> Verified:
    """Recompute the whole chain, streaming; the first break, if any, with its position.

    The access log's chain (loggkontroll) is verified too, and reported apart:
    `Verified.access` (None for a log made before the access log).
    """
    found = verify_rows(log_id_of(store), store.chain_rows(), against=against, progress=progress)
    return replace(found, access=verify_access(store))


def verify_access(store: EventStore) -> Verified | None:
    """Recompute the access log's chain; None when the log has no access log yet.

    Its `events` count the reads; the checkpoint covers only the events (docs/security.md).
    """
    if not isinstance(store, AccessStore) or not store.has_access_table():
        return None
    return verify_rows(access_chain_id(log_id_of(store)), store.access_chain_rows())


def checkpoint(store: EventStore, now: datetime) -> Checkpoint:
    """The log's head now: its last position and that row's hash."""
    log_id = log_id_of(store)
    position, head = store.head()
    return Checkpoint(log_id, position, head.hex(), now.isoformat())


def init(log: CaseLog, *, roles: bool = False) -> Checkpoint:
    """Make the log and its read models, as their owner; on PostgreSQL, the roles too.

    Run once by the owner, so that writers and readers never need to create anything
    (`caselog.storage.postgres_roles`). A log that exists is left as it is.
    """
    log.store.append([], clock=log.clock, ingested_by=log.actor)  # makes a log still to make
    log.read_models.catch_up()  # makes the read-model tables and stamps them
    if roles:
        grant = getattr(log.store, "grant_roles", None)
        if grant is None:
            msg = f"{log.store.url}: roles are PostgreSQL's; SQLite has none (file rights do)"
            raise UnsupportedStoreError(msg)
        grant()
    return checkpoint(log.store, log.clock())


def upgrade(store: EventStore, now: datetime) -> Checkpoint:
    """Chain a log made before the chain (a chained log is left as it is); its checkpoint."""
    require_log(store)
    store.upgrade()
    return checkpoint(store, now)


def write_checkpoint(point: Checkpoint, path: Path) -> None:
    """The checkpoint as JSON, written whole or not at all."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(checkpoint_json(point), encoding="utf-8")
    partial.replace(path)


def checkpoint_json(point: Checkpoint) -> str:
    """The checkpoint as the JSON text `read_checkpoint` reads."""
    return json.dumps(asdict(point), indent=2) + "\n"


def read_checkpoint(path: Path) -> Checkpoint:
    """A checkpoint file, checked field by field.

    Raises:
        CheckpointError: no such file, not JSON, or a field missing or of the wrong type.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        msg = f"cannot read the checkpoint {path}: {error.strerror or error}"
        raise CheckpointError(msg) from None
    except ValueError as error:
        msg = f"the checkpoint {path} is not JSON: {error}"
        raise CheckpointError(msg) from None
    if not isinstance(data, dict):
        msg = f"the checkpoint {path} is not a JSON object"
        raise CheckpointError(msg)
    for field in _FIELDS:
        want = int if field == "position" else str
        if not isinstance(data.get(field), want) or isinstance(data.get(field), bool):
            msg = f"the checkpoint {path}: field {field!r} is missing or not {want.__name__}"
            raise CheckpointError(msg)
    if unknown := sorted(set(data) - set(_FIELDS)):
        msg = f"the checkpoint {path}: unknown field(s) {', '.join(map(repr, unknown))}"
        raise CheckpointError(msg)
    return Checkpoint(**{field: data[field] for field in _FIELDS})
