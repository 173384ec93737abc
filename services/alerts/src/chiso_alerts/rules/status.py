"""TargetOffTrack: scoring says the target is off track, deteriorating or needs acceleration."""

from chiso_alerts.rules.model import (
    Names,
    SeriesKey,
    Severity,
    Verdict,
    amount,
    name_annotations,
    series_labels,
    subject,
)
from chiso_alerts.rules.params import RuleParams
from chiso_alerts.rules.severity import graded
from chiso_alerts.rules.window import Window
from chiso_core.status import Status
from chiso_core.words import labels, vietnamese

ALERTNAME = "TargetOffTrack"
RULE = "status"

# The statuses that hold the condition, and how bad each is before the due year is near.
SEVERITY = {
    Status.NEEDS_ACCELERATION: Severity.INFO,
    Status.OFF_TRACK: Severity.WARNING,
    Status.DETERIORATING: Severity.CRITICAL,
}


def status(key: SeriesKey, window: Window, params: RuleParams, names: Names) -> Verdict:
    """Active at every period scoring judged off track, deteriorating or needing acceleration.
    Severity: the worst such status of the latest one (needs acceleration info, off track
    warning, deteriorating critical), one step worse near the due year."""
    active = tuple(p.status in SEVERITY for p in window)
    latest_bad = next((p for p in reversed(window) if p.status in SEVERITY), None)
    severity = (
        Severity.INFO
        if latest_bad is None
        else graded(
            SEVERITY[latest_bad.status], key.due_year, latest_bad.period.year, params.severity
        )
    )
    annotations = name_annotations(names)
    if window:
        last = window[-1]
        said, when = labels.status(last.status).lower(), vietnamese.period(last.period)
        annotations["summary"] = f"{subject(names)}: {said} ({when})"
        figures = [f"{when.capitalize()}: đạt {amount(last.actual, names)}"]
        if last.expected is not None:
            figures.append(f"lộ trình kỳ vọng {amount(last.expected, names)}")
        if last.target_value is not None:
            figures.append(f"mục tiêu {amount(last.target_value, names)} vào năm {key.due_year}")
        annotations["description"] = ", ".join(figures) + "."
    else:
        annotations["summary"] = f"{subject(names)}: chưa có kỳ nào"
        annotations["description"] = "Chưa có kỳ nào được chấm điểm."
    return Verdict(
        labels=series_labels(key, ALERTNAME, RULE),
        severity=severity,
        active=active,
        for_periods=params.status.for_periods,
        keep_firing_for=params.status.keep_firing_for,
        annotations=annotations,
        period=window[-1].period if window else None,
    )
