"""What a notification can be about, and the topics people choose a channel for.

A person chooses per topic (`Topic`); each message kind belongs to one. Agreements and payments
cannot be turned off: at least the portal keeps them (a person must be able to see that a claim
was rejected or that an agreement waits for them).
"""

from enum import StrEnum


class Kind(StrEnum):
    """What one message tells."""

    task_assigned = "task_assigned"
    task_due_changed = "task_due_changed"
    task_reminder = "task_reminder"
    meeting_scheduled = "meeting_scheduled"
    meeting_moved = "meeting_moved"
    meeting_cancelled = "meeting_cancelled"
    meeting_reminder = "meeting_reminder"
    meeting_papers = "meeting_papers"
    papers_missing = "papers_missing"
    agreement_sent = "agreement_sent"
    claim_attested = "claim_attested"
    claim_approved = "claim_approved"
    claim_paid = "claim_paid"
    claim_rejected = "claim_rejected"
    benefit_warning = "benefit_warning"


class Topic(StrEnum):
    """What a person sets a channel for."""

    tasks = "tasks"
    meetings = "meetings"
    meeting_papers = "meeting_papers"
    reminders = "reminders"
    agreements = "agreements"
    payments = "payments"
    benefits = "benefits"


TOPIC_OF: dict[Kind, Topic] = {
    Kind.task_assigned: Topic.tasks,
    Kind.task_due_changed: Topic.tasks,
    Kind.task_reminder: Topic.reminders,
    Kind.meeting_scheduled: Topic.meetings,
    Kind.meeting_moved: Topic.meetings,
    Kind.meeting_cancelled: Topic.meetings,
    Kind.meeting_reminder: Topic.reminders,
    Kind.meeting_papers: Topic.meeting_papers,
    Kind.papers_missing: Topic.meeting_papers,
    Kind.agreement_sent: Topic.agreements,
    Kind.claim_attested: Topic.payments,
    Kind.claim_approved: Topic.payments,
    Kind.claim_paid: Topic.payments,
    Kind.claim_rejected: Topic.payments,
    Kind.benefit_warning: Topic.benefits,
}

# Topics that cannot be off: the portal keeps them at least.
ALWAYS_KEPT = frozenset({Topic.agreements, Topic.payments})
