"""One batch of scores: each series' window of scored periods updated, judged by the rules,
and the alerts advanced — all in one transaction, published before it commits. The batch's
loops (decoding, judging) give the event loop a turn every few milliseconds (chiso_core.turns),
as scoring's do: the API and the probes wait a turn, not a batch."""

from collections.abc import Sequence
from datetime import UTC, datetime

from google.protobuf.message import DecodeError
from psycopg_pool import AsyncConnectionPool

from chiso_alerts.lifecycle import store, transitions
from chiso_alerts.lifecycle.context import Judging
from chiso_alerts.rules import window
from chiso_alerts.rules.evaluate import evaluate
from chiso_alerts.rules.model import ScorePoint, SeriesKey, from_score
from chiso_core.contracts.v1 import score_pb2
from chiso_core.messaging import Record, rejected
from chiso_core.publisher import Publisher
from chiso_core.turns import in_turns


class AlertsPipeline:
    def __init__(self, pool: AsyncConnectionPool, publisher: Publisher, judging: Judging) -> None:
        self.pool, self.publisher, self.judging = pool, publisher, judging

    async def handle(self, records: Sequence[Record]) -> None:
        points: dict[SeriesKey, list[ScorePoint]] = {}
        bad = []
        async for record in in_turns(records):
            try:
                score = score_pb2.Score.FromString(record.value or b"")
            except DecodeError as e:
                reason = f"payload: không đọc được / not a chiso.v1.Score: {e}"
                bad.append(rejected("alerts", record, reason))
                continue
            try:
                key, point = from_score(score)
            except ValueError as e:  # its text names the field, Vietnamese first
                bad.append(rejected("alerts", record, str(e)))
                continue
            points.setdefault(key, []).append(point)
        now = datetime.now(UTC)
        context = await self.judging.context(now)
        async with self.pool.connection() as conn, conn.transaction():
            before = await store.load_windows(conn, points)
            windows = {
                k: window.merge(
                    before.get(k, ()), p, context.params.for_indicator(k.indicator).window
                )
                async for k, p in in_turns(points.items())
            }
            await store.save_windows(conn, windows)
            judged = [
                transitions.Judged(verdict, key.province)
                async for key, w in in_turns(windows.items())
                for verdict in evaluate(
                    key,
                    w,
                    context.params.for_indicator(key.indicator),
                    context.cadence(key.indicator),
                    context.today,
                    context.rule_names(key),
                )
            ]
            await transitions.apply(conn, judged, context.lifecycle, self.publisher, now)
        await self.publisher.publish_rejected(bad)
