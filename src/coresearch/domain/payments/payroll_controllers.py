"""HTTP routes of the payroll export: the month's CSV and the explicit mark-exported step."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK

from coresearch.domain.accounts.schemas import AuthedRequest
from coresearch.domain.payments import payroll
from coresearch.lib.crypto import keyring_for
from coresearch.lib.openapi import problem_responses
from coresearch.settings import Settings

CSV = "text/csv"


class PayrollController(Controller):
    """The payroll export (research leaders and admins; anyone else 403)."""

    path = "/payroll-export"
    tags = ["payments"]

    @get(
        "/",
        operation_id="payroll_export",
        media_type=CSV,
        responses={
            200: ResponseSpec(data_container=str, media_type=CSV, description="The month's payroll CSV"),
            **problem_responses(400, 403),
        },
    )
    async def export(
        self,
        request: AuthedRequest,
        settings: NamedDependency[Settings],
        month: Annotated[str, QueryParameter(max_length=20)],
        include_exported: FromQuery[bool] = False,
    ) -> Response[bytes]:
        """Approved claims approved in `month` (YYYY-MM, UTC; else 400) as CSV: UTF-8 with BOM, `;`,
        CRLF, decimal comma; claims already marked exported are left out unless `include_exported`."""
        body = await payroll.export(
            principal=request.user,
            month=month,
            include_exported=include_exported,
            keyring=keyring_for(settings.data_keys),
        )
        return Response(
            content=body,
            media_type=CSV,
            headers={"Content-Disposition": f'attachment; filename="payroll-{month}.csv"'},
        )

    @post(
        "/mark-exported",
        operation_id="payroll_mark_exported",
        status_code=HTTP_200_OK,
        responses=problem_responses(400, 403, 409, 422),
    )
    async def mark_exported(
        self, data: JSONBody[payroll.MarkExported], request: AuthedRequest
    ) -> payroll.Marked:
        """Mark approved claims of `month` exported so nothing is paid twice. A claim that is not
        an approved claim of that month: 422; one already exported: 409 (then nothing is marked)."""
        return await payroll.mark_exported(principal=request.user, data=data)
