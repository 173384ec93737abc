"""Alerts addressed to a target's owner over the real broker and TimescaleDB, the sweep run at
chosen days: the reporting calendar reminds the lead agency before and after a figure's due
date and the figure's arrival ends it; an overdue figure inhibits its target's alerts to leaders
until it arrives; a target off track asks its owner to explain (in the batch that says so, whether
its first or a later one), reminds it when the answer is late, and the explanation, or the
target back on track, ends the request. Owner-directed alerts join the owner's subscriptions
only."""

# ruff: noqa: F811 (the pipeline's harness fixture, imported, is the tests' parameter)

from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from chiso_alerts.mutes import Mutes
from chiso_alerts.rules import status as status_rule
from chiso_core.contracts.v1 import alert_pb2, score_pb2
from chiso_core.status import Status
from tests.alerting import explain, score, subscribe
from tests.integration.test_alerts_pipeline import Harness, harness  # noqa: F401

LEAD = "vp_ubnd_tam_duong"  # leads online public services in Tam Đường (catalog/plans)
OFF, ON = score_pb2.STATUS_OFF_TRACK, score_pb2.STATUS_ON_TRACK
# The series these tests score (tests.alerting.score): the catalog's other targets, never
# reported, are reminded too (test_never_reported.py), and are left out here.
SERIES = ["tam_duong_nq57", "online_public_service_usage_2030"]
WHAT = (
    "Tỉ lệ sử dụng dịch vụ công trực tuyến của người dân và doanh nghiệp tại Huyện Tam Đường"
    " (mục tiêu > 80% vào năm 2030)"  # which of the plan's targets
)
# Every status TargetOffTrack fires for, and so asks the owner to explain.
OFF_TRACK_CLASS = [s for s in Status if s in status_rule.SEVERITY]


def at(day: str) -> datetime:
    """10:00 in Việt Nam on `day`."""
    return datetime.fromisoformat(f"{day}T03:00:00+00:00")


def states(harness: Harness, rule: str) -> dict[str, tuple[object, ...]]:
    """Each alert of the rule about the series scored: its state, owner label, severity and
    period."""
    with psycopg.connect(harness.database_url) as conn:
        rows = conn.execute(
            "SELECT labels->>'alertname', state, labels->>'owner', labels->>'severity',"
            " last_period::text FROM alerts WHERE labels->>'rule' = %s"
            " AND labels->>'plan' = %s AND labels->>'target' = %s",
            [rule, *SERIES],
        ).fetchall()
    return {name: tuple(rest) for name, *rest in rows}


async def sweep(harness: Harness, day: str | datetime) -> int:
    harness.clock.at = at(day) if isinstance(day, str) else day
    return await harness.sweeper.run_once()


async def scored(harness: Harness, day: str, records: list[tuple[bytes, score_pb2.Score]]) -> None:
    """`records` handled as a batch on `day`: a series new to alerts has its calendar judged
    with its first batch, as of that day."""
    harness.clock.at = at(day)
    await harness.run(records)


async def test_the_calendar_reminds_the_owner_before_and_after_the_due_date(
    harness: Harness,
) -> None:
    """March 2025 scored last: April's figure is due 31/05/2025 (monthly, lag 0), so a week
    before it ReportDue fires, from 01/06 ReportOverdue, and April's figure ends both."""
    await scored(
        harness, "2025-04-10", [score(m, ON, 46.0) for m in ("2025-01", "2025-02", "2025-03")]
    )

    await sweep(harness, "2025-05-23")
    assert states(harness, "calendar") == {}
    await sweep(harness, "2025-05-24")
    assert states(harness, "calendar") == {
        "ReportDue": ("firing", LEAD, "info", "2025-04-01"),
    }
    await sweep(harness, "2025-06-01")
    assert states(harness, "calendar") == {
        "ReportDue": ("resolved", LEAD, "info", "2025-04-01"),
        "ReportOverdue": ("firing", LEAD, "warning", "2025-04-01"),
    }
    await sweep(harness, "2025-06-02")  # nothing new the next day
    assert states(harness, "calendar") == {
        "ReportDue": ("resolved", LEAD, "info", "2025-04-01"),
        "ReportOverdue": ("firing", LEAD, "warning", "2025-04-01"),
    }

    await harness.run([score("2025-04", ON, 46.5)])
    await sweep(harness, "2025-06-02")
    assert states(harness, "calendar") == {
        "ReportDue": ("resolved", LEAD, "info", "2025-04-01"),
        "ReportOverdue": ("resolved", LEAD, "warning", "2025-05-01"),  # May's is not due yet
    }
    # told on chiso.alerts.v1 as every alert is, addressed to the owner
    told = [
        (a.labels["alertname"], a.state, a.labels["owner"])
        for _, a in await harness.published("calendar")
        if [a.labels["plan"], a.labels["target"]] == SERIES
    ]
    assert sorted(told) == [
        ("ReportDue", alert_pb2.ALERT_STATE_FIRING, LEAD),
        ("ReportDue", alert_pb2.ALERT_STATE_RESOLVED, LEAD),
        ("ReportOverdue", alert_pb2.ALERT_STATE_FIRING, LEAD),
        ("ReportOverdue", alert_pb2.ALERT_STATE_RESOLVED, LEAD),
    ]


async def test_an_overdue_figure_inhibits_its_targets_alerts_to_leaders_until_it_arrives(
    harness: Harness,
) -> None:
    await scored(harness, "2025-04-10", [score(m, OFF, 41.0) for m in ("2025-02", "2025-03")])
    assert states(harness, "status")["TargetOffTrack"][0] == "firing"
    await sweep(harness, "2025-06-01")
    assert states(harness, "calendar")["ReportOverdue"][0] == "firing"

    assert await muted(harness) == {
        "TargetOffTrack": True,  # the leaders' alert waits for the figure
        "ReportOverdue": False,  # what is addressed to the owner is never inhibited
        "ExplanationRequested": False,  # asked by the first figures' batch, on 10/04
        "ExplanationOverdue": False,  # unanswered since 13/04
    }
    await harness.run([score("2025-04", OFF, 41.2)])
    await sweep(harness, "2025-06-02")
    assert states(harness, "calendar")["ReportOverdue"][0] == "resolved"
    assert (await muted(harness))["TargetOffTrack"] is False


async def muted(harness: Harness) -> dict[str, bool]:
    """Whether each alert is muted now, as the dispatcher and the API ask."""
    async with await psycopg.AsyncConnection.connect(harness.database_url) as conn:
        cur = await conn.execute(
            "SELECT labels->>'alertname', labels FROM alerts WHERE state = 'firing'"
            " AND labels->>'plan' = %s AND labels->>'target' = %s",
            SERIES,
        )
        mutes = await Mutes.read(conn, datetime.now(UTC))
        return {name: mutes.muted(labels) for name, labels in await cur.fetchall()}


async def test_the_owner_is_asked_to_explain_reminded_and_answered(
    harness: Harness,
) -> None:
    """Off track in February and March 2025: the lead agency is asked to explain March; three
    days on (the deadline) it is reminded; an explanation of February answers nothing, one of
    March ends both. April still off track asks again."""
    leader = subscribe(harness.database_url, "https://ioc.example.vn/hook")
    owner = subscribe(harness.database_url, "https://dvc.example.vn/hook", owner=LEAD)
    await scored(harness, "2025-04-10", [score(m, OFF, 41.0) for m in ("2025-02", "2025-03")])
    asked_at = at("2025-04-10")

    await sweep(harness, asked_at)
    assert states(harness, "explanation") == {
        "ExplanationRequested": ("firing", LEAD, "info", "2025-03-01"),
    }
    assert await sweep(harness, asked_at + timedelta(days=3, seconds=-1)) == 0
    await sweep(harness, asked_at + timedelta(days=3))
    assert states(harness, "explanation") == {
        "ExplanationRequested": ("firing", LEAD, "info", "2025-03-01"),
        "ExplanationOverdue": ("firing", LEAD, "warning", "2025-03-01"),
    }
    # the owner's subscription hears both and the target's own alert; the leader's only that
    assert groups(harness) == {
        (leader, "TargetOffTrack"),
        (owner, "TargetOffTrack"),
        (owner, "ExplanationRequested"),
        (owner, "ExplanationOverdue"),
    }

    explain(harness.database_url, "2025-02", "Bản giải trình tháng trước.")
    assert await sweep(harness, asked_at + timedelta(days=4)) == 0
    explain(harness.database_url, "2025-03", "Đưa 120 thủ tục lên cổng.")
    await sweep(harness, asked_at + timedelta(days=4))
    assert {n: s[0] for n, s in states(harness, "explanation").items()} == {
        "ExplanationRequested": "resolved",
        "ExplanationOverdue": "resolved",
    }

    # April still off track: its batch asks for April (TargetOffTrack fires on, unchanged)
    await scored(harness, "2025-05-10", [score("2025-04", OFF, 40.8)])
    assert states(harness, "explanation")["ExplanationRequested"] == (
        "firing",
        LEAD,
        "info",
        "2025-04-01",
    )
    assert states(harness, "explanation")["ExplanationOverdue"][0] == "resolved"


def groups(harness: Harness) -> set[tuple[object, ...]]:
    """(subscription, alertname) of every alert about the series in a notification group."""
    with psycopg.connect(harness.database_url) as conn:
        rows = conn.execute(
            "SELECT m.subscription_id, a.labels->>'alertname' FROM notification_group_alerts m"
            " JOIN alerts a USING (fingerprint) WHERE a.labels->>'rule' <> 'stale'"
            " AND a.labels->>'plan' = %s AND a.labels->>'target' = %s",
            SERIES,
        ).fetchall()
    return set(rows)


def request(harness: Harness) -> tuple[object, ...] | None:
    """The series' ExplanationRequested: state, owner, severity, period, summary, description
    and when it was asked."""
    with psycopg.connect(harness.database_url) as conn:
        rows = conn.execute(
            "SELECT state, labels->>'owner', labels->>'severity', last_period::text,"
            " annotations->>'summary', annotations->>'description', starts_at FROM alerts"
            " WHERE labels->>'alertname' = 'ExplanationRequested'"
            " AND labels->>'plan' = %s AND labels->>'target' = %s",
            SERIES,
        ).fetchall()
    return rows[0] if rows else None


# March 2025 off track, asked on 10/04/2025 at 10:00 (Việt Nam): three days to answer.
ASKED_MARCH = (
    "firing",
    LEAD,
    "info",
    "2025-03-01",
    f"Đề nghị giải trình: {WHAT} chậm tiến độ (tháng 3/2025)",
    "Đơn vị chủ trì gửi giải trình kỳ tháng 3/2025 (Kết quả thực hiện; Khó khăn, vướng mắc;"
    " Giải pháp tiếp theo) qua API POST /v1/explanations (plan tam_duong_nq57, target"
    " online_public_service_usage_2030, period 2025-03) hoặc tải bảng tính lên"
    " POST /v1/explanations/file, hạn ngày 13/04/2025.",
    at("2025-04-10"),
)


@pytest.mark.parametrize("off", OFF_TRACK_CLASS)
async def test_first_figures_off_track_ask_the_owner_to_explain_in_their_batch(
    harness: Harness, off: Status
) -> None:
    """February and March 2025, the target's first figures, come on 10/04/2025, both judged
    off track, deteriorating or needing acceleration: the batch that fires TargetOffTrack asks
    the lead to explain March there and then, as the sweep asks any target gone off track — the
    same words, owner and deadline (13/04). The sweep that follows finds it asked and changes
    nothing; the owner hears of it once, and is reminded three days after the batch."""
    owner = subscribe(harness.database_url, "https://dvc.example.vn/hook", owner=LEAD)
    # the service sweeps from its start: the targets never reported, this one too, are reminded
    await sweep(harness, "2025-04-10")
    await scored(
        harness, "2025-04-10", [score(m, off.to_proto(), 41.0) for m in ("2025-02", "2025-03")]
    )
    assert states(harness, "status")["TargetOffTrack"][0] == "firing"
    assert request(harness) == ASKED_MARCH  # before any sweep

    assert await sweep(harness, "2025-04-10") == 0
    assert request(harness) == ASKED_MARCH
    told = [
        (a.labels["alertname"], a.state, a.labels["owner"])
        for _, a in await harness.published("explanation")
        if [a.labels["plan"], a.labels["target"]] == SERIES
    ]
    assert told == [("ExplanationRequested", alert_pb2.ALERT_STATE_FIRING, LEAD)]
    assert (owner, "ExplanationRequested") in groups(harness)

    asked_at = at("2025-04-10")
    assert await sweep(harness, asked_at + timedelta(days=3, seconds=-1)) == 0
    await sweep(harness, asked_at + timedelta(days=3))
    assert states(harness, "explanation") == {
        "ExplanationRequested": ASKED_MARCH[:4],
        "ExplanationOverdue": ("firing", LEAD, "warning", "2025-03-01"),
    }


@pytest.mark.parametrize("off", OFF_TRACK_CLASS)
async def test_a_series_gone_off_track_after_on_track_figures_asks_in_its_batch_too(
    harness: Harness, off: Status
) -> None:
    """January 2025 on track came first, in a batch of its own; February and March, off track,
    deteriorating or needing acceleration, come on 10/04/2025 and fire TargetOffTrack: that
    batch asks the lead to explain March, as a series' first batch does (not the next sweep,
    minutes later); the sweep finds it asked. Back on track in April and May, TargetOffTrack
    resolves (it keeps firing for a period), and the batch that resolves it ends the request."""
    await scored(harness, "2025-02-10", [score("2025-01", ON, 46.0)])
    await scored(
        harness, "2025-04-10", [score(m, off.to_proto(), 41.0) for m in ("2025-02", "2025-03")]
    )
    assert states(harness, "status")["TargetOffTrack"][0] == "firing"
    assert request(harness) == ASKED_MARCH  # before any sweep
    await sweep(harness, "2025-04-10")
    assert request(harness) == ASKED_MARCH  # found asked: the same words and time

    await scored(harness, "2025-05-10", [score("2025-04", ON, 48.0)])
    assert states(harness, "status")["TargetOffTrack"][0] == "firing"  # kept for a period
    assert request(harness) == ASKED_MARCH
    await scored(harness, "2025-06-10", [score("2025-05", ON, 49.0)])
    assert states(harness, "status")["TargetOffTrack"][0] == "resolved"
    ended = request(harness)
    assert ended is not None
    assert ended[0] == "resolved"  # before any sweep
