"""One error hierarchy, mapped to RFC 9457 problem details for every error path."""

from __future__ import annotations

import sqlite3
from http import HTTPStatus
from typing import Any

import structlog
from asyncpg.exceptions import (
    CharacterNotInRepertoireError,
    ForeignKeyViolationError,
    LockNotAvailableError,
    TransactionRollbackError,
    UniqueViolationError,
    UntranslatableCharacterError,
)
from litestar.exceptions import HTTPException
from litestar.plugins.problem_details import ProblemDetailsConfig, ProblemDetailsException

from coresearch.lib.text import explain

logger = structlog.get_logger(__name__)

PROBLEM_TYPE_BASE = "https://coresearch.no/problems/"


class AppError(Exception):
    """An error the client can act on; subclasses fix the status and title."""

    status_code = 400
    slug = "bad-request"

    def __init__(
        self,
        detail: str,
        *,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.headers = headers
        self.extra = extra or {}


class BadRequest(AppError):
    """400: the input is malformed."""


class Invalid(BadRequest):
    """400: a field of the input breaks its rule (`errors` names it)."""

    slug = "validation"


class Unauthorized(AppError):
    """401: no valid credentials."""

    status_code = 401
    slug = "unauthorized"

    def __init__(self, detail: str = "Authentication required", **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(detail, **kwargs)


class Forbidden(AppError):
    """403: authenticated, but this action is not allowed."""

    status_code = 403
    slug = "forbidden"


class NotFound(AppError):
    """404: unknown, or not visible to the caller."""

    status_code = 404
    slug = "not-found"


class Conflict(AppError):
    """409: the current state does not allow this."""

    status_code = 409
    slug = "conflict"


class PayloadTooLarge(AppError):
    """413: the body is over the limit."""

    status_code = 413
    slug = "payload-too-large"


class UnsupportedMediaType(AppError):
    """415: the content type is not accepted."""

    status_code = 415
    slug = "unsupported-media-type"


class Unprocessable(AppError):
    """422: well-formed but semantically invalid."""

    status_code = 422
    slug = "unprocessable"


class RateLimited(AppError):
    """429: too many attempts; `retry_after` seconds until the next may succeed."""

    status_code = 429
    slug = "rate-limited"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail, headers={"Retry-After": str(max(1, retry_after))})


class ServiceUnavailable(AppError):
    """503: a dependency (database, storage) is unavailable."""

    status_code = 503
    slug = "service-unavailable"

    def __init__(self, detail: str, **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"Retry-After": "5"})
        super().__init__(detail, **kwargs)


# The documented problem types (docs/api.md) for answers the framework makes itself.
FRAMEWORK_SLUGS = {
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    413: "payload-too-large",
    415: "unsupported-media-type",
    422: "unprocessable",
    429: "rate-limited",
    503: "service-unavailable",
}


def slug_for(status_code: int) -> str:
    """The problem-type slug for a status the framework answered; every 5xx is `internal`
    except 503."""
    if status_code in FRAMEWORK_SLUGS:
        return FRAMEWORK_SLUGS[status_code]
    return "internal" if status_code >= 500 else "bad-request"


def challenge(headers: dict[str, str] | None) -> dict[str, str]:
    """Headers of a 401: RFC 6750 asks for a Bearer challenge on every one."""
    return {**(headers or {}), "WWW-Authenticate": "Bearer"}


def _title(status_code: int) -> str:
    try:
        return HTTPStatus(status_code).phrase
    except ValueError:
        return "Error"


def _problem(
    status_code: int,
    slug: str,
    detail: str,
    *,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> ProblemDetailsException:
    return ProblemDetailsException(
        status_code=status_code,
        title=_title(status_code),
        detail=detail,
        type_=PROBLEM_TYPE_BASE + slug,
        headers=headers,
        extra=extra or None,
    )


def _field_errors(extra: Any) -> list[dict[str, str]]:
    errors: list[dict[str, str]] = []
    for item in extra if isinstance(extra, list) else []:
        if isinstance(item, dict):
            field = str(item.get("key") or item.get("field") or "body")
            errors.append({"field": field, "message": explain(str(item.get("message", "invalid")))})
    return errors


def app_error_to_problem(exc: AppError) -> ProblemDetailsException:
    """Convert one of our own errors."""
    extra = dict(exc.extra)
    if exc.errors is not None:
        extra["errors"] = exc.errors
    return _problem(exc.status_code, exc.slug, exc.detail, headers=exc.headers, extra=extra)


def http_exception_to_problem(exc: HTTPException) -> ProblemDetailsException:
    """Convert Litestar's own exceptions (routing, parsing, validation, body size)."""
    if isinstance(exc, ProblemDetailsException):
        return exc
    status_code = exc.status_code
    if status_code == 400:
        errors = _field_errors(exc.extra)
        if errors:
            return _problem(400, "validation", "The request is not valid", extra={"errors": errors})
        detail = f"The request could not be read: {exc.detail}" if exc.detail else "Bad request"
        return _problem(400, "bad-request", detail, extra={"errors": []}, headers=exc.headers)
    slug = slug_for(status_code)
    detail = exc.detail if exc.detail and exc.detail != _title(status_code) else _title(status_code)
    headers = exc.headers
    if status_code == 401:
        detail, headers = "Authentication required: send a valid bearer token", challenge(exc.headers)
    if status_code == 404:
        detail = "Nothing here, or not visible to you"
    if status_code >= 500:
        detail = "The service failed to answer this request"
    return _problem(status_code, slug, detail, headers=headers)


def dependency_failure_to_problem(exc: Exception) -> ProblemDetailsException:
    """Map an unavailable database or storage to 503."""
    logger.warning("dependency unavailable", error=type(exc).__name__, reason=str(exc))
    which = "storage" if "Storage" in type(exc).__name__ else "database"
    return _problem(
        503,
        "service-unavailable",
        f"The {which} is unavailable; try again shortly",
        headers={"Retry-After": "5"},
    )


def unstorable_text_to_problem(exc: Exception) -> ProblemDetailsException:
    """Answer 400 for text PostgreSQL refused to store (NUL): bad input, even where a field's
    type did not catch it first (`lib.text` types name the field; this cannot)."""
    logger.warning("text the database cannot store reached it", error=type(exc).__name__)
    return _problem(
        400,
        "bad-request",
        "The request contains a character that cannot be stored (such as NUL, U+0000)",
        extra={"errors": []},
    )


DUPLICATE_DETAIL = "This conflicts with a record that already exists; reload and try again"
MISSING_REFERENCE_DETAIL = "Something this refers to no longer exists; reload and try again"
BUSY_DETAIL = "The database is busy with other changes; try again shortly"
BUSY_RETRY_AFTER = "2"


def integrity_error_to_problem(exc: Exception) -> ProblemDetailsException:
    """Answer 409 when a constraint caught a race the service's own check could not see (two
    requests creating the same e-mail or membership at once, a row deleted meanwhile). The detail
    names no table, constraint or value: the database's message would leak both."""
    message = str(exc).upper()
    if isinstance(exc, UniqueViolationError) or "UNIQUE" in message or "PRIMARY KEY" in message:
        detail = DUPLICATE_DETAIL
    elif isinstance(exc, ForeignKeyViolationError) or "FOREIGN KEY" in message:
        detail = MISSING_REFERENCE_DETAIL
    else:  # NOT NULL or CHECK: the service let bad data through, a bug
        return unexpected_to_problem(exc)
    logger.info("constraint refused a write", error=type(exc).__name__)
    return _problem(409, "conflict", detail)


def busy_database_to_problem(exc: Exception) -> ProblemDetailsException:
    """Answer 503 with Retry-After when a write waited its whole turn for a lock (SQLite's busy
    timeout) or PostgreSQL broke a deadlock or serialization conflict by cancelling it: the same
    request can succeed if sent again."""
    if isinstance(exc, sqlite3.OperationalError) and not _is_lock_timeout(exc):
        return unexpected_to_problem(exc)
    logger.warning("database busy", error=type(exc).__name__)
    return _problem(503, "service-unavailable", BUSY_DETAIL, headers={"Retry-After": BUSY_RETRY_AFTER})


def _is_lock_timeout(exc: Exception) -> bool:
    message = str(exc).lower()
    return "database is locked" in message or "database is busy" in message


def unexpected_to_problem(exc: Exception) -> ProblemDetailsException:
    """Log an unexpected failure and answer 500 without internals."""
    logger.error("unhandled exception", exc_info=exc)
    return _problem(500, "internal", "The service failed to answer this request")


def problem_details_config(dependency_errors: tuple[type[Exception], ...]) -> ProblemDetailsConfig:
    """The problem-details plugin configuration: every exception path ends in a problem."""
    mapping: dict[type[Exception], Any] = {
        AppError: app_error_to_problem,
        HTTPException: http_exception_to_problem,
        CharacterNotInRepertoireError: unstorable_text_to_problem,
        UntranslatableCharacterError: unstorable_text_to_problem,
        UniqueViolationError: integrity_error_to_problem,
        ForeignKeyViolationError: integrity_error_to_problem,
        sqlite3.IntegrityError: integrity_error_to_problem,
        sqlite3.OperationalError: busy_database_to_problem,
        TransactionRollbackError: busy_database_to_problem,
        LockNotAvailableError: busy_database_to_problem,
        Exception: unexpected_to_problem,
    }
    for error_type in dependency_errors:
        mapping[error_type] = dependency_failure_to_problem
    return ProblemDetailsConfig(exception_to_problem_detail_map=mapping)
