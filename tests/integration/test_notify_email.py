"""Email delivery through a real SMTP server on loopback (aiosmtpd): the message arrives
well-formed with its Vietnamese subject, and SMTP answers map to sent / retry / failed."""

from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest

from chiso_alerts.notify.email import render_email, send_email
from chiso_alerts.notify.payload import NotifiedAlert, webhook_payload
from chiso_core.settings import AlertsSettings
from chiso_devstack.embedded import free_port
from tests.smtp_server import Mailbox

SENDER = "chiso <canh-bao@chiso.example.vn>"
TO = "so-tttt@laichau.gov.vn"


def settings(port: int, **changes: Any) -> AlertsSettings:
    values: dict[str, Any] = {
        "kafka_bootstrap_servers": "unused:9092",
        "database_url": "postgresql://unused",
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_starttls": False,
        "smtp_sender": SENDER,
        "delivery_timeout_s": 5,
    }
    return AlertsSettings(**(values | changes))


def message(key: str = "sub-1/106/1") -> EmailMessage:
    payload = webhook_payload(
        receiver="so-tttt",
        group_key="g",
        group_labels={"jurisdiction": "106"},
        alerts=[
            NotifiedAlert(
                "0123456789abcdef",
                "firing",
                {"alertname": "TargetOffTrack", "jurisdiction": "106", "indicator": "x"},
                {
                    "summary": "Chỉ số chệch khỏi lộ trình",
                    "jurisdiction_name": "Tam Đường",
                    "indicator_name": "Tỷ lệ dịch vụ công trực tuyến",
                },
                datetime(2026, 11, 23, 4, 5, tzinfo=UTC),
                None,
                "http://grafana.example/d/chiso",
            )
        ],
        external_url="http://grafana.example",
    )
    return render_email(payload, sender=SENDER, to=TO, notification_key=key)


async def test_the_message_arrives_well_formed(mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    outcome = await send_email(settings(port), message())
    assert outcome.kind == "sent"
    (envelope,) = box.received
    assert envelope.mail_from == "canh-bao@chiso.example.vn"
    assert envelope.rcpt_tos == [TO]
    assert isinstance(envelope.original_content, bytes)
    got = message_from_bytes(envelope.original_content, policy=policy.default)
    assert isinstance(got, EmailMessage)
    assert got.defects == []
    assert got["Subject"] == "[Cảnh báo] Tam Đường – Tỷ lệ dịch vụ công trực tuyến"
    assert got["Message-ID"] == message()["Message-ID"]
    text = got.get_body(("plain",))
    assert text is not None
    assert "Chỉ số chệch khỏi lộ trình" in text.get_content()
    assert text.get_content_charset() == "utf-8"


@pytest.mark.parametrize(
    ("rcpt", "data", "kind"),
    [
        ("450 4.2.1 mailbox busy", "250 OK", "retry"),
        ("550 5.1.1 no such user", "250 OK", "failed"),
        ("250 OK", "451 4.3.0 try again later", "retry"),
        ("250 OK", "554 5.7.1 rejected as spam", "failed"),
    ],
)
async def test_smtp_answers_map_to_outcomes(
    mailbox: tuple[Mailbox, int], rcpt: str, data: str, kind: str
) -> None:
    box, port = mailbox
    box.rcpt, box.data = rcpt, data
    outcome = await send_email(settings(port), message())
    assert outcome.kind == kind
    said = rcpt if not rcpt.startswith("250") else data
    assert said.split(" ", 1)[1] in outcome.detail
    assert box.received == []


async def test_a_login_is_used_and_a_refused_one_retried(mailbox: tuple[Mailbox, int]) -> None:
    """Refused credentials are the operator's to fix, not the message's: kept for later."""
    box, port = mailbox
    good = settings(port, smtp_username="chiso", smtp_password="đúng")
    assert (await send_email(good, message())).kind == "sent"
    bad = settings(port, smtp_username="chiso", smtp_password="sai")
    outcome = await send_email(bad, message())
    assert outcome.kind == "retry"
    assert outcome.detail.startswith("SMTP login refused: 535")
    assert "sai" not in outcome.detail
    assert len(box.received) == 1


async def test_no_server_is_retried() -> None:
    outcome = await send_email(settings(free_port()), message())
    assert outcome.kind == "retry"


async def test_a_missing_starttls_is_retried_not_sent_in_clear(
    mailbox: tuple[Mailbox, int],
) -> None:
    """STARTTLS required and not offered: the operator must fix it; nothing goes in clear."""
    box, port = mailbox
    outcome = await send_email(settings(port, smtp_starttls=True), message())
    assert outcome.kind == "retry"
    assert "STARTTLS" in outcome.detail
    assert box.received == []


async def test_no_smtp_server_configured_is_retried() -> None:
    outcome = await send_email(settings(25, smtp_host=None), message())
    assert (outcome.kind, outcome.detail) == ("retry", "no SMTP server: CHISO_SMTP_HOST is not set")
