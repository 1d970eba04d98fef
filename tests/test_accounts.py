"""Accounts: sign-in, tokens, passwords, invites, user administration."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from coresearch.domain.accounts import throttle
from coresearch.domain.accounts.tables import AuthToken
from tests.conftest import PASSWORD, Person, make_person, sign_in

LOGIN = "/api/v1/auth/login"


async def test_login_returns_a_bearer_token_that_works(client: httpx.AsyncClient) -> None:
    person = await make_person(client, "researcher", "Åse Ødegård")
    response = await client.post(LOGIN, json={"email": person.email.upper(), "password": PASSWORD})
    body = response.json()
    assert response.status_code == 200
    assert body["token_type"] == "bearer" and body["expires_in"] == 900
    me = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["full_name"] == "Åse Ødegård" and me.json()["role"] == "researcher"


async def test_unknown_email_and_wrong_password_answer_alike(client: httpx.AsyncClient) -> None:
    person = await make_person(client, "researcher")
    wrong = await client.post(LOGIN, json={"email": person.email, "password": "not-the-password-at-all"})
    unknown = await client.post(
        LOGIN, json={"email": "nobody@example.no", "password": "not-the-password-at-all"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.headers["content-type"] == unknown.headers["content-type"]


async def test_requests_without_or_with_a_bad_token_get_401(client: httpx.AsyncClient) -> None:
    missing = await client.get("/api/v1/auth/me")
    garbage = await client.get("/api/v1/auth/me", headers={"Authorization": "Bearer not.a.token"})
    assert missing.status_code == garbage.status_code == 401
    assert missing.headers["content-type"].startswith("application/problem+json")


async def test_logout_revokes_the_token_at_once(client: httpx.AsyncClient) -> None:
    person = await make_person(client, "co_researcher")
    assert (await client.post("/api/v1/auth/logout", headers=person.headers)).status_code == 204
    assert (await client.get("/api/v1/auth/me", headers=person.headers)).status_code == 401


async def test_expired_token_is_refused(client: httpx.AsyncClient) -> None:
    person = await make_person(client, "researcher")
    await AuthToken.update({AuthToken.expires_at: datetime.now(UTC) - timedelta(seconds=1)}).where(
        AuthToken.user == person.id
    )
    assert (await client.get("/api/v1/auth/me", headers=person.headers)).status_code == 401


async def test_token_for_another_audience_is_refused(client: httpx.AsyncClient, backend) -> None:
    from litestar.security.jwt import Token

    person = await make_person(client, "researcher")
    row = await AuthToken.select().where(AuthToken.user == person.id).first()
    forged = Token(
        sub=person.id,
        exp=datetime.now(UTC) + timedelta(minutes=5),
        iss="coresearch",
        aud="some-other-api",
        jti=str(row["id"]),
    ).encode(backend.settings.secret_key, "HS256")
    response = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401


async def test_password_change_revokes_other_tokens_and_keeps_this_one(client: httpx.AsyncClient) -> None:
    person = await make_person(client, "researcher")
    other_session = await sign_in(client, person.email)
    new_password = "Nytt-og-langt-passord-æøå"
    response = await client.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": new_password},
        headers=person.headers,
    )
    assert response.status_code == 204
    assert (await client.get("/api/v1/auth/me", headers=other_session)).status_code == 401
    assert (await client.get("/api/v1/auth/me", headers=person.headers)).status_code == 200
    assert (await client.post(LOGIN, json={"email": person.email, "password": PASSWORD})).status_code == 401
    await sign_in(client, person.email, new_password)


@pytest.mark.validation_only
@pytest.mark.parametrize("new_password", ["kort", "passwordpassword", "aaaaaaaaaaaaaaaa", "x" * 300])
async def test_weak_passwords_are_refused(client: httpx.AsyncClient, new_password: str) -> None:
    person = await make_person(client, "researcher")
    response = await client.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": new_password},
        headers=person.headers,
    )
    assert response.status_code in (400, 422)
    assert response.json()["errors"][0]["field"] in {"new_password", "body"}


async def test_wrong_current_password_is_refused(client: httpx.AsyncClient) -> None:
    person = await make_person(client, "researcher")
    response = await client.post(
        "/api/v1/auth/password",
        json={"current_password": "wrong-wrong-wrong", "new_password": "Et-helt-nytt-passord-1"},
        headers=person.headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "current_password", "message": "not correct"}]


async def test_login_is_rate_limited_per_account(client: httpx.AsyncClient) -> None:
    person = await make_person(client, "researcher")
    for _ in range(throttle.ACCOUNT_LIMIT):
        assert (
            await client.post(LOGIN, json={"email": person.email, "password": "wrong-password-1"})
        ).status_code == 401
    limited = await client.post(LOGIN, json={"email": person.email, "password": PASSWORD})
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) > 0
    unknown = "ghost@example.no"
    for _ in range(throttle.ACCOUNT_LIMIT):
        await client.post(LOGIN, json={"email": unknown, "password": "wrong-password-1"})
    assert (await client.post(LOGIN, json={"email": unknown, "password": "x"})).status_code == 429


async def test_login_is_rate_limited_per_address(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(throttle, "ADDRESS_LIMIT", 3)
    for number in range(3):
        await client.post(LOGIN, json={"email": f"guess{number}@example.no", "password": "wrong-password-1"})
    person = await make_person_without_sign_in(client)
    response = await client.post(LOGIN, json={"email": person, "password": PASSWORD})
    assert response.status_code == 429


async def make_person_without_sign_in(client: httpx.AsyncClient) -> str:
    from coresearch.domain.accounts.service import create_user_from_cli
    from coresearch.domain.accounts.tables import Role

    user = await create_user_from_cli(
        email="fresh@example.no", full_name="Fersk", role=Role.researcher, password=PASSWORD
    )
    return user.email


async def test_successful_login_clears_the_account_failures(client: httpx.AsyncClient) -> None:
    person = await make_person(client, "researcher")
    for _ in range(throttle.ACCOUNT_LIMIT - 1):
        await client.post(LOGIN, json={"email": person.email, "password": "wrong-password-1"})
    await sign_in(client, person.email)
    for _ in range(throttle.ACCOUNT_LIMIT - 1):
        await client.post(LOGIN, json={"email": person.email, "password": "wrong-password-1"})
    await sign_in(client, person.email)


async def test_admin_creates_user_with_invite_that_works_once(
    client: httpx.AsyncClient, people: dict[str, Person]
) -> None:
    created = await client.post(
        "/api/v1/users",
        json={"email": "Kari.Nordmann@Example.no", "full_name": "Kari Nordmann", "role": "co_researcher"},
        headers=people["admin"].headers,
    )
    body = created.json()
    assert created.status_code == 201
    assert body["email"] == "kari.nordmann@example.no" and body["has_password"] is False
    token = body["invite_token"]
    assert token and body["invite_expires_at"]
    # No password yet: signing in fails.
    assert (
        await client.post(LOGIN, json={"email": body["email"], "password": "anything-at-all"})
    ).status_code == 401

    accepted = await client.post("/api/v1/auth/invites/accept", json={"token": token, "password": PASSWORD})
    again = await client.post(
        "/api/v1/auth/invites/accept", json={"token": token, "password": PASSWORD + "x"}
    )

    assert accepted.status_code == 204
    assert again.status_code == 422
    await sign_in(client, body["email"])
    fetched = await client.get(f"/api/v1/users/{body['id']}", headers=people["admin"].headers)
    assert "invite_token" not in fetched.json() and fetched.json()["has_password"] is True


async def test_expired_invite_is_refused(client: httpx.AsyncClient, people: dict[str, Person]) -> None:
    from coresearch.domain.accounts.tables import Invite

    created = (
        await client.post(
            "/api/v1/users",
            json={"email": "sen@example.no", "full_name": "Sen", "role": "researcher"},
            headers=people["admin"].headers,
        )
    ).json()
    await Invite.update({Invite.expires_at: datetime.now(UTC) - timedelta(minutes=1)}).where(
        Invite.user == created["id"]
    )
    response = await client.post(
        "/api/v1/auth/invites/accept", json={"token": created["invite_token"], "password": PASSWORD}
    )
    assert response.status_code == 422


async def test_duplicate_email_is_a_conflict(client: httpx.AsyncClient, people: dict[str, Person]) -> None:
    payload = {"email": people["researcher"].email.upper(), "full_name": "Dobbel", "role": "researcher"}
    response = await client.post("/api/v1/users", json=payload, headers=people["admin"].headers)
    assert response.status_code == 409


async def test_deactivating_a_user_revokes_their_tokens(
    client: httpx.AsyncClient, people: dict[str, Person]
) -> None:
    target = people["researcher"]
    response = await client.patch(
        f"/api/v1/users/{target.id}", json={"is_active": False}, headers=people["admin"].headers
    )
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert (await client.get("/api/v1/auth/me", headers=target.headers)).status_code == 401
    assert (await client.post(LOGIN, json={"email": target.email, "password": PASSWORD})).status_code == 401


async def test_last_admin_cannot_be_demoted(client: httpx.AsyncClient, people: dict[str, Person]) -> None:
    admin = people["admin"]
    response = await client.patch(
        f"/api/v1/users/{admin.id}", json={"role": "researcher"}, headers=admin.headers
    )
    assert response.status_code == 409


async def test_user_list_pages_are_stable_under_inserts(
    client: httpx.AsyncClient, people: dict[str, Person]
) -> None:
    headers = people["admin"].headers
    first = (await client.get("/api/v1/users?limit=2", headers=headers)).json()
    await client.post(
        "/api/v1/users",
        json={"email": "ny@example.no", "full_name": "Ny", "role": "researcher"},
        headers=headers,
    )
    second = (
        await client.get(f"/api/v1/users?limit=2&cursor={first['next_cursor']}", headers=headers)
    ).json()
    third = (
        await client.get(f"/api/v1/users?limit=10&cursor={second['next_cursor']}", headers=headers)
    ).json()
    seen = [u["email"] for page in (first, second, third) for u in page["items"]]
    assert len(seen) == len(set(seen)) == 5
    assert third["next_cursor"] is None


@pytest.mark.validation_only
@pytest.mark.parametrize("query", ["limit=0", "limit=201", "cursor=garbage"])
async def test_bad_paging_is_a_400(client: httpx.AsyncClient, people: dict[str, Person], query: str) -> None:
    response = await client.get(f"/api/v1/users?{query}", headers=people["admin"].headers)
    assert response.status_code == 400


async def test_bad_json_is_a_400_problem(client: httpx.AsyncClient) -> None:
    response = await client.post(LOGIN, content=b'{"email": ', headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 400


async def test_invalid_fields_list_each_error(client: httpx.AsyncClient, people: dict[str, Person]) -> None:
    response = await client.post(
        "/api/v1/users",
        json={"email": "no-at-sign", "full_name": "X", "role": "emperor"},
        headers=people["admin"].headers,
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors and all({"field", "message"} <= set(error) for error in errors)


async def test_oversized_body_is_a_413_problem(client: httpx.AsyncClient) -> None:
    response = await client.post(
        LOGIN,
        content=b'{"email": "' + b"a" * (2 * 1024 * 1024) + b'"}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")


def test_production_passwords_use_argon2id_with_the_rfc_9106_low_memory_profile() -> None:
    # The suite hashes with cheap parameters (conftest); production must keep the real cost.
    from argon2 import Type, profiles

    from tests.conftest import PRODUCTION_HASHER

    profile = profiles.RFC_9106_LOW_MEMORY
    assert PRODUCTION_HASHER.type is Type.ID
    assert (PRODUCTION_HASHER.time_cost, PRODUCTION_HASHER.memory_cost, PRODUCTION_HASHER.parallelism) == (
        profile.time_cost,
        profile.memory_cost,
        profile.parallelism,
    )
    assert PRODUCTION_HASHER.verify(PRODUCTION_HASHER.hash("Fjellvann-2026"), "Fjellvann-2026")
