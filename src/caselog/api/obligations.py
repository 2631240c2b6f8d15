"""`Obligations`: the typed rows of a compliance query, and their DataFrame forms (D10).

The rows are the rules' own `Obligation` models; the column names are the JSON field names
of D7 and are stable (docs/compliance.md). pandas, polars and pyarrow are optional: each
conversion imports its library when called and names the extra to install if it is missing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, overload

from caselog.rules.model import OBLIGATION_FIELDS, Obligation

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl
    import pyarrow as pa

COLUMNS: tuple[str, ...] = OBLIGATION_FIELDS
"""The stable column names, in D7 order."""


@dataclass(frozen=True)
class Obligations(Sequence[Obligation]):
    """The obligations a query found, in (case, rule, trigger) order."""

    rows: tuple[Obligation, ...]

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
        return len(self.rows)

    def __iter__(self) -> Iterator[Obligation]:
        """The rows in order."""
        return iter(self.rows)

    def by_status(self) -> dict[str, int]:
        """How many rows of each status."""
        return dict(Counter(o.status.value for o in self.rows))

    def records(self) -> list[dict[str, Any]]:
        """The rows as JSON-ready dicts with the D7 field names."""
        return [o.as_record() for o in self.rows]

    def to_pandas(self) -> pd.DataFrame:
        """A pandas DataFrame with the D7 columns (needs `caselog[frames]`)."""
        frame: pd.DataFrame = _require("pandas").DataFrame.from_records(
            self.records(), columns=list(COLUMNS)
        )
        return frame

    def to_polars(self) -> pl.DataFrame:
        """A polars DataFrame with the D7 columns (needs `caselog[frames]`)."""
        polars = _require("polars")
        data = self.records()
        frame: pl.DataFrame = (
            polars.DataFrame(data) if data else polars.DataFrame(schema=list(COLUMNS))
        )
        return frame

    def to_arrow(self) -> pa.Table:
        """A pyarrow Table with the D7 columns (needs `caselog[frames]`)."""
        pyarrow = _require("pyarrow")
        data = self.records()
        return (
            pyarrow.Table.from_pylist(data)
            if data
            else pyarrow.table({column: [] for column in COLUMNS})
        )


def _require(module: str) -> Any:  # noqa: ANN401 - a module
    try:
        return __import__(module)
    except ImportError:  # pragma: no cover - the frames extra is installed in tests
        msg = f"{module} is not installed: pip install 'caselog[frames]'"
        raise ImportError(msg) from None
