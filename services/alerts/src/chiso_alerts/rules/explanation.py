"""ExplanationRequested and ExplanationOverdue (pure), addressed to a target's lead agency:
while the status rule fires for a target (TargetOffTrack), its owner is asked to explain the
period judged — what was done, the difficulties, the next actions — as delivery units' tools ask
for the owner's commentary when a target turns red. An explanation for that period, or a later
one, answers it; a new period judged still off track asks again. A request left unanswered
`due` after it was made is overdue: a second alert, so that the owner is told again."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from chiso_alerts.dispatch.timing import VIETNAM
from chiso_alerts.rules.model import (
    Names,
    SeriesKey,
    Severity,
    Verdict,
    judged_now,
    name_annotations,
    series_labels,
    subject,
)
from chiso_alerts.rules.params import SeverityParams
from chiso_alerts.rules.severity import graded
from chiso_core.periods import Period
from chiso_core.status import Status
from chiso_core.words import labels, vietnamese
from chiso_core.words.labels import EXPLANATION, VI

ALERTNAME = "ExplanationRequested"
OVERDUE_ALERTNAME = "ExplanationOverdue"
RULE = "explanation"


@dataclass(frozen=True)
class Asked:
    """What is known of one target's request for an explanation."""

    owner: str | None  # the target's lead agency (None: the catalog names none)
    off_track: Period | None  # the period the firing TargetOffTrack judged; None: not firing
    explained: Sequence[Period]  # every period the owners have explained
    asked_at: datetime | None  # when the open request was made; None: none is open


def answered(asked: Asked) -> bool:
    """Whether an explanation for the period judged, or a later one, is on record."""
    return asked.off_track is not None and any(
        p.end >= asked.off_track.end for p in asked.explained
    )


def _annotations(
    names: Names, key: SeriesKey, asked: Asked, open_: bool, deadline: datetime
) -> dict[str, str]:
    where = subject(names)
    off_track = labels.status(Status.OFF_TRACK).lower()
    when = vietnamese.period(asked.off_track)
    annotations = name_annotations(names)
    if not open_:
        annotations["summary"] = (
            f"Đã có giải trình: {where} ({when})"
            if answered(asked)
            else f"Không còn cần giải trình: {where} không còn {off_track}"
        )
        annotations["description"] = "Đề nghị giải trình đã được đáp ứng."
        return annotations
    words = EXPLANATION[VI]
    annotations["summary"] = f"Đề nghị giải trình: {where} {off_track} ({when})"
    annotations["description"] = (
        f"Đơn vị chủ trì gửi giải trình kỳ {when} ({words['done']}; {words['difficulties']};"
        f" {words['next_actions']}) qua API POST /v1/explanations (plan {key.plan_id},"
        f" target {key.target_id}, period {asked.off_track}) hoặc tải bảng tính lên"
        f" POST /v1/explanations/file, hạn ngày {vietnamese.day(deadline.astimezone(VIETNAM))}."
    )
    return annotations


def explanation(
    key: SeriesKey,
    asked: Asked,
    now: datetime,
    due: timedelta,
    severity: SeverityParams,
    names: Names,
) -> tuple[Verdict, Verdict]:
    """The request (active while the target fires off track and the period judged has no
    explanation; info) and its reminder (active once the request is `due` old; warning,
    critical near the due year), both addressed to the owner."""
    open_ = asked.owner is not None and asked.off_track is not None and not answered(asked)
    deadline = (asked.asked_at or now) + due
    late = open_ and asked.asked_at is not None and now >= deadline
    annotations = _annotations(names, key, asked, open_, deadline)
    year = asked.off_track.year if asked.off_track is not None else now.year
    request = judged_now(
        series_labels(key, ALERTNAME, RULE),
        Severity.INFO,
        open_,
        annotations,
        asked.off_track,
        asked.owner,
    )
    if late:
        annotations = annotations | {
            "summary": f"Quá hạn giải trình: {subject(names)}"
            f" ({vietnamese.period(asked.off_track)})"
        }
    overdue = judged_now(
        series_labels(key, OVERDUE_ALERTNAME, RULE),
        graded(Severity.WARNING, key.due_year, year, severity),
        late,
        annotations,
        asked.off_track,
        asked.owner,
    )
    return request, overdue
