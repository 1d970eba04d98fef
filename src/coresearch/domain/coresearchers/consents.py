"""Consent to disclosure, per scope: an append-only history where the latest decision wins.

Nothing is granted until the person grants it. Reports ask `consent_granted` as of the moment
they are generated, so a withdrawal applies at once to everything generated afterwards.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.accounts.service import actor_of
from coresearch.domain.audit import service as audit
from coresearch.domain.coresearchers import schemas as s
from coresearch.domain.coresearchers.access import Relation, standing
from coresearch.domain.coresearchers.tables import ConsentDecision, ConsentScope
from coresearch.lib.db import transaction
from coresearch.lib.records import locked, now

TICK = timedelta(microseconds=1)


async def _latest(user_id: UUID, scope: ConsentScope, *, lock: bool = False) -> dict[str, Any] | None:
    query = (
        ConsentDecision.select()
        .where((ConsentDecision.user == user_id) & (ConsentDecision.scope == scope.value))
        .order_by(ConsentDecision.decided_at, ascending=False)
    )
    return await (locked(query) if lock else query).first()


async def consent_granted(*, user_id: UUID, scope: ConsentScope, on: datetime) -> bool:
    """True when the person's latest decision for `scope` made at or before `on` granted it."""
    on = on.astimezone(UTC)  # stored in UTC; SQLite compares the text
    row = (
        await ConsentDecision.select(ConsentDecision.granted)
        .where(
            (ConsentDecision.user == user_id)
            & (ConsentDecision.scope == scope.value)
            & (ConsentDecision.decided_at <= on)
        )
        .order_by(ConsentDecision.decided_at, ascending=False)
        .first()
    )
    return bool(row and row["granted"])


async def put_consent(
    *, principal: Principal, coresearcher_id: UUID, scope: ConsentScope, data: s.ConsentPut
) -> s.ConsentState:
    """Grant or withdraw a scope (the person only); repeating the current decision adds nothing."""
    (await standing(principal=principal, coresearcher_id=coresearcher_id)).require(Relation.self)
    async with transaction():
        latest = await _latest(coresearcher_id, scope, lock=True)
        if latest is not None and bool(latest["granted"]) == data.granted:
            return s.ConsentState(scope=scope, granted=data.granted, decided_at=latest["decided_at"])
        # Strictly after the previous decision, so the latest is never a tie of equal clocks.
        decided_at = max(now(), latest["decided_at"] + TICK) if latest else now()
        await ConsentDecision.insert(
            ConsentDecision(
                user=coresearcher_id, scope=scope.value, granted=data.granted, decided_at=decided_at
            )
        )
        await audit.record(
            actor=actor_of(principal),
            action="consent.decide",
            entity="coresearcher",
            entity_id=coresearcher_id,
            before={scope.value: bool(latest["granted"]) if latest else None},
            after={scope.value: data.granted},
        )
    return s.ConsentState(scope=scope, granted=data.granted, decided_at=decided_at)


async def get_consents(*, principal: Principal, coresearcher_id: UUID) -> s.Consents:
    """Every scope's current state (the person and their leads); the history for the person only."""
    place = await standing(principal=principal, coresearcher_id=coresearcher_id)
    place.require(Relation.self, Relation.lead)
    rows = (
        await ConsentDecision.select()
        .where(ConsentDecision.user == coresearcher_id)
        .order_by(ConsentDecision.decided_at, ascending=False)
    )
    current: dict[str, dict[str, Any]] = {}
    for row in rows:
        current.setdefault(row["scope"], row)
    scopes = [
        s.ConsentState(
            scope=scope,
            granted=bool(current[scope.value]["granted"]) if scope.value in current else False,
            decided_at=current[scope.value]["decided_at"] if scope.value in current else None,
        )
        for scope in ConsentScope
    ]
    history = None
    if place.relation is Relation.self:
        history = [
            s.ConsentDecision(
                scope=ConsentScope(row["scope"]), granted=bool(row["granted"]), decided_at=row["decided_at"]
            )
            for row in rows
        ]
    return s.Consents(coresearcher_id=coresearcher_id, scopes=scopes, history=history)


async def consents_granted(
    *, user_ids: Collection[UUID], scopes: Collection[ConsentScope], on: datetime
) -> dict[UUID, set[ConsentScope]]:
    """`consent_granted` for many people and scopes in one query: the scopes each person's latest
    decision at or before `on` grants (people with none granted are left out)."""
    if not user_ids or not scopes:
        return {}
    on = on.astimezone(UTC)
    rows = (
        await ConsentDecision.select(ConsentDecision.user, ConsentDecision.scope, ConsentDecision.granted)
        .where(
            ConsentDecision.user.is_in(list(user_ids))
            & ConsentDecision.scope.is_in([scope.value for scope in scopes])
            & (ConsentDecision.decided_at <= on)
        )
        .order_by(ConsentDecision.decided_at)
    )
    latest: dict[tuple[UUID, str], bool] = {}
    for row in rows:  # oldest first, so the latest decision per person and scope wins
        latest[(row["user"], row["scope"])] = bool(row["granted"])
    granted: dict[UUID, set[ConsentScope]] = {}
    for (user_id, scope), is_granted in latest.items():
        if is_granted:
            granted.setdefault(user_id, set()).add(ConsentScope(scope))
    return granted
