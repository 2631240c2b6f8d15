"""The vocabulary (DESIGN.md D2, RULES.md §4.25): tags, fields, enums, JSON and streams.

The expected tags, fields and enum values are written out here on purpose, transcribed
from RULES.md §4.25: renaming a stored tag, field or value must fail a test.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import types
from datetime import date
from enum import Enum
from typing import Any, Final, Union, get_args, get_origin

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import caselog.events
from caselog.events import (
    EVENT_CLASSES,
    EVENT_TYPES,
    FACT_CLASSES,
    Event,
    EventCorrected,
    EventModel,
    event_adapter,
    type_tag,
)
from caselog.events.examples import EXAMPLE_TAGS, example

# fmt: off
ALL_TAGS: Final = [
    "application_received", "care_application_filed", "care_decided", "care_plan_established",
    "care_plan_revised", "care_reviewed", "case_file_opened", "committee_meeting_held",
    "consent_granted", "contact_restriction_decided", "contact_restriction_lifted",
    "contact_restriction_reviewed", "court_decided", "court_extended_deadline",
    "custody_transfer_considered", "deviation_closed", "deviation_reported", "deviation_triaged",
    "emergency_home_stay_extended", "end_of_care_requested", "event_corrected", "event_retracted",
    "feedback_given", "feedback_refused", "feedback_requested", "foster_contract_signed",
    "foster_home_list_sent_to_ivo", "guardians_informed", "health_examination_not_needed",
    "home_investigation_completed", "immediate_custody_decided", "immediate_custody_ended",
    "immediate_custody_executed", "implementation_plan_established", "information_deferred",
    "intervention_decided", "intervention_started", "investigation_concluded",
    "investigation_extended", "investigation_not_opened", "investigation_opened",
    "lex_sarah_concluded", "lex_sarah_investigation_started", "lex_sarah_reported",
    "lex_sarah_reported_to_ivo", "moving_ban_considered", "non_execution_reported",
    "other_municipality_consulted", "placement_ended", "placement_started",
    "pre_assessment_extended", "private_talk_held", "protection_assessment_documented",
    "records_purged", "region_notified", "report_received", "reported_to_committee",
    "risk_assessment_documented", "social_worker_assigned", "submitted_to_court", "visit_made",
]
"""Every permanent `type` tag (61), sorted: a stored tag can never be renamed."""

ENVELOPE: Final = {"event_id", "type", "occurred_on", "actor"}
_TABLE: Final = {  # RULES.md §4.25, one line per row of the table where it fits
    "case_file_opened": "child_id born_on personal_identity_number name",  # issue 13
    "report_received":
        "child_id reporter_category mandatory_reporter violence_exposure close_relative",
    "application_received": "child_id applicant",
    "protection_assessment_documented": "child_id report_event_id outcome",
    "pre_assessment_extended": "child_id report_event_id until_on reason_code reasons",
    "investigation_opened":
        "child_id investigation_id report_event_ids application_event_id decided_by",
    "investigation_not_opened": "child_id report_event_ids decided_by reasons",
    "guardians_informed": "child_id investigation_id",
    "information_deferred": "child_id investigation_id reasons",
    "investigation_extended": "child_id investigation_id new_due_on reasons decided_by",
    "investigation_concluded": "child_id investigation_id outcome decided_by",
    "risk_assessment_documented": "child_id investigation_id",
    "feedback_requested": "child_id report_event_id", "feedback_given": "child_id report_event_id",
    "feedback_refused": "child_id report_event_id reasons",
    "home_investigation_completed": "home_id home_type by_municipality",
    "care_decided": "child_id care_decision_id legal_basis home_id decided_by",
    "consent_granted": "child_id home_id decided_by",
    "placement_started": "child_id placement_id home_id home_type legal_basis care_decision_id"
    " home_municipality_code",  # §4.28
    "placement_ended": "child_id placement_id reason",  # reason: §4.28
    "emergency_home_stay_extended": "child_id placement_id reasons decided_by",
    "foster_contract_signed": "child_id home_id",
    "other_municipality_consulted": "child_id home_id",
    "care_plan_established": "child_id", "care_plan_revised": "child_id",
    "implementation_plan_established": "child_id",
    "care_reviewed": "child_id kind decided_by care_decision_id",
    "custody_transfer_considered": "child_id home_id decided_by",
    "social_worker_assigned": "child_id social_worker", "visit_made": "child_id place",
    "private_talk_held": "child_id",
    "region_notified": "child_id", "health_examination_not_needed": "child_id reasons",
    "immediate_custody_decided": "child_id custody_id decided_by",
    "immediate_custody_executed": "child_id custody_id",
    "immediate_custody_ended": "child_id custody_id",
    "reported_to_committee": "child_id custody_id committee_id",
    "submitted_to_court": "child_id custody_id care_decision_id",
    "court_decided": "child_id custody_id care_decision_id outcome",
    "care_application_filed": "child_id custody_id",
    "court_extended_deadline": "child_id custody_id until_on",
    "contact_restriction_decided": "child_id restriction_id decided_by",
    "contact_restriction_reviewed": "child_id restriction_id decided_by",
    "contact_restriction_lifted": "child_id restriction_id decided_by",
    "end_of_care_requested": "child_id requested_by placement_id",  # placement_id: §4.28
    "moving_ban_considered": "child_id decided_by",
    "deviation_reported": "matter_id is_lex_sarah child_ids",  # child_ids: §4.28
    "deviation_triaged": "matter_id is_lex_sarah", "deviation_closed": "matter_id",
    "lex_sarah_reported": "matter_id observed_on child_ids", "lex_sarah_investigation_started": "matter_id",
    "lex_sarah_concluded": "matter_id serious", "lex_sarah_reported_to_ivo": "matter_id",
    "committee_meeting_held": "committee_id body",
    "foster_home_list_sent_to_ivo": "committee_id year",
    "intervention_decided": "child_id intervention_id kind",
    "intervention_started": "child_id intervention_id kind",
    "non_execution_reported": "child_id intervention_id kind quarter",
    "records_purged": "child_id retention_class",
    "event_corrected": "child_id matter_id home_id committee_id target_event_id replacement",
    "event_retracted": "child_id matter_id home_id committee_id target_event_id reasons",
}
# fmt: on
FIELDS: Final = {tag: set(names.split()) for tag, names in _TABLE.items()}
"""RULES.md §4.25: every event's fields beyond the envelope."""

_DECIDED_BY: Final = "committee subcommittee chair member official court"  # court: §4.28
_HOME_TYPES: Final = (
    "family_home kinship_home emergency_home residential_home supported_housing "
    "secure_youth_home private_home"
)
_KINDS: Final = "contact_person contact_family open_care other"
_VALUES: Final = {
    ("report_received", "reporter_category"): "police school preschool health_care "
    "social_services other_authority private_person anonymous other",
    ("report_received", "violence_exposure"): "none subjected witnessed",
    ("application_received", "applicant"): "guardian child other",
    ("protection_assessment_documented", "outcome"): "immediate_need no_immediate_need",
    ("pre_assessment_extended", "reason_code"): "police_interview_pending family_unreachable other",
    ("investigation_concluded", "outcome"): "intervention no_intervention lvu_application",
    ("care_decided", "legal_basis"): "sol lvu_2 lvu_3",
    ("placement_started", "legal_basis"): "sol lvu_2 lvu_3 lvu_6 private",
    ("placement_started", "home_type"): _HOME_TYPES,
    ("home_investigation_completed", "home_type"): _HOME_TYPES,
    ("care_reviewed", "kind"): "sol_review lvu_review lvu_examination",
    ("visit_made", "place"): "placement_home other",
    ("court_decided", "outcome"): "confirmed revoked granted rejected",
    ("end_of_care_requested", "requested_by"): "guardian child",
    ("placement_ended", "reason"): "returned_home moved_to_other_placement came_of_age"
    " care_ended_by_decision custody_transferred other",
    ("committee_meeting_held", "body"): "committee subcommittee",
    ("records_purged", "retention_class"): "general investigation placement research_sample",
    **{(tag, "kind"): _KINDS for tag in _TABLE if tag.startswith(("intervention_", "non_exec"))},
    **{(tag, "decided_by"): _DECIDED_BY for tag, names in FIELDS.items() if "decided_by" in names},
}
ENUMS: Final = {key: set(values.split()) for key, values in _VALUES.items()}
"""RULES.md §4.25: the English values of every enum field, by (type tag, field)."""


def enum_of(cls: type[EventModel], name: str) -> type[Enum] | None:
    """The enum class a model field takes (through `X | None`), or None if it is no enum."""
    annotation: Any = cls.model_fields[name].annotation
    if get_origin(annotation) in {Union, types.UnionType}:
        members = [a for a in get_args(annotation) if a is not type(None)]
        if len(members) != 1:
            return None
        annotation = members[0]
    if inspect.isclass(annotation) and issubclass(annotation, Enum):
        return annotation
    return None


def validated(tag: str) -> Event:
    """The example event of `tag`, validated through the discriminated union."""
    return event_adapter.validate_python(example(tag))


def test_the_set_of_type_tags_is_frozen() -> None:
    """The 61 permanent tags are exactly those written out in this test."""
    assert len(ALL_TAGS) == len(set(ALL_TAGS)) == 61
    assert set(EVENT_TYPES) == set(ALL_TAGS)
    assert len(EVENT_CLASSES) == len(set(EVENT_CLASSES)) == 61


def test_the_tables_of_this_test_and_the_examples_cover_every_tag() -> None:
    """The transcription of §4.25 and `examples.py` name every tag of the vocabulary, no more."""
    assert sorted(FIELDS) == ALL_TAGS
    assert sorted(EXAMPLE_TAGS) == ALL_TAGS


@pytest.mark.parametrize(("tag", "cls"), EVENT_TYPES.items(), ids=list(EVENT_TYPES))
def test_a_tag_is_the_snake_case_of_its_class_name(tag: str, cls: type[Event]) -> None:
    """Every tag is its class name in snake_case, acronyms as words, and names its topic."""
    assert type_tag(cls.__name__) == tag
    assert cls.topic() == f"{tag}.v1"


def test_acronyms_are_words_in_a_tag() -> None:
    """`IVO` in a class name becomes `_ivo` in its tag (DESIGN.md D2)."""
    assert type_tag("LexSarahReportedToIVO") == "lex_sarah_reported_to_ivo"
    assert type_tag("FosterHomeListSentToIVO") == "foster_home_list_sent_to_ivo"


@pytest.mark.parametrize("tag", sorted(FIELDS))
def test_fields_are_those_of_the_vocabulary_table(tag: str) -> None:
    """An event's fields beyond the envelope are exactly those of RULES.md §4.25."""
    assert set(EVENT_TYPES[tag].model_fields) - ENVELOPE == FIELDS[tag]
    assert set(EVENT_TYPES[tag].model_fields) >= ENVELOPE


@pytest.mark.parametrize(("tag", "name"), sorted(ENUMS))
def test_enum_values_are_the_english_values_of_the_table(tag: str, name: str) -> None:
    """Every enum field takes exactly the English snake_case values of §4.25."""
    enum = enum_of(EVENT_TYPES[tag], name)
    assert enum is not None, f"{tag}.{name} is not an enum"
    assert {member.value for member in enum} == ENUMS[tag, name]


def test_every_enum_field_is_in_the_table() -> None:
    """No model has an enum field whose values this test does not pin down."""
    found = {
        (tag, name)
        for tag, cls in EVENT_TYPES.items()
        for name in cls.model_fields
        if enum_of(cls, name) is not None
    }
    assert found == set(ENUMS)


def test_every_class_of_the_vocabulary_has_a_docstring() -> None:
    """Every class defined in `caselog.events` (events, enums, bases) has its own docstring."""
    modules = [
        importlib.import_module(f"caselog.events.{info.name}")
        for info in pkgutil.iter_modules(caselog.events.__path__)
    ]
    classes = [
        value
        for module in modules
        for value in vars(module).values()
        if inspect.isclass(value) and value.__module__ == module.__name__
    ]
    assert set(EVENT_CLASSES) <= set(classes)
    undocumented = [cls.__name__ for cls in classes if not cls.__dict__.get("__doc__")]
    assert undocumented == []


@pytest.mark.parametrize("tag", ALL_TAGS)
def test_every_example_survives_a_json_round_trip(tag: str) -> None:
    """An example validates as its class and comes back equal from its own JSON."""
    event = validated(tag)
    assert type(event) is EVENT_TYPES[tag]
    assert event_adapter.validate_json(event.model_dump_json()) == event
    assert event.model_dump(mode="json", exclude_none=True) == example(tag)


@pytest.mark.parametrize("tag", ALL_TAGS)
def test_events_are_frozen_and_refuse_unknown_fields(tag: str) -> None:
    """Assigning to a field raises, and an unknown field is refused, never dropped."""
    event = validated(tag)
    name = "occurred_on"
    with pytest.raises(ValidationError, match="frozen"):
        setattr(event, name, date(2000, 1, 1))
    assert event == validated(tag)
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        event_adapter.validate_python({**example(tag), "colour": "red"})


# fmt: off
STREAMS: Final = {
    "report_received": "child:c-1001", "reported_to_committee": "child:c-1001",
    "care_decided": "child:c-1001", "placement_started": "child:c-1001",
    "event_corrected": "child:c-1001", "home_investigation_completed": "home:home-7",
    "deviation_triaged": "matter:m-1", "committee_meeting_held": "committee:sn",
}
# fmt: on


@pytest.mark.parametrize("tag", ALL_TAGS)
def test_an_event_goes_to_the_first_subject_it_has(tag: str) -> None:
    """The stream is the first of child, matter, home, committee the event carries."""
    event = validated(tag)
    kind, value = next(
        (name.removesuffix("_id"), value)
        for name in ("child_id", "matter_id", "home_id", "committee_id")
        if (value := example(tag).get(name)) is not None
    )
    assert event.stream == f"{kind}:{value}"
    if tag in STREAMS:
        assert event.stream == STREAMS[tag]


def test_a_correction_of_a_home_event_lives_in_the_home_stream() -> None:
    """A correction carrying only a home id goes to `home:<id>`; with a child, to the child."""
    target = validated("home_investigation_completed")
    replacement = example("home_investigation_completed")
    del replacement["event_id"]
    data = {**example("event_corrected"), "child_id": None, "home_id": "home-7"}
    data |= {"target_event_id": target.event_id, "replacement": replacement}
    assert event_adapter.validate_python(data).stream == "home:home-7"
    both = {**example("event_retracted"), "home_id": "home-7"}
    assert event_adapter.validate_python(both).stream == "child:c-1001"


def test_a_replacement_keeps_its_targets_id() -> None:
    """A correction's replacement takes its target's event_id and serialises without it."""
    corrected = validated("event_corrected")
    assert isinstance(corrected, EventCorrected)
    assert corrected.replacement.event_id == corrected.target_event_id == "ev-report-1"
    assert "event_id" not in corrected.model_dump(mode="json")["replacement"]
    assert "event_id" not in corrected.model_dump()["replacement"]
    assert event_adapter.validate_json(corrected.model_dump_json()) == corrected


def test_a_replacement_with_its_own_event_id_is_refused() -> None:
    """A replacement that carries an event_id is refused: it keeps its target's."""
    data = example("event_corrected")
    data["replacement"] = {**data["replacement"], "event_id": "ev-other"}
    with pytest.raises(ValidationError, match="carries no event_id"):
        event_adapter.validate_python(data)


@pytest.mark.parametrize("name", ["child_id", "home_id"])
def test_a_replacement_about_another_subject_is_refused(name: str) -> None:
    """A replacement whose subject ids differ from the correction's is refused."""
    replacement = {**example("placement_started"), name: "someone-else"}
    del replacement["event_id"]
    data = {
        **example("event_corrected"),
        "home_id": "home-7",
        "target_event_id": "ev-placement",
        "replacement": replacement,
    }
    with pytest.raises(ValidationError, match=f"{name} must be the same"):
        event_adapter.validate_python(data)


# -- a property: any valid event survives its own JSON ---------------------------------

_IDS: Final = st.from_regex(r"[A-Za-z0-9._:-]{1,24}", fullmatch=True)
_TEXTS: Final = st.text(min_size=1, max_size=40)
_DATES: Final = st.dates(date(1990, 1, 1), date(2100, 12, 31))


def _values(cls: type[EventModel], name: str) -> st.SearchStrategy[Any]:
    """Values for one field, read from its enum, its type or its (consistent) name."""
    info = cls.model_fields[name]
    enum = enum_of(cls, name)
    if enum is not None:
        values: st.SearchStrategy[Any] = st.sampled_from(enum)
    elif info.annotation is bool:
        values = st.booleans()
    elif name == "year":
        values = st.integers(1980, 2200)
    elif name == "quarter":
        values = st.from_regex(r"[0-9]{4}-Q[1-4]", fullmatch=True)
    elif name.endswith("_ids"):
        values = st.lists(_IDS, min_size=1, max_size=3)
    elif name.endswith("_id"):
        values = _IDS
    elif name.endswith("_on"):
        values = _DATES
    else:
        values = _TEXTS
    return values | st.none() if info.default is None else values


def _is_valid(cls: type[EventModel], data: dict[str, Any]) -> bool:
    try:
        cls.model_validate(data)
    except ValidationError:
        return False
    return True


def _correction(fact: Event, target_event_id: str, on: date) -> Event:
    """A correction of the event `target_event_id` whose replacement is `fact`."""
    return EventCorrected(
        occurred_on=on,
        actor="u2",
        target_event_id=target_event_id,
        replacement=fact,
        **fact.subject_ids,
    )


def events_of(cls: type[Event]) -> st.SearchStrategy[Event]:
    """Valid events of one class (a correction wraps a random fact of any class)."""
    if cls is EventCorrected:
        facts = st.sampled_from(FACT_CLASSES).flatmap(events_of)
        return st.builds(_correction, facts, _IDS, _DATES)
    fields = {name: _values(cls, name) for name in cls.model_fields if name != "type"}
    return (
        st.fixed_dictionaries(fields)
        .filter(lambda data: _is_valid(cls, data))
        .map(cls.model_validate)
    )


@pytest.mark.parametrize("cls", EVENT_CLASSES, ids=lambda cls: cls.__name__)
@settings(max_examples=15)
@given(data=st.data())
def test_any_valid_event_survives_a_json_round_trip(cls: type[Event], data: st.DataObject) -> None:
    """For random valid events of every class, JSON out and back in gives an equal event."""
    event = data.draw(events_of(cls))
    assert event_adapter.validate_json(event.model_dump_json()) == event
    assert event_adapter.validate_python(event.model_dump(mode="json")) == event
