"""Scores for every plan target whose series a batch touched (pure): each due point is judged
by every method on the series up to that point, read from the series' state folded up to it
(chiso_scoring.methods.state), so that judging a point costs the same whatever the length of
the history."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter

from chiso_core import messaging
from chiso_core.catalog import Catalog, Indicator, Plan, Target
from chiso_core.contracts.v1 import common_pb2, score_pb2
from chiso_core.messaging import message_ids
from chiso_core.periods import Period, year_end
from chiso_core.status import Status
from chiso_core.topics import message_key
from chiso_scoring import methods
from chiso_scoring.intake import SeriesKey
from chiso_scoring.methods import METHOD, METHOD_VERSION, Assessment, Point, assess, columns
from chiso_scoring.methods.kinds import EVERY_YEAR, kind_of
from chiso_scoring.methods.series import EPSILON
from chiso_scoring.methods.state import SeriesState, fold, judge_state_as_of
from chiso_scoring.series import Due, Series, position

# A score's judged figures, each with its one name: the same in the scores table, score.proto,
# the read API and the alerts' reader (tests/unit/test_contracts.py holds them to it), and how
# it is read from the methods' Assessment (the attribute: the methods' own name). A figure the
# methods leave out is None: NULL in the table, unset in the message, null in the API.
FIGURES: tuple[tuple[str, str], ...] = (
    ("expected", "expected"),
    ("target_value", "aim"),
    ("gap", "gap"),
    ("progress", "progress"),
    ("statcan_ratio", "statcan_ratio"),
    ("statcan_category", "statcan_category"),
    ("statcan_score", "statcan_score"),
    ("unsd_ratio", "unsd_ratio"),
    ("unsd_category", "unsd_category"),
    ("projected", "projection"),
    ("projected_low", "projection_low"),
    ("projected_high", "projection_high"),
    ("probability", "probability"),
    ("needed_annual_change", "needed_annual_change"),
    ("reason", "reason"),
)


_READ_FIGURES = attrgetter(*(attribute for _, attribute in FIGURES))
_verdict = attrgetter("status", "reason")
_NAMES = tuple(name for name, _ in FIGURES)


# not frozen, never assigned once built: built per figure (see methods.assess.Assessment)
@dataclass(slots=True, unsafe_hash=True)
class ScoreRow:
    """A score as it is stored and published: the judgement's status and FIGURES, read from its
    Assessment once (flat, so that a series' state can keep the row: chiso_scoring.states)."""

    plan_id: str
    plan_revision: int
    target_id: str
    jurisdiction: str
    indicator: str
    period: Period
    due_year: int
    actual: float
    observation_revision: int
    derived: bool
    status: Status
    figures: tuple[float | str | None, ...]  # FIGURES' values, in their order
    method: str = METHOD
    method_version: str = METHOD_VERSION


Targets = Sequence[tuple[Plan, Target]]


# not frozen, never assigned once built: one a due point a batch (see methods.assess.Assessment)
@dataclass(slots=True)
class _AtPoint:
    """A due point of a series, to judge every target of the series at as of each day of `nows`
    on the state folded up to it; `curve`: the series' history, whose figures up to the point
    (`due.history` of them: sliced only where needed, not held a point each) the targets past
    their due date there are judged on (the state keeps the recent figures; a settled target
    reads those up to its due date)."""

    key: SeriesKey
    targets: Targets
    spec: Indicator
    due: Due
    state: SeriesState
    nows: tuple[date, ...]
    curve: Sequence[Point] | None = None


# a target's judgements as of a point's days, or why it could not be judged
Outcome = tuple[Assessment, ...] | str


def _judge_points(
    points: Sequence[_AtPoint],
) -> list[tuple[list[ScoreRow], list[ScoreRow], list[str]]]:
    """Each point's scores as of its first day, and as of its second where they differ (only
    the staleness can differ: see judge_as_of), and what could not be scored. The targets not
    settled at their point are judged together (methods.columns), those the columns decline
    and the settled ones one at a time."""
    judged: list[list[Outcome | None]] = []
    requests: list[columns.Request] = []
    slots: list[tuple[int, int, Plan]] = []
    for p, point in enumerate(points):
        judged.append([])
        spec = point.spec
        for plan, target in point.targets:
            if settled(target, point.state.latest.at):
                judged[p].append(_on_history(point, plan, target))
                continue
            slots.append((p, len(judged[p]), plan))
            judged[p].append(None)
            requests.append(
                columns.Request(
                    target,
                    spec.direction,
                    spec.cadence,
                    plan.baseline_for(target),
                    point.state,
                    point.nows,
                )
            )
    try:
        together = columns.judge(requests)
    except (ValueError, ArithmeticError):
        # judged one at a time instead: one target the methods cannot judge must not hold up
        # the rest of the batch
        together = [None] * len(requests)
    for (p, t, plan), one, request in zip(slots, together, requests, strict=True):
        judged[p][t] = one if one is not None else _alone(points[p], plan, request)
    return [_rows(point, mine) for point, mine in zip(points, judged, strict=True)]


def _failure(point: _AtPoint, plan: Plan, target: Target, e: Exception) -> str:
    return f"{plan.id}/{target.id} at {point.key[0]} {point.due.period}: {e!r}"


def _on_history(point: _AtPoint, plan: Plan, target: Target) -> Outcome:
    """A target past its due date at the point, judged on the history up to it."""
    spec, baseline = point.spec, plan.baseline_for(target)
    try:
        if point.curve is None:
            raise ValueError("a settled target is judged on the history")
        upto = point.curve[: point.due.history]
        return tuple(
            assess(target, spec.direction, spec.cadence, baseline, upto, day) for day in point.nows
        )
    except (ValueError, ArithmeticError) as e:
        return _failure(point, plan, target, e)


def _alone(point: _AtPoint, plan: Plan, r: columns.Request) -> Outcome:
    """A target the columns decline, judged on its own on the point's state."""
    try:
        return judge_state_as_of(r.target, r.direction, r.cadence, r.baseline, r.state, r.nows)
    except (ValueError, ArithmeticError) as e:
        # One figure the methods cannot judge must not hold up the rest of the batch.
        return _failure(point, plan, r.target, e)


def _rows(
    point: _AtPoint, judged: Sequence[Outcome | None]
) -> tuple[list[ScoreRow], list[ScoreRow], list[str]]:
    rows: list[ScoreRow] = []
    ended: list[ScoreRow] = []
    failures: list[str] = []
    for (plan, target), one in zip(point.targets, judged, strict=True):
        assert one is not None  # every target of the point is judged or failed
        if isinstance(one, str):
            failures.append(one)
            continue
        rows.append(_row(plan, target, point.key, point.due, one[0]))
        # judgements that agree on the staleness are one object, and ones that do not differ
        # in their verdict alone (judge_as_of, columns): the verdicts tell them apart
        if len(one) > 1 and _verdict(one[1]) != _verdict(one[0]):
            ended.append(_row(plan, target, point.key, point.due, one[1]))
    return rows, ended, failures


def _row(plan: Plan, target: Target, one: SeriesKey, due: Due, judged: Assessment) -> ScoreRow:
    jurisdiction, indicator = one
    return ScoreRow(
        plan_id=plan.id,
        plan_revision=plan.revision,
        target_id=target.id,
        jurisdiction=jurisdiction,
        indicator=indicator,
        period=due.period,
        due_year=target.due_year,
        actual=due.value,
        observation_revision=due.revision,
        derived=due.derived,
        status=judged.status,
        figures=_READ_FIGURES(judged),
    )


def settled(target: Target, latest: float) -> bool:
    """Past its due date at a figure at `latest`: judged on the figures up to the due date."""
    return latest > year_end(target.due_year) + EPSILON


# not frozen, never assigned once built: one a series a batch (see methods.assess.Assessment)
@dataclass(slots=True, unsafe_hash=True)
class Scored:
    """What judging a series gave: the scores, what could not be scored, the series' state
    after its last figure (None: the series has no target), and the scores of its latest
    point as of the end of its own period where they differ from the ones as of today (None:
    the latest point was not judged). A later figure re-judges that point as of its end
    (docs/scoring.md, rule 3): kept with the state, those scores spare judging it again.
    `fresh`: scores at points the series did not have before (figures after its latest), whose
    keys no stored score can have yet (store.upsert_scores copies them straight in)."""

    rows: list[ScoreRow]
    failures: list[str]
    state: SeriesState | None
    ended: tuple[ScoreRow, ...] | None = None
    fresh: list[ScoreRow] = field(default_factory=list)


def score_series(series: Sequence[Series], catalog: Catalog, today: date) -> list[Scored]:
    """One score per (target, due point) of each series, all the series' judged together. A
    series' latest point is judged as of today (it may be stale) and as of the end of its own
    period; an earlier one as of the end of its own period, on the figures up to its position:
    the state folded up to it."""
    points: list[_AtPoint] = []
    spans: list[tuple[int, int, SeriesState | None]] = []
    for one in series:
        start = len(points)
        state = _due_points(one, catalog, today, points)
        spans.append((start, len(points), state))
    judged = _judge_points(points)
    return [
        _judged_series(points[start:stop], judged[start:stop], state)
        for start, stop, state in spans
    ]


def _due_points(
    one: Series, catalog: Catalog, today: date, points: list[_AtPoint]
) -> SeriesState | None:
    """Adds a series' due points to `points`, each with the state folded up to it; returns the
    state after its last figure (None: the series has no target, and no point is added)."""
    jurisdiction, indicator = one.key
    targets = catalog.targets_for(indicator, jurisdiction)
    if not targets:
        return None
    spec = catalog.indicators[indicator]
    state: SeriesState | None = None
    folded = 0
    for due in one.due:
        for figure in one.curve[folded : due.history]:
            state = fold(state, figure)
        folded = due.history
        assert state is not None  # a due point is on the curve
        end = due.period.end
        nows = (today, end) if due.history == len(one.curve) else (end,)
        points.append(_AtPoint(one.key, targets, spec, due, state, nows, one.curve))
    for figure in one.curve[folded:]:
        state = fold(state, figure)
    return state


def _judged_series(
    points: Sequence[_AtPoint],
    judged: Sequence[tuple[list[ScoreRow], list[ScoreRow], list[str]]],
    state: SeriesState | None,
) -> Scored:
    rows: list[ScoreRow] = []
    failures: list[str] = []
    ended: list[ScoreRow] | None = None
    for point, (scores, as_of_end, failed) in zip(points, judged, strict=True):
        rows += scores
        failures += failed
        if len(point.nows) > 1:  # the latest point
            ended = (ended or []) + as_of_end
    return Scored(rows, failures, state, None if ended is None else tuple(ended))


# not frozen, never assigned once built: one a series a batch (see methods.assess.Assessment)
@dataclass(slots=True)
class Appending:
    """A run of figures after a series' latest point (`latest`), to judge on its state alone;
    `ended`: the latest points' scores as of their period's end, kept from when they were judged
    as of today (None: judge them)."""

    key: SeriesKey
    targets: Targets  # the series' (Catalog.targets_for), looked up once a batch
    state: SeriesState
    latest: Sequence[Due]
    figures: Sequence[Due]
    ended: Sequence[ScoreRow] | None = None


def score_appended(series: Sequence[Appending], catalog: Catalog, today: date) -> list[Scored]:
    """The scores each series' run of figures gives, judged on its state alone, all the
    series' together: each figure folded in and judged (the last as of today, the others as of
    their period's end), and the points that were the latest judged again as of their period's
    end where their scores were not kept. The caller makes sure no target is settled by then
    (see `settled`)."""
    points: list[_AtPoint] = []
    spans: list[tuple[int, int, int, SeriesState]] = []
    for one in series:
        targets = one.targets
        spec = catalog.indicators[one.key[1]]
        start = len(points)
        if one.ended is None:
            for due in one.latest:
                points.append(_AtPoint(one.key, targets, spec, due, one.state, (due.period.end,)))
        again = len(points)
        state = one.state
        for k, due in enumerate(one.figures):
            state = fold(state, Point(position(due.period.end_month), due.value))
            end = due.period.end
            nows = (today, end) if k == len(one.figures) - 1 else (end,)
            points.append(_AtPoint(one.key, targets, spec, due, state, nows))
        spans.append((start, again, len(points), state))
    judged = _judge_points(points)
    return [
        _scored(one, judged[start:stop], again - start, state)
        for one, (start, again, stop, state) in zip(series, spans, strict=True)
    ]


def _scored(
    one: Appending,
    judged: Sequence[tuple[list[ScoreRow], list[ScoreRow], list[str]]],
    again: int,
    state: SeriesState,
) -> Scored:
    """A series' scores from its points' judgements: the first `again` its latest points judged
    again, then its new figures'."""
    rows: list[ScoreRow] = list(one.ended or ())
    fresh: list[ScoreRow] = []
    failures: list[str] = []
    last: list[ScoreRow] = []
    for k, (scores, as_of_end, failed) in enumerate(judged):
        if k < again:
            rows += scores
        else:
            fresh += scores
            last = as_of_end  # the last figure's: the series' latest point now
        failures += failed
    return Scored(rows, failures, state, tuple(last), fresh)


def judged_for(catalog: Catalog, key: SeriesKey) -> tuple[object, ...]:
    """What a series' scores read of the catalog: its targets' plans at their revisions (a
    plan's content changes only with its revision) and its indicator's direction and cadence.
    Scores kept between batches stand while this is the same."""
    jurisdiction, indicator = key
    spec = catalog.indicators[indicator]
    plans = tuple((p.id, p.revision, t.id) for p, t in catalog.targets_for(indicator, jurisdiction))
    return (*plans, spec.direction, spec.cadence)


def reach(catalog: Catalog, key: SeriesKey) -> float | None:
    """How many months after a figure the judgements of a series' targets read it: the
    methods' look-back; None (every later point) when they read all, or when a target is
    judged every year (those read every year since the base)."""
    jurisdiction, indicator = key
    lookback = methods.LOOKBACK_YEARS
    if lookback is None or any(
        kind_of(target) in EVERY_YEAR for _, target in catalog.targets_for(indicator, jurisdiction)
    ):
        return None
    return 12 * lookback


def to_messages(rows: Sequence[ScoreRow], catalog: Catalog) -> list[tuple[bytes, score_pb2.Score]]:
    """A batch's score messages, produced together: one production time, their ids from one
    read of the system's randomness (messaging.message_ids). What they share is set once, on a
    template each message copies (as ingest does: chiso_ingest.convert), and each period's
    message is made once (Period.proto)."""
    meta = common_pb2.Meta(produced_at=messaging.now(), producer="scoring")
    template = score_pb2.Score(meta=meta)
    provinces = {j: catalog.province_code(j) for j in {row.jurisdiction for row in rows}}
    out: list[tuple[bytes, score_pb2.Score]] = []
    for row, message_id in zip(rows, message_ids(len(rows)), strict=True):
        message = score_pb2.Score()
        message.CopyFrom(template)
        message.meta.message_id = message_id
        province = provinces[row.jurisdiction]
        message.plan_id = row.plan_id
        message.plan_revision = row.plan_revision
        message.target_id = row.target_id
        message.indicator_code = row.indicator
        message.jurisdiction_id = row.jurisdiction
        message.province_code = province
        message.period.CopyFrom(row.period.proto)
        message.actual = row.actual
        message.due_year = row.due_year
        message.status = row.status.to_proto()
        message.method = row.method
        message.method_version = row.method_version
        message.observation_revision = row.observation_revision
        message.derived = row.derived
        for name, value in zip(_NAMES, row.figures, strict=True):
            if value is not None:
                setattr(message, name, value)
        out.append((message_key(province, row.indicator), message))
    return out
