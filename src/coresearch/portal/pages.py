"""The co-researcher's work pages: home, tasks, meetings (with their papers), payments, impact."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, SkipValidation
from litestar.response import Redirect, Stream, Template

from coresearch.domain.accounts.tables import Role
from coresearch.domain.documents import documents, versions
from coresearch.domain.documents import schemas as document_schemas
from coresearch.domain.involvement import activities
from coresearch.domain.involvement import schemas as involvement_schemas
from coresearch.domain.payments import benefits, claims
from coresearch.domain.payments import schemas as payment_schemas
from coresearch.domain.work import meetings, tasks
from coresearch.domain.work import schemas as work_schemas
from coresearch.domain.work.tables import TaskStatus
from coresearch.lib.crypto import keyring_for
from coresearch.lib.pagination import MAX_LIMIT
from coresearch.lib.problems import NotFound
from coresearch.lib.records import now, today
from coresearch.lib.storage import DocumentStore, attachment_disposition, released_chunks
from coresearch.portal import views
from coresearch.portal.forms import form_of
from coresearch.portal.session import PORTAL_PATH
from coresearch.portal.web import AnyRequest, Viewer, render, see_other
from coresearch.settings import Settings

Store = NamedDependency[SkipValidation[DocumentStore]]
# Benefit periods shown on the payments page: about the last half year.
BENEFIT_HISTORY_DAYS = 182


async def _warning(viewer: Viewer, settings: Settings) -> payment_schemas.BenefitWarning | None:
    return await benefits.my_benefit_warning(
        principal=viewer,
        today=today(),
        keyring=keyring_for(settings.data_keys),
        share=settings.aap_warning_share,
    )


def _worth_showing(periods: benefits.BenefitPeriods) -> list[benefits.BenefitPeriod]:
    """The current period first, then earlier ones with paid or waiting minutes."""
    newest_first = list(reversed(periods.items))
    return newest_first[:1] + [p for p in newest_first[1:] if p.paid_minutes or p.pending_minutes]


class WorkPages(Controller):
    """`/portal/`, tasks, meetings, payments and impact of the signed-in co-researcher."""

    path = PORTAL_PATH

    @get("/", name="portal:home")
    async def home(
        self, request: AnyRequest, viewer: Viewer, settings: NamedDependency[Settings]
    ) -> Template:
        """Next meeting, open tasks, latest payment and a benefit-period warning."""
        if viewer.role is not Role.co_researcher:
            return render(request, "staff.html", viewer=viewer)
        project_list = await views.my_projects(viewer)
        moment = now()
        upcoming = [
            m for m in await views.meetings_from(viewer, project_list, today()) if m.ends_at >= moment
        ]
        open_tasks = [
            task
            for task in (
                await tasks.list_my_tasks(
                    principal=viewer, filters=work_schemas.MyTaskFilters(limit=MAX_LIMIT)
                )
            ).items
            if task.status is not TaskStatus.done
        ]
        payments = await claims.my_payments(principal=viewer, filters=payment_schemas.PaymentFilters(limit=1))
        return render(
            request,
            "home.html",
            viewer=viewer,
            next_meeting=upcoming[0] if upcoming else None,
            open_tasks=open_tasks[:5],
            open_task_count=len(open_tasks),
            latest_payment=payments.items[0] if payments.items else None,
            warning=await _warning(viewer, settings),
            projects={project.id: project for project in project_list},
        )

    @get("/tasks", name="portal:tasks")
    async def task_list(self, request: AnyRequest, viewer: Viewer) -> Template:
        """The visitor's tasks: open ones first, then those done."""
        page = await tasks.list_my_tasks(
            principal=viewer, filters=work_schemas.MyTaskFilters(limit=MAX_LIMIT)
        )
        project_list = await views.my_projects(viewer)
        return render(
            request,
            "tasks.html",
            viewer=viewer,
            open_tasks=[task for task in page.items if task.status is not TaskStatus.done],
            done_tasks=[task for task in page.items if task.status is TaskStatus.done],
            projects={project.id: project for project in project_list},
            changed=request.query_params.get("changed"),
        )

    @post("/tasks/{task_id:uuid}/status")
    async def set_task_status(self, request: AnyRequest, viewer: Viewer, task_id: FromPath[UUID]) -> Redirect:
        """Mark one's task in progress or done (the assignee may change only the status)."""
        form = await form_of(request)
        try:
            status = TaskStatus(form.get("status", ""))
        except ValueError:
            raise NotFound("No such status") from None
        await tasks.update_task(
            principal=viewer, task_id=task_id, data=work_schemas.TaskUpdate(status=status)
        )
        return see_other(f"{PORTAL_PATH}/tasks?changed={status.value}#notice")

    @get("/meetings", name="portal:meetings")
    async def meeting_list(self, request: AnyRequest, viewer: Viewer) -> Template:
        """Coming meetings, then those of the last three months."""
        project_list = await views.my_projects(viewer)
        found = await views.meetings_from(viewer, project_list, views.recent_start(today()))
        moment = now()
        return render(
            request,
            "meetings.html",
            viewer=viewer,
            upcoming=[m for m in found if m.ends_at >= moment],
            past=list(reversed([m for m in found if m.ends_at < moment])),
            projects={project.id: project for project in project_list},
        )

    @get("/meetings/{meeting_id:uuid}", name="portal:meeting")
    async def meeting(self, request: AnyRequest, viewer: Viewer, meeting_id: FromPath[UUID]) -> Template:
        """One meeting: time, place, length, breaks, agenda, papers (what the visitor may see)."""
        found = await meetings.get_meeting(principal=viewer, meeting_id=meeting_id)
        papers = await documents.list_documents(
            principal=viewer,
            project_id=found.project_id,
            filters=document_schemas.DocumentFilters(meeting_id=meeting_id, limit=MAX_LIMIT),
        )
        minutes = int((found.ends_at - found.starts_at) / timedelta(minutes=1))
        return render(
            request,
            "meeting.html",
            viewer=viewer,
            meeting=found,
            papers=papers.items,
            minutes=minutes,
            past=found.ends_at < now(),
        )

    @get("/documents/{document_id:uuid}", name="portal:document")
    async def document(self, viewer: Viewer, document_id: FromPath[UUID], store: Store) -> Stream:
        """A paper's current version, with the API's visibility rule (404 for what is not theirs)."""
        found = await versions.find_version(principal=viewer, document_id=document_id)
        reader = await versions.open_content(store=store, version=found)
        return Stream(
            released_chunks(reader),
            media_type=found.content_type,
            headers={
                "Content-Type": found.content_type,
                "Content-Disposition": attachment_disposition(found.filename),
                "Cache-Control": "private, no-store",
            },
        )

    @get("/payments", name="portal:payments")
    async def payments(
        self, request: AnyRequest, viewer: Viewer, settings: NamedDependency[Settings]
    ) -> Template:
        """Claims with status, amount, expected date and lines; hours per benefit period on AAP."""
        page = await claims.my_payments(
            principal=viewer, filters=payment_schemas.PaymentFilters(limit=MAX_LIMIT)
        )
        periods = None
        if viewer.role is Role.co_researcher:
            day = today()
            periods = await benefits.benefit_periods(
                principal=viewer,
                coresearcher_id=viewer.id,
                first=day - timedelta(days=BENEFIT_HISTORY_DAYS),
                last=day,
                keyring=keyring_for(settings.data_keys),
                share=settings.aap_warning_share,
            )
        project_list = await views.my_projects(viewer)
        member_of = {project.id for project in project_list}
        claimed_in = {claim.project_id for claim in page.items} & member_of
        return render(
            request,
            "payments.html",
            viewer=viewer,
            claims=page.items,
            descriptions=await views.line_descriptions(viewer, claimed_in),
            periods=_worth_showing(periods) if periods is not None and periods.aap else None,
            warning=await _warning(viewer, settings),
            projects={project.id: project for project in project_list},
        )

    @get("/impact", name="portal:impact")
    async def impact(self, request: AnyRequest, viewer: Viewer) -> Template:
        """What changed because of the visitor: the activities they took part in."""
        page = await activities.list_my_impact(
            principal=viewer, filters=involvement_schemas.ImpactFilters(limit=MAX_LIMIT)
        )
        return render(request, "impact.html", viewer=viewer, entries=page.items)
