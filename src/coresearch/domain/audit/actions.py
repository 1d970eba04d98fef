"""The audit log's vocabulary: every action a row may name, fixed in code.

An action says what kind of thing happened, never to whom or to which row: ids belong in
`entity_id` and `changes`, where the log can be filtered and masked. `record` refuses any other
action, so an id (or any other value) can never enter an action name.
"""

from enum import StrEnum


class AuditAction(StrEnum):
    """What an audit row records."""

    user_create = "user.create"
    user_update = "user.update"
    user_password_change = "user.password_change"  # noqa: S105 (an action name, not a secret)
    invite_create = "invite.create"
    invite_accept = "invite.accept"
    auth_login = "auth.login"
    auth_logout = "auth.logout"
    project_create = "project.create"
    project_update = "project.update"
    project_member_put = "project.member_put"
    project_member_remove = "project.member_remove"
    phase_update = "phase.update"
    task_create = "task.create"
    task_update = "task.update"
    task_unassign = "task.unassign"
    meeting_create = "meeting.create"
    meeting_update = "meeting.update"
    meeting_attendance = "meeting.attendance"
    meeting_attendance_remove = "meeting.attendance_remove"
    activity_create = "activity.create"
    activity_update = "activity.update"
    activity_participant_confirm = "activity.participant_confirm"
    evaluation_round_create = "evaluation_round.create"
    evaluation_round_close = "evaluation_round.close"
    evaluation_round_participate = "evaluation_round.participate"
    document_create = "document.create"
    document_delete = "document.delete"
    document_version_add = "document.version_add"
    storage_check_orphan_delete = "storage_check.orphan_delete"
    storage_check_version_remove = "storage_check.version_remove"
    storage_check_document_remove = "storage_check.document_remove"
    storage_check_current_version_set = "storage_check.current_version_set"
    coresearcher_profile_create = "coresearcher_profile.create"
    coresearcher_profile_update = "coresearcher_profile.update"
    consent_decide = "consent.decide"
    training_create = "training.create"
    coresearcher_withdraw = "coresearcher.withdraw"
    data_keys_rotate = "data_keys.rotate"
    agreement_create = "agreement.create"
    agreement_update = "agreement.update"
    agreement_send = "agreement.send"
    agreement_accept = "agreement.accept"
    agreement_terminate = "agreement.terminate"
    opening_create = "opening.create"
    candidate_create = "candidate.create"
    candidate_update = "candidate.update"
    candidate_accept = "candidate.accept"
    person_export = "person.export"
    person_erase = "person.erase"
    rate_table_create = "rate_table.create"
    time_entry_create = "time_entry.create"
    time_entry_update = "time_entry.update"
    time_entry_delete = "time_entry.delete"
    expense_create = "expense.create"
    claim_create = "claim.create"
    claim_attest = "claim.attest"
    claim_approve = "claim.approve"
    claim_reject = "claim.reject"
    claim_mark_paid = "claim.mark_paid"
    payroll_export = "payroll.export"
    payroll_mark_exported = "payroll.mark_exported"
    certificate_issue = "certificate.issue"
    report_text_save = "report_text.save"


ACTIONS = frozenset(action.value for action in AuditAction)
