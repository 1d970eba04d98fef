"""The audit log: one row per mutation, never updated or deleted through the service."""

from piccolo.columns import JSON, UUID, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class AuditEntry(Table, tablename="audit_log"):
    """Who did what to which entity, and what changed (sensitive values masked)."""

    id = UUID(primary_key=True)
    occurred_at = Timestamptz(default=TimestamptzNow(), index=True)
    actor_id = UUID(null=True, default=None, index=True)
    actor_role = Varchar(length=32, null=True, default=None)
    action = Varchar(length=64)
    entity = Varchar(length=64, index=True)
    entity_id = Varchar(length=64, index=True)
    changes = JSON(default="{}")
    request_id = Varchar(length=64, null=True, default=None)
