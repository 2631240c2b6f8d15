"""Obligations as one typed Arrow table, built from rows or straight from the read models.

The schema is derived from the `Obligation` model, never guessed from the data: dates are
`date32`, statuses and severities dictionaries holding every value of their enum (so that
tables from two questions concatenate), counts nullable `int64`, flags lists of strings,
and an empty answer has the same schema.

Two builders give the same table: `arrow_of_rows` from the rule engine's `Obligation` rows
(the reference replay), and `arrow_of_stored` from the read models' stored columns, in
Arrow compute without a Python object per row (issue 10). The equivalence tests
(`tests/readmodel/test_log_equivalence.py`, `tests/api/test_obligations.py`) hold the two
equal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, Final

import pyarrow as pa
import pyarrow.compute as pc

from caselog.rules.model import (
    OBLIGATION_FIELDS,
    Flag,
    Obligation,
    Severity,
    Status,
    Wording,
    sentence,
    standing,
)
from caselog.storage.read_model_arrow import STORED_SCHEMA

if TYPE_CHECKING:
    from caselog.storage.read_model_schema import StoredObligations

_STATUSES: Final = tuple(Status)
_SEVERITIES: Final = tuple(Severity)
_UNIX_DAY: Final = date(1970, 1, 1).toordinal()
_DATES: Final = ("trigger_on", "due_on", "effective_due_on", "satisfied_on")
_INTS: Final = ("period", "days_late", "days_overdue")
_ENUMS: Final = {"status": _STATUSES, "severity": _SEVERITIES}
_TEXTS: Final = ("law_at_trigger", "law_decisive", "citation")


def _type(name: str) -> pa.DataType:
    if name in _DATES:
        return pa.date32()
    if name in _INTS:
        return pa.int64()
    if name in _ENUMS:
        return pa.dictionary(pa.int8(), pa.string())
    if name == "flags":
        return pa.list_(pa.string())
    return pa.string()


OBLIGATION_SCHEMA: Final = pa.schema([pa.field(name, _type(name)) for name in OBLIGATION_FIELDS])
"""The obligations' columns (the D7 field names, in order) and their types."""


def _enum_array(values: Sequence[Any], members: Sequence[Any]) -> pa.DictionaryArray:
    """Values of an enum as a dictionary array that holds every member of it."""
    index = {member.value: i for i, member in enumerate(members)}
    indices = pa.array([index[str(v)] for v in values], pa.int8())
    return pa.DictionaryArray.from_arrays(indices, pa.array([m.value for m in members]))


def _enum_of_stored(column: pa.ChunkedArray, members: Sequence[Any]) -> pa.Array:
    indices = pc.index_in(column, value_set=pa.array([m.value for m in members]))
    return pa.DictionaryArray.from_arrays(
        indices.combine_chunks().cast(pa.int8()), pa.array([m.value for m in members])
    )


def arrow_of_rows(rows: Sequence[Obligation]) -> pa.Table:
    """The obligations of the rule engine as an Arrow table of `OBLIGATION_SCHEMA`."""
    columns: dict[str, pa.Array] = {}
    for name in OBLIGATION_FIELDS:
        if name in _ENUMS:
            columns[name] = _enum_array([getattr(o, name) for o in rows], _ENUMS[name])
        elif name == "flags":
            columns[name] = pa.array([[f.value for f in o.flags] for o in rows], _type(name))
        else:
            columns[name] = pa.array([getattr(o, name) for o in rows], _type(name))
    return pa.table(columns, schema=OBLIGATION_SCHEMA)


def arrow_of_stored(stored: StoredObligations) -> pa.Table:
    """The read models' answer as an Arrow table of `OBLIGATION_SCHEMA`, in Arrow compute."""
    table, texts = stored.table, _text_array(stored.texts)
    columns: dict[str, pa.Array | pa.ChunkedArray] = {}
    for name in OBLIGATION_FIELDS[:-2]:
        column = table.column(name)
        if name in _DATES:
            columns[name] = pc.subtract(column, _UNIX_DAY).cast(pa.int32()).cast(pa.date32())
        elif name in _ENUMS:
            columns[name] = _enum_of_stored(column, _ENUMS[name])
        elif name == "flags":
            columns[name] = _flags(column)
        elif name in _TEXTS:
            columns[name] = texts.take(column)
        else:
            columns[name] = column
    columns["explanation_sv"], columns["explanation_en"] = _explanations(table, stored.texts)
    return pa.table(columns, schema=OBLIGATION_SCHEMA)


def _text_array(texts: dict[int, str]) -> pa.Array:
    values: list[str | None] = [None] * (max(texts, default=0) + 1)
    for key, text in texts.items():
        values[key] = text
    return pa.array(values, pa.string())


def _flags(column: pa.ChunkedArray) -> pa.Array:
    """Flags joined by commas as lists (a few distinct values, each split once)."""
    encoded = column.combine_chunks().dictionary_encode()
    lists = pa.array(
        [text.split(",") if text else [] for text in encoded.dictionary.to_pylist()],
        pa.list_(pa.string()),
    )
    return lists.take(encoded.indices)


def _explanations(table: pa.Table, texts: dict[int, str]) -> tuple[pa.Array, pa.Array]:
    """Each row's two explanations: the duty's sentence with its due day, then its standing.

    A municipality's rows share their sentences and standings: each distinct one is made
    once, by the functions the `Obligation` properties use, and the two are joined in
    Arrow.
    """
    due = pc.coalesce(table.column("effective_due_on"), table.column("due_on"))
    days = pc.coalesce(table.column("days_late"), table.column("days_overdue"))
    status = table.column("status")
    explained = []
    for lang in ("sv", "en"):
        sentences = _each_distinct(
            pa.table({"wording": table.column(f"wording_{lang}"), "due": due}),
            lambda wording, day: sentence(texts[wording], _day(day)),
        )
        standings = _each_distinct(
            pa.table({"status": status, "days": days}),
            lambda value, n, lang=lang: standing(Status(value), n, lang),
        )
        explained.append(pc.binary_join_element_wise(sentences, standings, ""))
    return explained[0], explained[1]


def _each_distinct(parts: pa.Table, make: Callable[..., str]) -> pa.Array:
    """`make(*row)` for each row of `parts`, called once per distinct row."""
    code = _key(parts)
    distinct = pc.unique(code)
    firsts = pc.index_in(distinct, value_set=code)
    rows = zip(*(c.to_pylist() for c in parts.take(firsts).columns), strict=True)
    made = [make(*row) for row in rows]
    return pa.array(made, pa.string()).take(pc.index_in(code, value_set=distinct))


def _key(parts: pa.Table) -> pa.Array:
    """One int64 per row, equal exactly where all of the row's `parts` are (nulls too)."""
    code: pa.Array | None = None
    for column in parts.columns:
        encoded = pc.dictionary_encode(column.combine_chunks(), null_encoding="encode")
        index = encoded.indices.cast(pa.int64())
        if code is None:
            code = index
        else:  # keep the code dense, so that it never overflows
            dense = pc.dictionary_encode(code).indices.cast(pa.int64())
            code = pc.add(pc.multiply(dense, len(encoded.dictionary)), index)
    return code if code is not None else pa.array([], pa.int64())


def rows_of_stored(stored: StoredObligations) -> tuple[Obligation, ...]:
    """The read models' answer as the rule engine's `Obligation` rows."""
    text = stored.texts
    data = stored.table.to_pydict()
    wordings: dict[tuple[int, int], Wording] = {}
    found = []
    for values in zip(*(data[name] for name in STORED_SCHEMA.names), strict=True):
        (rule_id, case_id, trigger, part, period, trigger_on, due_on, effective_due_on,
         satisfied_by, satisfied_on, status, days_late, days_overdue, severity, flags,
         law_at_trigger, law_decisive, citation, en, sv) = values  # fmt: skip
        wording = wordings.get((en, sv))
        if wording is None:
            wording = wordings[en, sv] = _wording(text[en], text[sv])
        found.append(
            Obligation(
                rule_id=rule_id,
                case_id=case_id,
                trigger_event_id=trigger,
                part=part,
                period=period,
                trigger_on=date.fromordinal(trigger_on),
                due_on=_day(due_on),
                effective_due_on=_day(effective_due_on),
                satisfied_by_event_id=satisfied_by,
                satisfied_on=_day(satisfied_on),
                status=Status(status),
                days_late=days_late,
                days_overdue=days_overdue,
                severity=Severity(severity),
                flags=tuple(Flag(f) for f in flags.split(",")) if flags else (),
                law_at_trigger=text[law_at_trigger],
                law_decisive=text[law_decisive],
                citation=text[citation],
                wording=wording,
            )
        )
    return tuple(found)


def _day(value: int | None) -> date | None:
    return None if value is None else date.fromordinal(value)


_WORDINGS: dict[tuple[str, str], Wording] = {}


def _wording(en: str, sv: str) -> Wording:
    """One shared `Wording` per pair of sentences, as the duties share theirs."""
    key = (en, sv)
    found = _WORDINGS.get(key)
    if found is None:
        found = _WORDINGS[key] = Wording(en, sv)
    return found
