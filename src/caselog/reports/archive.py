"""The inspection bundle's archive: one canonical zip layout, written and checked.

An inspector (IVO) must be able to show that the package received is the package made:
every member is stored (not compressed: no zlib version can change a byte), under a
fixed timestamp and fixed attributes, in sorted order, and `manifest.json` lists each
member's SHA-256 and size; `manifest.sha256` holds the manifest's own hash, in the
`sha256sum` format. Checking needs no database: the members are hashed, the manifest is
checked to be canonical, and the whole archive is laid out again from its members and
compared byte for byte, so that a changed byte anywhere — a member, the manifest, a
header, the directory — is found.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Final

from caselog.errors import CaselogError

if TYPE_CHECKING:
    from collections.abc import Iterable

FORMAT: Final = "caselog-bundle/1"
"""The layout's name and version, the first field of every manifest."""

MANIFEST: Final = "manifest.json"
MANIFEST_HASH: Final = "manifest.sha256"
REQUIRED: Final = frozenset(
    {"checkpoint.json", "events.jsonl", "findings.csv", "findings.json", "report.html"}
)
"""The members every bundle has (besides the manifest and its hash)."""
OPTIONAL: Final = frozenset({"access-log.jsonl"})
"""The access-log excerpt: present once the log has an access log (loggkontroll)."""

FIXED_TIME: Final = (1980, 1, 1, 0, 0, 0)
"""Every member's timestamp: the earliest a zip can hold, never the wall clock."""
_UNREADABLE: Final = (
    OSError, EOFError, RuntimeError, ValueError, zipfile.BadZipFile, zlib.error,
)  # fmt: skip
"""What zipfile raises on damaged bytes: a bad CRC, a name that differs between header
and directory, a flipped "encrypted" flag, a size beyond the file …"""
_MODE: Final = 0o100644 << 16  # a regular file, rw-r--r--, on Unix
_CHUNK: Final = 1 << 20


class BundleError(CaselogError, ValueError):
    """A bundle that is not what it claims: a changed member, manifest or layout."""

    def __init__(self, reason: str, *, member: str | None = None) -> None:
        """Say what is wrong, naming the member when one is to blame."""
        self.member = member
        super().__init__(f"{member}: {reason}" if member else reason)


@dataclass(frozen=True, slots=True)
class Checked:
    """A bundle that holds: its members with their sizes, and its manifest."""

    members: tuple[tuple[str, int], ...]
    manifest: dict[str, Any]


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    """The canonical text of a manifest: sorted keys, two-space indent, one newline."""
    return (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def write_archive(
    members: dict[str, Path], arguments: dict[str, Any], version: str, out: IO[bytes]
) -> None:
    """Write the canonical archive of `members` (name → file) with their manifest to `out`."""
    listed = [
        {"name": name, "bytes": members[name].stat().st_size, "sha256": sha256_of(members[name])}
        for name in sorted(members)
    ]
    manifest = {"format": FORMAT, "caselog": version, "arguments": arguments, "members": listed}
    text = manifest_bytes(manifest)
    check = f"{hashlib.sha256(text).hexdigest()}  {MANIFEST}\n".encode()
    with tempfile.TemporaryDirectory() as scratch:
        extra = {MANIFEST: Path(scratch) / MANIFEST, MANIFEST_HASH: Path(scratch) / MANIFEST_HASH}
        extra[MANIFEST].write_bytes(text)
        extra[MANIFEST_HASH].write_bytes(check)
        _lay_out(sorted({**members, **extra}.items()), out)


def _lay_out(members: Iterable[tuple[str, Path]], out: IO[bytes]) -> None:
    """The zip itself: stored members, fixed time and mode, in the order given."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, path in members:
            info = _info(name)
            size = path.stat().st_size
            with (
                path.open("rb") as source,
                archive.open(info, "w", force_zip64=size >= zipfile.ZIP64_LIMIT) as target,
            ):
                shutil.copyfileobj(source, target, _CHUNK)


def _info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    info.compress_type = zipfile.ZIP_STORED
    info.external_attr = _MODE
    info.create_system = 3
    return info


def verify_bundle(path: Path) -> Checked:
    """Check a bundle without the database; the first thing wrong, naming the member.

    Raises:
        BundleError: not a zip; a layout other than the canonical one (a member extra,
            missing, renamed or out of order; another timestamp or compression); a member
            or the manifest whose bytes changed; or bytes changed outside the members.
    """
    try:
        archive = zipfile.ZipFile(path)
    except _UNREADABLE as error:
        msg = f"{path} is not a readable zip archive ({error})"
        raise BundleError(msg) from None
    with archive, tempfile.TemporaryDirectory() as scratch:
        names = [info.filename for info in archive.infolist()]
        _check_layout(archive, names)
        extracted = {name: _extract(archive, name, Path(scratch)) for name in names}
        text = extracted[MANIFEST].read_bytes()
        want = extracted[MANIFEST_HASH].read_bytes()
        if want != f"{hashlib.sha256(text).hexdigest()}  {MANIFEST}\n".encode():
            raise BundleError("its hash is not the one manifest.sha256 holds", member=MANIFEST)
        manifest = _parsed(text)
        listed = [m.get("name") for m in manifest["members"]]
        if listed != [n for n in names if n not in {MANIFEST, MANIFEST_HASH}]:
            msg = f"the archive holds {names}, the manifest lists {listed}"
            raise BundleError(msg)
        for entry in manifest["members"]:
            name = entry["name"]
            got = extracted[name].stat().st_size, sha256_of(extracted[name])
            if got != (entry.get("bytes"), entry.get("sha256")):
                raise BundleError("changed: its SHA-256 is not the manifest's", member=name)
        _check_bytes(path, names, extracted, Path(scratch))
        sizes = tuple((n, extracted[n].stat().st_size) for n in names)
    return Checked(sizes, manifest)


def _check_layout(archive: zipfile.ZipFile, names: list[str]) -> None:
    """The canonical layout: known names, each once, sorted, with fixed attributes."""
    known = REQUIRED | OPTIONAL | {MANIFEST, MANIFEST_HASH}
    if unknown := [n for n in names if n not in known]:
        msg = f"not a canonical bundle: unexpected member(s) {', '.join(unknown)}"
        raise BundleError(msg)
    if missing := sorted((REQUIRED | {MANIFEST, MANIFEST_HASH}) - set(names)):
        msg = f"not a canonical bundle: missing member(s) {', '.join(missing)}"
        raise BundleError(msg)
    if len(set(names)) != len(names):
        raise BundleError("not a canonical bundle: a member appears twice")
    if names != sorted(names):
        msg = f"not a canonical bundle: members out of order ({', '.join(names)})"
        raise BundleError(msg)
    for info in archive.infolist():
        fixed = (info.date_time, info.compress_type, info.external_attr)
        if fixed != (FIXED_TIME, zipfile.ZIP_STORED, _MODE) or info.comment:
            msg = "not a canonical bundle: another timestamp, compression or attribute"
            raise BundleError(msg, member=info.filename)
    if archive.comment:
        raise BundleError("not a canonical bundle: the archive has a comment")


def _extract(archive: zipfile.ZipFile, name: str, scratch: Path) -> Path:
    """A member copied out, its CRC checked by zipfile as it is read."""
    target = scratch / name
    try:
        with archive.open(name) as source, target.open("wb") as sink:
            shutil.copyfileobj(source, sink, _CHUNK)
    except _UNREADABLE as error:
        msg = f"changed: {error}"
        raise BundleError(msg, member=name) from None
    return target


def _parsed(text: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(text)
    except ValueError as error:
        msg = f"not JSON ({error})"
        raise BundleError(msg, member=MANIFEST) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        msg = f"not a {FORMAT} manifest"
        raise BundleError(msg, member=MANIFEST)
    if manifest_bytes(manifest) != text or not isinstance(manifest.get("members"), list):
        raise BundleError("not in its canonical form", member=MANIFEST)
    return manifest


def _check_bytes(path: Path, names: list[str], extracted: dict[str, Path], scratch: Path) -> None:
    """The archive laid out again from its members must be the very same bytes."""
    again = scratch / ".again.zip"
    with again.open("wb") as out:
        _lay_out(((n, extracted[n]) for n in names), out)
    if sha256_of(again) != sha256_of(path):
        msg = "bytes outside the members changed (a header, the directory or a padding)"
        raise BundleError("not a canonical bundle: " + msg)
