"""HTTP routes of claims: made by a project's lead, moved by leads and oversight, seen by the payee."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, HeaderParameter, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from coresearch.domain.accounts.schemas import AuthedRequest
from coresearch.domain.payments import claim_moves, claims
from coresearch.domain.payments import schemas as s
from coresearch.lib.openapi import problem_responses
from coresearch.lib.pagination import Page, provide_filters

MOVE_ERRORS = problem_responses(403, 404, 409)


class ClaimsController(Controller):
    """Claims: gather, attest, approve, reject, mark paid; read by lead, oversight and payee."""

    tags = ["payments"]

    @post(
        "/projects/{project_id:uuid}/claims",
        operation_id="claims_create",
        status_code=HTTP_201_CREATED,
        responses={
            200: ResponseSpec(
                data_container=s.Claim, description="The claim this Idempotency-Key made before"
            ),
            **problem_responses(400, 403, 404, 409, 422),
        },
    )
    async def create_claim(
        self,
        project_id: FromPath[UUID],
        data: JSONBody[s.ClaimCreate],
        request: AuthedRequest,
        idempotency_key: Annotated[
            str | None, HeaderParameter(name="Idempotency-Key", required=False)
        ] = None,
    ) -> Response[s.Claim]:
        """Gather the person's unclaimed time entries and expenses of the period into a claim
        (the project's leads and oversight). `Idempotency-Key` is required (else 400): the same
        key and body again answer 200 with the same claim; the same key with another body: 422.
        Nothing to claim: 422."""
        claim, created = await claims.create_claim(
            principal=request.user, project_id=project_id, key=idempotency_key, data=data
        )
        return Response(claim, status_code=HTTP_201_CREATED if created else HTTP_200_OK)

    @get("/claims/{claim_id:uuid}", operation_id="claims_get", responses=problem_responses(404))
    async def get_claim(self, claim_id: FromPath[UUID], request: AuthedRequest) -> s.Claim:
        """A claim with its lines (its project's leads, oversight and the co-researcher it pays)."""
        return await claims.get_claim(principal=request.user, claim_id=claim_id)

    @post(
        "/claims/{claim_id:uuid}/attest",
        operation_id="claims_attest",
        status_code=HTTP_200_OK,
        responses=MOVE_ERRORS,
    )
    async def attest(self, claim_id: FromPath[UUID], request: AuthedRequest) -> s.Claim:
        """submitted → attested (a lead of the project); any other state: 409."""
        return await claim_moves.attest(principal=request.user, claim_id=claim_id)

    @post(
        "/claims/{claim_id:uuid}/approve",
        operation_id="claims_approve",
        status_code=HTTP_200_OK,
        responses=MOVE_ERRORS,
    )
    async def approve(self, claim_id: FromPath[UUID], request: AuthedRequest) -> s.Claim:
        """attested → approved (a research leader who did not attest it, else 403)."""
        return await claim_moves.approve(principal=request.user, claim_id=claim_id)

    @post(
        "/claims/{claim_id:uuid}/reject",
        operation_id="claims_reject",
        status_code=HTTP_200_OK,
        responses=problem_responses(403, 404, 409, 422),
    )
    async def reject(
        self, claim_id: FromPath[UUID], data: JSONBody[s.ClaimReject], request: AuthedRequest
    ) -> s.Claim:
        """submitted or attested → rejected (a lead or a research leader); the lines are released."""
        return await claim_moves.reject(principal=request.user, claim_id=claim_id, data=data)

    @post(
        "/claims/{claim_id:uuid}/mark-paid",
        operation_id="claims_mark_paid",
        status_code=HTTP_200_OK,
        responses=problem_responses(403, 404, 409, 422),
    )
    async def mark_paid(
        self, claim_id: FromPath[UUID], data: JSONBody[s.ClaimMarkPaid], request: AuthedRequest
    ) -> s.Claim:
        """approved → paid (a research leader or an admin)."""
        return await claim_moves.mark_paid(principal=request.user, claim_id=claim_id, data=data)

    @get("/me/payments", operation_id="my_payments_list", dependencies=provide_filters(s.PaymentFilters))
    async def my_payments(
        self, request: AuthedRequest, filters: NamedDependency[s.PaymentFilters]
    ) -> Page[s.Claim]:
        """The caller's own claims with lines, status and `expected_payment_on` (approved_at +
        14 days while approved), newest first."""
        return await claims.my_payments(principal=request.user, filters=filters)
