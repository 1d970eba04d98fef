"""Tables of the projects area: projects, their members and their six research phases."""

from enum import Enum

from piccolo.columns import UUID, BigInt, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from coresearch.domain.accounts.tables import User


class ProjectStatus(str, Enum):
    """Life cycle of a project: planning → active → completed → archived."""

    planning = "planning"
    active = "active"
    completed = "completed"
    archived = "archived"


class MemberRole(str, Enum):
    """Role of a person in one project."""

    lead = "lead"
    researcher = "researcher"
    co_researcher = "co_researcher"


class Phase(str, Enum):
    """The research phases where involvement is tracked, in order."""

    topic = "topic"
    design = "design"
    informants = "informants"
    data_collection = "data_collection"
    analysis = "analysis"
    dissemination = "dissemination"


class Level(str, Enum):
    """IAP2 levels of involvement, lowest first."""

    inform = "inform"
    consult = "consult"
    involve = "involve"
    collaborate = "collaborate"
    lead = "lead"


class PhaseStatus(str, Enum):
    """Progress of one phase."""

    not_started = "not_started"
    ongoing = "ongoing"
    done = "done"
    skipped = "skipped"


class Project(Table, tablename="projects"):
    """A research project with co-researchers."""

    id = UUID(primary_key=True)
    title = Varchar(length=300)
    summary = Text(default="")
    funder = Varchar(length=200)
    grant_reference = Varchar(length=100)
    ethics_reference = Varchar(length=100, null=True, default=None)
    starts_on = Date()
    ends_on = Date()
    involvement_budget_ore = BigInt(null=True, default=None)
    status = Varchar(length=20, choices=ProjectStatus, default=ProjectStatus.planning.value)
    created_by = UUID(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    updated_at = Timestamptz(default=TimestamptzNow())


class Membership(Table, tablename="project_members"):
    """A person's role in a project; the basis of object-level access.

    Unique per (project, user): a unique index made by migration 0003 (SQLite cannot add
    constraints to a table, so the index is created with raw SQL that both engines accept).
    """

    id = UUID(primary_key=True)
    project = ForeignKey(Project, on_delete=OnDelete.cascade, null=False, index=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False, index=True)
    role = Varchar(length=20, choices=MemberRole)
    created_at = Timestamptz(default=TimestamptzNow())


class ProjectPhase(Table, tablename="project_phases"):
    """One of the six phases of a project, with its planned level of involvement and its share
    of the involvement budget (`budget_ore`; the project's `involvement_budget_ore` is the total)."""

    id = UUID(primary_key=True)
    project = ForeignKey(Project, on_delete=OnDelete.cascade, null=False, index=True)
    phase = Varchar(length=20, choices=Phase)
    position = Integer()
    planned_level = Varchar(length=20, choices=Level, null=True, default=None)
    status = Varchar(length=20, choices=PhaseStatus, default=PhaseStatus.not_started.value)
    notes = Text(default="")
    budget_ore = BigInt(null=True, default=None)
    updated_at = Timestamptz(default=TimestamptzNow())
