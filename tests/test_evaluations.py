"""Evaluation rounds: opened and closed by the lead, answered once per co-researcher, results only
after the round closes with three answers, and nothing that ties an answer to the person."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from piccolo.columns import UUID, ForeignKey, Timestamp, Timestamptz

from coresearch.domain.accounts.tables import User
from coresearch.domain.involvement import evaluations
from coresearch.domain.involvement.tables import EvaluationAnswer, EvaluationParticipation, EvaluationRound
from tests.conftest import Person, World, add_member, make_person

API = "/api/v1"
SCORES = {"voice": 4, "contribute": 5, "agenda": 3, "change": 2}


async def open_round(client: httpx.AsyncClient, lead: Person, project_id: str, **fields: object) -> dict:
    response = await client.post(
        f"{API}/projects/{project_id}/evaluation-rounds",
        json={"title": "Evaluering etter verkstedet", **fields},
        headers=lead.headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


async def answer(
    client: httpx.AsyncClient, person: Person, round_id: str, **fields: object
) -> httpx.Response:
    return await client.post(
        f"{API}/evaluation-rounds/{round_id}/answers", json={**SCORES, **fields}, headers=person.headers
    )


async def close(client: httpx.AsyncClient, lead: Person, round_id: str) -> httpx.Response:
    return await client.post(f"{API}/evaluation-rounds/{round_id}/close", headers=lead.headers)


async def summary(client: httpx.AsyncClient, person: Person, round_id: str) -> httpx.Response:
    return await client.get(f"{API}/evaluation-rounds/{round_id}/summary", headers=person.headers)


async def rounds_seen_by(client: httpx.AsyncClient, person: Person, project_id: str) -> list[dict]:
    response = await client.get(f"{API}/projects/{project_id}/evaluation-rounds", headers=person.headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def co_researchers(client: httpx.AsyncClient, world: World, count: int) -> list[Person]:
    """The world's co-researcher and `count - 1` more co-researcher members of its project."""
    people = [world.people["co_researcher"]]
    for n in range(1, count):
        person = await make_person(client, "co_researcher", f"Medforsker {n}")
        await add_member(client, world.people["lead"], world.project_id, person, "co_researcher")
        people.append(person)
    return people


def names_field(response: httpx.Response, field: str) -> bool:
    return any(field in error["field"] or field in error["message"] for error in response.json()["errors"])


def today() -> str:
    return datetime.now(UTC).date().isoformat()


# --- rounds -------------------------------------------------------------------------------------


async def test_a_lead_opens_a_round_that_members_see_with_their_own_answered_flag(
    client: httpx.AsyncClient, world: World
) -> None:
    lead, co = world.people["lead"], world.people["co_researcher"]
    closes_on = (datetime.now(UTC).date() + timedelta(days=14)).isoformat()
    opened = await open_round(client, lead, world.project_id, closes_on=closes_on)
    assert {k: v for k, v in opened.items() if k != "id"} == {
        "project_id": world.project_id,
        "title": "Evaluering etter verkstedet",
        "opened_on": today(),
        "closes_on": closes_on,
        "closed_at": None,
        "status": "open",
        "answer_count": 0,
        "answered": None,
    }
    assert (await answer(client, co, opened["id"])).status_code == 201
    newer = await open_round(client, lead, world.project_id, title="Neste runde")

    assert [(r["id"], r["answered"]) for r in await rounds_seen_by(client, co, world.project_id)] == [
        (newer["id"], False),
        (opened["id"], True),
    ]
    for persona in ("lead", "researcher", "research_leader"):
        seen = await rounds_seen_by(client, world.people[persona], world.project_id)
        assert [(r["answer_count"], r["answered"]) for r in seen] == [(0, None), (1, None)], persona


INVALID_ROUNDS = [
    ({"title": ""}, 400, "title"),
    ({"title": "To\nlinjer"}, 400, "title"),
    ({"title": "x" * 201}, 400, "title"),
    ({"closes_on": "i morgen"}, 400, "closes_on"),
    ({"closes_on": (datetime.now(UTC).date() - timedelta(days=1)).isoformat()}, 422, "closes_on"),
    ({"status": "closed"}, 400, "status"),
]


@pytest.mark.parametrize(("fields", "status", "field"), INVALID_ROUNDS)
async def test_invalid_rounds_are_refused_with_field_errors(
    client: httpx.AsyncClient, world: World, fields: dict, status: int, field: str
) -> None:
    lead = world.people["lead"]
    response = await client.post(
        f"{API}/projects/{world.project_id}/evaluation-rounds",
        json={"title": "Runde", **fields},
        headers=lead.headers,
    )
    assert response.status_code == status, response.text
    assert names_field(response, field), response.text
    assert await rounds_seen_by(client, lead, world.project_id) == []


async def test_a_round_closes_once_and_then_takes_no_answers(client: httpx.AsyncClient, world: World) -> None:
    lead, co = world.people["lead"], world.people["co_researcher"]
    opened = await open_round(client, lead, world.project_id)
    closed = await close(client, lead, opened["id"])
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed" and closed.json()["closed_at"]
    assert (await close(client, lead, opened["id"])).status_code == 409
    late = await answer(client, co, opened["id"])
    assert late.status_code == 409 and late.headers["content-type"].startswith("application/problem+json")
    assert (await rounds_seen_by(client, lead, world.project_id))[0]["answer_count"] == 0


async def test_a_round_is_closed_for_answers_once_its_closes_on_day_has_passed(
    client: httpx.AsyncClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    lead, co = world.people["lead"], world.people["co_researcher"]
    opened = await open_round(client, lead, world.project_id, closes_on=today())
    tomorrow = datetime.now(UTC).date() + timedelta(days=1)
    monkeypatch.setattr(evaluations, "today", lambda: tomorrow)

    assert (await answer(client, co, opened["id"])).status_code == 409
    assert (await rounds_seen_by(client, lead, world.project_id))[0]["status"] == "closed"
    assert (await close(client, lead, opened["id"])).status_code == 409


# --- answers ------------------------------------------------------------------------------------


INVALID_ANSWERS = [
    ({"voice": 0}, "voice"),
    ({"contribute": 6}, "contribute"),
    ({"agenda": 2.5}, "agenda"),
    ({"change": None}, "change"),
    ({"comment": "x" * 2_001}, "comment"),
    ({"submitted_by": "meg"}, "submitted_by"),
]


async def test_invalid_answers_are_refused_and_count_for_nothing(
    client: httpx.AsyncClient, world: World
) -> None:
    lead, co = world.people["lead"], world.people["co_researcher"]
    opened = await open_round(client, lead, world.project_id)
    for fields, field in INVALID_ANSWERS:
        response = await answer(client, co, opened["id"], **fields)
        assert response.status_code == 400, (fields, response.text)
        assert names_field(response, field), response.text
    # A refused answer did not use up the person's one answer.
    assert (await answer(client, co, opened["id"])).status_code == 201


async def test_only_co_researcher_members_answer_and_the_receipt_names_no_answer(
    client: httpx.AsyncClient, world: World
) -> None:
    opened = await open_round(client, world.people["lead"], world.project_id)
    for persona in ("lead", "researcher", "research_leader", "admin"):
        assert (await answer(client, world.people[persona], opened["id"])).status_code == 403, persona
    for persona in ("other_co_researcher", "outsider"):
        assert (await answer(client, world.people[persona], opened["id"])).status_code == 404, persona
    receipt = await answer(client, world.people["co_researcher"], opened["id"])
    assert receipt.status_code == 201 and receipt.json() == {"round_id": opened["id"]}


async def test_a_second_answer_by_the_same_person_is_refused_and_not_counted(
    client: httpx.AsyncClient, world: World
) -> None:
    lead, co = world.people["lead"], world.people["co_researcher"]
    opened = await open_round(client, lead, world.project_id)
    assert (await answer(client, co, opened["id"], voice=1)).status_code == 201
    again = await answer(client, co, opened["id"], voice=5)
    assert again.status_code == 409 and "already" in again.json()["detail"]
    assert (await rounds_seen_by(client, lead, world.project_id))[0]["answer_count"] == 1
    assert await EvaluationAnswer.count().where(EvaluationAnswer.round == uuid.UUID(opened["id"])) == 1


async def test_of_five_concurrent_answers_by_one_person_exactly_one_is_stored(
    client: httpx.AsyncClient, world: World
) -> None:
    lead, co = world.people["lead"], world.people["co_researcher"]
    opened = await open_round(client, lead, world.project_id)
    responses = await asyncio.gather(*(answer(client, co, opened["id"], voice=v) for v in range(1, 6)))

    assert sorted(r.status_code for r in responses) == [201, 409, 409, 409, 409]
    assert await EvaluationAnswer.count().where(EvaluationAnswer.round == uuid.UUID(opened["id"])) == 1
    assert (
        await EvaluationParticipation.count().where(EvaluationParticipation.round == uuid.UUID(opened["id"]))
        == 1
    )
    assert (await rounds_seen_by(client, co, world.project_id))[0]["answered"] is True


# --- results and anonymity ----------------------------------------------------------------------


async def test_results_appear_only_after_the_round_closes_with_three_answers(
    client: httpx.AsyncClient, world: World
) -> None:
    lead = world.people["lead"]
    first, second, third = await co_researchers(client, world, 3)
    too_few = await open_round(client, lead, world.project_id, title="For få svar")
    for person in (first, second):
        assert (await answer(client, person, too_few["id"])).status_code == 201
    await close(client, lead, too_few["id"])
    withheld = await summary(client, lead, too_few["id"])
    assert withheld.status_code == 409 and "fewer than 3" in withheld.json()["detail"]

    opened = await open_round(client, lead, world.project_id)
    answers = [
        (first, {"voice": 5, "change": 1, "comment": "Ønsker sakspapirene tidligere"}),
        (second, {"voice": 4, "change": 2}),
        (third, {"voice": 4, "change": 2, "comment": "Ble hørt"}),
    ]
    for person, fields in answers:
        assert (await answer(client, person, opened["id"], **fields)).status_code == 201
    assert (await summary(client, lead, opened["id"])).status_code == 409  # still open
    await close(client, lead, opened["id"])

    for persona in ("researcher", "co_researcher"):
        assert (await summary(client, world.people[persona], opened["id"])).status_code == 403, persona
    for persona in ("admin", "research_leader", "lead"):
        response = await summary(client, world.people[persona], opened["id"])
        assert response.status_code == 200, persona
    result = response.json()
    assert result["count"] == 3 and result["minimum_count"] == 3 and result["round_id"] == opened["id"]
    assert result["questions"]["voice"] == {
        "mean": 4.33,
        "distribution": {"1": 0, "2": 0, "3": 0, "4": 2, "5": 1},
    }
    assert result["questions"]["change"]["mean"] == 1.67
    assert result["questions"]["contribute"]["mean"] == 5.0 and result["questions"]["agenda"]["mean"] == 3.0
    # Sorted, not in the order given: the order says nothing about who wrote which.
    assert result["comments"] == ["Ble hørt", "Ønsker sakspapirene tidligere"]


async def test_no_response_or_audit_row_ties_an_answer_to_the_person_who_gave_it(
    client: httpx.AsyncClient, world: World
) -> None:
    lead, admin = world.people["lead"], world.people["admin"]
    people = await co_researchers(client, world, 3)
    opened = await open_round(client, lead, world.project_id)
    receipts = [
        await answer(client, person, opened["id"], voice=voice, comment=f"kommentar {voice}")
        for person, voice in zip(people, (1, 3, 5), strict=True)
    ]
    await close(client, lead, opened["id"])
    answer_ids = [str(row["id"]) for row in await EvaluationAnswer.select(EvaluationAnswer.id)]
    assert len(answer_ids) == 3

    audit = await client.get(
        f"{API}/audit", params={"entity_id": opened["id"], "limit": 200}, headers=admin.headers
    )
    participations = [row for row in audit.json()["items"] if row["action"] == "evaluation_round.participate"]
    # Who took part is accountable; what they answered is not in the log at all.
    assert sorted(row["actor_id"] for row in participations) == sorted(p.id for p in people)
    assert all(row["changes"] == {} and row["entity"] == "evaluation_round" for row in participations)
    first = await summary(client, lead, opened["id"])
    # The differencing attack needs a second, different summary: no answer can follow the close.
    assert (await answer(client, people[0], opened["id"], voice=5)).status_code == 409
    assert (await summary(client, lead, opened["id"])).json() == first.json()

    full_log = await client.get(f"{API}/audit", params={"limit": 200}, headers=admin.headers)
    for response in (*receipts, audit, full_log, first):
        assert response.status_code in (200, 201)
        assert not any(answer_id in response.text for answer_id in answer_ids)
    assert "kommentar" not in audit.text + full_log.text


def test_answers_hold_no_person_and_no_time_and_participations_no_scores() -> None:
    answer_columns = EvaluationAnswer._meta.columns
    assert {c._meta.name for c in answer_columns} == {
        "id",
        "round",
        "voice",
        "contribute",
        "agenda",
        "change",
        "comment",
    }
    references = {
        c._meta.name: c._foreign_key_meta.resolved_references
        for c in EvaluationAnswer._meta.foreign_key_columns
    }
    assert references == {"round": EvaluationRound}
    assert [c._meta.name for c in answer_columns if isinstance(c, UUID | ForeignKey)] == ["id", "round"]
    assert not any(isinstance(c, Timestamp | Timestamptz) for c in answer_columns)
    participation = {c._meta.name: c for c in EvaluationParticipation._meta.columns}
    assert set(participation) == {"id", "round", "user"}
    assert participation["user"]._foreign_key_meta.resolved_references is User
