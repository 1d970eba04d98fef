"""`GET /me/export`: everything held about the caller, complete against the schema."""

from __future__ import annotations

import httpx
from piccolo.columns import UUID, ForeignKey

from coresearch.domain.accounts.tables import User
from coresearch.domain.audit.tables import AuditEntry
from coresearch.domain.privacy.export import COVERED, EXCLUDED
from coresearch.piccolo_app import APP_CONFIG
from tests.conftest import World
from tests.privacy_world import EXPERIENCE, person_everywhere

# UUID columns that hold no person: a new UUID column must be placed here or in the export's lists.
NOT_PEOPLE = {
    "agreements.rate_table_id",
    "activity_participants.project",
    "task_assignees.project",
    "time_entries.claim_id",
    "expenses.claim_id",
    "claim_lines.time_entry_id",
    "claim_lines.expense_id",
    "idempotency_keys.project",
    "idempotency_keys.claim_id",
    "notifications.project",
    "notifications.entity_id",
}


def columns_naming_a_user() -> set[str]:
    """Every `table.column` that holds a user id: foreign keys to users and plain UUID columns
    (apart from primary keys, other foreign keys and the ones known to hold no person)."""
    found = set()
    for table in APP_CONFIG.table_classes:
        for column in table._meta.columns:
            name = f"{table._meta.tablename}.{column._meta.name}"
            if isinstance(column, ForeignKey):
                if column._foreign_key_meta.resolved_references is User:
                    found.add(name)
            elif isinstance(column, UUID) and not column._meta.primary_key and name not in NOT_PEOPLE:
                found.add(name)
    return found


def test_every_column_naming_a_user_is_exported_or_excluded_with_a_reason() -> None:
    naming = columns_naming_a_user()
    assert {"audit_log.actor_id", "documents.coresearcher", "project_members.user"} <= naming
    unplaced = naming - set(COVERED) - set(EXCLUDED)
    assert not unplaced, f"export these or add them to EXCLUDED with the reason: {sorted(unplaced)}"
    assert not set(COVERED) & set(EXCLUDED)
    stale = (set(COVERED) | set(EXCLUDED)) - naming
    assert not stale, f"no such user columns: {sorted(stale)}"
    assert all(reason.strip() for reason in EXCLUDED.values())


async def test_the_export_holds_everything_about_the_caller(client: httpx.AsyncClient, world: World) -> None:
    made = await person_everywhere(client, world)
    response = await client.get("/api/v1/me/export", headers=made.person.headers)
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["account"]["email"] == made.person.email and data["account"]["full_name"] == made.full_name
    assert "password_hash" not in data["account"] and data["account"]["has_password"] is True
    profile = data["profile"]
    assert (profile["national_id"], profile["bank_account"]) == (made.national_id, made.bank_account)
    assert (profile["experience_summary"], profile["phone"], profile["masked"]) == (
        EXPERIENCE,
        made.phone,
        [],
    )
    assert [(c["scope"], c["granted"]) for c in data["consents"]] == [
        ("name_in_reports", True),
        ("name_in_reports", False),
    ]
    assert [t["title"] for t in data["training"]] == ["Innføring i medforskning"]
    [agreement] = data["agreements"]
    assert agreement["id"] == made.ids["agreement"] and agreement["status"] == "active"
    [accepted] = agreement["accepted_versions"]
    assert accepted["version"] == 1 and made.full_name in accepted["text"]
    assert [m["project_id"] for m in data["memberships"]] == [world.project_id]
    assert [t["id"] for t in data["tasks"]] == [made.ids["task"]]
    assert [(m["meeting_id"], m["attended"]) for m in data["meetings"]] == [(made.ids["meeting"], True)]
    assert [(a["activity_id"], a["confirmed"]) for a in data["activities"]] == [(made.ids["activity"], True)]
    assert data["evaluations"] == [
        {"round_id": made.ids["round"], "project_id": world.project_id, "title": "Vårens evaluering"}
    ]
    assert [(c["id"], c["email"]) for c in data["candidates"]] == [(made.ids["candidate"], made.person.email)]
    documents = {d["id"] for d in data["documents"]}
    assert documents == {made.ids["document_about"], made.ids["document_own"]}
    assert all(set(d) == {"id", "project_id", "title", "kind", "created_at"} for d in data["documents"])
    actions = [entry["action"] for entry in data["audit"]]
    assert {"coresearcher_profile.update", "consent.decide", "agreement.accept"} <= set(actions)
    assert "evaluation_round.participate" in actions


async def test_the_export_shows_nothing_of_anyone_else_and_is_audited(
    client: httpx.AsyncClient, world: World
) -> None:
    made = await person_everywhere(client, world)
    other = world.people["co_researcher"]
    response = await client.get("/api/v1/me/export", headers=other.headers)
    assert response.status_code == 200, response.text
    text = response.text
    for value in (*made.identifying(), EXPERIENCE):
        assert value not in text
    data = response.json()
    assert data["agreements"] == data["tasks"] == data["candidates"] == data["documents"] == []
    entries = await AuditEntry.select().where(
        (AuditEntry.action == "person.export") & (AuditEntry.entity_id == other.id)
    )
    assert len(entries) == 1 and str(entries[0]["actor_id"]) == other.id


async def test_a_staff_member_exports_their_account_without_a_profile(
    client: httpx.AsyncClient, world: World
) -> None:
    lead = world.people["lead"]
    data = (await client.get("/api/v1/me/export", headers=lead.headers)).json()
    assert data["profile"] is None and data["account"]["id"] == lead.id
    assert [m["role"] for m in data["memberships"]] == ["lead"]
    assert "project.create" in [entry["action"] for entry in data["audit"]]
