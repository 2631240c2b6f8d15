"""Swedish personal identity numbers: personnummer and samordningsnummer.

Skatteverket gives everyone registered in Sweden a personnummer (folkbokföringslagen
(1991:481) 18 §), and a person who is not, or not yet, registered may get a
samordningsnummer, a coordination number (18 a §): the same ten digits with 60 added to the
day of birth. The case system of the social services links its own records by this number,
so a `CaseFileOpened` event may carry it to tie the case file to them. It is personal data
under secrecy (offentlighets- och sekretesslagen (2009:400) 26 kap.): caselog stores it only
encrypted, and no message here quotes more than the first 60 characters of an input.

The canonical form is the 12 digits `YYYYMMDDNNNN`; the input is that or `YYYYMMDD-NNNN`.
The 10-digit forms (`YYMMDD-NNNN`, `YYMMDD+NNNN`) leave the century to a guess and are
refused.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Final

from pydantic import AfterValidator, Field, StringConstraints

PNR_PATTERN: Final = r"^[0-9]{8}-?[0-9]{4}$"
"""The shape of an accepted input: `YYYYMMDDNNNN` or `YYYYMMDD-NNNN`."""
FIRST_YEAR: Final = 1890
LAST_YEAR: Final = 2199
"""The years of birth a number may name."""
COORDINATION_OFFSET: Final = 60
"""Added to the day of birth in a samordningsnummer (61–91 for days 1–31)."""

_QUOTE_LIMIT: Final = 60
_TEN_DIGITS: Final = re.compile(r"[0-9]{6}[-+]?[0-9]{4}")
_CHARACTERS: Final = re.compile(r"[0-9-]*")
_SHAPE: Final = re.compile(PNR_PATTERN[1:-1])
_LAST_DAY: Final = 31


def _quoted(text: str) -> str:
    """The input for a message: its first 60 characters at most, quoted."""
    return repr(text[:_QUOTE_LIMIT]) + ("…" if len(text) > _QUOTE_LIMIT else "")


def check_digit(nine: str) -> int:
    """The Luhn check digit of `YYMMDDNNN`: weights 2, 1, 2, …, digit sums of products."""
    total = 0
    for index, digit in enumerate(nine):
        product = int(digit) * (2 - index % 2)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def _birth_date(digits: str) -> date:
    """The day of birth that 12 digits name, or a `ValueError` saying why there is none."""
    year, month, day = int(digits[:4]), int(digits[4:6]), int(digits[6:8])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        msg = f"the year must be from {FIRST_YEAR} to {LAST_YEAR} (got {digits[:4]})"
        raise ValueError(msg)
    if not 1 <= month <= 12:  # noqa: PLR2004
        msg = f"the month must be from 01 to 12 (got {digits[4:6]})"
        raise ValueError(msg)
    coordination = day > COORDINATION_OFFSET
    real_day = day - COORDINATION_OFFSET if coordination else day
    if not 1 <= real_day <= _LAST_DAY:
        msg = (
            "the day must be from 01 to 31, or from 61 to 91 in a coordination number "
            f"(got {digits[6:8]})"
        )
        raise ValueError(msg)
    try:
        return date(year, month, real_day)
    except ValueError:
        msg = f"{digits[:4]}-{digits[4:6]}-{real_day:02d} is not a calendar date"
        if coordination:
            msg += f" (coordination day {digits[6:8]} minus 60)"
        raise ValueError(msg) from None


def normalize_pnr(text: str) -> str:
    """Return a personnummer or samordningsnummer as its 12 digits `YYYYMMDDNNNN`.

    Accepts `YYYYMMDDNNNN` and `YYYYMMDD-NNNN`; refuses, with the reason, anything else, a
    day that is not in the calendar (years 1890–2199) and a wrong Luhn check digit.

    >>> normalize_pnr("19121212-1212")
    '191212121212'
    >>> normalize_pnr("19121212-1213")
    Traceback (most recent call last):
    ...
    ValueError: the check digit is 2, not 3 (Luhn)
    """
    if _TEN_DIGITS.fullmatch(text):
        raise ValueError("give the 12-digit form YYYYMMDD-NNNN (got a 10-digit number)")
    if not _CHARACTERS.fullmatch(text):
        msg = f"a personal identity number has only digits and one hyphen (got {_quoted(text)})"
        raise ValueError(msg)
    if not _SHAPE.fullmatch(text):
        msg = f"give YYYYMMDD-NNNN or YYYYMMDDNNNN (got {_quoted(text)})"
        raise ValueError(msg)
    digits = text.replace("-", "")
    _birth_date(digits)
    expected, given = check_digit(digits[2:11]), int(digits[11])
    if expected != given:
        msg = f"the check digit is {expected}, not {given} (Luhn)"
        raise ValueError(msg)
    return digits


def pnr_birth_date(pnr: str) -> date:
    """The day of birth a number names; a samordningsnummer's day less 60.

    >>> pnr_birth_date("199001610014")
    datetime.date(1990, 1, 1)
    """
    return _birth_date(normalize_pnr(pnr))


def is_coordination_number(pnr: str) -> bool:
    """Whether a number is a samordningsnummer (day of birth plus 60), not a personnummer.

    >>> is_coordination_number("199001610014"), is_coordination_number("191212121212")
    (True, False)
    """
    return int(normalize_pnr(pnr)[6:8]) > COORDINATION_OFFSET


PersonalIdentityNumber = Annotated[
    str,
    StringConstraints(strict=True),
    AfterValidator(normalize_pnr),
    Field(
        description=(
            "A Swedish personnummer or samordningsnummer, YYYYMMDD-NNNN or YYYYMMDDNNNN "
            "(stored as the 12 digits); personal data, stored only encrypted."
        ),
        json_schema_extra={"pattern": PNR_PATTERN},
    ),
]
"""A personnummer or samordningsnummer (folkbokföringslagen (1991:481) 18 §, 18 a §): a
JSON string, validated by `normalize_pnr` and kept as its 12 digits `YYYYMMDDNNNN`."""
