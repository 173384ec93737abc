"""The alert lifecycle (Alertmanager's words): off track fires, on track resolves, once each."""

import hashlib
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from chiso_alerts.rules import ALERTNAME, Alert, ScoreEvent, apply, fingerprint
from chiso_core.contracts.v1 import score_pb2
from chiso_core.periods import Period
from chiso_core.status import Status

T0 = datetime(2025, 7, 1, 8, 0, tzinfo=UTC)


def event(period: str, status: Status, actual: float = 41.0) -> ScoreEvent:
    return ScoreEvent(
        plan_id="tam_duong_nq57",
        target_id="online_public_service_usage_2030",
        jurisdiction="tam_duong",
        indicator="online_public_service_usage",
        province="12",
        period=Period.parse(period),
        status=status,
        actual=actual,
        expected=42.82,
        target_value=80.0,
        due_year=2030,
    )


def fired(period: str = "2025-06") -> Alert:
    alert, changed = apply(None, event(period, Status.OFF_TRACK), T0)
    assert alert is not None
    assert changed
    return alert


def test_off_track_fires_a_new_alert() -> None:
    alert = fired()
    assert alert.state == "firing"
    assert alert.starts_at == T0
    assert alert.ends_at is None
    assert alert.last_period == Period.parse("2025-06")
    assert alert.fingerprint == fingerprint(alert.labels)
    assert alert.labels["alertname"] == ALERTNAME
    assert alert.labels["target"] == "online_public_service_usage_2030"
    assert alert.summary == (
        "online_public_service_usage in tam_duong is off_track at 2025-06: 41 against 42.82 "
        "expected, on the way to 80 by 2030"
    )


def test_deteriorating_fires_too() -> None:
    alert, changed = apply(None, event("2025-06", Status.DETERIORATING), T0)
    assert alert is not None
    assert changed
    assert alert.state == "firing"


def test_repeated_off_track_does_not_fire_again() -> None:
    """Subscribers are told once; later scores only refresh the summary and the period."""
    later = T0 + timedelta(days=31)
    alert, changed = apply(fired(), event("2025-07", Status.OFF_TRACK, actual=41.5), later)
    assert not changed
    assert alert is not None
    assert alert.state == "firing"
    assert alert.starts_at == T0  # the alert started when it first fired
    assert alert.last_period == Period.parse("2025-07")
    assert "41.5 against" in alert.summary


def test_on_track_resolves_a_firing_alert() -> None:
    later = T0 + timedelta(days=31)
    alert, changed = apply(fired(), event("2025-07", Status.ON_TRACK, actual=45.0), later)
    assert changed
    assert alert is not None
    assert alert.state == "resolved"
    assert alert.starts_at == T0
    assert alert.ends_at == later
    assert alert.last_period == Period.parse("2025-07")
    assert alert.fingerprint == fired().fingerprint


def test_achieved_resolves_too() -> None:
    alert, changed = apply(fired(), event("2025-07", Status.ACHIEVED, actual=81.0), T0)
    assert changed
    assert alert is not None
    assert alert.state == "resolved"


def test_on_track_without_an_alert_creates_nothing() -> None:
    """Most targets are fine most of the time: that must not fill the alerts table."""
    assert apply(None, event("2025-06", Status.ON_TRACK), T0) == (None, False)


def test_on_track_on_a_resolved_alert_changes_nothing() -> None:
    resolved, _ = apply(fired(), event("2025-07", Status.ON_TRACK), T0)
    assert resolved is not None
    assert apply(resolved, event("2025-08", Status.ON_TRACK), T0) == (resolved, False)


def test_off_track_after_resolving_fires_again_as_a_new_episode() -> None:
    resolved, _ = apply(fired(), event("2025-07", Status.ON_TRACK), T0)
    later = T0 + timedelta(days=62)
    alert, changed = apply(resolved, event("2025-08", Status.OFF_TRACK), later)
    assert changed
    assert alert is not None
    assert (alert.state, alert.starts_at, alert.ends_at) == ("firing", later, None)


def test_a_score_for_an_older_period_is_ignored() -> None:
    """A late or replayed score for May must not resolve an alert fired for June."""
    current = fired("2025-06")
    assert apply(current, event("2025-05", Status.ON_TRACK), T0) == (current, False)


def test_insufficient_data_neither_fires_nor_resolves() -> None:
    current = fired()
    assert apply(current, event("2025-07", Status.INSUFFICIENT_DATA), T0) == (current, False)
    assert apply(None, event("2025-07", Status.STALE), T0) == (None, False)


def test_from_proto_reads_every_field() -> None:
    score = score_pb2.Score(
        plan_id="tam_duong_nq57",
        target_id="online_public_service_usage_2030",
        indicator_code="online_public_service_usage",
        jurisdiction_id="tam_duong",
        province_code="12",
        period=Period.parse("2025-06").to_proto(),
        actual=41.0,
        expected=42.82,
        target_value=80.0,
        due_year=2030,
        status=score_pb2.STATUS_OFF_TRACK,
    )
    assert ScoreEvent.from_proto(score) == event("2025-06", Status.OFF_TRACK)


def test_fingerprint_is_stable() -> None:
    """The fingerprint is the alerts table's key: it must not change between runs or releases.
    It is the first 16 hex digits of SHA-256 over the sorted "key\\x01value" pairs joined by
    "\\x00" (computed here independently)."""
    labels = {"alertname": ALERTNAME, "plan": "p", "target": "t"}
    canonical = f"alertname\x01{ALERTNAME}\x00plan\x01p\x00target\x01t"
    assert fingerprint(labels) == hashlib.sha256(canonical.encode()).hexdigest()[:16]


def test_fingerprint_ignores_label_order_and_tells_labels_apart() -> None:
    labels = event("2025-06", Status.OFF_TRACK).labels
    assert fingerprint(dict(reversed(list(labels.items())))) == fingerprint(labels)
    assert fingerprint({**labels, "jurisdiction": "12"}) != fingerprint(labels)
    # The separators keep "a"+"bc" and "ab"+"c" apart.
    assert fingerprint({"a": "bc"}) != fingerprint({"ab": "c"})


def test_the_fingerprint_does_not_depend_on_the_period_or_status() -> None:
    """One alert per target and jurisdiction across periods, not one per score."""
    a = event("2025-06", Status.OFF_TRACK)
    b = replace(a, period=Period.parse("2025-09"), status=Status.ON_TRACK, actual=50.0)
    assert fingerprint(a.labels) == fingerprint(b.labels)


@given(st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=6), st.randoms())
def test_fingerprint_is_independent_of_insertion_order(
    labels: dict[str, str], rnd: random.Random
) -> None:
    """Labels come back from JSONB in the database in another order than they were built."""
    items = list(labels.items())
    rnd.shuffle(items)
    assert fingerprint(dict(items)) == fingerprint(labels)


@given(st.lists(st.sampled_from([Status.OFF_TRACK, Status.ON_TRACK, Status.ACHIEVED]), max_size=12))
def test_state_changes_alternate(statuses: list[Status]) -> None:
    """Property: over months in order, transitions go firing, resolved, firing, … — never two
    of the same in a row — and there is one per status flip between the two groups."""
    alert: Alert | None = None
    transitions: list[str] = []
    for month, status in enumerate(statuses, start=1):
        alert, changed = apply(alert, event(f"2025-{month:02d}", status), T0)
        if changed:
            assert alert is not None
            transitions.append(alert.state)
    assert transitions == ["firing", "resolved"] * (len(transitions) // 2) + ["firing"] * (
        len(transitions) % 2
    )
    firing = [s is Status.OFF_TRACK for s in statuses]
    flips = sum(
        1 for before, after in zip([False, *firing], firing, strict=False) if before != after
    )
    assert len(transitions) == flips
