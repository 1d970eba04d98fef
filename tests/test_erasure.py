"""`POST /coresearchers/{id}/erase`: afterwards nothing in any table or stored object names the
person (name, e-mail, phone, national ID, bank account); both backends."""

from __future__ import annotations

import httpx
import msgspec
from litestar import Litestar

from coresearch.domain.audit.tables import AuditEntry
from coresearch.domain.privacy.erasure import ERASED_NAME
from coresearch.lib.storage import DocumentStore
from coresearch.piccolo_app import APP_CONFIG
from tests.conftest import PASSWORD, World, sign_in
from tests.privacy_world import EXPERIENCE, Everywhere, person_everywhere


async def erase(client: httpx.AsyncClient, world: World, made: Everywhere, confirm: str) -> httpx.Response:
    return await client.post(
        f"/api/v1/coresearchers/{made.person.id}/erase",
        json={"confirm": confirm},
        headers=world.people["admin"].headers,
    )


async def found_in_database(values: list[str]) -> list[str]:
    """`table: value` for every value found in any row of any table (rows serialised whole)."""
    found = []
    for table in APP_CONFIG.table_classes:
        rows = await table.select()
        text = msgspec.json.encode(rows, enc_hook=str).decode().lower()
        found += [f"{table._meta.tablename}: {value}" for value in values if value.lower() in text]
    return found


async def found_in_store(store: DocumentStore, values: list[str]) -> list[str]:
    """`key: value` for every value found in any object the store holds."""
    found = []
    for key in await store.list_keys():
        reader = await store.get(key)
        async with reader:
            content = b"".join([chunk async for chunk in reader]).decode("utf-8", "replace").lower()
        found += [f"{key}: {value}" for value in values if value.lower() in content]
    return found


async def test_after_erasure_no_table_and_no_stored_object_names_the_person(
    client: httpx.AsyncClient, world: World, app: Litestar
) -> None:
    made = await person_everywhere(client, world)
    values = made.identifying()
    store: DocumentStore = app.state.store
    # The search finds the person before: it is not vacuous.
    assert {v for v in values if any(v in hit for hit in await found_in_database(values))} >= {
        made.full_name,
        made.person.email,
        made.phone,
    }
    assert await found_in_store(store, values)

    response = await erase(client, world, made, made.person.email.upper())
    assert response.status_code == 200, response.text
    removed = response.json()["removed"]
    assert removed["documents"] == 2 and removed["profile"] == 1 and removed["candidates"] == 1
    assert removed["memberships"] == 1 and removed["agreement_texts"] == 1 and removed["tokens"] >= 1

    assert await found_in_database([*values, EXPERIENCE]) == []
    assert await found_in_store(store, values) == []


async def test_erasure_keeps_a_pseudonymised_history_and_revokes_access(
    client: httpx.AsyncClient, world: World
) -> None:
    made = await person_everywhere(client, world)
    lead = world.people["lead"].headers
    await sign_in(client, made.person.email)  # the password works until the erasure
    assert (await erase(client, world, made, made.person.email)).status_code == 200
    assert (await client.get("/api/v1/me/export", headers=made.person.headers)).status_code == 401
    login = await client.post("/api/v1/auth/login", json={"email": made.person.email, "password": PASSWORD})
    assert login.status_code == 401
    user = (await client.get(f"/api/v1/users/{made.person.id}", headers=world.people["admin"].headers)).json()
    assert (user["full_name"], user["is_active"], user["has_password"]) == (ERASED_NAME, False, False)
    assert user["email"].startswith("erased-") and user["email"].endswith("@invalid")
    agreement = (await client.get(f"/api/v1/agreements/{made.ids['agreement']}", headers=lead)).json()
    assert agreement["status"] == "terminated"
    team_document = await client.get(f"/api/v1/documents/{made.ids['document_team']}", headers=lead)
    assert team_document.status_code == 200
    for kept in ("document_about", "document_own"):
        assert (await client.get(f"/api/v1/documents/{made.ids[kept]}", headers=lead)).status_code == 404
    candidate = (await client.get(f"/api/v1/candidates/{made.ids['candidate']}", headers=lead)).json()
    assert (candidate["full_name"], candidate["phone"], candidate["note"]) == (ERASED_NAME, "", "")
    [entry] = await AuditEntry.select().where(
        (AuditEntry.action == "person.erase") & (AuditEntry.entity_id == made.person.id)
    )
    assert str(entry["actor_id"]) == world.people["admin"].id


async def test_erasure_refuses_a_wrong_confirmation_and_staff_accounts(
    client: httpx.AsyncClient, world: World
) -> None:
    made = await person_everywhere(client, world)
    wrong = await erase(client, world, made, "someone-else@example.no")
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "confirm"
    assert (await client.get("/api/v1/me/export", headers=made.person.headers)).status_code == 200
    assert await found_in_database([made.full_name])
    researcher = world.people["researcher"]
    staff = await client.post(
        f"/api/v1/coresearchers/{researcher.id}/erase",
        json={"confirm": researcher.email},
        headers=world.people["admin"].headers,
    )
    assert staff.status_code == 404
    assert (await client.get("/api/v1/auth/me", headers=researcher.headers)).status_code == 200
