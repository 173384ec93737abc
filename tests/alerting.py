"""What alerts tests share: scores as scoring publishes them, and subscribers made in the
database the way the API makes them."""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import psycopg
from psycopg.types.json import Jsonb

from chiso_core.contracts.v1 import score_pb2
from chiso_core.messaging import new_meta
from chiso_core.periods import Period

KEY = b"12/online_public_service_usage"
OWNER = "ioc_khanh_hoa"


def score(
    period: str,
    status: score_pb2.Status,
    actual: float,
    target: str = "online_public_service_usage_2030",
    expected: float = 42.82,
    probability: float | None = None,
) -> tuple[bytes, score_pb2.Score]:
    """A score as scoring publishes it for Tam Đường (106, in Lai Châu 12)."""
    return KEY, score_pb2.Score(
        meta=new_meta("scoring"),
        plan_id="tam_duong_nq57",
        plan_revision=1,
        target_id=target,
        indicator_code="online_public_service_usage",
        jurisdiction_id="tam_duong",
        province_code="12",
        period=Period.parse(period).to_proto(),
        actual=actual,
        expected=expected,
        target_value=80.0,
        due_year=2030,
        gap=actual - expected,
        progress=0.5,
        status=status,
        method="chiso",
        method_version="1",
        observation_revision=1,
        probability=probability,
    )


def recent_months(count: int, ending: int = 1) -> list[str]:
    """`count` months up to `ending` months before this one, oldest first: recent enough that
    the stale rule stays quiet whenever the test runs."""
    today = datetime.now(UTC).date()
    index = today.year * 12 + today.month - 1 - ending
    return [f"{i // 12}-{i % 12 + 1:02d}" for i in range(index - count + 1, index + 1)]


def drifting(
    months: Sequence[str], status: score_pb2.Status = score_pb2.STATUS_OFF_TRACK
) -> list[tuple[bytes, score_pb2.Score]]:
    """Months off track, each a little further below the path."""
    return [score(m, status, 40.0 - i) for i, m in enumerate(months)]


def subscribe(
    database_url: str,
    address: str,
    *,
    channel: str = "webhook",
    filters: dict[str, list[str]] | None = None,
    group_wait_s: int = 0,
    group_interval_s: int = 1,
    repeat_interval_s: int = 86_400,
    escalate_after_s: int | None = None,
    owner: str = OWNER,
) -> uuid.UUID:
    """A subscription as POST /v1/subscriptions stores it for the `owner` agency's key (the
    agency made when missing)."""
    sub = uuid.uuid4()
    with psycopg.connect(database_url) as conn:
        conn.execute(
            "INSERT INTO agencies (name, jurisdictions, indicators, permissions)"
            " VALUES (%s, '{vn}', '{online_public_service_usage}', '{alerts}')"
            " ON CONFLICT DO NOTHING",
            [owner],
        )
        conn.execute(
            "INSERT INTO subscriptions (id, name, owner, filters, channel, address, secret,"
            " group_by, group_wait_s, group_interval_s, repeat_interval_s, escalate_after_s)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                sub,
                f"subscriber {sub.hex[:6]}",
                owner,
                Jsonb(filters or {}),
                channel,
                address,
                "s3cret-" + sub.hex if channel == "webhook" else None,
                ["plan", "jurisdiction", "indicator"],
                group_wait_s,
                group_interval_s,
                repeat_interval_s,
                escalate_after_s,
            ],
        )
    return sub


def explain(
    database_url: str,
    period: str,
    done: str,
    *,
    plan: str = "tam_duong_nq57",
    target: str = "online_public_service_usage_2030",
    agency: str = "vp_ubnd_tam_duong",
) -> None:
    """An explanation as POST /v1/explanations records it."""
    with psycopg.connect(database_url) as conn:
        conn.execute(
            "INSERT INTO target_explanations (plan_id, target_id, period, agency, key_id, done,"
            " difficulties, next_actions, channel) VALUES (%s, %s, %s, %s, 'k', %s,"
            " 'Thiếu nhân lực.', 'Tuyển thêm 5 người.', 'api')",
            (plan, target, period, agency, done),
        )


def nobody_owes(database_url: str) -> None:
    """The catalog's targets without owners, for a test that counts the leaders' alerts of
    figures that are not the latest owed: the calendar would remind each owner of the figure
    after them (a sweep, or the first batch of a series), or of those its targets never
    reported, and an overdue figure holds back its target's alerts to leaders."""
    with psycopg.connect(database_url) as conn:
        conn.execute("DELETE FROM catalog_owners")
