"""Key rotation: re-encrypt every protected value under the newest data key.

Rows are taken in id order, a batch per transaction with the rows locked, so a run that stops
keeps what it finished and the next run skips values already under the newest key.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec

from coresearch.domain.audit import service as audit
from coresearch.domain.audit.service import SYSTEM
from coresearch.domain.coresearchers.tables import ENCRYPTED_COLUMNS
from coresearch.lib.crypto import Keyring, context
from coresearch.lib.db import transaction
from coresearch.lib.records import locked

DEFAULT_BATCH = 200


class RotationReport(msgspec.Struct):
    """What a run did: rows looked at, rows re-encrypted, rows already under the newest key."""

    key_id: str
    rows_checked: int = 0
    re_encrypted: int = 0
    already_current: int = 0


async def _rotate_batch(
    table: Any,
    columns: tuple[str, ...],
    keyring: Keyring,
    after: UUID | None,
    size: int,
    report: RotationReport,
) -> UUID | None:
    """Re-encrypt one batch of `table` after id `after`; return the last id seen (None: done)."""
    async with transaction():
        query = table.select(table.id, *(table._meta.get_column_by_name(c) for c in columns)).order_by(
            table.id
        )
        if after is not None:
            query = query.where(table.id > after)
        rows = await locked(query.limit(size))
        changed = 0
        for row in rows:
            updates = {}
            for column in columns:
                stored = row[column]
                if stored is None or keyring.is_current(stored):
                    continue
                aad = context(table._meta.tablename, row["id"], column)
                # KeyMissing propagates: this batch rolls back, earlier batches stay done.
                updates[column] = keyring.encrypt(keyring.decrypt(stored, aad=aad), aad=aad)
            if updates:
                await table.update(updates).where(table.id == row["id"])
                changed += 1
        report.rows_checked += len(rows)
        report.re_encrypted += changed
        report.already_current += len(rows) - changed
        if changed:
            await audit.record(
                actor=SYSTEM,
                action="data_keys.rotate",
                entity=table._meta.tablename,
                entity_id=keyring.current_key_id,
                after={"rows_re_encrypted": changed},
            )
    return rows[-1]["id"] if len(rows) == size else None


async def rotate_keys(*, keyring: Keyring, batch_size: int = DEFAULT_BATCH) -> RotationReport:
    """Re-encrypt every protected value not under the newest key; safe to run again.

    Raises:
        KeyMissing: a value's key is not configured; batches before it are committed.
    """
    report = RotationReport(key_id=keyring.current_key_id)
    for table, columns in ENCRYPTED_COLUMNS.items():
        last: UUID | None = None
        while True:
            last = await _rotate_batch(table, columns, keyring, last, batch_size, report)
            if last is None:
                break
    return report
