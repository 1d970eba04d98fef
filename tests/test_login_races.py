"""Parallel password guesses: at most the limit of checks run per account and per address."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx
import pytest

from coresearch.domain.accounts import service, throttle
from tests.conftest import PASSWORD, make_person

LOGIN = "/api/v1/auth/login"
BURST = 25


@pytest.fixture
def password_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count every password verification the accounts service makes."""
    checks: list[str] = []
    verify = service.verify_password

    async def counting(stored: str | None, password: str) -> bool:
        checks.append(password)
        return await verify(stored, password)

    monkeypatch.setattr(service, "verify_password", counting)
    return checks


async def test_a_burst_of_guesses_gets_exactly_the_limit_of_checks_then_the_right_password_waits(
    client: httpx.AsyncClient, password_checks: list[str]
) -> None:
    person = await make_person(client, "researcher")
    password_checks.clear()
    burst = await asyncio.gather(
        *[client.post(LOGIN, json={"email": person.email, "password": f"gjetning-{n}"}) for n in range(BURST)]
    )
    codes = Counter(response.status_code for response in burst)
    assert codes == {401: throttle.ACCOUNT_LIMIT, 429: BURST - throttle.ACCOUNT_LIMIT}, codes
    assert len(password_checks) == throttle.ACCOUNT_LIMIT
    right = await client.post(LOGIN, json={"email": person.email, "password": PASSWORD})
    assert right.status_code == 429
    assert 0 < int(right.headers["retry-after"]) <= throttle.LOCKOUT.total_seconds() + 1
    assert len(password_checks) == throttle.ACCOUNT_LIMIT


async def test_a_burst_across_accounts_gets_exactly_the_address_limit_of_checks(
    client: httpx.AsyncClient, password_checks: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(throttle, "ADDRESS_LIMIT", 6)
    burst = await asyncio.gather(
        *[
            client.post(LOGIN, json={"email": f"gjest{n}@example.no", "password": "feil-passord"})
            for n in range(15)
        ]
    )
    codes = Counter(response.status_code for response in burst)
    assert codes == {401: 6, 429: 9}, codes
    assert len(password_checks) == 6


async def test_current_password_guesses_are_limited_like_sign_ins(
    client: httpx.AsyncClient, password_checks: list[str]
) -> None:
    person = await make_person(client, "researcher")
    password_checks.clear()
    url = "/api/v1/auth/password"
    burst = await asyncio.gather(
        *[
            client.post(
                url,
                json={"current_password": f"gjetning-{n}", "new_password": "Et-nytt-og-langt-passord"},
                headers=person.headers,
            )
            for n in range(10)
        ]
    )
    codes = Counter(response.status_code for response in burst)
    assert codes == {422: throttle.ACCOUNT_LIMIT, 429: 10 - throttle.ACCOUNT_LIMIT}, codes
    right = await client.post(
        url,
        json={"current_password": PASSWORD, "new_password": "Et-nytt-og-langt-passord"},
        headers=person.headers,
    )
    assert right.status_code == 429 and int(right.headers["retry-after"]) > 0
    assert len(password_checks) == throttle.ACCOUNT_LIMIT
    # The account is locked for sign-in too: one budget per password.
    assert (await client.post(LOGIN, json={"email": person.email, "password": PASSWORD})).status_code == 429


async def test_successful_sign_ins_do_not_use_up_the_address(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = await make_person(client, "researcher")
    monkeypatch.setattr(throttle, "ADDRESS_LIMIT", 3)
    for _ in range(6):
        response = await client.post(LOGIN, json={"email": person.email, "password": PASSWORD})
        assert response.status_code == 200, response.text


async def test_the_window_starts_again_once_it_is_over(client: httpx.AsyncClient) -> None:
    from datetime import UTC, datetime

    from coresearch.domain.accounts.tables import LoginThrottle

    person = await make_person(client, "researcher")
    for _ in range(throttle.ACCOUNT_LIMIT):
        await client.post(LOGIN, json={"email": person.email, "password": "feil-passord"})
    assert (await client.post(LOGIN, json={"email": person.email, "password": PASSWORD})).status_code == 429
    long_ago = datetime.now(UTC) - throttle.WINDOW - throttle.LOCKOUT
    await LoginThrottle.update(
        {LoginThrottle.window_started_at: long_ago, LoginThrottle.locked_until: long_ago + throttle.LOCKOUT}
    ).where(LoginThrottle.key == throttle.account_key(person.email))
    assert (await client.post(LOGIN, json={"email": person.email, "password": PASSWORD})).status_code == 200
