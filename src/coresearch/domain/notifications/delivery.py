"""Delivery of the outbox: claim due messages, send them, record the outcome.

At most once: a worker claims rows in one short transaction (pending → sending, one attempt
counted): on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so two workers never take the same row,
and on SQLite inside the IMMEDIATE transaction that lets one writer in at a time. The mail goes
out after that commit, and the outcome is written after: sent; or pending again with the next
attempt `BACKOFF_BASE * 2^(attempts-1)` later (kept in the row, so a restart keeps the schedule);
or dead after the last attempt. A row left `sending` by a worker that died mid-send may or may
not have been sent: after `STALE_AFTER` it turns dead with that said, and an admin decides
whether to retry it.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import aiosmtplib
import msgspec
import structlog

from coresearch.domain.notifications.mailer import Mailer, build_message
from coresearch.domain.notifications.tables import DeliveryStatus, Notification
from coresearch.lib.db import current_engine, transaction

logger = structlog.get_logger(__name__)

BATCH = 50
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=6)
STALE_AFTER = timedelta(minutes=15)
INTERRUPTED = "interrupted while sending: it may or may not have reached the recipient"
SEND_ERRORS = (aiosmtplib.SMTPException, OSError, asyncio.TimeoutError)


class DeliveryReport(msgspec.Struct):
    """What one round of delivery did."""

    sent: int = 0
    retrying: int = 0
    dead: int = 0


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt."""
    wait: timedelta = BACKOFF_BASE * 2 ** max(attempts - 1, 0)
    return min(wait, BACKOFF_CAP)


async def _give_up_interrupted(moment: datetime) -> int:
    """Rows claimed longer ago than `STALE_AFTER` and never settled become dead."""
    async with transaction():
        stale = await Notification.select(Notification.id).where(
            (Notification.status == DeliveryStatus.sending.value)
            & (Notification.claimed_at < moment - STALE_AFTER)
        )
        if stale:
            await Notification.update(
                {Notification.status: DeliveryStatus.dead.value, Notification.last_error: INTERRUPTED}
            ).where(
                Notification.id.is_in([row["id"] for row in stale])
                & (Notification.status == DeliveryStatus.sending.value)
            )
    return len(stale)


async def _claim(moment: datetime, batch: int) -> list[dict[str, Any]]:
    """Take up to `batch` due rows for this worker (pending → sending, attempts + 1)."""
    async with transaction():
        query = (
            Notification.select(Notification.id)
            .where(
                (Notification.status == DeliveryStatus.pending.value)
                & (Notification.next_attempt_at <= moment)
            )
            .order_by(Notification.next_attempt_at, Notification.id)
            .limit(batch)
        )
        if current_engine().engine_type == "postgres":
            query = query.lock_rows(skip_locked=True)
        ids = [row["id"] for row in await query]
        if not ids:
            return []
        await Notification.update(
            {
                Notification.status: DeliveryStatus.sending.value,
                Notification.claimed_at: moment,
                Notification.attempts: Notification.attempts + 1,
            }
        ).where(Notification.id.is_in(ids) & (Notification.status == DeliveryStatus.pending.value))
        # Locked (PostgreSQL) or behind the one write lock (SQLite): every id is this worker's now.
        rows = await Notification.select(
            *Notification.all_columns(),
            Notification.recipient.email.as_alias("to_email"),
            Notification.recipient.full_name.as_alias("to_name"),
        ).where(Notification.id.is_in(ids))
    return sorted(rows, key=lambda row: (row["next_attempt_at"], row["id"]))


async def _settle(row_id: UUID, values: dict[Any, Any]) -> None:
    async with transaction():
        await Notification.update(values).where(
            (Notification.id == row_id) & (Notification.status == DeliveryStatus.sending.value)
        )


async def _failed(
    row: dict[str, Any], error: str, moment: datetime, max_attempts: int, report: DeliveryReport
) -> None:
    attempts = row["attempts"]
    values: dict[Any, Any]
    if attempts >= max_attempts:
        report.dead += 1
        values = {Notification.status: DeliveryStatus.dead.value, Notification.last_error: error[:2000]}
    else:
        report.retrying += 1
        values = {
            Notification.status: DeliveryStatus.pending.value,
            Notification.next_attempt_at: moment + backoff(attempts),
            Notification.last_error: error[:2000],
        }
    logger.warning("mail not sent", notification_id=str(row["id"]), attempts=attempts, error=error)
    await _settle(row["id"], values)


async def deliver_due(
    *, now: datetime, mailer: Mailer, mail_from: str, max_attempts: int, batch: int = BATCH
) -> DeliveryReport:
    """Send the messages due at `now` (one batch) over `mailer`; what happened to them."""
    report = DeliveryReport()
    await _give_up_interrupted(now)
    rows = await _claim(now, batch)
    if not rows:
        return report
    try:
        async with mailer as session:
            for row in rows:
                message = build_message(
                    row, to_name=row["to_name"], to_email=row["to_email"], mail_from=mail_from
                )
                try:
                    await session.send(message)
                except SEND_ERRORS as exc:
                    await _failed(row, f"{type(exc).__name__}: {exc}", now, max_attempts, report)
                    continue
                report.sent += 1
                await _settle(
                    row["id"], {Notification.status: DeliveryStatus.sent.value, Notification.sent_at: now}
                )
    except SEND_ERRORS as exc:
        # The server could not be reached (or dropped the session): every row still claimed waits.
        unsettled = await Notification.select(Notification.id, Notification.attempts).where(
            Notification.id.is_in([row["id"] for row in rows])
            & (Notification.status == DeliveryStatus.sending.value)
        )
        for row in unsettled:
            await _failed(row, f"{type(exc).__name__}: {exc}", now, max_attempts, report)
    return report


async def retry_dead(*, notification_id: UUID, moment: datetime) -> dict[str, Any] | None:
    """Put a dead message back in the queue with a fresh count (inside the caller's transaction)."""
    await Notification.update(
        {
            Notification.status: DeliveryStatus.pending.value,
            Notification.attempts: 0,
            Notification.next_attempt_at: moment,
            Notification.claimed_at: None,
        }
    ).where((Notification.id == notification_id) & (Notification.status == DeliveryStatus.dead.value))
    return await Notification.select().where(Notification.id == notification_id).first()
