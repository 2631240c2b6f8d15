"""Every read through `CaseLog` is recorded: the access log (loggkontroll, issue 13).

A read of a child's records is a disclosure inside the authority (OSL 26 kap.); IVO and
IMY expect each to be traceable — who, what, when, and why — and the log of reads to be
reviewed regularly by a random sample. So every public read of `CaseLog` records one
access *before* it answers, once its question was checked (a malformed question leaves
no row, an unknown case is still an attempt to read it), and a read that cannot be
recorded is not answered. The storage and its hash chain are
`caselog.storage.access_log`.

A public read is marked `@read_access` and records itself with one line,
`self._accessed(what, case_id, actor, **parameters)`, where `actor` is the read's own
`actor=` (who reads, when a log opened by a service answers many; None: the log's actor);
a public read made inside another one (a report that asks for obligations) is recorded
once, as the outer read.
"""

from __future__ import annotations

import functools
import random
import re
import secrets
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Final, ParamSpec, TypeVar

import orjson

from caselog.dates import end_of_day_utc, start_of_day_utc
from caselog.events.base import ID_PATTERN, _visible
from caselog.storage.access_log import Access, AccessEntry, access_store
from caselog.storage.chain import rfc3339

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Mapping
    from typing import Concatenate

    from caselog.storage import EventStore

MAX_TEXT: Final = 256
"""The longest actor or purpose, as an event's `actor` (DESIGN.md D2)."""
_ID: Final = re.compile(ID_PATTERN)
_READING: ContextVar[tuple[int, ...]] = ContextVar("caselog_reading", default=())
"""The logs (by id) whose public read is running in this context, outermost first."""

S = TypeVar("S", bound="AccessRecording")
P = ParamSpec("P")
R = TypeVar("R")


def checked_actor(actor: object) -> str:
    """Who reads (and records): 1–256 characters, one visible, no control characters.

    >>> checked_actor(" ")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
      ...
    ValueError: the actor needs at least one visible character ... (got 1 character(s): U+0020)
    """
    if not actor or not isinstance(actor, str):
        msg = "an actor is required: who records and reads the log"
        raise ValueError(msg)
    return _checked(actor, "actor")


def checked_purpose(purpose: object) -> str | None:
    """Why the log is read (optional): checked like an actor when given.

    >>> checked_purpose("utredning enligt SoL 11 kap. 1 §")
    'utredning enligt SoL 11 kap. 1 §'
    """
    if purpose is None:
        return None
    if not isinstance(purpose, str):
        msg = f"the purpose is text (got {type(purpose).__name__})"
        raise ValueError(msg)  # noqa: TRY004 - a wrong argument, as for the actor
    if not purpose:
        msg = "the purpose is empty: leave it out, or say why the log is read"
        raise ValueError(msg)
    return _checked(purpose, "purpose")


def _checked(text: str, name: str) -> str:
    if len(text) > MAX_TEXT:
        msg = f"the {name} is longer than {MAX_TEXT} characters ({len(text)})"
        raise ValueError(msg)
    try:
        return _visible(text)
    except ValueError as error:
        msg = f"the {name} {error}"
        raise ValueError(msg) from None


def read_access(method: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
    """Mark a public read: reads it makes of this log inside are not recorded again."""

    @functools.wraps(method)
    def reading(self: S, /, *args: P.args, **kwargs: P.kwargs) -> R:
        token = _READING.set((*_READING.get(), id(self)))
        try:
            return method(self, *args, **kwargs)
        finally:
            _READING.reset(token)

    return reading


def detail_of(parameters: Mapping[str, object]) -> str:
    """A question's parameters as canonical JSON text (sorted keys, UTC timestamps).

    >>> detail_of({"on": date(2019, 11, 25), "known_at": datetime(2019, 11, 25, tzinfo=UTC)})
    '{"known_at":"2019-11-25T00:00:00.000000Z","on":"2019-11-25"}'
    """
    plain = {name: _plain(value) for name, value in parameters.items()}
    return orjson.dumps(plain, option=orjson.OPT_SORT_KEYS).decode()


def _plain(value: object) -> object:
    """A parameter as a JSON value: timestamps in the chain's RFC 3339, sets sorted."""
    if isinstance(value, datetime):
        return rfc3339(value).decode()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, frozenset | set):
        return sorted(_plain(v) for v in value)  # type: ignore[type-var] # texts
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def searched(text: str | None) -> str | None:
    """A search as the access log keeps it: an id fragment, or only its length.

    `cases(search=...)` matches case ids only, so a search that could not be part of an
    id is free text that may name a person, and the access log never keeps free text.

    >>> searched("c-10"), searched("Anna Öberg")
    ('c-10', '(10 characters, not an id)')
    """
    if text is None or _ID.fullmatch(text):
        return text
    return f"({len(text)} characters, not an id)"


def case_of(streams: Collection[str]) -> str | None:
    """The one child whose case streams are read, if there is one.

    >>> case_of(["child:c-1"]), case_of(["child:c-1", "home:h-1"])
    ('c-1', None)
    """
    children = {s.removeprefix("child:") for s in streams if s.startswith("child:")}
    return children.pop() if len(children) == 1 and len(set(streams)) == 1 else None


@dataclass(frozen=True, slots=True)
class AccessSample:
    """A uniform random sample of the access log, for the regular review (loggkontroll)."""

    accesses: tuple[Access, ...]
    """The reads drawn, in position order."""
    seed: int
    """The seed it was drawn with: the same seed over the same period draws the same reads."""
    population: int
    """How many reads it was drawn from (every matching read before this sample was asked)."""
    asked: int

    @property
    def whole(self) -> bool:
        """Whether there were no more reads than asked for, so every one is in the sample."""
        return self.population <= self.asked


class AccessRecording:
    """Recording reads, and reading the record (mixed into `CaseLog`)."""

    store: EventStore
    actor: str
    purpose: str | None
    clock: Callable[[], datetime]

    def _accessed(
        self,
        what: str,
        case_id: str | None = None,
        reader: str | None = None,
        /,
        **parameters: object,
    ) -> Access | None:
        """Record one read before answering it; None inside another read of this log.

        `reader` is who reads when it is not the log's own actor: one log opened by a
        service answers many actors, each read recorded as its own (the `actor=` of the
        public reads).

        Raises:
            ValueError: the actor (or `reader`) or purpose is not one that may read.
            NeedsUpgradeError: the log was made before the access log: it cannot record.
            StoreNotFoundError: there is no log here.
        """
        if _READING.get().count(id(self)) > 1:
            return None  # recorded once, as the public read that asked for it
        entry = AccessEntry(
            checked_actor(self.actor if reader is None else reader),
            checked_purpose(self.purpose),
            what,
            case_id,
            detail_of(parameters),
        )
        return access_store(self.store).record_access(entry, clock=self.clock)

    @read_access
    def access_log(
        self,
        *,
        case: str | None = None,
        actor: str | None = None,
        from_: date | datetime | None = None,
        to: date | datetime | None = None,
    ) -> list[Access]:
        """The recorded reads, in log order: of one case, by one actor, in a period.

        `from_` and `to` are days in Swedish time (both included) or aware timestamps.
        Reading the access log is itself a read, recorded first: the answer includes it
        when it matches.

        Raises:
            ValueError: the period ends before it begins, or a timestamp has no zone.
        """
        start, end = period(from_, to)
        own = self._accessed("access_log", case, by=actor, **{"from": from_, "to": to})
        return access_store(self.store).accesses(
            case_id=case, actor=actor, start=start, end=end,
            through=None if own is None else own.position,
        )  # fmt: skip

    @read_access
    def access_sample(
        self,
        n: int,
        *,
        seed: int | None = None,
        from_: date | datetime | None = None,
        to: date | datetime | None = None,
        case: str | None = None,
        actor: str | None = None,
    ) -> AccessSample:
        """`n` reads drawn uniformly at random, without replacement, for the regular review.

        Drawn from the reads recorded before this sample was asked that match the period
        (and `case`, `actor` when given; as `access_log`): the sample's own read is
        recorded, but not among them. With no more than `n` such reads, all of them.
        Without a `seed` one is drawn from the system's entropy and returned, so the
        sample can be drawn again.

        Raises:
            ValueError: `n` is not a whole number ≥ 1, the seed not an integer, or the
                period ends before it begins.
        """
        given: tuple[object, object] = n, seed  # typed as ints; at run time anything
        if isinstance(given[0], bool) or not isinstance(given[0], int) or n < 1:
            msg = f"a sample is a whole number of reads, at least 1 (got {n!r})"
            raise ValueError(msg)
        if given[1] is not None and (isinstance(given[1], bool) or not isinstance(given[1], int)):
            msg = f"the seed of a sample is an integer (got {seed!r})"
            raise ValueError(msg)
        start, end = period(from_, to)
        seed = secrets.randbelow(2**32) if seed is None else seed
        own = self._accessed(
            "access_log", case, sample=n, seed=seed, by=actor, **{"from": from_, "to": to}
        )
        population = access_store(self.store).accesses(
            case_id=case, actor=actor, start=start, end=end,
            through=None if own is None else own.position - 1,
        )  # fmt: skip
        # A seeded, reproducible draw is the point here, not unpredictability.
        drawn = random.Random(seed).sample(population, min(n, len(population)))  # noqa: S311
        return AccessSample(
            tuple(sorted(drawn, key=lambda a: a.position)), seed, len(population), n
        )


def period(
    from_: date | datetime | None, to: date | datetime | None
) -> tuple[datetime | None, datetime | None]:
    """The bounds of a period of reads: days in Swedish time (both included) or timestamps.

    >>> period(date(2024, 1, 1), date(2024, 1, 31))[1].isoformat()
    '2024-01-31T22:59:59.999999+00:00'
    """
    start = None if from_ is None else _bound(from_, end_of_day=False)
    end = None if to is None else _bound(to, end_of_day=True)
    if start is not None and end is not None and end < start:
        msg = f"the period ends ({_plain(to)}) before it begins ({_plain(from_)})"
        raise ValueError(msg)
    return start, end


def _bound(value: date | datetime, *, end_of_day: bool) -> datetime:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            msg = "a timestamp bounding the period needs a time zone (or pass a date)"
            raise ValueError(msg)
        return value.astimezone(UTC)
    return end_of_day_utc(value) if end_of_day else start_of_day_utc(value)
