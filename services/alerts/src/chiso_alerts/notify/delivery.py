"""The outbox sender: due notifications leased in one short transaction, sent concurrently (a
dead subscriber costs its own attempt, never the others'), and settled in another."""

import asyncio
import random
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, get_args
from uuid import UUID

import httpx
import structlog
from prometheus_client import Counter, Gauge
from psycopg_pool import AsyncConnectionPool

from chiso_alerts.dispatch.store import load_subscriptions
from chiso_alerts.dispatch.subscription import Subscription
from chiso_alerts.notify import outbox
from chiso_alerts.notify.email import render_email, send_email
from chiso_alerts.notify.grafana import annotate
from chiso_alerts.notify.outcome import Kind, Outcome
from chiso_alerts.notify.webhook import send_webhook
from chiso_core import failpoints
from chiso_core.metrics import at_zero
from chiso_core.settings import AlertsSettings

log = structlog.get_logger(__name__)

NOTIFICATIONS = at_zero(
    Counter(
        "chiso_alerts_notifications", "Notification attempts by outcome", ["channel", "outcome"]
    ),
    channel=("webhook", "email", "grafana"),
    outcome=get_args(Kind),
)
OUTBOX_SIZE = Gauge("chiso_alerts_outbox_rows", "Notifications waiting in the outbox")
OUTBOX_OLDEST = Gauge(
    "chiso_alerts_outbox_oldest_age_seconds", "Age of the oldest notification in the outbox"
)
BATCH = 50


def outbox_backlog(pool: AsyncConnectionPool) -> Callable[[], Awaitable[int]]:
    """One round of a Loop: sets the outbox gauges (one indexed count); never "busy"."""

    async def measure() -> int:
        async with pool.connection() as conn:
            size, oldest = await outbox.backlog(conn)
        OUTBOX_SIZE.set(size)
        OUTBOX_OLDEST.set(oldest)
        return 0

    return measure


BACKOFF_CAP = timedelta(hours=1)
_NONE = UUID(int=0)


def backoff(attempts: int, retry_after_s: float | None) -> timedelta:
    """Exponential from 5 s with full jitter, capped at an hour; a server's Retry-After wins."""
    if retry_after_s is not None:
        return timedelta(seconds=retry_after_s)
    ceiling = min(BACKOFF_CAP.total_seconds(), 5 * 2 ** min(attempts, 20))
    return timedelta(seconds=random.uniform(ceiling / 2, ceiling))  # noqa: S311 (jitter)


class Sender:
    def __init__(
        self, pool: AsyncConnectionPool, settings: AlertsSettings, client: httpx.AsyncClient
    ) -> None:
        self.pool, self.settings, self.client = pool, settings, client
        # A lease outlives any attempt: a live sender always settles before it ends.
        self.lease_for = timedelta(seconds=3 * settings.delivery_timeout_s)

    async def _send(self, p: outbox.Pending, sub: Subscription | None) -> Outcome:
        try:
            if p.channel == "grafana":
                return await annotate(self.settings, p.payload)
            if sub is None:
                return Outcome("failed", "the subscription was deleted")
            if p.channel == "webhook":
                assert sub.secret is not None
                return await send_webhook(
                    self.client,
                    sub.address,
                    sub.secret,
                    p.payload,
                    p.key,
                    self.settings.webhook_allow_nets,
                )
            message = render_email(
                p.payload, sender=self.settings.smtp_sender, to=sub.address, notification_key=p.key
            )
            return await send_email(self.settings, message)
        except Exception as e:  # a bug in one channel must not stop the others' deliveries
            log.exception("delivery failed unexpectedly", key=p.key, channel=p.channel)
            return Outcome("retry", f"unexpected error: {type(e).__name__}")

    def _settle(
        self, p: outbox.Pending, o: Outcome, now: datetime
    ) -> tuple[Outcome, datetime | None]:
        if o.kind != "retry":
            return o, None
        if now - p.created_at > timedelta(seconds=self.settings.delivery_max_age_s):
            return Outcome("failed", f"gave up after {p.attempts} attempts: {o.detail}"), None
        return o, now + backoff(p.attempts, o.retry_after_s)

    async def run_once(self) -> int:
        """Send what is due; returns how many notifications were attempted."""
        now = datetime.now(UTC)
        async with self.pool.connection() as conn:
            async with conn.transaction():
                due = await outbox.lease(conn, now, self.lease_for, BATCH)
            if not due:
                return 0
            subs = await load_subscriptions(conn)
        failpoints.hit("alerts.before_send")
        by_id: dict[UUID, Subscription] = {s.id: s for s in subs}
        timeout = self.settings.delivery_timeout_s
        outcomes: Sequence[Outcome] = await asyncio.gather(
            *(_bounded(self._send(p, by_id.get(p.subscription_id or _NONE)), timeout) for p in due)
        )
        failpoints.hit("alerts.after_send")
        done = datetime.now(UTC)
        results = []
        for p, o in zip(due, outcomes, strict=True):
            final, retry_at = self._settle(p, o, done)
            NOTIFICATIONS.labels(p.channel, final.kind).inc()
            if final.kind != "sent":
                log.warning(
                    "notification not delivered",
                    key=p.key,
                    channel=p.channel,
                    outcome=final.kind,
                    detail=final.detail,
                    attempt=p.attempts,
                )
            results.append((p, final, retry_at))
        async with self.pool.connection() as conn, conn.transaction():
            await outbox.settle(conn, results)
        return len(due)


async def _bounded(attempt: Coroutine[Any, Any, Outcome], limit_s: float) -> Outcome:
    """Channels bound their own calls; this bounds a name lookup or a server that trickles."""
    try:
        async with asyncio.timeout(limit_s):
            return await attempt
    except TimeoutError:
        return Outcome("retry", "timed out")
