"""Personnummer and samordningsnummer (`caselog.events.pnr`): forms, dates, the check digit.

The check digits of the numbers used here are computed by `luhn` below, written apart from
the module's own, so that no fixture rests on memory.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from caselog.events.pnr import (
    PNR_PATTERN,
    PersonalIdentityNumber,
    is_coordination_number,
    normalize_pnr,
    pnr_birth_date,
)


def luhn(nine: str) -> int:
    """The Luhn check digit of nine digits (the mod-10 algorithm, right to left)."""
    total = 0
    for position, char in enumerate(reversed(nine)):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += sum(int(d) for d in str(value))
    return -total % 10


def with_check_digit(eleven: str) -> str:
    """`YYYYMMDDNNN` followed by its correct check digit."""
    return eleven + str(luhn(eleven[2:]))


VALID = {
    "19121212-1212": "191212121212",  # Skatteverket's published test personnummer
    "191212121212": "191212121212",
    "19900101-0017": "199001010017",
    "19900161-0014": "199001610014",  # samordningsnummer: born 1990-01-01, day 01 + 60
    "20000229-0005": "200002290005",  # a leap day
    "20000289-0002": "200002890002",  # a samordningsnummer on that leap day
}


def test_the_fixtures_carry_their_luhn_digit() -> None:
    """Every valid fixture ends in the digit `luhn` computes for it."""
    for canonical in VALID.values():
        assert canonical == with_check_digit(canonical[:11])


@pytest.mark.parametrize(("text", "canonical"), VALID.items())
def test_valid_numbers_normalize_to_12_digits(text: str, canonical: str) -> None:
    """Both accepted forms give the 12 digits `YYYYMMDDNNNN`."""
    assert normalize_pnr(text) == canonical


def test_birth_date_and_coordination() -> None:
    """A samordningsnummer names the real day: its day less 60."""
    assert pnr_birth_date("191212121212") == date(1912, 12, 12)
    assert not is_coordination_number("191212121212")
    assert pnr_birth_date("199001610014") == date(1990, 1, 1)
    assert is_coordination_number("199001610014")
    assert pnr_birth_date("20000289-0002") == date(2000, 2, 29)
    assert is_coordination_number("200002890002")


REFUSED = {
    "121212-1212": "give the 12-digit form YYYYMMDD-NNNN (got a 10-digit number)",
    "121212+1212": "give the 12-digit form YYYYMMDD-NNNN (got a 10-digit number)",
    "1212121212": "give the 12-digit form YYYYMMDD-NNNN (got a 10-digit number)",
    "19121212 1212": "a personal identity number has only digits and one hyphen"
    " (got '19121212 1212')",
    "19121212+1212": "a personal identity number has only digits and one hyphen"
    " (got '19121212+1212')",
    "١٩١٢١٢١٢١٢١٢": "a personal identity number has only digits and one hyphen"
    " (got '١٩١٢١٢١٢١٢١٢')",
    "": "give YYYYMMDD-NNNN or YYYYMMDDNNNN (got '')",
    "1912121212121": "give YYYYMMDD-NNNN or YYYYMMDDNNNN (got '1912121212121')",
    "1912-12121212": "give YYYYMMDD-NNNN or YYYYMMDDNNNN (got '1912-12121212')",
    "19121212--1212": "give YYYYMMDD-NNNN or YYYYMMDDNNNN (got '19121212--1212')",
    "18891212-1212": "the year must be from 1890 to 2199 (got 1889)",
    "22001212-1212": "the year must be from 1890 to 2199 (got 2200)",
    "19120012-1212": "the month must be from 01 to 12 (got 00)",
    "19121312-1212": "the month must be from 01 to 12 (got 13)",
    "19121200-1212": "the day must be from 01 to 31, or from 61 to 91 in a coordination"
    " number (got 00)",
    "19121232-1212": "the day must be from 01 to 31, or from 61 to 91 in a coordination"
    " number (got 32)",
    "19121260-1212": "the day must be from 01 to 31, or from 61 to 91 in a coordination"
    " number (got 60)",
    "19121292-1212": "the day must be from 01 to 31, or from 61 to 91 in a coordination"
    " number (got 92)",
    "19000229-1212": "1900-02-29 is not a calendar date",
    "19900431-1212": "1990-04-31 is not a calendar date",
    "19000289-1212": "1900-02-29 is not a calendar date (coordination day 89 minus 60)",
    "19121212-1213": "the check digit is 2, not 3 (Luhn)",
    "19900101-0010": "the check digit is 7, not 0 (Luhn)",
    "19900161-0017": "the check digit is 4, not 7 (Luhn)",
}


@pytest.mark.parametrize(("text", "message"), REFUSED.items())
def test_refusals_say_why(text: str, message: str) -> None:
    """Each refusal has its own exact message."""
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        normalize_pnr(text)


def test_a_long_input_is_quoted_to_60_characters() -> None:
    """A message quotes the first 60 characters of an input and no more."""
    text = "1" * 50 + "x" * 10 + "SECRET" * 100
    message = f"a personal identity number has only digits and one hyphen (got '{text[:60]}'…)"
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$") as caught:
        normalize_pnr(text)
    assert "SECRET" not in str(caught.value)
    digits = "1" * 200
    message = f"give YYYYMMDD-NNNN or YYYYMMDDNNNN (got '{'1' * 60}'…)"
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        normalize_pnr(digits)


@settings(max_examples=200)
@given(
    born=st.dates(min_value=date(1890, 1, 1), max_value=date(2199, 12, 31)),
    serial=st.integers(min_value=0, max_value=999),
    coordination=st.booleans(),
    wrong=st.integers(min_value=1, max_value=9),
)
def test_the_check_digit_decides(born: date, serial: int, coordination: bool, wrong: int) -> None:
    """The right Luhn digit is accepted in both forms; every other digit is refused."""
    day = born.day + (60 if coordination else 0)
    canonical = with_check_digit(f"{born:%Y%m}{day:02d}{serial:03d}")
    hyphenated = f"{canonical[:8]}-{canonical[8:]}"
    assert normalize_pnr(canonical) == canonical
    assert normalize_pnr(hyphenated) == canonical
    assert pnr_birth_date(canonical) == born
    assert is_coordination_number(canonical) is coordination
    right = int(canonical[-1])
    other = (right + wrong) % 10
    message = f"the check digit is {right}, not {other} (Luhn)"
    for text in (canonical[:-1] + str(other), hyphenated[:-1] + str(other)):
        with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
            normalize_pnr(text)


class Person(BaseModel):
    """A model with a personal identity number field."""

    pnr: PersonalIdentityNumber


def test_the_pydantic_type_normalizes() -> None:
    """`YYYYMMDD-NNNN` is kept as its 12 digits, from Python and from JSON."""
    assert Person(pnr="19121212-1212").pnr == "191212121212"
    assert Person.model_validate_json('{"pnr": "19121212-1212"}').pnr == "191212121212"


@pytest.mark.parametrize("value", [191212121212, 19121212.1212, None, b"191212121212"])
def test_the_pydantic_type_takes_only_strings(value: object) -> None:
    """A number is not read as a string."""
    with pytest.raises(ValidationError) as caught:
        Person.model_validate({"pnr": value})
    assert [e["type"] for e in caught.value.errors()] == ["string_type"]


def test_the_pydantic_type_gives_the_reason() -> None:
    """The message of `normalize_pnr` reaches the validation error."""
    with pytest.raises(ValidationError) as caught:
        Person(pnr="19121212-1213")
    assert [e["msg"] for e in caught.value.errors()] == [
        "Value error, the check digit is 2, not 3 (Luhn)"
    ]


def test_the_json_schema_states_the_shape() -> None:
    """The schema gives the accepted shape and a description."""
    schema = Person.model_json_schema()["properties"]["pnr"]
    assert schema["type"] == "string"
    assert schema["pattern"] == PNR_PATTERN
    assert "personnummer" in schema["description"]
