"""One batch of scores: alert transitions stored in one transaction and published before it
commits."""

from collections.abc import Sequence
from datetime import UTC, datetime

import structlog
from google.protobuf.message import DecodeError
from prometheus_client import Counter
from psycopg_pool import AsyncConnectionPool

from chiso_alerts import store
from chiso_alerts.legacy_rules import Alert, ScoreEvent, apply
from chiso_alerts.rules.lifecycle import fingerprint
from chiso_core import topics
from chiso_core.contracts.v1 import alert_pb2, score_pb2
from chiso_core.messaging import Record, new_meta, rejected
from chiso_core.publisher import Publisher
from chiso_core.topics import message_key

log = structlog.get_logger(__name__)

TRANSITIONS = Counter("chiso_alerts_transitions", "Alert state changes", ["state"])

_STATE = {"firing": alert_pb2.ALERT_STATE_FIRING, "resolved": alert_pb2.ALERT_STATE_RESOLVED}


def to_message(alert: Alert, province: str) -> tuple[bytes, alert_pb2.Alert]:
    msg = alert_pb2.Alert(
        meta=new_meta("alerts"),
        fingerprint=alert.fingerprint,
        labels=alert.labels,
        annotations={"summary": alert.summary},
        state=_STATE[alert.state],
    )
    msg.starts_at.FromDatetime(alert.starts_at)
    if alert.ends_at is not None:
        msg.ends_at.FromDatetime(alert.ends_at)
    return message_key(province, alert.labels["indicator"]), msg


class AlertsPipeline:
    def __init__(self, pool: AsyncConnectionPool, publisher: Publisher) -> None:
        self.pool = pool
        self.publisher = publisher

    async def handle(self, records: Sequence[Record]) -> None:
        events: list[ScoreEvent] = []
        bad = []
        for record in records:
            try:
                events.append(
                    ScoreEvent.from_proto(score_pb2.Score.FromString(record.value or b""))
                )
            except (DecodeError, ValueError) as e:
                bad.append(rejected("alerts", record, f"not a valid chiso.v1.Score: {e}"))
        now = datetime.now(UTC)
        changed: list[tuple[Alert, str]] = []
        async with self.pool.connection() as conn, conn.transaction():
            alerts = await store.load(conn, (fingerprint(e.labels) for e in events))
            touched: dict[str, Alert] = {}
            for event in events:
                fp = fingerprint(event.labels)
                alert, state_changed = apply(alerts.get(fp), event, now)
                if alert is None:
                    continue
                alerts[fp] = touched[fp] = alert
                if state_changed:
                    changed.append((alert, event.province))
            await store.save(conn, list(touched.values()), [a for a, _ in changed])
            # Published before the commit: a replay after the commit would find no change left
            # to publish. A failure here rolls back, so the replay finds the changes again (a
            # crash between publish and commit repeats them: at-least-once).
            await self.publisher.publish(topics.ALERTS, (to_message(a, p) for a, p in changed))
        await self.publisher.publish_rejected(bad)
        for alert, _ in changed:
            TRANSITIONS.labels(alert.state).inc()
        if changed:
            log.info("alerts changed", changes=[(a.fingerprint, a.state) for a, _ in changed])
