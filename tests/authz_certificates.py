"""Authorization-matrix entries for the certificates area (merged into test_authorization.MATRIX).

The certificate of participation goes to the person and the project's leads. Those who see the
person without acting for them (the project's researcher, oversight) get 403; the other project's
co-researcher and the outsider get 404, as for every record about a person.
"""

from tests.authz_common import Case, answers

MATRIX: dict[tuple[str, str], Case] = {
    ("GET", "/api/v1/projects/{project_id:uuid}/coresearchers/{coresearcher_id:uuid}/certificate"): Case(
        url=lambda w: (
            f"/api/v1/projects/{w.project_id}/coresearchers/{w.people['co_researcher'].id}/certificate"
        ),
        expected=answers(404, lead=200, co_researcher=200, researcher=403, admin=403, research_leader=403),
    ),
}
