"""Tables of the recruitment area: openings, candidates and every move of a candidate.

A candidate's name, e-mail, phone and note are personal data of someone who is not (yet) a user:
only the project's leads read them (`service.candidate_in_reach`).
"""

from enum import Enum

from piccolo.columns import UUID, Array, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from coresearch.domain.accounts.tables import User
from coresearch.domain.projects.tables import Project


class CandidateSource(str, Enum):
    """Where a candidate came from: the channels a lead compares."""

    user_organisation = "user_organisation"
    user_council = "user_council"
    nav = "nav"
    self_referral = "self_referral"
    other = "other"


class CandidateStatus(str, Enum):
    """The pipeline: identified → contacted → interviewed → offered → accepted, or declined /
    withdrawn from any open step."""

    identified = "identified"
    contacted = "contacted"
    interviewed = "interviewed"
    offered = "offered"
    accepted = "accepted"
    declined = "declined"
    withdrawn = "withdrawn"


class Opening(Table, tablename="openings"):
    """A place for co-researchers a project recruits for."""

    id = UUID(primary_key=True)
    project = ForeignKey(Project, on_delete=OnDelete.cascade, null=False, index=True)
    title = Varchar(length=200)
    description = Text(default="")
    experience_sought = Text(default="")
    phases = Array(base_column=Varchar(length=20))
    positions = Integer(default=1)
    closes_on = Date(null=True, default=None)
    created_by = UUID(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Candidate(Table, tablename="candidates"):
    """A person a project considers; `user` is set when the candidate is accepted (one e-mail per
    project, by migration 0017_recruitment_integrity)."""

    id = UUID(primary_key=True)
    project = ForeignKey(Project, on_delete=OnDelete.cascade, null=False, index=True)
    opening = ForeignKey(Opening, on_delete=OnDelete.set_null, null=True, default=None)
    full_name = Varchar(length=200)
    email = Varchar(length=320)
    phone = Varchar(length=40, default="")
    source = Varchar(length=20, choices=CandidateSource)
    note = Text(default="")
    status = Varchar(length=20, choices=CandidateStatus, default=CandidateStatus.identified.value)
    user = ForeignKey(User, on_delete=OnDelete.set_null, null=True, default=None)
    created_by = UUID(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class CandidateMove(Table, tablename="candidate_moves"):
    """One move in a candidate's pipeline: from which status to which, by whom, when, and why.
    The first row (`from_status` null) records the candidate being identified."""

    id = UUID(primary_key=True)
    candidate = ForeignKey(Candidate, on_delete=OnDelete.cascade, null=False, index=True)
    from_status = Varchar(length=20, null=True, default=None)
    to_status = Varchar(length=20)
    note = Text(default="")
    moved_by = UUID(null=True, default=None)
    moved_at = Timestamptz(default=TimestamptzNow())
