"""The alert lifecycle (Prometheus' for / keep_firing_for, counted in scored periods) and the
fingerprint that keys the alerts table."""

import hashlib
import random
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from chiso_alerts.rules.lifecycle import AlertState, State, advance, fingerprint
from chiso_alerts.rules.model import Severity, Verdict
from chiso_core.periods import Period

T0 = datetime(2025, 7, 1, 8, 0, tzinfo=UTC)
LABELS = {
    "alertname": "TargetOffTrack",
    "plan": "tam_duong_nq57",
    "target": "online_public_service_usage_2030",
    "jurisdiction": "tam_duong",
    "indicator": "online_public_service_usage",
    "rule": "status",
}


def verdict(
    *active: bool,
    for_periods: int = 2,
    keep: int = 2,
    severity: Severity = Severity.WARNING,
    summary: str = "s",
) -> Verdict:
    return Verdict(
        labels=LABELS,
        severity=severity,
        active=active,
        for_periods=for_periods,
        keep_firing_for=keep,
        annotations={"summary": summary, "description": "d"},
        period=Period.parse("2025-06"),
    )


def month(n: int) -> datetime:
    return T0 + timedelta(days=31 * n)


def run(flags: list[bool], for_periods: int = 2, keep: int = 2) -> list[AlertState | None]:
    """The alert after each scored period, the window growing one flag at a time."""
    alert: AlertState | None = None
    seen = []
    for i in range(len(flags)):
        alert, _ = advance(alert, verdict(*flags[: i + 1], for_periods=for_periods, keep=keep), T0)
        seen.append(alert)
    return seen


def states(flags: list[bool], for_periods: int = 2, keep: int = 2) -> list[str | None]:
    return [a.state if a else None for a in run(flags, for_periods, keep)]


def test_nothing_active_creates_nothing() -> None:
    """Most targets are fine most of the time: that must not fill the alerts table."""
    assert advance(None, verdict(False, False), T0) == (None, False)
    assert advance(None, verdict(), T0) == (None, False)


def test_pending_then_firing_after_for_periods() -> None:
    pending, changed = advance(None, verdict(False, True), T0)
    assert changed
    assert pending is not None
    assert (pending.state, pending.starts_at, pending.fired_at) == (State.PENDING, T0, None)
    assert pending.labels == {**LABELS, "severity": "warning"}
    assert pending.fingerprint == fingerprint(LABELS)  # severity is not part of the identity
    assert pending.last_period == Period.parse("2025-06")

    firing, changed = advance(pending, verdict(False, True, True), month(1))
    assert changed
    assert firing is not None
    assert (firing.state, firing.starts_at, firing.fired_at, firing.ends_at) == (
        State.FIRING,
        T0,
        month(1),
        None,
    )


def test_for_one_fires_at_once() -> None:
    alert, changed = advance(None, verdict(True, for_periods=1), T0)
    assert changed
    assert alert is not None
    assert (alert.state, alert.fired_at) == (State.FIRING, T0)


def test_one_noisy_month_neither_fires_nor_resolves() -> None:
    """for = keep_firing_for = 2: a single bad month makes a pending alert that goes inactive
    (never notified); a single good month inside a firing stretch does not resolve it."""
    assert states([False, True, False, False]) == [None, "pending", "inactive", "inactive"]
    assert states([True, True, True, False, True, True]) == [
        "pending",
        "firing",
        "firing",
        "firing",
        "firing",
        "firing",
    ]
    assert states([True, True, False, False]) == ["pending", "firing", "firing", "resolved"]


def test_firing_resolves_after_keep_firing_for_and_keeps_its_start() -> None:
    firing, _ = advance(None, verdict(True, True), T0)
    still, changed = advance(firing, verdict(True, True, False), month(1))
    assert not changed
    assert still is not None
    assert still.state == State.FIRING
    resolved, changed = advance(still, verdict(True, True, False, False), month(2))
    assert changed
    assert resolved is not None
    assert (resolved.state, resolved.starts_at, resolved.fired_at, resolved.ends_at) == (
        State.RESOLVED,
        T0,
        T0,
        month(2),
    )


def test_resolved_and_active_again_is_a_new_episode() -> None:
    firing, _ = advance(None, verdict(True, True), T0)
    resolved, _ = advance(firing, verdict(True, True, False, False), month(2))
    assert resolved is not None
    again, changed = advance(resolved, verdict(False, False, True), month(3))
    assert changed
    assert again is not None
    assert (again.state, again.starts_at, again.ends_at, again.fired_at) == (
        State.PENDING,
        month(3),
        None,
        None,
    )
    assert again.fingerprint == resolved.fingerprint


def test_inactive_and_resolved_stay_put_while_nothing_holds() -> None:
    pending, _ = advance(None, verdict(True), T0)
    inactive, changed = advance(pending, verdict(True, False), month(1))
    assert changed
    assert inactive is not None
    assert (inactive.state, inactive.ends_at) == (State.INACTIVE, month(1))
    assert advance(inactive, verdict(True, False, False), month(2)) == (inactive, False)


def test_severity_and_annotations_follow_without_a_state_change() -> None:
    """A firing alert whose target gets worse is told as critical from then on, but that is not
    a transition (subscribers are not told twice)."""
    firing, _ = advance(None, verdict(True, True), T0)
    worse, changed = advance(
        firing, verdict(True, True, True, severity=Severity.CRITICAL, summary="worse"), month(1)
    )
    assert not changed
    assert worse is not None
    assert worse.state == State.FIRING
    assert worse.labels["severity"] == "critical"
    assert worse.annotations["summary"] == "worse"
    assert worse.starts_at == T0


def test_a_state_read_back_as_plain_strings_advances_the_same() -> None:
    """The store reads the state column as text; the lifecycle must not depend on the enum
    identity."""
    pending, _ = advance(None, verdict(True), T0)
    assert pending is not None
    from_db = replace(pending, state="pending")  # type: ignore[arg-type]
    firing, changed = advance(from_db, verdict(True, True), month(1))
    assert changed
    assert firing is not None
    assert firing.state == State.FIRING


@given(
    st.lists(st.booleans(), max_size=20),
    st.integers(min_value=1, max_value=4),
    st.integers(min_value=1, max_value=4),
)
def test_transitions_follow_alertmanager(flags: list[bool], for_periods: int, keep: int) -> None:
    """Property: firing never goes back to pending; resolved comes only from firing and inactive
    only from pending; it fires exactly when the trailing run of active periods reaches `for`;
    a firing alert resolves exactly when the trailing inactive run reaches keep_firing_for."""
    allowed = {
        (None, "pending"),
        (None, "firing"),
        ("pending", "firing"),
        ("pending", "inactive"),
        ("firing", "resolved"),
        ("resolved", "pending"),
        ("resolved", "firing"),
        ("inactive", "pending"),
        ("inactive", "firing"),
    }
    before: str | None = None
    for i, alert in enumerate(run(flags, for_periods, keep)):
        after = alert.state if alert else None
        if after != before:
            assert (before, after) in allowed
        window = "".join("1" if f else "0" for f in flags[: i + 1])
        active_run = len(window) - len(window.rstrip("1"))
        inactive_run = len(window) - len(window.rstrip("0"))
        if after == "firing" and before != "firing":
            assert active_run >= for_periods
        if after == "resolved" and before == "firing":
            assert inactive_run >= keep
        if before == "firing" and inactive_run < keep:
            assert after == "firing"
        before = after


def test_fingerprint_is_stable() -> None:
    """The fingerprint is the alerts table's key: it must not change between runs or releases
    (the same digest as before the rules package, computed here independently)."""
    labels = {"alertname": "TargetOffTrack", "plan": "p", "target": "t"}
    canonical = "alertname\x01TargetOffTrack\x00plan\x01p\x00target\x01t"
    assert fingerprint(labels) == hashlib.sha256(canonical.encode()).hexdigest()[:16]


def test_fingerprint_tells_labels_apart() -> None:
    assert fingerprint({**LABELS, "jurisdiction": "12"}) != fingerprint(LABELS)
    assert fingerprint({**LABELS, "rule": "drift"}) != fingerprint(LABELS)
    # The separators keep "a"+"bc" and "ab"+"c" apart.
    assert fingerprint({"a": "bc"}) != fingerprint({"ab": "c"})


@given(st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=6), st.randoms())
def test_fingerprint_is_independent_of_insertion_order(
    labels: Mapping[str, str], rnd: random.Random
) -> None:
    """Labels come back from JSONB in the database in another order than they were built."""
    items = list(labels.items())
    rnd.shuffle(items)
    assert fingerprint(dict(items)) == fingerprint(labels)
