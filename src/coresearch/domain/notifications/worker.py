"""The background worker every app process runs (lifespan, so also each `coresearch serve`
worker): every few seconds it writes the reminders and warnings due (`sweep`) and, with an SMTP
server configured, sends the due messages (`delivery.deliver_due`) until none is left. Several
processes run it side by side safely: see `delivery` and `sweep` for why nothing goes twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import msgspec
import structlog

from coresearch.domain.notifications.delivery import BATCH, DeliveryReport, deliver_due
from coresearch.domain.notifications.mailer import SmtpMailer
from coresearch.domain.notifications.sweep import BenefitCheck, SweepReport, sweep
from coresearch.lib.crypto import keyring_for
from coresearch.lib.records import now as clock
from coresearch.settings import Settings

logger = structlog.get_logger(__name__)

# Seconds between rounds; None: the settings' `poll_seconds`. Read on each round (the test
# session raises it so the worker cannot race tests that drive `run_once` themselves).
POLL_SECONDS: float | None = None


class Round(msgspec.Struct):
    """What one round did."""

    sweep: SweepReport
    delivery: DeliveryReport


async def run_once(*, settings: Settings, now: datetime) -> Round:
    """One round at `now`: sweep, then deliver every due message (with SMTP configured)."""
    benefits = BenefitCheck(keyring=keyring_for(settings.data_keys), share=settings.aap_warning_share)
    swept = await sweep(now=now, settings=settings.notifications, benefits=benefits)
    total = DeliveryReport()
    if settings.smtp is not None:
        while True:
            report = await deliver_due(
                now=now,
                mailer=SmtpMailer(settings.smtp),
                mail_from=settings.smtp.mail_from,
                max_attempts=settings.notifications.max_attempts,
            )
            total.sent, total.retrying, total.dead = (
                total.sent + report.sent,
                total.retrying + report.retrying,
                total.dead + report.dead,
            )
            if report.sent + report.retrying + report.dead < BATCH:
                break
    return Round(sweep=swept, delivery=total)


async def run_forever(
    settings: Settings, *, sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep
) -> None:
    """Run a round every `POLL_SECONDS`; log, never raise (until cancelled)."""
    while True:
        await sleep(settings.notifications.poll_seconds if POLL_SECONDS is None else POLL_SECONDS)
        try:
            done = await run_once(settings=settings, now=clock())
        except Exception as error:  # a background task must survive a database or mail outage
            logger.warning("notifications round failed", error=f"{type(error).__name__}: {error}"[:300])
            continue
        if done.delivery.sent or done.delivery.retrying or done.delivery.dead:
            logger.info("notifications delivered", **msgspec.structs.asdict(done.delivery))
