"""Events with personal fields (personuppgifter), which may read back withheld (issue 13)."""

from __future__ import annotations

from pydantic import PrivateAttr

from caselog.events.base import EventModel


class Personal(EventModel):
    """An event with personal fields (`personal`), which may read back withheld.

    A field whose key was destroyed by a purge (gallring) reads as None and is named in
    `Recorded.erased`; one whose key is not at hand (no master key) reads as None and is
    named in `Recorded.sealed`. Either way `has()` still says it was given, so a rule that
    asks for presence (R05's `reasons`) judges the same before and after a purge. The
    private attribute lives only on these few classes: on every event it would double
    the cost of decoding (measured with pydantic 2).
    """

    _withheld: frozenset[str] = PrivateAttr(default=frozenset())

    @property
    def withheld(self) -> frozenset[str]:
        """The personal fields that were given but cannot be read here."""
        return self._withheld

    def has(self, name: str) -> bool:
        """Whether field `name` was given, even if its content is withheld."""
        return self.__dict__[name] is not None or name in self._withheld
