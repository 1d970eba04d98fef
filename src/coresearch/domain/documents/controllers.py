"""HTTP routes of the documents area: uploads, versions, metadata, content and deletion."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, Response, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter, SkipValidation
from litestar.response import Redirect, Stream
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT, HTTP_304_NOT_MODIFIED

from coresearch.domain.accounts.schemas import AuthedRequest
from coresearch.domain.documents import documents, versions
from coresearch.domain.documents import schemas as s
from coresearch.domain.documents.openapi import ContentOperation, UploadOperation, VersionOperation
from coresearch.domain.documents.upload import FormUpload
from coresearch.lib.pagination import Page, provide_filters
from coresearch.lib.storage import DocumentStore, attachment_disposition, released_chunks
from coresearch.settings import Settings

VersionNumber = Annotated[int | None, QueryParameter(ge=1)]
# The store is a Protocol: nothing to validate, and msgspec cannot check instances of it.
Store = NamedDependency[SkipValidation[DocumentStore]]


def _form(request: Request[Any, Any, Any]) -> FormUpload:
    """The request body as a streamed form; Litestar's own form parsing is never used here."""
    length = request.headers.get("content-length")
    return FormUpload(
        body=request.stream(),
        content_type=request.headers.get("content-type"),
        content_length=int(length) if length and length.isdigit() else None,
    )


def _etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an If-None-Match header names `etag` (weakly compared, as RFC 9110 asks)."""
    if not if_none_match:
        return False
    candidates = [candidate.strip() for candidate in if_none_match.split(",")]
    return any(candidate == "*" or candidate.removeprefix("W/") == etag for candidate in candidates)


class DocumentsController(Controller):
    """Documents of a project, their versions and their content."""

    path = "/"
    tags = ["documents"]

    @post(
        "/projects/{project_id:uuid}/documents",
        operation_id="documents_create",
        status_code=HTTP_201_CREATED,
        request_max_body_size=None,
        operation_class=UploadOperation,
    )
    async def create_document(
        self,
        project_id: FromPath[UUID],
        request: AuthedRequest,
        store: Store,
        settings: NamedDependency[Settings],
    ) -> s.Document:
        """Upload a document (project members): multipart `file`, `title`, `kind`, `visibility`,
        `coresearcher_id?`, `meeting_id?`, `agreement_id?`.

        The body streams into storage; the file may be at most the configured upload limit
        (413 as soon as it passes it) and must be PDF, PNG, JPEG, UTF-8 text or CSV, DOCX, XLSX
        or ODT judged from its bytes (415 otherwise).
        """
        return await documents.create_document(
            principal=request.user,
            project_id=project_id,
            form=_form(request),
            store=store,
            max_bytes=settings.max_upload_bytes,
        )

    @get(
        "/projects/{project_id:uuid}/documents",
        operation_id="documents_list",
        dependencies=provide_filters(s.DocumentFilters),
    )
    async def list_documents(
        self, project_id: FromPath[UUID], request: AuthedRequest, filters: NamedDependency[s.DocumentFilters]
    ) -> Page[s.Document]:
        """The project's documents the caller may see, newest first."""
        return await documents.list_documents(principal=request.user, project_id=project_id, filters=filters)

    @get("/documents/{document_id:uuid}", operation_id="documents_get")
    async def get_document(self, document_id: FromPath[UUID], request: AuthedRequest) -> s.DocumentDetail:
        """A document with all its versions."""
        return await documents.get_document(principal=request.user, document_id=document_id)

    @get(
        "/documents/{document_id:uuid}/content",
        operation_id="documents_content",
        operation_class=ContentOperation,
    )
    async def get_content(
        self,
        document_id: FromPath[UUID],
        request: AuthedRequest,
        store: Store,
        version: VersionNumber = None,
        redirect: FromQuery[bool] = False,
    ) -> Response[Any]:
        """The bytes of the current version (or `?version=N`), as an attachment.

        `ETag` is the quoted sha256; a matching `If-None-Match` answers 304. With
        `redirect=true` on S3 storage the answer is 307 to a presigned URL valid five minutes;
        on local-disk storage the content streams as without it.
        """
        found = await versions.find_version(principal=request.user, document_id=document_id, version=version)
        etag = f'"{found.sha256}"'
        headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
        if _etag_matches(request.headers.get("if-none-match"), etag):
            return Response(content=b"", status_code=HTTP_304_NOT_MODIFIED, headers=headers)
        if redirect:
            url = await versions.download_url(store=store, version=found)
            if url is not None:
                return Redirect(path=url, status_code=307, headers={"Cache-Control": "no-store"})
        reader = await versions.open_content(store=store, version=found)
        return Stream(
            released_chunks(reader),
            media_type=found.content_type,
            headers={
                **headers,
                # Given as a header, so Litestar does not add a second charset to text types.
                "Content-Type": found.content_type,
                "Content-Disposition": attachment_disposition(found.filename),
                "Content-Length": str(found.size),
                "X-Content-Type-Options": "nosniff",
            },
        )

    @post(
        "/documents/{document_id:uuid}/versions",
        operation_id="documents_version_add",
        status_code=HTTP_201_CREATED,
        request_max_body_size=None,
        operation_class=VersionOperation,
    )
    async def add_version(
        self,
        document_id: FromPath[UUID],
        request: AuthedRequest,
        store: Store,
        settings: NamedDependency[Settings],
    ) -> s.Document:
        """Upload a new version (multipart `file` only): project staff and the uploader."""
        return await versions.add_version(
            principal=request.user,
            document_id=document_id,
            form=_form(request),
            store=store,
            max_bytes=settings.max_upload_bytes,
        )

    @delete("/documents/{document_id:uuid}", operation_id="documents_delete", status_code=HTTP_204_NO_CONTENT)
    async def delete_document(
        self, document_id: FromPath[UUID], request: AuthedRequest, store: Store
    ) -> None:
        """Delete a document and every version (the project's leads and the uploader)."""
        await documents.delete_document(principal=request.user, document_id=document_id, store=store)


ROUTE_HANDLERS: list[type[Controller]] = [DocumentsController]
