"""The webhook payload is Alertmanager's version 4: every payload validates against a JSON
Schema of Alertmanager's field list (tests/alertmanager_webhook_v4.schema.json, from its
notify/webhook Message and template Data/Alert), and the derived fields follow its rules."""

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, Literal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from chiso_alerts.notify.payload import NotifiedAlert, webhook_payload
from tests.alertmanager import WEBHOOK_V4

SCHEMA = WEBHOOK_V4
VALIDATOR = Draft202012Validator(SCHEMA)
STARTED = datetime(2026, 11, 23, 4, 5, 6, 789000, tzinfo=UTC)


def alert(
    fingerprint: str = "0123456789abcdef",
    status: Literal["firing", "resolved"] = "firing",
    ends_at: datetime | None = None,
    **labels: str,
) -> NotifiedAlert:
    return NotifiedAlert(
        fingerprint=fingerprint,
        status=status,
        labels={"alertname": "TargetDrifting", "jurisdiction": "106", **labels},
        annotations={"summary": "Tỷ lệ đang trượt khỏi lộ trình", "jurisdiction_name": "Tam Đường"},
        starts_at=STARTED,
        ends_at=ends_at,
        generator_url="http://grafana.example/d/chiso",
    )


def payload(*alerts: NotifiedAlert, truncated: int = 0) -> dict[str, Any]:
    return webhook_payload(
        receiver="so-tttt-lai-chau",
        group_key='sub-1:{jurisdiction="106"}',
        group_labels={"jurisdiction": "106"},
        alerts=alerts,
        external_url="http://grafana.example",
        truncated_alerts=truncated,
    )


def valid(p: dict[str, Any]) -> dict[str, Any]:
    """`p` as a receiver reads it (through JSON), after checking it against the schema."""
    read: dict[str, Any] = json.loads(json.dumps(p))
    VALIDATOR.validate(read)
    return read


def test_the_schema_accepts_what_alertmanager_sends_and_refuses_what_it_does_not() -> None:
    """The schema itself is checked first: a payload in the form Alertmanager writes it
    (nanoseconds, a local offset) passes; one with a field missing or added does not."""
    sent_by_alertmanager: dict[str, Any] = {
        "receiver": "team-x",
        "status": "firing",
        "alerts": [
            {
                "status": "firing",
                "labels": {"alertname": "Down", "job": "node"},
                "annotations": {"summary": "node down"},
                "startsAt": "2024-02-06T13:08:45.828123456+02:00",
                "endsAt": "0001-01-01T00:00:00Z",
                "generatorURL": "http://prometheus:9090/graph",
                "fingerprint": "1a30ba71cca2921f",
            }
        ],
        "groupLabels": {"alertname": "Down"},
        "commonLabels": {"alertname": "Down", "job": "node"},
        "commonAnnotations": {"summary": "node down"},
        "externalURL": "http://alertmanager:9093",
        "version": "4",
        "groupKey": '{}:{alertname="Down"}',
        "truncatedAlerts": 0,
    }
    VALIDATOR.validate(sent_by_alertmanager)
    for broken in (
        {k: v for k, v in sent_by_alertmanager.items() if k != "groupKey"},
        sent_by_alertmanager | {"orgId": 1},
        sent_by_alertmanager | {"version": "3"},
        sent_by_alertmanager | {"alerts": [sent_by_alertmanager["alerts"][0] | {"endsAt": ""}]},
    ):
        assert not VALIDATOR.is_valid(broken)


def test_a_firing_alert() -> None:
    p = valid(payload(alert()))
    assert p["version"] == "4"
    assert p["status"] == "firing"
    assert p["receiver"] == "so-tttt-lai-chau"
    assert p["groupKey"] == 'sub-1:{jurisdiction="106"}'
    assert p["groupLabels"] == {"jurisdiction": "106"}
    assert p["truncatedAlerts"] == 0
    assert p["externalURL"] == "http://grafana.example"
    (a,) = p["alerts"]
    assert a["startsAt"] == "2026-11-23T04:05:06.789000Z"
    assert a["endsAt"] == "0001-01-01T00:00:00Z"  # Go's zero time, as Alertmanager sends
    assert a["fingerprint"] == "0123456789abcdef"
    assert a["annotations"]["jurisdiction_name"] == "Tam Đường"


def test_the_group_fires_while_any_alert_fires() -> None:
    ended = STARTED + timedelta(days=31)
    resolved = alert("00000000000000aa", "resolved", ended, indicator="a")
    firing = alert("00000000000000bb", indicator="b")
    assert valid(payload(resolved, firing))["status"] == "firing"
    only_resolved = valid(payload(resolved))
    assert only_resolved["status"] == "resolved"
    assert only_resolved["alerts"][0]["endsAt"] == "2026-12-24T04:05:06.789000Z"


def test_times_are_written_in_utc() -> None:
    hanoi = timezone(timedelta(hours=7))
    late = NotifiedAlert(
        "0123456789abcdef", "firing", {}, {}, datetime(2026, 1, 1, 6, 0, tzinfo=hanoi), None, ""
    )
    assert valid(payload(late))["alerts"][0]["startsAt"] == "2025-12-31T23:00:00Z"


def test_common_labels_and_annotations_are_those_all_alerts_share() -> None:
    p = valid(payload(alert(indicator="a", rule="drift"), alert(indicator="b", rule="drift")))
    assert p["commonLabels"] == {
        "alertname": "TargetDrifting",
        "jurisdiction": "106",
        "rule": "drift",
    }
    assert p["commonAnnotations"] == {
        "summary": "Tỷ lệ đang trượt khỏi lộ trình",
        "jurisdiction_name": "Tam Đường",
    }


def test_truncated_alerts_are_counted() -> None:
    assert valid(payload(alert(), truncated=7))["truncatedAlerts"] == 7


def test_nonsense_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one alert"):
        payload()
    naive = NotifiedAlert("0123456789abcdef", "firing", {}, {}, datetime(2026, 1, 1), None, "")
    with pytest.raises(ValueError, match="time zone"):
        payload(naive)


label_sets = st.dictionaries(
    st.sampled_from(["alertname", "plan", "jurisdiction", "indicator", "rule", "severity"]),
    st.sampled_from(["a", "b", "Tam Đường"]),
    max_size=6,
)
alerts = st.builds(
    NotifiedAlert,
    fingerprint=st.from_regex(r"[0-9a-f]{16}", fullmatch=True),
    status=st.sampled_from(["firing", "resolved"]),
    labels=label_sets,
    annotations=label_sets,
    starts_at=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
    ends_at=st.none(),
    generator_url=st.just("http://grafana.example"),
)


@given(st.lists(alerts, min_size=1, max_size=5), st.integers(min_value=0, max_value=10))
def test_every_payload_validates_and_common_labels_are_the_intersection(
    group: list[NotifiedAlert], truncated: int
) -> None:
    p = valid(payload(*group, truncated=truncated))
    pairs = [set(a.labels.items()) for a in group]
    assert set(p["commonLabels"].items()) == set.intersection(*pairs)
    assert (p["status"] == "firing") == any(a.status == "firing" for a in group)
