"""Notifications over the real broker and database, to a webhook receiver and an SMTP server on
loopback: a drifting series tells each matching subscriber once, its recovery once more, a
silenced alert tells nobody, and a dead subscriber holds up nobody else."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
import jsonschema
import psycopg
import pytest
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from chiso_alerts.acknowledge.link import Links
from chiso_alerts.dispatch.dispatcher import Dispatcher
from chiso_alerts.dispatch.escalate import Escalator
from chiso_alerts.lifecycle.context import Judging
from chiso_alerts.lifecycle.owners import Deadlines
from chiso_alerts.lifecycle.pipeline import AlertsPipeline
from chiso_alerts.notify.delivery import Sender
from chiso_alerts.rules.params import load_params
from chiso_core import topics
from chiso_core.broker import ensure_topics
from chiso_core.catalog.store import CatalogCache
from chiso_core.contracts.v1 import score_pb2
from chiso_core.publisher import Publisher
from chiso_core.settings import AlertsSettings
from tests.alerting import OWNER, drifting, nobody_owes, recent_months, score, subscribe
from tests.alertmanager import WEBHOOK_V4
from tests.http_recorder import Answer, Recorder, http_recorder
from tests.kafka_io import produce, read_topic
from tests.smtp_server import Mailbox

MONTHS = recent_months(7)
DRIFT = drifting(MONTHS[:3])
STILL_OFF = drifting(MONTHS[3:4])
RECOVERY = [score(m, score_pb2.STATUS_ON_TRACK, 46.0) for m in MONTHS[4:]]


@pytest.fixture
def hook() -> Iterator[Recorder]:
    with http_recorder() as receiver:
        yield receiver


@dataclass
class Alerting:
    """The alerts service's parts as app.py wires them, driven one round at a time."""

    pipeline: AlertsPipeline
    dispatcher: Dispatcher
    sender: Sender
    escalator: Escalator
    bootstrap: str
    handed: set[tuple[int, int]] = field(default_factory=set)

    async def scores(self, records: Sequence[tuple[bytes, score_pb2.Score]]) -> None:
        await produce(self.bootstrap, topics.SCORES, records)
        fresh = [
            r
            for r in await read_topic(self.bootstrap, topics.SCORES)
            if (r.partition, r.offset) not in self.handed
        ]
        self.handed |= {(r.partition, r.offset) for r in fresh}
        await self.pipeline.handle(fresh)

    async def deliver(self) -> int:
        """Flush due groups and send what they queued; returns notifications sent."""
        await self.dispatcher.run_once()
        return await self.sender.run_once()


@asynccontextmanager
async def running(
    bootstrap: str,
    database_url: str,
    smtp_port: int,
    grafana_url: str | None = None,
    links: Links | None = None,
) -> AsyncIterator[Alerting]:
    """The parts as app.py wires them, against the test's broker, database and SMTP server."""
    settings = AlertsSettings(
        kafka_bootstrap_servers=bootstrap,
        database_url=database_url,
        webhook_allow_nets=["127.0.0.0/8"],
        smtp_host="127.0.0.1",
        smtp_port=smtp_port,
        smtp_starttls=False,
        grafana_url=grafana_url,
        grafana_token="glsa_test" if grafana_url else None,
    )
    await ensure_topics(settings)
    # The series' figures are months old when they first come: its lead would be told at once
    # that the next one is overdue, which holds back the leaders' alerts these tests count
    # (the owners' side: test_owner_alerts.py).
    nobody_owes(database_url)
    async with (
        AsyncConnectionPool(database_url, min_size=1, max_size=3) as pool,
        Publisher(settings, client_id="test") as publisher,
        httpx.AsyncClient(timeout=5, follow_redirects=False) as client,
    ):
        judging = Judging(
            pool, CatalogCache(pool), load_params(None), "http://grafana", grafana_url is not None
        )
        yield Alerting(
            AlertsPipeline(pool, publisher, judging, Deadlines.of(settings)),
            Dispatcher(pool, "http://grafana", links),
            Sender(pool, settings, client),
            Escalator(pool, CatalogCache(pool)),
            bootstrap,
        )


@pytest.fixture
async def alerting(
    bootstrap_servers: str, database_url: str, mailbox: tuple[Mailbox, int]
) -> AsyncIterator[Alerting]:
    async with running(bootstrap_servers, database_url, mailbox[1]) as parts:
        yield parts


def status_only(url: str, database_url: str, **kw: object) -> uuid.UUID:
    return subscribe(database_url, url, filters={"rules": ["status"]}, **kw)  # type: ignore[arg-type]


async def test_drift_tells_each_subscriber_once_and_recovery_once_more(
    alerting: Alerting, hook: Recorder, mailbox: tuple[Mailbox, int], database_url: str
) -> None:
    status_only(hook.url(), database_url)
    status_only(hook.url(), database_url)
    status_only("chu.tich@tamduong.laichau.gov.vn", database_url, channel="email")
    subscribe(database_url, hook.url(), filters={"jurisdictions": ["khanh_hoa"]})  # not Tam Đường

    await alerting.scores(DRIFT)
    assert await alerting.deliver() == 3
    assert await alerting.deliver() == 0  # nothing new: nothing more
    firing = hook.received()
    assert len(firing) == 2
    assert len({r.headers["idempotency-key"] for r in firing}) == 2
    for r in firing:
        payload = r.json()
        jsonschema.validate(payload, WEBHOOK_V4)
        assert payload["status"] == "firing"
        [alert] = payload["alerts"]
        assert alert["labels"]["jurisdiction"] == "tam_duong"
        assert alert["labels"]["rule"] == "status"
    [mail] = mailbox[0].messages()
    assert mail["Subject"].startswith("[Cảnh báo] Huyện Tam Đường – Tỉ lệ sử dụng dịch vụ công")
    assert mail["To"] == "chu.tich@tamduong.laichau.gov.vn"
    assert mail.get_body(("plain",)) is not None
    assert mail.get_body(("html",)) is not None

    # Still off track a month later: the same alert, nobody told again.
    await alerting.scores(STILL_OFF)
    assert await alerting.deliver() == 0

    await alerting.scores(RECOVERY)
    await asyncio.sleep(1)  # group_interval (1 s) after the last notification
    assert await alerting.deliver() == 3
    resolved = hook.received()[2:]
    assert [r.json()["status"] for r in resolved] == ["resolved", "resolved"]
    for r in resolved:
        jsonschema.validate(r.json(), WEBHOOK_V4)
    recovered = mailbox[0].messages()[1]
    assert recovered["Subject"].startswith("[Đã khắc phục] Huyện Tam Đường – Tỉ lệ")
    assert await alerting.deliver() == 0


async def test_a_silenced_alert_tells_nobody(
    alerting: Alerting, hook: Recorder, database_url: str
) -> None:
    status_only(hook.url(), database_url)
    now = datetime.now(UTC)
    with psycopg.connect(database_url) as conn:
        conn.execute(
            "INSERT INTO silences (id, matchers, starts_at, ends_at, created_by, comment, owner)"
            " VALUES (%s, %s, %s, %s, 'test', 'data collection under review', %s)",
            [
                uuid.uuid4(),
                Jsonb(
                    [
                        {
                            "name": "jurisdiction",
                            "value": "tam_duong",
                            "isRegex": False,
                            "isEqual": True,
                        }
                    ]
                ),
                now - timedelta(minutes=1),
                now + timedelta(hours=1),
                OWNER,
            ],
        )
    await alerting.scores(DRIFT)
    await alerting.deliver()
    await alerting.scores(RECOVERY)
    await alerting.deliver()
    assert hook.received() == []
    with psycopg.connect(database_url) as conn:
        events = conn.execute(
            "SELECT state FROM alert_events WHERE labels->>'rule' = 'status' ORDER BY id"
        ).fetchall()
    assert events == [("firing",), ("resolved",)]  # the alert lived; only its notices were muted


async def test_a_dead_subscriber_does_not_hold_up_the_others(
    alerting: Alerting, hook: Recorder, database_url: str
) -> None:
    with http_recorder(Answer(503, b"")) as dead:
        status_only(dead.url(), database_url)
        status_only(hook.url(), database_url)
        await alerting.scores(DRIFT)
        assert await alerting.deliver() == 2
        assert len(hook.received()) == 1
        assert len(dead.received()) == 1
    with psycopg.connect(database_url) as conn:
        [(attempts, error, later)] = conn.execute(
            "SELECT attempts, last_error, next_attempt_at > now() FROM notification_outbox"
        ).fetchall()
        outcomes = conn.execute(
            "SELECT outcome, count(*) FROM notification_log GROUP BY 1 ORDER BY 1"
        ).fetchall()
    assert (attempts, later) == (1, True)
    assert "503" in str(error)
    assert outcomes == [("retry", 1), ("sent", 1)]


async def test_grafana_is_annotated_when_alerts_fire_and_resolve(
    bootstrap_servers: str, database_url: str, mailbox: tuple[Mailbox, int]
) -> None:
    """Through the outbox like any notification: a point when an alert fires, a region from
    its start to its end when it resolves, with the service account's token."""
    with http_recorder() as grafana:
        async with running(bootstrap_servers, database_url, mailbox[1], grafana.url()) as parts:
            await parts.scores(DRIFT)
            await parts.deliver()
            await parts.scores(RECOVERY)
            await parts.deliver()
        status = [r for r in grafana.received() if "rule:status" in r.json().get("tags", [])]
    assert [r.path for r in status] == ["/api/annotations", "/api/annotations"]
    assert {r.headers["authorization"] for r in status} == {"Bearer glsa_test"}
    fired, resolved = (r.json() for r in status)
    assert "state:firing" in fired["tags"]
    assert fired.get("timeEnd") is None
    assert "state:resolved" in resolved["tags"]
    assert resolved["time"] == fired["time"] < resolved["timeEnd"]


async def test_a_silent_jurisdiction_inhibits_its_other_alerts_until_it_reports(
    alerting: Alerting, hook: Recorder, database_url: str
) -> None:
    """While JurisdictionStale fires for Tam Đường, its status alert notifies nobody; once the
    jurisdiction-wide alert resolves, the status alert is told at the group's next look."""
    status_only(hook.url(), database_url)
    with psycopg.connect(database_url) as conn:
        conn.execute(
            "INSERT INTO alerts (fingerprint, labels, state, starts_at)"
            " VALUES ('silent0000000000', %s, 'firing', now())",
            [
                Jsonb(
                    {"alertname": "JurisdictionStale", "jurisdiction": "tam_duong", "rule": "stale"}
                )
            ],
        )
    await alerting.scores(DRIFT)
    assert await alerting.deliver() == 0
    with psycopg.connect(database_url) as conn:
        conn.execute("UPDATE alerts SET state = 'resolved' WHERE fingerprint = 'silent0000000000'")
    await asyncio.sleep(1)  # the inhibited group looks again after group_interval (1 s)
    assert await alerting.deliver() == 1
    [told] = hook.received()
    assert told.json()["alerts"][0]["labels"]["alertname"] == "TargetOffTrack"
