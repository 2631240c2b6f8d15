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

from collections.abc import Sequence
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
            columns[name] = _dates(column)
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

    Made column by column, without a Python string per row: each distinct sentence and
    standing is cut, once, where its due day or its days go (by the functions the
    `Obligation` properties use, given a stand-in value), and the pieces are joined in
    Arrow with the rows' days as text.
    """
    days = pc.coalesce(table.column("days_late"), table.column("days_overdue"))
    due = pc.coalesce(table.column("effective_due_on"), table.column("due_on"))
    due_text = pc.fill_null(_dates(due).cast(pa.string()), "—")
    statuses = pc.index_in(table.column("status"), value_set=_STATUS_VALUES)
    explained = []
    for lang in ("sv", "en"):
        pieces = _sentence_pieces(table.column(f"wording_{lang}"), texts, due_text)
        explained.append(
            pc.binary_join_element_wise(*pieces, *_standing_pieces(statuses, days, lang), "")
        )
    return explained[0], explained[1]


_STATUS_VALUES: Final = pa.array([s.value for s in _STATUSES])
_STAND_IN_DAY: Final = date.min
_STAND_IN_DAYS: Final = 987_654_321


def _dates(ordinals: pa.ChunkedArray | pa.Array) -> pa.Array:
    return pc.subtract(ordinals, _UNIX_DAY).cast(pa.int32()).cast(pa.date32())


def _sentence_pieces(
    wording: pa.ChunkedArray, texts: dict[int, str], due_text: pa.Array
) -> list[pa.Array]:
    """The sentences of `wording` (text ids) cut where the due day goes, and the day."""
    ids = pc.unique(wording)
    cut = [sentence(texts[i], _STAND_IN_DAY).split(str(_STAND_IN_DAY)) for i in ids.to_pylist()]
    which = pc.index_in(wording, value_set=ids)
    pieces = [pa.array([c[0] for c in cut], pa.string()).take(which)]
    for n in range(1, max((len(c) for c in cut), default=1)):
        held = pa.array([len(c) > n for c in cut], pa.bool_()).take(which)
        pieces.append(pc.if_else(held, due_text, ""))
        pieces.append(pa.array([c[n] if len(c) > n else "" for c in cut], pa.string()).take(which))
    return pieces


def _standing_pieces(statuses: pa.Array, days: pa.Array, lang: str) -> list[pa.Array]:
    """Where each row stands, cut where its days go, and the days as text."""
    bare = [standing(s, None, lang) for s in _STATUSES]
    cut = [standing(s, _STAND_IN_DAYS, lang).partition(str(_STAND_IN_DAYS)) for s in _STATUSES]
    says_days = pc.and_(pa.array([bool(c[1]) for c in cut]).take(statuses), pc.is_valid(days))
    return [
        pc.if_else(
            says_days, pa.array([c[0] for c in cut]).take(statuses), pa.array(bare).take(statuses)
        ),
        pc.if_else(says_days, days.cast(pa.string()), ""),
        pc.if_else(says_days, pa.array([c[2] for c in cut]).take(statuses), ""),
    ]


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
