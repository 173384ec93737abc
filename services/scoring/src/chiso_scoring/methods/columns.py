"""The methods over many targets at once, as arrays (pure): what `state.judge_state_as_of` gives
each target, from one pass of numpy over all of them.

A batch judges thousands of targets, each on a series' state. One at a time, most of a
judgement's cost is Python's: the objects each step builds (the case, the path, the StatCan and
UNSD results, the projection, two assessments) and the calls between them. Here the path,
StatCan, UNSD and projection formulas run once over columns, one element a target, and each
target's assessment is built from them; what is not arithmetic stays the methods' own and is
called per target (the base and the walk read from the state, the aim, whether a figure meets
the target, the status rules).

The same formulas in the same order, operation by operation, as path, statcan, unsd and
projection: every figure is bit for bit the one `judge_state_as_of` gives, which
tests/unit/test_methods_columns.py holds it to over generated states and targets. Judged here:
the kinds on a path (level, range, growth) with an aim, on a state kept with the default
look-back; `judge` declines the others (every-year kinds, milestones, growth from a base of zero
or less), which the caller judges one at a time.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import stdtr

from chiso_core.catalog import Baseline, Direction, Target
from chiso_core.catalog.models import Cadence
from chiso_core.periods import year_end
from chiso_scoring.methods import kinds, statcan, status, unsd
from chiso_scoring.methods.assess import DEFAULT_SETTINGS, Assessment, default_shape
from chiso_scoring.methods.kinds import TargetKind
from chiso_scoring.methods.path import PathShape
from chiso_scoring.methods.projection import LEVEL, TREND_SPREAD, quantile
from chiso_scoring.methods.series import EPSILON, axis_position
from chiso_scoring.methods.state import SeriesState, story_of
from chiso_scoring.methods.story import History

Floats = NDArray[np.float64]
Flags = NDArray[np.bool_]
Ints = NDArray[np.int64]
Named = dict[str, list[Any]]  # columns by the name Assessment gives each figure


# not frozen, never assigned once built: one a target a batch (see assess.Assessment)
@dataclass(slots=True)
class Request:
    """One target to judge on a series' state, as of each day of `nows`."""

    target: Target
    direction: Direction
    cadence: Cadence
    baseline: Baseline | None
    state: SeriesState
    nows: tuple[date, ...]


# not frozen, never assigned once built: one a target judged here (see assess.Assessment)
@dataclass(slots=True)
class _Read:
    """What a target's judgement reads, outside the arrays."""

    request: Request
    kind: TargetKind
    story: History
    aim: float
    achieved: bool


def judge(requests: Sequence[Request]) -> list[tuple[Assessment, ...] | None]:
    """Each request's assessments as of its days (state.judge_state_as_of's), or None where the
    request is not judged here. A target whose reading raises (the growth aim beyond the
    floating-point range) is declined too: judged one at a time, it fails as it does there."""
    reads: list[_Read] = []
    where: list[int | None] = []
    for request in requests:
        read = _read(request)
        where.append(None if read is None else len(reads))
        if read is not None:
            reads.append(read)
    judged = _assessments(reads) if reads else []
    return [None if k is None else judged[k] for k in where]


def _read(request: Request) -> _Read | None:
    target, state = request.target, request.state
    kind = kinds.kind_of(target)
    if kind not in kinds.ON_A_PATH or state.lookback != DEFAULT_SETTINGS.lookback:
        return None
    due_at = year_end(target.due_year)
    story = story_of(state, request.baseline, due_at, state.lookback)
    if story is None:  # a state has figures: never
        return None
    try:
        aim = kinds.aim(target, request.direction, story.base, due_at)
    except (ValueError, ArithmeticError):
        return None
    if aim is None:
        return None
    return _Read(request, kind, story, aim, kinds.meets(target, story.latest.value, aim))


def _floats(values: Sequence[float]) -> Floats:
    return np.array(values, dtype=np.float64)


def _values(column: Floats, present: Flags) -> list[float | None]:
    """A column as the methods give it: a float, or None where it is not present."""
    return [v if p else None for v, p in zip(column.tolist(), present.tolist(), strict=True)]


def _finite(column: Floats, valid: Flags) -> Flags:
    """Where a value that left the floating-point range is None (series.finite)."""
    return valid & np.isfinite(column)


def _power(x: Floats, y: Floats, where: Flags) -> Floats:
    """x ** y where asked (NaN elsewhere) by the C library's pow, as Python's float power is:
    numpy's own power may differ from it in the last bit, and a score judged here must equal
    the one a rescore gives. Infinite where it overflows, NaN where it is undefined."""
    out = np.full(len(x), np.nan)
    at = np.flatnonzero(where)
    powers = []
    for a, b in zip(x[at].tolist(), y[at].tolist(), strict=True):
        try:
            powers.append(math.pow(a, b))
        except OverflowError:
            powers.append(math.inf)
        except ValueError:  # a negative number to a fractional power, 0 to a negative one
            powers.append(math.nan)
    out[at] = powers
    return out


def _growth(
    current: Floats, base: Floats, t_current: Floats, t_base: Floats, where: Flags
) -> Floats:
    """series.growth's formula where asked; not finite where it is None."""
    return _power(current / base, 1 / (t_current - t_base), where) - 1


# not frozen, never assigned once built: one a batch
@dataclass(slots=True)
class _Columns:
    """The targets' readings, one element a target."""

    base_at: Floats
    base: Floats
    at: Floats  # the latest figure's position and value
    value: Floats
    due: Floats
    aim: Floats
    sign: Floats  # the direction's
    growth: Flags  # on the constant-growth path by default (where one exists: path.grows)
    settled: Flags

    @classmethod
    def of(cls, reads: Sequence[_Read]) -> "_Columns":
        due = _floats([year_end(r.request.target.due_year) for r in reads])
        at = _floats([r.story.latest.at for r in reads])
        return cls(
            base_at=_floats([r.story.base.at for r in reads]),
            base=_floats([r.story.base.value for r in reads]),
            at=at,
            value=_floats([r.story.latest.value for r in reads]),
            due=due,
            aim=_floats([r.aim for r in reads]),
            sign=_floats([r.request.direction.sign for r in reads]),
            growth=np.array(
                [default_shape(r.request.target) is PathShape.CONSTANT_GROWTH for r in reads]
            ),
            settled=at >= due - EPSILON,
        )


def _path(c: _Columns) -> Named:
    """Method 1 (path.follow) on the default shape, constant growth only where it exists."""
    b, aim = c.base, c.aim
    ratio = aim / b
    grows = c.growth & (b != 0) & (ratio > 0) & np.isfinite(ratio)
    span = c.due - c.base_at
    share = np.where(
        c.due <= c.base_at + EPSILON,
        1.0,
        np.minimum(1.0, np.maximum(0.0, (c.at - c.base_at) / span)),
    )
    along = np.where(grows, b * _power(ratio, share, grows & (share < 1.0)), b + (aim - b) * share)
    expected = np.where(share >= 1.0, aim, along)
    moved = c.value - b
    return {
        "path_shape": [
            PathShape.CONSTANT_GROWTH if g else PathShape.LINEAR for g in grows.tolist()
        ],
        "expected": expected.tolist(),
        "gap": (c.sign * (c.value - expected)).tolist(),
        "progress": _values(moved / (aim - b), aim != b),
        "path_pace": _values(moved / (expected - b), expected != b),
    }


def _statcan(c: _Columns) -> Named:
    """Method 2 (statcan.progress_measure): the growth rates and the ratio."""
    target = np.where(c.aim == 0, statcan.ZERO_SUBSTITUTE, c.aim)
    base = np.where(c.base == 0, statcan.ZERO_SUBSTITUTE, c.base)
    sign = np.where(c.base < 0, -1.0, 1.0)
    opposite = ((base > 0) & (c.value < 0)) | ((base < 0) & (c.value > 0))
    spanned = (c.base_at <= c.at) & (c.at - c.base_at >= statcan.MIN_SPAN_YEARS)
    observed_at = ~opposite & spanned
    observed = _growth(c.value, base, c.at, c.base_at, observed_at)
    has_observed = _finite(observed, observed_at)
    required_at = observed_at & (target / base > 0) & (c.due > c.base_at)
    required = _growth(target, base, c.due, c.base_at, required_at)
    has_required = _finite(required, required_at)
    ratio = sign * c.sign * observed / np.abs(required)
    has_ratio = _finite(ratio, has_observed & has_required & (required != 0))
    achieved = ((c.sign == -1) & (c.value <= target)) | ((c.sign == 1) & (c.value >= target))
    ratios = _values(ratio, has_ratio)
    met = achieved.tolist()
    return {
        "statcan_ratio": ratios,
        "statcan_category": [statcan.category(r, a) for r, a in zip(ratios, met, strict=True)],
        "statcan_score": [statcan.score(r, a) for r, a in zip(ratios, met, strict=True)],
        "statcan_target_achieved": met,
        "cagr_observed": _values(observed, has_observed),
        "cagr_required": _values(required, has_required),
        "substituted": ((c.aim == 0) | (c.base == 0)).tolist(),
    }


def _unsd(c: _Columns) -> Named:
    """Method 3 (unsd.progress_chart)."""
    b = c.base
    charted = (
        (c.at - c.base_at >= unsd.MIN_SPAN_YEARS)
        & (b != 0)
        & (c.value / b >= 0)
        & (c.sign * (c.aim - b) > 0)
    )
    cagr = _growth(c.value, b, c.at, c.base_at, charted)
    charted = _finite(cagr, charted)
    carried = _power(1 + cagr, c.due - c.at, charted)
    charted = _finite(carried, charted)
    expected_due = c.value * carried
    charted = _finite(expected_due, charted)
    ratio = (expected_due - b) / (c.aim - b)
    charted = _finite(ratio, charted)
    ratios = _values(ratio, charted)
    return {
        "unsd_ratio": ratios,
        "unsd_category": [None if r is None else unsd.category(r) for r in ratios],
        "unsd_expected_due": _values(expected_due, charted),
    }


def _projection(c: _Columns, reads: Sequence[_Read]) -> Named:
    """Method 4 (projection.extrapolate) where the target is not settled and has a walk."""
    walks = [r.story.walk for r in reads]
    projected = ~c.settled & np.array([w is not None for w in walks])
    first_at = _floats([w.first.at if w else 0.0 for w in walks])
    first = _floats([w.first.value if w else 0.0 for w in walks])
    last_at = _floats([w.last.at if w else 1.0 for w in walks])
    last = _floats([w.last.value if w else 0.0 for w in walks])
    increments = np.array([w.increments if w else 0 for w in walks])
    squares = _floats([w.squares if w else 0.0 for w in walks])
    horizon = np.maximum(c.due - last_at, 0.0)
    span = last_at - first_at
    rise = last - first
    slope = rise / span
    value = last + slope * horizon
    spread_at = projected & (increments >= 2)
    step = np.maximum(squares - rise * rise / span, 0.0) / (increments - 1)
    trend = TREND_SPREAD * slope * horizon
    sd = np.sqrt(step * (horizon + horizon * horizon / span) + trend * trend)
    df = increments - 1
    quantiles = {k: quantile(k, (1 + LEVEL) / 2) for k in set(df[spread_at].tolist())}
    half_width = _floats([quantiles.get(k, 0.0) for k in df.tolist()]) * sd
    probability = _probability(reads, value, sd, df)
    return {
        "projection": _values(value, projected),
        "projection_low": _values(value - half_width, spread_at),
        "projection_high": _values(value + half_width, spread_at),
        "projection_level": [LEVEL if s else None for s in spread_at.tolist()],
        "probability": _values(probability, spread_at),
        "slope": _values(slope, projected),
    }


def _probability(reads: Sequence[_Read], centre: Floats, sd: Floats, df: Ints) -> Floats:
    """projection.probability_in over the targets' regions (kinds.region)."""
    regions = [kinds.region(r.request.target, r.aim) for r in reads]
    has_low = np.array([g.low is not None for g in regions])
    has_high = np.array([g.high is not None for g in regions])
    low = _floats([g.low if g.low is not None else 0.0 for g in regions])
    high = _floats([g.high if g.high is not None else 0.0 for g in regions])
    inside = (~has_low | (centre >= low)) & (~has_high | (centre <= high))
    upper = stdtr(df, (high - centre) / sd)
    lower = stdtr(df, (low - centre) / sd)
    above = stdtr(df, (centre - low) / sd)
    spread = np.where(
        has_low & has_high, upper - lower, np.where(has_low, above, np.where(has_high, upper, 1.0))
    )
    return np.where(sd == 0, np.where(inside, 1.0, 0.0), spread)


def _needed(c: _Columns) -> Named:
    """projection.needed_annual_change and needed_annual_growth, before the due date."""
    ahead = ~c.settled & (c.due > c.at + EPSILON)
    change = (c.aim - c.value) / (c.due - c.at)
    grows = ahead & (c.value != 0) & (c.aim / c.value > 0)
    rate = _growth(c.aim, c.value, c.due, c.at, grows)
    return {
        "needed_annual_change": _values(change, ahead),
        "needed_annual_growth": _values(rate, _finite(rate, grows)),
    }


# Assessment's fields after its status and reason, in their order: one a target, whatever its
# days (assess.judge_as_of: only the staleness differs from day to day)
_FIELDS = tuple(f.name for f in fields(Assessment))
_AFTER_VERDICT = _FIELDS[_FIELDS.index("reason") + 1 :]


def _figures(reads: Sequence[_Read]) -> Named:
    """Every method's figures, a column each, named as Assessment names them, and what the
    status rules read beside them (status.Facts)."""
    c = _Columns.of(reads)
    with np.errstate(all="ignore"):  # where a formula does not apply, its element is dropped
        columns = (
            _standing(c, reads) | _path(c) | _statcan(c) | _unsd(c) | _projection(c, reads)
        ) | _needed(c)
    return columns | _pace(columns)


def _standing(c: _Columns, reads: Sequence[_Read]) -> Named:
    """The base and the latest figure as read (story.History), and where they stand."""
    return {
        "due_at": c.due.tolist(),
        "base_at": c.base_at.tolist(),
        "base_value": c.base.tolist(),
        "base_stated": [r.story.base_stated for r in reads],
        "latest_at": c.at.tolist(),
        "latest_value": c.value.tolist(),
        "aim": c.aim.tolist(),
        "years_judged": [()] * len(reads),
        "years_missed": [()] * len(reads),
        "settled": c.settled.tolist(),
        "beyond_range": [
            r.kind is TargetKind.RANGE
            and kinds.beyond_range(r.request.target, r.story.latest.value, r.request.direction)
            for r in reads
        ],
        "has_trend": (c.at > c.base_at + EPSILON).tolist(),  # story.has_trend
        "progress_required": (c.sign * (c.aim - c.base) > 0).tolist(),
        "moved": (c.sign * (c.value - c.base)).tolist(),
    }


def _pace(columns: Named) -> Named:
    """The pace status rule 12 reads: the StatCan ratio where sdg-build's 0 → 0.001 stand-in was
    not needed, else the path's (assess.trends)."""
    sources = [
        ("statcan", ratio) if ratio is not None and not substituted else ("path", pace)
        for ratio, substituted, pace in zip(
            columns["statcan_ratio"], columns["substituted"], columns["path_pace"], strict=True
        )
    ]
    return {
        "pace": [pace for _, pace in sources],
        "pace_source": [None if pace is None else source for source, pace in sources],
    }


def _assessments(reads: Sequence[_Read]) -> list[tuple[Assessment, ...]]:
    columns = _figures(reads)
    rows = zip(*(columns[name] for name in _AFTER_VERDICT), strict=True)
    facts = zip(*(columns[name] for name in _FACTS), strict=True)
    return [_as_of(read, after, fact) for read, after, fact in zip(reads, rows, facts, strict=True)]


# The figures status.Facts reads beside the staleness, as _figures names them
_FACTS = (
    "settled", "beyond_range", "has_trend", "progress_required", "moved", "pace", "pace_source",
    "unsd_category", "probability",
)  # fmt: skip


def _as_of(
    read: _Read, after: tuple[object, ...], facts: tuple[Any, ...]
) -> tuple[Assessment, ...]:
    """One target's assessments as of its days: the status rules on its figures (status.decide),
    one assessment per staleness (assess.judge_as_of)."""
    request, story, kind = read.request, read.story, read.kind
    target = request.target
    settled, beyond, trend, required, moved, pace, source, chart, probability = facts
    head = (target.id, kind, target.comparator, request.direction)
    built: dict[bool, Assessment] = {}
    judged = []
    for now in request.nows:
        stale = status.is_stale(story.latest_observed_at, axis_position(now), request.cadence)
        if stale not in built:
            verdict = status.decide(
                status.Facts(
                    kind=kind,
                    has_figures=True,
                    stale=stale,
                    settled=settled,
                    achieved=read.achieved,
                    beyond_range=beyond,
                    has_trend=trend,
                    progress_required=required,
                    moved=moved,
                    pace=pace,
                    pace_source=source,
                    unsd=chart,
                    probability=probability,
                )
            )
            built[stale] = Assessment(*head, verdict.status, verdict.reason, *after)  # type: ignore[arg-type]
        judged.append(built[stale])
    return tuple(judged)
