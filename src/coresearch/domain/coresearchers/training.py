"""Training records: courses and onboarding a co-researcher completed (recorded by a lead)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import msgspec

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.accounts.service import actor_of
from coresearch.domain.audit import service as audit
from coresearch.domain.coresearchers import schemas as s
from coresearch.domain.coresearchers.access import Relation, standing
from coresearch.domain.coresearchers.tables import Training
from coresearch.domain.payments.sources import sync_source
from coresearch.domain.payments.tables import EntrySource
from coresearch.domain.projects.tables import MemberRole
from coresearch.lib.db import transaction
from coresearch.lib.pagination import Page, Paging, keyset, page_of
from coresearch.lib.problems import Unprocessable
from coresearch.lib.records import one

FIELDS = ("title", "completed_on", "minutes", "provider", "project")


def _to_training(row: dict[str, Any]) -> s.Training:
    return msgspec.convert({**row, "coresearcher_id": row["user"], "project_id": row["project"]}, s.Training)


async def record_training(
    *, principal: Principal, coresearcher_id: UUID, data: s.TrainingCreate
) -> s.Training:
    """Record completed training (a lead of the person's projects); a given project must be one
    the caller leads and the person belongs to."""
    place = await standing(principal=principal, coresearcher_id=coresearcher_id)
    place.require(Relation.lead)
    if data.project_id is not None and place.projects.get(data.project_id) != MemberRole.lead:
        raise Unprocessable(
            "Training is paid by a project you lead and the co-researcher belongs to",
            errors=[{"field": "project_id", "message": "not a project you lead with this co-researcher"}],
        )
    async with transaction():
        training = Training(
            user=coresearcher_id,
            project=data.project_id,
            title=data.title,
            completed_on=data.completed_on,
            minutes=data.minutes,
            provider=data.provider,
            recorded_by=principal.id,
        )
        await training.save()
        row = await one(Training.select().where(Training.id == training.id).first())
        await audit.record(
            actor=actor_of(principal),
            action="training.create",
            entity="training",
            entity_id=training.id,
            after={"coresearcher_id": str(coresearcher_id), **{name: row[name] for name in FIELDS}},
        )
        if data.project_id is not None:
            # Training is paid work: the project's time entry (inside an active agreement).
            await sync_source(
                actor=actor_of(principal),
                project_id=data.project_id,
                source=EntrySource.training,
                record_id=training.id,
                people={coresearcher_id: (data.completed_on, data.minutes)},
                description=data.title,
            )
    return _to_training(row)


async def list_training(*, principal: Principal, coresearcher_id: UUID, filters: Paging) -> Page[s.Training]:
    """Return the person's training, most recent first (the person and their leads)."""
    place = await standing(principal=principal, coresearcher_id=coresearcher_id)
    place.require(Relation.self, Relation.lead)
    query = keyset(
        Training.select().where(Training.user == coresearcher_id),
        filters.cursor,
        sort=Training.completed_on,
        sort_type=date,
        id_column=Training.id,
        descending=True,
    )
    rows = await query.limit(filters.limit + 1)
    return page_of(rows, filters.limit, sort_key="completed_on", convert=_to_training)


async def training_for_project(*, coresearcher_id: UUID, project_id: UUID) -> list[s.Training]:
    """The person's training paid by the project or by no project (general onboarding), earliest
    first, in one query (the certificate of participation reads it; the caller has checked
    access). Training another project paid for belongs to that project's certificate."""
    rows = await (
        Training.select()
        .where(
            (Training.user == coresearcher_id)
            & ((Training.project == project_id) | Training.project.is_null())
        )
        .order_by(Training.completed_on)
        .order_by(Training.id)
    )
    return [_to_training(row) for row in rows]
