"""What the pages show that no single service call answers: the visitor's projects, and their
meetings, agreements and evaluation rounds gathered across them (each through its service)."""

from __future__ import annotations

from datetime import date, timedelta

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.agreements import schemas as agreement_schemas
from coresearch.domain.agreements import service as agreements
from coresearch.domain.involvement import evaluations
from coresearch.domain.involvement import schemas as involvement_schemas
from coresearch.domain.projects import schemas as project_schemas
from coresearch.domain.projects import service as projects
from coresearch.domain.work import meetings
from coresearch.domain.work import schemas as work_schemas
from coresearch.lib.pagination import MAX_LIMIT, Paging

# Past meetings shown on the meetings page (the papers of recent ones are still wanted).
PAST_DAYS = 90


async def my_projects(viewer: Principal) -> list[project_schemas.Project]:
    """The projects the visitor is a member of."""
    page = await projects.list_projects(
        principal=viewer, filters=project_schemas.ProjectFilters(limit=MAX_LIMIT)
    )
    return [project for project in page.items if project.my_role is not None]


async def meetings_from(
    viewer: Principal, project_list: list[project_schemas.Project], first: date
) -> list[work_schemas.Meeting]:
    """The meetings of the visitor's projects from `first` on, by start time."""
    found: list[work_schemas.Meeting] = []
    for project in project_list:
        page = await meetings.list_meetings(
            principal=viewer,
            project_id=project.id,
            filters=work_schemas.MeetingFilters(from_day=first, limit=MAX_LIMIT),
        )
        found.extend(page.items)
    return sorted(found, key=lambda meeting: meeting.starts_at)


def recent_start(today: date) -> date:
    """The first day of the meetings page's past."""
    return today - timedelta(days=PAST_DAYS)


async def my_agreements(
    viewer: Principal, project_list: list[project_schemas.Project]
) -> list[agreement_schemas.Agreement]:
    """The visitor's own agreements in every project, newest first (drafts are the project's)."""
    found: list[agreement_schemas.Agreement] = []
    for project in project_list:
        page = await agreements.list_agreements(
            principal=viewer,
            project_id=project.id,
            filters=agreement_schemas.AgreementFilters(coresearcher_id=viewer.id, limit=MAX_LIMIT),
        )
        found.extend(item for item in page.items if item.status.value != "draft")
    return found


async def my_rounds(
    viewer: Principal, project_list: list[project_schemas.Project]
) -> list[involvement_schemas.EvaluationRound]:
    """The evaluation rounds of the visitor's projects, newest first."""
    found: list[involvement_schemas.EvaluationRound] = []
    for project in project_list:
        page = await evaluations.list_rounds(
            principal=viewer, project_id=project.id, filters=Paging(limit=MAX_LIMIT)
        )
        found.extend(page.items)
    return found
