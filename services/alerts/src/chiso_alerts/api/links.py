"""/ack/{token}: the signed link in a notification. Opening it shows the alert and asks to
confirm (a mail scanner that opens every link acknowledges nothing); confirming acknowledges it
in the name of the subscription it was sent to. No API key: the signature is the proof, and it
lies outside /v1/, where every request with a body needs a key."""

import html
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path
from fastapi.responses import HTMLResponse
from psycopg import AsyncConnection

from chiso_alerts.acknowledge import store as acks
from chiso_alerts.acknowledge.link import PATH, Claim, LinkRefused, ack_links, verify
from chiso_alerts.api import store
from chiso_alerts.api.wiring import Wired
from chiso_alerts.dispatch.store import load_subscriptions
from chiso_core.words.labels import EN, SEVERITY, TERM, VI

router = APIRouter(include_in_schema=False)
TOKEN = Path(max_length=512, pattern=r"^[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+$")
CONFIRM = "Xác nhận đã xem / Acknowledge"


class Refused(Exception):
    def __init__(self, status: int, text: str) -> None:
        self.status, self.text = status, text


def _page(status: int, title: str, body: str = "") -> HTMLResponse:
    return HTMLResponse(
        # The link is mostly opened from a phone's mail app: without a viewport the page
        # renders at desktop width, its button too small to press.
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<style>body{max-width:40em}textarea{width:100%;box-sizing:border-box}</style>"
        f"<title>{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>"
        f"{body}</body></html>",
        status_code=status,
    )


async def _claimed(
    conn: AsyncConnection, wired: Wired, token: str
) -> tuple[Claim, dict[str, Any], str]:
    """The link's claim, the alert (firing, in the episode the link names), and the name of
    the subscription it was sent to; Refused saying why not."""
    links = ack_links(wired.settings)
    if links is None:
        raise Refused(404, "Liên kết xác nhận chưa được bật / acknowledgement links are off")
    try:
        claim = verify(links.secret, token, datetime.now(UTC))
    except LinkRefused as e:
        raise Refused(410 if e.expired else 400, str(e)) from None
    alert = await store.alert(conn, claim.fingerprint)
    if (
        alert is None
        or alert["state"] != "firing"
        or int(alert["starts_at"].timestamp()) != int(claim.starts_at.timestamp())
    ):
        raise Refused(409, "Cảnh báo này không còn / this alert is no longer firing")
    subs = {s.id: s.name for s in await load_subscriptions(conn)}
    if claim.subscription_id not in subs:
        raise Refused(410, "Đăng ký đã bị xoá / the subscription was deleted")
    return claim, alert, subs[claim.subscription_id]


def _severity(alert: dict[str, Any]) -> str:
    """The severity being acknowledged, as it is now: a link from an earlier notification
    acknowledges the alert as it has become since, so the page says how that is."""
    code = alert["labels"].get("severity", "")
    return " / ".join(
        f"{TERM[lang]['severity']}: {SEVERITY[lang].get(code, code)}" for lang in (VI, EN)
    )


@router.get(PATH + "{token}", response_class=HTMLResponse)
async def ack_page(wired: Wired, token: Annotated[str, TOKEN]) -> HTMLResponse:
    async with wired.connection() as conn:
        try:
            _, alert, _ = await _claimed(conn, wired, token)
        except Refused as e:
            return _page(e.status, e.text)
    summary = html.escape(alert["annotations"].get("summary", alert["fingerprint"]))
    return _page(
        200,
        CONFIRM,
        f"<p>{summary}</p><p>{html.escape(_severity(alert))}</p>"
        "<form method=post><label>Ghi chú / comment<br>"
        "<textarea name=comment maxlength=2000 rows=4></textarea></label><br>"
        f"<button type=submit>{html.escape(CONFIRM)}</button></form>",
    )


@router.post(PATH + "{token}", response_class=HTMLResponse)
async def ack_confirm(
    wired: Wired,
    token: Annotated[str, TOKEN],
    comment: Annotated[str, Form(max_length=2000)] = "",
) -> HTMLResponse:
    async with wired.connection() as conn, conn.transaction():
        try:
            claim, alert, name = await _claimed(conn, wired, token)
        except Refused as e:
            return _page(e.status, e.text)
        await acks.record(
            conn,
            fingerprint=claim.fingerprint,
            starts_at=alert["starts_at"],
            severity=alert["labels"].get("severity", ""),
            by_name=name,
            via="link",
            subscription_id=claim.subscription_id,
            comment=comment.replace("\x00", ""),
        )
    return _page(200, "Đã xác nhận / acknowledged", f"<p>{html.escape(name)}</p>")
