"""Masking an erased person's values in the audit log (its one permitted change, migration 0018)."""

from __future__ import annotations

import re
from collections.abc import Iterable

import msgspec

from coresearch.domain.audit.service import MASK
from coresearch.domain.audit.tables import AuditEntry
from coresearch.lib.db import current_engine

# Shorter values would mask unrelated words of other people's rows.
MIN_CHARS = 3


def _as_stored(value: str) -> str:
    """The value as it appears inside the log's JSON text (escaped as msgspec writes it)."""
    return msgspec.json.encode(value).decode()[1:-1]


def _like(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def mask_in_audit_log(values: Iterable[str]) -> int:
    """Replace every occurrence of `values` in audit rows' `changes` with `***`; return the rows
    changed. Runs in the caller's transaction (the erasure), case-insensitively."""
    stored = sorted(
        {_as_stored(v.strip()) for v in values if len(v.strip()) >= MIN_CHARS}, key=len, reverse=True
    )
    if not stored:
        return 0
    postgres = current_engine().engine_type == "postgres"
    text, match = ("changes::text", "ILIKE") if postgres else ("changes", "LIKE")
    conditions = " OR ".join(f"{text} {match} {{}} ESCAPE '\\'" for _ in stored)
    if postgres:
        await AuditEntry.raw("SELECT set_config('coresearch.erasing', 'on', true)")
    rows = await AuditEntry.raw(
        f"SELECT id, {text} AS changes FROM audit_log WHERE {conditions}",
        *[_like(value) for value in stored],
    )
    pattern = re.compile("|".join(re.escape(value) for value in stored), re.IGNORECASE)
    for row in rows:
        masked = pattern.sub(MASK, row["changes"])
        await AuditEntry.update({AuditEntry.changes: masked}).where(AuditEntry.id == row["id"])
    return len(rows)
