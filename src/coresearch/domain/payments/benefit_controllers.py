"""HTTP routes of benefit periods: a co-researcher's paid minutes per 14-day period, and the
caller's own AAP warning (its own route: `GET /me/tasks` answers a page, docs/api.md)."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter

from coresearch.domain.accounts.schemas import AuthedRequest
from coresearch.domain.payments import benefits
from coresearch.domain.payments.schemas import BenefitWarning
from coresearch.lib.crypto import keyring_for
from coresearch.lib.openapi import problem_responses
from coresearch.lib.records import today
from coresearch.settings import Settings


class BenefitPeriodsController(Controller):
    """Paid minutes per benefit period, flagged for a person on AAP."""

    tags = ["payments"]

    @get(
        "/coresearchers/{coresearcher_id:uuid}/benefit-periods",
        operation_id="benefit_periods_list",
        responses=problem_responses(400, 404),
    )
    async def list_benefit_periods(
        self,
        coresearcher_id: FromPath[UUID],
        first: Annotated[date, QueryParameter(name="from")],
        last: Annotated[date, QueryParameter(name="to")],
        request: AuthedRequest,
        settings: NamedDependency[Settings],
    ) -> benefits.BenefitPeriods:
        """The 14-day periods overlapping `from`..`to` (at most five years) with paid and pending
        minutes; for a person on AAP also the limit, share and flags (the person and the leads of
        their projects; anyone else 404)."""
        return await benefits.benefit_periods(
            principal=request.user,
            coresearcher_id=coresearcher_id,
            first=first,
            last=last,
            keyring=keyring_for(settings.data_keys),
            share=settings.aap_warning_share,
        )

    @get("/me/benefit-warning", operation_id="my_benefit_warning_get")
    async def my_benefit_warning(
        self, request: AuthedRequest, settings: NamedDependency[Settings]
    ) -> BenefitWarning | None:
        """null, or the caller's current period when they are on AAP and its paid minutes are
        over the warning share."""
        return await benefits.my_benefit_warning(
            principal=request.user,
            today=today(),
            keyring=keyring_for(settings.data_keys),
            share=settings.aap_warning_share,
        )
