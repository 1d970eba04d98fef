"""Authorization-matrix entries for the privacy area (merged into test_authorization.MATRIX)."""

import httpx

from tests.authz_common import Case, admin_only, answers
from tests.conftest import World, make_person


async def prepare(client: httpx.AsyncClient, world: World) -> dict[str, str]:
    """A co-researcher of nobody's project to erase (made afresh for each persona)."""
    person = await make_person(client, "co_researcher", "Erasable Person")
    return {"erasable_id": person.id, "erasable_email": person.email}


MATRIX: dict[tuple[str, str], Case] = {
    # Everyone signed in exports what is held about themselves.
    ("GET", "/api/v1/me/export"): Case(url=lambda w: "/api/v1/me/export", expected=answers(200)),
    ("POST", "/api/v1/coresearchers/{coresearcher_id:uuid}/erase"): Case(
        url=lambda w: f"/api/v1/coresearchers/{w.extra['erasable_id']}/erase",
        body=lambda p, w: {"confirm": w.extra["erasable_email"]},
        expected=admin_only(200),
    ),
}

# Erasure succeeds once; each persona gets a person of their own to try.
ONE_SHOT = {("POST", "/api/v1/coresearchers/{coresearcher_id:uuid}/erase")}
