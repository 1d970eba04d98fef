"""Authorization-matrix entries for the payments area's routes (merged into test_authorization.MATRIX).

Rate tables are written by admins only; they are read by admins, research leaders and anyone who
leads a project (the outsider leads their own), who choose one for an agreement. Nothing in them
is per project, so the others get 403, not 404.
"""

from tests.authz_common import Case, admin_only, answers
from tests.conftest import World


def rate_table_body(persona: str, w: World) -> dict:
    return {
        "name": f"Takst {persona}",
        "hourly_rate_ore": 35_500,
        "rounding_minutes": 30,
        "minimum_in_person_minutes": 60,
        "valid_from": "2025-01-01",
    }


MATRIX: dict[tuple[str, str], Case] = {
    ("POST", "/api/v1/rate-tables"): Case(
        url=lambda w: "/api/v1/rate-tables", body=rate_table_body, expected=admin_only(201)
    ),
    ("GET", "/api/v1/rate-tables"): Case(
        url=lambda w: "/api/v1/rate-tables",
        expected=answers(200, researcher=403, co_researcher=403, other_co_researcher=403),
    ),
}
