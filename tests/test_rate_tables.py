"""Rate tables: dated versions written by admins and never edited, the version in force on a day,
the rate rules in øre, the embedded default's example, and agreements naming a real table."""

import uuid
from datetime import date

import httpx
import pytest

from coresearch.domain.audit.tables import AuditEntry
from coresearch.domain.payments import service as payments
from coresearch.domain.payments.rules import pay
from coresearch.domain.payments.tables import RateTable
from coresearch.lib.problems import NotFound, Unprocessable
from tests.conftest import World
from tests.test_agreements import draft, terms

API = "/api/v1"
HOUR = 60


def table(**fields: object) -> dict:
    return {
        "name": "Helse Vest 2025",
        "hourly_rate_ore": 35_500,
        "rounding_minutes": 30,
        "minimum_in_person_minutes": 60,
        "valid_from": "2025-01-01",
        **fields,
    }


async def create(client: httpx.AsyncClient, world: World, **fields: object) -> dict:
    response = await client.post(
        f"{API}/rate-tables", json=table(**fields), headers=world.people["admin"].headers
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_an_admin_writes_a_rate_table_and_the_audit_log_names_it(
    client: httpx.AsyncClient, world: World
) -> None:
    created = await create(client, world)
    assert {k: created[k] for k in table()} == table()
    listed = (await client.get(f"{API}/rate-tables", headers=world.people["lead"].headers)).json()
    assert [item["id"] for item in listed["items"]] == [created["id"]]
    entry = await AuditEntry.select().where(AuditEntry.entity_id == created["id"]).first()
    assert entry is not None and entry["action"] == "rate_table.create"
    assert entry["actor_id"] == uuid.UUID(world.people["admin"].id)


async def test_a_new_rate_is_a_new_version_and_the_same_day_twice_is_a_conflict(
    client: httpx.AsyncClient, world: World
) -> None:
    await create(client, world)
    newer = await create(client, world, hourly_rate_ore=37_000, valid_from="2027-01-01")
    again = await client.post(
        f"{API}/rate-tables", json=table(hourly_rate_ore=1), headers=world.people["admin"].headers
    )
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")
    admin = world.people["admin"].headers
    listed = (
        await client.get(f"{API}/rate-tables", params={"name": "Helse Vest 2025"}, headers=admin)
    ).json()
    assert [(i["valid_from"], i["hourly_rate_ore"]) for i in listed["items"]] == [
        ("2027-01-01", 37_000),
        ("2025-01-01", 35_500),
    ]
    assert listed["items"][0]["id"] == newer["id"]
    other = (await client.get(f"{API}/rate-tables", params={"name": "Helse Nord"}, headers=admin)).json()
    assert other["items"] == []


@pytest.mark.parametrize(
    ("field", "value", "status"),
    [
        ("hourly_rate_ore", 0, 400),
        ("hourly_rate_ore", -35_500, 400),
        ("hourly_rate_ore", 355.5, 400),
        ("rounding_minutes", 0, 400),
        ("rounding_minutes", 61, 400),
        ("rounding_minutes", 7, 422),
        ("rounding_minutes", 45, 422),
        ("minimum_in_person_minutes", -1, 400),
        ("minimum_in_person_minutes", 481, 400),
        ("name", "", 400),
        ("name", "Helse\x00Vest", 400),
        ("valid_from", "2025-02-30", 400),
    ],
)
async def test_out_of_range_terms_are_refused_naming_the_field(
    client: httpx.AsyncClient, world: World, field: str, value: object, status: int
) -> None:
    response = await client.post(
        f"{API}/rate-tables", json=table(**{field: value}), headers=world.people["admin"].headers
    )
    assert response.status_code == status, response.text
    assert field in str(response.json()["errors"])
    assert await RateTable.count() == 0


async def test_rate_tables_have_no_way_to_be_edited_or_deleted(
    client: httpx.AsyncClient, world: World
) -> None:
    created = await create(client, world)
    admin = world.people["admin"].headers
    for method in ("PATCH", "PUT", "DELETE"):
        response = await client.request(
            method, f"{API}/rate-tables/{created['id']}", json=table(), headers=admin
        )
        assert response.status_code in (404, 405)
    assert (await client.get(f"{API}/rate-tables", headers=admin)).json()["items"] == [created]


async def test_a_rate_change_mid_period_applies_from_its_own_day(
    client: httpx.AsyncClient, world: World
) -> None:
    old = await create(client, world, valid_from="2025-01-01")
    new = await create(client, world, hourly_rate_ore=37_000, valid_from="2026-03-01")
    for name_or_id in ("Helse Vest 2025", uuid.UUID(old["id"]), uuid.UUID(new["id"])):
        assert (await payments.rate_for(name_or_id=name_or_id, on=date(2026, 2, 28))).id == uuid.UUID(
            old["id"]
        )
        assert (await payments.rate_for(name_or_id=name_or_id, on=date(2026, 3, 1))).id == uuid.UUID(
            new["id"]
        )
    before = await payments.rate_for(name_or_id="Helse Vest 2025", on=date(2026, 2, 28))
    after = await payments.rate_for(name_or_id="Helse Vest 2025", on=date(2026, 3, 1))
    assert pay(before, minutes=HOUR, in_person=False).amount_ore == 35_500
    assert pay(after, minutes=HOUR, in_person=False).amount_ore == 37_000


async def test_no_version_yet_or_no_such_table_is_refused(client: httpx.AsyncClient, world: World) -> None:
    await create(client, world, valid_from="2025-01-01")
    with pytest.raises(Unprocessable):
        await payments.rate_for(name_or_id="Helse Vest 2025", on=date(2024, 12, 31))
    with pytest.raises(NotFound):
        await payments.rate_for(name_or_id="Helse Øst", on=date(2026, 1, 1))
    with pytest.raises(NotFound):
        await payments.rate_for(name_or_id=uuid.uuid4(), on=date(2026, 1, 1))


async def test_the_rules_round_to_the_step_and_pay_the_minimum_in_person_only(
    client: httpx.AsyncClient, world: World
) -> None:
    await create(client, world)
    rate = await payments.rate_for(name_or_id="Helse Vest 2025", on=date(2025, 6, 1))
    # docs/api.md's worked example: 70 minutes in person, 20 minutes remote.
    assert pay(rate, minutes=70, in_person=True) == (60, 35_500)
    assert pay(rate, minutes=20, in_person=False) == (30, 17_750)
    assert pay(rate, minutes=20, in_person=True) == (60, 35_500)
    assert pay(rate, minutes=14, in_person=False) == (0, 0)
    assert pay(rate, minutes=15, in_person=False) == (30, 17_750)
    assert pay(rate, minutes=105, in_person=True) == (120, 71_000)
    fine = await create(
        client, world, name="Minutt", hourly_rate_ore=35_500, rounding_minutes=1, valid_from="2025-01-01"
    )
    by_minute = await payments.rate_for(name_or_id=fine["name"], on=date(2025, 6, 1))
    assert pay(by_minute, minutes=1, in_person=False) == (1, 592)  # 591.67 øre, to the nearest øre


async def test_the_example_is_seeded_once(client: httpx.AsyncClient) -> None:
    assert await payments.ensure_example_rate_table()
    assert not await payments.ensure_example_rate_table()
    example = await payments.rate_for(name_or_id="Eksempel: Helse Bergen 2025", on=date(2025, 1, 1))
    assert (example.hourly_rate_ore, example.rounding_minutes, example.minimum_in_person_minutes) == (
        35_500,
        30,
        60,
    )
    assert await RateTable.count() == 1


async def test_an_agreement_must_name_a_rate_table_that_exists(
    client: httpx.AsyncClient, world: World
) -> None:
    lead = world.people["lead"].headers
    unknown = await client.post(
        f"{API}/projects/{world.project_id}/agreements",
        json=terms(world, rate_table_id=str(uuid.uuid4())),
        headers=lead,
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"] == [{"field": "rate_table_id", "message": "not the id of a rate table"}]

    rate = await create(client, world)
    agreement = await draft(client, world, rate_table_id=rate["id"])
    assert agreement["rate_table_id"] == rate["id"]
    url = f"{API}/agreements/{agreement['id']}"
    patched = await client.patch(url, json={"rate_table_id": str(uuid.uuid4())}, headers=lead)
    assert patched.status_code == 422 and "rate_table_id" in patched.text
    cleared = await client.patch(url, json={"rate_table_id": None}, headers=lead)
    assert cleared.status_code == 200 and cleared.json()["rate_table_id"] is None


async def test_who_reads_rate_tables(client: httpx.AsyncClient, world: World) -> None:
    answers = {
        persona: (await client.get(f"{API}/rate-tables", headers=world.people[persona].headers)).status_code
        for persona in ("admin", "research_leader", "lead", "researcher", "co_researcher")
    }
    assert answers == {
        "admin": 200,
        "research_leader": 200,
        "lead": 200,
        "researcher": 403,
        "co_researcher": 403,
    }
