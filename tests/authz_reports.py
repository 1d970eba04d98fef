"""Authorization-matrix entries for the reports area's routes (merged into test_authorization.MATRIX).

A project's involvement report, its text and its frozen copy are for the project's leads and
oversight (researcher and co-researcher members 403, non-members 404). The portfolio is for
research leaders and admins; everyone else gets 403 (it names no single project).
"""

from tests.authz_common import LEAD_ACTIONS, Case, answers, project_url
from tests.conftest import World

PERIOD = "?from=2026-01-01&to=2026-12-31"


def text_body(persona: str, w: World) -> dict:
    return {"aim": f"Målet, skrevet av {persona}", "reflections": "Det gikk godt på Ørland."}


MATRIX: dict[tuple[str, str], Case] = {
    ("GET", "/api/v1/projects/{project_id:uuid}/reports/involvement"): Case(
        url=project_url(f"/reports/involvement{PERIOD}"), expected=answers(200, **LEAD_ACTIONS)
    ),
    ("PUT", "/api/v1/projects/{project_id:uuid}/reports/involvement/text"): Case(
        url=project_url(f"/reports/involvement/text{PERIOD}"),
        body=text_body,
        expected=answers(200, **LEAD_ACTIONS),
    ),
    ("POST", "/api/v1/projects/{project_id:uuid}/reports/involvement/freeze"): Case(
        url=project_url(f"/reports/involvement/freeze{PERIOD}&lang=en"), expected=answers(201, **LEAD_ACTIONS)
    ),
    ("GET", "/api/v1/reports/portfolio"): Case(
        url=lambda w: f"/api/v1/reports/portfolio{PERIOD}",
        expected=answers(403, admin=200, research_leader=200),
    ),
}
