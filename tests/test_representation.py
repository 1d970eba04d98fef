"""Representation: the project's co-researchers as counts only, with small cells suppressed so
that no cell, and no difference of a total and the shown cells, points at fewer than 3 people."""

import httpx
import pytest

from coresearch.domain.coresearchers.representation import MINIMUM_CELL, suppressed_values
from tests.conftest import Person, World, add_member, make_person

API = "/api/v1"
DIMENSIONS = ("experience_kind", "age_band", "gender", "organisation_type")


async def co_researchers(
    client: httpx.AsyncClient, world: World, answers: list[dict[str, str]]
) -> list[Person]:
    """The world's co-researcher answers first; one more member per further answer."""
    people = [world.people["co_researcher"]]
    for n in range(len(answers) - 1):
        person = await make_person(client, "co_researcher", f"Medforsker {n}")
        await add_member(client, world.people["lead"], world.project_id, person, "co_researcher")
        people.append(person)
    for person, answer in zip(people, answers, strict=True):
        if answer:
            patched = await client.patch(
                f"{API}/coresearchers/{person.id}", json=answer, headers=person.headers
            )
            assert patched.status_code == 200, patched.text
    return people


async def representation(client: httpx.AsyncClient, world: World) -> dict:
    response = await client.get(
        f"{API}/projects/{world.project_id}/representation", headers=world.people["lead"].headers
    )
    assert response.status_code == 200, response.text
    return response.json()


def cells(shown: dict, dimension: str) -> dict[str, int | None]:
    return {cell["value"]: cell["count"] for cell in shown[dimension]}


def assert_nothing_recoverable(shown: dict) -> None:
    """No cell under 3 is shown, and what the total minus the shown cells tells is 0 or >= 3
    people spread over at least two hidden cells."""
    total = shown["total"]["count"]
    for dimension in DIMENSIONS:
        for cell in shown[dimension]:
            assert cell["suppressed"] == (cell["count"] is None)
            assert cell["count"] is None or cell["count"] >= MINIMUM_CELL
        hidden = [cell for cell in shown[dimension] if cell["suppressed"]]
        if total is None:
            assert len(hidden) == len(shown[dimension])
            continue
        remainder = total - sum(cell["count"] for cell in shown[dimension] if not cell["suppressed"])
        assert (remainder, len(hidden)) == (0, 0) or (remainder >= MINIMUM_CELL and len(hidden) >= 2)


OWN = {
    "experience_kind": "own",
    "age_band": "40_54",
    "gender": "woman",
    "organisation_type": "user_organisation",
}
RELATIVE = {"experience_kind": "relative", "age_band": "40_54", "gender": "man", "organisation_type": "none"}


async def test_a_single_small_cell_is_not_recoverable_from_the_total(
    client: httpx.AsyncClient, world: World
) -> None:
    # Experience: 3 own, 3 relative, 1 not stated. Hiding only "not stated" (1) would leave it as
    # 7 - 3 - 3: the next smallest cell is hidden with it.
    answers = [OWN, OWN, OWN, RELATIVE, RELATIVE, RELATIVE, {"gender": "woman", "age_band": "40_54"}]
    await co_researchers(client, world, answers)

    shown = await representation(client, world)

    assert shown["total"] == {"count": 7, "suppressed": False}
    experience = cells(shown, "experience_kind")
    assert experience["not_stated"] is None
    assert sorted([experience["own"], experience["relative"]], key=str) == [3, None]
    # Everyone is 40-54: showing that 7 would tell each person's age band; zeros are hidden too.
    assert set(cells(shown, "age_band").values()) == {None}
    # Women 4, men 3, other 0, not stated 0: the men are hidden with the empty cells.
    assert cells(shown, "gender") == {"woman": 4, "man": None, "other": None, "not_stated": None}
    assert_nothing_recoverable(shown)
    assert shown["minimum_cell"] == MINIMUM_CELL


async def test_fewer_than_three_people_show_nothing(client: httpx.AsyncClient, world: World) -> None:
    await co_researchers(client, world, [OWN, OWN])

    shown = await representation(client, world)

    assert shown["total"] == {"count": None, "suppressed": True}
    for dimension in DIMENSIONS:
        assert all(
            cell == {"value": cell["value"], "count": None, "suppressed": True} for cell in shown[dimension]
        )


async def test_counts_current_co_researcher_members_only_and_unanswered_as_not_stated(
    client: httpx.AsyncClient, world: World
) -> None:
    people = await co_researchers(client, world, [{}, {}, {}, OWN, OWN, OWN, OWN])
    left = people[-1]
    assert (
        await client.post(
            f"{API}/projects/{world.project_id}/coresearchers/{left.id}/withdraw", headers=left.headers
        )
    ).status_code == 200

    shown = await representation(client, world)

    # Six: the one who left is not counted, nor are the lead and the researcher.
    assert shown["total"]["count"] == 6
    # Own 3, relative 0, not stated 3: the empty cell alone would be exact, so "own" (listed
    # first of the two smallest) is hidden with it; the three who said nothing are a cell.
    assert cells(shown, "experience_kind") == {"own": None, "relative": None, "not_stated": 3}
    assert_nothing_recoverable(shown)
    assert set(shown) == {"project_id", "minimum_cell", "total", *DIMENSIONS}


@pytest.mark.parametrize(
    ("counts", "hidden"),
    [
        ({"a": 5, "b": 4, "c": 3}, set()),
        ({"a": 5, "b": 4, "c": 1}, {"c", "b"}),  # one small cell: the next smallest goes too
        ({"a": 5, "b": 1, "c": 1}, {"a", "b", "c"}),  # 1 + 1 < 3 would tell the two apart little
        ({"a": 5, "b": 2, "c": 1, "d": 9}, {"b", "c"}),  # 2 + 1 >= 3 over two cells
        ({"a": 6, "b": 0, "c": 0}, {"a", "b", "c"}),  # the zeros would reveal everyone is "a"
        ({"a": 0, "b": 0, "c": 0}, {"a", "b", "c"}),
    ],
)
def test_suppression_rule(counts: dict[str, int], hidden: set[str]) -> None:
    assert suppressed_values(counts) == hidden
