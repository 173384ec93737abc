"""Which points a batch re-scores."""

from chiso_core.periods import Period
from chiso_scoring.intake import PointKey
from chiso_scoring.revisions import Current
from chiso_scoring.series import affected


def key(jurisdiction: str, period: str) -> PointKey:
    return jurisdiction, "online_public_service_usage", Period.parse(period)


def current(value: float) -> Current:
    return Current(1, b"h", value)


STATE = {
    key("tam_duong", "2025-01"): current(40.0),
    key("tam_duong", "2025-06"): current(41.0),
    key("tam_duong", "2025-09"): current(42.0),
    key("khanh_hoa", "2025-03"): current(60.0),
}


def test_a_touched_period_and_every_later_one_of_its_series_are_affected() -> None:
    assert set(affected(STATE, [key("tam_duong", "2025-06")])) == {
        key("tam_duong", "2025-06"),
        key("tam_duong", "2025-09"),
    }


def test_untouched_series_are_not_affected() -> None:
    assert set(affected(STATE, [key("khanh_hoa", "2025-03")])) == {key("khanh_hoa", "2025-03")}


def test_a_year_is_placed_at_its_end_among_months() -> None:
    """The year 2025 ends at 2026.0, after every month of 2025: only it is affected."""
    state = {**STATE, key("tam_duong", "2025"): current(41.5)}
    assert set(affected(state, [key("tam_duong", "2025")])) == {key("tam_duong", "2025")}
