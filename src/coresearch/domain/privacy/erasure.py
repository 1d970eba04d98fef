"""`POST /coresearchers/{id}/erase`: a co-researcher's personal data removed or replaced everywhere.

One transaction: the account is pseudonymised and disabled, tokens and invites deleted, the
profile, consents, notifications and their preferences deleted, recruitment records and accepted
agreement texts pseudonymised, every membership ended as a withdrawal ends it, the person's name,
e-mail and phone masked in the audit log, and the documents that are theirs alone deleted (their
objects through the deletion outbox, after the commit). What stays (training, past attendance,
activities, evaluation participation) names only the pseudonymised user id. Payment records (time
entries, expenses, claims and their lines) are kept, as bookkeeping law requires
(docs/security.md): they name the pseudonymised id, and the person's name, e-mail and phone are
masked in their free text.
"""

from __future__ import annotations

import re
import uuid
from typing import Any
from uuid import UUID

from piccolo.table import Table

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.accounts.service import actor_of
from coresearch.domain.accounts.tables import AuthToken, Invite, LoginThrottle, Role, User
from coresearch.domain.accounts.throttle import account_key
from coresearch.domain.agreements import lifecycle as agreements
from coresearch.domain.agreements.tables import Agreement, AgreementVersion
from coresearch.domain.audit import service as audit
from coresearch.domain.audit.service import MASK, Actor
from coresearch.domain.coresearchers.tables import ConsentDecision, Profile
from coresearch.domain.documents.consistency import delete_after_commit
from coresearch.domain.documents.tables import Document, DocumentVersion, PendingDeletion, Visibility
from coresearch.domain.notifications.tables import Notification, NotificationPreference
from coresearch.domain.payments.tables import Claim, Expense, TimeEntry
from coresearch.domain.privacy import schemas as s
from coresearch.domain.privacy.masking import MIN_CHARS, mask_in_audit_log
from coresearch.domain.projects import service as projects
from coresearch.domain.projects.tables import MemberRole, Membership
from coresearch.domain.recruitment.tables import Candidate, CandidateMove
from coresearch.domain.work import withdrawal as work
from coresearch.lib.db import transaction
from coresearch.lib.problems import NotFound, Unprocessable
from coresearch.lib.records import locked, now
from coresearch.lib.storage import DocumentStore

ERASED_NAME = "Slettet person"
ERASED_TEXT = (
    "Teksten i denne avtaleversjonen er slettet fordi personopplysningene til medforskeren er slettet. "
    "Versjon {version} ble godtatt {accepted_on}."
)


def erased_email(row_id: UUID) -> str:
    """A unique address that can never receive mail (`.invalid`, RFC 2606)."""
    return f"erased-{row_id}@invalid"


async def _person(coresearcher_id: UUID, confirm: str) -> dict[str, Any]:
    row = await locked(User.select().where(User.id == coresearcher_id)).first()
    if row is None or row["role"] != Role.co_researcher.value:
        raise NotFound("No such co-researcher")
    if confirm.strip().lower() != row["email"].lower():
        raise Unprocessable(
            "The confirmation does not match the person's e-mail address",
            errors=[{"field": "confirm", "message": "must be the person's current e-mail address"}],
        )
    return row


async def _end_memberships(user_id: UUID, actor: Actor) -> int:
    """End every co-researcher membership as a withdrawal does (tasks, attendance, agreements)."""
    rows = await Membership.select(Membership.project).where(
        (Membership.user == user_id) & (Membership.role == MemberRole.co_researcher.value)
    )
    for row in rows:
        await work.release_member(project_id=row["project"], user_id=user_id, actor=actor)
        await agreements.terminate_on_withdrawal(
            project_id=row["project"], coresearcher_id=user_id, actor=actor
        )
        await projects.end_coresearcher_membership(project_id=row["project"], user_id=user_id)
    return len(rows)


async def _pseudonymise_candidates(user_id: UUID, email: str) -> tuple[int, list[str]]:
    """Blank the person's recruitment records; return their count and the values they held."""
    rows = await locked(
        Candidate.select(Candidate.id, Candidate.full_name, Candidate.email, Candidate.phone).where(
            (Candidate.user == user_id) | (Candidate.email == email)
        )
    )
    for row in rows:
        await Candidate.update(
            {
                Candidate.full_name: ERASED_NAME,
                Candidate.email: erased_email(row["id"]),
                Candidate.phone: "",
                Candidate.note: "",
                Candidate.updated_at: now(),
            }
        ).where(Candidate.id == row["id"])
        await CandidateMove.update({CandidateMove.note: ""}).where(CandidateMove.candidate == row["id"])
    held = [row[name] for row in rows for name in ("full_name", "email", "phone")]
    return len(rows), held


async def _replace_accepted_texts(user_id: UUID) -> int:
    versions = await AgreementVersion.select(
        AgreementVersion.id, AgreementVersion.version, AgreementVersion.accepted_at
    ).where(
        AgreementVersion.agreement.is_in(
            Agreement.select(Agreement.id).where(Agreement.coresearcher == user_id)
        )
    )
    for row in versions:
        text = ERASED_TEXT.format(version=row["version"], accepted_on=row["accepted_at"].strftime("%d.%m.%Y"))
        await AgreementVersion.update({AgreementVersion.text: text}).where(AgreementVersion.id == row["id"])
    return len(versions)


async def _mask_payment_texts(user_id: UUID, held: list[str]) -> int:
    """Mask the person's values in the free text of their payment records (kept for bookkeeping);
    return the rows changed."""
    values = sorted({v.strip() for v in held if len(v.strip()) >= MIN_CHARS}, key=len, reverse=True)
    if not values:
        return 0
    pattern = re.compile("|".join(re.escape(value) for value in values), re.IGNORECASE)
    changed = 0
    texts: list[tuple[type[Table], Any, tuple[Any, ...]]] = [
        (TimeEntry, TimeEntry.coresearcher, (TimeEntry.description,)),
        (Expense, Expense.coresearcher, (Expense.description,)),
        (Claim, Claim.coresearcher, (Claim.reject_reason, Claim.paid_reference)),
    ]
    for table, owner, columns in texts:
        rows = await table.select(table._meta.primary_key, *columns).where(owner == user_id)
        for row in rows:
            masked = {
                column: pattern.sub(MASK, row[column._meta.name])
                for column in columns
                if pattern.search(row[column._meta.name])
            }
            if masked:
                await table.update(masked).where(table._meta.primary_key == row["id"])
                changed += 1
    return changed


async def _delete_own_documents(user_id: UUID, actor: Actor) -> tuple[int, list[str]]:
    """Delete the documents that are the person's alone (about them for them, or their private
    uploads), queueing their objects in the deletion outbox; return the count and object keys."""
    rows = await locked(
        Document.select(Document.id, Document.kind, Document.visibility).where(
            ((Document.visibility == Visibility.coresearcher.value) & (Document.coresearcher == user_id))
            | ((Document.visibility == Visibility.private.value) & (Document.uploaded_by == user_id))
        )
    )
    ids = [row["id"] for row in rows]
    if not ids:
        return 0, []
    versions = await DocumentVersion.select(DocumentVersion.object_key).where(
        DocumentVersion.document.is_in(ids)
    )
    keys = sorted(version["object_key"] for version in versions)
    await Document.delete().where(Document.id.is_in(ids))
    if keys:
        await PendingDeletion.insert(*[PendingDeletion(object_key=key) for key in keys]).on_conflict(
            target=PendingDeletion.object_key, action="DO NOTHING"
        )
    for row in rows:
        # The title may hold the person's name: the log keeps what kind of document went.
        await audit.record(
            actor=actor,
            action="document.delete",
            entity="document",
            entity_id=row["id"],
            before={"kind": row["kind"], "visibility": row["visibility"], "reason": "erasure"},
        )
    return len(rows), keys


async def erase(
    *, principal: Principal, coresearcher_id: UUID, data: s.ErasureRequest, store: DocumentStore
) -> s.Erasure:
    """Erase a co-researcher's personal data (admins; `confirm` must be the person's e-mail).

    Raises:
        NotFound: no such user, or not a co-researcher (staff accounts are not erased here).
        Unprocessable: `confirm` is not the person's current e-mail address.
    """
    actor = actor_of(principal)
    async with transaction():
        person = await _person(coresearcher_id, data.confirm)
        moment = now()
        profile = await Profile.select(Profile.phone).where(Profile.user == coresearcher_id).first()
        held = [person["full_name"], person["email"], profile["phone"] if profile else ""]
        removed: dict[str, int] = {"memberships": await _end_memberships(coresearcher_id, actor)}
        removed["candidates"], candidate_values = await _pseudonymise_candidates(
            coresearcher_id, person["email"]
        )
        removed["agreement_texts"] = await _replace_accepted_texts(coresearcher_id)
        removed["documents"], keys = await _delete_own_documents(coresearcher_id, actor)
        removed["tokens"] = len(
            await AuthToken.delete().where(AuthToken.user == coresearcher_id).returning(AuthToken.id)
        )
        removed["invites"] = len(
            await Invite.delete().where(Invite.user == coresearcher_id).returning(Invite.id)
        )
        removed["consents"] = len(
            await ConsentDecision.delete()
            .where(ConsentDecision.user == coresearcher_id)
            .returning(ConsentDecision.id)
        )
        removed["profile"] = len(
            await Profile.delete().where(Profile.user == coresearcher_id).returning(Profile.id)
        )
        # Messages name the person and carry their amounts; preferences are theirs alone.
        removed["notifications"] = len(
            await Notification.delete()
            .where(Notification.recipient == coresearcher_id)
            .returning(Notification.id)
        )
        removed["notification_preferences"] = len(
            await NotificationPreference.delete()
            .where(NotificationPreference.user == coresearcher_id)
            .returning(NotificationPreference.id)
        )
        await LoginThrottle.delete().where(LoginThrottle.key == account_key(person["email"]))
        await User.update(
            {
                User.full_name: ERASED_NAME,
                User.email: erased_email(uuid.uuid4()),
                User.password_hash: None,
                User.is_active: False,
                User.updated_at: moment,
            }
        ).where(User.id == coresearcher_id)
        removed["payment_texts_masked"] = await _mask_payment_texts(coresearcher_id, held)
        removed["audit_entries_masked"] = await mask_in_audit_log([*held, *candidate_values])
        await audit.record(
            actor=actor,
            action="person.erase",
            entity="coresearcher",
            entity_id=coresearcher_id,
            after={"erased": True, **removed},
        )
    await delete_after_commit(store, keys)
    return s.Erasure(coresearcher_id=coresearcher_id, erased_at=moment, removed=removed)
