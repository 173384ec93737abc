"""Acknowledgement, escalation and notification history over the real broker and database, to
webhook receivers on loopback: the leader acknowledges by the signed link in the notification
and hears nothing more until the alert worsens; what nobody acknowledges reaches the escalation
subscription; the history answers for every notification sent."""

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import jsonschema
import psycopg
import pytest
from fastapi.testclient import TestClient

from chiso_alerts.acknowledge.link import Claim, Links, sign
from chiso_core.contracts.v1 import score_pb2
from chiso_core.words.labels import EN, SEVERITY, VI
from chiso_devstack.processes import agency_key
from tests.alerting import drifting, recent_months, score, subscribe
from tests.alertmanager import WEBHOOK_V4
from tests.http_recorder import Recorder, http_recorder
from tests.integration.test_alert_notifications import Alerting, running
from tests.integration.test_alerts_api import NOW, add_alert, alerts_app
from tests.smtp_server import Mailbox

SECRET = "an acknowledgement secret of 32+ characters"
API = "http://testserver"
MONTHS = recent_months(6)
DRIFT = drifting(MONTHS[:3])  # off track: warning
WORSE = [score(MONTHS[3], score_pb2.STATUS_DETERIORATING, 36.0)]  # deteriorating: critical
RECOVERY = [score(m, score_pb2.STATUS_ON_TRACK, 46.0) for m in MONTHS[4:]]
TAM_DUONG = (["tam_duong"], ["online_public_service_usage"])


@pytest.fixture
async def alerting(
    bootstrap_servers: str, database_url: str, mailbox: tuple[Mailbox, int]
) -> AsyncIterator[Alerting]:
    async with running(
        bootstrap_servers, database_url, mailbox[1], links=Links(API, SECRET, 3600)
    ) as parts:
        yield parts


@pytest.fixture
def api(database_url: str) -> Iterator[TestClient]:
    with TestClient(alerts_app(database_url, ack_url=API, ack_secret=SECRET)) as client:
        yield client


@pytest.fixture
def key(database_url: str) -> Callable[..., dict[str, str]]:
    def make(
        name: str, scope: tuple[list[str], list[str]] = TAM_DUONG, permissions: str = "alerts"
    ) -> dict[str, str]:
        token = agency_key(database_url, name, *scope, permissions=permissions.split(","))
        return {"Authorization": f"Bearer {token}"}

    return make


def alerts_of(hook: Recorder) -> list[dict[str, Any]]:
    """The alerts of every notification received, each payload held to Alertmanager's v4."""
    for r in hook.received():
        jsonschema.validate(r.json(), WEBHOOK_V4)
    return [a for r in hook.received() for a in r.json()["alerts"]]


def history(api: TestClient, headers: dict[str, str], fingerprint: str) -> dict[str, Any]:
    answer = api.get(f"/v1/alerts/{fingerprint}/notifications", headers=headers)
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


async def test_acknowledged_by_the_link_it_is_not_repeated_until_it_worsens(
    alerting: Alerting, api: TestClient, key: Callable[..., dict[str, str]], database_url: str
) -> None:
    with http_recorder() as hook:
        subscribe(database_url, hook.url(), filters={"rules": ["status"]}, repeat_interval_s=1)
        await alerting.scores(DRIFT)
        assert await alerting.deliver() == 1
        [first] = alerts_of(hook)
        assert first["labels"]["severity"] == "warning"
        await asyncio.sleep(1.1)
        assert await alerting.deliver() == 1  # unacknowledged: repeated after repeat_interval

        path = first["annotations"]["ack_url"].removeprefix(API)
        page = api.get(path)
        assert page.status_code == 200
        assert "<form method=post>" in page.text
        assert 'name="viewport" content="width=device-width' in page.text  # a phone's width
        assert history(api, key("leader"), first["fingerprint"])["acknowledgements"] == []
        done = api.post(path, data={"comment": "Đã giao Sở KH&CN báo cáo"})
        assert done.status_code == 200, done.text

        await asyncio.sleep(1.1)
        assert await alerting.deliver() == 0  # acknowledged: the repeat interval tells nothing
        await alerting.scores(WORSE)
        assert await alerting.deliver() == 1  # worse: told again, with a fresh link
        worse = alerts_of(hook)[-1]
        assert (worse["fingerprint"], worse["labels"]["severity"]) == (
            first["fingerprint"],
            "critical",
        )
        assert worse["annotations"]["ack_url"].startswith(API + "/ack/")
        sent = alerts_of(hook)

    told = history(api, key("leader"), first["fingerprint"])
    assert [(n["status"], n["severity"], n["delivery"]) for n in told["notifications"]] == [
        ("firing", "warning", "delivered"),
        ("firing", "warning", "delivered"),
        ("firing", "critical", "delivered"),
    ]
    assert len(told["notifications"]) == len(sent)
    assert all(n["attempts"][-1]["outcome"] == "sent" for n in told["notifications"])
    [ack] = told["acknowledgements"]
    assert (ack["via"], ack["severity"]) == ("link", "warning")
    assert ack["by_name"] == told["notifications"][0]["subscription"]
    assert ack["comment"] == "Đã giao Sở KH&CN báo cáo"


async def test_what_nobody_acknowledges_escalates_and_what_someone_does_not(
    alerting: Alerting, api: TestClient, key: Callable[..., dict[str, str]], database_url: str
) -> None:
    with http_recorder() as hook, http_recorder() as boss:
        subscribe(database_url, hook.url(), filters={"rules": ["status"]})
        subscribe(database_url, boss.url(), filters={"rules": ["status"]}, escalate_after_s=1)
        await alerting.scores(DRIFT)
        assert await alerting.escalator.run_once() == 0  # not overdue yet
        assert await alerting.deliver() == 1
        assert boss.received() == []
        await asyncio.sleep(1.1)
        assert await alerting.escalator.run_once() == 1
        assert await alerting.escalator.run_once() == 0  # once
        assert await alerting.deliver() == 1
        [escalated] = alerts_of(boss)
        await alerting.scores(RECOVERY)
        told = await alerting.deliver()
        await asyncio.sleep(1.1)  # the escalation group told of it a moment ago: group_interval
        assert told + await alerting.deliver() == 2  # both hear it resolved
        assert [a["status"] for a in alerts_of(boss)] == ["firing", "resolved"]

    fp = escalated["fingerprint"]
    told = history(api, key("leader"), fp)["notifications"]
    assert sorted((n["escalation"], n["status"]) for n in told) == [
        (False, "firing"),
        (False, "resolved"),
        (True, "firing"),
        (True, "resolved"),
    ]
    assert {n["delivery"] for n in told} == {"delivered"}


async def test_an_alert_acknowledged_in_time_does_not_escalate(
    alerting: Alerting, api: TestClient, key: Callable[..., dict[str, str]], database_url: str
) -> None:
    with http_recorder() as boss:
        subscribe(database_url, boss.url(), filters={"rules": ["status"]}, escalate_after_s=1)
        await alerting.scores(DRIFT)
        with psycopg.connect(database_url) as conn:
            [(fp,)] = conn.execute(
                "SELECT fingerprint FROM alerts WHERE labels->>'rule' = 'status'"
            ).fetchall()
        answer = api.post(
            f"/v1/alerts/{fp}/acknowledgements",
            json={"by": "Văn phòng UBND", "comment": "đang xử lý"},
            headers=key("leader"),
        )
        assert answer.status_code == 201, answer.text
        await asyncio.sleep(1.1)
        assert await alerting.escalator.run_once() == 0
        assert await alerting.deliver() == 0
        assert boss.received() == []


def test_acknowledging_through_the_api_needs_the_alerts_permission_and_the_scope(
    api: TestClient, key: Callable[..., dict[str, str]], database_url: str
) -> None:
    add_alert(database_url, "ack0000000000001")  # Khánh Hòa, warning, firing
    add_alert(database_url, "ack0000000000002", state="resolved")
    kh = (["khanh_hoa"], ["online_public_service_usage"])
    body = {"by": "Sở TT&TT", "comment": "đã xem"}

    def post(fp: str, headers: dict[str, str], json: Any = body) -> Any:
        return api.post(f"/v1/alerts/{fp}/acknowledgements", json=json, headers=headers)

    assert post("ack0000000000001", key("reader_kh", kh, "read")).status_code == 403
    assert post("ack0000000000001", key("other_unit")).status_code == 404  # Tam Đường's key
    refused = post("ack0000000000002", key("so_kh", kh))
    assert refused.status_code == 409
    assert refused.json()["problems"][0]["field"] == "path"
    for bad, field in (({"comment": "x"}, "by"), ({"by": "x", "comment": "x" * 2001}, "comment")):
        answer = post("ack0000000000001", key("so_kh", kh), bad)
        assert answer.status_code == 422
        assert field in str(answer.json()["problems"])
    made = post("ack0000000000001", key("so_kh", kh))
    assert made.status_code == 201, made.text
    assert (made.json()["agency"], made.json()["via"]) == ("so_kh", "api")
    assert made.json()["starts_at"] == NOW.isoformat().replace("+00:00", "Z")
    [ack] = history(api, key("so_kh", kh), "ack0000000000001")["acknowledgements"]
    assert (ack["by_name"], ack["comment"], ack["severity"]) == ("Sở TT&TT", "đã xem", "warning")


def test_a_link_that_is_changed_expired_stale_or_switched_off_acknowledges_nothing(
    api: TestClient, database_url: str
) -> None:
    add_alert(database_url, "lnk0000000000001")
    add_alert(database_url, "lnk0000000000002", state="resolved")
    sub = subscribe(database_url, "https://93.184.215.14/hook")
    later = datetime.now(UTC) + timedelta(hours=1)

    def link(
        fp: str, starts: datetime = NOW, expires: datetime = later, secret: str = SECRET
    ) -> str:
        return "/ack/" + sign(secret, Claim(fp, starts, sub, expires))

    good = link("lnk0000000000001")
    cases = {
        good[:-2] + ("AA" if not good.endswith("AA") else "BB"): 400,  # changed
        link("lnk0000000000001", secret="another secret of 32 characters!!"): 400,
        link("lnk0000000000001", expires=datetime.now(UTC) - timedelta(seconds=1)): 410,
        link("lnk0000000000002"): 409,  # resolved since
        link("lnk0000000000001", starts=NOW - timedelta(days=1)): 409,  # an earlier episode
    }
    for path, status in cases.items():
        assert api.get(path).status_code == status, path
        assert api.post(path, data={"comment": "x"}).status_code == status, path
    with TestClient(alerts_app(database_url)) as off:  # no secret: links are off
        assert off.post(good, data={}).status_code == 404
    with psycopg.connect(database_url) as conn:
        assert conn.execute("SELECT count(*) FROM alert_acknowledgements").fetchone() == (0,)
    assert api.post(good, data={}).status_code == 200


def test_an_escalation_subscription_is_made_changed_and_cleared_through_the_api(
    api: TestClient, key: Callable[..., dict[str, str]]
) -> None:
    headers = key("leader")
    body = {"name": "Chủ tịch UBND", "channel": "email", "address": "chu.tich@example.vn"}
    made = api.post("/v1/subscriptions", json=body | {"escalate_after": "1d"}, headers=headers)
    assert made.status_code == 201, made.text
    assert made.json()["escalate_after"] == "1d"
    path = f"/v1/subscriptions/{made.json()['id']}"
    changed = api.patch(path, json={"escalate_after": "4h30m"}, headers=headers)
    assert changed.json()["escalate_after"] == "4h30m"
    assert api.patch(path, json={"name": "x"}, headers=headers).json()["escalate_after"] == "4h30m"
    assert (
        api.patch(path, json={"escalate_after": None}, headers=headers).json()["escalate_after"]
        is None
    )
    for bad in ("0s", "soon", "400d"):
        refused = api.patch(path, json={"escalate_after": bad}, headers=headers)
        assert refused.status_code == 422, bad
        assert "escalate_after" in str(refused.json()["problems"])


@pytest.mark.parametrize("severity", ["info", "warning", "critical"])
def test_a_link_page_says_the_severity_it_acknowledges_as_it_is_now(
    api: TestClient, database_url: str, severity: str
) -> None:
    """A link from a notification sent before the alert worsened acknowledges it as it is now:
    the page says which severity that is, and the acknowledgement is at that severity."""
    add_alert(database_url, "sev0000000000001", severity=severity)
    sub = subscribe(database_url, "https://93.184.215.14/hook")
    later = datetime.now(UTC) + timedelta(hours=1)
    path = "/ack/" + sign(SECRET, Claim("sev0000000000001", NOW, sub, later))

    page = api.get(path)

    assert page.status_code == 200
    words = {lang: SEVERITY[lang][severity] for lang in (VI, EN)}
    assert f"Mức độ: {words[VI]} / Severity: {words[EN]}" in page.text
    others = {s for s in SEVERITY[VI] if s != severity}
    assert not any(f"Mức độ: {SEVERITY[VI][s]} " in page.text for s in others)
    assert api.post(path, data={}).status_code == 200
    with psycopg.connect(database_url) as conn:
        assert conn.execute("SELECT severity FROM alert_acknowledgements").fetchall() == [
            (severity,)
        ]
