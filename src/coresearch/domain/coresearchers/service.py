"""What other areas call: create a profile when a candidate is accepted, ask about consent."""

from __future__ import annotations

from uuid import UUID

from coresearch.domain.accounts import service as accounts
from coresearch.domain.accounts.tables import Role
from coresearch.domain.audit import service as audit
from coresearch.domain.audit.service import Actor
from coresearch.domain.coresearchers.consents import consent_granted, consents_granted
from coresearch.domain.coresearchers.tables import Profile
from coresearch.lib.problems import Unprocessable
from coresearch.lib.records import now, one


async def ensure_profile(*, user_id: UUID, actor: Actor) -> UUID:
    """Return the id of the co-researcher's profile, creating an empty one when there is none.

    Runs inside the caller's transaction (e.g. accepting a candidate), so a later failure there
    removes the profile too.

    Raises:
        NotFound: no such user.
        Unprocessable: the user is not a co-researcher.
    """
    user = await accounts.get_user(user_id=user_id)
    if user.role != Role.co_researcher:
        raise Unprocessable(
            "Only co-researchers have a profile",
            errors=[{"field": "user_id", "message": "not a co-researcher"}],
        )
    existing = await Profile.select(Profile.id).where(Profile.user == user_id).first()
    if existing is not None:
        found: UUID = existing["id"]
        return found
    moment = now()
    profile = Profile(user=user_id, created_at=moment, updated_at=moment)
    # A concurrent first PATCH may insert the row between the check and here: keep theirs.
    await Profile.insert(profile).on_conflict(target=Profile.user, action="DO NOTHING")
    # Inserted above, or by the concurrent writer.
    row = await one(Profile.select(Profile.id).where(Profile.user == user_id).first())
    if row["id"] == profile.id:
        await audit.record(
            actor=actor, action="coresearcher_profile.create", entity="coresearcher", entity_id=user_id
        )
    profile_id: UUID = row["id"]
    return profile_id


__all__ = ["consent_granted", "consents_granted", "ensure_profile"]
