"""The states a scoring process keeps between batches give back exactly the state they were
given: their packed arrays lose nothing (chiso_scoring.states)."""

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from chiso_scoring.methods import state
from chiso_scoring.methods.series import Point
from chiso_scoring.states import StateCache


@settings(max_examples=80, deadline=None)
@given(
    first=st.integers(1990 * 12, 2030 * 12),
    gaps=st.lists(st.sampled_from([1, 2, 3, 12, 25]), min_size=1, max_size=80),
    values=st.lists(
        st.floats(allow_nan=False, allow_infinity=False, width=64) | st.integers(-5, 5),
        min_size=80,
        max_size=80,
    ),
    lookback=st.sampled_from([0.5, 3.0, 10.0]),
)
def test_an_entry_gives_back_the_state_it_kept(
    first: int, gaps: list[int], values: list[float], lookback: float
) -> None:
    """The window (packed as floats), the base, the years' summaries and the kept sum come
    back equal, over figures spread across many years, with gaps and any finite value."""
    ends = itertools.accumulate(gaps, initial=first)
    figures = [Point(end / 12, float(v)) for end, v in zip(ends, values, strict=False)]
    kept = state.build(figures, lookback)
    assert kept is not None
    cache = StateCache(10)
    cache.put(("x", "y"), 4, kept, ())
    entry = cache.current(("x", "y"), 5)
    assert entry is not None
    back = entry.state
    assert back == kept
    # Points, not bare pairs: the methods read each figure's .at and .value
    assert all(type(p) is Point for p in (back.first, *back.recent))


def test_an_entry_is_trusted_only_one_version_behind_and_the_oldest_leaves_first() -> None:
    one = state.build([Point(2020.5, 1.0)])
    cache = StateCache(2)
    for k in ("a", "b", "c"):
        cache.put((k, "i"), 1, one, ())
    assert len(cache) == 2
    assert cache.current(("a", "i"), 2) is None  # dropped: the least recently written
    assert cache.current(("b", "i"), 3) is None  # not the series' state before version 3
    assert cache.current(("b", "i"), 2) is not None
    cache.put(("b", "i"), 2, None, ())
    assert cache.current(("b", "i"), 3) is None
