"""TargetDrifting: a one-sided CUSUM on the gap to the expected path, so that a sustained slide
is seen before scoring's status (a pace averaged since the base) flips.

The gap is measured in years behind the path, z = gap / slope with slope = |T − E| / (t_d − t)
(the path's change per year, exact for the straight line): "two months behind" means the same
for a percentage and a count, so one set of defaults fits both. CUSUM rather than EWMA: it
accumulates small persistent deficits exactly, answers "how far behind in total" in the same
unit, and drops back at a known rate (k a period) once the figure is back on the path.
"""

from chiso_alerts.rules.model import (
    Names,
    ScorePoint,
    SeriesKey,
    Severity,
    Verdict,
    name_annotations,
    series_labels,
    subject,
)
from chiso_alerts.rules.params import DriftParams, RuleParams
from chiso_alerts.rules.severity import graded
from chiso_alerts.rules.window import Window
from chiso_core.periods import Period, year_end
from chiso_core.words import vietnamese

ALERTNAME = "TargetDrifting"
RULE = "drift"
_FLAT = 1e-9


def years_behind(point: ScorePoint, due_year: int) -> float | None:
    """−gap / slope: how many years behind the expected path the figure is (negative: ahead).
    None where there is no path to drift from: no gap (milestones, counts per year), a flat
    path (maintain, a target met at the base) or the due date reached."""
    if point.gap is None or point.expected is None or point.target_value is None:
        return None
    years_left = year_end(due_year) - point.period.end_year_fraction
    rise = abs(point.target_value - point.expected)
    if years_left <= 0 or rise <= _FLAT:
        return None
    return -point.gap * years_left / rise


def cusum(window: Window, due_year: int, params: DriftParams) -> tuple[float, ...]:
    """S_i = min(2h, max(0, S_{i−1} + z_i − k)) over the whole window, oldest first (so a
    revised period is simply recomputed), S_0 = 0; a point without z leaves S as it was. The cap
    at 2h keeps a long slide from holding the alert for years after the recovery."""
    total = 0.0
    sums = []
    for point in window:
        z = years_behind(point, due_year)
        if z is not None:
            total = min(2 * params.h, max(0.0, total + z - params.k))
        sums.append(total)
    return tuple(sums)


def _years(x: float) -> str:
    return f"{vietnamese.number(x)} năm"


def _summary(names: Names, firing: bool, latest: Period | None) -> str:
    """What a leader reads, in the tense of the alert's state."""
    where = subject(names)
    when = f" ({vietnamese.period(latest)})" if latest is not None else ""
    if firing:
        return f"{where} đang chậm dần so với lộ trình{when}"
    return f"{where} đã trở lại lộ trình{when}"


def drift(key: SeriesKey, window: Window, params: RuleParams, names: Names) -> Verdict:
    """Active where S > h, once min_periods points with a gap were seen. Severity warning,
    critical near the due year."""
    p = params.drift
    sums = cusum(window, key.due_year, p)
    seen = 0
    active = []
    for point, total in zip(window, sums, strict=True):
        seen += years_behind(point, key.due_year) is not None
        active.append(seen >= p.min_periods and total > p.h)
    annotations = name_annotations(names)
    latest = window[-1].period if window else None
    behind = years_behind(window[-1], key.due_year) if window else None
    annotations["summary"] = _summary(names, bool(active and active[-1]), latest)
    # the plain words first; the method and its figures only in the details
    annotations["description"] = (
        (f"Chậm {_years(behind)} so với lộ trình. " if behind is not None and behind > 0 else "")
        + f"Chi tiết: tổng tích lũy CUSUM {_years(sums[-1] if sums else 0.0)} chậm "
        f"(ngưỡng {_years(p.h)}, bỏ qua {_years(p.k)} mỗi kỳ)."
    )
    year = latest.year if latest is not None else key.due_year
    return Verdict(
        labels=series_labels(key, ALERTNAME, RULE),
        severity=graded(Severity.WARNING, key.due_year, year, params.severity),
        active=tuple(active),
        for_periods=p.for_periods,
        keep_firing_for=p.keep_firing_for,
        annotations=annotations,
        period=latest,
    )
