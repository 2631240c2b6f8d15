"""A date that remembers how it was used: how far an answer holds as `on` moves (issue 10).

The read models store, for every obligation, the rectangle of (`on`, `known_at`) over
which it stays the same. Rather than teaching forty rules to describe their own time
structure, the materialiser judges a stream once with `on` (and the Swedish date of
`known_at`) given as a `Probe`: a real date whose every comparison is noted by its
`Tracker`. From the comparisons the tracker knows the first later day on which any of
them would come out differently; until that day every rule takes the same branches, so
it yields the same rows. The one quantity that changes every day, `days_overdue`
(`on` minus the effective due date), comes out as `Elapsed`, which the query computes.

Every other use that would read the date's value without telling the tracker — hashing
it, taking its day or ISO text, comparing two independent probes — raises
`ProbeEscapeError`, so a rule the materialiser cannot follow fails loudly instead of
being stored wrong. One use cannot be caught: `datetime.combine(probe, …)` reads the
value in C. No rule combines `on` with a time (`on` is a day; instants are `known_at`),
and the equivalence properties (tests/readmodel) would show it if one did.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Final, NoReturn, Self

if TYPE_CHECKING:
    from datetime import datetime

LAST_DAY: Final = date(9999, 12, 31)


class ProbeEscapeError(RuntimeError):
    """A rule used a tracked date in a way whose dependence on it cannot be followed."""


class Tracker:
    """The first later day on which any comparison seen so far would change its answer.

    A probe is only ever evaluated at the start of the range still to be covered, so
    only the upper bound matters: `hi` (exclusive), None while nothing bounds it.
    Comparisons made while answering one question about `known_at` may also bound the
    known axis by an instant (`known_by`): a later record of a referred stream.
    """

    __slots__ = ("base", "hi", "instant_hi")

    def __init__(self, base: date) -> None:
        """Track a date whose value is `base`."""
        self.base = base
        self.hi: date | None = None
        self.instant_hi: datetime | None = None

    def until(self, day: date) -> None:
        """Note that answers hold for values before `day` (and from `base` on)."""
        if day <= self.base:
            msg = f"a tracked answer cannot change on {day}, at or before {self.base}"
            raise ProbeEscapeError(msg)
        if self.hi is None or day < self.hi:
            self.hi = day

    def known_by(self, instant: datetime) -> None:
        """Note that answers hold for `known_at` before `instant`."""
        if self.instant_hi is None or instant < self.instant_hi:
            self.instant_hi = instant

    def probe(self) -> Probe:
        """The tracked date itself."""
        return Probe._make(self, 0)


def _next(day: date) -> date:
    return LAST_DAY if day >= LAST_DAY else day + timedelta(days=1)


class Probe(date):
    """A date `shift` days after its tracker's base; comparisons are noted (module doc)."""

    __slots__ = ("_shift", "_tracker")
    _tracker: Tracker
    _shift: int

    @classmethod
    def _make(cls, tracker: Tracker, shift: int) -> Probe:
        value = tracker.base + timedelta(days=shift)
        made = cls(value.year, value.month, value.day)
        made._tracker, made._shift = tracker, shift
        return made

    def _bound(self, other: date, how: str = "compared with") -> date | None:
        """`other` as a bound on the base (other − shift).

        None for a probe of the same tracker: their order never changes.
        """
        if isinstance(other, Probe):
            if other._tracker is not self._tracker:  # noqa: SLF001 - the same class
                _escape(f"{how} an independently tracked date (on with known_at)")
            return None
        try:
            return other - timedelta(days=self._shift)
        except OverflowError:
            return other

    def _shift_of(self, other: date) -> int:
        return other._shift if isinstance(other, Probe) else 0  # noqa: SLF001 - the same class

    # Each comparison answers for the base's value now, and notes when that answer flips
    # as the base moves forward; answers that can no longer flip note nothing.

    def __lt__(self, other: object) -> bool:
        """`self < other`: true until the base reaches the bound."""
        if not isinstance(other, date):
            return NotImplemented
        bound = self._bound(other)
        if bound is None:
            return self._shift < self._shift_of(other)
        if self._tracker.base < bound:
            self._tracker.until(bound)
            return True
        return False

    def __le__(self, other: object) -> bool:
        """`self <= other`: true until the day after the bound."""
        if not isinstance(other, date):
            return NotImplemented
        bound = self._bound(other)
        if bound is None:
            return self._shift <= self._shift_of(other)
        if self._tracker.base <= bound:
            self._tracker.until(_next(bound))
            return True
        return False

    def __gt__(self, other: object) -> bool:
        """`not self <= other`."""
        if not isinstance(other, date):
            return NotImplemented
        return not self.__le__(other)

    def __ge__(self, other: object) -> bool:
        """`not self < other`."""
        if not isinstance(other, date):
            return NotImplemented
        return not self.__lt__(other)

    def __eq__(self, other: object) -> bool:
        """Equal on the bound only: false before it (until it), true on it (until the next day)."""
        if not isinstance(other, date):
            return False
        bound = self._bound(other)
        if bound is None:
            return self._shift == self._shift_of(other)
        base = self._tracker.base
        if base == bound:
            self._tracker.until(_next(bound))
            return True
        if base < bound:
            self._tracker.until(bound)
        return False

    def __ne__(self, other: object) -> bool:
        """`not self == other`."""
        return not self.__eq__(other)

    def __hash__(self) -> NoReturn:  # noqa: PLE0309
        """Refused: a dict or cache keyed by the date would answer without telling."""
        _escape("hashed (used as a key or cached)")

    # Arithmetic: whole days move the probe; the distance from a fixed day is `Elapsed`.

    def __add__(self, other: timedelta) -> Probe:
        """Whole days later: the same tracker, shifted."""
        if not (other.seconds or other.microseconds):
            return Probe._make(self._tracker, self._shift + other.days)
        return NotImplemented

    __radd__ = __add__

    def __sub__(self, other: object) -> Probe | timedelta:  # type: ignore[override]
        """Whole days earlier (a probe), or the distance from a fixed day (`Elapsed`)."""
        if isinstance(other, timedelta) and not (other.seconds or other.microseconds):
            return Probe._make(self._tracker, self._shift - other.days)
        if isinstance(other, date):
            if self._bound(other, "subtracted from") is None:
                return timedelta(days=self._shift - self._shift_of(other))
            origin = other - timedelta(days=self._shift)
            return Elapsed(days=(self._tracker.base - origin).days, origin=origin)
        return NotImplemented

    def __rsub__(self, other: object) -> NoReturn:
        """Refused: a fixed day minus `on` shrinks as `on` grows; no rule needs it."""
        _escape("subtracted from a fixed date")

    # Whole years and months are ranges of the base; anything finer is refused.

    @property
    def year(self) -> int:
        """The year, holding until the base's next New Year."""
        value = self._tracker.base + timedelta(days=self._shift)
        self._tracker.until(date(value.year + 1, 1, 1) - timedelta(days=self._shift))
        return value.year

    @property
    def month(self) -> int:
        """The month, holding until the first of the next month."""
        value = self._tracker.base + timedelta(days=self._shift)
        first = date(value.year + value.month // 12, value.month % 12 + 1, 1)
        self._tracker.until(first - timedelta(days=self._shift))
        return value.month

    @property
    def day(self) -> NoReturn:
        """Refused: the day of the month changes every day."""
        _escape("asked for its day")

    def toordinal(self) -> NoReturn:
        """Refused: a number that changes every day."""
        _escape("turned into an ordinal")

    def weekday(self) -> NoReturn:
        """Refused: changes every day."""
        _escape("asked for its weekday")

    def isoweekday(self) -> NoReturn:
        """Refused: changes every day."""
        _escape("asked for its weekday")

    def isoformat(self) -> NoReturn:
        """Refused: text that changes every day."""
        _escape("written as text")

    def __str__(self) -> NoReturn:  # noqa: PLE0307 - it never returns
        """Refused: text that changes every day."""
        _escape("written as text")

    def __format__(self, spec: str) -> NoReturn:
        """Refused: text that changes every day."""
        _escape("written as text")

    def strftime(self, _fmt: str) -> NoReturn:
        """Refused: text that changes every day."""
        _escape("written as text")

    def ctime(self) -> NoReturn:
        """Refused: text that changes every day."""
        _escape("written as text")

    def timetuple(self) -> NoReturn:
        """Refused: its parts change every day."""
        _escape("taken apart")

    def isocalendar(self) -> NoReturn:
        """Refused: its parts change every day."""
        _escape("taken apart")

    def replace(self, *_args: object, **_kwargs: object) -> NoReturn:
        """Refused: its parts change every day."""
        _escape("replaced in part")

    def __reduce__(self) -> NoReturn:
        """Refused: a copy would not be tracked."""
        _escape("copied or pickled")


class Elapsed(timedelta):
    """`on` minus a fixed day: its `days` is `on − origin`, computed by the query."""

    origin: date

    def __new__(cls, *, days: int, origin: date) -> Self:
        """The distance now (`days`) from `origin`."""
        made = super().__new__(cls, days=days)
        made.origin = origin
        return made

    @property
    def days(self) -> ElapsedDays:
        """The days, as a number that remembers its origin."""
        return ElapsedDays(timedelta.days.__get__(self), self.origin)

    def _refuse(self, *_: object) -> NoReturn:
        _counted()

    __lt__ = __le__ = __gt__ = __ge__ = _refuse
    __add__ = __radd__ = __sub__ = __rsub__ = __neg__ = __abs__ = _refuse
    __mul__ = __rmul__ = __truediv__ = __floordiv__ = _refuse


class ElapsedDays(int):
    """A number of days that grows with `on`: `on − origin`. Only stored, never computed with."""

    origin: date

    def __new__(cls, value: int, origin: date) -> Self:
        """`value` days now, counted from `origin`."""
        made = super().__new__(cls, value)
        made.origin = origin
        return made

    def _refuse(self, *_: object) -> NoReturn:
        _counted()

    __lt__ = __le__ = __gt__ = __ge__ = _refuse
    __add__ = __radd__ = __sub__ = __rsub__ = __neg__ = __abs__ = _refuse
    __mul__ = __rmul__ = __floordiv__ = __rfloordiv__ = __mod__ = _refuse
    __bool__ = _refuse


def _counted() -> NoReturn:
    msg = (
        "a number of days counted from a tracked date was computed with; "
        "the read model cannot follow this rule"
    )
    raise ProbeEscapeError(msg)


def _escape(how: str) -> NoReturn:
    msg = f"a tracked date was {how}; the read model cannot follow this rule"
    raise ProbeEscapeError(msg)
