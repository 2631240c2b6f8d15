"""An input read once: a file, a FIFO or standard input, copied as it streams by (D6).

A retry after a concurrency conflict reads the copy (in memory while small, then a
temporary file), never the input again, which may be a pipe that is empty by then.
"""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Final, cast

from caselog.api.input_lines import read_lines

if TYPE_CHECKING:
    from collections.abc import Iterator
    from contextlib import ExitStack


_IN_MEMORY: Final = 8 << 20
"""Inputs up to this size are kept in memory for a retry; larger ones go to a temporary file."""


class ReadOnce:
    """An input file, FIFO or standard input, read once: a retry reads its copy (D6).

    The copy is made as the first check reads the input (the raw bytes, gzip still
    compressed), so reading costs one pass and a retry costs nothing from the source.
    """

    def __init__(self, stream: IO[bytes], spool: IO[bytes]) -> None:
        """Read `stream` through a tee that copies every byte into `spool`."""
        self._tee: IO[bytes] = io.BufferedReader(_Tee(stream, spool), buffer_size=1 << 16)
        self._spool = spool
        self._started = False
        self._complete = False

    @classmethod
    def of(cls, source: Path | IO[bytes], stack: ExitStack) -> ReadOnce:
        """Open `source` (a path, `-` for standard input, or a binary stream) to read once."""
        if isinstance(source, Path):
            if str(source) == "-":
                source = sys.stdin.buffer
            else:
                source = stack.enter_context(source.open("rb"))
        spool = tempfile.SpooledTemporaryFile(  # noqa: SIM115 - closed by the stack
            max_size=_IN_MEMORY, prefix="caselog-input-"
        )
        stack.enter_context(spool)
        return cls(source, cast("IO[bytes]", spool))

    def lines(self) -> Iterator[tuple[int, bytes]]:
        """(line number, raw line) of the non-blank lines: the input first, then its copy."""
        if not self._started:
            self._started = True
            yield from read_lines(self._tee)
            self._finish()
            return
        self._finish()
        self._spool.seek(0)
        yield from read_lines(self._spool)

    def _finish(self) -> None:
        """Copy whatever the first reading left unread (e.g. after a rejected first line)."""
        if not self._complete:
            while self._tee.read(1 << 16):
                pass
            self._complete = True


class _Tee(io.RawIOBase):
    """A readable stream that writes every byte read from `source` to `copy`."""

    def __init__(self, source: IO[bytes], copy: IO[bytes]) -> None:
        self._source = source
        self._copy = copy

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:  # noqa: ANN401 - a writable buffer
        data = self._source.read(len(buffer))
        buffer[: len(data)] = data
        self._copy.write(data)
        return len(data)
