"""`coresearch mail-preview`: the newest messages in the outbox as text, for an operator without
an SMTP server (the embedded default keeps messages in the portal)."""

from __future__ import annotations

from coresearch.domain.notifications.tables import Notification


async def newest(*, limit: int) -> list[str]:
    """The newest `limit` messages, newest first, each as headers and the plain-text body."""
    rows = await (
        Notification.select(
            *Notification.all_columns(),
            Notification.recipient.email.as_alias("to_email"),
            Notification.recipient.full_name.as_alias("to_name"),
        )
        .order_by(Notification.created_at, Notification.id, ascending=False)
        .limit(limit)
    )
    return [
        "\n".join(
            [
                f"To: {row['to_name']} <{row['to_email']}>",
                f"Subject: {row['subject']}",
                f"Date: {row['created_at'].isoformat()}",
                f"Kind: {row['kind']} ({row['channel']}, {row['status']}"
                + (", with a calendar invitation)" if row["calendar"] else ")"),
                "",
                row["body_text"].rstrip(),
            ]
        )
        for row in rows
    ]
