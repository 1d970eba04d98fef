"""A real SMTP server for the notifications tests: aiosmtpd on a free loopback port, which keeps
every message it accepts and can be taken down and brought back on the same port."""

from __future__ import annotations

import socket
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from coresearch.settings import SmtpSettings

MAIL_FROM = "varsler@example.no"


class Inbox:
    """aiosmtpd handler: what was delivered, per message."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        self.received.append((list(envelope.rcpt_tos), bytes(envelope.original_content or envelope.content)))
        return "250 Message accepted for delivery"

    def messages(self) -> list[EmailMessage]:
        """The received messages, parsed."""
        return [message_from_bytes(raw, policy=policy.default) for _, raw in self.received]  # type: ignore[misc]

    def recipients(self) -> list[str]:
        """Every envelope recipient, in order."""
        return [address for rcpts, _ in self.received for address in rcpts]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class MailServer:
    """The SMTP server with its inbox; `stop()` makes it unreachable, `start()` brings it back."""

    def __init__(self) -> None:
        self.inbox = Inbox()
        self.port = free_port()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def settings(self) -> SmtpSettings:
        return SmtpSettings(
            host="127.0.0.1",
            port=self.port,
            username=None,
            password=None,
            starttls=False,
            mail_from=MAIL_FROM,
        )
