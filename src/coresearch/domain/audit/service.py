"""The one audit writer (call it inside the transaction that makes the change), the audited
update every service uses, and the audit log's list."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec
import structlog
from piccolo.columns import Column
from piccolo.table import Table

from coresearch.domain.audit.actions import ACTIONS
from coresearch.domain.audit.schemas import AuditEntryOut, AuditFilters
from coresearch.domain.audit.tables import AuditEntry
from coresearch.lib.pagination import Page, check_limit, keyset, page_of
from coresearch.lib.records import now, one

MASK = "***"
SENSITIVE_FIELDS = frozenset(
    {
        "password",
        "password_hash",
        "token",
        "token_hash",
        "access_token",
        "invite_token",
        "national_id",
        "bank_account",
        "experience_summary",
        "benefit_status",
        # Self-reported or benefit-revealing fields of a co-researcher's profile.
        "benefit_period_anchor",
        "age_band",
        "gender",
        "organisation_type",
    }
)


class Actor(msgspec.Struct, frozen=True):
    """Who acts: a user, or the system (CLI, start-up) when `id` is None."""

    id: UUID | None
    role: str


SYSTEM = Actor(id=None, role="system")


def _jsonable(value: Any) -> Any:
    return msgspec.to_builtins(value)


def changed_fields(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, Any]:
    """Return `{field: {before, after}}` for the fields that differ, masking sensitive values."""
    before, after = before or {}, after or {}
    changes: dict[str, Any] = {}
    for field in sorted(set(before) | set(after)):
        old, new = before.get(field), after.get(field)
        if old == new:
            continue
        if field in SENSITIVE_FIELDS:
            old, new = (MASK if old is not None else None), (MASK if new is not None else None)
        changes[field] = {"before": _jsonable(old), "after": _jsonable(new)}
    return changes


class UnknownAuditAction(ValueError):
    """An action outside the vocabulary in `domain/audit/actions.py`: a programming error."""


async def record(
    *,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: Any,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    about: dict[str, Any] | None = None,
) -> bool:
    """Write one audit row (in the caller's transaction, if there is one); True if written.

    `action` must be one of `AuditAction`. A change (`before` or `after` given) in which no field
    differs is not recorded: the log holds real changes only. `about` names the part of the entity
    a change concerns (which phase, whose attendance); it is kept with the row, never diffed.
    """
    if action not in ACTIONS:
        raise UnknownAuditAction(f"not an audit action: {action!r}")
    changes = changed_fields(before, after)
    if (before is not None or after is not None) and not changes:
        return False
    for field, value in sorted((about or {}).items()):
        changes[field] = {
            "before": _jsonable(value) if before is not None else None,
            "after": _jsonable(value) if after is not None else None,
        }
    request_id = structlog.contextvars.get_contextvars().get("request_id")
    await AuditEntry.insert(
        AuditEntry(
            actor_id=actor.id,
            actor_role=actor.role,
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            changes=msgspec.json.encode(changes).decode(),
            request_id=request_id,
        )
    )
    return True


async def update_audited(
    table: type[Table],
    *,
    before: dict[str, Any],
    changes: dict[str, Any],
    actor: Actor,
    action: str,
    entity: str,
    fields: Iterable[str],
    entity_id: Any = None,
    related: tuple[dict[str, Any], dict[str, Any]] = ({}, {}),
    about: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Apply `changes` to the row `before` and audit them; return the row as it now is.

    `before` is the row read with `lib.records.locked` in the caller's transaction, which this
    joins. Only values that differ count: when none does, in the row or in `related` (the before
    and after of what the caller changed in other tables, such as a task's assignees), nothing is
    written and no audit row added. Otherwise the row (with `updated_at`) and one audit row of
    `fields` and `related`, before and after, for `entity_id` (default: the row's id).
    """
    key = table._meta.primary_key
    real: dict[Column | str, Any] = {name: value for name, value in changes.items() if before[name] != value}
    related_before, related_after = related
    if not real and related_before == related_after:
        return before
    await table.update({**real, "updated_at": now()}).where(key == before[key._meta.name])
    after = await one(table.select().where(key == before[key._meta.name]).first())
    await record(
        actor=actor,
        action=action,
        entity=entity,
        entity_id=before[key._meta.name] if entity_id is None else entity_id,
        before={**{name: before[name] for name in fields}, **related_before},
        after={**{name: after[name] for name in fields}, **related_after},
        about=about,
    )
    return after


def _to_out(row: dict[str, Any]) -> AuditEntryOut:
    changes = row["changes"]
    if isinstance(changes, str):
        changes = msgspec.json.decode(changes)
    return AuditEntryOut(**{**row, "changes": changes})


async def list_entries(*, filters: AuditFilters) -> Page[AuditEntryOut]:
    """Return audit rows, newest first, filtered by entity, entity id and actor."""
    check_limit(filters.limit)
    query = AuditEntry.select()
    if filters.entity:
        query = query.where(AuditEntry.entity == filters.entity)
    if filters.entity_id:
        query = query.where(AuditEntry.entity_id == filters.entity_id)
    if filters.actor_id:
        query = query.where(AuditEntry.actor_id == filters.actor_id)
    query = keyset(
        query,
        filters.cursor,
        sort=AuditEntry.occurred_at,
        sort_type=datetime,
        id_column=AuditEntry.id,
        descending=True,
    )
    rows = await query.limit(filters.limit + 1)
    return page_of(rows, filters.limit, sort_key="occurred_at", convert=_to_out)
