"""The sweep's alerts addressed to targets' owners: the reporting calendar's reminders
(rules/calendar.py) and the requests for explanations (rules/explanation.py), judged for every
series at once (and by a batch of scores for the series new to alerts: lifecycle/pipeline.py).
Beyond the series, they read the status alerts and open requests (one query) and the periods
explained (one query for the targets off track)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from psycopg import AsyncConnection

from chiso_alerts.lifecycle import store
from chiso_alerts.lifecycle.context import BatchContext
from chiso_alerts.lifecycle.transitions import Judged
from chiso_alerts.rules import explanation, status
from chiso_alerts.rules.calendar import calendar
from chiso_alerts.rules.lifecycle import AlertState, State, fingerprint
from chiso_alerts.rules.model import SeriesKey, series_labels
from chiso_core.settings import AlertsSettings
from chiso_core.turns import in_turns


@dataclass(frozen=True)
class Deadlines:
    explanation: timedelta  # CHISO_EXPLANATION_DUE_S: an owner's time to explain
    report_lead: timedelta  # CHISO_REPORT_REMINDER_DAYS: a reminder this long before a due date

    @classmethod
    def of(cls, settings: AlertsSettings) -> "Deadlines":
        """The settings' deadlines: one reading for the batches and the sweep."""
        return cls(
            timedelta(seconds=settings.explanation_due_s),
            timedelta(days=settings.report_reminder_days),
        )


def _fingerprints(key: SeriesKey) -> tuple[str, str]:
    """The fingerprints of the series' status alert and of its request for an explanation."""
    return (
        fingerprint(series_labels(key, status.ALERTNAME, status.RULE)),
        fingerprint(series_labels(key, explanation.ALERTNAME, explanation.RULE)),
    )


def _open(alert: AlertState | None) -> AlertState | None:
    return alert if alert is not None and alert.state in (State.PENDING, State.FIRING) else None


def _judged(
    key: SeriesKey,
    last_end: date,
    asked: explanation.Asked,
    context: BatchContext,
    deadlines: Deadlines,
    now: datetime,
) -> list[Judged]:
    params, names = context.params.for_indicator(key.indicator), context.rule_names(key)
    verdicts = list(
        explanation.explanation(key, asked, now, deadlines.explanation, params.severity, names)
    )
    indicator = context.catalog.indicators.get(key.indicator)
    if indicator is not None:  # a code the catalog no longer knows has no calendar
        verdicts += calendar(
            key,
            asked.owner,
            last_end,
            indicator,
            context.today,
            deadlines.report_lead,
            params.severity,
            names,
        )
    return [Judged(v, key.province) for v in verdicts]


async def owner_verdicts(
    conn: AsyncConnection,
    series: Sequence[tuple[SeriesKey, date]],
    context: BatchContext,
    deadlines: Deadlines,
    now: datetime,
) -> list[Judged]:
    """Every series' ExplanationRequested, ExplanationOverdue, ReportDue and ReportOverdue. Its
    loops give the event loop turns: the sweep judges every series, and a batch of scores
    every series new to it (thousands when a commune-level plan is first scored)."""
    prints = {key: _fingerprints(key) async for key, _ in in_turns(series)}
    alerts = await store.load_alerts(conn, [fp for pair in prints.values() for fp in pair])
    off_track = {
        key: a.last_period
        for key, (off, _) in prints.items()
        if (a := alerts.get(off)) is not None and a.state is State.FIRING
    }
    explained = await store.explained(conn, {(k.plan_id, k.target_id) for k in off_track})
    judged = []
    async for key, last_end in in_turns(series):
        request = _open(alerts.get(prints[key][1]))
        asked = explanation.Asked(
            context.owner(key),
            off_track.get(key),
            explained.get((key.plan_id, key.target_id), ()),
            None if request is None else request.starts_at,
        )
        judged += _judged(key, last_end, asked, context, deadlines, now)
    return judged
