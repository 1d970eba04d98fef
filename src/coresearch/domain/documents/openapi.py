"""OpenAPI descriptions of the upload routes, whose bodies are streamed rather than decoded."""

from __future__ import annotations

from dataclasses import dataclass

from litestar.openapi.spec import (
    OpenAPIHeader,
    OpenAPIMediaType,
    OpenAPIResponse,
    Operation,
    Reference,
    RequestBody,
    Schema,
)
from litestar.openapi.spec.enums import OpenAPIFormat, OpenAPIType

from coresearch.domain.documents.sniffing import ACCEPTED, CSV, DOCX, JPEG, ODT, PDF, PNG, TEXT, XLSX
from coresearch.domain.documents.tables import DocumentKind, Visibility
from coresearch.lib.openapi import StreamedBodyOperation

FILE = Schema(
    type=OpenAPIType.STRING,
    format=OpenAPIFormat.BINARY,
    description=f"The document: {ACCEPTED}. The type is judged from the bytes.",
)
UPLOAD_FIELDS: dict[str, Reference | Schema] = {
    "file": FILE,
    "title": Schema(type=OpenAPIType.STRING, min_length=1, max_length=300),
    "kind": Schema(type=OpenAPIType.STRING, enum=[kind.value for kind in DocumentKind]),
    "visibility": Schema(type=OpenAPIType.STRING, enum=[value.value for value in Visibility]),
    "coresearcher_id": Schema(
        type=OpenAPIType.STRING,
        format=OpenAPIFormat.UUID,
        description="Required with visibility `coresearcher`: a co-researcher member of the project.",
    ),
    "meeting_id": Schema(
        type=OpenAPIType.STRING, format=OpenAPIFormat.UUID, description="A meeting of the same project."
    ),
    "agreement_id": Schema(
        type=OpenAPIType.STRING,
        format=OpenAPIFormat.UUID,
        description="An agreement of the same project the uploader may see (its signed copy).",
    ),
}


def _multipart(properties: dict[str, Reference | Schema], required: list[str]) -> RequestBody:
    schema = Schema(type=OpenAPIType.OBJECT, properties=properties, required=required)
    return RequestBody(content={"multipart/form-data": OpenAPIMediaType(schema=schema)}, required=True)


@dataclass
class UploadOperation(StreamedBodyOperation):
    """`POST /projects/{id}/documents`: the file with the document's fields."""

    def __post_init__(self) -> None:
        self.request_body = _multipart(UPLOAD_FIELDS, ["file", "title", "kind", "visibility"])


@dataclass
class VersionOperation(StreamedBodyOperation):
    """`POST /documents/{id}/versions`: the file alone."""

    def __post_init__(self) -> None:
        self.request_body = _multipart({"file": FILE}, ["file"])


# What `GET /documents/{id}/content` can answer besides its problems: the bytes in the type they
# were judged to be, 304 for a matching `If-None-Match`, 307 to a presigned URL.
_BINARY = Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)
_CONTENT_RESPONSES = {
    "200": OpenAPIResponse(
        description="The bytes of the version, as an attachment",
        content={
            media_type: OpenAPIMediaType(schema=_BINARY)
            for media_type in (PDF, PNG, JPEG, TEXT, CSV, DOCX, XLSX, ODT)
        },
        headers={
            "ETag": OpenAPIHeader(schema=Schema(type=OpenAPIType.STRING), description="The quoted sha256"),
            "Content-Disposition": OpenAPIHeader(schema=Schema(type=OpenAPIType.STRING)),
        },
    ),
    "304": OpenAPIResponse(description="`If-None-Match` names the current ETag"),
    "307": OpenAPIResponse(
        description="`redirect=true` on S3 storage: a presigned URL valid five minutes",
        headers={"Location": OpenAPIHeader(schema=Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.URI))},
    ),
}


@dataclass
class ContentOperation(Operation):
    """`GET /documents/{id}/content`: binary answers, a revalidation and a redirect."""

    def __post_init__(self) -> None:
        self.responses = {**(self.responses or {}), **_CONTENT_RESPONSES}
