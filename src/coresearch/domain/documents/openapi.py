"""OpenAPI descriptions of the upload routes, whose bodies are streamed rather than decoded."""

from __future__ import annotations

from dataclasses import dataclass

from litestar.openapi.spec import OpenAPIMediaType, Operation, RequestBody, Schema
from litestar.openapi.spec.enums import OpenAPIType

from coresearch.domain.documents.sniffing import ACCEPTED
from coresearch.domain.documents.tables import DocumentKind, Visibility

FILE = Schema(
    type=OpenAPIType.STRING,
    format="binary",
    description=f"The document: {ACCEPTED}. The type is judged from the bytes.",
)
UPLOAD_FIELDS = {
    "file": FILE,
    "title": Schema(type=OpenAPIType.STRING, min_length=1, max_length=300),
    "kind": Schema(type=OpenAPIType.STRING, enum=[kind.value for kind in DocumentKind]),
    "visibility": Schema(type=OpenAPIType.STRING, enum=[value.value for value in Visibility]),
    "coresearcher_id": Schema(
        type=OpenAPIType.STRING,
        format="uuid",
        description="Required with visibility `coresearcher`: a co-researcher member of the project.",
    ),
    "meeting_id": Schema(
        type=OpenAPIType.STRING, format="uuid", description="A meeting of the same project."
    ),
    "agreement_id": Schema(
        type=OpenAPIType.STRING,
        format="uuid",
        description="An agreement of the same project the uploader may see (its signed copy).",
    ),
}


def _multipart(properties: dict[str, Schema], required: list[str]) -> RequestBody:
    schema = Schema(type=OpenAPIType.OBJECT, properties=properties, required=required)
    return RequestBody(content={"multipart/form-data": OpenAPIMediaType(schema=schema)}, required=True)


@dataclass
class UploadOperation(Operation):
    """`POST /projects/{id}/documents`: the file with the document's fields."""

    def __post_init__(self) -> None:
        self.request_body = _multipart(UPLOAD_FIELDS, ["file", "title", "kind", "visibility"])


@dataclass
class VersionOperation(Operation):
    """`POST /documents/{id}/versions`: the file alone."""

    def __post_init__(self) -> None:
        self.request_body = _multipart({"file": FILE}, ["file"])
