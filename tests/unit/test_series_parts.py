"""How the series read back are cut into parts judged together (series.by_points: the pipeline's
turns, the rescore's parts): each part's due points add up to the share at most, unless one
series alone has more, and every series is judged once, in order."""

from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from chiso_core.periods import Period
from chiso_scoring.series import Series, build, by_points


def series(k: int, points: int) -> Series:
    """A series of `points` monthly figures, every one due."""
    ends = [Period.parse("2020-01").end_month + m for m in range(points)]
    ones = [1] * points
    return build((f"c{k}", "i"), ends, ones, [1.0] * points, ones, [False] * points, None)


@given(st.lists(st.integers(min_value=1, max_value=300)), st.integers(min_value=1, max_value=250))
def test_each_part_is_a_share_of_points(sizes: list[int], most: int) -> None:
    every = [series(k, n) for k, n in enumerate(sizes)]
    parts = list(by_points(every, most))
    assert [one for part in parts for one in part] == every
    for part in parts:
        assert part
        assert len(part) == 1 or sum(len(one.due) for one in part) <= most
    # a part ends only where the next series would not fit
    for part, after in pairwise(parts):
        assert sum(len(one.due) for one in part) + len(after[0].due) > most
