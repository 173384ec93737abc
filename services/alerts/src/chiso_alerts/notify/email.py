"""Deliver a notification by email: the webhook payload rendered in Vietnamese as plain text
with an HTML alternative, sent over SMTP.

The Message-ID is derived from the notification key, so the repeat that can follow a crash
between sending and recording the delivery carries the same Message-ID as the first copy and
mail clients and filters recognise it."""

import hashlib
import html
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, timezone
from email.header import Header
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Any

import aiosmtplib

from chiso_alerts.notify.outcome import Outcome
from chiso_alerts.notify.owners import OWNER, OWNER_NOTE
from chiso_alerts.notify.payload import ACK_URL, ZERO_TIME
from chiso_core.settings import AlertsSettings
from chiso_core.words.labels import ALERT_STATE, SEVERITY, TERM, VI

# Việt Nam keeps UTC+7 all year: a fixed offset needs no time-zone database.
_VIETNAM = timezone(timedelta(hours=7))
STATUS_WORDS = ALERT_STATE[VI]
SEVERITY_WORDS = SEVERITY[VI]
# The link that acknowledges an alert (its page asks to confirm, so a mail scanner that opens
# links acknowledges nothing).
ACKNOWLEDGE = "Xác nhận đã xem"
# Who answers for the target, when the notification knows (notify/owners.py).
_OWNER_WORDS = ((OWNER, "Đơn vị chủ trì"), (OWNER_NOTE, "Giải trình gần nhất của đơn vị chủ trì"))
# Labels shown under each alert, in this order, with their Vietnamese names.
_LABEL_WORDS = tuple(
    (label, TERM[VI][label]) for label in ("jurisdiction", "indicator", "plan", "target", "rule")
)


def render_email(
    payload: Mapping[str, Any], *, sender: str, to: str, notification_key: str
) -> EmailMessage:
    alerts: Sequence[Mapping[str, Any]] = payload["alerts"]
    lead = next((a for a in alerts if a["status"] == payload["status"]), alerts[0])
    others = len(alerts) - 1 + int(payload.get("truncatedAlerts", 0))
    subject = f"[{STATUS_WORDS[payload['status']]}] {_headline(lead)}"
    if others:
        subject += f" và {others} cảnh báo khác"

    message = EmailMessage()
    # Folded by the standard library, a long UTF-8 subject loses the space at each fold
    # (CPython issue 92081); email.header keeps spaces inside the encoded words and the lines
    # short enough that the generator sends them as they are.
    message.set_raw("Subject", Header(subject, "utf-8", header_name="Subject").encode())
    message["From"] = sender
    message["To"] = to
    message["Date"] = format_datetime(datetime.now(_VIETNAM))
    message["Message-ID"] = message_id(notification_key, sender)
    # RFC 3834: tells vacation responders not to answer a machine.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(_text(payload, subject, notification_key), charset="utf-8")
    message.add_alternative(_html(payload, subject, notification_key), subtype="html")
    return message


def message_id(notification_key: str, sender: str) -> str:
    domain = parseaddr(sender)[1].rpartition("@")[2] or "chiso.invalid"
    return f"<{hashlib.sha256(notification_key.encode()).hexdigest()[:32]}@{domain}>"


async def send_email(settings: AlertsSettings, message: EmailMessage) -> Outcome:
    """Hand `message` to the configured SMTP server once. A 4xx answer or a broken connection
    may pass (retry); a 5xx answer about the message or its recipient will not (failed). A
    missing server, refused credentials or a missing STARTTLS are the operator's to fix, not
    the message's fault: retried, so nothing is dropped while the settings are put right."""
    if settings.smtp_host is None:
        return Outcome("retry", "no SMTP server: CHISO_SMTP_HOST is not set")
    password = settings.smtp_password
    try:
        await aiosmtplib.send(
            message,
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            start_tls=settings.smtp_starttls,
            username=settings.smtp_username,
            password=None if password is None else password.get_secret_value(),
            timeout=settings.delivery_timeout_s,
        )
    except aiosmtplib.SMTPRecipientsRefused as e:
        codes = [r.code for r in e.recipients]
        said = "; ".join(f"{r.code} {r.message}" for r in e.recipients)
        passing = all(400 <= c < 500 for c in codes)
        return Outcome("retry" if passing else "failed", f"recipient refused: {said}")
    except aiosmtplib.SMTPAuthenticationError as e:
        return Outcome("retry", f"SMTP login refused: {e.code} {e.message}")
    except aiosmtplib.SMTPResponseException as e:
        return Outcome("failed" if e.code >= 500 else "retry", f"SMTP {e.code} {e.message}")
    except (aiosmtplib.SMTPException, OSError) as e:
        return Outcome("retry", f"{type(e).__name__}: {e}")
    except ValueError as e:  # an address that cannot go on an SMTP command line
        return Outcome("failed", str(e))
    return Outcome("sent")


def _name(alert: Mapping[str, Any], label: str) -> str | None:
    """How people call a label's value: the `<label>_name` annotation, else the value."""
    named = alert["annotations"].get(f"{label}_name") or alert["labels"].get(label)
    return None if named is None else str(named)


def _headline(alert: Mapping[str, Any]) -> str:
    where = _name(alert, "jurisdiction") or "?"
    what = _name(alert, "indicator") or alert["annotations"].get("summary")
    return f"{where} – {what or alert['labels'].get('alertname', '?')}"


def _when(value: str) -> str | None:
    if value == ZERO_TIME:
        return None
    return datetime.fromisoformat(value).astimezone(_VIETNAM).strftime("%d/%m/%Y %H:%M")


def _facts(alert: Mapping[str, Any]) -> list[tuple[str, str]]:
    """What the reader needs about one alert, as (Vietnamese name, value) pairs."""
    labels, annotations = alert["labels"], alert["annotations"]
    facts = [(TERM[VI]["status"], STATUS_WORDS[alert["status"]])]
    if "severity" in labels:
        facts.append(
            (TERM[VI]["severity"], SEVERITY_WORDS.get(labels["severity"], labels["severity"]))
        )
    for label, word in _LABEL_WORDS:
        name, value = _name(alert, label), labels.get(label)
        if name is not None:
            facts.append((word, f"{name} ({value})" if value and value != name else name))
    facts.append(("Bắt đầu", f"{_when(alert['startsAt'])} (giờ Việt Nam)"))
    ended = _when(alert["endsAt"])
    if ended is not None:
        facts.append(("Kết thúc", f"{ended} (giờ Việt Nam)"))
    if description := annotations.get("description"):
        facts.append(("Chi tiết", description))
    for annotation, word in _OWNER_WORDS:
        if said := annotations.get(annotation):
            facts.append((word, said))
    return facts


def _summary(alert: Mapping[str, Any]) -> str:
    return str(alert["annotations"].get("summary") or alert["labels"].get("alertname", ""))


def _truncated(payload: Mapping[str, Any]) -> str | None:
    n = int(payload.get("truncatedAlerts", 0))
    return f"… và {n} cảnh báo khác không liệt kê ở đây." if n else None


def _text(payload: Mapping[str, Any], subject: str, key: str) -> str:
    lines = [subject, ""]
    for alert in payload["alerts"]:
        lines.append(f"■ {_summary(alert)}")
        lines += [f"  {word}: {value}" for word, value in _facts(alert)]
        if alert.get("generatorURL"):
            lines.append(f"  Xem: {alert['generatorURL']}")
        if link := alert["annotations"].get(ACK_URL):
            lines.append(f"  {ACKNOWLEDGE}: {link}")
        lines.append("")
    if note := _truncated(payload):
        lines += [note, ""]
    lines += [f"Mở chiso: {payload['externalURL']}", f"Mã thông báo: {key}"]
    return "\n".join(lines) + "\n"


def _html(payload: Mapping[str, Any], subject: str, key: str) -> str:
    e = html.escape
    parts = [f'<html lang="vi"><body><h2>{e(subject)}</h2>']
    for alert in payload["alerts"]:
        parts.append(f"<h3>{e(_summary(alert))}</h3><table>")
        parts += [f"<tr><th>{e(w)}</th><td>{e(v)}</td></tr>" for w, v in _facts(alert)]
        parts.append("</table>")
        if alert.get("generatorURL"):
            parts.append(f'<p><a href="{e(alert["generatorURL"])}">Xem</a></p>')
        if link := alert["annotations"].get(ACK_URL):
            parts.append(f'<p><a href="{e(link)}">{e(ACKNOWLEDGE)}</a></p>')
    if note := _truncated(payload):
        parts.append(f"<p>{e(note)}</p>")
    parts.append(
        f'<p><a href="{e(payload["externalURL"])}">Mở chiso</a> · Mã thông báo: {e(key)}</p>'
        "</body></html>"
    )
    return "".join(parts)
