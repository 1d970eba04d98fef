"""HTTP routes of funder reports: a project's involvement report, its text and frozen copy, and the
portfolio."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated
from uuid import UUID

from litestar import Controller, Response, get, post, put
from litestar.di import NamedDependency, Provide
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from coresearch.domain.accounts.schemas import AuthedRequest
from coresearch.domain.documents import schemas as documents_schemas
from coresearch.domain.documents.controllers import Store
from coresearch.domain.reports import exports, service
from coresearch.domain.reports import schemas as s
from coresearch.lib.openapi import problem_responses
from coresearch.lib.text import TextFilter

CSV = "text/csv"
PDF = "application/pdf"


# The period is required, so the query structs are built by functions rather than provided as
# structs themselves: a struct field without a default reaches the OpenAPI document as msgspec's
# NODEFAULT, which cannot be encoded.
From = Annotated[date, QueryParameter(name="from", description="First day, included (YYYY-MM-DD)")]
To = Annotated[date, QueryParameter(name="to", description="Last day, included (YYYY-MM-DD)")]


def report_filters(
    from_day: From,
    to_day: To,
    format: FromQuery[s.Format] = s.Format.json,
    lang: FromQuery[s.Lang] = s.Lang.nb,
) -> s.ReportFilters:
    return s.ReportFilters(from_day=from_day, to_day=to_day, format=format, lang=lang)


def period_filters(from_day: From, to_day: To, lang: FromQuery[s.Lang] = s.Lang.nb) -> s.PeriodFilters:
    return s.PeriodFilters(from_day=from_day, to_day=to_day, lang=lang)


def portfolio_filters(
    from_day: From,
    to_day: To,
    format: FromQuery[s.Format] = s.Format.json,
    lang: FromQuery[s.Lang] = s.Lang.nb,
    funder: TextFilter = None,
) -> s.PortfolioFilters:
    return s.PortfolioFilters(from_day=from_day, to_day=to_day, format=format, lang=lang, funder=funder)


def _filters(build: Callable[..., object]) -> dict[str, Provide]:
    """The route's query parameters as the dependency `filters`."""
    return {"filters": Provide(build, sync_to_thread=False)}


def _responses(description: str, data: type) -> dict[int, ResponseSpec]:
    return {
        200: ResponseSpec(data_container=data, description=f"{description} (format=json)"),
        **problem_responses(400, 403, 404),
    }


def _delivered(body: bytes, media_type: str, filename: str) -> Response[bytes]:
    return Response(
        content=body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


class ReportsController(Controller):
    """Funder reports: drafted from the records, finished by the lead, frozen when sent."""

    tags = ["reports"]

    @get(
        "/projects/{project_id:uuid}/reports/involvement",
        operation_id="reports_involvement",
        dependencies=_filters(report_filters),
        responses=_responses("The involvement report", s.InvolvementReport),
    )
    async def involvement(
        self, project_id: FromPath[UUID], request: AuthedRequest, filters: NamedDependency[s.ReportFilters]
    ) -> Response[s.InvolvementReport] | Response[bytes]:
        """The project's involvement report for `from`..`to` (both included) in `lang` (nb, en):
        the five GRIPP2-SF sections and the period's figures, as JSON (the schema in docs/api.md),
        CSV (its tables: UTF-8 with BOM, `;`, decimal comma) or PDF. The project's leads and
        research leaders; names only of people whose consent to be named is granted now."""
        report = await service.involvement_report(
            principal=request.user, project_id=project_id, filters=filters
        )
        name = f"involvement-{filters.from_day.isoformat()}-{filters.to_day.isoformat()}"
        if filters.format is s.Format.csv:
            return _delivered(exports.involvement_csv(report), CSV, f"{name}.csv")
        if filters.format is s.Format.pdf:
            return _delivered(await exports.involvement_pdf(report), PDF, f"{name}.pdf")
        return Response(report, headers={"Cache-Control": "no-store"})

    @put(
        "/projects/{project_id:uuid}/reports/involvement/text",
        operation_id="reports_involvement_text_save",
        status_code=HTTP_200_OK,
        dependencies=_filters(period_filters),
        responses=problem_responses(400, 403, 404, 409),
    )
    async def save_text(
        self,
        project_id: FromPath[UUID],
        data: JSONBody[s.ReportTextPut],
        request: AuthedRequest,
        filters: NamedDependency[s.PeriodFilters],
    ) -> s.ReportTextVersion:
        """Save the lead's text of the five sections for `from`..`to` as its next version (earlier
        versions are kept); an empty section keeps the drafted text. The project's leads."""
        return await service.save_text(
            principal=request.user, project_id=project_id, filters=filters, data=data
        )

    @post(
        "/projects/{project_id:uuid}/reports/involvement/freeze",
        operation_id="reports_involvement_freeze",
        status_code=HTTP_201_CREATED,
        dependencies=_filters(period_filters),
        responses=problem_responses(400, 403, 404),
    )
    async def freeze(
        self,
        project_id: FromPath[UUID],
        request: AuthedRequest,
        filters: NamedDependency[s.PeriodFilters],
        store: Store,
    ) -> documents_schemas.Document:
        """Store the report for `from`..`to` in `lang` as a PDF `report` document (seen by the
        project's leads) and return it; it never changes afterwards. The project's leads."""
        return await service.freeze(
            principal=request.user, project_id=project_id, filters=filters, store=store
        )

    @get(
        "/reports/portfolio",
        operation_id="reports_portfolio",
        dependencies=_filters(portfolio_filters),
        responses=_responses("The portfolio report", s.PortfolioReport),
    )
    async def portfolio(
        self, request: AuthedRequest, filters: NamedDependency[s.PortfolioFilters]
    ) -> Response[s.PortfolioReport] | Response[bytes]:
        """Every project's figures for `from`..`to`, or the projects of one `funder` (exact name),
        with totals; JSON, CSV or PDF. Research leaders and admins (anyone else 403)."""
        report = await service.portfolio_report(principal=request.user, filters=filters)
        name = f"portfolio-{filters.from_day.isoformat()}-{filters.to_day.isoformat()}"
        if filters.format is s.Format.csv:
            return _delivered(exports.portfolio_csv(report), CSV, f"{name}.csv")
        if filters.format is s.Format.pdf:
            return _delivered(await exports.portfolio_pdf(report), PDF, f"{name}.pdf")
        return Response(report, headers={"Cache-Control": "no-store"})


ROUTE_HANDLERS: list[type[Controller]] = [ReportsController]
