"""A series as scoring reads it: its curve and the points a batch re-judges."""

from hypothesis import given
from hypothesis import strategies as st

from chiso_core.periods import Period
from chiso_scoring.methods import Point
from chiso_scoring.series import Change, Series, build, changes, due_ends

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
        {p.end_month for p in periods if p.end_month >= Period.parse(score_from).end_month},
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


def end(period: str) -> int:
    return Period.parse(period).end_month


def test_a_batch_s_figures_are_grouped_by_series_with_the_new_ones_marked() -> None:
    """(end, span) in months: the year 2025 ends at 2025 · 12 + 12 and spans 12."""
    stored = [
        (("tam_duong", USAGE, Period.parse("2025")), False),
        (("tam_duong", USAGE, Period.parse("2025-06")), True),
        (("khanh_hoa", USAGE, Period.parse("2025-Q1")), True),
    ]
    assert changes(stored) == {
        ("tam_duong", USAGE): Change(
            frozenset({(2025 * 12 + 12, 12), (2025 * 12 + 6, 1)}), frozenset({(2025 * 12 + 6, 1)})
        ),
        ("khanh_hoa", USAGE): Change(
            frozenset({(2025 * 12 + 3, 3)}), frozenset({(2025 * 12 + 3, 3)})
        ),
    }


def test_a_new_latest_figure_re_judges_the_previous_latest_as_of_its_own_period() -> None:
    """2019 = 18.0 was the latest (judged as of today); 2020 = 18.6 arrives: 2019 is due again
    (now judged as of its period's end), and 2020 itself; with a look-back of 0 nothing else."""
    ends = [end("2017"), end("2018"), end("2019"), end("2020")]
    new = Change(frozenset({(end("2020"), 12)}), frozenset({(end("2020"), 12)}))
    assert due_ends(ends, [12] * 4, new, reach=0) == {end("2019"), end("2020")}


def test_a_changed_first_figure_re_judges_everything() -> None:
    """The first figure is the base when the plan states none."""
    ends = [end("2017"), end("2018"), end("2019")]
    revised = Change(frozenset({(end("2017"), 12)}), frozenset())
    assert due_ends(ends, [12] * 3, revised, reach=12) is None


def test_a_revision_re_judges_the_points_that_read_it_and_no_others() -> None:
    """A look-back of 24 months: a revised 2018 reaches 2018, 2019 and 2020, not 2021."""
    ends = [end(str(y)) for y in range(2016, 2022)]
    revised = Change(frozenset({(end("2018"), 12)}), frozenset())
    assert due_ends(ends, [12] * 6, revised, reach=24) == {end("2018"), end("2019"), end("2020")}
    assert due_ends(ends, [12] * 6, revised, reach=None) == {end(str(y)) for y in range(2018, 2022)}


@st.composite
def batches(draw: st.DrawFn) -> tuple[dict[tuple[int, int], int], dict[tuple[int, int], int]]:
    """A series' figures before a batch and after it, as (end, span) → a version number."""
    figure = st.tuples(st.integers(0, 40), st.sampled_from([1, 3, 12])).map(
        lambda f: (24_000 + f[0] * f[1], f[1])
    )
    before = dict.fromkeys(draw(st.sets(figure, max_size=12)), 0)
    changed = draw(st.sets(figure, min_size=1, max_size=5))
    return before, before | {f: before.get(f, 0) + 1 for f in changed}


def _reads(figures: dict[tuple[int, int], int], at: int, reach: int | None) -> object:
    """Everything a judgement at `at` may read under the contract: the base (the first
    position's figures), the figures within `reach` months before it and at it, and whether it
    is the latest (judged as of today)."""
    first, last = min(e for e, _ in figures), max(e for e, _ in figures)
    return (
        sorted(
            (f, v)
            for f, v in figures.items()
            if f[0] == first or (at - (reach if reach is not None else at) <= f[0] <= at)
        ),
        at == last,
    )


@given(batches(), st.sampled_from([None, 0, 6, 12, 30]))
def test_every_point_whose_inputs_changed_is_due(
    batch: tuple[dict[tuple[int, int], int], dict[tuple[int, int], int]], reach: int | None
) -> None:
    before, after = batch
    change = Change(
        frozenset(f for f in after if after[f] != before.get(f)),
        frozenset(f for f in after if f not in before),
    )
    figures = sorted(after, key=lambda f: (f[0], -f[1]))
    due = due_ends([e for e, _ in figures], [s for _, s in figures], change, reach)
    for at in {e for e, _ in after}:
        was = before and at in {e for e, _ in before}
        if not was or _reads(before, at, reach) != _reads(after, at, reach):
            assert due is None or at in due, at
