"""TargetProjectionMiss: scoring's probability of meeting the target is below the threshold."""

from chiso_alerts.rules.model import (
    Names,
    SeriesKey,
    Severity,
    Verdict,
    name_annotations,
    series_labels,
    subject,
)
from chiso_alerts.rules.params import RuleParams
from chiso_alerts.rules.severity import graded
from chiso_alerts.rules.window import Window
from chiso_core.words import vietnamese
from chiso_core.words.probability import chance

ALERTNAME = "TargetProjectionMiss"
RULE = "projection"


def projection(key: SeriesKey, window: Window, params: RuleParams, names: Names) -> Verdict:
    """Active at every period whose probability is below `threshold` (a period without one,
    e.g. fewer than three figures or the due-date figure in, is not). Severity warning,
    critical near the due year."""
    p = params.projection
    active = tuple(x.probability is not None and x.probability < p.threshold for x in window)
    latest = window[-1] if window else None
    shown = (
        chance(latest.probability, latest.status, as_of=vietnamese.period(latest.period))
        if latest is not None
        else None
    )
    annotations = name_annotations(names)
    annotations["summary"] = f"{subject(names)}: khả năng đạt " + (
        f"là {shown}" if shown is not None else "chưa ước tính được"
    )
    annotations["description"] = (
        "Xác suất đạt mục tiêu theo dự báo xu hướng"
        + (f" ({vietnamese.period(latest.period)})" if latest is not None else "")
        + f"; ngưỡng cảnh báo {p.threshold:.0%}."
    )
    year = latest.period.year if latest is not None else key.due_year
    return Verdict(
        labels=series_labels(key, ALERTNAME, RULE),
        severity=graded(Severity.WARNING, key.due_year, year, params.severity),
        active=active,
        for_periods=p.for_periods,
        keep_firing_for=p.keep_firing_for,
        annotations=annotations,
        period=latest.period if latest is not None else None,
    )
