"""One function per event that notifies, called by the area that makes the change, inside its
transaction (after the change, before the commit). Each picks the people concerned and nobody
else: a task's assignees, a meeting's project members, a claim's or an agreement's co-researcher
only (nobody else's amounts), the project's leads for missing papers.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from coresearch.domain.notifications import audience
from coresearch.domain.notifications.calendar import MeetingEvent
from coresearch.domain.notifications.kinds import Kind
from coresearch.domain.notifications.messages import Money
from coresearch.domain.notifications.outbox import notify
from coresearch.domain.projects.tables import MemberRole

CLAIM_KINDS = {
    "attested": Kind.claim_attested,
    "approved": Kind.claim_approved,
    "paid": Kind.claim_paid,
    "rejected": Kind.claim_rejected,
}


async def _task_notice(
    kind: Kind, task: dict[str, Any], recipients: list[UUID], actor_id: UUID | None
) -> None:
    if not recipients:
        return
    await notify(
        kind=kind,
        recipients=recipients,
        facts={
            "title": task["title"],
            "project": await audience.project_title(task["project"]),
            "due": task["due_on"],
        },
        project_id=task["project"],
        entity="task",
        entity_id=task["id"],
        actor_id=actor_id,
    )


async def task_created(*, task: dict[str, Any], assignee_ids: list[UUID], actor_id: UUID | None) -> None:
    """Tell the people a new task is assigned to."""
    await _task_notice(Kind.task_assigned, task, assignee_ids, actor_id)


async def task_changed(
    *,
    before: dict[str, Any],
    after: dict[str, Any],
    before_assignees: list[UUID],
    after_assignees: list[UUID],
    actor_id: UUID | None,
) -> None:
    """Tell people newly assigned to a task, and the others still on it when its due date moved."""
    added = [user_id for user_id in after_assignees if user_id not in before_assignees]
    await _task_notice(Kind.task_assigned, after, added, actor_id)
    if before["due_on"] != after["due_on"]:
        kept = [user_id for user_id in after_assignees if user_id in before_assignees]
        await _task_notice(Kind.task_due_changed, after, kept, actor_id)


async def _meeting_event(meeting: dict[str, Any], *, cancelled: bool = False) -> MeetingEvent:
    organiser = await audience.person(meeting["created_by"]) or ("coresearch", "coresearch@localhost")
    return MeetingEvent(
        meeting_id=meeting["id"],
        sequence=meeting["sequence"],
        title=meeting["title"],
        starts_at=meeting["starts_at"],
        ends_at=meeting["ends_at"],
        location=meeting["location"],
        description=meeting["agenda"],
        organizer_name=organiser[0],
        organizer_email=organiser[1],
        cancelled=cancelled,
    )


async def _meeting_notice(kind: Kind, meeting: dict[str, Any], actor_id: UUID | None) -> None:
    await notify(
        kind=kind,
        recipients=await audience.members(meeting["project"]),
        facts={
            "title": meeting["title"],
            "project": await audience.project_title(meeting["project"]),
            "starts_at": meeting["starts_at"],
            "ends_at": meeting["ends_at"],
            "location": meeting["location"],
        },
        project_id=meeting["project"],
        entity="meeting",
        entity_id=meeting["id"],
        meeting=await _meeting_event(meeting, cancelled=kind == Kind.meeting_cancelled),
        actor_id=actor_id,
    )


# A meeting "moves" for its attendees when one of these changes; the calendar event follows.
MOVING_FIELDS = ("starts_at", "ends_at", "location", "title")


def moves(before: dict[str, Any], changes: dict[str, Any]) -> bool:
    """Whether `changes` to the meeting `before` change what its calendar event says."""
    return any(name in changes and changes[name] != before[name] for name in MOVING_FIELDS)


async def meeting_scheduled(*, meeting: dict[str, Any], actor_id: UUID | None) -> None:
    """Invite the project's members to a new meeting (with the calendar event)."""
    await _meeting_notice(Kind.meeting_scheduled, meeting, actor_id)


async def meeting_changed(*, before: dict[str, Any], after: dict[str, Any], actor_id: UUID | None) -> None:
    """Tell the project's members a meeting's time or place changed (the same calendar event,
    a higher SEQUENCE); other changes (agenda, phase) send nothing."""
    if after["sequence"] != before["sequence"]:
        await _meeting_notice(Kind.meeting_moved, after, actor_id)


async def meeting_cancelled(*, meeting: dict[str, Any], actor_id: UUID | None) -> None:
    """Tell the project's members a meeting is cancelled (the calendar event is cancelled)."""
    await _meeting_notice(Kind.meeting_cancelled, meeting, actor_id)


async def meeting_papers_attached(
    *, meeting: dict[str, Any], document: dict[str, Any], actor_id: UUID | None
) -> None:
    """Tell the members who may see the document that a meeting's papers are there."""
    visibility = document["visibility"]
    if visibility == "team":
        recipients = await audience.members(meeting["project"])
    elif visibility == "coresearcher":
        staff = await audience.members(meeting["project"], MemberRole.lead, MemberRole.researcher)
        recipients = staff + ([document["coresearcher"]] if document["coresearcher"] else [])
    else:
        recipients = await audience.members(meeting["project"], MemberRole.lead)
    await notify(
        kind=Kind.meeting_papers,
        recipients=recipients,
        facts={
            "title": meeting["title"],
            "project": await audience.project_title(meeting["project"]),
            "starts_at": meeting["starts_at"],
            "document": document["title"],
        },
        project_id=meeting["project"],
        entity="meeting",
        entity_id=meeting["id"],
        actor_id=actor_id,
    )


async def papers_missing(*, meeting: dict[str, Any], days_ahead: int) -> int:
    """Warn the project's leads, once per meeting time, that its papers are missing."""
    return await notify(
        kind=Kind.papers_missing,
        recipients=await audience.members(meeting["project"], MemberRole.lead),
        facts={
            "title": meeting["title"],
            "project": await audience.project_title(meeting["project"]),
            "starts_at": meeting["starts_at"],
            "days_ahead": days_ahead,
        },
        project_id=meeting["project"],
        entity="meeting",
        entity_id=meeting["id"],
        dedupe=f"papers_missing:{meeting['id']}:{meeting['starts_at'].isoformat()}",
    )


async def meeting_reminder(*, meeting: dict[str, Any]) -> int:
    """Remind the project's members of a meeting, once per meeting time."""
    return await notify(
        kind=Kind.meeting_reminder,
        recipients=await audience.members(meeting["project"]),
        facts={
            "title": meeting["title"],
            "project": await audience.project_title(meeting["project"]),
            "starts_at": meeting["starts_at"],
            "location": meeting["location"],
        },
        project_id=meeting["project"],
        entity="meeting",
        entity_id=meeting["id"],
        dedupe=f"meeting_reminder:{meeting['id']}:{meeting['starts_at'].isoformat()}",
    )


async def task_reminder(*, task: dict[str, Any], assignee_ids: list[UUID]) -> int:
    """Remind a task's assignees of its due date, once per due date."""
    return await notify(
        kind=Kind.task_reminder,
        recipients=assignee_ids,
        facts={
            "title": task["title"],
            "project": await audience.project_title(task["project"]),
            "due": task["due_on"],
        },
        project_id=task["project"],
        entity="task",
        entity_id=task["id"],
        dedupe=f"task_reminder:{task['id']}:{task['due_on'].isoformat()}",
    )


async def agreement_sent(*, agreement: dict[str, Any], actor_id: UUID | None) -> None:
    """Tell the co-researcher an agreement waits for their acceptance."""
    await notify(
        kind=Kind.agreement_sent,
        recipients=[agreement["coresearcher"]],
        facts={
            "project": await audience.project_title(agreement["project"]),
            "role_title": agreement["role_title"],
        },
        project_id=agreement["project"],
        entity="agreement",
        entity_id=agreement["id"],
        actor_id=actor_id,
    )


async def claim_moved(
    *,
    claim_id: UUID,
    project_id: UUID,
    coresearcher_id: UUID,
    status: str,
    period: tuple[date, date],
    total_ore: int,
    expected_on: date | None = None,
    paid_on: date | None = None,
    reason: str = "",
    actor_id: UUID | None,
) -> None:
    """Tell the co-researcher a claim of theirs moved (their own amount only)."""
    await notify(
        kind=CLAIM_KINDS[status],
        recipients=[coresearcher_id],
        facts={
            "project": await audience.project_title(project_id),
            "period_start": period[0],
            "period_end": period[1],
            "total": Money(total_ore),
            "expected_on": expected_on,
            "paid_on": paid_on,
            "reason": reason,
        },
        project_id=project_id,
        entity="claim",
        entity_id=claim_id,
        actor_id=actor_id,
    )


async def benefit_warning(*, coresearcher_id: UUID, starts_on: date, ends_on: date) -> int:
    """Warn a co-researcher, once per period, that their paid hours near their limit."""
    return await notify(
        kind=Kind.benefit_warning,
        recipients=[coresearcher_id],
        facts={"starts_on": starts_on, "ends_on": ends_on},
        entity="benefit_period",
        dedupe=f"benefit_warning:{starts_on.isoformat()}",
    )


def reminder_due(moment: datetime, starts_at: datetime, hours: int) -> bool:
    """Whether a reminder `hours` before `starts_at` is due at `moment` (and the start is ahead)."""
    return moment < starts_at and (starts_at - moment).total_seconds() <= hours * 3600
