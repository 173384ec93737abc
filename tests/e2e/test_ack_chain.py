"""Who answers for a target, end to end: the three services as processes over the real broker
and TimescaleDB, a leader's mailbox and an escalation webhook on loopback.

Two targets of Tam Đường turn off track. The owner of one explains it through ingest; the
leader's email carries the owner's words, and says of the other that no explanation was given.
The leader acknowledges the first by the signed link in the email (no API key): it is not
repeated at the next repeat interval, while the other is; it is told again once it worsens
(and, no longer acknowledged, escalates escalate_after after the leader was told of it). The
other, which nobody acknowledged, escalates. A changed or expired link acknowledges nothing;
acknowledging through the API takes a key with the `alerts` permission; the history endpoint
accounts for every notification sent."""

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import jsonschema
import pytest

from chiso_core.periods import Period
from chiso_core.words.labels import SEVERITY, VI
from chiso_core.words.vietnamese import period
from chiso_devstack.processes import ServiceProcess, agency_key
from tests.alertmanager import WEBHOOK_V4
from tests.e2e.conftest import StartService
from tests.e2e.support import rows, wait_for
from tests.http_recorder import Recorder, http_recorder
from tests.smtp_server import Mailbox

PLAN, PROVINCE = "tam_duong_nq57", "tam_duong"
ONLINE, CASHLESS = "online_public_service_usage", "cashless_transaction_share"
TARGETS = {ONLINE: f"{ONLINE}_2030", CASHLESS: f"{CASHLESS}_2030"}
# The address a reader reaches the alerts service under (a proxy in production); the test opens
# a link's path on the service itself, as the proxy would.
ACK_BASE = "https://chiso.example.vn/alerts"
SECRET = "an acknowledgement secret of 32+ characters"
REPEAT_S, ESCALATE_S, LINK_TTL_S = 4, 6, 12
NONE_GIVEN = "Chưa có giải trình"
OWNERS = {  # the lead agencies the plan names, as the catalog calls them
    ONLINE: "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện Tam Đường",
    CASHLESS: "Ngân hàng Nhà nước, chi nhánh Lai Châu",
}
OWNER_SAYS = "Đã đưa 35 thủ tục lên Cổng dịch vụ công toàn trình"


def month(back: int) -> str:
    return str(Period.month_of(date.today(), back))


def period_words(back: int) -> str:
    return period(month(back))


@pytest.fixture
def receivers(mailbox: tuple[Mailbox, int]) -> Iterator[tuple[Mailbox, int, Recorder]]:
    with http_recorder() as boss:
        yield *mailbox, boss


def alerts_env(smtp_port: int) -> dict[str, str]:
    return {
        "CHISO_WEBHOOK_ALLOW_NETS": '["127.0.0.0/8"]',
        "CHISO_SMTP_HOST": "127.0.0.1",
        "CHISO_SMTP_PORT": str(smtp_port),
        "CHISO_SMTP_STARTTLS": "false",
        "CHISO_ACK_URL": ACK_BASE,
        "CHISO_ACK_SECRET": SECRET,
        "CHISO_ACK_LINK_TTL_S": str(LINK_TTL_S),
        "CHISO_DISPATCH_INTERVAL_S": "0.2",
        "CHISO_ESCALATE_INTERVAL_S": "0.3",
        # the sweep at start reminds the owners that the targets never reported, which would
        # hold back their alerts to leaders; the batch bringing a target's first scores ends its
        # reminder, so the leaders hear without another sweep (none within the hour)
        "CHISO_SWEEP_INTERVAL_S": "3600",
    }


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def post_figures(
    ingest: ServiceProcess, auth: dict[str, str], *figures: tuple[str, int, float]
) -> None:
    observations = [
        {"indicator": i, "jurisdiction": PROVINCE, "period": month(back), "value": value}
        for i, back, value in figures
    ]
    answer = httpx.post(
        f"{ingest.url}/v1/observations", json={"observations": observations}, headers=auth
    )
    assert answer.status_code == 202, answer.text


def status_alerts(database_url: str) -> dict[str, tuple[str, str, str]]:
    """indicator → (fingerprint, state, severity) of the status alerts."""
    found = rows(
        database_url,
        "SELECT labels->>'indicator', fingerprint, state, labels->>'severity' FROM alerts"
        " WHERE labels->>'rule' = 'status'",
    )
    return {indicator: (fp, state, severity) for indicator, fp, state, severity in found}


def states_are(database_url: str, *wanted: tuple[str, str, str]) -> Callable[[], bool]:
    """Whether each (indicator, state, severity) holds."""

    def check() -> bool:
        now = status_alerts(database_url)
        return all(now.get(i, ("",))[1:] == (state, sev) for i, state, sev in wanted)

    return check


def mails(box: Mailbox) -> list[dict[str, str]]:
    """Each email received: its notification key, the target it is about, its severity words,
    its acknowledgement link and its whole text."""
    found = []
    for message in box.messages():
        part = message.get_body(("plain",))
        assert part is not None
        text = part.get_content()
        link = re.search(r"Xác nhận đã xem: (\S+)", text)
        # "Mục tiêu: ≥ 80% vào năm 2030 (online_public_service_usage_2030)": what it asks, by
        # when, and its code
        [target] = [t for t in TARGETS.values() if re.search(rf"Mục tiêu: .*\({t}\)", text)]
        found.append(
            {
                "key": re.findall(r"Mã thông báo: (\S+)", text)[-1],
                "target": target,
                "severity": re.findall(r"Mức độ: (.+)", text)[0],
                "link": link[1] if link else "",
                "text": text,
            }
        )
    return found


def mails_of(box: Mailbox, indicator: str) -> list[dict[str, str]]:
    return [m for m in mails(box) if m["target"] == TARGETS[indicator]]


def on_service(alerts: ServiceProcess, link: str) -> str:
    """The link as the proxy in front of the alerts service would pass it on."""
    assert link.startswith(ACK_BASE + "/ack/"), link
    return alerts.url + link.removeprefix(ACK_BASE)


def history(alerts: ServiceProcess, key: str, fingerprint: str) -> dict[str, Any]:
    answer = httpx.get(f"{alerts.url}/v1/alerts/{fingerprint}/notifications", headers=bearer(key))
    assert answer.status_code == 200, answer.text
    told: dict[str, Any] = answer.json()
    return told


@dataclass(frozen=True)
class Chain:
    """The running stack, the receivers and the keys the people of the story hold."""

    ingest: ServiceProcess
    alerts: ServiceProcess
    database_url: str
    box: Mailbox
    boss: Recorder
    reporter: dict[str, str]  # the statistics office's key: sends the figures
    leader: str  # the district leader's key: alerts only
    owner: str  # the lead agency of online public services: reports and explains

    def figures(self, *figures: tuple[str, int, float]) -> None:
        post_figures(self.ingest, self.reporter, *figures)

    def explain(self, indicator: str, key: str) -> httpx.Response:
        return httpx.post(
            f"{self.ingest.url}/v1/explanations",
            json={"explanations": [explanation(indicator)]},
            headers=bearer(key),
        )

    def subscribe(self, **body: Any) -> None:
        filters = {"jurisdictions": [PROVINCE], "rules": ["status"]}
        sub = {"filters": filters, "group_wait": "0s", "group_interval": "1s"} | body
        answer = httpx.post(
            f"{self.alerts.url}/v1/subscriptions", json=sub, headers=bearer(self.leader)
        )
        assert answer.status_code == 201, answer.text


def explanation(indicator: str) -> dict[str, str]:
    return {
        "plan": PLAN,
        "target": TARGETS[indicator],
        "period": month(2),
        "done": OWNER_SAYS,
        "difficulties": "Sóng di động yếu ở 4 xã vùng cao",
        "next_actions": "Tổ công nghệ số cộng đồng hướng dẫn tại bộ phận một cửa",
    }


LEADER, BOSS = "Chủ tịch UBND huyện Tam Đường", "Bí thư Tỉnh ủy Lai Châu"


@pytest.fixture
def chain(
    start_service: StartService,
    database_url: str,
    auth: dict[str, str],
    receivers: tuple[Mailbox, int, Recorder],
) -> Chain:
    box, smtp_port, boss = receivers
    # started together: each waits for its consumer group, which takes seconds
    ingest, scoring, alerts = (
        start_service("ingest", wait=False),
        start_service("scoring", wait=False),
        start_service("alerts", wait=False, **alerts_env(smtp_port)),
    )
    for service in (ingest, scoring, alerts):
        service.wait_ready()
    both = [ONLINE, CASHLESS]
    chain = Chain(
        ingest,
        alerts,
        database_url,
        box,
        boss,
        auth,
        agency_key(database_url, "ubnd_tam_duong", [PROVINCE], both, ["alerts"]),
        agency_key(database_url, "vp_ubnd_tam_duong", [PROVINCE], [ONLINE], ["report"]),
    )
    chain.subscribe(
        name=LEADER,
        channel="email",
        address="chu.tich@tamduong.example.vn",
        repeat_interval=f"{REPEAT_S}s",
    )
    chain.subscribe(
        name=BOSS,
        channel="webhook",
        address=boss.url("/escalated"),
        repeat_interval="1h",
        escalate_after=f"{ESCALATE_S}s",
    )
    return chain


def turn_off_track_and_explain(chain: Chain) -> None:
    """Both targets judged off track once (pending); the owner explains its own, and may not
    explain the other's."""
    chain.figures(*((i, back, v) for i in (ONLINE, CASHLESS) for back, v in ((6, 40.0), (2, 40.3))))
    wait_for(
        states_are(
            chain.database_url, (ONLINE, "pending", "warning"), (CASHLESS, "pending", "warning")
        ),
        what="both targets judged off track",
    )
    assert chain.explain(ONLINE, chain.owner).status_code == 201
    refused = chain.explain(CASHLESS, chain.owner)
    assert refused.status_code == 403, refused.text
    assert refused.json()["problems"][0]["field"] == "explanations[0].target"


def fire_and_tell_the_leader(chain: Chain) -> tuple[dict[str, str], dict[str, str]]:
    """A second month off track fires both; the leader's email names each owner and what the
    owner said, or that nothing was said."""
    chain.figures((ONLINE, 1, 40.4), (CASHLESS, 1, 40.4))
    wait_for(
        lambda: mails_of(chain.box, ONLINE) and mails_of(chain.box, CASHLESS),
        what="the leader's two emails",
    )
    [online], [cashless] = mails_of(chain.box, ONLINE), mails_of(chain.box, CASHLESS)
    warning = SEVERITY[VI]["warning"]
    assert (online["severity"], cashless["severity"]) == (warning, warning)
    assert f"Giải trình gần nhất của đơn vị chủ trì: {period_words(2)}: " in online["text"]
    assert OWNER_SAYS in online["text"]
    assert NONE_GIVEN not in online["text"]
    assert f"Giải trình gần nhất của đơn vị chủ trì: {NONE_GIVEN}" in cashless["text"]
    assert OWNER_SAYS not in cashless["text"]
    assert f"Đơn vị chủ trì: {OWNERS[ONLINE]}" in online["text"]
    assert f"Đơn vị chủ trì: {OWNERS[CASHLESS]}" in cashless["text"]
    assert online["link"]
    assert cashless["link"] not in ("", online["link"])
    return online, cashless


def acknowledge_by_link(chain: Chain, mail: dict[str, str], comment: str) -> None:
    """The email's link: its page (no key) saying the severity the email said, then its form
    posted (no key)."""
    link, severity = mail["link"], mail["severity"]
    page = httpx.get(on_service(chain.alerts, link))
    assert page.status_code == 200, page.text
    assert "<form method=post>" in page.text
    assert f"Mức độ: {severity}" in page.text
    done = httpx.post(on_service(chain.alerts, link), data={"comment": comment})
    assert done.status_code == 200, done.text
    assert LEADER in done.text


def escalated(boss: Recorder) -> list[tuple[str, str, dict[str, str]]]:
    """(status, severity, annotations) of each alert the escalation webhook was told of, every
    payload held to Alertmanager's webhook v4."""
    for r in boss.received():
        jsonschema.validate(r.json(), WEBHOOK_V4)
    return [
        (a["status"], a["labels"]["severity"], a["annotations"])
        for r in boss.received()
        for a in r.json()["alerts"]
    ]


def no_repeat_once_acknowledged(chain: Chain, online: dict[str, str], seen_at: float) -> None:
    """A repeat interval after the first emails, the unacknowledged target is told again and
    the acknowledged one is not; the unacknowledged one has escalated, the other has not."""
    wait_for(lambda: len(mails_of(chain.box, CASHLESS)) >= 2, REPEAT_S + 30, "a repeat")
    time.sleep(max(0.0, seen_at + REPEAT_S + 1 - time.monotonic()))
    assert mails_of(chain.box, ONLINE) == [online]
    wait_for(lambda: escalated(chain.boss), ESCALATE_S + 30, "an escalation")
    [(status, severity, said)] = escalated(chain.boss)
    assert (status, severity, said["owner"], said["owner_note"]) == (
        "firing",
        "warning",
        OWNERS[CASHLESS],
        NONE_GIVEN,
    )
    assert said["ack_url"].startswith(ACK_BASE + "/ack/")
    assert chain.boss.received()[0].path == "/escalated"


def worse_is_told_again(chain: Chain, online: dict[str, str]) -> dict[str, str]:
    """The last month corrected to below the base: the acknowledged target deteriorates
    (critical), and the leader is told at once with a fresh link. No acknowledgement holds for
    it now: unless the leader acknowledges the worse news within escalate_after of being told,
    it escalates (the leader gets the same time as for the first news, not none)."""
    chain.figures((ONLINE, 1, 39.0))
    wait_for(lambda: len(mails_of(chain.box, ONLINE)) == 2, 30, "the worse news")
    told = time.monotonic()
    worse = mails_of(chain.box, ONLINE)[1]
    assert worse["severity"] == SEVERITY[VI]["critical"]
    assert worse["link"] not in ("", online["link"])
    assert OWNER_SAYS in worse["text"]
    wait_for(lambda: len(escalated(chain.boss)) == 2, ESCALATE_S + 30, "the worse escalated")
    # Told to the leader no later than `told`, so escalated no earlier than ESCALATE_S before.
    assert time.monotonic() - told >= ESCALATE_S - 1
    status, severity, said = escalated(chain.boss)[1]
    assert (status, severity, said["owner"]) == ("firing", "critical", OWNERS[ONLINE])
    assert OWNER_SAYS in said["owner_note"]
    return worse


def links_changed_or_expired_are_refused(chain: Chain, worse: str, first: str) -> None:
    """A changed link (its signature or its claim) and an expired one acknowledge nothing."""
    body, mac = worse.rsplit(".", 1)
    other_body = first.rsplit(".", 1)[0]
    changed = (
        f"{body}.{mac[:-1]}{'A' if mac[-1] != 'A' else 'B'}",
        f"{other_body}.{mac}",
    )
    for link in changed:
        assert httpx.get(on_service(chain.alerts, link)).status_code == 400, link
        assert httpx.post(on_service(chain.alerts, link), data={}).status_code == 400, link
    wait_for(
        lambda: httpx.get(on_service(chain.alerts, first)).status_code == 410,
        LINK_TTL_S + 10,
        "the first link expired",
    )
    assert httpx.post(on_service(chain.alerts, first), data={}).status_code == 410
    assert rows(
        chain.database_url,
        "SELECT labels->>'indicator' FROM alert_acknowledgements JOIN alerts USING (fingerprint)",
    ) == [(ONLINE,), (ONLINE,)]


def acknowledge_through_the_api(chain: Chain, fingerprint: str) -> None:
    """Through the API it takes a key with the `alerts` permission: the owner's key reports and
    explains, and may not."""
    url = f"{chain.alerts.url}/v1/alerts/{fingerprint}/acknowledgements"
    body = {"by": LEADER, "comment": "Giao Ngân hàng Nhà nước báo cáo trước ngày 10"}
    assert httpx.post(url, json=body).status_code == 401
    assert httpx.post(url, json=body, headers=bearer(chain.owner)).status_code == 403
    made = httpx.post(url, json=body, headers=bearer(chain.leader))
    assert made.status_code == 201, made.text


def received(chain: Chain, fingerprints: dict[str, str]) -> dict[str, set[tuple[str, str]]]:
    """fingerprint → (notification key, receiver) of every notification that arrived."""
    found: dict[str, set[tuple[str, str]]] = {fp: set() for fp in fingerprints.values()}
    for mail in mails(chain.box):
        indicator = next(i for i, t in TARGETS.items() if t == mail["target"])
        found[fingerprints[indicator]].add((mail["key"], LEADER))
    for r in chain.boss.received():
        for a in r.json()["alerts"]:
            found[a["fingerprint"]].add((r.headers["idempotency-key"], BOSS))
    return found


def told(chain: Chain, fingerprints: dict[str, str]) -> dict[str, set[tuple[str, str]]]:
    """The same, as the history endpoint tells it."""
    return {
        fp: {
            (n["notification_key"], n["subscription"])
            for n in history(chain.alerts, chain.leader, fp)["notifications"]
        }
        for fp in fingerprints.values()
    }


def test_the_owner_explains_the_leader_acknowledges_and_the_unacknowledged_escalates(
    chain: Chain,
) -> None:
    turn_off_track_and_explain(chain)
    online, cashless = fire_and_tell_the_leader(chain)
    seen_at = time.monotonic()
    acknowledge_by_link(chain, online, "Đã xem, giao Văn phòng theo dõi")
    no_repeat_once_acknowledged(chain, online, seen_at)
    worse = worse_is_told_again(chain, online)
    acknowledge_by_link(chain, worse, "Họp với Văn phòng chiều nay")
    links_changed_or_expired_are_refused(chain, worse["link"], cashless["link"])
    fingerprints = {i: fp for i, (fp, _, _) in status_alerts(chain.database_url).items()}
    acknowledge_through_the_api(chain, fingerprints[CASHLESS])

    # Every notification sent, as received and as the history tells it (repeats decided just
    # before an acknowledgement may still arrive: compared once both settle).
    wait_for(lambda: received(chain, fingerprints) == told(chain, fingerprints), 30, "history")
    for indicator, fp in fingerprints.items():
        story = history(chain.alerts, chain.leader, fp)
        for n in story["notifications"]:
            assert (n["delivery"], n["attempts"][-1]["outcome"]) == ("delivered", "sent"), n
            assert n["queued_at"] <= n["attempts"][-1]["at"], n
            assert (n["subscription"], n["channel"], n["escalation"]) in (
                (LEADER, "email", False),
                (BOSS, "webhook", True),
            ), n
        assert [(a["via"], a["severity"], a["by_name"]) for a in story["acknowledgements"]] == (
            [("link", "warning", LEADER), ("link", "critical", LEADER)]
            if indicator == ONLINE
            else [("api", "warning", LEADER)]
        )
    online_story = history(chain.alerts, chain.leader, fingerprints[ONLINE])["notifications"]
    told_online = [(n["subscription"], n["severity"]) for n in online_story]
    # warning once (acknowledged, never repeated); critical until acknowledged (repeated every
    # REPEAT_S while the leader had escalate_after to react); escalated once, at critical
    assert set(told_online) == {(BOSS, "critical"), (LEADER, "critical"), (LEADER, "warning")}
    assert (told_online.count((LEADER, "warning")), told_online.count((BOSS, "critical"))) == (1, 1)
