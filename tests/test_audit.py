"""The audit log: written with every change, in the same transaction, readable by leaders only."""

import httpx
import pytest

from coresearch.domain.audit.tables import AuditEntry
from tests.conftest import PASSWORD, Backend, Person


async def audit_rows(client: httpx.AsyncClient, person: Person, **filters: str) -> list[dict]:
    response = await client.get("/api/v1/audit", params=filters, headers=person.headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def test_user_creation_is_audited_with_actor_and_masked_secrets(
    client: httpx.AsyncClient, people: dict[str, Person]
) -> None:
    admin = people["admin"]
    created = (
        await client.post(
            "/api/v1/users",
            json={
                "email": "per@example.no",
                "full_name": "Per Ås",
                "role": "researcher",
                "password": PASSWORD,
            },
            headers=admin.headers,
        )
    ).json()

    rows = await audit_rows(client, people["research_leader"], entity="user", entity_id=created["id"])

    assert [row["action"] for row in rows] == ["user.create"]
    row = rows[0]
    assert row["actor_id"] == admin.id and row["actor_role"] == "admin"
    assert row["changes"]["email"] == {"before": None, "after": "per@example.no"}
    assert row["changes"]["full_name"]["after"] == "Per Ås"
    assert row["changes"]["password_hash"] == {"before": None, "after": "***"}
    assert row["request_id"]


async def test_update_records_before_and_after_of_changed_fields_only(
    client: httpx.AsyncClient, people: dict[str, Person]
) -> None:
    target = people["researcher"]
    await client.patch(
        f"/api/v1/users/{target.id}",
        json={"full_name": "Ny Navn", "role": "researcher"},
        headers=people["admin"].headers,
    )
    rows = await audit_rows(client, people["admin"], entity_id=target.id)
    update = next(row for row in rows if row["action"] == "user.update")
    assert update["changes"] == {"full_name": {"before": "researcher", "after": "Ny Navn"}}


async def test_audit_row_is_absent_when_the_change_rolls_back(
    client: httpx.AsyncClient, people: dict[str, Person], monkeypatch: pytest.MonkeyPatch
) -> None:
    target = people["researcher"]

    async def failing_revoke(**_: object) -> None:
        raise RuntimeError("simulated failure after the audit row was written")

    monkeypatch.setattr("coresearch.domain.accounts.service.revoke_tokens", failing_revoke)
    response = await client.patch(
        f"/api/v1/users/{target.id}", json={"is_active": False}, headers=people["admin"].headers
    )

    assert response.status_code == 500
    assert "simulated" not in response.text
    assert (
        await AuditEntry.count().where(
            (AuditEntry.entity_id == target.id) & (AuditEntry.action == "user.update")
        )
        == 0
    )
    assert (await client.get("/api/v1/auth/me", headers=target.headers)).json()["is_active"] is True


async def test_audit_is_paginated_newest_first(client: httpx.AsyncClient, people: dict[str, Person]) -> None:
    first = (await client.get("/api/v1/audit?limit=2", headers=people["admin"].headers)).json()
    second = (
        await client.get(
            f"/api/v1/audit?limit=2&cursor={first['next_cursor']}", headers=people["admin"].headers
        )
    ).json()
    times = [row["occurred_at"] for row in first["items"] + second["items"]]
    assert times == sorted(times, reverse=True)
    assert not {row["id"] for row in first["items"]} & {row["id"] for row in second["items"]}


async def test_postgres_refuses_to_alter_audit_rows(
    client: httpx.AsyncClient, people: dict[str, Person], backend: Backend
) -> None:
    if backend.name != "postgres":
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    with pytest.raises(Exception, match="append-only"):
        await AuditEntry.delete(force=True)
    with pytest.raises(Exception, match="append-only"):
        await AuditEntry.update({AuditEntry.action: "tampered"}, force=True)


async def test_no_response_contains_a_password_or_token_it_did_not_issue(
    client: httpx.AsyncClient, people: dict[str, Person]
) -> None:
    admin = people["admin"]
    login = await client.post("/api/v1/auth/login", json={"email": admin.email, "password": PASSWORD})
    token = login.json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    created = await client.post(
        "/api/v1/users",
        json={"email": "inv@example.no", "full_name": "Inv", "role": "researcher"},
        headers=headers,
    )
    invite = created.json()["invite_token"]
    new_password = "Hemmelig-Lang-Frase-2026"
    responses = [
        await client.post("/api/v1/auth/invites/accept", json={"token": invite, "password": new_password}),
        await client.post(
            "/api/v1/auth/password",
            json={"current_password": PASSWORD, "new_password": new_password},
            headers=headers,
        ),
        await client.get("/api/v1/audit?limit=200", headers=headers),
        await client.get("/api/v1/users?limit=200", headers=headers),
        await client.post("/api/v1/auth/login", json={"email": admin.email, "password": "wrong-" + PASSWORD}),
    ]
    everything = "".join(r.text for r in responses) + created.text.replace(invite, "")

    assert all(r.status_code < 500 for r in responses)
    for secret in (PASSWORD, new_password, token, invite, "argon2"):
        assert secret not in everything
