"""A series as scoring reads it: its curve and the points a batch re-scores."""

from chiso_core.periods import Period
from chiso_scoring.methods import Point
from chiso_scoring.series import Series, build, first_touched

USAGE = "online_public_service_usage"


def series(figures: dict[str, float], score_from: str) -> Series:
    """As store.read_series gives it: by end, the coarser first where ends meet."""
    spans = {p: p.end_month - (p.year * 12 + p.month - 1) for p in map(Period.parse, figures)}
    periods = sorted(spans, key=lambda p: (p.end_month, -spans[p]))
    return build(
        ("tam_duong", USAGE),
        [p.end_month for p in periods],
        [spans[p] for p in periods],
        [figures[str(p)] for p in periods],
        [1] * len(periods),
        [False] * len(periods),
        Period.parse(score_from).end_month,
    )


def test_the_touched_period_and_every_later_one_are_due_each_on_its_own_history() -> None:
    s = series({"2025-01": 40.0, "2025-06": 41.0, "2025-09": 42.0}, "2025-06")
    assert s.curve == [Point(2025 + 1 / 12, 40.0), Point(2025.5, 41.0), Point(2025.75, 42.0)]
    assert [(str(d.period), d.value, d.history) for d in s.due] == [
        ("2025-06", 41.0, 2),
        ("2025-09", 42.0, 3),
    ]


def test_positions_are_the_periods_own() -> None:
    """The curve's positions are Period.end_year_fraction to the bit (the methods compare
    them with a tolerance of 1e-9, but a baseline's position is computed that way too)."""
    figures = {f"2025-{m:02d}": float(m) for m in range(1, 13)} | {"2025-Q3": 7.0, "2024": 1.0}
    s = series(figures, "2024")
    expected = sorted({Period.parse(p).end_year_fraction for p in figures})
    assert [p.at for p in s.curve] == expected


def test_where_periods_end_together_the_coarsest_figure_stands_for_them_all() -> None:
    """December, Q4 and the year 2025 all end at 2026.0: the year's (official) figure is the
    curve's, and each of the three is due with that history."""
    s = series({"2025-12": 50.0, "2025-Q4": 49.0, "2025": 48.0, "2025-11": 47.0}, "2025-11")
    assert s.curve == [Point(2025 + 11 / 12, 47.0), Point(2026.0, 48.0)]
    assert [(str(d.period), d.value, d.history) for d in s.due] == [
        ("2025-11", 47.0, 1),
        ("2025", 48.0, 2),
        ("2025-Q4", 49.0, 2),
        ("2025-12", 50.0, 2),
    ]


def test_the_earliest_touched_period_of_each_series_is_where_scoring_starts() -> None:
    """The year 2025 ends after every month of 2025, so a touched June starts earlier."""
    touched = [
        ("tam_duong", USAGE, Period.parse("2025")),
        ("tam_duong", USAGE, Period.parse("2025-06")),
        ("khanh_hoa", USAGE, Period.parse("2025-03")),
    ]
    assert first_touched(touched) == {
        ("tam_duong", USAGE): 2025 * 12 + 6,
        ("khanh_hoa", USAGE): 2025 * 12 + 3,
    }
