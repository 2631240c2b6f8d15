"""The demo municipality: deterministic, ordered, valid, structurally whole, and flawed."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, TypeVar

import pytest

from caselog import dates
from caselog import events as ev
from caselog.demo import DemoBatch, DemoConfig, DemoSummary, Pattern, generate, summarise
from caselog.events import Event
from caselog.rules.retention import duty_arises, purge_due
from caselog.rules.settings import DEFAULT_SETTINGS

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

E = TypeVar("E", bound=Event)

SMALL = DemoConfig(children=300)
LAWS = ((2013, 1), (2014, 10), (2021, 3), (2022, 7), (2025, 7))  # RULES.md §1
LAW_DATES = [date(year, month, 1) for year, month in LAWS]
# Fields naming an event, and fields naming an entity, of the same stream (D5), with
# the event type that brings each entity into being.
EVENT_REFERENCES = ("report_event_id", "application_event_id", "target_event_id")
ENTITY_DEFINED_BY = {
    "investigation_id": "investigation_opened",
    "placement_id": "placement_started",
    "care_decision_id": "care_decided",
    "custody_id": "immediate_custody_decided",
    "restriction_id": "contact_restriction_decided",
    "intervention_id": "intervention_decided",
}
RATE_FIELDS = tuple(name for name in DemoConfig.model_fields if name.endswith("_rate"))


@dataclass
class Log:
    """The whole generated log, indexed the way the checks below need it."""

    batches: list[DemoBatch]
    summary: DemoSummary
    by_id: dict[str, Event] = field(default_factory=dict)
    registered: dict[str, datetime] = field(default_factory=dict)
    streams: dict[str, list[Event]] = field(default_factory=lambda: defaultdict(list))

    def __post_init__(self) -> None:
        """Index every event by id and by stream."""
        for batch in self.batches:
            for event in batch.events:
                self.by_id[event.event_id] = event
                self.registered[event.event_id] = batch.registered_at
                self.streams[event.stream].append(event)

    def events(self) -> Iterator[Event]:
        """Yield every event in log order."""
        for batch in self.batches:
            yield from batch.events

    def near(self, event: Event, cls: type[E], **match: object) -> list[E]:
        """Return the `cls` events in `event`'s stream whose fields equal `match`."""
        return [
            e
            for e in self.streams[event.stream]
            if isinstance(e, cls) and all(getattr(e, k) == v for k, v in match.items())
        ]


def run(config: DemoConfig) -> Log:
    """Generate `config` completely and index the result."""
    summary = DemoSummary()
    return Log(list(generate(config, summary=summary)), summary)


@pytest.fixture(scope="module", name="small")
def _small() -> Log:
    return run(SMALL)


@pytest.fixture(scope="module", name="default")
def _default() -> Log:
    return run(DemoConfig())


def entity_keys(event: Event, *, defined: bool) -> list[str]:
    """Return `field:id` for the entities the event opens (or refers to)."""
    return [
        f"{name}:{getattr(event, name)}"
        for name, opener in ENTITY_DEFINED_BY.items()
        if getattr(event, name, None) is not None and (event.type == opener) == defined
    ]


def referenced_keys(event: Event) -> list[str]:
    """Return the events and entities `event` refers to, as `field:id` keys."""
    keys = [
        f"event:{getattr(event, name)}"
        for name in EVENT_REFERENCES
        if getattr(event, name, None) is not None
    ]
    keys.extend(f"event:{i}" for i in getattr(event, "report_event_ids", []))
    return keys + entity_keys(event, defined=False)


def test_same_seed_gives_the_same_log(small: Log) -> None:
    """Generating the same config twice yields identical batches."""
    assert list(generate(SMALL)) == small.batches


def test_another_seed_gives_another_log(small: Log) -> None:
    """A different seed yields a different log."""
    assert list(generate(SMALL.model_copy(update={"seed": 7}))) != small.batches


def test_a_child_does_not_depend_on_how_many_children_there_are() -> None:
    """Child 7's timeline is the same in a municipality of 40 and of 400 children."""

    def timeline(children: int) -> list[tuple[str, date, datetime]]:
        return [
            (event.type, event.occurred_on, batch.registered_at)
            for batch in generate(DemoConfig(children=children))
            for event in batch.events
            if event.event_id.startswith("ev-000007-")
        ]

    assert timeline(40) == timeline(400) != []


def test_batches_are_in_registration_order_in_utc(small: Log) -> None:
    """Batches never go back in time, are aware UTC, and hold one stream each."""
    previous = datetime.min.replace(tzinfo=UTC)
    for batch in small.batches:
        assert batch.registered_at.tzinfo is UTC
        assert batch.registered_at >= previous
        assert {event.stream for event in batch.events} == {batch.stream}
        previous = batch.registered_at


def test_nothing_is_registered_before_it_occurred(small: Log) -> None:
    """Every event is registered on or after its Swedish day, and within the period."""
    for batch in small.batches:
        assert batch.registered_at <= dates.end_of_day_utc(SMALL.end)
        for event in batch.events:
            assert event.occurred_on <= dates.swedish_date(batch.registered_at)


def test_events_round_trip_through_json(small: Log) -> None:
    """Every event validates back from its own JSON to an equal event."""
    for event in small.events():
        assert ev.event_adapter.validate_json(event.model_dump_json()) == event


def test_event_ids_are_explicit_and_unique(small: Log) -> None:
    """Event ids are the demo's own (never UUIDs) and never reused."""
    ids = [event.event_id for event in small.events()]
    assert len(ids) == len(set(ids))
    assert all(event_id.startswith("ev-") for event_id in ids)


def test_every_stream_opens_with_its_opening_event(small: Log) -> None:
    """A case file opens with CaseFileOpened and a matter with its first report."""
    for stream, events in small.streams.items():
        if stream.startswith("child:"):
            assert isinstance(events[0], ev.CaseFileOpened)
        if stream.startswith("matter:"):
            assert isinstance(events[0], (ev.DeviationReported, ev.LexSarahReported))


def test_streams_are_structurally_whole(small: Log) -> None:
    """Every reference exists in its stream once its batch is written (D5)."""
    known: dict[str, set[str]] = defaultdict(set)
    for batch in small.batches:
        for event in batch.events:
            known[batch.stream].add(f"event:{event.event_id}")
            known[batch.stream].update(entity_keys(event, defined=True))
        for event in batch.events:
            for key in referenced_keys(event):
                assert key in known[batch.stream], (event, key)
                if key.startswith("event:"):
                    target = small.by_id[key.removeprefix("event:")]
                    assert target.occurred_on <= event.occurred_on, (target, event)


def test_placements_end_once_and_never_before_they_start(small: Log) -> None:
    """A placement ends at most once, on or after the day it began."""
    started: dict[str, date] = {}
    ended: set[str] = set()
    for event in small.events():
        if isinstance(event, ev.PlacementStarted):
            started[event.placement_id] = event.occurred_on
        elif isinstance(event, ev.PlacementEnded):
            assert event.placement_id not in ended
            assert event.occurred_on >= started[event.placement_id]
            ended.add(event.placement_id)
    assert ended


def test_corrections_keep_their_targets_type_and_subject(small: Log) -> None:
    """A correction's replacement has its target's type, identity and subject ids."""
    corrections = [e for e in small.events() if isinstance(e, ev.EventCorrected)]
    assert corrections
    for correction in corrections:
        target = small.by_id[correction.target_event_id]
        assert correction.replacement.type == target.type
        assert correction.replacement.event_id == target.event_id
        assert correction.replacement.subject_ids == target.subject_ids


def test_nothing_follows_a_purge(small: Log) -> None:
    """A purged case file (gallring) gets nothing later, in either time."""
    purges = [e for e in small.events() if isinstance(e, ev.RecordsPurged)]
    assert purges
    for purge in purges:
        stream = small.streams[purge.stream]
        assert stream[-1] is purge
        assert all(e.occurred_on < purge.occurred_on for e in stream[:-1])


def test_purges_follow_the_retention_policy(small: Log) -> None:
    """Only general records are purged (gallrade), never the sample's, on the duty's day.

    The demo cannot import the rules; this checks its purges against R23's arithmetic
    (`caselog.rules.retention`): the first working day on or after the duty arose.
    """
    purges = [e for e in small.events() if isinstance(e, ev.RecordsPurged)]
    assert purges
    for purge in purges:
        arises, _ = retention_due(small, purge)
        assert purge.retention_class is ev.RetentionClass.GENERAL
        assert purge.occurred_on == dates.next_open_day(arises), purge
        assert born_on(small, purge).day not in {5, 15, 25}


def test_summary_counts_what_was_yielded(small: Log) -> None:
    """The summary counts every child, event, batch and type that was yielded."""
    summary = small.summary
    events = list(small.events())
    assert summary.children == SMALL.children
    assert summary.events == sum(summary.events_by_type.values()) == len(events)
    assert summary.batches == len(small.batches)
    assert summary.first_registered_at == small.batches[0].registered_at
    assert summary.last_registered_at == small.batches[-1].registered_at
    assert summarise(SMALL) == summary


def test_every_law_change_has_cases_running_across_it(default: Log) -> None:
    """For each law date an investigation and a placement run across it."""
    began: dict[str, date] = {}
    spans: list[tuple[date, date, str]] = []
    for event in default.events():
        if isinstance(event, (ev.InvestigationOpened, ev.PlacementStarted)):
            began[entity_keys(event, defined=True)[0]] = event.occurred_on
        elif isinstance(event, (ev.InvestigationConcluded, ev.PlacementEnded)):
            key = entity_keys(event, defined=False)[0]
            spans.append((began[key], event.occurred_on, key.partition(":")[0]))
    for law in LAW_DATES:
        kinds = {kind for begun, done, kind in spans if begun < law <= done}
        assert kinds == {"investigation_id", "placement_id"}, law


def test_every_ivo_pattern_is_present_in_the_default_demo(default: Log) -> None:
    """The default demo carries at least three instances of each IVO pattern."""
    counts = default.summary.pattern_counts()
    assert set(counts) == {pattern.value for pattern in Pattern}
    assert min(counts.values()) >= 3, counts


@pytest.mark.parametrize("pattern", list(Pattern))
def test_each_flagged_event_has_its_pattern(default: Log, pattern: Pattern) -> None:
    """Every id the summary lists points at an event that really shows the pattern."""
    for event_id in default.summary.patterns[pattern.value]:
        assert CHECKS[pattern](default, default.by_id[event_id]), event_id


def test_zero_rates_remove_the_injected_patterns() -> None:
    """With every rate at zero, the patterns that only injection causes disappear."""
    config = SMALL.model_copy(update=dict.fromkeys(RATE_FIELDS, 0.0))
    counts = summarise(config).pattern_counts()
    # Meetings paused for summer and reports decided together can still be late.
    natural = {Pattern.INVESTIGATION_OVERDUE, Pattern.LATE_INITIAL_ASSESSMENT}
    assert all(counts[p.value] == 0 for p in Pattern if p not in natural), counts


def test_config_refuses_a_period_that_ends_before_it_starts() -> None:
    """A config whose end precedes its start is refused."""
    with pytest.raises(ValueError, match="before start"):
        DemoConfig(start=date(2020, 1, 1), end=date(2019, 1, 1))


# --- what each pattern looks like ------------------------------------------------------


def _violence_closed(log: Log, event: Event) -> bool:
    closed = log.near(event, ev.InvestigationNotOpened)
    return (
        isinstance(event, ev.ReportReceived)
        and event.violence_exposure is not ev.ViolenceExposure.NONE
        and event.close_relative
        and event.occurred_on >= date(2014, 10, 1)
        and any(event.event_id in e.report_event_ids for e in closed)
    )


def _four_months(log: Log, event: Event) -> str:
    """Say how an opened investigation fared against its four months (R05)."""
    assert isinstance(event, ev.InvestigationOpened)
    match = {"investigation_id": event.investigation_id}
    extended = [e.occurred_on for e in log.near(event, ev.InvestigationExtended, **match)]
    (concluded,) = log.near(event, ev.InvestigationConcluded, **match)
    due = dates.add_months(event.occurred_on, 4)
    if concluded.occurred_on <= due or not extended:
        return "in time" if concluded.occurred_on <= due else "overdue"
    return "extended late" if min(extended) > due else "extended in time"


def _reviewers(log: Log, event: Event) -> set[ev.DecidedBy] | None:
    """Who reviewed the care, if it ran past six months (one episode per child)."""
    assert isinstance(event, ev.PlacementStarted)
    ends = [e.occurred_on for e in log.near(event, ev.PlacementEnded)]
    last = max(ends) if len(ends) == len(log.near(event, ev.PlacementStarted)) else date.max
    if last <= dates.add_months(event.occurred_on, 6):
        return None
    return {e.decided_by for e in log.near(event, ev.CareReviewed)}


def _home_investigated(log: Log, event: Event) -> list[date]:
    assert isinstance(event, ev.PlacementStarted)
    assert event.home_type in {ev.HomeType.FAMILY_HOME, ev.HomeType.KINSHIP_HOME}
    home = log.streams.get(f"home:{event.home_id}", [])
    return [e.occurred_on for e in home if isinstance(e, ev.HomeInvestigationCompleted)]


def _years_late(log: Log, event: Event) -> bool:
    registered = dates.swedish_date(log.registered[event.event_id])
    return isinstance(event, ev.ReportReceived) and (registered - event.occurred_on).days > 365


def _amends_earlier(log: Log, event: Event) -> bool:
    assert isinstance(event, (ev.EventCorrected, ev.EventRetracted))
    target = log.by_id[event.target_event_id]
    changed = not isinstance(event, ev.EventCorrected) or event.replacement != target
    later = log.registered[event.event_id] > log.registered[target.event_id]
    return target.stream == event.stream and changed and later


def _decided_late(log: Log, event: Event) -> bool:
    assert isinstance(event, ev.ReportReceived)
    due = event.occurred_on + timedelta(days=14)
    decisions = [
        e.occurred_on
        for e in log.streams[event.stream]
        if isinstance(e, (ev.InvestigationOpened, ev.InvestigationNotOpened))
        and event.event_id in e.report_event_ids
    ]
    extended = log.near(event, ev.PreAssessmentExtended, report_event_id=event.event_id)
    valid_until = [e.until_on for e in extended if e.occurred_on <= due]
    return event.occurred_on.year >= 2013 and decisions[0] > max([due, *valid_until])


def _assessed_late(log: Log, event: Event) -> bool:
    assert isinstance(event, ev.ReportReceived)
    match = {"report_event_id": event.event_id}
    (assessed,) = log.near(event, ev.ProtectionAssessmentDocumented, **match)
    late = assessed.occurred_on > event.occurred_on + timedelta(days=1)
    return event.occurred_on.year >= 2013 and late


def _submitted_late(log: Log, event: Event) -> bool:
    assert isinstance(event, ev.ImmediateCustodyDecided)
    week = dates.effective_due(dates.add_weeks(event.occurred_on, 1), dates.SundayRule.EXTEND)
    (submitted,) = log.near(event, ev.SubmittedToCourt, custody_id=event.custody_id)
    return submitted.occurred_on > week


def _overstayed(log: Log, event: Event) -> bool:
    assert isinstance(event, ev.PlacementStarted)
    assert event.home_type is ev.HomeType.EMERGENCY_HOME
    match = {"placement_id": event.placement_id}
    left = [e.occurred_on for e in log.near(event, ev.PlacementEnded, **match)]
    until = left[0] if left else DemoConfig().end
    dues = [dates.add_months(e.occurred_on, 2) for e in log.near(event, ev.InvestigationConcluded)]
    overstayed = any(event.occurred_on <= due < until for due in dues)
    return overstayed and not log.near(event, ev.EmergencyHomeStayExtended, **match)


def born_on(log: Log, event: Event) -> date:
    """The child's birth date, as last corrected."""
    born = [e.born_on for e in log.streams[event.stream] if isinstance(e, ev.CaseFileOpened)]
    born += [
        e.replacement.born_on
        for e in log.streams[event.stream]
        if isinstance(e, ev.EventCorrected) and isinstance(e.replacement, ev.CaseFileOpened)
    ]
    return born[-1]


def retention_due(log: Log, event: Event) -> tuple[date, date]:
    """When R23's duty to purge `event`'s personakt arises, and when it falls due."""
    stream = log.streams[event.stream]
    gone = {e.target_event_id for e in stream if isinstance(e, ev.EventRetracted)}
    skip = (ev.CaseFileOpened, ev.RecordsPurged, ev.EventCorrected, ev.EventRetracted)
    last = max(
        dates.swedish_date(log.registered[e.event_id])
        for e in stream
        if not isinstance(e, skip) and e.event_id not in gone
    )
    arises = duty_arises(
        last,
        born_on=born_on(log, event),
        investigated=any(isinstance(e, ev.InvestigationOpened) for e in stream),
        in_force_on=DEFAULT_SETTINGS.sfs_2025_1501_in_force_on,
    )
    return arises, purge_due(arises)


def _never_purged(log: Log, event: Event) -> bool:
    assert isinstance(event, ev.CaseFileOpened)
    stream = log.streams[event.stream]
    _, due = retention_due(log, event)
    kept = born_on(log, event).day in {5, 15, 25}
    return (
        not kept
        and due < DemoConfig().end
        and not any(isinstance(e, ev.RecordsPurged) for e in stream)
    )


CHECKS: dict[Pattern, Callable[[Log, Event], bool]] = {
    Pattern.VIOLENCE_NOT_INVESTIGATED: _violence_closed,
    Pattern.INVESTIGATION_OVERDUE: lambda log, e: _four_months(log, e) == "overdue",
    Pattern.EXTENSION_AFTER_EXPIRY: lambda log, e: _four_months(log, e) == "extended late",
    Pattern.PLACEMENT_NEVER_REVIEWED: lambda log, e: _reviewers(log, e) == set(),
    Pattern.REVIEWED_BY_OFFICIAL_ONLY: lambda log, e: _reviewers(log, e) == {ev.DecidedBy.OFFICIAL},
    Pattern.HOME_NEVER_INVESTIGATED: lambda log, e: _home_investigated(log, e) == [],
    Pattern.HOME_INVESTIGATED_AFTER_MOVE_IN: lambda log, e: (
        min(_home_investigated(log, e), default=date.min) > e.occurred_on
    ),
    Pattern.REGISTERED_YEARS_LATE: _years_late,
    Pattern.CORRECTED: _amends_earlier,
    Pattern.RETRACTED: _amends_earlier,
    Pattern.LATE_INITIAL_ASSESSMENT: _decided_late,
    Pattern.LATE_PROTECTION_ASSESSMENT: _assessed_late,
    Pattern.LATE_COURT_SUBMISSION: _submitted_late,
    Pattern.EMERGENCY_HOME_OVERSTAY: _overstayed,
    Pattern.RECORDS_NOT_PURGED: _never_purged,
}
