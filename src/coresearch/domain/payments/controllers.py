"""HTTP routes of the payments area: rate tables, time entries and expenses."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from coresearch.domain.accounts.guards import admin_only
from coresearch.domain.accounts.schemas import AuthedRequest
from coresearch.domain.payments import expenses, service, time_entries
from coresearch.domain.payments import schemas as s
from coresearch.domain.payments.benefit_controllers import BenefitPeriodsController
from coresearch.domain.payments.budget_controllers import BudgetController
from coresearch.domain.payments.claim_controllers import ClaimsController
from coresearch.domain.payments.payroll_controllers import PayrollController
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


class TimeAndExpensesController(Controller):
    """A project's time entries and expenses: staff record for anyone, co-researchers for
    themselves."""

    path = "/projects/{project_id:uuid}"
    tags = ["payments"]

    @post("/time-entries", operation_id="time_entries_create", responses=problem_responses(403, 404, 422))
    async def create_time_entry(
        self, project_id: FromPath[UUID], data: JSONBody[s.TimeEntryCreate], request: AuthedRequest
    ) -> s.TimeEntry:
        """Record work by hand (project staff; a co-researcher for themselves, anyone else: 403).
        `worked_on` outside the person's active agreement in the project: 422; so is an
        `activity_id`, `task_id` or `meeting_id` that is not a record of the project."""
        return await time_entries.create_time_entry(principal=request.user, project_id=project_id, data=data)

    @get(
        "/time-entries",
        operation_id="time_entries_list",
        dependencies=provide_filters(s.TimeEntryFilters),
        responses=problem_responses(404),
    )
    async def list_time_entries(
        self, project_id: FromPath[UUID], request: AuthedRequest, filters: NamedDependency[s.TimeEntryFilters]
    ) -> Page[s.TimeEntry]:
        """A project's time entries, latest day first (members; a co-researcher sees only their own)."""
        return await time_entries.list_time_entries(
            principal=request.user, project_id=project_id, filters=filters
        )

    @post("/expenses", operation_id="expenses_create", responses=problem_responses(403, 404, 422))
    async def create_expense(
        self, project_id: FromPath[UUID], data: JSONBody[s.ExpenseCreate], request: AuthedRequest
    ) -> s.Expense:
        """Record an expense (as time entries). `incurred_on` outside the person's active agreement:
        422; `lost_earnings` without `receipt_document_id`, or a receipt that is not a document of
        the project: 422."""
        return await expenses.create_expense(principal=request.user, project_id=project_id, data=data)

    @get(
        "/expenses",
        operation_id="expenses_list",
        dependencies=provide_filters(s.ExpenseFilters),
        responses=problem_responses(404),
    )
    async def list_expenses(
        self, project_id: FromPath[UUID], request: AuthedRequest, filters: NamedDependency[s.ExpenseFilters]
    ) -> Page[s.Expense]:
        """A project's expenses, latest day first (members; a co-researcher sees only their own)."""
        return await expenses.list_expenses(principal=request.user, project_id=project_id, filters=filters)


ROUTE_HANDLERS: list[type[Controller]] = [
    RateTablesController,
    TimeAndExpensesController,
    ClaimsController,
    PayrollController,
    BenefitPeriodsController,
    BudgetController,
]
