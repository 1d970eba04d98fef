"""The application factory: one plugin wires settings, database, storage and cross-cutting parts."""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any

import structlog
from litestar import Litestar, Router
from litestar.config.app import AppConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.plugins import InitPluginProtocol
from litestar.plugins.problem_details import ProblemDetailsPlugin
from litestar.plugins.prometheus import PrometheusConfig, PrometheusController
from litestar.plugins.structlog import StructlogPlugin
from litestar.static_files import create_static_files_router

from coresearch import __version__
from coresearch.domain.accounts.controllers import AuthController, UsersController
from coresearch.domain.accounts.tokens import PUBLIC_PATHS, jwt_auth
from coresearch.domain.agreements import controllers as agreements_controllers
from coresearch.domain.audit.controllers import AuditController
from coresearch.domain.certificates import controllers as certificates_controllers
from coresearch.domain.coresearchers import controllers as coresearchers_controllers
from coresearch.domain.documents import controllers as documents_controllers
from coresearch.domain.documents.repair import retry_pending_deletions_forever
from coresearch.domain.involvement import controllers as involvement_controllers
from coresearch.domain.notifications import controllers as notifications_controllers
from coresearch.domain.notifications import outbox as notifications_outbox
from coresearch.domain.notifications import worker as notifications_worker
from coresearch.domain.operations.controllers import HealthController
from coresearch.domain.payments import controllers as payments_controllers
from coresearch.domain.privacy import controllers as privacy_controllers
from coresearch.domain.projects.controllers import ProjectsController
from coresearch.domain.recruitment import controllers as recruitment_controllers
from coresearch.domain.reports import controllers as reports_controllers
from coresearch.domain.work import controllers as work_controllers
from coresearch.lib import db
from coresearch.lib.json_body import ApiRequest
from coresearch.lib.logging import request_id_middleware, send_request_id, structlog_config
from coresearch.lib.openapi import StrictStructSchemaPlugin, TruthfulOpenAPI
from coresearch.lib.options import options_middleware
from coresearch.lib.problems import problem_details_config
from coresearch.lib.storage import DocumentStore, StorageUnavailable, build_document_store
from coresearch.portal.routes import portal_route_handlers, template_config
from coresearch.settings import Settings, load_settings

logger = structlog.get_logger(__name__)

API_PREFIX = "/api/v1"
JSON_BODY_LIMIT = 1024 * 1024
DOCS_ASSETS = "/schema/assets"


def _swagger_ui_assets() -> Path:
    """Folder of Swagger UI 5 (OpenAPI 3.1 capable) in the `swagger-ui-py` wheel, found without
    importing that package (whose import pulls in framework adapters we do not use)."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or spec.origin is None:
        raise RuntimeError("the swagger-ui-py package is missing: run `uv sync`")
    return Path(spec.origin).parent / "static"


class MetricsController(PrometheusController):
    """Prometheus metrics in the text exposition format."""

    path = "/metrics"
    include_in_schema = False


def _openapi_config() -> OpenAPIConfig:
    favicon = f"<link rel='icon' type='image/png' href='{DOCS_ASSETS}/favicon-32x32.png'>"
    return OpenAPIConfig(
        title="coresearch API",
        version=__version__,
        description="Research projects with co-researchers (medforskere).",
        path="/schema",
        render_plugins=[
            SwaggerRenderPlugin(
                path="/",
                js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
                css_url=f"{DOCS_ASSETS}/swagger-ui.css",
                standalone_preset_js_url=f"{DOCS_ASSETS}/swagger-ui-standalone-preset.js",
                favicon=favicon,
            )
        ],
    )


def api_route_handlers() -> list[Any]:
    """Controllers mounted under `/api/v1`."""
    return [
        AuthController,
        UsersController,
        AuditController,
        ProjectsController,
        *work_controllers.ROUTE_HANDLERS,
        *involvement_controllers.ROUTE_HANDLERS,
        *agreements_controllers.ROUTE_HANDLERS,
        *documents_controllers.ROUTE_HANDLERS,
        *coresearchers_controllers.ROUTE_HANDLERS,
        *recruitment_controllers.ROUTE_HANDLERS,
        *privacy_controllers.ROUTE_HANDLERS,
        *payments_controllers.ROUTE_HANDLERS,
        *certificates_controllers.ROUTE_HANDLERS,
        *reports_controllers.ROUTE_HANDLERS,
        *notifications_controllers.ROUTE_HANDLERS,
    ]


def _provide_settings(state: State) -> Settings:
    settings: Settings = state.settings
    return settings


def _provide_store(state: State) -> DocumentStore:
    store: DocumentStore = state.store
    return store


class ApplicationCore(InitPluginProtocol):
    """Wires everything the app needs from one `Settings`."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        """Register routes, dependencies, lifespan, middleware, plugins and the schema."""
        settings = self.settings
        store = build_document_store(settings)

        @asynccontextmanager
        async def lifespan(app: Litestar) -> AsyncGenerator[None, None]:
            engine = await db.open_database(settings.database_url)
            try:
                await store.ensure_ready()
            except StorageUnavailable as exc:
                logger.warning("storage not ready at start-up", error=str(exc))
            retries = asyncio.create_task(retry_pending_deletions_forever(store), name="deletion-retries")
            notifications_outbox.configure(mail_enabled=settings.smtp is not None)
            notices = asyncio.create_task(notifications_worker.run_forever(settings), name="notifications")
            try:
                yield
            finally:
                for task in (retries, notices):
                    task.cancel()
                    with suppress(asyncio.CancelledError):
                        await task
                await store.close()
                await db.close_database(engine)

        app_config.state = State({"settings": settings, "store": store})
        app_config.lifespan.append(lifespan)
        app_config.dependencies.update(
            {
                "settings": Provide(_provide_settings, sync_to_thread=False),
                "store": Provide(_provide_store, sync_to_thread=False),
            }
        )
        app_config.route_handlers.extend(
            [
                HealthController,
                MetricsController,
                Router(
                    path=API_PREFIX,
                    route_handlers=api_route_handlers(),
                    request_max_body_size=JSON_BODY_LIMIT,
                ),
                create_static_files_router(
                    path=DOCS_ASSETS, directories=[_swagger_ui_assets()], include_in_schema=False
                ),
                *portal_route_handlers(settings),
            ]
        )
        app_config.template_config = template_config()
        metrics = PrometheusConfig(app_name="coresearch", group_path=True)
        app_config.middleware[:0] = [metrics.middleware]
        app_config.request_class = ApiRequest
        app_config.before_send.append(send_request_id)
        auth = jwt_auth(settings)
        app_config.plugins.extend(
            [
                StructlogPlugin(config=structlog_config(level=settings.log_level, as_json=settings.log_json)),
                ProblemDetailsPlugin(problem_details_config((db.DatabaseUnavailable, StorageUnavailable))),
                TruthfulOpenAPI(public_paths=PUBLIC_PATHS, security=[auth.security_requirement]),
            ]
        )
        app_config.openapi_config = _openapi_config()
        app_config = auth.on_app_init(app_config)
        # Security is declared per operation (public routes need no token), not for the document.
        # (`on_app_init` replaced the config set above with a copy, so it is still there.)
        if app_config.openapi_config is not None:
            app_config.openapi_config.security = None
        # Outermost: the request id binds before authentication; OPTIONS is answered before guards.
        app_config.middleware[:0] = [request_id_middleware, options_middleware]
        return app_config


def create_app(settings: Settings | None = None) -> Litestar:
    """Build the app; settings default to the environment."""
    # The strict struct schemas come before Litestar's own struct plugin, which would answer first.
    return Litestar(plugins=[StrictStructSchemaPlugin(), ApplicationCore(settings or load_settings())])


__all__ = ["ApplicationCore", "DocumentStore", "create_app"]
