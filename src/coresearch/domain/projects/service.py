"""Projects, their members and phases. Every change is audited in its transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.accounts.service import actor_of
from coresearch.domain.accounts.tables import Role, User
from coresearch.domain.audit import service as audit
from coresearch.domain.audit.service import Actor
from coresearch.domain.projects import schemas as s
from coresearch.domain.projects.access import (
    LEAD_ONLY,
    STAFF,
    has_oversight,
    project_access,
)
from coresearch.domain.projects.tables import (
    MemberRole,
    Membership,
    Phase,
    Project,
    ProjectPhase,
    ProjectStatus,
)
from coresearch.lib.db import transaction
from coresearch.lib.pagination import Page, check_limit, keyset, page_of
from coresearch.lib.problems import Conflict, NotFound, Unprocessable
from coresearch.lib.records import locked, now, one, set_fields

NEXT_STATUS = {
    ProjectStatus.planning: ProjectStatus.active,
    ProjectStatus.active: ProjectStatus.completed,
    ProjectStatus.completed: ProjectStatus.archived,
}
PROJECT_FIELDS = (
    "title",
    "summary",
    "funder",
    "grant_reference",
    "ethics_reference",
    "starts_on",
    "ends_on",
    "involvement_budget_ore",
    "status",
)


def _to_project(row: dict[str, Any], my_role: MemberRole | None = None) -> s.Project:
    return msgspec.convert({**row, "my_role": my_role}, s.Project)


def _check_dates(starts_on: Any, ends_on: Any) -> None:
    if ends_on < starts_on:
        raise Unprocessable(
            "The project cannot end before it starts",
            errors=[{"field": "ends_on", "message": "must be on or after starts_on"}],
        )


async def create_project(*, principal: Principal, data: s.ProjectCreate) -> s.Project:
    """Register a project, make the caller its lead and create its six phases."""
    _check_dates(data.starts_on, data.ends_on)
    async with transaction():
        moment = now()
        project = Project(
            **msgspec.structs.asdict(data), created_by=principal.id, created_at=moment, updated_at=moment
        )
        await project.save()
        await Membership.insert(Membership(project=project.id, user=principal.id, role=MemberRole.lead.value))
        await ProjectPhase.insert(
            *[
                ProjectPhase(project=project.id, phase=phase.value, position=index)
                for index, phase in enumerate(Phase, 1)
            ]
        )
        row = await one(Project.select().where(Project.id == project.id).first())
        await audit.record(
            actor=actor_of(principal),
            action="project.create",
            entity="project",
            entity_id=project.id,
            after={name: row[name] for name in PROJECT_FIELDS},
        )
    return _to_project(row, MemberRole.lead)


async def get_project(*, principal: Principal, project_id: UUID) -> s.Project:
    """Return a project the caller may see."""
    access = await project_access(principal=principal, project_id=project_id)
    row = await one(Project.select().where(Project.id == project_id).first())
    return _to_project(row, access.member_role)


async def list_projects(*, principal: Principal, filters: s.ProjectFilters) -> Page[s.Project]:
    """Return the projects the caller may see, oldest first."""
    check_limit(filters.limit)
    memberships = {
        row["project"]: MemberRole(row["role"])
        for row in await Membership.select(Membership.project, Membership.role).where(
            Membership.user == principal.id
        )
    }
    query = Project.select()
    if not has_oversight(principal):
        if not memberships:
            return Page(items=[], next_cursor=None)
        query = query.where(Project.id.is_in(list(memberships)))
    if filters.status is not None:
        query = query.where(Project.status == filters.status.value)
    query = keyset(query, filters.cursor, sort=Project.created_at, sort_type=datetime, id_column=Project.id)
    rows = await query.limit(filters.limit + 1)
    return page_of(
        rows,
        filters.limit,
        sort_key="created_at",
        convert=lambda row: _to_project(row, memberships.get(row["id"])),
    )


async def update_project(*, principal: Principal, project_id: UUID, data: s.ProjectUpdate) -> s.Project:
    """Change a project (lead); status moves one step forward only."""
    access = await project_access(principal=principal, project_id=project_id, allowed=LEAD_ONLY)
    changes = set_fields(data)
    async with transaction():
        # Locked: a status move and the audit's "before" must see the latest committed state.
        before = await one(locked(Project.select().where(Project.id == project_id)).first())
        if "status" in changes:
            current, wanted = ProjectStatus(before["status"]), ProjectStatus(changes["status"])
            if wanted != current and NEXT_STATUS.get(current) != wanted:
                raise Conflict(f"A {current.value} project cannot become {wanted.value}")
        _check_dates(changes.get("starts_on", before["starts_on"]), changes.get("ends_on", before["ends_on"]))
        after = await audit.update_audited(
            Project,
            before=before,
            changes=changes,
            actor=actor_of(principal),
            action="project.update",
            entity="project",
            fields=PROJECT_FIELDS,
        )
    return _to_project(after, access.member_role)


async def list_members(*, principal: Principal, project_id: UUID) -> list[s.Member]:
    """Return the members of a project (project staff and leaders only)."""
    await project_access(principal=principal, project_id=project_id, allowed=STAFF)
    rows = await (
        Membership.select(
            Membership.user.as_alias("user_id"),
            Membership.user.full_name.as_alias("full_name"),
            Membership.role,
            Membership.created_at.as_alias("joined_at"),
        )
        .where(Membership.project == project_id)
        .order_by(Membership.created_at)
    )
    return [msgspec.convert(row, s.Member) for row in rows]


async def _lock_leads(project_id: UUID) -> set[UUID]:
    """Lock the project's lead memberships, in id order, and return the leads' user ids.

    Every change to a project's members locks this set first, so two leads removed or demoted at
    once (or two adds of one person) run one after the other and the second sees the first's
    change: a project keeps at least one lead (SQLite: the IMMEDIATE transaction is the lock).
    """
    rows = await locked(
        Membership.select(Membership.user)
        .where((Membership.project == project_id) & (Membership.role == MemberRole.lead.value))
        .order_by(Membership.id)
    )
    return {row["user"] for row in rows}


async def _locked_membership(project_id: UUID, user_id: UUID) -> dict[str, Any] | None:
    return await locked(
        Membership.select().where((Membership.project == project_id) & (Membership.user == user_id))
    ).first()


async def put_member(*, principal: Principal, project_id: UUID, user_id: UUID, data: s.MemberPut) -> s.Member:
    """Add a member or change their role (lead)."""
    await project_access(principal=principal, project_id=project_id, allowed=LEAD_ONLY)
    async with transaction():
        leads = await _lock_leads(project_id)
        user = await User.select(User.full_name, User.role, User.is_active).where(User.id == user_id).first()
        if user is None or not user["is_active"]:
            raise NotFound("No such user")
        if user["role"] == Role.co_researcher.value and data.role != MemberRole.co_researcher:
            raise Unprocessable(
                "A co-researcher account can only be a co-researcher member",
                errors=[{"field": "role", "message": "must be co_researcher for this user"}],
            )
        existing = await _locked_membership(project_id, user_id)
        if existing is None:
            await Membership.insert(Membership(project=project_id, user=user_id, role=data.role.value))
        elif existing["role"] != data.role.value:
            if existing["role"] == MemberRole.lead.value and not leads - {user_id}:
                raise Conflict("This is the project's only lead; make another lead first")
            await Membership.update({Membership.role: data.role.value}).where(Membership.id == existing["id"])
        if existing is None or existing["role"] != data.role.value:
            await audit.record(
                actor=actor_of(principal),
                action="project.member_put",
                entity="project",
                entity_id=project_id,
                before={"member": str(user_id), "role": existing["role"]} if existing else None,
                after={"member": str(user_id), "role": data.role.value},
            )
        row = await one(
            Membership.select(Membership.created_at)
            .where((Membership.project == project_id) & (Membership.user == user_id))
            .first()
        )
    return s.Member(user_id=user_id, full_name=user["full_name"], role=data.role, joined_at=row["created_at"])


async def join_as_coresearcher(*, actor: Actor, project_id: UUID, user_id: UUID) -> bool:
    """Make a co-researcher account a co-researcher member, in the caller's transaction (the
    caller has checked its access); True when added, False when already a member."""
    if await _locked_membership(project_id, user_id) is not None:
        return False
    await Membership.insert(Membership(project=project_id, user=user_id, role=MemberRole.co_researcher.value))
    await audit.record(
        actor=actor,
        action="project.member_put",
        entity="project",
        entity_id=project_id,
        after={"member": str(user_id), "role": MemberRole.co_researcher.value},
    )
    return True


async def remove_member(*, principal: Principal, project_id: UUID, user_id: UUID) -> None:
    """Remove a member (lead); the only lead cannot be removed."""
    await project_access(principal=principal, project_id=project_id, allowed=LEAD_ONLY)
    async with transaction():
        leads = await _lock_leads(project_id)
        existing = await _locked_membership(project_id, user_id)
        if existing is None:
            raise NotFound("No such member")
        if existing["role"] == MemberRole.lead.value and not leads - {user_id}:
            raise Conflict("This is the project's only lead; make another lead first")
        await Membership.delete().where(Membership.id == existing["id"])
        await audit.record(
            actor=actor_of(principal),
            action="project.member_remove",
            entity="project",
            entity_id=project_id,
            before={"member": str(user_id), "role": existing["role"]},
        )


async def end_coresearcher_membership(*, project_id: UUID, user_id: UUID) -> bool:
    """Delete the person's co-researcher membership of the project; False when they hold none.

    Runs in the caller's transaction (a withdrawal), which checks who may act and audits it.
    A lead or researcher membership is never ended here.
    """
    await _lock_leads(project_id)
    existing = await _locked_membership(project_id, user_id)
    if existing is None or existing["role"] != MemberRole.co_researcher.value:
        return False
    await Membership.delete().where(Membership.id == existing["id"])
    return True


async def list_phases(*, principal: Principal, project_id: UUID) -> list[s.ProjectPhase]:
    """Return the six phases of a project, in research order."""
    await project_access(principal=principal, project_id=project_id)
    rows = (
        await ProjectPhase.select().where(ProjectPhase.project == project_id).order_by(ProjectPhase.position)
    )
    return [msgspec.convert(row, s.ProjectPhase) for row in rows]


async def update_phase(
    *, principal: Principal, project_id: UUID, phase: str, data: s.ProjectPhaseUpdate
) -> s.ProjectPhase:
    """Plan or record one phase (lead)."""
    await project_access(principal=principal, project_id=project_id, allowed=LEAD_ONLY)
    if phase not in Phase.__members__:
        raise NotFound("No such phase")
    changes = set_fields(data)
    async with transaction():
        query = ProjectPhase.select().where(
            (ProjectPhase.project == project_id) & (ProjectPhase.phase == phase)
        )
        before = await one(locked(query).first())
        after = await audit.update_audited(
            ProjectPhase,
            before=before,
            changes=changes,
            actor=actor_of(principal),
            action="phase.update",
            entity="project",
            entity_id=project_id,
            fields=("planned_level", "status", "notes", "budget_ore"),
            about={"phase": phase},
        )
    return msgspec.convert(after, s.ProjectPhase)


async def leads_and_member(*, project_id: UUID, user_id: UUID) -> list[s.Member]:
    """The project's leads and `user_id`'s own membership, if any, longest-standing first, in one
    query: who may sign for the project, and since when the person has been a member (the
    certificate of participation reads it; the caller has checked access)."""
    rows = await (
        Membership.select(
            Membership.user.as_alias("user_id"),
            Membership.user.full_name.as_alias("full_name"),
            Membership.role,
            Membership.created_at.as_alias("joined_at"),
        )
        .where(
            (Membership.project == project_id)
            & ((Membership.role == MemberRole.lead.value) | (Membership.user == user_id))
        )
        .order_by(Membership.created_at)
        .order_by(Membership.id)
    )
    return [msgspec.convert(row, s.Member) for row in rows]
