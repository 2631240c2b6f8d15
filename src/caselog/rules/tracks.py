"""One rule's judgements along `on`, and its rows' rectangles as knowledge grows (issue 10).

A `Track` holds, for one rule of one stream (or for the stream's case-state fold), the
pieces of `on` its judgements cover in the current strip of knowledge, and the runs of
each row (a slot: the row's place among the rule's rows) that are still open. When a new
strip judges the rule again from some day on, `settle` closes only the runs whose values
changed from that day on, so a new record costs what it changed, not the stream's past.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Final, Generic, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

FIRST_DAY: Final = date(1900, 1, 1)
"""The first `on` the read models answer for: no event may be dated earlier."""

V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class Piece(Generic[V]):
    """One judgement: its values for `on` in [on_from, on_to), held until `known_to`."""

    on_from: date
    on_to: date
    values: tuple[V, ...]
    known_to: datetime | None
    reads: frozenset[object] | None = None
    """What of the view the judgement read (fact classes, `FIRST`, `RETRACTED`); None:
    all of it. A new record changes the piece only from the first date it changes that."""


@dataclass(slots=True)
class Run(Generic[V]):
    """One slot's value over [on_from, on_to) since `known_from`, not yet closed."""

    value: V
    on_from: date
    on_to: date
    known_from: datetime


Emitted = tuple[int, V, date, date, datetime, datetime | None]
"""(slot, value, on_from, on_to, known_from, known_to): one closed rectangle."""


class Track(Generic[V]):
    """One rule's (or the fold's) pieces along `on`, and its open runs per slot."""

    def __init__(self) -> None:
        """No pieces and no runs yet."""
        self.pieces: list[Piece[V]] = []
        self.open: dict[int, list[Run[V]]] = {}

    def cut(self, changed: Callable[[Piece[V]], date], known: datetime) -> date:
        """Keep the pieces that still hold, and return the first `on` to judge again.

        A piece holds before the date `changed` says a new record changes what it read,
        while its knowledge is still valid at `known`.
        """
        kept: list[Piece[V]] = []
        for piece in self.pieces:
            if piece.known_to is not None and piece.known_to <= known:
                break
            if piece.on_to <= (since := changed(piece)):
                kept.append(piece)
                continue
            if piece.on_from < since:
                kept.append(replace(piece, on_to=since))
            break
        self.pieces = kept
        return kept[-1].on_to if kept else FIRST_DAY

    def settle(self, resume: date, known: datetime) -> Iterator[Emitted[V]]:
        """Close the runs the pieces from `resume` on changed, as of `known`; open new ones.

        Only the slots whose values differ from `resume` on are touched, so a new strip
        costs what it changed, not the stream's whole history.
        """
        fresh: dict[int, list[Run[V]]] = {}
        for piece in self.pieces:
            if piece.on_to <= resume:
                continue
            for slot, value in enumerate(piece.values):
                runs = fresh.setdefault(slot, [])
                last = runs[-1] if runs else None
                if last is not None and last.on_to == piece.on_from and last.value == value:
                    last.on_to = piece.on_to
                else:
                    runs.append(Run(value, piece.on_from, piece.on_to, known))
        for slot in set(self.open) | set(fresh):
            yield from self._settle_slot(slot, fresh.get(slot, []), resume, known)

    def _settle_slot(
        self, slot: int, new: list[Run[V]], resume: date, known: datetime
    ) -> Iterator[Emitted[V]]:
        runs = self.open.get(slot, [])
        first = len(runs)
        while first > 0 and runs[first - 1].on_to > resume:
            first -= 1
        old = runs[first:]
        if [(max(r.on_from, resume), r.on_to, r.value) for r in old] == [
            (r.on_from, r.on_to, r.value) for r in new
        ]:
            return
        for run in old:
            yield slot, run.value, run.on_from, run.on_to, run.known_from, known
        kept = runs[:first]
        if old and old[0].on_from < resume:  # the part before `resume` goes on unchanged
            head = old[0]
            if new and new[0].on_from == resume and new[0].value == head.value:
                new[0].on_from = head.on_from
            else:
                kept.append(Run(head.value, head.on_from, resume, known))
        kept.extend(new)
        if kept:
            self.open[slot] = kept
        else:
            self.open.pop(slot, None)

    def close(self, known_to: datetime | None) -> Iterator[Emitted[V]]:
        """Every run still open, to `known_to`."""
        for slot, runs in self.open.items():
            for run in runs:
                yield slot, run.value, run.on_from, run.on_to, run.known_from, known_to
