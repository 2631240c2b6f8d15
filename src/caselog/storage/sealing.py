"""Sealing personal fields inside the mapper: AES-GCM per field, a keyed MAC per event.

An event with personal fields (`EventModel.personal`: free text, names, the personal
identity number) is stored as its canonical JSON without them, plus one `$sealed` member:

    {"$sealed": {"fields": {"reasons": "<nonce+ciphertext>"}, "key": "child:c-1/general/1",
                 "mac": "<HMAC of the canonical plaintext>"}, "actor": "sw-17", …}

- Each field is encrypted (AES-GCM, a random nonce) under the data key of the event's
  subject (its stream) and retention class (`retention_class_of`), with the event id, the
  field's path and the key id as associated data, so a ciphertext cannot be moved to
  another event or field. The field's name stays in clear: the presence marker.
- Nonces are random, so two sealings of one event differ. Idempotency (D6) therefore
  compares a MAC of the canonical plaintext, keyed by the same data key, never the stored
  bytes; and a MAC, unlike a plain hash, cannot be used to confirm a guessed personal
  identity number, and it goes with the key at a purge.
- The hash chain covers the stored bytes (ciphertext included), so destroying a key later
  leaves every hash intact (`caselog verify` still passes).

Events without personal values are stored exactly as before (their canonical bytes), and
so is everything written with encryption off (`keyring=None`): such an event "is stored in
clear; cannot be shredded".
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import TYPE_CHECKING, Any, Final, TypeVar

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from caselog.errors import KeyUnavailableError
from caselog.events import EVENT_TYPES, CaseFileOpened, Event, EventCorrected, EventModel
from caselog.events.personal import Personal
from caselog.events.records import retention_class_of

if TYPE_CHECKING:
    from caselog.storage.keyring import LogKeys

E = TypeVar("E", bound=EventModel)

SEALED: Final = b'{"$sealed"'
"""How a sealed payload starts (sorted keys: `$` sorts before every field name)."""
_MAC_PURPOSE: Final = b"caselog payload mac v1"


def personal_values(event: EventModel) -> dict[str, Any]:
    """The personal fields of `event` that hold a value, by path (`replacement.reasons`)."""
    found = {name: event.__dict__[name] for name in type(event).personal}
    if type(event) is EventCorrected:
        replacement = event.replacement
        found |= {
            f"replacement.{name}": replacement.__dict__[name] for name in type(replacement).personal
        }
    return {path: value for path, value in found.items() if value is not None}


def seal(event: Event, canonical: bytes, keys: LogKeys | None) -> bytes:
    """The stored bytes of `event`: `canonical` with its personal values sealed.

    Also indexes a case file's personal identity number under its keyed hash.

    Raises:
        KeyUnavailableError: personal values to seal and no master key at hand.
    """
    values = personal_values(event)
    if keys is None or not values or (keyring := keys.for_writing()) is None:
        return canonical
    key_id, key = keyring.sealing_key(event.stream, retention_class_of(event).value)
    data = orjson.loads(canonical)
    fields = {}
    for path in values:
        value = _pop(data, path)
        nonce = secrets.token_bytes(12)
        aad = _aad(event.event_id, path, key_id)
        fields[path] = _text(nonce + AESGCM(key).encrypt(nonce, orjson.dumps(value), aad))
    data["$sealed"] = {"fields": fields, "key": key_id, "mac": _text(_mac(key, canonical))}
    if isinstance(event, CaseFileOpened) and event.personal_identity_number is not None:
        keyring.index(event.personal_identity_number, event.child_id)
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)


def same_payload(stored: bytes, canonical: bytes, keys: LogKeys | None) -> bool:
    """Whether `stored` holds the event `canonical` (D6): bytes in clear, or a sealed MAC.

    Once a purge destroyed the key, only the fields left in clear can be compared: an
    event sent again with the same facts is recognised, whatever its personal text was.
    """
    if not stored.startswith(SEALED):
        return stored == canonical
    data = orjson.loads(stored)
    sealed = data.pop("$sealed")
    keyring = None if keys is None else keys.for_reading()
    if keyring is None:
        msg = "a sealed event is stored under this id, and its key store is not at hand"
        raise KeyUnavailableError(msg)
    key = keyring.key(sealed["key"])
    if key is None:
        clear = orjson.loads(canonical)
        for path in sealed["fields"]:
            _pop(clear, path)
        return bool(data == clear)
    return hmac.compare_digest(_bytes(sealed["mac"]), _mac(key, canonical))


def unseal(
    cls: type[Event], state: bytes, keys: LogKeys | None
) -> tuple[Event, frozenset[str], frozenset[str]]:
    """Rebuild a sealed event: (event, erased fields, sealed fields).

    A field whose key was destroyed is erased; one that cannot be opened here (no key
    store, no master key) is sealed. Either reads as None, and the event remembers that
    it was given (`EventModel.has`).
    """
    data = orjson.loads(state)
    sealed = data.pop("$sealed")
    key_id, fields = sealed["key"], sealed["fields"]
    key: bytes | None = None
    keyring = None if keys is None else keys.for_reading()
    readable = keyring is not None and keyring.readable()
    if keyring is not None and readable:
        key = keyring.key(key_id)
    withheld = []
    for path, text in fields.items():
        if key is None:
            withheld.append(path)
            _put(data, path, None)
            continue
        blob = _bytes(text)
        try:
            plain = AESGCM(key).decrypt(blob[:12], blob[12:], _aad(data["event_id"], path, key_id))
        except InvalidTag:
            msg = f"the sealed field {path} of {data['event_id']!r} does not open with {key_id}"
            raise KeyUnavailableError(msg) from None
        _put(data, path, orjson.loads(plain))
    event = _validated(cls, data, withheld)
    gone = frozenset(withheld)
    return (event, gone, frozenset()) if readable else (event, frozenset(), gone)


def _validated(cls: type[Event], data: dict[str, Any], withheld: list[str]) -> Event:
    """Validate `data`, standing in for withheld required fields, then set them to None."""
    if not withheld:
        return cls.model_validate(data)
    own = [p for p in withheld if "." not in p]
    nested = [p.partition(".")[2] for p in withheld if p.startswith("replacement.")]
    for name in own:
        _stand_in(cls, data, name)
    if nested:
        replacement_cls = _replacement_class(data["replacement"])
        for name in nested:
            _stand_in(replacement_cls, data["replacement"], name)
    event = cls.model_validate(data)
    if nested and isinstance(event, EventCorrected):
        replacement = _withhold(event.replacement, nested)
        event = event.model_copy(update={"replacement": replacement})
    return _withhold(event, own) if own else event


def _withhold(event: E, names: list[str]) -> E:
    """`event` with `names` set to None and remembered as withheld (`Personal`)."""
    assert isinstance(event, Personal)  # noqa: S101 - only Personal classes seal fields
    copy = event.model_copy(update=dict.fromkeys(names))
    copy._withheld = frozenset(names)  # noqa: SLF001 - set once, right after making it
    return copy


def _stand_in(cls: type[EventModel], data: dict[str, Any], name: str) -> None:
    """A value that validates for a required withheld field (a text); None otherwise."""
    data[name] = "withheld" if cls.model_fields[name].is_required() else None


def _replacement_class(data: dict[str, Any]) -> type[EventModel]:
    return EVENT_TYPES[data["type"]]


def _pop(data: dict[str, Any], path: str) -> object:
    head, _, rest = path.partition(".")
    return _pop(data[head], rest) if rest else data.pop(head)


def _put(data: dict[str, Any], path: str, value: object) -> None:
    head, _, rest = path.partition(".")
    if rest:
        _put(data[head], rest, value)
    else:
        data[head] = value


def _aad(event_id: str, path: str, key_id: str) -> bytes:
    return f"{event_id}\n{path}\n{key_id}".encode()


def _mac(key: bytes, canonical: bytes) -> bytes:
    mac_key = hmac.new(key, _MAC_PURPOSE, hashlib.sha256).digest()
    return hmac.new(mac_key, canonical, hashlib.sha256).digest()


def _text(blob: bytes) -> str:
    return base64.b64encode(blob).decode("ascii")


def _bytes(text: str) -> bytes:
    return base64.b64decode(text)
