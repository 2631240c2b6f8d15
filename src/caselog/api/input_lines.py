"""Input as people have it: JSON Lines bytes from a file, a pipe or standard input.

What a municipality's export really looks like — gzip-compressed or not, whatever the
file is called, with a UTF-8 byte order mark from .NET or PowerShell, CRLF line ends —
is read here into numbered lines, once, front to back; UTF-16 and UTF-32 are refused
with a message naming them, never read as garbage (docs/ingest.md).
"""

from __future__ import annotations

import codecs
import gzip
import io
import zlib
from typing import IO, TYPE_CHECKING, Any, Final, cast

from caselog.errors import IngestRejectedError, Problem

if TYPE_CHECKING:
    from collections.abc import Iterator


GZIP_MAGIC: Final = b"\x1f\x8b"
"""The first two bytes of gzip data: a compressed input is recognised by them, not its name."""

_FOREIGN_BOMS: Final = (  # UTF-32 LE before UTF-16 LE: FF FE 00 00 starts with FF FE
    (codecs.BOM_UTF32_BE, "UTF-32 (big-endian, with a byte order mark)"),
    (codecs.BOM_UTF32_LE, "UTF-32 (little-endian, with a byte order mark)"),
    (codecs.BOM_UTF16_BE, "UTF-16 (big-endian, with a byte order mark)"),
    (codecs.BOM_UTF16_LE, "UTF-16 (little-endian, with a byte order mark)"),
)
_HEAD = 4
_BUFFER = 1 << 16


def read_lines(stream: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    r"""(line number, raw line) for every non-blank line of a JSON Lines byte stream.

    The stream is read once, front to back, so it may be a pipe or a FIFO. gzip data is
    recognised by its first bytes, whatever the file is called, and decompressed; a UTF-8
    byte order mark (what .NET and PowerShell write) is skipped. Line numbers count every
    line, blank ones too.

    >>> import io
    >>> list(read_lines(io.BytesIO(b'\xef\xbb\xbf{"a": 1}\n\n{"b": 2}')))
    [(1, b'{"a": 1}\n'), (3, b'{"b": 2}')]

    Raises:
        IngestRejectedError: the input is UTF-16 or UTF-32 (named, with how to convert it),
            or its gzip data is damaged; the problem names the line reached.
    """
    head, body = _peeked(stream)
    if not head.startswith(GZIP_MAGIC):
        _refuse_foreign_encoding(head)
        yield from _lines(body)
        return
    number = 0
    try:
        head, body = _peeked(cast("IO[bytes]", gzip.GzipFile(fileobj=body, mode="rb")))
        _refuse_foreign_encoding(head)
        for number, raw in _lines(body):  # `number` names the line where it broke
            yield number, raw
    except (OSError, EOFError, zlib.error) as error:
        reason = f"damaged gzip data: {error}"
        raise IngestRejectedError([Problem(number + 1, "", reason)], 1) from None


def _lines(body: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    for number, raw in enumerate(body, start=1):
        line = (
            raw[len(codecs.BOM_UTF8) :] if number == 1 and raw.startswith(codecs.BOM_UTF8) else raw
        )
        if line.strip():
            yield number, line


def _refuse_foreign_encoding(head: bytes) -> None:
    """Name a UTF-16 or UTF-32 input at once, instead of one 'not UTF-8' per line."""
    encoding = next((name for bom, name in _FOREIGN_BOMS if head.startswith(bom)), None)
    if encoding is None and len(head) >= 2 and 0 in head[:2]:  # noqa: PLR2004
        # JSON in UTF-8 never starts with a NUL byte; `{` in UTF-16 or UTF-32 does.
        order = "little-endian" if head[0] else "big-endian"
        width = "32" if head[1:3] == b"\0\0" or head[:3] == b"\0\0\0" else "16"
        encoding = f"UTF-{width} ({order}, without a byte order mark)"
    if encoding is not None:
        bits = encoding.split(maxsplit=1)[0]
        reason = (
            f"the input is {encoding}, not UTF-8: convert it first, "
            f"e.g. with `iconv -f {bits} -t UTF-8`"
        )
        raise IngestRejectedError([Problem(1, "", reason)], 1)


def _peeked(stream: IO[bytes]) -> tuple[bytes, IO[bytes]]:
    """The first bytes of a stream, and the whole stream again: a pipe cannot seek back."""
    head = b""
    while len(head) < _HEAD and (more := stream.read(_HEAD - len(head))):
        head += more
    return head, io.BufferedReader(_Rejoined(head, stream), buffer_size=_BUFFER)


class _Rejoined(io.RawIOBase):
    """`head` followed by the rest of `stream`: a stream read ahead of, put together again."""

    def __init__(self, head: bytes, stream: IO[bytes]) -> None:
        self._head = memoryview(head)
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:  # noqa: ANN401 - a writable buffer
        if self._head:
            size = min(len(buffer), len(self._head))
            buffer[:size] = self._head[:size]
            self._head = self._head[size:]
            return size
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)
