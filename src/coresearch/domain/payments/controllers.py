"""HTTP routes of the payments area: rate tables."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from coresearch.domain.accounts.guards import admin_only
from coresearch.domain.accounts.schemas import AuthedRequest
from coresearch.domain.payments import schemas as s
from coresearch.domain.payments import service
from coresearch.lib.openapi import problem_responses
from coresearch.lib.pagination import Page, provide_filters


class RateTablesController(Controller):
    """Dated rate tables: written by admins, never edited in place."""

    path = "/rate-tables"
    tags = ["payments"]

    @post("/", operation_id="rate_tables_create", guards=[admin_only])
    async def create_rate_table(
        self, data: JSONBody[s.RateTableCreate], request: AuthedRequest
    ) -> s.RateTable:
        """Write a rate table, or a new version of one: same `name`, later `valid_from` (admins).
        The same name and `valid_from` again: 409; `rounding_minutes` not dividing 60: 422."""
        return await service.create_rate_table(principal=request.user, data=data)

    @get(
        "/",
        operation_id="rate_tables_list",
        dependencies=provide_filters(s.RateTableFilters),
        responses=problem_responses(403),
    )
    async def list_rate_tables(
        self, request: AuthedRequest, filters: NamedDependency[s.RateTableFilters]
    ) -> Page[s.RateTable]:
        """Every version, latest `valid_from` first, optionally of one `name` (admins, research
        leaders and the leads of any project; anyone else 403)."""
        return await service.list_rate_tables(principal=request.user, filters=filters)


ROUTE_HANDLERS: list[type[Controller]] = [RateTablesController]
