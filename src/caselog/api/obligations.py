"""`Obligations`: the typed rows of a compliance query, and their DataFrame forms (D10).

The rows are the rules' own `Obligation` models; the column names are the JSON field names
of D7 and are stable (docs/compliance.md), their types those of `OBLIGATION_SCHEMA`
(`caselog.api.frames`). pandas and polars are optional: each conversion imports its
library when called and names the extra to install if it is missing (`TypedFrame`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, overload

from caselog.api.tables import TypedFrame
from caselog.rules.model import OBLIGATION_FIELDS, Obligation

if TYPE_CHECKING:
    import pyarrow as pa

    from caselog.storage.read_model_schema import StoredObligations

COLUMNS: tuple[str, ...] = OBLIGATION_FIELDS
"""The stable column names, in D7 order."""


class Obligations(TypedFrame, Sequence[Obligation]):
    """The obligations a query found, in (case, rule, trigger) order.

    From the read models the answer arrives as Arrow columns: `to_arrow()`, `by_status()`
    and `len()` use them as they are, and the `Obligation` rows are made only when a row
    is asked for.
    """

    __slots__ = ("_rows", "_stored")

    def __init__(
        self, rows: Iterable[Obligation] = (), *, stored: StoredObligations | None = None
    ) -> None:
        """Rows from the rule engine, or the read models' `stored` answer."""
        self._rows: tuple[Obligation, ...] | None = None if stored is not None else tuple(rows)
        self._stored = stored

    @property
    def rows(self) -> tuple[Obligation, ...]:
        """The rows, as the rule engine's `Obligation` values."""
        if self._rows is None:
            assert self._stored is not None  # noqa: S101 - one of the two is always set
            from caselog.api.frames import rows_of_stored  # noqa: PLC0415 - pyarrow, lazily

            self._rows = rows_of_stored(self._stored)
        return self._rows

    @overload
    def __getitem__(self, index: int) -> Obligation: ...
    @overload
    def __getitem__(self, index: slice) -> Obligations: ...
    def __getitem__(self, index: int | slice) -> Obligation | Obligations:
        """A row, or a slice of rows."""
        if isinstance(index, slice):
            return Obligations(self.rows[index])
        return self.rows[index]

    def __len__(self) -> int:
        """How many rows."""
        return (
            len(self._stored) if self._rows is None and self._stored is not None else len(self.rows)
        )

    def __iter__(self) -> Iterator[Obligation]:
        """The rows in order."""
        return iter(self.rows)

    def __eq__(self, other: object) -> bool:
        """The same rows in the same order."""
        return isinstance(other, Obligations) and self.rows == other.rows

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        """How many rows, not all of them."""
        return f"<Obligations: {len(self)} rows>"

    def by_status(self) -> dict[str, int]:
        """How many rows of each status."""
        if self._rows is None and self._stored is not None:
            counts = self._stored.table.column("status").value_counts().to_pylist()
            return {c["values"]: c["counts"] for c in counts}
        return dict(Counter(o.status.value for o in self.rows))

    def records(self) -> list[dict[str, Any]]:
        """The rows as JSON-ready dicts with the D7 field names."""
        return [o.as_record() for o in self.rows]

    def to_arrow(self) -> pa.Table:
        """A pyarrow Table of `OBLIGATION_SCHEMA`: typed columns, the same when empty."""
        from caselog.api.frames import arrow_of_rows, arrow_of_stored  # noqa: PLC0415

        if self._rows is None and self._stored is not None:
            return arrow_of_stored(self._stored)
        return arrow_of_rows(self.rows)
