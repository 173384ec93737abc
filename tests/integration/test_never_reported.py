"""The reporting calendar for plan targets that never had a figure, over the real broker and
TimescaleDB, the sweep and the batches run at chosen days: the lead agency is reminded of the
period owed from the start (the latest already past its due date, or the first after the plan's
baseline), saying that nothing was ever received; the batch that brings the first score judges
the series from its scored period instead (the reminder resolves, or names the next period when
that one is late too), and a series scored is never judged as unreported; a target the catalog
drops is reminded of no more."""

# ruff: noqa: F811 (the pipeline's harness fixture, imported, is the tests' parameter)

import psycopg

from chiso_alerts.rules.lifecycle import fingerprint
from chiso_core.catalog import Catalog
from chiso_core.catalog import store as catalog_store
from chiso_core.contracts.v1 import alert_pb2, score_pb2
from tests.alerting import score
from tests.integration.test_alerts_pipeline import Harness, harness  # noqa: F401
from tests.integration.test_owner_alerts import LEAD, SERIES, WHAT, muted, scored, states, sweep

ON, OFF = score_pb2.STATUS_ON_TRACK, score_pb2.STATUS_OFF_TRACK
NEVER = "chưa nhận được số liệu nào"
USAGE = f"Quá hạn báo cáo: {WHAT}"


def overdue(state: str, period: str, summary: str) -> dict[str, tuple[object, ...]]:
    """The series' ReportOverdue, alone among its calendar alerts."""
    return {"ReportOverdue": (state, LEAD, "warning", period, summary)}


def calendar(harness: Harness, plan: str, target: str) -> dict[str, tuple[object, ...]]:
    """The series' calendar alerts: state, owner, severity, period and summary of each."""
    with psycopg.connect(harness.database_url) as conn:
        rows = conn.execute(
            "SELECT labels->>'alertname', state, labels->>'owner', labels->>'severity',"
            " last_period::text, annotations->>'summary' FROM alerts"
            " WHERE labels->>'rule' = 'calendar' AND labels->>'plan' = %s"
            " AND labels->>'target' = %s",
            [plan, target],
        ).fetchall()
    return {name: tuple(rest) for name, *rest in rows}


async def test_a_target_never_reported_reminds_its_lead_until_a_score_comes(
    harness: Harness, catalog: Catalog
) -> None:
    """Nothing ever came for Tam Đường's online public services (monthly, lag 0, no baseline
    in its plan): on 10/06/2025 April's figure, due 31/05, is the latest overdue. April's score
    moves the series onto its scored period: May's is not due yet, so the alert resolves in
    that batch, and a week before May's due date ReportDue reminds as for any series scored."""
    await sweep(harness, "2025-06-10")
    assert calendar(harness, *SERIES) == overdue(
        "firing", "2025-04-01", f"{USAGE}, số liệu tháng 4/2025 (hạn ngày 31/05/2025); {NEVER}"
    )
    # every target of the plan (it states no baseline) is owed by its lead: none ever reported
    plan = catalog.plans[SERIES[0]]
    leads = {t.id: owners.lead for t in plan.targets if (owners := plan.owners_of(t))}
    assert leads[SERIES[1]] == LEAD
    for target, lead in leads.items():
        late = calendar(harness, plan.id, target)["ReportOverdue"]
        assert late[:2] == ("firing", lead)
        assert str(late[4]).endswith(NEVER)
    told = [
        (a.labels["alertname"], a.state, a.labels["owner"])
        for _, a in await harness.published("calendar")
        if [a.labels["plan"], a.labels["target"]] == SERIES
    ]
    assert told == [("ReportOverdue", alert_pb2.ALERT_STATE_FIRING, LEAD)]

    await scored(harness, "2025-06-10", [score("2025-04", ON, 46.0)])
    judged = overdue(  # judged from April's score, not nothing
        "resolved", "2025-05-01", f"{WHAT}: số liệu tháng 5/2025 đến hạn ngày 30/06/2025"
    )
    assert calendar(harness, *SERIES) == judged
    await sweep(harness, "2025-06-10")
    assert calendar(harness, *SERIES) == judged  # the sweep judges it alike
    await sweep(harness, "2025-06-23")
    due = calendar(harness, *SERIES)["ReportDue"]
    assert due[:4] == ("firing", LEAD, "info", "2025-05-01")
    assert NEVER not in str(due[4])


async def test_a_series_scored_is_not_also_reminded_as_never_reported(harness: Harness) -> None:
    """January 2025 scored: February's figure (due 31/03) is the one owed, not April's, the
    latest overdue that a series never reported would owe on 10/06/2025."""
    await scored(harness, "2025-06-10", [score("2025-01", ON, 46.0)])
    await sweep(harness, "2025-06-10")
    assert calendar(harness, *SERIES) == overdue(
        "firing", "2025-02-01", f"{USAGE}, số liệu tháng 2/2025 (hạn ngày 31/03/2025)"
    )


async def test_the_first_figure_lifts_the_reminder_off_the_leaders_alerts_in_its_batch(
    harness: Harness,
) -> None:
    """Reminded on 10/06/2025 that nothing ever came (April owed), the target's first figures
    come the same day: March and April off track. The batch fires the leaders' TargetOffTrack
    and, May's figure not being due yet, resolves the reminder, so nothing holds that alert
    back waiting for the next sweep (5 minutes); it asks the owner to explain April, as the
    sweep does once a target fires off track. The sweep finds nothing left to change."""
    await sweep(harness, "2025-06-10")
    assert calendar(harness, *SERIES)["ReportOverdue"][0] == "firing"

    await scored(harness, "2025-06-10", [score(m, OFF, 41.0) for m in ("2025-03", "2025-04")])
    assert calendar(harness, *SERIES)["ReportOverdue"][:4] == (
        "resolved",
        LEAD,
        "warning",
        "2025-05-01",
    )
    assert await muted(harness) == {"TargetOffTrack": False, "ExplanationRequested": False}
    told = [
        (a.labels["alertname"], a.state)
        for _, a in await harness.published("calendar")
        if [a.labels["plan"], a.labels["target"]] == SERIES
    ]
    assert told == [
        ("ReportOverdue", alert_pb2.ALERT_STATE_FIRING),
        ("ReportOverdue", alert_pb2.ALERT_STATE_RESOLVED),
    ]
    assert states(harness, "explanation") == {
        "ExplanationRequested": ("firing", LEAD, "info", "2025-04-01"),
    }
    assert await sweep(harness, "2025-06-10") == 0


async def test_an_old_first_figure_leaves_the_next_one_overdue_and_says_which(
    harness: Harness,
) -> None:
    """The first figure that comes on 10/06/2025 is January's: February's (due 31/03) is
    overdue in its turn. The reminder, the same alert, stays firing (its owner is not told
    again, nor are the leaders' alerts let through) but now names February and no longer says
    that nothing was ever received."""
    await sweep(harness, "2025-06-10")
    with psycopg.connect(harness.database_url) as conn:
        [(started,)] = conn.execute(
            "SELECT starts_at FROM alerts WHERE fingerprint = %s", [REMINDER]
        ).fetchall()

    await scored(harness, "2025-06-10", [score("2025-01", ON, 46.0)])
    assert calendar(harness, *SERIES) == overdue(
        "firing", "2025-02-01", f"{USAGE}, số liệu tháng 2/2025 (hạn ngày 31/03/2025)"
    )
    with psycopg.connect(harness.database_url) as conn:
        [(starts, description)] = conn.execute(
            "SELECT starts_at, annotations->>'description' FROM alerts WHERE fingerprint = %s",
            [REMINDER],
        ).fetchall()
    assert starts == started
    assert NEVER not in description
    told = [a.state for _, a in await harness.published("calendar") if a.fingerprint == REMINDER]
    assert told == [alert_pb2.ALERT_STATE_FIRING]


# the series' ReportOverdue, never reported or scored alike
REMINDER = fingerprint(
    {
        "alertname": "ReportOverdue",
        "plan": SERIES[0],
        "target": SERIES[1],
        "jurisdiction": "tam_duong",
        "indicator": "online_public_service_usage",
        "rule": "calendar",
    }
)


async def test_after_the_plans_baseline_the_next_year_is_owed(harness: Harness) -> None:
    """Khánh Hòa's plan gives R&D spending for 2024 (yearly, lag 0): 2025's figure is owed,
    due 30/06/2026; its lead is reminded a week before and told it is late after."""
    target = ("khanh_hoa_nq57", "rd_spending_share_grdp_2030")
    lead = "so_khcn_khanh_hoa"  # the plan's owner: the target names none
    await sweep(harness, "2026-06-22")
    assert calendar(harness, *target) == {}
    await sweep(harness, "2026-06-23")
    assert calendar(harness, *target)["ReportDue"][:4] == ("firing", lead, "info", "2025-01-01")
    await sweep(harness, "2026-07-01")
    found = calendar(harness, *target)
    assert found["ReportDue"][0] == "resolved"
    assert found["ReportOverdue"][:4] == ("firing", lead, "warning", "2025-01-01")
    assert str(found["ReportOverdue"][4]).endswith(
        f"số liệu năm 2025 (hạn ngày 30/06/2026); {NEVER}"
    )


async def test_a_target_past_its_due_year_owes_that_years_figure(harness: Harness) -> None:
    """Tam Đường's 2025 milestone (yearly, lag 0, no baseline) never reported: on 01/07/2027
    2026's figure is due too (30/06/2027), but a figure of 2026 does not judge a 2025 target:
    2025's is the one owed, critical (its due year is past)."""
    target = (SERIES[0], "implementation_plans_issued_2025")
    await sweep(harness, "2027-07-01")
    late = calendar(harness, *target)["ReportOverdue"]
    assert late[:4] == ("firing", LEAD, "critical", "2025-01-01")
    assert str(late[4]).endswith(f"số liệu năm 2025 (hạn ngày 30/06/2026); {NEVER}")


async def test_a_target_the_catalog_drops_is_no_longer_reminded_of(
    harness: Harness, catalog: Catalog
) -> None:
    """Tam Đường's 2025 milestone reminded of, then dropped from a new revision of its plan:
    nothing judges it again, so the sweep resolves its reminder, told to its lead."""
    target = (SERIES[0], "implementation_plans_issued_2025")
    await sweep(harness, "2025-06-10")
    assert calendar(harness, *target)["ReportOverdue"][:2] == ("firing", LEAD)

    plan = catalog.plans[SERIES[0]]
    kept = tuple(t for t in plan.targets if t.id != target[1])
    revised = {**catalog.plans, plan.id: plan.model_copy(update={"targets": kept})}
    with psycopg.connect(harness.database_url) as conn, conn.transaction():
        catalog_store.load(conn, catalog.model_copy(update={"plans": revised}))
    harness.sweeper.judging.catalog.ttl = 0  # read the new revision now, not 30 s on
    await sweep(harness, "2025-06-11")
    assert calendar(harness, *target)["ReportOverdue"][:2] == ("resolved", LEAD)
    told = [
        (a.state, a.labels["owner"])
        for _, a in await harness.published("calendar")
        if a.labels["target"] == target[1]
    ]
    assert told == [
        (alert_pb2.ALERT_STATE_FIRING, LEAD),
        (alert_pb2.ALERT_STATE_RESOLVED, LEAD),
    ]
    # the plan's other reminders are judged as before
    assert calendar(harness, *SERIES)["ReportOverdue"][0] == "firing"
