"""Typed frames: one Arrow schema per answer, derived from its model, never guessed.

An analyst concatenates the answers of two questions, or a full answer and an empty one,
and gets the same columns of the same types (issue 14): so each schema is read off the
pydantic model that the answer's rows are, field by field — dates `date32`, timestamps
`timestamp[us, UTC]`, enums dictionaries holding *every* member (categories in pandas,
so two frames' categories agree), counts nullable `int64`, flags lists of strings —
and the data never decides a type. pandas and polars come from the Arrow table, with
the same mapping everywhere (`TypedFrame`).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final

import pyarrow as pa

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl
    from pydantic import BaseModel

TIMESTAMP: Final = pa.timestamp("us", tz="UTC")
"""Every instant: microseconds in UTC, as `recorded_at` is kept (D3)."""

ENUM: Final = pa.dictionary(pa.int16(), pa.string())
"""Every enum column: indices into the enum's members, all of them, in declared order."""

_SCALARS: Final[dict[type, pa.DataType]] = {
    bool: pa.bool_(),
    int: pa.int64(),
    float: pa.float64(),
    str: pa.string(),
    date: pa.date32(),
    datetime: TIMESTAMP,
}


def arrow_type(annotation: Any) -> tuple[pa.DataType, tuple[str, ...] | None]:  # noqa: ANN401
    """The Arrow type of a field's annotation, and an enum's members when it is one.

    `X | None` is X (every column is nullable); a tuple of strings or enums is a list of
    strings.

    >>> arrow_type(int | None)
    (DataType(int64), None)
    """
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        if len(args) != 1:
            msg = f"no one Arrow type for {annotation!r}"
            raise TypeError(msg)
        return arrow_type(args[0])
    if typing.get_origin(annotation) is tuple:
        return pa.list_(pa.string()), None
    if isinstance(annotation, type) and issubclass(annotation, StrEnum):
        return ENUM, tuple(member.value for member in annotation)
    if isinstance(annotation, type) and annotation in _SCALARS:
        return _SCALARS[annotation], None
    msg = f"no Arrow type for {annotation!r}"
    raise TypeError(msg)


class Columns:
    """A frame's schema with the members of its enum columns: what `table_of` builds."""

    def __init__(self, fields: Iterable[tuple[str, pa.DataType, tuple[str, ...] | None]]) -> None:
        """Each column's name, type and, for an enum, every member."""
        listed = list(fields)
        self.schema: Final = pa.schema([pa.field(name, kind) for name, kind, _ in listed])
        self.members: Final = {name: members for name, _, members in listed if members}

    @classmethod
    def of(
        cls,
        model: type[BaseModel],
        *,
        names: Sequence[str] | None = None,
        enums: Mapping[str, Iterable[str]] | None = None,
    ) -> Columns:
        """The columns of `model`'s fields (`names`, in that order; all by default).

        `enums` makes plain-text fields enum columns with the given members (a timeline's
        `type` is any event type).
        """
        hints = typing.get_type_hints(model)
        chosen = list(model.model_fields) if names is None else list(names)
        given = {name: tuple(members) for name, members in (enums or {}).items()}
        return cls(
            (name, ENUM, given[name]) if name in given else (name, *arrow_type(hints[name]))
            for name in chosen
        )

    def __add__(self, other: Columns) -> Columns:
        """These columns, then `other`'s."""
        mine = [(f.name, f.type, self.members.get(f.name)) for f in self.schema]
        theirs = [(f.name, f.type, other.members.get(f.name)) for f in other.schema]
        return Columns([*mine, *theirs])

    def table(self, records: Sequence[Mapping[str, Any]]) -> pa.Table:
        """`records` (one mapping per row, enum members as values or their text) as a table.

        Raises:
            ValueError: a value is no member of its enum column.
        """
        arrays = []
        for field in self.schema:
            values = [record.get(field.name) for record in records]
            members = self.members.get(field.name)
            if members is None:
                arrays.append(pa.array(values, field.type))
            else:
                arrays.append(_enum_array(field.name, values, members))
        return pa.Table.from_arrays(arrays, schema=self.schema)


def _enum_array(name: str, values: Sequence[Any], members: tuple[str, ...]) -> pa.Array:
    index = {member: i for i, member in enumerate(members)}
    try:
        indices = [None if v is None else index[str(v)] for v in values]
    except KeyError as error:
        msg = f"column {name!r}: {error.args[0]!r} is none of its {len(members)} values"
        raise ValueError(msg) from None
    return pa.DictionaryArray.from_arrays(
        pa.array(indices, pa.int16()), pa.array(members, pa.string())
    )


class TypedFrame:
    """An answer that is also a frame: `to_arrow()` typed, pandas and polars from it."""

    __slots__ = ()

    def to_arrow(self) -> pa.Table:  # pragma: no cover - every frame defines it
        """The answer as a typed pyarrow Table, the same schema when empty."""
        raise NotImplementedError

    def to_pandas(self) -> pd.DataFrame:
        """A pandas DataFrame (needs `caselog[frames]`).

        Counts are nullable `Int64` (never float64), flags `boolean`, texts `string`
        (missing is `pd.NA`, never NaN), days
        `date32[pyarrow]`, instants `datetime64[us, UTC]`, enums categorical with every
        member as a category.
        """
        pandas = _require("pandas")
        mapped = {
            pa.int64(): pandas.Int64Dtype(),
            pa.bool_(): pandas.BooleanDtype(),
            pa.string(): pandas.StringDtype(),
            pa.date32(): pandas.ArrowDtype(pa.date32()),
        }
        frame: pd.DataFrame = self.to_arrow().to_pandas(types_mapper=mapped.get)
        return frame

    def to_polars(self) -> pl.DataFrame:
        """A polars DataFrame (needs `caselog[frames]`); enums are `Categorical`."""
        polars = _require("polars")
        frame: pl.DataFrame = polars.from_arrow(self.to_arrow())
        return frame


def _require(module: str) -> Any:  # noqa: ANN401 - a module
    try:
        return __import__(module)
    except ImportError:  # pragma: no cover - the frames extra is installed in tests
        msg = f"{module} is not installed: pip install 'caselog[frames]'"
        raise ImportError(msg) from None
