"""Mail out: one stored message as a MIME e-mail, and the SMTP connection that sends a batch.

`EmailMessage` with `policy.SMTP` encodes a subject with æøå as RFC 2047 words and the bodies as
UTF-8; the plain text comes first and the HTML is its alternative, the calendar invitation a
`text/calendar` part with its METHOD (what calendar clients look for) and as a `.ics` file.
"""

from __future__ import annotations

from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any, Protocol

import aiosmtplib

from coresearch.settings import SmtpSettings

SMTP_TIMEOUT_SECONDS = 30


def build_message(row: dict[str, Any], *, to_name: str, to_email: str, mail_from: str) -> EmailMessage:
    """The e-mail of one outbox row."""
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = Address("coresearch", addr_spec=mail_from)
    message["To"] = Address(to_name, addr_spec=to_email)
    message["Subject"] = row["subject"]
    message["Date"] = format_datetime(row["created_at"])
    message["Message-ID"] = make_msgid(idstring=str(row["id"]), domain=mail_from.rpartition("@")[2] or None)
    message["Content-Language"] = row["language"]
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(row["body_text"], subtype="plain", charset="utf-8")
    message.add_alternative(row["body_html"], subtype="html", charset="utf-8")
    calendar = row.get("calendar")
    if calendar:
        method = "CANCEL" if "METHOD:CANCEL" in calendar else "REQUEST"
        message.add_attachment(
            calendar.encode(),
            maintype="text",
            subtype="calendar",
            filename="invite.ics" if method == "REQUEST" else "cancel.ics",
            params={"method": method, "charset": "utf-8"},
        )
    return message


class Mailer(Protocol):
    """Sends e-mails; the worker opens one session per batch."""

    async def __aenter__(self) -> Mailer: ...

    async def __aexit__(self, *exc: object) -> None: ...

    async def send(self, message: EmailMessage) -> None:
        """Hand one message to the server; raise when it is not accepted."""


class SmtpMailer:
    """An SMTP session on the configured server (STARTTLS and login when configured)."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self.client: aiosmtplib.SMTP | None = None

    async def __aenter__(self) -> SmtpMailer:
        settings = self.settings
        client = aiosmtplib.SMTP(
            hostname=settings.host,
            port=settings.port,
            start_tls=settings.starttls,
            use_tls=False,
            timeout=SMTP_TIMEOUT_SECONDS,
        )
        await client.connect()
        if settings.username is not None and settings.password is not None:
            await client.login(settings.username, settings.password)
        self.client = client
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.client is not None:
            try:
                await self.client.quit()
            except (aiosmtplib.SMTPException, OSError):
                self.client.close()
            self.client = None

    async def send(self, message: EmailMessage) -> None:
        """Send one message in this session."""
        assert self.client is not None, "use the mailer as an async context manager"
        await self.client.send_message(message)
