"""A person with payment records: `/me/export` shows their time entries, expenses and claims
with lines; erasure keeps those records (bookkeeping) under the pseudonymised id, with the
person's name masked in their free text."""

from __future__ import annotations

import uuid

import httpx
from litestar import Litestar

from coresearch.domain.payments.tables import Claim, ClaimLine, Expense
from tests.conftest import World
from tests.privacy_world import Everywhere, person_everywhere
from tests.test_claims import move
from tests.test_erasure import erase, found_in_database

API = "/api/v1"
DAY = "2026-02-20"  # no time entry that day: the claim needs no rate table


async def paid_for(client: httpx.AsyncClient, world: World) -> tuple[Everywhere, str]:
    """The person everywhere, with an expense naming them claimed, rejected and claimed again."""
    made = await person_everywhere(client, world)
    lead = world.people["lead"]
    outlay = await client.post(
        f"{API}/projects/{world.project_id}/expenses",
        json={
            "coresearcher_id": made.person.id,
            "incurred_on": DAY,
            "kind": "travel",
            "amount_ore": 31_000,
            "description": f"Drosje for {made.full_name} til Haukeland",
        },
        headers=lead.headers,
    )
    assert outlay.status_code == 201, outlay.text
    body = {"coresearcher_id": made.person.id, "period_start": DAY, "period_end": DAY}
    claim_ids = []
    for _ in range(2):
        headers = {**lead.headers, "Idempotency-Key": str(uuid.uuid4())}
        made_claim = await client.post(
            f"{API}/projects/{world.project_id}/claims", json=body, headers=headers
        )
        assert made_claim.status_code == 201, made_claim.text
        claim_ids.append(made_claim.json()["id"])
        if len(claim_ids) == 1:
            reason = f"Kvitteringen til {made.full_name} mangler"
            assert (await move(client, lead, claim_ids[0], "reject", reason=reason)).status_code == 200
    return made, claim_ids[1]


async def test_the_export_holds_the_persons_expenses_and_claims_with_their_lines(
    client: httpx.AsyncClient, world: World
) -> None:
    made, claim_id = await paid_for(client, world)
    data = (await client.get(f"{API}/me/export", headers=made.person.headers)).json()
    [expense] = data["expenses"]
    assert expense["amount_ore"] == 31_000 and made.full_name in expense["description"]
    # The meeting attended and the activity taken part in, both inside the agreement.
    assert sorted(entry["source"] for entry in data["time_entries"]) == ["activity", "attendance"]
    rejected, current = data["claims"]
    assert rejected["status"] == "rejected" and made.full_name in rejected["reject_reason"]
    assert current["id"] == claim_id and current["total_ore"] == 31_000
    [line] = current["lines"]
    assert (line["kind"], line["day"], line["expense_id"], line["amount_ore"]) == (
        "expense",
        DAY,
        expense["id"],
        31_000,
    )
    other = (await client.get(f"{API}/me/export", headers=world.people["co_researcher"].headers)).json()
    assert other["expenses"] == other["claims"] == other["time_entries"] == []


async def test_erasure_keeps_the_payment_records_pseudonymised(
    client: httpx.AsyncClient, world: World, app: Litestar
) -> None:
    made, claim_id = await paid_for(client, world)
    erased = await erase(client, world, made, made.person.email)
    assert erased.status_code == 200, erased.text
    assert erased.json()["removed"]["payment_texts_masked"] == 2  # the expense and the rejected claim

    assert await found_in_database(made.identifying()) == []
    kept = await Claim.select(Claim.status, Claim.total_ore).where(Claim.coresearcher == made.person.id)
    assert sorted((row["status"], row["total_ore"]) for row in kept) == [
        ("rejected", 31_000),
        ("submitted", 31_000),
    ]
    assert await ClaimLine.count().where(ClaimLine.claim == claim_id) == 1
    [expense] = await Expense.select(Expense.description, Expense.amount_ore).where(
        Expense.coresearcher == made.person.id
    )
    assert expense == {"description": "Drosje for *** til Haukeland", "amount_ore": 31_000}
    # Bookkeeping: the research leader still sees the claim, paid to the pseudonymised account.
    seen = await client.get(f"{API}/claims/{claim_id}", headers=world.people["research_leader"].headers)
    assert seen.status_code == 200 and seen.json()["coresearcher_id"] == made.person.id
