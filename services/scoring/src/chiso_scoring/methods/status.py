"""Method 6, one status per target from the methods' figures (pure).

The rules are tried in order; the first that holds gives the status (docs/scoring.md has the
same table):

1. no figure at all: insufficient_data;
2. the last figure is older than the indicator's cadence plus grace, and the target is not
   settled (its due-date figure is not in, a milestone is not done): stale;
3. the target is met (the latest figure meets a level, range, growth or milestone target; every
   year up to the due year met a count-per-year or maintain target): achieved;
4. a year missed (count per year, maintain): off_track;
5. the due-date figure is in and the target is not met: off_track;
6. beyond the far edge of a range: off_track;
7. a milestone not done and not due yet: on_track;
8. count per year or maintain, every year met so far: on_track (none judged yet:
   insufficient_data);
9. growth from a base of zero or less (no growth rate): insufficient_data;
10. no figure after the base (no trend): insufficient_data;
11. the target asks for no move from the base (met there, not now): deteriorating when worse
    than the base, else off_track;
12. pace ≥ 0.95: on_track; ≥ 0.6: needs_acceleration; ≥ 0: off_track; < 0: deteriorating;
13. on_track by rules 8 or 12 while the projection gives less than 10 % (DOUBTFUL) to meet the
    target: needs_acceleration, the reason naming both.

The reason of rule 12 names every measure that judged the trend (the pace and its source, the
UNSD chart's category, the projection's probability), so that they never differ unseen.

The pace is the StatCan ratio where it is available without sdg-build's 0 → 0.001 stand-in,
else the expected path's pace (progress made over progress expected by now); the thresholds are
StatCan's (0.95, 0.6, 0), so its four categories map one to one onto the four statuses.
"""

from dataclasses import dataclass

from chiso_core.catalog.models import Cadence
from chiso_core.status import Status
from chiso_core.timeliness import WINDOW_MONTHS
from chiso_core.words.probability import percent
from chiso_scoring.methods import statcan
from chiso_scoring.methods.kinds import TargetKind
from chiso_scoring.methods.series import EPSILON, PERIOD_YEARS
from chiso_scoring.methods.unsd import UnsdCategory

# Below this probability of meeting the target, "on track" would mislead (rule 13).
DOUBTFUL = 0.10

# How long after a period's expected successor is due a figure may still come: the reporting
# window of the calendar (chiso_core.timeliness), in years.
GRACE_YEARS = {cadence: months / 12 for cadence, months in WINDOW_MONTHS.items()}

# Worst to best, for "a better figure never gives a worse status". insufficient_data and stale
# say nothing about progress; they sit below every judgement because a better figure can only
# lift a target out of them (a lone figure meeting the target, a milestone done), never into.
ORDER: tuple[Status, ...] = (
    Status.STALE,
    Status.INSUFFICIENT_DATA,
    Status.DETERIORATING,
    Status.OFF_TRACK,
    Status.NEEDS_ACCELERATION,
    Status.ON_TRACK,
    Status.ACHIEVED,
)


def rank(status: Status) -> int:
    return ORDER.index(status)


# not frozen, never assigned once built: built per figure (see methods.assess.Assessment)
@dataclass(slots=True, unsafe_hash=True)
class Facts:
    kind: TargetKind
    has_figures: bool
    stale: bool
    settled: bool
    achieved: bool
    years_judged: int = 0
    years_missed: tuple[int, ...] = ()
    beyond_range: bool = False
    has_aim: bool = True
    has_trend: bool = False
    progress_required: bool = True  # d · (aim − base) > 0
    moved: float = 0.0  # d · (latest − base)
    pace: float | None = None
    pace_source: str | None = None  # "statcan" or "path"
    unsd: UnsdCategory | None = None
    probability: float | None = None  # the projection's, of meeting the target


# not frozen, never assigned once built: one or more a judgement (see assess.Assessment)
@dataclass(unsafe_hash=True)
class Verdict:
    status: Status
    reason: str


def is_stale(
    latest_at: float, now_at: float, cadence: Cadence, grace: dict[Cadence, float] | None = None
) -> bool:
    """No figure within the indicator's cadence plus grace: a monthly figure for June (at
    2025.5) is followed by July's, due by the end of August with a month's grace (2025.667)."""
    allowance = PERIOD_YEARS[cadence] + (grace or GRACE_YEARS)[cadence]
    return now_at - latest_at > allowance + EPSILON


def from_pace(pace: float) -> Status:
    if pace >= statcan.HIGH:
        return Status.ON_TRACK
    if pace >= statcan.MED:
        return Status.NEEDS_ACCELERATION
    if pace >= statcan.LOW:
        return Status.OFF_TRACK
    return Status.DETERIORATING


def decide(f: Facts) -> Verdict:
    """The first rule of the table that holds, then rule 13."""
    verdict = first_rule(f)
    if verdict.status is Status.ON_TRACK and f.probability is not None and f.probability < DOUBTFUL:
        named = verdict.reason
        if "projection" not in named:  # rule 8's reason does not name it yet
            named = f"{named}; projection {percent(f.probability)}"
        return Verdict(Status.NEEDS_ACCELERATION, f"{named}, under {percent(DOUBTFUL)}")
    return verdict


def trend_reason(f: Facts) -> str:
    """Rule 12's reason: the pace that decided, and every other measure of the trend."""
    assert f.pace is not None
    parts = [f"pace {f.pace + 0.0:.3g} ({f.pace_source or 'path'})"]  # + 0.0: no "-0"
    if f.unsd is not None:
        parts.append(f"UNSD {f.unsd.value}")
    if f.probability is not None:
        parts.append(f"projection {percent(f.probability)}")
    return "; ".join(parts)


def first_rule(f: Facts) -> Verdict:
    if not f.has_figures:
        return Verdict(Status.INSUFFICIENT_DATA, "no figure")
    if f.stale and not f.settled:
        return Verdict(Status.STALE, "no figure within the cadence and its grace")
    if f.achieved:
        return Verdict(Status.ACHIEVED, "the target is met")
    if f.years_missed:
        years = ", ".join(str(y) for y in f.years_missed)
        return Verdict(Status.OFF_TRACK, f"missed in {years}")
    if f.settled:
        return Verdict(Status.OFF_TRACK, "the due date is reached and the target is not met")
    if f.beyond_range:
        return Verdict(Status.OFF_TRACK, "beyond the far edge of the range")
    if f.kind is TargetKind.MILESTONE:
        return Verdict(Status.ON_TRACK, "not done, not due yet")
    if f.kind in (TargetKind.COUNT_PER_YEAR, TargetKind.MAINTAIN):
        if f.years_judged == 0:
            return Verdict(Status.INSUFFICIENT_DATA, "no complete year to judge")
        return Verdict(Status.ON_TRACK, "met in every year so far")
    if not f.has_aim:
        return Verdict(Status.INSUFFICIENT_DATA, "no growth rate from a base of zero or less")
    if not f.has_trend or (f.pace is None and f.progress_required):
        return Verdict(Status.INSUFFICIENT_DATA, "no figure after the base: no trend")
    if not f.progress_required:
        if f.moved < 0:
            return Verdict(Status.DETERIORATING, "met at the base, fallen back since")
        return Verdict(Status.OFF_TRACK, "met at the base, not met now")
    assert f.pace is not None
    return Verdict(from_pace(f.pace), trend_reason(f))
