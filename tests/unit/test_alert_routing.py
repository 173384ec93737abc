"""Silences, inhibition and subscriptions (pure): which alerts are muted, and who is told."""

from datetime import UTC, datetime, time, timedelta
from time import monotonic
from uuid import UUID, uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chiso_alerts.dispatch.subscription import (
    MAX_DURATION_S,
    Filters,
    Subscription,
    format_duration,
    from_row,
    group_key,
    matches,
    parse_duration,
    to_row,
)
from chiso_alerts.dispatch.timing import QuietHours
from chiso_alerts.inhibit.inhibit import inhibited
from chiso_alerts.silence.silence import Matcher, Silence, silenced_by

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
ALERT = {
    "alertname": "TargetOffTrack",
    "plan": "kh_2030",
    "target": "t1",
    "jurisdiction": "khanh_hoa",
    "indicator": "online_public_service_usage",
    "rule": "status",
    "severity": "warning",
}


def silence(*matchers: Matcher, start: timedelta = timedelta(hours=-1)) -> Silence:
    return Silence(uuid4(), matchers, NOW + start, NOW + timedelta(hours=1), "an", "why", "ag")


@pytest.mark.parametrize(
    ("matcher", "hit"),
    [
        (Matcher("jurisdiction", "khanh_hoa"), True),
        (Matcher("jurisdiction", "lai_chau"), False),
        (Matcher("jurisdiction", "khanh_hoa", is_equal=False), False),
        (Matcher("jurisdiction", "lai_chau", is_equal=False), True),
        (Matcher("rule", "status|drift", is_regex=True), True),
        # anchored like Alertmanager: a regex matches the whole value, not a part of it
        (Matcher("jurisdiction", "khanh", is_regex=True), False),
        (Matcher("jurisdiction", "khanh.*", is_regex=True), True),
        (Matcher("rule", "stat", is_regex=True, is_equal=False), True),
        (Matcher("rule", "stat.*", is_regex=True, is_equal=False), False),
        # a missing label is the empty value
        (Matcher("team", ""), True),
        (Matcher("team", ".+", is_regex=True), False),
    ],
)
def test_the_four_kinds_of_matcher(matcher: Matcher, hit: bool) -> None:
    assert matcher.matches(ALERT) is hit


def test_a_silence_mutes_only_while_active_and_when_every_matcher_matches() -> None:
    both = silence(Matcher("jurisdiction", "khanh_hoa"), Matcher("rule", "status"))
    other_rule = silence(Matcher("jurisdiction", "khanh_hoa"), Matcher("rule", "drift"))
    later = silence(Matcher("jurisdiction", "khanh_hoa"), start=timedelta(minutes=5))
    assert silenced_by(ALERT, [both, other_rule, later], NOW) == [both.id]
    assert later.state(NOW) == "pending"
    assert silenced_by(ALERT, [later], NOW + timedelta(minutes=5)) == [later.id]
    assert silenced_by(ALERT, [both], both.ends_at) == []  # ends_at is the first muted-no-more
    assert both.state(both.ends_at) == "expired"


def test_a_matcher_names_what_is_wrong_with_it() -> None:
    with pytest.raises(ValueError, match="'1abc' is not a label name"):
        Matcher("1abc", "x").check()
    with pytest.raises(ValueError, match=r"'\(' is not a regular expression \(RE2"):
        Matcher("rule", "(", is_regex=True).check()
    Matcher("rule", "(", is_regex=False).check()  # a plain value may hold anything


@pytest.mark.parametrize("pattern", [r"(\w|\w){1,24}Z", r"(\w|\w)+Z", r"(a*)*b", r"(a|aa)+$x"])
def test_a_regex_matcher_takes_linear_time_whatever_the_pattern(pattern: str) -> None:
    """Patterns that make a backtracking engine take exponential time (the first took 6 s per
    alert with Python's re, the second minutes): 1,000 alerts with long values in well under a
    second."""
    m = Matcher("rule", pattern, is_regex=True)
    m.check()
    values = ["a" * n for n in range(1, 1001)]
    started = monotonic()
    assert not any(m.matches({"rule": v}) for v in values)
    assert monotonic() - started < 0.5


@pytest.mark.parametrize(
    ("pattern", "hit", "miss"),
    [
        (r"khanh_hoa|lai_chau", "lai_chau", "lai_chau2"),
        (r"[a-z]+_\d{2}", "ab_12", "ab_123"),
        (r"(?i)STATUS", "status", "statuses"),
        (r".*", "", None),
        (r"a{2,3}", "aaa", "aaaa"),
    ],
)
def test_regex_matchers_match_the_whole_value_as_alertmanager(
    pattern: str, hit: str, miss: str | None
) -> None:
    m = Matcher("rule", pattern, is_regex=True)
    assert m.matches({"rule": hit})
    if miss is not None:
        assert not m.matches({"rule": miss})


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("(?=a)", "invalid perl operator"),  # lookahead: not RE2, not Alertmanager
        (r"(a)\1", "invalid escape sequence"),  # backreference
        ("a" * 1001, "at most 1000 characters"),
        ("((a{100}){100}){100}", "invalid repetition size"),
    ],
)
def test_a_regex_outside_re2_or_too_long_is_refused(pattern: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        Matcher("rule", pattern, is_regex=True).check()


def test_matchers_keep_alertmanagers_json_spelling() -> None:
    m = Matcher("rule", "s.*", is_regex=True, is_equal=False)
    assert m.to_json() == {"name": "rule", "value": "s.*", "isRegex": True, "isEqual": False}
    assert Matcher.from_json(m.to_json()) == m


def test_a_firing_jurisdiction_stale_alert_inhibits_the_others_of_its_jurisdiction() -> None:
    stale = {"alertname": "JurisdictionStale", "jurisdiction": "khanh_hoa", "rule": "stale"}
    elsewhere = {**stale, "jurisdiction": "lai_chau"}
    assert inhibited(ALERT, [stale])
    assert not inhibited(ALERT, [elsewhere])
    assert not inhibited(ALERT, [{**ALERT, "rule": "drift", "alertname": "TargetDrifting"}])
    assert not inhibited(stale, [stale])  # never itself
    assert not inhibited({"alertname": "X"}, [stale])


TREE = {"khanh_hoa": {"khanh_hoa", "nha_trang"}, "vn": {"vn", "khanh_hoa", "nha_trang"}}


def in_subtree(child: str, ancestor: str) -> bool:
    return child in TREE.get(ancestor, {ancestor})


def sub(**filters: tuple[str, ...]) -> Subscription:
    return Subscription(
        id=UUID(int=1),
        name="team",
        owner="ag",
        filters=Filters(**filters),
        channel="webhook",
        address="https://example.vn/hook",
        secret="s",
        group_by=("plan", "jurisdiction", "indicator"),
        group_wait_s=30,
        group_interval_s=300,
        repeat_interval_s=14_400,
        send_resolved=True,
        quiet_hours=QuietHours(time(22), time(6), "Asia/Ho_Chi_Minh"),
        digest_at=time(7),
    )


@pytest.mark.parametrize(
    ("filters", "labels", "hit"),
    [
        ({}, ALERT, True),  # no filter: every alert
        ({"jurisdictions": ("vn",)}, ALERT, True),  # a subtree
        ({"jurisdictions": ("vn",)}, {**ALERT, "jurisdiction": "nha_trang"}, True),
        ({"jurisdictions": ("nha_trang",)}, ALERT, False),  # the parent is not below the child
        ({"indicators": ("pii_rank",)}, ALERT, False),
        ({"indicators": ("pii_rank", "online_public_service_usage")}, ALERT, True),
        ({"plans": ("vn_2030",)}, ALERT, False),
        ({"severities": ("critical",)}, ALERT, False),
        ({"severities": ("warning", "critical")}, ALERT, True),
        ({"rules": ("drift",)}, ALERT, False),
        ({"rules": ("status",)}, ALERT, True),
        # a jurisdiction-wide alert passes the indicator and plan filters
        (
            {"jurisdictions": ("khanh_hoa",), "indicators": ("pii_rank",), "plans": ("p",)},
            {"alertname": "JurisdictionStale", "jurisdiction": "nha_trang", "rule": "stale"},
            True,
        ),
        ({"jurisdictions": ("vn",)}, {"alertname": "X"}, False),
    ],
)
def test_filters(filters: dict[str, tuple[str, ...]], labels: dict[str, str], hit: bool) -> None:
    assert matches(sub(**filters), labels, in_subtree) is hit


def test_the_group_key_is_the_group_by_labels_the_alert_has_in_a_canonical_string() -> None:
    key, labels = group_key(sub(), ALERT)
    assert key == (
        '{indicator="online_public_service_usage",jurisdiction="khanh_hoa",plan="kh_2030"}'
    )
    assert labels == {
        "indicator": "online_public_service_usage",
        "jurisdiction": "khanh_hoa",
        "plan": "kh_2030",
    }
    stale = {"alertname": "JurisdictionStale", "jurisdiction": "khanh_hoa", "rule": "stale"}
    assert group_key(sub(), stale) == ('{jurisdiction="khanh_hoa"}', {"jurisdiction": "khanh_hoa"})
    assert group_key(sub(), {**ALERT, "jurisdiction": 'a"b'})[0].count('\\"') == 1  # quoted


def test_a_subscription_survives_its_row() -> None:
    s = sub(jurisdictions=("vn",), rules=("drift", "status"))
    assert from_row(to_row(s)) == s
    assert to_row(s)["filters"] == {"jurisdictions": ["vn"], "rules": ["drift", "status"]}


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("0s", 0),
        ("30s", 30),
        ("5m", 300),
        ("4h", 14_400),
        ("1h30m", 5_400),
        ("1d", 86_400),
        ("2w", 1_209_600),
        ("1d2h3m4s", 93_784),
    ],
)
def test_alertmanager_durations(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "5", "m", "1m1h", "5 m", "-5m", "1.5h", "500ms", "5M"])
def test_anything_else_is_not_a_duration(text: str) -> None:
    with pytest.raises(ValueError, match="is not a duration: expected a number and unit"):
        parse_duration(text)


@given(st.integers(min_value=0, max_value=MAX_DURATION_S))
def test_a_formatted_duration_parses_back(seconds: int) -> None:
    assert parse_duration(format_duration(seconds)) == seconds


@given(st.integers(min_value=MAX_DURATION_S + 1, max_value=10**15))
def test_a_duration_over_the_longest_is_refused_naming_it(seconds: int) -> None:
    with pytest.raises(ValueError, match=r"longer than the longest accepted, 366d|not a duration"):
        parse_duration(format_duration(seconds))
