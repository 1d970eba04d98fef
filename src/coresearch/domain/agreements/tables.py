"""Tables of the agreements area: agreements with co-researchers and their accepted versions."""

from enum import Enum

from piccolo.columns import UUID, Array, Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from coresearch.domain.accounts.tables import User
from coresearch.domain.projects.tables import Project


class AgreementStatus(str, Enum):
    """Life cycle of an agreement: draft → sent → active → ended or terminated.

    `ended` is never stored: an active agreement whose `ends_on` has passed is shown as ended.
    """

    draft = "draft"
    sent = "sent"
    active = "active"
    ended = "ended"
    terminated = "terminated"


class Agreement(Table, tablename="agreements"):
    """The terms a project offers one co-researcher, as the latest `version`.

    `accepted_version` is the version in force (null until the first acceptance); a change to an
    accepted version makes `version` one higher, to be accepted again. `revision` counts every
    change, so a client can say which state it acted on. `rate_table_id` names a rate table version
    of the payments area, checked by its service on create and PATCH (no foreign key: it would
    rebuild this table on SQLite; docs/decisions.md).
    """

    id = UUID(primary_key=True)
    project = ForeignKey(Project, on_delete=OnDelete.cascade, null=False, index=True)
    coresearcher = ForeignKey(User, on_delete=OnDelete.cascade, null=False, index=True)
    role_title = Varchar(length=200)
    mandate = Text(default="")
    phases = Array(base_column=Varchar(length=20))
    starts_on = Date()
    ends_on = Date()
    rate_table_id = UUID(null=True, default=None)
    expected_hours = Integer(null=True, default=None)
    pay_terms = Text(default="")
    confidentiality = Boolean(default=True)
    papers_days_ahead = Integer(default=7)
    meeting_terms = Text(default="")
    contact_person = ForeignKey(User, on_delete=OnDelete.set_null, null=True, default=None)
    certificate_promised = Boolean(default=True)
    references_offered = Boolean(default=True)
    status = Varchar(length=20, choices=AgreementStatus, default=AgreementStatus.draft.value)
    version = Integer(default=1)
    accepted_version = Integer(null=True, default=None)
    revision = Integer(default=1)
    sent_at = Timestamptz(null=True, default=None)
    terminated_at = Timestamptz(null=True, default=None)
    terminated_by = UUID(null=True, default=None)
    termination_reason = Text(default="")
    created_by = UUID(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class AgreementVersion(Table, tablename="agreement_versions"):
    """One accepted version: the exact text accepted, by whom and when (unique per agreement and
    version, by migration 0012_agreements_integrity). Never changed after it is written."""

    id = UUID(primary_key=True)
    agreement = ForeignKey(Agreement, on_delete=OnDelete.cascade, null=False, index=True)
    version = Integer()
    text = Text()
    accepted_at = Timestamptz()
    accepted_by = UUID(null=True, default=None)
