"""Finding a child by personal identity number, through a keyed hash (issue 13).

The number is never stored or indexed in clear: a case file's number is sealed with its
other personal fields, and the key store indexes the child under an HMAC of the number,
keyed by a key derived from the master key (`Keyring.lookup`). Without the master key
nobody can look a number up, or test a guess against the index; a purge of the child's
general records removes the index entry with the keys.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from caselog.errors import KeyUnavailableError
from caselog.events.pnr import normalize_pnr
from caselog.storage.keys import create_key_file, master_key_from

if TYPE_CHECKING:
    from pathlib import Path

    from caselog.storage import EventStore


def children_numbered(store: EventStore, personal_identity_number: str) -> list[str]:
    """The ids of the children whose case file carries this personal identity number.

    Only children whose case file is in the log are named.

    Raises:
        ValueError: not a personal identity number (the message says why).
        KeyUnavailableError: the log's keys are not at hand here.
    """
    number = normalize_pnr(personal_identity_number)
    keyring = store.keys.for_reading()
    if keyring is None or not keyring.readable():
        msg = (
            "personal identity numbers are looked up through the log's key store, which is "
            "not at hand here (docs/security.md)"
        )
        raise KeyUnavailableError(msg)
    found = keyring.children_numbered(number)
    held = store.heads([f"child:{child}" for child in found])
    return [child for child in found if f"child:{child}" in held]


def rotate_master_key(store: EventStore, new_key_file: Path) -> tuple[int, bool]:
    """Re-wrap every data key of the log's key store under the key in `new_key_file`.

    The file is made (mode 0600, a fresh key) if it does not exist. Returns how many keys
    moved and whether the file was made. The old master key opens nothing afterwards.

    Raises:
        KeyUnavailableError: no key store or master key here, or a bad new key.
    """
    keyring = store.keys.for_writing()
    if keyring is None or keyring.master is None:
        msg = "this log has no key store with a master key at hand to rotate"
        raise KeyUnavailableError(msg)
    made = not new_key_file.exists()
    if made:
        create_key_file(new_key_file)
    new = master_key_from(new_key_file.read_text(encoding="ascii"), str(new_key_file))
    moved = keyring.store.rewrap(keyring.master, new)
    keyring.master = new
    return moved, made
