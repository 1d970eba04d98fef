"""Documents: streamed uploads into storage, versions, who sees what, downloads and consistency."""

from __future__ import annotations

import hashlib
import io
import os
import tracemalloc
import zipfile
from collections.abc import AsyncIterator, Iterable
from urllib.parse import unquote

import httpx
import msgspec
import pytest
from litestar import Litestar

from coresearch.domain.audit.tables import AuditEntry
from coresearch.domain.documents.tables import Document, DocumentVersion, PendingDeletion
from coresearch.lib.db import DatabaseUnavailable
from coresearch.lib.storage import (
    PARALLEL_PARTS,
    PART_SIZE,
    DocumentStore,
    LocalDocumentStore,
    S3DocumentStore,
    StorageUnavailable,
)
from coresearch.settings import S3Settings
from tests.conftest import Backend, Person, World, add_member, make_person

API = "/api/v1"
PROBLEM = "application/problem+json"
MiB = 1024 * 1024
BOUNDARY = "coresearch-test-7d3f9a"
FIELDS = {"title": "Møtereferat fra referansegruppa", "kind": "minutes", "visibility": "team"}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
TEXT = "text/plain; charset=utf-8"
CSV = "text/csv; charset=utf-8"


def pdf(size: int = 200_000) -> bytes:
    """A PDF header over random bytes (SeaweedFS compresses anything more regular)."""
    return b"%PDF-1.7\n" + os.urandom(size)


def png(size: int = 50_000) -> bytes:
    return b"\x89PNG\r\n\x1a\n" + os.urandom(size)


def office_zip(entries: Iterable[tuple[str, bytes]], *, stored_first: bool = False) -> bytes:
    """A ZIP with `entries` in order; the first stored uncompressed when `stored_first` (ODF)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for index, (name, data) in enumerate(entries):
            method = zipfile.ZIP_STORED if stored_first and index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return buffer.getvalue()


def docx(padding: int = 0) -> bytes:
    """A minimal DOCX; `padding` random bytes stored before `word/` push it past the sniffed head."""
    entries = [("[Content_Types].xml", b"<Types/>")]
    if padding:
        entries.append(("docProps/thumbnail.bin", os.urandom(padding)))
    return office_zip([*entries, ("word/document.xml", b"<w:document/>")])


def part(
    name: str, data: bytes, *, filename: str | bytes | None = None, content_type: str | None = None
) -> bytes:
    """One multipart part; a bytes `filename` goes into the header unescaped, as a hostile client might."""
    disposition = f'form-data; name="{name}"'.encode()
    if filename is not None:
        raw = filename if isinstance(filename, bytes) else filename.encode()
        disposition += b'; filename="' + raw + b'"'
    headers = b"Content-Disposition: " + disposition + b"\r\n"
    if content_type is not None:
        headers += f"Content-Type: {content_type}\r\n".encode()
    return f"--{BOUNDARY}\r\n".encode() + headers + b"\r\n" + data + b"\r\n"


def file_part(
    data: bytes, filename: str | bytes | None = "referat.pdf", content_type: str | None = "application/pdf"
) -> bytes:
    return part("file", data, filename=filename, content_type=content_type)


def form(*parts: bytes, fields: dict[str, str] | None = None, fields_last: bool = False) -> bytes:
    """A multipart/form-data body: the text `fields` before the parts (or after them), then the end."""
    text = [part(name, value.encode()) for name, value in (fields or {}).items()]
    ordered = [*parts, *text] if fields_last else [*text, *parts]
    return b"".join(ordered) + f"--{BOUNDARY}--\r\n".encode()


FORM_HEADERS = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}


async def post_form(
    client: httpx.AsyncClient, person: Person, url: str, body: bytes | AsyncIterator[bytes]
) -> httpx.Response:
    return await client.post(url, content=body, headers={**person.headers, **FORM_HEADERS})


async def upload(
    client: httpx.AsyncClient,
    person: Person,
    project_id: str,
    data: bytes | None = None,
    *,
    filename: str | bytes | None = "referat.pdf",
    content_type: str | None = "application/pdf",
    fields_last: bool = False,
    **fields: str,
) -> httpx.Response:
    body = form(
        file_part(pdf() if data is None else data, filename, content_type),
        fields={**FIELDS, **fields},
        fields_last=fields_last,
    )
    return await post_form(client, person, f"{API}/projects/{project_id}/documents", body)


async def new_document(client: httpx.AsyncClient, person: Person, project_id: str, **kwargs: object) -> dict:
    response = await upload(client, person, project_id, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == 201, response.text
    return response.json()


async def new_version(
    client: httpx.AsyncClient, person: Person, document_id: str, data: bytes
) -> httpx.Response:
    body = form(file_part(data, "referat-v2.pdf", None))
    return await post_form(client, person, f"{API}/documents/{document_id}/versions", body)


async def content(
    client: httpx.AsyncClient, person: Person, document_id: str, **params: object
) -> httpx.Response:
    return await client.get(f"{API}/documents/{document_id}/content", params=params, headers=person.headers)


def store_of(app: Litestar) -> DocumentStore:
    return app.state.store


async def stored_keys(app: Litestar, project_id: str) -> list[str]:
    return await store_of(app).list_keys(f"documents/{project_id}/")


def broken_store(backend: Backend, tmp_path) -> DocumentStore:
    """A store whose backend is gone: S3 on a closed port, or a documents folder that is a file."""
    if backend.settings.s3 is not None:
        dead = S3Settings(
            endpoint="127.0.0.1:9",
            access_key="x",
            secret_key="y",
            bucket="unreachable",
            region="us-east-1",
            secure=False,
        )
        return S3DocumentStore(dead)
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the documents folder should be")
    return LocalDocumentStore(blocker)


# --- the round trip -------------------------------------------------------------------------------


async def test_upload_round_trip_keeps_every_byte(client: httpx.AsyncClient, world: World) -> None:
    lead = world.people["lead"]
    data = pdf(300_000)

    created = await new_document(client, lead, world.project_id, data=data)
    read = await client.get(f"{API}/documents/{created['id']}", headers=lead.headers)
    downloaded = await content(client, lead, created["id"])

    digest = hashlib.sha256(data).hexdigest()
    assert created["project_id"] == world.project_id and created["uploaded_by"] == lead.id
    assert (created["title"], created["kind"], created["visibility"]) == (
        "Møtereferat fra referansegruppa",
        "minutes",
        "team",
    )
    assert (created["version"], created["size"], created["sha256"]) == (1, len(data), digest)
    assert (created["content_type"], created["filename"]) == ("application/pdf", "referat.pdf")
    assert created["coresearcher_id"] is None and created["meeting_id"] is None
    detail = read.json()
    assert {k: v for k, v in detail.items() if k != "versions"} == created
    assert detail["versions"] == [
        {
            "version": 1,
            "size": len(data),
            "sha256": digest,
            "content_type": "application/pdf",
            "filename": "referat.pdf",
            "uploaded_by": lead.id,
            "created_at": created["created_at"],
        }
    ]
    assert downloaded.status_code == 200
    assert downloaded.content == data
    assert downloaded.headers["content-type"] == "application/pdf"
    assert downloaded.headers["etag"] == f'"{digest}"'
    assert downloaded.headers["content-length"] == str(len(data))
    assert downloaded.headers["content-disposition"].startswith('attachment; filename="referat.pdf"')
    assert downloaded.headers["x-content-type-options"] == "nosniff"


async def test_a_new_version_leaves_the_old_one_readable(client: httpx.AsyncClient, world: World) -> None:
    lead, researcher = world.people["lead"], world.people["researcher"]
    first, second = pdf(), png()
    created = await new_document(client, lead, world.project_id, data=first)

    response = await new_version(client, researcher, created["id"], second)

    assert response.status_code == 201, response.text
    updated = response.json()
    assert updated["id"] == created["id"] and updated["version"] == 2
    assert (updated["content_type"], updated["filename"]) == ("image/png", "referat-v2.pdf")
    assert updated["sha256"] == hashlib.sha256(second).hexdigest()
    assert (await content(client, lead, created["id"])).content == second
    assert (await content(client, lead, created["id"], version=1)).content == first
    assert (await content(client, lead, created["id"], version=2)).content == second
    assert (await content(client, lead, created["id"], version=3)).status_code == 404
    detail = (await client.get(f"{API}/documents/{created['id']}", headers=lead.headers)).json()
    assert [(v["version"], v["uploaded_by"]) for v in detail["versions"]] == [
        (1, lead.id),
        (2, researcher.id),
    ]
    listed = (await client.get(f"{API}/projects/{world.project_id}/documents", headers=lead.headers)).json()
    assert [(d["id"], d["version"]) for d in listed["items"]] == [(created["id"], 2)]


async def test_if_none_match_answers_304(client: httpx.AsyncClient, world: World) -> None:
    lead = world.people["lead"]
    created = await new_document(client, lead, world.project_id)
    etag = f'"{created["sha256"]}"'
    url = f"{API}/documents/{created['id']}/content"

    same = await client.get(url, headers={**lead.headers, "If-None-Match": etag})
    weak_in_list = await client.get(url, headers={**lead.headers, "If-None-Match": f'"other", W/{etag}'})
    other = await client.get(url, headers={**lead.headers, "If-None-Match": '"0000"'})

    assert same.status_code == weak_in_list.status_code == 304
    assert same.content == b"" and same.headers["etag"] == etag
    assert other.status_code == 200 and hashlib.sha256(other.content).hexdigest() == created["sha256"]


# --- who sees what --------------------------------------------------------------------------------

SEES_ALL = {"admin", "research_leader", "lead", "researcher", "co_researcher", "second_co_researcher"}
# (uploader, visibility, who sees it); a `coresearcher` document names the project's co-researcher.
VISIBILITY_CASES = [
    ("lead", "team", SEES_ALL),
    ("lead", "coresearcher", {"admin", "research_leader", "lead", "researcher", "co_researcher"}),
    ("lead", "private", {"admin", "research_leader", "lead"}),
    ("researcher", "private", {"admin", "research_leader", "lead", "researcher"}),
    ("co_researcher", "private", {"admin", "research_leader", "lead", "co_researcher"}),
    ("co_researcher", "coresearcher", {"admin", "research_leader", "lead", "researcher", "co_researcher"}),
]
VERSIONERS = {"admin", "research_leader", "lead", "researcher"}


async def test_only_those_the_visibility_names_see_a_document(
    client: httpx.AsyncClient, world: World
) -> None:
    people = dict(world.people)
    people["second_co_researcher"] = await make_person(client, "co_researcher", "second")
    await add_member(
        client, people["lead"], world.project_id, people["second_co_researcher"], "co_researcher"
    )

    for uploader, visibility, seen_by in VISIBILITY_CASES:
        named = {"coresearcher_id": people["co_researcher"].id} if visibility == "coresearcher" else {}
        document = await new_document(
            client, people[uploader], world.project_id, visibility=visibility, **named
        )
        for persona, person in people.items():
            case = (uploader, visibility, persona)
            listed = await client.get(f"{API}/projects/{world.project_id}/documents", headers=person.headers)
            read = await client.get(f"{API}/documents/{document['id']}", headers=person.headers)
            downloaded = await content(client, person, document["id"])
            versions = await new_version(client, person, document["id"], pdf(1000))
            in_list = listed.status_code == 200 and document["id"] in [
                d["id"] for d in listed.json()["items"]
            ]
            if persona in seen_by:
                assert (read.status_code, downloaded.status_code, in_list) == (200, 200, True), case
                assert versions.status_code == (201 if persona in VERSIONERS | {uploader} else 403), case
            else:
                assert (read.status_code, downloaded.status_code, in_list) == (404, 404, False), case
                assert versions.status_code == 404, case
                assert read.headers["content-type"].startswith(PROBLEM)


# (uploader, visibility, {persona: answer to DELETE, in this order}); the last one deletes it.
DELETE_CASES = [
    (
        "lead",
        "team",
        {"researcher": 403, "co_researcher": 403, "outsider": 404, "other_co_researcher": 404, "lead": 204},
    ),
    ("researcher", "team", {"co_researcher": 403, "outsider": 404, "researcher": 204}),
    ("co_researcher", "team", {"researcher": 403, "co_researcher": 204}),
    ("lead", "private", {"researcher": 404, "co_researcher": 404, "research_leader": 204}),
    ("researcher", "private", {"co_researcher": 404, "lead": 204}),
    ("lead", "team", {"admin": 204}),
]


async def test_the_uploader_and_leads_delete_others_who_see_get_403(
    client: httpx.AsyncClient, world: World
) -> None:
    for uploader, visibility, answers in DELETE_CASES:
        document = await new_document(client, world.people[uploader], world.project_id, visibility=visibility)
        url = f"{API}/documents/{document['id']}"
        for persona, status in answers.items():
            response = await client.delete(url, headers=world.people[persona].headers)
            assert response.status_code == status, (uploader, visibility, persona)
        assert (await client.get(url, headers=world.people["admin"].headers)).status_code == 404


async def test_lists_hold_only_what_the_caller_sees_and_page_newest_first(
    client: httpx.AsyncClient, world: World
) -> None:
    lead, co = world.people["lead"], world.people["co_researcher"]
    team = [await new_document(client, lead, world.project_id, title=f"Referat {n}") for n in range(3)]
    await new_document(client, lead, world.project_id, title="Budsjett", visibility="private", kind="report")
    url = f"{API}/projects/{world.project_id}/documents"

    first = (await client.get(url, params={"limit": 2}, headers=co.headers)).json()
    second = (
        await client.get(url, params={"limit": 2, "cursor": first["next_cursor"]}, headers=co.headers)
    ).json()
    reports = (await client.get(url, params={"kind": "report"}, headers=lead.headers)).json()

    assert [d["title"] for d in first["items"] + second["items"]] == ["Referat 2", "Referat 1", "Referat 0"]
    assert second["next_cursor"] is None
    assert {d["id"] for d in first["items"] + second["items"]} == {d["id"] for d in team}
    assert [d["title"] for d in reports["items"]] == ["Budsjett"]
    assert (await client.get(url, headers=world.people["outsider"].headers)).status_code == 404


# --- the form's fields ----------------------------------------------------------------------------


async def test_fields_may_follow_the_file(client: httpx.AsyncClient, world: World) -> None:
    lead = world.people["lead"]
    created = await new_document(
        client, lead, world.project_id, fields_last=True, title="Samtykkeskjema", kind="agreement"
    )
    assert (created["title"], created["kind"]) == ("Samtykkeskjema", "agreement")


# (fields changed from FIELDS, answer, field named in `errors`); "LEAD" stands for the lead's id.
REFUSED_FORMS = [
    ({"title": "Nul\u0000tegn"}, 400, "title"),
    ({"title": "To\nlinjer"}, 400, "title"),
    ({"title": ""}, 400, "title"),
    ({"kind": "letter"}, 400, "kind"),
    ({"visibility": "public"}, 400, "visibility"),
    ({"meeting_id": "not-a-uuid"}, 400, "meeting_id"),
    ({"owner": "meg"}, 400, "owner"),
    ({"visibility": "coresearcher"}, 422, "coresearcher_id"),
    ({"visibility": "coresearcher", "coresearcher_id": "LEAD"}, 422, "coresearcher_id"),
]


async def test_a_refused_form_stores_nothing_whether_fields_come_first_or_last(
    client: httpx.AsyncClient, world: World, app: Litestar
) -> None:
    lead = world.people["lead"]
    for fields_last in (False, True):
        for fields, status, field in REFUSED_FORMS:
            sent = {name: lead.id if value == "LEAD" else value for name, value in fields.items()}
            response = await upload(client, lead, world.project_id, fields_last=fields_last, **sent)
            case = (fields, fields_last)
            assert response.status_code == status, (case, response.text)
            assert response.headers["content-type"].startswith(PROBLEM), case
            assert field in [e["field"] for e in response.json()["errors"]], case
    assert await stored_keys(app, world.project_id) == []
    assert await Document.count() == 0


async def test_missing_title_and_missing_file_are_bad_requests(
    client: httpx.AsyncClient, world: World
) -> None:
    lead = world.people["lead"]
    url = f"{API}/projects/{world.project_id}/documents"
    no_title = form(file_part(pdf()), fields={"kind": "minutes", "visibility": "team"})
    no_file = form(fields=FIELDS)
    two_files = form(file_part(pdf()), file_part(pdf()), fields=FIELDS)
    twice = form(file_part(pdf()), part("kind", b"report"), fields=FIELDS)

    answers = [await post_form(client, lead, url, body) for body in (no_title, no_file, two_files, twice)]

    assert [r.status_code for r in answers] == [400, 400, 400, 400]
    assert answers[0].json()["errors"] == [{"field": "title", "message": "is required"}]
    assert answers[1].json()["errors"][0]["field"] == "file"


async def test_a_body_that_is_not_a_form_is_refused(client: httpx.AsyncClient, world: World) -> None:
    lead = world.people["lead"]
    url = f"{API}/projects/{world.project_id}/documents"
    as_json = await client.post(url, json=FIELDS, headers=lead.headers)
    no_boundary = await client.post(
        url, content=b"x", headers={**lead.headers, "Content-Type": "multipart/form-data"}
    )
    cut_short = await post_form(client, lead, url, form(file_part(pdf()), fields=FIELDS)[:-40])

    assert as_json.status_code == 415 and as_json.headers["content-type"].startswith(PROBLEM)
    assert no_boundary.status_code == 400
    assert cut_short.status_code == 400


async def test_coresearcher_visibility_names_a_coresearcher_member(
    client: httpx.AsyncClient, world: World
) -> None:
    lead, co, researcher = (world.people[p] for p in ("lead", "co_researcher", "researcher"))
    stranger = world.people["other_co_researcher"]

    shared = await upload(client, lead, world.project_id, visibility="coresearcher", coresearcher_id=co.id)
    not_co = await upload(
        client, lead, world.project_id, visibility="coresearcher", coresearcher_id=researcher.id
    )
    not_member = await upload(
        client, lead, world.project_id, visibility="coresearcher", coresearcher_id=stranger.id
    )
    with_team = await upload(client, lead, world.project_id, visibility="team", coresearcher_id=co.id)
    co_self = await upload(client, co, world.project_id, visibility="coresearcher", coresearcher_id=co.id)
    co_other = await upload(
        client, co, world.project_id, visibility="coresearcher", coresearcher_id=stranger.id
    )

    assert shared.status_code == 201 and shared.json()["coresearcher_id"] == co.id
    assert (not_co.status_code, not_member.status_code, with_team.status_code) == (422, 422, 422)
    assert co_self.status_code == 201 and co_self.json()["uploaded_by"] == co.id
    # A co-researcher may share only with themselves: 403 whoever is named, member or not.
    assert co_other.status_code == 403


async def test_a_meeting_attachment_must_be_a_meeting_of_the_project(
    client: httpx.AsyncClient, world: World
) -> None:
    lead, outsider = world.people["lead"], world.people["outsider"]
    meeting = {
        "title": "Referansegruppemøte",
        "phase": "design",
        "starts_at": "2026-03-02T10:00:00+01:00",
        "ends_at": "2026-03-02T12:00:00+01:00",
    }
    own = (
        await client.post(f"{API}/projects/{world.project_id}/meetings", json=meeting, headers=lead.headers)
    ).json()
    other = (
        await client.post(
            f"{API}/projects/{world.other_project_id}/meetings", json=meeting, headers=outsider.headers
        )
    ).json()

    attached = await upload(client, lead, world.project_id, kind="meeting_papers", meeting_id=own["id"])
    elsewhere = await upload(client, lead, world.project_id, meeting_id=other["id"])
    elsewhere_by_oversight = await upload(
        client, world.people["admin"], world.project_id, meeting_id=other["id"]
    )
    await new_document(client, lead, world.project_id, title="Uten møte")
    listed = await client.get(
        f"{API}/projects/{world.project_id}/documents", params={"meeting_id": own["id"]}, headers=lead.headers
    )

    assert attached.status_code == 201 and attached.json()["meeting_id"] == own["id"]
    assert elsewhere.status_code == elsewhere_by_oversight.status_code == 422
    assert elsewhere.json()["errors"] == [{"field": "meeting_id", "message": "not a meeting of this project"}]
    assert [d["id"] for d in listed.json()["items"]] == [attached.json()["id"]]


async def test_a_version_upload_takes_the_file_only(client: httpx.AsyncClient, world: World) -> None:
    lead = world.people["lead"]
    created = await new_document(client, lead, world.project_id)
    body = form(file_part(pdf()), fields={"title": "Nytt navn"})
    response = await post_form(client, lead, f"{API}/documents/{created['id']}/versions", body)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "title"


# --- what the bytes are ---------------------------------------------------------------------------


# (case, bytes, file name, declared part type, type found)
ACCEPTED_FILES = [
    ("png", png(), "bilde.png", "image/png", "image/png"),
    ("jpeg", b"\xff\xd8\xff\xe0" + os.urandom(20_000), "foto.jpg", "image/jpeg", "image/jpeg"),
    ("text", "Referat fra møtet på Ås\r\nÆrlig talt\tbra".encode(), "referat.txt", "text/plain", TEXT),
    ("csv-excel-declared", "navn;beløp\nÅse;100\n".encode(), "utlegg.csv", "application/vnd.ms-excel", CSV),
    ("csv-declared", b"a,b\n1,2\n", "data", "text/csv", CSV),
    ("docx", docx(), "avtale.docx", DOCX, DOCX),
    ("docx-name-after-the-head", docx(padding=40_000), "avtale.docx", None, DOCX),
    (
        "xlsx",
        office_zip([("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", b"<w/>")]),
        "t.xlsx",
        None,
        XLSX,
    ),
    (
        "odt",
        office_zip([("mimetype", ODT.encode()), ("content.xml", b"<x/>")], stored_first=True),
        "a.odt",
        None,
        ODT,
    ),
    ("pdf-declared-generic", pdf(), "skann.pdf", "application/octet-stream", "application/pdf"),
]


async def test_accepted_types_are_judged_from_the_bytes(client: httpx.AsyncClient, world: World) -> None:
    lead = world.people["lead"]
    for case, data, filename, declared, expected in ACCEPTED_FILES:
        response = await upload(
            client, lead, world.project_id, data, filename=filename, content_type=declared
        )
        assert response.status_code == 201, (case, response.text)
        downloaded = await content(client, lead, response.json()["id"])
        assert response.json()["content_type"] == expected, case
        assert downloaded.headers["content-type"] == expected and downloaded.content == data, case


# (case, bytes, file name, declared part type)
REFUSED_FILES = [
    ("elf", b"\x7fELF\x02\x01\x01" + os.urandom(5000), "program", None),
    (
        "zip-not-office",
        office_zip([("notes.txt", b"hei"), ("bilde.bin", os.urandom(30_000))]),
        "arkiv.zip",
        None,
    ),
    ("pdf-declared-png", pdf(), "bilde.png", "image/png"),
    ("png-declared-text", png(), "referat.txt", "text/plain"),
    ("docx-declared-xlsx", docx(), "avtale.xlsx", XLSX),
    ("nul-after-the-head", b"Ren tekst " * 2000 + b"\x00", "late-nul.txt", "text/plain"),
    ("bad-utf8-after-the-head", b"Ren tekst " * 2000 + b"\xc3\x28", "late.txt", None),
    ("escape-sequence", b"Ren tekst \x1b[31m farget", "escape.txt", None),
    ("empty", b"", "empty.pdf", "application/pdf"),
]


async def test_other_content_is_refused_with_415_and_nothing_stored(
    client: httpx.AsyncClient, world: World, app: Litestar
) -> None:
    lead = world.people["lead"]
    for case, data, filename, declared in REFUSED_FILES:
        response = await upload(
            client, lead, world.project_id, data, filename=filename, content_type=declared
        )
        assert response.status_code == 415, (case, response.text)
        assert response.headers["content-type"].startswith(PROBLEM), case
    assert await stored_keys(app, world.project_id) == []
    assert await Document.count() == 0


# (what the client sent as file name, what is kept)
HOSTILE_NAMES = [
    ("../../etc/passwd", "passwd"),
    ("C:\\x\\y.pdf", "y.pdf"),
    (b"ev\x01il\x1b[31m.pdf", "evil[31m.pdf"),
    ("invoice\u202efdp.exe.pdf", "invoicefdp.exe.pdf"),
    ("..", "document"),
    ("", "document"),
    (None, "document"),
    ("Møtereferat æøå.pdf", "Møtereferat æøå.pdf"),
    ("A\u030angstrøm.pdf", "Ångstrøm.pdf"),
    ("æ" * 200 + ".pdf", "æ" * 125 + ".pdf"),
]


async def test_file_names_are_made_safe(client: httpx.AsyncClient, world: World) -> None:
    lead = world.people["lead"]
    for sent, kept in HOSTILE_NAMES:
        created = await new_document(client, lead, world.project_id, filename=sent)
        downloaded = await content(client, lead, created["id"])
        assert created["filename"] == kept, sent
        assert len(kept.encode()) <= 255
        extended = downloaded.headers["content-disposition"].split("filename*=UTF-8''")[1]
        assert unquote(extended) == kept, sent


async def test_filename_star_wins_over_filename(client: httpx.AsyncClient, world: World) -> None:
    disposition = 'Content-Disposition: form-data; name="file"; filename="fallback.pdf"; filename*=UTF-8\'\'M%C3%B8te%20%C3%A6%C3%B8%C3%A5.pdf'
    raw = f"--{BOUNDARY}\r\n{disposition}\r\nContent-Type: application/pdf\r\n\r\n".encode() + pdf() + b"\r\n"
    url = f"{API}/projects/{world.project_id}/documents"
    response = await post_form(client, world.people["lead"], url, form(raw, fields=FIELDS))
    assert response.status_code == 201, response.text
    assert response.json()["filename"] == "Møte æøå.pdf"


async def test_a_browser_style_upload_through_httpx_files(client: httpx.AsyncClient, world: World) -> None:
    data = pdf()
    response = await client.post(
        f"{API}/projects/{world.project_id}/documents",
        data=FIELDS,
        files={"file": ("Møtereferat æøå.pdf", data, "application/pdf")},
        headers=world.people["co_researcher"].headers,
    )
    assert response.status_code == 201, response.text
    assert response.json()["filename"] == "Møtereferat æøå.pdf"
    assert response.json()["sha256"] == hashlib.sha256(data).hexdigest()


# --- limits ---------------------------------------------------------------------------------------


async def test_a_file_over_the_limit_answers_413_as_soon_as_it_passes_it(
    client: httpx.AsyncClient, world: World, app: Litestar, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        app.state, "settings", msgspec.structs.replace(app.state.settings, max_upload_bytes=100_000)
    )
    sent = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal sent
        yield part("title", b"For stor") + part("kind", b"report") + part("visibility", b"team")
        yield f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="stor.pdf"\r\n\r\n'.encode()
        yield b"%PDF-1.7\n"
        for _ in range(10 * MiB // (16 * 1024)):
            sent += 16 * 1024
            yield os.urandom(16 * 1024)
        yield f"\r\n--{BOUNDARY}--\r\n".encode()

    response = await post_form(
        client, world.people["lead"], f"{API}/projects/{world.project_id}/documents", body()
    )
    fits = await upload(client, world.people["lead"], world.project_id, pdf(90_000))

    assert response.status_code == 413 and response.headers["content-type"].startswith(PROBLEM)
    assert response.json()["errors"][0]["field"] == "file"
    assert sent < 1 * MiB, "the upload should stop right after the limit, not read the rest"
    assert fits.status_code == 201
    assert await Document.count() == 1
    assert len(await stored_keys(app, world.project_id)) == 1


async def test_a_declared_body_over_the_limit_is_refused_before_reading(
    client: httpx.AsyncClient, world: World, app: Litestar, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        app.state, "settings", msgspec.structs.replace(app.state.settings, max_upload_bytes=1000)
    )
    response = await upload(client, world.people["lead"], world.project_id, pdf(200_000))
    assert response.status_code == 413


async def test_a_50_mb_upload_streams_with_bounded_memory(
    client: httpx.AsyncClient, world: World, app: Litestar
) -> None:
    size, chunk = 50 * MiB, 256 * 1024
    digest = hashlib.sha256()

    async def body() -> AsyncIterator[bytes]:
        yield part("title", b"Lydopptak transkribert") + part("kind", b"report") + part("visibility", b"team")
        yield f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="stor.pdf"\r\n\r\n'.encode()
        header = b"%PDF-1.7\n"
        digest.update(header)
        yield header
        for _ in range((size - len(header)) // chunk):
            piece = os.urandom(chunk)
            digest.update(piece)
            yield piece
        yield f"\r\n--{BOUNDARY}--\r\n".encode()

    tracemalloc.start()
    try:
        response = await post_form(
            client, world.people["lead"], f"{API}/projects/{world.project_id}/documents", body()
        )
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert response.status_code == 201, response.text
    assert response.json()["sha256"] == digest.hexdigest()
    # One part is received while up to PARALLEL_PARTS more are sent (S3); the rest is the request's.
    bound = 24 * MiB + (PARALLEL_PARTS * PART_SIZE if isinstance(store_of(app), S3DocumentStore) else 0)
    assert peak < bound, f"the upload peaked at {peak / MiB:.1f} MiB"
    received = hashlib.sha256()
    async with await store_of(app).get((await stored_keys(app, world.project_id))[0]) as reader:
        async for piece in reader:
            received.update(piece)
    assert received.hexdigest() == digest.hexdigest()


# --- storage and consistency ----------------------------------------------------------------------


async def test_delete_removes_rows_and_objects(
    client: httpx.AsyncClient, world: World, app: Litestar
) -> None:
    lead = world.people["lead"]
    created = await new_document(client, lead, world.project_id)
    assert (await new_version(client, lead, created["id"], pdf())).status_code == 201
    keys = await stored_keys(app, world.project_id)

    response = await client.delete(f"{API}/documents/{created['id']}", headers=lead.headers)

    assert response.status_code == 204
    assert len(keys) == 2 and not [key for key in keys if await store_of(app).exists(key)]
    assert await Document.count() == await DocumentVersion.count() == await PendingDeletion.count() == 0
    assert (await client.get(f"{API}/documents/{created['id']}", headers=lead.headers)).status_code == 404


async def test_delete_while_storage_is_down_keeps_the_deletion_pending(
    client: httpx.AsyncClient,
    world: World,
    app: Litestar,
    backend: Backend,
    tmp_path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lead = world.people["lead"]
    created = await new_document(client, lead, world.project_id)
    [key] = await stored_keys(app, world.project_id)
    real_store = store_of(app)
    monkeypatch.setattr(app.state, "store", broken_store(backend, tmp_path))

    response = await client.delete(f"{API}/documents/{created['id']}", headers=lead.headers)

    assert response.status_code == 204
    assert await Document.count() == 0
    assert [row["object_key"] for row in await PendingDeletion.select(PendingDeletion.object_key)] == [key]
    assert await real_store.exists(key)


async def test_storage_down_during_upload_answers_503_and_leaves_nothing(
    client: httpx.AsyncClient,
    world: World,
    app: Litestar,
    backend: Backend,
    tmp_path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_store = store_of(app)
    monkeypatch.setattr(app.state, "store", broken_store(backend, tmp_path))

    response = await upload(client, world.people["lead"], world.project_id, pdf(3 * MiB))
    monkeypatch.setattr(app.state, "store", real_store)

    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith(PROBLEM) and "storage" in response.json()["detail"]
    assert await Document.count() == 0
    assert await stored_keys(app, world.project_id) == []
    listed = await client.get(
        f"{API}/projects/{world.project_id}/documents", headers=world.people["lead"].headers
    )
    assert listed.json()["items"] == []


class _DeleteFails:
    """The real store, except that deleting fails as if storage went down right after the upload."""

    def __init__(self, store: DocumentStore) -> None:
        self._store = store

    def __getattr__(self, name: str) -> object:
        return getattr(self._store, name)

    async def delete(self, key: str) -> None:
        raise StorageUnavailable("simulated outage")


@pytest.mark.parametrize("delete_works", [True, False], ids=["object-deleted", "deletion-queued"])
async def test_a_failed_insert_takes_the_stored_object_away(
    client: httpx.AsyncClient,
    world: World,
    app: Litestar,
    monkeypatch: pytest.MonkeyPatch,
    delete_works: bool,
) -> None:
    async def database_down(**_: object) -> None:
        raise DatabaseUnavailable("simulated failure after the rows were written")

    real_store = store_of(app)
    if not delete_works:
        monkeypatch.setattr(app.state, "store", _DeleteFails(real_store))
    monkeypatch.setattr("coresearch.domain.audit.service.record", database_down)

    response = await upload(client, world.people["lead"], world.project_id)

    assert response.status_code == 503
    assert await Document.count() == await DocumentVersion.count() == 0
    pending = [row["object_key"] for row in await PendingDeletion.select(PendingDeletion.object_key)]
    keys = await real_store.list_keys(f"documents/{world.project_id}/")
    if delete_works:
        assert keys == [] and pending == []
    else:
        assert len(keys) == 1 and pending == keys


async def test_redirect_gives_a_presigned_link_on_s3_and_streams_on_local_disk(
    client: httpx.AsyncClient, world: World, backend: Backend
) -> None:
    lead = world.people["lead"]
    data = pdf()
    created = await new_document(client, lead, world.project_id, data=data, filename="Møtereferat æøå.pdf")

    response = await content(client, lead, created["id"], redirect="true")

    if backend.settings.s3 is None:
        assert response.status_code == 200 and response.content == data
        return
    assert response.status_code == 307
    location = response.headers["location"]
    assert "X-Amz-Expires=300" in location
    async with httpx.AsyncClient() as outside:
        fetched = await outside.get(location)
    assert fetched.status_code == 200
    assert hashlib.sha256(fetched.content).hexdigest() == created["sha256"]
    assert fetched.headers["content-type"] == "application/pdf"
    assert (
        "filename*=UTF-8''M%C3%B8tereferat%20%C3%A6%C3%B8%C3%A5.pdf" in fetched.headers["content-disposition"]
    )


async def test_every_change_is_audited(client: httpx.AsyncClient, world: World) -> None:
    lead, researcher = world.people["lead"], world.people["researcher"]
    created = await new_document(client, lead, world.project_id)
    await new_version(client, researcher, created["id"], png())
    await client.delete(f"{API}/documents/{created['id']}", headers=lead.headers)

    rows = await (
        AuditEntry.select(AuditEntry.action, AuditEntry.actor_id, AuditEntry.changes)
        .where((AuditEntry.entity == "document") & (AuditEntry.entity_id == created["id"]))
        .order_by(AuditEntry.occurred_at)
    )

    assert [(row["action"], str(row["actor_id"])) for row in rows] == [
        ("document.create", lead.id),
        ("document.version_add", researcher.id),
        ("document.delete", lead.id),
    ]
    changes = [
        msgspec.json.decode(row["changes"]) if isinstance(row["changes"], str) else row["changes"]
        for row in rows
    ]
    assert changes[0]["sha256"]["after"] == created["sha256"]
    assert changes[1]["current_version"] == {"before": 1, "after": 2}
    assert changes[2]["title"]["before"] == created["title"]
