"""Shared pieces of the authorization matrix: personas, cases and the usual answers."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.conftest import World

PERSONAS = (
    "anonymous",
    "admin",
    "research_leader",
    "lead",
    "researcher",
    "co_researcher",
    "other_co_researcher",
    "outsider",
)


@dataclass(frozen=True)
class Case:
    """How to call one route, and what each persona gets."""

    url: Callable[[World], str]
    expected: dict[str, int]
    body: Callable[[str, World], Any] | None = None


def answers(default: int, anonymous: int = 401, **overrides: int) -> dict[str, int]:
    return {"anonymous": anonymous, **{p: default for p in PERSONAS[1:]}, **overrides}


def admin_only(status: int) -> dict[str, int]:
    return answers(403, admin=status)


def project_url(suffix: str = "") -> Callable[[World], str]:
    return lambda w: f"/api/v1/projects/{w.project_id}{suffix}"


# Who sees the project: members and oversight; others get 404.
VISIBLE_TO_MEMBERS = dict(other_co_researcher=404, outsider=404)
LEAD_ACTIONS = dict(researcher=403, co_researcher=403, **VISIBLE_TO_MEMBERS)

PROJECT_BODY = {
    "title": "Nytt prosjekt",
    "funder": "Helse Nord",
    "grant_reference": "HN-1",
    "starts_on": "2026-01-01",
    "ends_on": "2026-12-31",
}
# Lead and researcher members (and oversight) may act; co-researcher members get 403.
STAFF_ACTIONS = dict(co_researcher=403, **VISIBLE_TO_MEMBERS)
