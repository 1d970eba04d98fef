"""Role guards: small functions that answer 403 when the caller's global role does not fit."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Guard

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.accounts.tables import Role


def requires_role(*roles: Role) -> Guard:
    """A guard admitting only callers whose global role is one of `roles`."""
    allowed = frozenset(roles)

    def guard(connection: ASGIConnection[Any, Principal | None, Any, Any], _: BaseRouteHandler) -> None:
        if connection.user is None or connection.user.role not in allowed:
            raise PermissionDeniedException("Your role does not allow this")

    return guard


admin_only = requires_role(Role.admin)
leaders_only = requires_role(Role.admin, Role.research_leader)
