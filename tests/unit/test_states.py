"""A series' state kept in the database gives back exactly what was kept: the window (packed
as floats), the base, the years' summaries, the projection's exact sum, the latest points,
their scores as of their own end and what those read of the catalog (chiso_scoring.states)."""

import dataclasses
import itertools
from datetime import timedelta

import msgpack
from hypothesis import given, settings
from hypothesis import strategies as st

from chiso_core.catalog import Catalog
from chiso_core.periods import Period
from chiso_core.status import Status
from chiso_scoring import scorer, states
from chiso_scoring.methods import METHOD_VERSION, state
from chiso_scoring.methods.series import Point
from chiso_scoring.series import build

USAGE = "online_public_service_usage"


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
    steps=st.none() | st.integers() | st.integers(-(2**300), 2**300),
)
def test_a_record_gives_back_the_state_it_kept(
    first: int, gaps: list[int], values: list[float], lookback: float, steps: int | None
) -> None:
    """Over figures spread across many years, with gaps, any finite value and a kept sum of
    any size or sign (it is exact: an int of as many digits as the figures need)."""
    ends = itertools.accumulate(gaps, initial=first)
    figures = [Point(end / 12, float(v)) for end, v in zip(ends, values, strict=False)]
    kept = state.build(figures, lookback)
    assert kept is not None
    kept = dataclasses.replace(kept, steps=steps)
    entry = states.decode(states.encode(kept, (), None, ()))
    assert entry is not None
    back = entry.state
    assert back == kept
    # Points, not bare pairs: the methods read each figure's .at and .value
    assert all(type(p) is Point for p in (back.first, *back.recent, *(y.last for y in back.years)))


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(st.floats(0, 100, allow_nan=False), min_size=1, max_size=30),
    lag=st.sampled_from([0, 400, 900]) | st.integers(0, 900),
)
def test_a_record_gives_back_the_latest_points_their_scores_and_what_they_read(
    catalog: Catalog, values: list[float], lag: int
) -> None:
    """The scores kept as of the latest point's end come back equal, each field of its type
    (the status as a Status, the period as the one shared Period), and what they read of the
    catalog compares equal to what the catalog gives now."""
    ends = [Period.parse("2024-01").end_month + k for k in range(len(values))]
    n = len(values)
    one = build(("tam_duong", USAGE), ends, [1] * n, values, [1] * n, [False] * n, None)
    today = one.latest[0].period.end + timedelta(days=lag)
    [scored] = scorer.score_series([one], catalog, today)
    assert scored.state is not None
    # judged at its end, nothing differs; a year late, the latest figure is stale today but
    # was not at its end: its scores as of its end are kept
    if lag == 0 or lag > 365:
        assert bool(scored.ended) == (lag > 365)
    reads = scorer.judged_for(catalog, one.key)
    entry = states.decode(states.encode(scored.state, one.latest, scored.ended, reads))
    assert entry is not None
    assert entry.latest == one.latest
    period = one.latest[0].period
    assert entry.latest[0].period is Period.of(str(period.grain), period.start)
    assert entry.ended == scored.ended
    assert all(type(row.status) is Status for row in entry.ended or ())
    assert entry.judged_for == reads


def test_a_record_of_another_layout_or_methods_or_none_at_all_is_not_read() -> None:
    """The series is read back and its state built again, as for any state not trusted."""
    kept = state.build([Point(2020.5, 1.0)])
    assert kept is not None
    record = states.encode(kept, (), None, ())
    layout, version, *fields = msgpack.unpackb(record)
    assert (layout, version) == (states.LAYOUT, METHOD_VERSION)
    assert states.decode(record) is not None
    assert states.decode(msgpack.packb([layout + 1, version, *fields])) is None
    # written by another version of the methods: what it holds is theirs (window, scores)
    for other in (f"{version}.1", "1", None, 2):
        assert states.decode(msgpack.packb([layout, other, *fields])) is None, other
    for spoilt in (record[:-1], record + b"\x00", b"\xc1", msgpack.packb([layout, version]), b""):
        assert states.decode(spoilt) is None, spoilt
