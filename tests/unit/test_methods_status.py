"""Method 6, one status per target: the rule table of docs/scoring.md, rule by rule."""

from datetime import date

import pytest

from chiso_core.catalog.models import Cadence
from chiso_core.status import Status
from chiso_scoring.methods.kinds import TargetKind
from chiso_scoring.methods.series import axis_position
from chiso_scoring.methods.status import ORDER, Facts, decide, from_pace, is_stale, rank
from chiso_scoring.methods.unsd import UnsdCategory

LEVEL = TargetKind.LEVEL


def facts(**changes: object) -> Facts:
    """A level target with two figures, not stale, not settled, not met, pace 1."""
    base: dict[str, object] = {
        "kind": LEVEL,
        "has_figures": True,
        "stale": False,
        "settled": False,
        "achieved": False,
        "has_trend": True,
        "progress_required": True,
        "moved": 1.0,
        "pace": 1.0,
    }
    base.update(changes)
    return Facts(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({"has_figures": False}, Status.INSUFFICIENT_DATA),  # 1
        ({"stale": True}, Status.STALE),  # 2
        ({"stale": True, "achieved": True}, Status.STALE),  # 2 before 3: met, but long ago
        ({"stale": True, "settled": True, "achieved": True}, Status.ACHIEVED),  # settled: final
        ({"achieved": True}, Status.ACHIEVED),  # 3
        (
            {"kind": TargetKind.MAINTAIN, "years_judged": 3, "years_missed": (2026,)},
            Status.OFF_TRACK,
        ),
        ({"settled": True}, Status.OFF_TRACK),  # 5: due, not met, whatever the pace
        ({"beyond_range": True, "kind": TargetKind.RANGE}, Status.OFF_TRACK),  # 6
        ({"kind": TargetKind.MILESTONE}, Status.ON_TRACK),  # 7
        ({"kind": TargetKind.COUNT_PER_YEAR, "years_judged": 2}, Status.ON_TRACK),  # 8
        ({"kind": TargetKind.COUNT_PER_YEAR, "years_judged": 0}, Status.INSUFFICIENT_DATA),
        ({"kind": TargetKind.GROWTH, "has_aim": False}, Status.INSUFFICIENT_DATA),  # 9
        ({"has_trend": False, "pace": None}, Status.INSUFFICIENT_DATA),  # 10
        ({"progress_required": False, "moved": -1.0}, Status.DETERIORATING),  # 11
        ({"progress_required": False, "moved": 0.0}, Status.OFF_TRACK),  # 11
        ({"pace": 0.95}, Status.ON_TRACK),  # 12
        ({"pace": 0.7}, Status.NEEDS_ACCELERATION),
        ({"pace": 0.3}, Status.OFF_TRACK),
        ({"pace": -0.1}, Status.DETERIORATING),
    ],
)
def test_rules_in_order(changes: dict[str, object], status: Status) -> None:
    assert decide(facts(**changes)).status is status


@pytest.mark.parametrize(
    ("pace", "status"),
    [
        (1.2, Status.ON_TRACK),
        (0.95, Status.ON_TRACK),
        (0.9499, Status.NEEDS_ACCELERATION),
        (0.6, Status.NEEDS_ACCELERATION),
        (0.5999, Status.OFF_TRACK),
        (0.0, Status.OFF_TRACK),
        (-0.0001, Status.DETERIORATING),
    ],
)
def test_pace_thresholds_are_statcans(pace: float, status: Status) -> None:
    """StatCan's 0.95 / 0.6 / 0: substantial, moderate, limited, deterioration map one to one
    onto on_track, needs_acceleration, off_track, deteriorating."""
    assert from_pace(pace) is status


def test_the_order_of_statuses() -> None:
    """Worst to best: the order 'a better figure never gives a worse status' is checked in."""
    assert [rank(s) for s in ORDER] == list(range(len(Status)))
    assert rank(Status.ACHIEVED) > rank(Status.ON_TRACK) > rank(Status.NEEDS_ACCELERATION)
    assert rank(Status.NEEDS_ACCELERATION) > rank(Status.OFF_TRACK) > rank(Status.DETERIORATING)


@pytest.mark.parametrize(
    ("day", "position"),
    [
        (date(2025, 1, 1), 2025.0),
        (date(2025, 7, 1), 2025.5),
        (date(2025, 12, 1), 2025 + 11 / 12),
        (date(2025, 6, 16), 2025 + (5 + 15 / 30) / 12),
    ],
)
def test_days_on_the_year_axis(day: date, position: float) -> None:
    assert axis_position(day) == pytest.approx(position)


def test_staleness_worked_examples() -> None:
    """Monthly: June's figure sits at 2025.5; July's is due by the end of August with a
    month's grace: 2025.5 + 1/12 + 1/12 = 2025.667 (2025-09-01). Yearly: the 2024 figure
    (2025.0) is followed by 2025's, allowed until 2025.0 + 1 + 0.5 = 2026.5 (2026-07-01)."""
    assert not is_stale(2025.5, axis_position(date(2025, 9, 1)), Cadence.MONTH)
    assert is_stale(2025.5, axis_position(date(2025, 9, 2)), Cadence.MONTH)
    assert not is_stale(2025.0, axis_position(date(2026, 7, 1)), Cadence.YEAR)
    assert is_stale(2025.0, axis_position(date(2026, 7, 2)), Cadence.YEAR)
    # quarterly: Q1 (2025.25) → Q2 due at 2025.5, plus two months: 2025.667
    assert not is_stale(2025.25, axis_position(date(2025, 9, 1)), Cadence.QUARTER)
    assert is_stale(2025.25, axis_position(date(2025, 9, 2)), Cadence.QUARTER)


@pytest.mark.parametrize("probability", [0.0, 0.001, 0.05, 0.0999])
def test_on_track_with_little_chance_needs_acceleration(probability: float) -> None:
    """Rule 13: pace 1 says on track, the projection gives under 10 %: needs_acceleration, the
    reason naming both. The same for a maintain target met every year so far (rule 8)."""
    for changes in ({}, {"kind": TargetKind.MAINTAIN, "years_judged": 2}):
        v = decide(facts(probability=probability, pace_source="statcan", **changes))
        assert v.status is Status.NEEDS_ACCELERATION
        assert "; projection " in v.reason
        assert v.reason.endswith(" %, under 10 %")


@pytest.mark.parametrize("probability", [0.1, 0.5, 1.0, None])
def test_on_track_with_a_fair_chance_stays(probability: float | None) -> None:
    v = decide(facts(probability=probability))
    assert v.status is Status.ON_TRACK
    assert ("projection" in v.reason) is (probability is not None)


def test_the_reason_names_every_measure_of_the_trend() -> None:
    """Pace 0.7 from StatCan (needs acceleration), UNSD on track, probability 34 %."""
    v = decide(facts(pace=0.7, pace_source="statcan", unsd=UnsdCategory.ON_TRACK, probability=0.34))
    assert v.status is Status.NEEDS_ACCELERATION
    assert v.reason == "pace 0.7 (statcan); UNSD on_track; projection 34 %"
