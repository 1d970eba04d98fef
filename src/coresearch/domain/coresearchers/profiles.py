"""Co-researcher profiles: protected fields encrypted at rest and masked for all but a few.

National ID, bank account, lived-experience summary and benefit status are stored encrypted
(`lib.crypto`, bound to the row and column). They, the benefit-period anchor and the
self-reported representation answers are read only by the person and the leads of their
projects; everyone else who may see the profile gets null, with the field named in `masked` when
it holds a value. The audit log records that a protected field changed, never its value.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
import structlog

from coresearch.domain.accounts import service as accounts
from coresearch.domain.accounts.schemas import Principal, UserUpdate
from coresearch.domain.accounts.service import actor_of
from coresearch.domain.audit import service as audit
from coresearch.domain.coresearchers import identifiers
from coresearch.domain.coresearchers import schemas as s
from coresearch.domain.coresearchers.access import Relation, standing
from coresearch.domain.coresearchers.service import ensure_profile
from coresearch.domain.coresearchers.tables import ENCRYPTED_COLUMNS, Profile
from coresearch.lib.crypto import KeyMissing, Keyring, UndecryptableValue, context
from coresearch.lib.db import transaction
from coresearch.lib.problems import BadRequest, ServiceUnavailable
from coresearch.lib.records import locked, now, one, set_fields

logger = structlog.get_logger(__name__)

ENCRYPTED = ENCRYPTED_COLUMNS[Profile]
MASKED = (*ENCRYPTED, "benefit_period_anchor", "age_band", "gender", "organisation_type")
PLAIN = (
    "phone",
    "organisation",
    "experience_kind",
    "payment_route",
    "benefit_period_anchor",
    "age_band",
    "gender",
    "organisation_type",
    "needs_large_print",
    "needs_breaks",
    "needs_companion",
    "accessibility_notes",
)
ACCESSIBILITY_COLUMNS = {
    "large_print": "needs_large_print",
    "breaks": "needs_breaks",
    "companion": "needs_companion",
    "notes": "accessibility_notes",
}
IDENTIFIERS = {
    "national_id": identifiers.national_id_problem,
    "bank_account": identifiers.bank_account_problem,
}
EMPTY_ROW: dict[str, Any] = {
    **dict.fromkeys(MASKED),
    "phone": "",
    "organisation": "",
    "experience_kind": None,
    "payment_route": None,
    "needs_large_print": False,
    "needs_breaks": False,
    "needs_companion": False,
    "accessibility_notes": "",
    "updated_at": None,
}
# Stand-ins handed to the audit writer, which masks these fields: they differ, so the change shows.
BEFORE, AFTER = "previous value", "new value"


def _decrypt(keyring: Keyring, row: dict[str, Any], column: str) -> str | None:
    stored = row[column]
    if stored is None:
        return None
    try:
        return keyring.decrypt(stored, aad=context(Profile._meta.tablename, row["id"], column))
    except KeyMissing as exc:
        logger.error("data key missing", table=Profile._meta.tablename, column=column, key_id=exc.key_id)
        raise ServiceUnavailable(
            f"A protected field is encrypted under data key {exc.key_id}, which is not configured; "
            "an operator must add it back to COSEARCH_DATA_KEYS",
            extra={"key_id": exc.key_id},
        ) from None
    except UndecryptableValue:
        logger.error("protected field failed authentication", row_id=str(row["id"]), column=column)
        raise ServiceUnavailable(
            "A protected field could not be decrypted; an operator must check it"
        ) from None


def _to_profile(user: Any, row: dict[str, Any] | None, *, full_view: bool, keyring: Keyring) -> s.Profile:
    row = row or EMPTY_ROW
    values = {name: row[name] for name in MASKED if name not in ENCRYPTED}
    if full_view:
        values |= {name: _decrypt(keyring, row, name) for name in ENCRYPTED}
        masked = []
    else:
        values = dict.fromkeys(MASKED)
        masked = [name for name in MASKED if row[name] is not None]
    return msgspec.convert(
        {
            **values,
            "id": user.id,
            "full_name": user.full_name,
            "email": user.email,
            "phone": row["phone"],
            "organisation": row["organisation"],
            "experience_kind": row["experience_kind"],
            "payment_route": row["payment_route"],
            "accessibility_needs": {key: row[column] for key, column in ACCESSIBILITY_COLUMNS.items()},
            "masked": masked,
            "updated_at": row["updated_at"],
        },
        s.Profile,
        from_attributes=True,
    )


async def _row(user_id: UUID, *, lock: bool = False) -> dict[str, Any] | None:
    query = Profile.select().where(Profile.user == user_id)
    return await (locked(query) if lock else query).first()


async def get_profile(*, principal: Principal, coresearcher_id: UUID, keyring: Keyring) -> s.Profile:
    """Return the profile as the caller may see it (self, leads: all; project staff, oversight: masked)."""
    place = await standing(principal=principal, coresearcher_id=coresearcher_id)
    user = await accounts.get_user(user_id=coresearcher_id)
    return _to_profile(user, await _row(coresearcher_id), full_view=place.full_view, keyring=keyring)


def _checked_changes(data: s.ProfileUpdate) -> dict[str, Any]:
    """The columns the PATCH sets, with identifiers checked (400 naming the field) and compacted."""
    changes = set_fields(data)
    changes.pop("full_name", None)
    changes.pop("email", None)
    errors = []
    for field, problem_of in IDENTIFIERS.items():
        value = changes.get(field)
        if value is not None:
            problem = problem_of(value)
            if problem:
                errors.append({"field": field, "message": problem})
            else:
                changes[field] = identifiers.compact(value)
    if errors:
        raise BadRequest("The request is not valid", errors=errors)
    needs = changes.pop("accessibility_needs", None)
    if needs is not None:
        changes |= {column: getattr(needs, key) for key, column in ACCESSIBILITY_COLUMNS.items()}
    return changes


async def update_profile(
    *, principal: Principal, coresearcher_id: UUID, data: s.ProfileUpdate, keyring: Keyring
) -> s.Profile:
    """Change a profile (the person or a lead of their projects), creating it on first use."""
    place = await standing(principal=principal, coresearcher_id=coresearcher_id)
    place.require(Relation.self, Relation.lead)
    changes = _checked_changes(data)
    actor = actor_of(principal)
    async with transaction():
        if data.full_name is not msgspec.UNSET or data.email is not msgspec.UNSET:
            account = UserUpdate(full_name=data.full_name, email=data.email)
            await accounts.update_user(actor=actor, user_id=coresearcher_id, data=account)
        profile_id = await ensure_profile(user_id=coresearcher_id, actor=actor)
        before = await one(_row(coresearcher_id, lock=True))
        columns: dict[Any, Any] = {}
        audit_before: dict[str, Any] = {}
        audit_after: dict[str, Any] = {}
        for name, value in changes.items():
            if name in ENCRYPTED:
                if _same_secret(keyring, before, name, value):
                    continue
                aad = context(Profile._meta.tablename, profile_id, name)
                columns[name] = None if value is None else keyring.encrypt(value, aad=aad)
                audit_before[name] = None if before[name] is None else BEFORE
                audit_after[name] = None if value is None else AFTER
            elif before[name] != value:
                columns[name] = value
                audit_before[name], audit_after[name] = before[name], value
        if columns:
            await Profile.update({**columns, "updated_at": now()}).where(Profile.id == profile_id)
            await audit.record(
                actor=actor,
                action="coresearcher_profile.update",
                entity="coresearcher",
                entity_id=coresearcher_id,
                before=audit_before,
                after=audit_after,
            )
        after = await _row(coresearcher_id)
        user = await accounts.get_user(user_id=coresearcher_id)
    return _to_profile(user, after, full_view=True, keyring=keyring)


def _same_secret(keyring: Keyring, row: dict[str, Any], column: str, value: str | None) -> bool:
    """True when the stored value already decrypts to `value` (an unreadable one counts as different)."""
    if row[column] is None or value is None:
        return row[column] is None and value is None
    try:
        return keyring.decrypt(row[column], aad=context(Profile._meta.tablename, row["id"], column)) == value
    except (KeyMissing, UndecryptableValue):
        return False


async def payment_details(
    *, user_ids: list[UUID], keyring: Keyring
) -> dict[UUID, tuple[str | None, str | None]]:
    """`{user id: (payment_route, national_id)}` for the payroll export (the caller checks who may
    export); the national ID is decrypted only for the payroll route, the only place it is used."""
    if not user_ids:
        return {}
    rows = await Profile.select().where(Profile.user.is_in(user_ids))
    details: dict[UUID, tuple[str | None, str | None]] = {}
    for row in rows:
        route = row["payment_route"]
        national_id = _decrypt(keyring, row, "national_id") if route == "payroll" else None
        details[row["user"]] = (route, national_id)
    return details


async def benefit_facts(*, coresearcher_id: UUID, keyring: Keyring) -> tuple[str | None, Any]:
    """The person's benefit status (decrypted) and period anchor, for the benefit-period sums;
    the caller has checked who may read them."""
    row = await _row(coresearcher_id)
    if row is None:
        return None, None
    return _decrypt(keyring, row, "benefit_status"), row["benefit_period_anchor"]
