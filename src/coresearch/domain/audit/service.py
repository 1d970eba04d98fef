"""The one audit writer: call it inside the transaction that makes the change."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec
import structlog

from coresearch.domain.audit.actions import ACTIONS
from coresearch.domain.audit.tables import AuditEntry
from coresearch.lib.pagination import Page, check_limit, decode_datetime_cursor, page_of

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


class AuditEntryOut(msgspec.Struct):
    """One audit row as the API shows it."""

    id: UUID
    occurred_at: datetime
    actor_id: UUID | None
    actor_role: str | None
    action: str
    entity: str
    entity_id: str
    changes: dict[str, Any]
    request_id: str | None


def _to_out(row: dict[str, Any]) -> AuditEntryOut:
    changes = row["changes"]
    if isinstance(changes, str):
        changes = msgspec.json.decode(changes)
    return AuditEntryOut(**{**row, "changes": changes})


async def list_entries(
    *,
    limit: int,
    cursor: str | None,
    entity: str | None = None,
    entity_id: str | None = None,
    actor_id: UUID | None = None,
) -> Page[AuditEntryOut]:
    """Return audit rows, newest first, filtered by entity, entity id and actor."""
    check_limit(limit)
    query = AuditEntry.select().order_by(AuditEntry.occurred_at, AuditEntry.id, ascending=False)
    if entity:
        query = query.where(AuditEntry.entity == entity)
    if entity_id:
        query = query.where(AuditEntry.entity_id == entity_id)
    if actor_id:
        query = query.where(AuditEntry.actor_id == actor_id)
    if cursor:
        at, last_id = decode_datetime_cursor(cursor)
        query = query.where(
            (AuditEntry.occurred_at < at) | ((AuditEntry.occurred_at == at) & (AuditEntry.id < last_id))
        )
    rows = await query.limit(limit + 1)
    return page_of(rows, limit, sort_key="occurred_at", convert=_to_out)
