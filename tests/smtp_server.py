"""An SMTP server on loopback (aiosmtpd) standing in for a mail relay: it keeps what it accepts
and answers as a test tells it."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any, cast

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from chiso_devstack.embedded import free_port


@dataclass
class Mailbox:
    """An SMTP handler that keeps what it accepts; `rcpt` / `data` replace its answers."""

    rcpt: str = "250 OK"
    data: str = "250 OK"
    received: list[Envelope] = field(default_factory=list)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if self.rcpt.startswith("250"):
            envelope.rcpt_tos.append(address)
        return self.rcpt

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.data.startswith("250"):
            self.received.append(envelope)
        return self.data

    def messages(self) -> list[EmailMessage]:
        return [
            message_from_bytes(cast(bytes, e.content), policy=policy.default) for e in self.received
        ]


def only_chiso(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
) -> AuthResult:
    """Accepts the login chiso / đúng (so that a wrong password can be tried)."""
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        b"chiso",
        "đúng".encode(),
    )
    return AuthResult(success=ok, handled=False)


@contextmanager
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    controller = Controller(
        box,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=only_chiso,
        auth_require_tls=False,  # loopback test server without a certificate
    )
    controller.start()
    try:
        yield box, controller.port
    finally:
        controller.stop()
