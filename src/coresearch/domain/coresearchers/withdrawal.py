"""A co-researcher leaves a project (the person, or the project's leads).

In one transaction: the membership ends, the person is taken off the project's open tasks, their
attendance at meetings yet to start is removed and their sent or active agreements there are
terminated ("withdrew"). What happened stays: done tasks, past attendance, activities, accepted
agreement texts, training and the audit log.
"""

from __future__ import annotations

from uuid import UUID

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.accounts.service import actor_of
from coresearch.domain.agreements import lifecycle as agreements
from coresearch.domain.audit import service as audit
from coresearch.domain.coresearchers import schemas as s
from coresearch.domain.projects import service as projects
from coresearch.domain.projects.access import project_access
from coresearch.domain.projects.tables import MemberRole
from coresearch.domain.work import withdrawal as work
from coresearch.lib.db import transaction
from coresearch.lib.problems import Forbidden, NotFound
from coresearch.lib.records import now


async def withdraw(*, principal: Principal, project_id: UUID, coresearcher_id: UUID) -> s.Withdrawal:
    """End a co-researcher's membership of a project and release what they were due to do.

    Raises:
        NotFound: the caller may not see the project or the person, or the person is not a
            co-researcher member of it.
        Forbidden: a researcher of the project (they see the person, but may not act).
    """
    access = await project_access(principal=principal, project_id=project_id)
    if principal.id != coresearcher_id and access.acting_role != MemberRole.lead:
        if access.acting_role == MemberRole.researcher:
            raise Forbidden("Only the person or the project's leads may end a membership")
        raise NotFound("No such co-researcher in this project")
    actor = actor_of(principal)
    async with transaction():
        moment = now()
        if not await projects.end_coresearcher_membership(project_id=project_id, user_id=coresearcher_id):
            raise NotFound("No such co-researcher in this project")
        released = await work.release_member(project_id=project_id, user_id=coresearcher_id, actor=actor)
        terminated = await agreements.terminate_on_withdrawal(
            project_id=project_id, coresearcher_id=coresearcher_id, actor=actor
        )
        await audit.record(
            actor=actor,
            action="coresearcher.withdraw",
            entity="project",
            entity_id=project_id,
            before={"role": MemberRole.co_researcher.value},
            after={
                "role": None,
                "tasks_unassigned": len(released.task_ids),
                "meetings_attendance_removed": len(released.meeting_ids),
                "agreements_terminated": len(terminated),
            },
            about={"member": str(coresearcher_id)},
        )
    return s.Withdrawal(
        project_id=project_id,
        coresearcher_id=coresearcher_id,
        withdrawn_at=moment,
        tasks_unassigned=released.task_ids,
        meetings_attendance_removed=released.meeting_ids,
        agreements_terminated=terminated,
    )
