"""One batch of scores: each series' window of scored periods updated, judged by the rules,
and the alerts advanced — all in one transaction, published before it commits. A series scored
for the first time has its owners' alerts judged too (the sweep's, lifecycle/owners.py), once
the rules' alerts are advanced, so that the reminder of a target never reported ends with the
batch that brings its first figure; so does a series whose target is off track or whose
target's own alert the batch fired or resolved, so that a target asks its owner to explain each
period it is off track in the batch that says so. The batch's loops (decoding, judging) give
the event loop a turn every few milliseconds (chiso_core.turns), as scoring's do: the API and
the probes wait a turn, not a batch."""

from collections.abc import Sequence

from google.protobuf.message import DecodeError
from psycopg_pool import AsyncConnectionPool

from chiso_alerts.lifecycle import store, transitions
from chiso_alerts.lifecycle.context import BatchContext, Clock, Judging, utc_now
from chiso_alerts.lifecycle.owners import Deadlines, owner_verdicts
from chiso_alerts.rules import status, window
from chiso_alerts.rules.evaluate import evaluate
from chiso_alerts.rules.lifecycle import AlertState, fingerprint
from chiso_alerts.rules.model import ScorePoint, SeriesKey, from_score, series_labels
from chiso_core.contracts.v1 import score_pb2
from chiso_core.messaging import Record, rejected
from chiso_core.publisher import Publisher
from chiso_core.turns import in_turns


class AlertsPipeline:
    def __init__(
        self,
        pool: AsyncConnectionPool,
        publisher: Publisher,
        judging: Judging,
        deadlines: Deadlines,
        clock: Clock = utc_now,
    ) -> None:
        self.pool, self.publisher, self.judging = pool, publisher, judging
        # the sweep's deadlines, and a clock a test can set as it sets the sweep's: a series'
        # first batch judges the calendar, which depends on the day
        self.deadlines, self.clock = deadlines, clock

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
        now = self.clock()
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
            judged = await _judged(windows, context)
            changed = await transitions.apply(conn, judged, context.lifecycle, self.publisher, now)
            # The owners' alerts of a series scored for the first time, or whose target is off
            # track at its latest period or had its own alert fired or resolved by this batch,
            # judged now rather than at the next sweep, and after the rules' verdicts are
            # applied: owner_verdicts reads the status alert as stored, so a TargetOffTrack
            # firing asks the owner to explain its latest period here (and one resolved ends
            # the request), as the sweep would (the same fingerprint and words; the sweep then
            # finds it done). The calendar's verdict has the fingerprint of the sweep's reminder
            # of the target never reported, which resolves here (or names the period owed next,
            # when that one is already late) instead of holding back the target's alerts to
            # leaders until then.
            due = _owners_due(judged, changed)
            owed = [
                (k, w[-1].period.end)
                for k, w in windows.items()
                if k not in before or (due and _status_alert(k) in due)
            ]
            if owed:
                owners = await owner_verdicts(conn, owed, context, self.deadlines, now)
                await transitions.apply(conn, owners, context.lifecycle, self.publisher, now)
        await self.publisher.publish_rejected(bad)


def _owners_due(judged: Sequence[transitions.Judged], changed: Sequence[AlertState]) -> set[str]:
    """The fingerprints of the alerts active at their series' latest period and of those this
    batch changed: the owners' alerts are due for a series whose TargetOffTrack is among them
    (_status_alert)."""
    due = {j.fingerprint for j in judged if j.verdict.active and j.verdict.active[-1]}
    due |= {a.fingerprint for a in changed}
    return due


def _status_alert(key: SeriesKey) -> str:
    """The fingerprint of a series' TargetOffTrack, as the status rule labels it."""
    return fingerprint(series_labels(key, status.ALERTNAME, status.RULE))


async def _judged(
    windows: dict[SeriesKey, window.Window], context: BatchContext
) -> list[transitions.Judged]:
    """Every rule's verdict on every series of the batch (none of them an owner's alert: their
    fingerprints differ from those of owner_verdicts, applied after them)."""
    return [
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
