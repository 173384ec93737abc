"""Alerts into subscribers' aggregation groups (Alertmanager's routes): a firing alert joins
the group of every subscription whose filters match it; a resolved one brings its groups
forward. Groups are rows, so a restart forgets nothing."""

from collections.abc import Callable, Sequence
from datetime import datetime

from psycopg import AsyncConnection

from chiso_alerts.dispatch import store
from chiso_alerts.dispatch.subscription import Subscription, group_key, matches
from chiso_alerts.dispatch.timing import on_change
from chiso_alerts.rules.lifecycle import AlertState, State


def memberships(
    alerts: Sequence[AlertState],
    subscriptions: Sequence[Subscription],
    in_subtree: Callable[[str, str], bool],
) -> dict[store.GroupId, tuple[dict[str, str], set[str]]]:
    """The groups the firing `alerts` join: each group's labels and the fingerprints joining.
    Escalation subscriptions are left out: the escalator adds what nobody acknowledged."""
    members: dict[store.GroupId, tuple[dict[str, str], set[str]]] = {}
    for alert in alerts:
        if alert.state is not State.FIRING:
            continue
        for sub in subscriptions:
            if sub.escalate_after_s is None and matches(sub, alert.labels, in_subtree):
                key, labels = group_key(sub, alert.labels)
                members.setdefault((sub.id, key), (labels, set()))[1].add(alert.fingerprint)
    return members


async def join(
    conn: AsyncConnection,
    members: dict[store.GroupId, tuple[dict[str, str], set[str]]],
    subscriptions: Sequence[Subscription],
    now: datetime,
) -> None:
    """Add the members to their groups (made if new) and schedule each group's next look."""
    timing = {sub.id: sub.timing for sub in subscriptions}
    known = await store.groups(conn, list(members))
    await store.schedule(
        conn,
        [
            ((s, g), labels, on_change(known.get((s, g)), timing[s], now))
            for (s, g), (labels, _) in members.items()
            if s in timing
        ],
        [(group, fp) for group, (_, fps) in members.items() for fp in fps],
    )


async def route(
    conn: AsyncConnection,
    alerts: Sequence[AlertState],
    subscriptions: Sequence[Subscription],
    in_subtree: Callable[[str, str], bool],
    now: datetime,
) -> None:
    """Put firing `alerts` into their groups and schedule every group one of `alerts` is in."""
    members = memberships(alerts, subscriptions, in_subtree)
    resolved = [a.fingerprint for a in alerts if a.state is State.RESOLVED]
    if resolved:
        for group, labels in await store.groups_holding(conn, resolved):
            members.setdefault(group, (labels, set()))
    if members:
        await join(conn, members, subscriptions, now)
