"""Tables of the co-researchers area: protected profiles, training records and consent decisions.

Every table points at the person's user row, so export and erasure find everything about a
person by `user`. Columns named in `ENCRYPTED_COLUMNS` hold `lib.crypto` values, never plaintext.
"""

from enum import Enum

from piccolo.columns import UUID, Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from coresearch.domain.accounts.tables import User
from coresearch.domain.projects.tables import Project


class ExperienceKind(str, Enum):
    """Whose lived experience: one's own, or as a relative."""

    own = "own"
    relative = "relative"


class BenefitStatus(str, Enum):
    """The benefit a co-researcher receives; AAP is reduced by paid hours per 14-day period."""

    none = "none"
    aap = "aap"
    disability = "disability"
    other = "other"


class PaymentRoute(str, Enum):
    """How fees are paid: through the institution's payroll, or invoiced (own enterprise)."""

    payroll = "payroll"
    invoice = "invoice"


class AgeBand(str, Enum):
    """Self-reported age band, for representation counts."""

    under_25 = "under_25"
    age_25_39 = "25_39"
    age_40_54 = "40_54"
    age_55_66 = "55_66"
    age_67_plus = "67_plus"


class Gender(str, Enum):
    """Self-reported gender, for representation counts."""

    woman = "woman"
    man = "man"
    other = "other"


class OrganisationType(str, Enum):
    """Self-reported kind of organisation one comes through, for representation counts."""

    user_organisation = "user_organisation"
    relatives_organisation = "relatives_organisation"
    user_council = "user_council"
    none = "none"
    other = "other"


class ConsentScope(str, Enum):
    """What a co-researcher may allow to be disclosed, and where."""

    name_in_reports = "name_in_reports"
    organisation_in_reports = "organisation_in_reports"
    experience_in_reports = "experience_in_reports"
    name_in_publications = "name_in_publications"


class Profile(Table, tablename="coresearcher_profiles"):
    """A co-researcher's profile, one per user (`user` is unique).

    Name and e-mail stay on the user row. `benefit_period_anchor` is the first day of one of the
    person's 14-day benefit reporting periods (meldekort), from which the payments area counts
    periods; `payment_route` and the encrypted `benefit_status` drive payroll classification.
    """

    id = UUID(primary_key=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False, unique=True, index=True)
    phone = Varchar(length=40, default="")
    organisation = Varchar(length=200, default="")
    experience_kind = Varchar(length=20, choices=ExperienceKind, null=True, default=None)
    experience_summary = Text(null=True, default=None)
    national_id = Text(null=True, default=None)
    bank_account = Text(null=True, default=None)
    benefit_status = Text(null=True, default=None)
    payment_route = Varchar(length=20, choices=PaymentRoute, null=True, default=None)
    benefit_period_anchor = Date(null=True, default=None)
    needs_large_print = Boolean(default=False)
    needs_breaks = Boolean(default=False)
    needs_companion = Boolean(default=False)
    accessibility_notes = Text(default="")
    age_band = Varchar(length=20, choices=AgeBand, null=True, default=None)
    gender = Varchar(length=20, choices=Gender, null=True, default=None)
    organisation_type = Varchar(length=30, choices=OrganisationType, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Training(Table, tablename="coresearcher_training"):
    """A course or onboarding a co-researcher completed.

    Training time is paid work: the payments area's time entries will point at the record they
    pay (`time_entries.training`, nullable), so one record is paid at most once. `project` names
    the project that pays, when there is one.
    """

    id = UUID(primary_key=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False, index=True)
    project = ForeignKey(Project, on_delete=OnDelete.set_null, null=True, default=None, index=True)
    title = Varchar(length=300)
    completed_on = Date()
    minutes = Integer()
    provider = Varchar(length=200, default="")
    recorded_by = UUID(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class ConsentDecision(Table, tablename="coresearcher_consents"):
    """One decision to grant or withdraw a consent scope; rows are only ever added.

    The latest `decided_at` per (user, scope) is the current state; the service keeps those
    timestamps strictly increasing per scope, so "latest" is never a tie.
    """

    id = UUID(primary_key=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False, index=True)
    scope = Varchar(length=40, choices=ConsentScope)
    granted = Boolean()
    decided_at = Timestamptz(default=TimestamptzNow())


ENCRYPTED_COLUMNS = {Profile: ("national_id", "bank_account", "experience_summary", "benefit_status")}
