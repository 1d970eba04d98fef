"""HTTP routes of the money figures for staff: budget versus actual and payment times."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from litestar import Controller, get
from litestar.params import FromPath, QueryParameter

from coresearch.domain.accounts.guards import requires_role
from coresearch.domain.accounts.schemas import AuthedRequest
from coresearch.domain.accounts.tables import Role
from coresearch.domain.payments import budget, payment_times
from coresearch.lib.openapi import problem_responses

From = Annotated[date | None, QueryParameter(name="from")]
To = Annotated[date | None, QueryParameter(name="to")]


class BudgetController(Controller):
    """Budget versus actual per phase, and the days from a claim's submission to its payment."""

    tags = ["payments"]

    @get(
        "/projects/{project_id:uuid}/budget",
        operation_id="project_budget_get",
        responses=problem_responses(400, 404),
    )
    async def project_budget(
        self, project_id: FromPath[UUID], request: AuthedRequest, first: From = None, last: To = None
    ) -> budget.Budget:
        """The involvement budget, per phase and in total, against approved (approved or paid
        claims) and paid amounts of claim lines dated `from`..`to` (both optional); lines of no
        phase in `unassigned` (the project's leads and researchers, oversight; others 404)."""
        return await budget.project_budget(
            principal=request.user, project_id=project_id, first=first, last=last
        )

    @get(
        "/projects/{project_id:uuid}/payment-times",
        operation_id="project_payment_times_get",
        responses=problem_responses(400, 403, 404),
    )
    async def project_payment_times(
        self, project_id: FromPath[UUID], request: AuthedRequest, first: From = None, last: To = None
    ) -> payment_times.PaymentTimes:
        """Median days from submission to payment of the project's claims paid `from`..`to`
        (its leads and oversight; a researcher 403; others 404)."""
        return await payment_times.project_payment_times(
            principal=request.user, project_id=project_id, first=first, last=last
        )

    @get(
        "/payment-times",
        operation_id="payment_times_get",
        guards=[requires_role(Role.research_leader, Role.admin)],
        responses=problem_responses(400, 403),
    )
    async def portfolio_payment_times(
        self, request: AuthedRequest, first: From = None, last: To = None
    ) -> payment_times.PaymentTimes:
        """Median days from submission to payment across every project and per project, of
        claims paid `from`..`to` (research leaders and admins)."""
        return await payment_times.portfolio_payment_times(first=first, last=last)
