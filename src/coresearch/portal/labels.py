"""Plain-language names of the domain's stored values, as catalogue messages (templates
translate them with `_()`): no code word of the API reaches a page."""

from __future__ import annotations

from coresearch.portal.i18n import N_

TASK_STATUS = {"todo": N_("Not started"), "in_progress": N_("In progress"), "done": N_("Done")}
CLAIM_STATUS = {
    "submitted": N_("Sent in, waiting to be checked"),
    "attested": N_("Checked, waiting for approval"),
    "approved": N_("Approved, will be paid"),
    "paid": N_("Paid"),
    "rejected": N_("Not approved"),
}
AGREEMENT_STATUS = {
    "sent": N_("Waiting for you to accept"),
    "active": N_("Accepted and in force"),
    "ended": N_("Ended"),
    "terminated": N_("Ended early"),
    "draft": N_("Being written"),
}
LINE_KIND = {"time": N_("Work"), "expense": N_("Expense")}
PHASE = {
    "topic": N_("Choosing the topic"),
    "design": N_("Planning the study"),
    "informants": N_("Finding participants"),
    "data_collection": N_("Collecting information"),
    "analysis": N_("Understanding the results"),
    "dissemination": N_("Sharing the results"),
}
ACTIVITY_KIND = {
    "meeting": N_("Meeting"),
    "workshop": N_("Workshop"),
    "interview": N_("Interview"),
    "document_review": N_("Reading and commenting on a document"),
    "analysis_session": N_("Working with the results"),
    "presentation": N_("Presentation"),
    "other": N_("Other"),
}
# One plain sentence per consent scope (DOMAIN.md: disclosure is a consent per recipient).
CONSENT = {
    "name_in_reports": N_("Your name may be written in reports to the people who fund the project."),
    "organisation_in_reports": N_(
        "The organisation you come from may be named in reports to the people who fund the project."
    ),
    "experience_in_reports": N_(
        "Your experience may be told, without your name, in reports to the people who fund the project."
    ),
    "name_in_publications": N_(
        "Your name may be printed in articles and other publications, for example as a thank-you."
    ),
}
CONSENT_TITLE = {
    "name_in_reports": N_("Name in reports"),
    "organisation_in_reports": N_("Organisation in reports"),
    "experience_in_reports": N_("Experience in reports"),
    "name_in_publications": N_("Name in publications"),
}
# The four evaluation questions (DOMAIN.md), and the answer scale.
QUESTION = {
    "voice": N_("Did you feel that you were listened to?"),
    "contribute": N_("Could you contribute what you wanted to?"),
    "agenda": N_("Could you help decide what was talked about?"),
    "change": N_("Did your contribution change anything?"),
}
SCALE = {
    1: N_("Not at all"),
    2: N_("A little"),
    3: N_("Partly"),
    4: N_("Mostly"),
    5: N_("Completely"),
}

NOTIFICATION_TOPIC = {
    "tasks": N_("Tasks given to you, and new due dates"),
    "meetings": N_("Meetings planned, moved or cancelled"),
    "meeting_papers": N_("Papers for meetings"),
    "reminders": N_("Reminders before meetings and due dates"),
    "agreements": N_("Agreements for you to accept"),
    "payments": N_("Your claims and payments"),
    "benefits": N_("Warnings about paid hours per period"),
}
NOTIFICATION_CHANNEL = {
    "email": N_("By e-mail and in the portal"),
    "portal": N_("Only in the portal"),
    "off": N_("Not at all"),
}

ALL = {
    "task_status": TASK_STATUS,
    "claim_status": CLAIM_STATUS,
    "agreement_status": AGREEMENT_STATUS,
    "line_kind": LINE_KIND,
    "phase": PHASE,
    "activity_kind": ACTIVITY_KIND,
    "consent": CONSENT,
    "consent_title": CONSENT_TITLE,
    "question": QUESTION,
    "scale": SCALE,
    "notification_topic": NOTIFICATION_TOPIC,
    "notification_channel": NOTIFICATION_CHANNEL,
}
