"""HTTP route of the certificates area: a co-researcher's certificate of participation."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, Response, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery

from coresearch.domain.accounts.schemas import AuthedRequest
from coresearch.domain.certificates import service
from coresearch.domain.certificates.schemas import Language
from coresearch.lib.openapi import problem_responses
from coresearch.lib.storage import attachment_disposition

PDF = "application/pdf"


class CertificatesController(Controller):
    """Certificates of participation (attest), made when asked for."""

    path = "/projects/{project_id:uuid}/coresearchers/{coresearcher_id:uuid}"
    tags = ["certificates"]

    @get(
        "/certificate",
        operation_id="certificates_get",
        media_type=PDF,
        responses={
            200: ResponseSpec(data_container=bytes, media_type=PDF, description="The certificate as a PDF"),
            **problem_responses(403, 404),
        },
    )
    async def get_certificate(
        self,
        project_id: FromPath[UUID],
        coresearcher_id: FromPath[UUID],
        request: AuthedRequest,
        lang: FromQuery[Language] = Language.nb,
    ) -> Response[bytes]:
        """The co-researcher's certificate of participation in the project as a PDF, in bokmål
        (`lang=nb`, the default) or English (`lang=en`): project, funder, role, period, the phases
        and kinds of contribution, training, total hours recorded and the confirming lead. The
        person and the project's leads; the project's researchers and oversight 403; anyone
        else 404. Each download is audited."""
        certificate = await service.issue_certificate(
            principal=request.user, project_id=project_id, coresearcher_id=coresearcher_id, lang=lang
        )
        return Response(
            content=certificate.pdf,
            media_type=PDF,
            headers={
                "Content-Disposition": attachment_disposition(certificate.filename),
                "Cache-Control": "private, no-store",
                "X-Content-Type-Options": "nosniff",
            },
        )


ROUTE_HANDLERS: list[type[Controller]] = [CertificatesController]
