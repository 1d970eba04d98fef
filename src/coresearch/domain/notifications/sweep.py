"""What the worker finds due by the clock: reminders before meetings and due dates, and the
papers-ahead warnings. Each is written once: reminders by their dedupe keys (a second worker's
insert is skipped), the papers warning by the conditional update of the meeting that records it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import msgspec

from coresearch.domain.documents.documents import has_meeting_papers
from coresearch.domain.notifications import events
from coresearch.domain.notifications.papers import papers_due_at
from coresearch.domain.payments.benefit_notices import periods_to_warn
from coresearch.domain.work import notices as work
from coresearch.lib.crypto import Keyring
from coresearch.lib.db import transaction
from coresearch.settings import NotificationSettings

# The agreements allow up to 90 days ahead.
LONGEST_PAPERS_LEAD = timedelta(days=90)


class SweepReport(msgspec.Struct):
    """How many messages one sweep wrote."""

    meeting_reminders: int = 0
    task_reminders: int = 0
    papers_warnings: int = 0
    benefit_warnings: int = 0


class BenefitCheck(msgspec.Struct, frozen=True):
    """What the benefit-period warning needs: the keys to read benefit status, and the share."""

    keyring: Keyring
    share: float


async def sweep(
    *, now: datetime, settings: NotificationSettings, benefits: BenefitCheck | None = None
) -> SweepReport:
    """Write the reminders and warnings due at `now` (benefit warnings when `benefits` is given:
    once per person and period, to the person alone)."""
    report = SweepReport()
    meeting_window = timedelta(hours=settings.meeting_reminder_hours)
    for meeting in await work.upcoming_meetings(now=now, within=meeting_window):
        async with transaction():
            report.meeting_reminders += await events.meeting_reminder(meeting=meeting)
    # A task is due at the start of its day (UTC): remind when that is within the window.
    last_day = (now + timedelta(hours=settings.task_reminder_hours)).date()
    for task, assignees in await work.open_tasks_due(first=now.date(), last=last_day):
        async with transaction():
            report.task_reminders += await events.task_reminder(task=task, assignee_ids=assignees)
    for meeting in await work.unwarned_meetings(now=now, within=LONGEST_PAPERS_LEAD):
        due = await papers_due_at(meeting)
        if due is None or now < due[0]:
            continue
        async with transaction():
            if await has_meeting_papers(meeting["id"]):
                continue
            if await work.record_papers_warning(meeting_id=meeting["id"], moment=now):
                report.papers_warnings += await events.papers_missing(meeting=meeting, days_ahead=due[1])
    if benefits is not None:
        for period in await periods_to_warn(today=now.date(), keyring=benefits.keyring, share=benefits.share):
            async with transaction():
                report.benefit_warnings += await events.benefit_warning(
                    coresearcher_id=period.coresearcher_id, starts_on=period.starts_on, ends_on=period.ends_on
                )
    return report
