"""`GET /me/export`: everything the service holds about the caller, as one document.

The export reads every area's tables itself rather than through each area's services: it must
cover every table that names a person, and `COVERED` and `EXCLUDED` below are checked against the
schema by `tests/test_export.py`, so a new table naming a user fails until it is placed in one.
"""

from __future__ import annotations

from typing import Any

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.accounts.service import actor_of
from coresearch.domain.accounts.tables import Role, User
from coresearch.domain.agreements.tables import Agreement, AgreementVersion
from coresearch.domain.audit import service as audit
from coresearch.domain.audit.tables import AuditEntry
from coresearch.domain.coresearchers import profiles
from coresearch.domain.coresearchers.tables import ConsentDecision, Training
from coresearch.domain.documents.tables import Document
from coresearch.domain.involvement.tables import ActivityParticipant, EvaluationParticipation
from coresearch.domain.notifications.tables import Notification, NotificationPreference
from coresearch.domain.payments.tables import Claim, ClaimLine, Expense, TimeEntry
from coresearch.domain.privacy import schemas as s
from coresearch.domain.projects.tables import Membership
from coresearch.domain.recruitment.tables import Candidate
from coresearch.domain.work.tables import Attendance, TaskAssignee
from coresearch.lib.crypto import Keyring
from coresearch.lib.db import transaction
from coresearch.lib.records import now, one

# Every column that names a user, and the section of the export that shows it.
COVERED = {
    "agreements.coresearcher": "agreements",
    "agreement_versions.accepted_by": "agreements",
    "audit_log.actor_id": "audit",
    "candidates.user": "candidates",
    "coresearcher_consents.user": "consents",
    "coresearcher_profiles.user": "profile",
    "coresearcher_training.user": "training",
    "documents.coresearcher": "documents",
    "documents.uploaded_by": "documents",
    "project_members.user": "memberships",
    "task_assignees.user": "tasks",
    "meeting_attendance.user": "meetings",
    "activity_participants.user": "activities",
    "evaluation_participations.user": "evaluations",
    "time_entries.coresearcher": "time_entries",
    "expenses.coresearcher": "expenses",
    "claims.coresearcher": "claims",
    "notifications.recipient": "notifications",
    "notification_preferences.user": "notification_preferences",
}
# Columns that name a user but are not exported, and why. `evaluation_answers` has no user
# column at all: answers are anonymous by design, so not even the export can link them back.
STAFF_ACT = "a staff member's act on project records; the audit section lists the caller's acts"
EXCLUDED = {
    "auth_tokens.user": "session token ids are credentials, not data about the person",
    "invites.user": "invite token hashes are credentials",
    "agreements.contact_person": "names staff as contact on another person's agreement",
    "agreements.created_by": STAFF_ACT,
    "agreements.terminated_by": STAFF_ACT,
    "coresearcher_training.recorded_by": STAFF_ACT,
    "document_versions.uploaded_by": STAFF_ACT,
    "projects.created_by": STAFF_ACT,
    "tasks.created_by": STAFF_ACT,
    "meetings.created_by": STAFF_ACT,
    "activities.created_by": STAFF_ACT,
    "evaluation_rounds.created_by": STAFF_ACT,
    "openings.created_by": STAFF_ACT,
    "candidates.created_by": STAFF_ACT,
    "candidate_moves.moved_by": STAFF_ACT,
    "time_entries.recorded_by": STAFF_ACT,
    "expenses.recorded_by": STAFF_ACT,
    "claims.created_by": STAFF_ACT,
    "claims.attested_by": STAFF_ACT,
    "claims.approved_by": STAFF_ACT,
    "claims.rejected_by": STAFF_ACT,
    "claims.paid_by": STAFF_ACT,
    "report_texts.saved_by": STAFF_ACT,
}


async def _account(user_id: Any) -> s.ExportAccount:
    row = await one(User.select().where(User.id == user_id).first())
    return s.ExportAccount(
        id=row["id"],
        email=row["email"],
        full_name=row["full_name"],
        role=row["role"],
        is_active=row["is_active"],
        has_password=row["password_hash"] is not None,
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        password_changed_at=row["password_changed_at"],
    )


async def _agreements(user_id: Any) -> list[s.ExportAgreement]:
    rows = (
        await Agreement.select(
            Agreement.id,
            Agreement.project.as_alias("project_id"),
            Agreement.role_title,
            Agreement.status,
            Agreement.version,
            Agreement.starts_on,
            Agreement.ends_on,
            Agreement.sent_at,
            Agreement.terminated_at,
            Agreement.termination_reason,
        )
        .where(Agreement.coresearcher == user_id)
        .order_by(Agreement.created_at)
    )
    versions = (
        await AgreementVersion.select(
            AgreementVersion.agreement,
            AgreementVersion.version,
            AgreementVersion.text,
            AgreementVersion.accepted_at,
        )
        .where(AgreementVersion.agreement.is_in([row["id"] for row in rows] or [None]))
        .order_by(AgreementVersion.version)
    )
    return [
        s.ExportAgreement(
            **row,
            accepted_versions=s.rows_to(
                [v for v in versions if v["agreement"] == row["id"]], s.ExportAcceptedVersion
            ),
        )
        for row in rows
    ]


async def _sections(user_id: Any, email: str) -> dict[str, list[Any]]:
    consents = (
        await ConsentDecision.select(
            ConsentDecision.scope, ConsentDecision.granted, ConsentDecision.decided_at
        )
        .where(ConsentDecision.user == user_id)
        .order_by(ConsentDecision.decided_at)
    )
    training = (
        await Training.select(
            Training.id,
            Training.project.as_alias("project_id"),
            Training.title,
            Training.completed_on,
            Training.minutes,
            Training.provider,
            Training.created_at,
        )
        .where(Training.user == user_id)
        .order_by(Training.completed_on)
    )
    memberships = (
        await Membership.select(
            Membership.project.as_alias("project_id"),
            Membership.project.title.as_alias("project_title"),
            Membership.role,
            Membership.created_at.as_alias("since"),
        )
        .where(Membership.user == user_id)
        .order_by(Membership.created_at)
    )
    tasks = (
        await TaskAssignee.select(
            TaskAssignee.task.as_alias("id"),
            TaskAssignee.task.project.as_alias("project_id"),
            TaskAssignee.task.title.as_alias("title"),
            TaskAssignee.task.status.as_alias("status"),
            TaskAssignee.task.due_on.as_alias("due_on"),
        )
        .where(TaskAssignee.user == user_id)
        .order_by(TaskAssignee.task.created_at)
    )
    meetings = (
        await Attendance.select(
            Attendance.meeting.as_alias("meeting_id"),
            Attendance.meeting.project.as_alias("project_id"),
            Attendance.meeting.title.as_alias("title"),
            Attendance.meeting.starts_at.as_alias("starts_at"),
            Attendance.attended,
            Attendance.mode,
        )
        .where(Attendance.user == user_id)
        .order_by(Attendance.meeting.starts_at)
    )
    activities = (
        await ActivityParticipant.select(
            ActivityParticipant.activity.as_alias("activity_id"),
            ActivityParticipant.activity.project.as_alias("project_id"),
            ActivityParticipant.activity.kind.as_alias("kind"),
            ActivityParticipant.activity.occurred_on.as_alias("occurred_on"),
            ActivityParticipant.activity.minutes.as_alias("minutes"),
            ActivityParticipant.activity.summary.as_alias("summary"),
            ActivityParticipant.confirmed,
            ActivityParticipant.activity.meeting.as_alias("meeting_id"),
        )
        .where(ActivityParticipant.user == user_id)
        .order_by(ActivityParticipant.activity.occurred_on)
    )
    evaluations = (
        await EvaluationParticipation.select(
            EvaluationParticipation.round.as_alias("round_id"),
            EvaluationParticipation.round.project.as_alias("project_id"),
            EvaluationParticipation.round.title.as_alias("title"),
        )
        .where(EvaluationParticipation.user == user_id)
        .order_by(EvaluationParticipation.round.opened_on)
    )
    candidates = (
        await Candidate.select(
            Candidate.id,
            Candidate.project.as_alias("project_id"),
            Candidate.full_name,
            Candidate.email,
            Candidate.phone,
            Candidate.source,
            Candidate.status,
            Candidate.note,
            Candidate.created_at,
        )
        .where((Candidate.user == user_id) | (Candidate.email == email))
        .order_by(Candidate.created_at)
    )
    documents = (
        await Document.select(
            Document.id,
            Document.project.as_alias("project_id"),
            Document.title,
            Document.kind,
            Document.created_at,
        )
        .where((Document.coresearcher == user_id) | (Document.uploaded_by == user_id))
        .order_by(Document.created_at)
    )
    time_entries = (
        await TimeEntry.select(
            TimeEntry.id,
            TimeEntry.project.as_alias("project_id"),
            TimeEntry.worked_on,
            TimeEntry.minutes,
            TimeEntry.mode,
            TimeEntry.source,
            TimeEntry.meeting.as_alias("meeting_id"),
            TimeEntry.description,
            TimeEntry.claim_id,
            TimeEntry.created_at,
        )
        .where(TimeEntry.coresearcher == user_id)
        .order_by(TimeEntry.worked_on)
    )
    expenses = (
        await Expense.select(
            Expense.id,
            Expense.project.as_alias("project_id"),
            Expense.incurred_on,
            Expense.kind,
            Expense.amount_ore,
            Expense.description,
            Expense.receipt_document.as_alias("receipt_document_id"),
            Expense.claim_id,
            Expense.created_at,
        )
        .where(Expense.coresearcher == user_id)
        .order_by(Expense.incurred_on)
    )
    claims = (
        await Claim.select(
            Claim.id,
            Claim.project.as_alias("project_id"),
            Claim.period_start,
            Claim.period_end,
            Claim.status,
            Claim.total_ore,
            Claim.created_at,
            Claim.approved_at,
            Claim.paid_on,
            Claim.reject_reason,
        )
        .where(Claim.coresearcher == user_id)
        .order_by(Claim.created_at)
    )
    lines: dict[Any, list[dict[str, Any]]] = {claim["id"]: [] for claim in claims}
    if lines:
        for line in (
            await ClaimLine.select().where(ClaimLine.claim.is_in(list(lines))).order_by(ClaimLine.day)
        ):
            lines[line["claim"]].append(line)
    claims = [{**claim, "lines": lines[claim["id"]]} for claim in claims]
    notifications = (
        await Notification.select(
            Notification.id,
            Notification.kind,
            Notification.subject,
            Notification.body_text,
            Notification.channel,
            Notification.status.as_alias("delivery"),
            Notification.created_at,
            Notification.sent_at,
            Notification.read_at,
        )
        .where(Notification.recipient == user_id)
        .order_by(Notification.created_at)
    )
    preferences = await NotificationPreference.select(
        NotificationPreference.language, NotificationPreference.channels, NotificationPreference.updated_at
    ).where(NotificationPreference.user == user_id)
    entries = (
        await AuditEntry.select(AuditEntry.action, AuditEntry.entity, AuditEntry.occurred_at)
        .where(AuditEntry.actor_id == user_id)
        .order_by(AuditEntry.occurred_at)
    )
    return {
        "consents": s.rows_to(consents, s.ExportConsent),
        "training": s.rows_to(training, s.ExportTraining),
        "agreements": await _agreements(user_id),
        "memberships": s.rows_to(memberships, s.ExportMembership),
        "tasks": s.rows_to(tasks, s.ExportTask),
        "meetings": s.rows_to(meetings, s.ExportAttendance),
        "activities": s.rows_to(activities, s.ExportActivity),
        "evaluations": s.rows_to(evaluations, s.ExportEvaluation),
        "candidates": s.rows_to(candidates, s.ExportCandidate),
        "documents": s.rows_to(documents, s.ExportDocument),
        "time_entries": s.rows_to(time_entries, s.ExportTimeEntry),
        "expenses": s.rows_to(expenses, s.ExportExpense),
        "claims": s.rows_to(claims, s.ExportClaim),
        "audit": s.rows_to(entries, s.ExportAuditEntry),
        "notifications": s.rows_to(notifications, s.ExportNotification),
        "notification_preferences": s.rows_to(preferences, s.ExportNotificationPreferences),
    }


async def export_person(*, principal: Principal, keyring: Keyring) -> s.PersonalExport:
    """Everything held about the caller, read in one transaction (a consistent picture), audited."""
    async with transaction():
        moment = now()
        account = await _account(principal.id)
        profile = None
        if principal.role == Role.co_researcher:
            profile = await profiles.get_profile(
                principal=principal, coresearcher_id=principal.id, keyring=keyring
            )
        sections = await _sections(principal.id, account.email)
        await audit.record(
            actor=actor_of(principal), action="person.export", entity="user", entity_id=principal.id
        )
    return s.PersonalExport(exported_at=moment, account=account, profile=profile, **sections)
