"""The OpenAPI document tells the truth: every status an operation can answer, errors as problems.

The statuses follow from what a handler is, read once as the app registers each route, so a new
route is documented without new code:

| the handler | documents |
|---|---|
| takes parameters or a body | 400 (Litestar documents it for any parameter; this gives it the real shape) |
| needs a token | 401, and the bearer requirement (public routes carry none) |
| has guards, or a path id while needing a token | 403 |
| has a path id | 404 |
| writes (POST, PUT, PATCH, DELETE) | 409 |
| takes a body (JSON, or a streamed upload) | 413, 415, 422 |
| uses the database or storage (all but `opt={"offline": True}`) | 503 |

Every error is `application/problem+json` with the `Problem` schema; a handler adds what only its
service knows (401 on sign-in, 429 from throttling) with `problem_responses(...)` in its
decorator. Request structs that refuse unknown fields say so (`additionalProperties: false`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING

import msgspec
from litestar._openapi.schema_generation.plugins.struct import StructSchemaPlugin
from litestar.handlers import HTTPRouteHandler
from litestar.openapi import ResponseSpec
from litestar.openapi.spec import Operation, SecurityRequirement
from litestar.plugins import ReceiveRoutePlugin
from litestar.routes import BaseRoute, HTTPRoute

if TYPE_CHECKING:
    from litestar._openapi.schema_generation import SchemaCreator
    from litestar.openapi.spec import Schema
    from litestar.typing import FieldDefinition

PROBLEM_MEDIA_TYPE = "application/problem+json"
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class FieldError(msgspec.Struct):
    """One field that failed its rule."""

    field: str
    message: str


class Problem(msgspec.Struct):
    """An RFC 9457 problem: the body of every error answer. Some carry more members (`checks`
    on a failed readiness probe)."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldError] | msgspec.UnsetType = msgspec.UNSET


@dataclass
class StreamedBodyOperation(Operation):
    """Base of the operations whose handler reads its own (non-JSON) body: they document 400,
    413, 415 and 422 like a JSON body."""


def problem_responses(*statuses: int) -> dict[int, ResponseSpec]:
    """Problem responses for `statuses`, to merge into a handler's `responses`."""
    return {
        status: ResponseSpec(
            data_container=Problem,
            media_type=PROBLEM_MEDIA_TYPE,
            description=HTTPStatus(status).phrase,
            generate_examples=False,
        )
        for status in statuses
    }


def _reads_parameters(route: HTTPRoute, handler: HTTPRouteHandler) -> bool:
    """Whether the handler (or a dependency of it) reads query, header or cookie parameters."""
    for method in handler.http_methods:
        _, kwargs_model = route.route_handler_map[method]
        if kwargs_model.expected_query_params or kwargs_model.expected_header_params:
            return True
        if kwargs_model.expected_cookie_params:
            return True
    return False


def _takes_body(handler: HTTPRouteHandler) -> bool:
    streamed = isinstance(handler.operation_class, type) and issubclass(
        handler.operation_class, StreamedBodyOperation
    )
    return streamed or "data" in handler.parsed_fn_signature.parameters


def error_statuses(route: HTTPRoute, handler: HTTPRouteHandler, *, needs_token: bool) -> set[int]:
    """The error statuses `handler` can answer, from what it is (see the module's table)."""
    has_path_id = bool(route.path_parameters)
    body = _takes_body(handler)
    statuses: set[int] = set()
    if body or has_path_id or _reads_parameters(route, handler):
        statuses.add(400)
    if needs_token:
        statuses.add(401)
    if handler.resolve_guards() or (needs_token and has_path_id):
        statuses.add(403)
    if has_path_id:
        statuses.add(404)
    if WRITES & set(handler.http_methods):
        statuses.add(409)
    if body:
        statuses |= {413, 415, 422}
    if not handler.opt.get("offline"):
        statuses.add(503)
    return statuses


class TruthfulOpenAPI(ReceiveRoutePlugin):
    """Documents every registered operation's error answers and its security requirement."""

    def __init__(self, *, public_paths: Iterable[str], security: list[SecurityRequirement]) -> None:
        self.public = [re.compile(pattern) for pattern in public_paths]
        self.security = security

    def _needs_token(self, route: HTTPRoute, handler: HTTPRouteHandler) -> bool:
        public_path = any(pattern.search(route.path) for pattern in self.public)
        return not (public_path or handler.opt.get("exclude_from_auth"))

    def receive_route(self, route: BaseRoute) -> None:
        """Merge the computed problem responses into each handler of `route` (what a handler
        declares itself wins) and set its security requirement."""
        if not isinstance(route, HTTPRoute):
            return
        for handler in route.route_handlers:
            if "OPTIONS" in handler.http_methods or not handler.resolve_include_in_schema():
                continue
            needs_token = self._needs_token(route, handler)
            computed = problem_responses(*sorted(error_statuses(route, handler, needs_token=needs_token)))
            handler.responses = {**computed, **(handler.responses or {})}
            handler.security = self.security if needs_token else None


class StrictStructSchemaPlugin(StructSchemaPlugin):
    """Litestar's struct schemas, plus `additionalProperties: false` for structs that refuse
    unknown fields, so clients (and schemathesis) know an extra field is a 400."""

    def is_plugin_supported_field(self, field_definition: FieldDefinition) -> bool:
        """Structs declared with `forbid_unknown_fields=True`."""
        config = getattr(field_definition.type_, "__struct_config__", None)
        return super().is_plugin_supported_field(field_definition) and bool(
            config and config.forbid_unknown_fields
        )

    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: SchemaCreator) -> Schema:
        """The struct's component schema, closed to unknown properties."""
        schema = super().to_openapi_schema(field_definition, schema_creator)
        schema.additional_properties = False
        return schema
