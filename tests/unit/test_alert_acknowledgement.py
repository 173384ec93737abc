"""Acknowledgement and escalation rules (pure): what an acknowledgement quiets and for how
long, the signed links that carry one, what escalates, how a notification's delivery is read
from its attempts, and the target's owner a notification carries when known."""

import html
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chiso_alerts.acknowledge.ack import RANK, Acknowledged, quiets, rank
from chiso_alerts.acknowledge.link import Claim, LinkRefused, Links, sign, verify
from chiso_alerts.dispatch.dispatcher import Round, flush_group
from chiso_alerts.dispatch.escalate import escalations
from chiso_alerts.dispatch.store import Due, Firing
from chiso_alerts.dispatch.subscription import Filters, Subscription
from chiso_alerts.dispatch.timing import Group
from chiso_alerts.mutes import Mutes
from chiso_alerts.notify.email import render_email
from chiso_alerts.notify.history import delivery
from chiso_alerts.notify.owners import OWNER, OWNER_NOTE, Owner
from chiso_alerts.notify.payload import ACK_URL, NotifiedAlert

T0 = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
SEVERITIES = list(RANK)
SECRET = "s" * 32
severities = st.sampled_from(SEVERITIES)
episodes = st.integers(0, 3).map(lambda i: T0 + timedelta(days=i))


@given(severities, severities, episodes, episodes, st.sampled_from(["firing", "resolved"]))
def test_an_acknowledgement_quiets_its_episode_until_the_severity_rises(
    seen: str, now: str, acked_episode: datetime, episode: datetime, status: str
) -> None:
    quiet = quiets([Acknowledged(acked_episode, seen)], status, episode, now)
    assert quiet == (status == "firing" and acked_episode == episode and rank(now) <= rank(seen))


@given(st.lists(st.tuples(episodes, severities), max_size=4), severities, episodes)
def test_one_of_many_acknowledgements_is_enough_and_none_quiets_nothing(
    acks: list[tuple[datetime, str]], now: str, episode: datetime
) -> None:
    found = [Acknowledged(e, s) for e, s in acks]
    assert quiets(found, "firing", episode, now) == any(
        quiets([a], "firing", episode, now) for a in found
    )
    assert not quiets([], "firing", episode, now)


@pytest.mark.parametrize("unknown", [None, "", "disaster"])
def test_a_severity_that_cannot_be_compared_is_never_quieted(unknown: str | None) -> None:
    assert rank(unknown) > max(RANK.values())
    assert not quiets([Acknowledged(T0, "critical")], "firing", T0, unknown)
    assert sorted(SEVERITIES, key=rank) == ["info", "warning", "critical"]


claims = st.builds(
    Claim,
    fingerprint=st.text("0123456789abcdef", min_size=16, max_size=16),
    starts_at=st.integers(0, 2**33).map(lambda s: datetime.fromtimestamp(s, UTC)),
    subscription_id=st.uuids(),
    expires_at=st.integers(1, 2**33).map(lambda s: datetime.fromtimestamp(s, UTC)),
)


@given(claims)
def test_a_signed_link_gives_back_its_claim_until_it_expires(claim: Claim) -> None:
    token = sign(SECRET, claim)
    before = claim.expires_at - timedelta(seconds=1)
    assert verify(SECRET, token, before) == claim
    with pytest.raises(LinkRefused) as refused:
        verify(SECRET, token, claim.expires_at)
    assert refused.value.expired
    assert SECRET not in token


@given(claims, st.data())
def test_a_changed_or_foreign_link_is_refused(claim: Claim, data: st.DataObject) -> None:
    token = sign(SECRET, claim)
    i = data.draw(st.integers(0, len(token) - 1))
    other = data.draw(st.sampled_from("AQgw_-.x0").filter(lambda c: c != token[i]))
    changed = token[:i] + other + token[i + 1 :]
    for bad, secret in ((changed, SECRET), (token, "t" * 32), (token[:-1], SECRET)):
        with pytest.raises(LinkRefused) as refused:
            verify(secret, bad, claim.expires_at - timedelta(days=1))
        assert not refused.value.expired


SUB = Subscription(
    id=UUID(int=1),
    name="chủ tịch",
    owner="ag",
    filters=Filters(),
    channel="webhook",
    address="https://example.vn/hook",
    secret="s",
    group_by=("plan",),
    group_wait_s=0,
    group_interval_s=60,
    repeat_interval_s=3600,
    send_resolved=True,
    quiet_hours=None,
    digest_at=None,
)


def alert(fp: str, severity: str = "warning", status: str = "firing") -> NotifiedAlert:
    labels = {"alertname": "TargetOffTrack", "plan": "p", "jurisdiction": "j", "severity": severity}
    return NotifiedAlert(fp, status, labels, {}, T0, None, "http://grafana")  # type: ignore[arg-type]


def a_round(
    now: datetime, acks: dict[str, list[Acknowledged]], links: Links | None = None
) -> Round:
    return Round(Mutes((), (), now), acks, "http://grafana", links, now)


def due(group: Group) -> Due:
    return Due(SUB.id, '{plan="p"}', {"plan": "p"}, group, 1)


def test_an_acknowledged_alert_is_not_repeated_until_it_worsens_or_resolves() -> None:
    told = Group(T0 + timedelta(hours=1), T0, frozenset({"a"}), frozenset())
    later = T0 + timedelta(hours=1)
    acked = {"a": [Acknowledged(T0, "warning")]}
    # Unacknowledged, the repeat interval tells it again; acknowledged, it does not.
    assert flush_group(due(told), SUB, [alert("a")], a_round(later, {})).notification
    quiet = flush_group(due(told), SUB, [alert("a")], a_round(later, acked))
    assert quiet.notification is None
    assert quiet.told == ()
    assert quiet.group.flush_at is None  # nothing to look at until it changes
    # Worse: told again. Resolved: told.
    for changed in (alert("a", "critical"), alert("a", status="resolved")):
        flushed = flush_group(due(quiet.group), SUB, [changed], a_round(later, acked))
        assert flushed.notification is not None
        [told_row] = flushed.told
        assert told_row[1:4] == ("a", SUB.id, changed.status)


def test_an_acknowledged_alert_does_not_keep_its_group_from_telling_the_others() -> None:
    told = Group(T0, T0, frozenset({"a"}), frozenset())
    acked = {"a": [Acknowledged(T0, "critical")]}
    flushed = flush_group(due(told), SUB, [alert("a"), alert("b")], a_round(T0, acked))
    assert flushed.notification is not None
    assert [a["fingerprint"] for a in flushed.notification[3]["alerts"]] == ["b"]


def test_links_are_signed_into_firing_alerts_only_and_name_the_subscription() -> None:
    links = Links("https://chiso.example.vn/alerts/", SECRET, 3600)
    flushed = flush_group(
        due(Group(T0)), SUB, [alert("a"), alert("b", status="resolved")], a_round(T0, {}, links)
    )
    assert flushed.notification is not None
    firing, resolved = flushed.notification[3]["alerts"]
    assert ACK_URL not in resolved["annotations"]
    prefix = "https://chiso.example.vn/alerts/ack/"
    link = firing["annotations"][ACK_URL]
    assert link.startswith(prefix)
    claim = verify(SECRET, link.removeprefix(prefix), T0)
    assert claim == Claim("a", T0, SUB.id, T0 + timedelta(hours=1))
    # The email shows it, in text and HTML, to firing alerts only.
    mail = render_email(flushed.notification[3], sender="a@b.vn", to="c@d.vn", notification_key="k")
    text, page = (part.get_content() for part in mail.iter_parts())
    assert text.count(link) == 1
    assert page.count(html.escape(link)) == 1


ESCALATE = replace(SUB, id=UUID(int=2), escalate_after_s=3600)


TOLD_WARNING = [("info", T0), ("warning", T0 + timedelta(hours=1))]


@pytest.mark.parametrize(
    ("fired_ago", "acks", "told", "grouped", "escalates"),
    [
        (timedelta(hours=2), [], [], False, True),
        (timedelta(hours=1), [], [], False, True),  # exactly due
        (timedelta(minutes=59), [], [], False, False),  # not yet
        (timedelta(hours=2), [Acknowledged(T0, "warning")], TOLD_WARNING, False, False),  # seen
        (timedelta(hours=2), [Acknowledged(T0 - timedelta(days=1), "warning")], [], False, True),
        # it worsened since it was acknowledged: the clock runs from when the worse was told
        (timedelta(hours=2), [Acknowledged(T0, "info")], TOLD_WARNING, False, True),
        (timedelta(hours=2), [Acknowledged(T0, "info")], TOLD_WARNING[:1], False, False),
        (
            timedelta(hours=2),
            [Acknowledged(T0, "info")],
            [("warning", T0 + timedelta(hours=2, minutes=1))],
            False,
            False,
        ),
        (
            timedelta(hours=2),
            [Acknowledged(T0, "info")],
            [("warning", T0 - timedelta(hours=1))],
            False,
            False,
        ),  # an earlier episode's
        (timedelta(hours=2), [], [], True, False),  # escalated already
    ],
)
def test_what_nobody_acknowledged_in_time_escalates_once(
    fired_ago: timedelta,
    acks: list[Acknowledged],
    told: list[tuple[str, datetime]],
    grouped: bool,
    escalates: bool,
) -> None:
    now = T0 + timedelta(hours=3)
    labels = {"plan": "p", "jurisdiction": "j", "severity": "warning"}
    firing = [Firing("a", labels, T0, now - fired_ago)]
    members = escalations(
        firing,
        [SUB, ESCALATE],
        {"a": acks},
        {"a": told},
        {(ESCALATE.id, "a")} if grouped else set(),
        lambda child, ancestor: child == ancestor,
        now,
    )
    assert members == ({(ESCALATE.id, '{plan="p"}'): ({"plan": "p"}, {"a"})} if escalates else {})


@pytest.mark.parametrize(
    ("outcomes", "queued", "expected"),
    [
        ([], True, "pending"),
        (["retry"], True, "pending"),
        (["retry", "sent"], False, "delivered"),
        (["retry", "failed"], False, "failed"),
        (["failed"], False, "failed"),
    ],
)
def test_a_notification_is_delivered_once_an_attempt_was_taken(
    outcomes: list[str], queued: bool, expected: str
) -> None:
    assert delivery([{"outcome": o} for o in outcomes], queued) == expected


def test_a_notification_carries_its_targets_owner_and_latest_note_when_known() -> None:
    def labelled(fp: str, target: str) -> NotifiedAlert:
        return replace(alert(fp), labels={**alert(fp).labels, "target": target})

    owners = {("p", "t1"): Owner("Sở Khoa học và Công nghệ", "Đã trình UBND kế hoạch bổ sung")}
    owners[("p", "t2")] = Owner("Sở Nội vụ")
    r = replace(a_round(T0, {}), owners=owners)
    members = [labelled("a", "t1"), labelled("b", "t2"), labelled("c", "t3"), alert("d")]
    flushed = flush_group(due(Group(T0)), SUB, members, r)
    assert flushed.notification is not None
    said = {a["fingerprint"]: a["annotations"] for a in flushed.notification[3]["alerts"]}
    assert (said["a"][OWNER], said["a"][OWNER_NOTE]) == (
        "Sở Khoa học và Công nghệ",
        "Đã trình UBND kế hoạch bổ sung",
    )
    assert said["b"][OWNER] == "Sở Nội vụ"
    assert OWNER_NOTE not in said["b"]
    assert {OWNER, OWNER_NOTE}.isdisjoint(said["c"])  # an owner not known
    assert {OWNER, OWNER_NOTE}.isdisjoint(said["d"])  # no target
    text = render_email(flushed.notification[3], sender="a@b.vn", to="c@d.vn", notification_key="k")
    body = next(iter(text.iter_parts())).get_content()
    assert "Đơn vị chủ trì: Sở Khoa học và Công nghệ" in body
    assert "Giải trình gần nhất của đơn vị chủ trì: Đã trình UBND kế hoạch bổ sung" in body
