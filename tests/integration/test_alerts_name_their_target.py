"""Two targets of one indicator, over the real broker and TimescaleDB: Khánh Hòa's digital
economy for 2030 and 2045 (and Tiền Giang's, and its PII and DTI ranks) have never reported, so
on 01/12/2026 the sweep reminds each target's lead that 2025's figure is overdue — one reminder a
target, each naming its target. The live scorecard lists them told apart, each linking to its own
target; the lead's notification, grouped by plan, jurisdiction and indicator, carries both, told
apart in the webhook's payload and in the email."""

# ruff: noqa: F811 (the pipeline's harness fixture, imported, is the tests' parameter)

import html
import re
from collections import defaultdict
from collections.abc import Iterator

import httpx
import pytest
from psycopg_pool import AsyncConnectionPool

from chiso_alerts.dispatch.dispatcher import Dispatcher
from chiso_alerts.notify.delivery import Sender
from chiso_core.catalog import Catalog
from chiso_core.settings import AlertsSettings
from chiso_core.words import vietnamese
from tests.alerting import subscribe
from tests.http_recorder import Recorder, http_recorder
from tests.integration.test_alerts_pipeline import Harness, harness  # noqa: F401
from tests.integration.test_live_page import live  # noqa: F401
from tests.integration.test_owner_alerts import sweep
from tests.smtp_server import Mailbox

PLAN, INDICATOR, LEAD = "khanh_hoa_nq57", "digital_economy_share_grdp", "so_khcn_khanh_hoa"
TARGETS = ("digital_economy_share_2030", "digital_economy_share_2045")


@pytest.fixture
def hook() -> Iterator[Recorder]:
    with http_recorder() as receiver:
        yield receiver


def firing(harness: Harness) -> list[tuple[str, str, str, str, str, str]]:
    """(alertname, plan, jurisdiction, indicator, target, summary) of every firing alert."""
    return [
        (str(a), str(p), str(j), str(i), str(t), str(s))
        for a, p, j, i, t, s in harness.rows(
            "SELECT labels->>'alertname', labels->>'plan', labels->>'jurisdiction',"
            " labels->>'indicator', labels->>'target', annotations->>'summary' FROM alerts"
            " WHERE state = 'firing' AND labels ? 'target' ORDER BY 1, 2, 3, 4, 5"
        )
    ]


def aim(catalog: Catalog, target: str) -> str:
    t = next(t for t in catalog.plans[PLAN].targets if t.id == target)
    return vietnamese.target_by(t.comparator, t.value, t.values, t.unit, t.due_year)


async def test_reminders_of_two_targets_of_one_indicator_are_told_apart_everywhere(
    hook: Recorder,
    harness: Harness,
    catalog: Catalog,
    database_url: str,
    mailbox: tuple[Mailbox, int],
    live: httpx.AsyncClient,
) -> None:
    # the lead hears of its reminders, grouped by plan, jurisdiction and indicator
    only = {"plans": [PLAN], "indicators": [INDICATOR], "rules": ["calendar"]}
    subscribe(database_url, hook.url(), filters=only, owner=LEAD)
    subscribe(database_url, "so-khcn@khanhhoa.gov.vn", channel="email", filters=only, owner=LEAD)
    await sweep(harness, "2026-12-01")

    # every kind of alert about one indicator of a plan reads differently for each target
    alike: dict[tuple[str, ...], list[tuple[str, str]]] = defaultdict(list)
    for name, plan, jurisdiction, indicator, target, summary in firing(harness):
        alike[(name, plan, jurisdiction, indicator)].append((target, summary))
    shared = {k: v for k, v in alike.items() if len(v) > 1}
    assert {(k[0], k[1], k[3]) for k in shared} >= {
        ("ReportOverdue", PLAN, INDICATOR),
        ("ReportOverdue", "tien_giang_nq57", INDICATOR),
        ("ReportOverdue", "tien_giang_nq57", "pii_rank"),
    }
    for group, members in shared.items():
        assert len({s for _, s in members}) == len(members), (group, members)
    ours = dict(shared[("ReportOverdue", PLAN, "khanh_hoa", INDICATOR)])
    assert set(ours) == set(TARGETS)
    for target, summary in ours.items():
        assert summary.startswith("Quá hạn báo cáo: Tỷ trọng kinh tế số")
        assert f"(mục tiêu {aim(catalog, target)}), số liệu năm 2025" in summary

    # the live scorecard: each reminder, told apart, links to its own target
    page = (await live.get(f"/scorecard/{PLAN}")).text
    listed = re.findall(
        r'<li class="alert [a-z]+"><a href="#target-([a-z0-9_]+)">([^<]*)</a>', page
    )
    reminders = [(t, s) for t, s in listed if t in TARGETS and s.startswith("Quá hạn báo cáo")]
    assert sorted(reminders) == sorted((t, html.escape(s, quote=False)) for t, s in ours.items())
    assert len({s for _, s in reminders}) == 2

    # the lead's notification for the group (plan, jurisdiction, indicator) carries both
    settings = AlertsSettings(
        kafka_bootstrap_servers=harness.bootstrap,
        database_url=database_url,
        webhook_allow_nets=["127.0.0.0/8"],
        smtp_host="127.0.0.1",
        smtp_port=mailbox[1],
        smtp_starttls=False,
    )
    async with (
        AsyncConnectionPool(database_url, min_size=1, max_size=3) as pool,
        httpx.AsyncClient(timeout=5, follow_redirects=False) as http,
    ):
        await Dispatcher(pool, "http://grafana").run_once()
        assert await Sender(pool, settings, http).run_once() == 2
    [told] = hook.received()
    alerts = told.json()["alerts"]
    assert told.json()["groupLabels"] == {
        "plan": PLAN,
        "jurisdiction": "khanh_hoa",
        "indicator": INDICATOR,
    }
    assert {a["labels"]["target"]: a["annotations"]["summary"] for a in alerts} == ours
    assert {a["annotations"]["target_name"] for a in alerts} == {aim(catalog, t) for t in TARGETS}
    [mail] = mailbox[0].messages()
    body = mail.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    for target, summary in ours.items():
        assert f"■ {summary}" in text
        assert f"Mục tiêu: {aim(catalog, target)} ({target})" in text
