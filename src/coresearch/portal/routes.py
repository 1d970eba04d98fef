"""The portal's wiring: its router (session, CSRF, headers, error pages), the templates, the
static files and `GET /` (docs/portal.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar import Router, get
from litestar.di import NamedDependency, Provide
from litestar.middleware.base import DefineMiddleware
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from coresearch.domain.accounts.schemas import Principal
from coresearch.portal import i18n, labels
from coresearch.portal.auth_pages import PasswordPages, SignInPages
from coresearch.portal.notification_pages import NotificationPages
from coresearch.portal.pages import WorkPages
from coresearch.portal.personal_pages import PersonalPages
from coresearch.portal.session import PORTAL_PATH, SignInRequired, signed_in
from coresearch.portal.web import (
    EXCEPTION_HANDLERS,
    SECURITY_HEADERS,
    AnyRequest,
    PortalCSRFMiddleware,
    csrf_config,
)
from coresearch.settings import Settings

PACKAGE = Path(__file__).resolve().parent.parent
TEMPLATES = PACKAGE / "templates"
STATIC = PACKAGE / "static"
STATIC_PATH = "/static"
# Pages, forms and files of the portal are not API operations: no token, no OpenAPI entry.
NOT_API: dict[str, Any] = {"exclude_from_auth": True}
# Form bodies are small; a larger one is not a portal form.
FORM_BODY_LIMIT = 64 * 1024


async def provide_viewer(request: AnyRequest, settings: NamedDependency[Settings]) -> Principal:
    """The signed-in visitor, or the sign-in page."""
    viewer = await signed_in(request, settings)
    if viewer is None:
        raise SignInRequired
    return viewer


def template_environment() -> Environment:
    """Jinja with autoescaping, the i18n extension and the portal's formatting filters."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        lstrip_blocks=True,
        auto_reload=False,
    )
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.template_gettext, i18n.template_ngettext, newstyle=True
    )
    environment.filters.update(long_date=i18n.long_date, clock=i18n.clock, money=i18n.money, hours=i18n.hours)
    environment.globals["labels"] = labels.ALL
    return environment


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    """The app's templates (the portal is their only user)."""
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(template_environment()))


@get("/", include_in_schema=False, opt=NOT_API)
async def root() -> Redirect:
    """`GET /` opens the portal."""
    return Redirect(path=f"{PORTAL_PATH}/", status_code=302)


def portal_route_handlers(settings: Settings) -> list[Any]:
    """The portal router, its static files and the root redirect."""
    portal = Router(
        path="/",
        route_handlers=[SignInPages, PasswordPages, WorkPages, PersonalPages, NotificationPages],
        dependencies={"viewer": Provide(provide_viewer)},
        middleware=[DefineMiddleware(PortalCSRFMiddleware, config=csrf_config(settings.secret_key))],
        response_headers=SECURITY_HEADERS,
        exception_handlers=EXCEPTION_HANDLERS,
        include_in_schema=False,
        opt=NOT_API,
        request_max_body_size=FORM_BODY_LIMIT,
    )
    static = create_static_files_router(
        path=STATIC_PATH,
        directories=[STATIC],
        include_in_schema=False,
        opt=NOT_API,
        cache_control=None,
    )
    return [root, portal, static]
