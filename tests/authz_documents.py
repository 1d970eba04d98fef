"""Authorization-matrix entries for the documents area's routes (merged into test_authorization.MATRIX).

`prepare` uploads, as the project's lead, a `team` document to `world.project_id` (every member
sees it); the cases read its id from `world.extra["document_id"]`. Uploads are multipart: an
`UploadCase` says which file part to send beside the form fields its `body` gives.
"""

import os
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from tests.authz_common import VISIBLE_TO_MEMBERS, Case, answers, project_url
from tests.conftest import World

DOCUMENT_FIELDS = {"title": "Referat fra referansegruppa", "kind": "minutes", "visibility": "team"}


def pdf_file() -> dict[str, tuple[str, bytes, str]]:
    return {"file": ("referat.pdf", b"%PDF-1.7\n" + os.urandom(2000), "application/pdf")}


@dataclass(frozen=True)
class UploadCase(Case):
    """A route taking multipart/form-data: `body` gives the text fields, `files` the file part."""

    files: Callable[[str, World], dict] = lambda p, w: pdf_file()


async def prepare(client: httpx.AsyncClient, world: World) -> dict[str, str]:
    """Upload, as the lead, a team document to `world.project_id`."""
    response = await client.post(
        f"/api/v1/projects/{world.project_id}/documents",
        data=DOCUMENT_FIELDS,
        files=pdf_file(),
        headers=world.people["lead"].headers,
    )
    assert response.status_code == 201, response.text
    return {"document_id": response.json()["id"]}


def document_url(suffix: str = "") -> Callable[[World], str]:
    return lambda w: f"/api/v1/documents/{w.extra['document_id']}{suffix}"


# Seeing the document is not enough to change it: versions need project staff (or the uploader),
# deletion a lead (or the uploader). The lead uploaded it.
VERSION_ACTIONS = dict(co_researcher=403, **VISIBLE_TO_MEMBERS)
DELETE_ACTIONS = dict(researcher=403, co_researcher=403, **VISIBLE_TO_MEMBERS)

MATRIX: dict[tuple[str, str], Case] = {
    ("POST", "/api/v1/projects/{project_id:uuid}/documents"): UploadCase(
        url=project_url("/documents"),
        body=lambda p, w: DOCUMENT_FIELDS,
        expected=answers(201, **VISIBLE_TO_MEMBERS),
    ),
    ("GET", "/api/v1/projects/{project_id:uuid}/documents"): Case(
        url=project_url("/documents"), expected=answers(200, **VISIBLE_TO_MEMBERS)
    ),
    ("GET", "/api/v1/documents/{document_id:uuid}"): Case(
        url=document_url(), expected=answers(200, **VISIBLE_TO_MEMBERS)
    ),
    ("GET", "/api/v1/documents/{document_id:uuid}/content"): Case(
        url=document_url("/content"), expected=answers(200, **VISIBLE_TO_MEMBERS)
    ),
    ("POST", "/api/v1/documents/{document_id:uuid}/versions"): UploadCase(
        url=document_url("/versions"), expected=answers(201, **VERSION_ACTIONS)
    ),
    ("DELETE", "/api/v1/documents/{document_id:uuid}"): Case(
        url=document_url(), expected=answers(204, **DELETE_ACTIONS)
    ),
}

# The first successful DELETE removes the document: it is uploaded afresh before each persona.
ONE_SHOT = {("DELETE", "/api/v1/documents/{document_id:uuid}")}
