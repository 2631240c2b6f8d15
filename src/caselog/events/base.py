"""The envelope every event carries, the shared enums and the subject mixins (DESIGN.md D2).

An event is a fact that happened in the world, in the past tense. The sender supplies the
envelope (`event_id`, `type`, `occurred_on`, `actor`) and the subject ids; the log assigns
`stream`, `stream_version`, `position`, `recorded_at` and `ingested_by` at commit, and those
live on `Recorded`, never on the fact itself.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from functools import cache
from typing import Annotated, Any, ClassVar, Final, Generic, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    Strict,
    StringConstraints,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

ID_PATTERN: Final = r"^[A-Za-z0-9._:-]{1,128}$"
"""Ids (event ids and subject ids): 1–128 of `[A-Za-z0-9._:-]` (DESIGN.md D2)."""

# Strict input (issue 12): a value has the JSON type its field names, in JSON Lines, in
# dicts given to `ingest` and in Python constructors alike. Strings are never read as
# booleans or numbers, numbers never as dates. (A model-wide `strict=True` would also
# refuse enum values and ISO date strings from Python callers, so strictness is per type.)
Id = Annotated[str, StringConstraints(strict=True, pattern=ID_PATTERN)]
MunicipalityCode = Annotated[str, StringConstraints(strict=True, pattern=r"^[0-9]{4}$")]
"""SCB's municipality code (kommunkod): four digits, e.g. 2083 for Hedemora."""
Text = Annotated[str, StringConstraints(strict=True, min_length=1, max_length=10_000)]
Name = Annotated[str, StringConstraints(strict=True, min_length=1, max_length=256)]
"""A person's name: personal data, stored encrypted (see `Personal`)."""
Flag = Annotated[bool, Strict()]
"""A JSON boolean: `true` or `false`, never `"yes"`, `"false"` or `1`."""


def _whole_number(value: object) -> object:
    """A JSON number without a fractional part is an integer (as JSON Schema defines it)."""
    if type(value) is float and value.is_integer():
        return int(value)
    return value


_INVISIBLE: Final = (
    r"\u0000-\u001f\u007f-\u009f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891"
    r"\u08e2\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
)
"""Control (Cc) and format (Cf) characters of the BMP, and the line and paragraph separators."""
_BLANK: Final = r" \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\u3164"
ACTOR_PATTERN: Final = rf"^[^{_INVISIBLE}]*[^{_INVISIBLE}{_BLANK}][^{_INVISIBLE}]*$"
"""An actor (a user or system id): at least one visible character, no control or format
characters (a zero-width space, a bidi override). `\\uXXXX` escapes read alike in Python's
`re`, Rust's `regex` and ECMA-262, so the schema states the same rule."""
_ACTOR: Final = re.compile(ACTOR_PATTERN)


def _visible(value: str) -> str:
    if not _ACTOR.fullmatch(value):
        msg = (
            "needs at least one visible character and no control or format characters "
            f"(got {len(value)} character(s): {', '.join(f'U+{ord(c):04X}' for c in value[:8])}"
            f"{', …' if len(value) > 8 else ''})"  # noqa: PLR2004
        )
        raise ValueError(msg)
    return value


Actor = Annotated[
    str,
    StringConstraints(strict=True, min_length=1, max_length=256),
    AfterValidator(_visible),
    Field(json_schema_extra={"pattern": ACTOR_PATTERN}),
]
"""Who registered a fact at the source: 1–256 characters, at least one of them visible."""

Integer = Annotated[int, BeforeValidator(_whole_number), Strict()]
"""A JSON integer: `2019` (or `2019.0`, the same JSON number), never `"2019"` or `true`."""

FIRST_DAY: Final = date(1900, 1, 1)
LAST_DAY: Final = date(2199, 12, 31)
"""The days a date may name (issue 11). Deadlines add years and months to dates (Lag
1930:173 arithmetic, `caselog.dates`), so a date near 9999-12-31 overflowed `compliance`;
and a child-welfare fact before 1900, or a date after 2199, is a typo, not a fact."""

_YEAR: Final = r"(?:19[0-9]{2}|2[01][0-9]{2})"
_MONTH_DAY: Final = (
    r"(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    r"|02-(?:0[1-9]|1[0-9]|2[0-8]))"
)
_LEAP_YEAR: Final = r"(?:(?:19|2[01])(?:0[48]|[2468][048]|[13579][26])|2000)"
_CALENDAR_DAY: Final = rf"(?:{_YEAR}-{_MONTH_DAY}|{_LEAP_YEAR}-02-29)"
_TIME: Final = r"(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?"
_ZONE: Final = r"(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"

DATE_PATTERN: Final = rf"^{_CALENDAR_DAY}$"
"""A day of the calendar, `YYYY-MM-DD` (1900-01-01 to 2199-12-31, leap years exact).

Published in the JSON Schema beside `format: date`, so that a validator that treats
`format` as a mere annotation (the Draft 2020-12 default) still refuses `2019-02-30`.
"""
INSTANT_PATTERN: Final = rf"^{_CALENDAR_DAY}T{_TIME}{_ZONE}$"
"""An RFC 3339 instant with its zone: `2019-11-11T09:12:00+01:00`, `…T08:12:00.5Z`."""
LOCAL_TIME_PATTERN: Final = rf"^{_CALENDAR_DAY}T{_TIME}$"
"""An instant without a zone: refused, with a message saying so."""

_DATE_SHAPE: Final = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


class _CalendarDay:
    """The core schema of `Day`: a `YYYY-MM-DD` string, or from Python a `date` object.

    A string is first checked for its shape (so `2019-11-11T00:00:00` and numbers, which
    pydantic would read as dates, are refused) and then parsed (so `2019-02-30` is refused
    with the reason). A `datetime` is not a date.
    """

    def __get_pydantic_core_schema__(
        self, source: object, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        shape = core_schema.custom_error_schema(
            core_schema.str_schema(pattern=_DATE_SHAPE, strict=True),
            custom_error_type="date_format",
            custom_error_message="Input should be a date in the format YYYY-MM-DD",
        )
        from_text = core_schema.chain_schema([shape, core_schema.date_schema()])
        return core_schema.no_info_after_validator_function(
            _in_range,
            core_schema.json_or_python_schema(
                json_schema=from_text,
                python_schema=core_schema.no_info_wrap_validator_function(_day_object, from_text),
            ),
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "format": "date", "pattern": DATE_PATTERN}


def _in_range(value: date) -> date:
    if not FIRST_DAY <= value <= LAST_DAY:
        msg = f"a date from {FIRST_DAY} to {LAST_DAY} (got {value})"
        raise ValueError(msg)
    return value


def _day_object(value: object, handler: core_schema.ValidatorFunctionWrapHandler) -> object:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    return handler(value)


Day = Annotated[date, _CalendarDay()]
"""A date: `YYYY-MM-DD` in JSON; a `date` (not a `datetime`) or that string from Python."""

SUBJECT_FIELDS: Final = ("child_id", "matter_id", "home_id", "committee_id")
"""The subject ids in stream-choosing order: an event goes to the first one it has."""

STREAM_KINDS: Final = {
    "child_id": "child",
    "matter_id": "matter",
    "home_id": "home",
    "committee_id": "committee",
}


def new_event_id() -> str:
    """Return a fresh UUID4 for an event recorded without one."""
    return str(uuid.uuid4())


class DecidedBy(StrEnum):
    """Who took a decision; delegation rules (SoL 2001:453 10 kap. 4 §) depend on it."""

    COMMITTEE = "committee"
    """The social welfare committee (socialnämnd)."""
    SUBCOMMITTEE = "subcommittee"
    """A sub-committee for individual cases (myndighetsutskott, individutskott)."""
    CHAIR = "chair"
    """The committee's chair (ordförande), LVU 6 §."""
    MEMBER = "member"
    """A committee member appointed to decide (förordnad ledamot), LVU 6 §."""
    OFFICIAL = "official"
    """A case officer under delegation (tjänsteman)."""
    COURT = "court"
    """The administrative court (förvaltningsrätten): valid only for a care decision under
    LVU 2 § or 3 § (LVU 4 §, RULES.md §4.28 R07)."""


def present(*names: str) -> dict[str, Any]:
    """A JSON Schema true of an object where each of `names` is present and not null."""
    return {
        "required": list(names),
        "properties": {name: {"not": {"type": "null"}} for name in names},
    }


def _not_a_court(value: DecidedBy) -> DecidedBy:
    if value is DecidedBy.COURT:
        msg = "a court decides only care under LVU 2 § or 3 § (care_decided with lvu_2 or lvu_3)"
        raise ValueError(msg)
    return value


Decider = Annotated[
    DecidedBy,
    AfterValidator(_not_a_court),
    Field(json_schema_extra={"not": {"const": "court"}}),
]
"""Who took a decision that only the committee or its delegates can take (not a court)."""


class HomeType(StrEnum):
    """The kind of home a child is placed in (SoL 2025:400 9 kap., 22 kap.)."""

    FAMILY_HOME = "family_home"
    """Foster home (familjehem)."""
    KINSHIP_HOME = "kinship_home"
    """A family home in the child's network (nätverkshem)."""
    EMERGENCY_HOME = "emergency_home"
    """Emergency foster home (jourhem)."""
    RESIDENTIAL_HOME = "residential_home"
    """Residential care home (hem för vård eller boende, HVB)."""
    SUPPORTED_HOUSING = "supported_housing"
    """Supported housing, 16–20 years (stödboende)."""
    SECURE_YOUTH_HOME = "secure_youth_home"
    """Secure youth home (särskilt ungdomshem, SiS), LVU 12 §."""
    PRIVATE_HOME = "private_home"
    """A private home approved by consent (privatplacering, medgivande)."""


class EventModel(BaseModel):
    """The envelope of every event (DESIGN.md D2): frozen, strict about unknown fields.

    `type` is the permanent snake_case tag of the class; `occurred_on` is the one
    valid-time date of the fact (received, decided, started, held). `event_id` is required
    in JSON Lines input; `record()` makes a UUID4 when a Python caller leaves it out.
    """

    model_config = ConfigDict(
        frozen=True, extra="forbid", str_strip_whitespace=False, use_enum_values=False
    )

    schema_version: ClassVar[int] = 1
    """The stored topic is `<type>.v<schema_version>`; bump it with an upcaster."""
    added_fields: ClassVar[frozenset[str]] = frozenset()
    """Optional fields added after the class was first stored, without a new topic version.

    Left out of the canonical bytes while empty (None), so an event stored before they
    existed, sent again, is still recognised byte for byte (D6) and reads back unchanged.
    """

    personal: ClassVar[tuple[str, ...]] = ()
    """The class's personal fields (personuppgifter, OSL 26 kap.): free text, names, the
    personal identity number. They are stored encrypted and can be shredded (issue 13);
    no rule or projection needs their content, only (R05) whether they were given."""

    event_id: Id = Field(default_factory=new_event_id)
    type: str
    occurred_on: Day
    actor: Actor

    @property
    def withheld(self) -> frozenset[str]:
        """The personal fields that were given but cannot be read here (see `Personal`)."""
        return frozenset()

    def has(self, name: str) -> bool:
        """Whether field `name` was given, even if its content is withheld."""
        return self.__dict__[name] is not None

    @property
    def subject_ids(self) -> dict[str, str]:
        """The subject ids this event carries, in stream-choosing order."""
        values = self.__dict__  # plain reads: getattr on an absent field is slow in pydantic
        return {
            name: values[name] for name in subject_fields(type(self)) if values[name] is not None
        }

    @property
    def stream(self) -> str:
        """The stream this event belongs to: `child:<id>`, `matter:<id>`, … (D2)."""
        values = self.__dict__
        for name in subject_fields(type(self)):
            if (value := values[name]) is not None:
                return f"{STREAM_KINDS[name]}:{value}"
        msg = f"{self.type} carries no subject id"  # pragma: no cover - models forbid it
        raise ValueError(msg)  # pragma: no cover

    @classmethod
    def topic(cls) -> str:
        """The stored topic: the permanent type tag plus the schema version (D1)."""
        tag = cls.model_fields["type"].default
        return f"{tag}.v{cls.schema_version}"


@cache
def subject_fields(cls: type[EventModel]) -> tuple[str, ...]:
    """The subject-id fields a class has, in stream-choosing order."""
    return tuple(name for name in SUBJECT_FIELDS if name in cls.model_fields)


class ChildEvent(EventModel):
    """An event in a child's case file (personakt): stream `child:<child_id>`."""

    child_id: Id


class HomeEvent(EventModel):
    """An event about a family home or other home: stream `home:<home_id>`."""

    home_id: Id


class MatterEvent(EventModel):
    """A deviation or Lex Sarah matter: stream `matter:<matter_id>`."""

    matter_id: Id


class CommitteeEvent(EventModel):
    """A committee-level fact (meetings, lists to IVO): stream `committee:<id>`."""

    committee_id: Id


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def type_tag(class_name: str) -> str:
    """Return the snake_case tag of an event class name, acronyms as words.

    >>> type_tag("LexSarahReportedToIVO")
    'lex_sarah_reported_to_ivo'
    >>> type_tag("ReportReceived")
    'report_received'
    """
    return _CAMEL.sub("_", class_name).lower()


E = TypeVar("E", bound=EventModel)


@dataclass(frozen=True, slots=True)
class Recorded(Generic[E]):
    """An event as the log holds it: the fact plus what the log assigned at commit.

    `position` is the global log order (eventsourcing's notification id), `recorded_at`
    the transaction time in UTC (never decreasing along the log, D3).
    """

    event: E
    stream: str
    stream_version: int
    position: int
    recorded_at: datetime
    ingested_by: str
    erased: frozenset[str] = frozenset()
    """Personal fields whose key a purge (gallring) destroyed: they read as None."""
    sealed: frozenset[str] = frozenset()
    """Personal fields this reader cannot decrypt (the master key is not at hand)."""


def without_empty_additions(event: EventModel, data: dict[str, Any]) -> dict[str, Any]:
    """`data` (the event's fields) without its added optional fields that are empty."""
    added = type(event).added_fields
    if not added:
        return data
    return {k: v for k, v in data.items() if not (k in added and v is None)}
