"""The public surface (STYLE.md G9, G10): a curated `__all__` and a typed error tree."""

from __future__ import annotations

import inspect
from types import ModuleType
from typing import Final

import pytest

import caselog
import caselog.errors
from caselog.api import open_log
from caselog.errors import (
    CaselogError,
    ConcurrencyConflictError,
    DuplicateEventError,
    HistoricalOrderError,
    HistoryError,
    IngestRejectedError,
    InvalidCorrectionError,
    InvalidEventError,
    PlacementEndsBeforeStartError,
    Problem,
    PurgedSubjectError,
    SettingsError,
    StorageError,
    UnknownCaseError,
    UnknownReferenceError,
    UnsupportedStoreError,
)

ERRORS: Final[list[type[Exception]]] = [
    value
    for value in vars(caselog.errors).values()
    if inspect.isclass(value)
    and issubclass(value, Exception)
    and value.__module__ == caselog.errors.__name__
]
"""Every exception class defined in `caselog.errors`."""


def test_all_lists_exactly_the_public_names() -> None:
    """`caselog.__all__` is sorted and names every public non-module attribute."""
    public = {
        name
        for name, value in vars(caselog).items()
        if not name.startswith("_")
        and not isinstance(value, ModuleType)
        and name != "annotations"  # left behind by `from __future__ import annotations`
    }
    assert caselog.__all__ == sorted(public)


def test_the_entry_point_is_open() -> None:
    """`caselog.open` is the façade's `open_log`, the first call of every session."""
    assert caselog.open is open_log


def test_every_error_derives_from_the_base() -> None:
    """Every error in `caselog.errors` is a `CaselogError`, so one `except` catches them."""
    assert CaselogError in ERRORS
    assert len(ERRORS) >= 15
    assert [e.__name__ for e in ERRORS if not issubclass(e, CaselogError)] == []


def test_every_error_is_exported_and_drawn_in_the_tree() -> None:
    """Each error is importable from `caselog` and named in the tree of the errors module."""
    tree = caselog.errors.__doc__ or ""
    for error in ERRORS:
        assert getattr(caselog, error.__name__) is error
        assert error.__name__ in tree


@pytest.mark.parametrize(
    ("error", "bases"),
    [
        (InvalidEventError, (ValueError,)),
        (IngestRejectedError, (ValueError,)),
        (HistoryError, ()),
        (UnknownReferenceError, (HistoryError, LookupError)),
        (PlacementEndsBeforeStartError, (HistoryError,)),
        (PurgedSubjectError, (HistoryError,)),
        (InvalidCorrectionError, (HistoryError,)),
        (HistoricalOrderError, (HistoryError,)),
        (DuplicateEventError, (ValueError,)),
        (ConcurrencyConflictError, ()),
        (UnknownCaseError, (LookupError,)),
        (SettingsError, (ValueError,)),
        (StorageError, ()),
        (UnsupportedStoreError, (StorageError, ValueError)),
    ],
    ids=lambda value: value.__name__ if inspect.isclass(value) else "",
)
def test_errors_mix_in_the_builtin_that_fits(
    error: type[CaselogError], bases: tuple[type[Exception], ...]
) -> None:
    """Where a builtin fits, an error is also one, so generic callers still work."""
    assert issubclass(error, CaselogError)
    for base in bases:
        assert issubclass(error, base)
    for builtin in (ValueError, LookupError):
        if builtin not in bases and not any(issubclass(b, builtin) for b in bases):
            assert not issubclass(error, builtin)


def test_errors_carry_their_data_as_attributes() -> None:
    """Errors expose what a caller acts on (line, field, ids), not only a message."""
    problem = Problem(3, "occurred_on", "not a date")
    invalid = InvalidEventError(problem)
    assert (invalid.line, invalid.field, invalid.reason) == (3, "occurred_on", "not a date")
    assert str(invalid) == "line 3, field occurred_on: not a date"
    assert str(Problem(0, "", "bad")) == "event: bad"
    rejected = IngestRejectedError([problem] * 2, total=2)
    assert (rejected.total, rejected.errors) == (2, [problem, problem])
    assert str(rejected).startswith("rejected: 2 errors; nothing was written\n")
    history = UnknownReferenceError("gone", event_id="e1", stream="child:c1", field="x")
    assert (history.event_id, history.stream, history.field) == ("e1", "child:c1", "x")
    assert UnknownCaseError("c9").case_id == "c9"
    assert DuplicateEventError("e1").event_id == "e1"
    assert ConcurrencyConflictError(["child:c1"]).streams == ["child:c1"]


def test_an_unknown_case_is_caught_as_a_lookup_error() -> None:
    """A generic `except LookupError` catches an unknown case."""
    with pytest.raises(LookupError, match="no case 'c9' in the log"):
        raise UnknownCaseError("c9")
