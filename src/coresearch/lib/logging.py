"""Structured logging (structlog) with a request id on every line and every response."""

from __future__ import annotations

import logging
import re
import sys
import uuid

import structlog
from litestar.enums import ScopeType
from litestar.logging.config import (
    StructLoggingConfig,
    default_logger_factory,
    default_structlog_processors,
)
from litestar.middleware.logging import LoggingMiddlewareConfig
from litestar.plugins.structlog import StructlogConfig
from litestar.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "x-request-id"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def structlog_config(*, level: str, as_json: bool | None) -> StructlogConfig:
    """Logging for the app: request lines carry method, path, status and request id, never bodies.

    `as_json=None` picks JSON lines unless standard error is a terminal.
    """
    json_lines = (not sys.stderr.isatty()) if as_json is None else as_json
    return StructlogConfig(
        structlog_logging_config=StructLoggingConfig(
            processors=default_structlog_processors(as_json=json_lines),
            logger_factory=default_logger_factory(as_json=json_lines),
            wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
            log_exceptions="never",
        ),
        middleware_logging_config=LoggingMiddlewareConfig(
            request_log_fields=("method", "path"),
            response_log_fields=["status_code"],
        ),
    )


def request_id_of(scope: Scope) -> str:
    """The request's id: the client's `X-Request-ID` if well-formed, else a new one (kept in the
    scope, so every part of the app sees the same)."""
    state = scope.setdefault("state", {})
    if "request_id" not in state:
        incoming = dict(scope["headers"]).get(REQUEST_ID_HEADER.encode(), b"").decode("latin-1")
        state["request_id"] = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
    return str(state["request_id"])


def request_id_middleware(app: ASGIApp) -> ASGIApp:
    """Bind the request id to every log line of the request."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        with structlog.contextvars.bound_contextvars(request_id=request_id_of(scope)):
            await app(scope, receive, send)

    return middleware


async def send_request_id(message: Message, scope: Scope) -> None:
    """A `before_send` hook: `X-Request-ID` on every response, including the ones the router
    answers before any middleware runs (unknown path, wrong method)."""
    if scope["type"] == ScopeType.HTTP and message["type"] == "http.response.start":
        message["headers"] = [
            *message.get("headers", []),
            (REQUEST_ID_HEADER.encode(), request_id_of(scope).encode()),
        ]
