"""An email per notification: a well-formed UTF-8 message whose subject names the jurisdiction,
the indicator and the status, with a plain-text body and an HTML alternative in Vietnamese."""

import json
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any, Literal

from hypothesis import given
from hypothesis import strategies as st

from chiso_alerts.notify.email import render_email
from chiso_alerts.notify.payload import NotifiedAlert, webhook_payload

SENDER = "chiso <canh-bao@chiso.example.vn>"
TO = "so-tttt@laichau.gov.vn"
STARTED = datetime(2026, 11, 23, 4, 5, tzinfo=UTC)
NAMES = {
    "jurisdiction_name": "Tam Đường",
    "indicator_name": "Tỷ lệ dịch vụ công trực tuyến",
}


def alert(
    indicator: str = "online_public_service_usage",
    status: Literal["firing", "resolved"] = "firing",
    names: dict[str, str] = NAMES,
    **annotations: str,
) -> NotifiedAlert:
    return NotifiedAlert(
        fingerprint="0123456789abcdef",
        status=status,
        labels={
            "alertname": "TargetDrifting",
            "jurisdiction": "106",
            "indicator": indicator,
            "plan": "tam_duong_nq57",
            "rule": "drift",
            "severity": "critical",
        },
        annotations={
            "summary": "Đang trượt khỏi lộ trình",
            "description": "Khoảng cách tới lộ trình tăng 3 kỳ liền.",
            **names,
            **annotations,
        },
        starts_at=STARTED,
        ends_at=STARTED + timedelta(days=31) if status == "resolved" else None,
        generator_url="http://grafana.example/d/chiso?var-jurisdiction=106",
    )


def render(*alerts: NotifiedAlert, truncated: int = 0, key: str = "sub-1/106/1") -> EmailMessage:
    payload = webhook_payload(
        receiver="so-tttt",
        group_key="g",
        group_labels={},
        alerts=alerts,
        external_url="http://grafana.example",
        truncated_alerts=truncated,
    )
    return render_email(payload, sender=SENDER, to=TO, notification_key=key)


def reread(message: EmailMessage) -> EmailMessage:
    """The message as a mail server passes it on: flattened to bytes and parsed again."""
    parsed = message_from_bytes(message.as_bytes(policy=policy.SMTP), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def bodies(message: EmailMessage) -> dict[str, str]:
    return {
        part.get_content_type(): part.get_content()
        for part in message.walk()
        if not part.is_multipart()
    }


def test_the_subject_names_jurisdiction_indicator_and_status() -> None:
    firing = reread(render(alert()))
    assert firing["Subject"] == "[Cảnh báo] Tam Đường – Tỷ lệ dịch vụ công trực tuyến"
    resolved = reread(render(alert(status="resolved")))
    assert resolved["Subject"] == "[Đã khắc phục] Tam Đường – Tỷ lệ dịch vụ công trực tuyến"


def test_without_names_the_labels_are_used() -> None:
    message = reread(render(alert(names={})))
    assert message["Subject"] == "[Cảnh báo] 106 – online_public_service_usage"


def jurisdiction_stale(summary: str) -> NotifiedAlert:
    return NotifiedAlert(
        "00000000000000ff",
        "firing",
        {"alertname": "JurisdictionStale", "jurisdiction": "106", "rule": "stale"},
        {"summary": summary, "jurisdiction_name": "Tam Đường"},
        STARTED,
        None,
        "",
    )


def test_a_jurisdiction_wide_alert_is_named_by_its_summary() -> None:
    message = reread(render(jurisdiction_stale("Không có số liệu mới cho mọi chỉ số")))
    assert message["Subject"] == "[Cảnh báo] Tam Đường – Không có số liệu mới cho mọi chỉ số"


def test_several_alerts_name_the_first_and_count_the_others() -> None:
    message = reread(render(alert(), alert("b", names={}), alert("c", names={}), truncated=4))
    assert message["Subject"] == (
        "[Cảnh báo] Tam Đường – Tỷ lệ dịch vụ công trực tuyến và 6 cảnh báo khác"
    )
    text = bodies(message)["text/plain"]
    assert text.count("■ ") == 3
    assert "… và 4 cảnh báo khác không liệt kê ở đây." in text


def test_a_firing_group_is_headed_by_a_firing_alert() -> None:
    message = reread(render(alert("b", "resolved", names={}), alert()))
    assert message["Subject"].startswith("[Cảnh báo] Tam Đường – Tỷ lệ dịch vụ")


def test_the_message_is_well_formed_utf8_text_with_an_html_alternative() -> None:
    original = render(alert(status="resolved"))
    message = reread(original)
    assert message.defects == []
    assert all(part.defects == [] for part in message.walk())
    assert message.get_content_type() == "multipart/alternative"
    assert message["From"] == SENDER
    assert message["To"] == TO
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Date"] is not None
    parts = bodies(message)
    assert set(parts) == {"text/plain", "text/html"}
    assert all(p.get_content_charset() == "utf-8" for p in message.walk() if not p.is_multipart())
    text = parts["text/plain"]
    assert "Đang trượt khỏi lộ trình" in text
    assert "Địa bàn: Tam Đường (106)" in text
    assert "Mức độ: nghiêm trọng" in text
    assert "Bắt đầu: 23/11/2026 11:05 (giờ Việt Nam)" in text  # 04:05 UTC
    assert "Kết thúc: 24/12/2026 11:05 (giờ Việt Nam)" in text
    assert "Xem: http://grafana.example/d/chiso?var-jurisdiction=106" in text
    assert "Mã thông báo: sub-1/106/1" in text
    assert "Tỷ lệ dịch vụ công trực tuyến" in parts["text/html"]


def test_html_escapes_what_it_shows() -> None:
    html = bodies(reread(render(alert(summary="<script>x</script> & co"))))["text/html"]
    assert "<script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt; &amp; co" in html


def test_the_message_id_comes_from_the_notification_key() -> None:
    """A repeat after a crash carries the same Message-ID; another notification does not."""
    first = render(alert(), key="sub-1/106/1")["Message-ID"]
    assert render(alert(), key="sub-1/106/1")["Message-ID"] == first
    assert render(alert(), key="sub-1/106/2")["Message-ID"] != first
    assert first.startswith("<")
    assert first.endswith("@chiso.example.vn>")


def test_the_payload_read_back_from_json_renders_the_same() -> None:
    """The outbox keeps the payload as jsonb: what comes back renders like the original."""
    payload: dict[str, Any] = webhook_payload(
        receiver="r",
        group_key="g",
        group_labels={},
        alerts=[alert()],
        external_url="http://grafana.example",
    )
    stored = json.loads(json.dumps(payload))
    a = render_email(payload, sender=SENDER, to=TO, notification_key="k")
    b = render_email(stored, sender=SENDER, to=TO, notification_key="k")
    assert bodies(a) == bodies(b)
    assert a["Subject"] == b["Subject"]


WORDS = ["Tỷ", "lệ", "dịch", "vụ", "công", "trực", "tuyến", "Đường", "–", "(106)", "và", "x" * 30]


@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=40))
def test_a_long_subject_keeps_every_space_through_smtp(words: list[str]) -> None:
    """The standard library's own folding drops a space where it folds a UTF-8 subject."""
    summary = " ".join(words)
    assert reread(render(jurisdiction_stale(summary)))["Subject"] == (
        f"[Cảnh báo] Tam Đường – {summary}"
    )
