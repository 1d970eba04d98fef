"""What every portal page shares: the language, the rendering, the headers, CSRF, error pages."""

from __future__ import annotations

import dataclasses
from typing import Any

from litestar import Request, Response
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import Cookie, ResponseHeader
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException
from litestar.middleware.csrf import CSRFMiddleware
from litestar.response import Redirect, Template
from litestar.types import ASGIApp, Receive, Scope, Send

from coresearch.domain.accounts.schemas import Principal
from coresearch.lib.problems import AppError
from coresearch.portal import i18n
from coresearch.portal.i18n import N_
from coresearch.portal.session import (
    PORTAL_PATH,
    SESSION_COOKIE,
    SignInRequired,
    is_plain_loopback,
    session_cookie,
)

CSRF_COOKIE = "portal_csrf"
LANGUAGE_MAX_AGE = 365 * 24 * 3600
# No inline script or style anywhere: every asset comes from this service.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'"
)
SECURITY_HEADERS = [
    ResponseHeader(name="Content-Security-Policy", value=CONTENT_SECURITY_POLICY),
    ResponseHeader(name="X-Content-Type-Options", value="nosniff"),
    ResponseHeader(name="Referrer-Policy", value="same-origin"),
    ResponseHeader(name="X-Frame-Options", value="DENY"),
    # Pages show personal data: never kept by the browser or a proxy.
    ResponseHeader(name="Cache-Control", value="no-store"),
]

AnyRequest = Request[Any, Any, Any]
# The signed-in visitor, provided to every portal page that needs one (`routes.provide_viewer`).
Viewer = NamedDependency[Principal]


def language_of(request: AnyRequest) -> str:
    """The visitor's language: `?lang=`, then the remembered choice, else bokmål."""
    return i18n.choose_language(request.query_params.get("lang"), request.cookies.get(i18n.LANGUAGE_COOKIE))


def _language_cookie(request: AnyRequest, language: str) -> Cookie:
    return Cookie(
        key=i18n.LANGUAGE_COOKIE,
        value=language,
        path=PORTAL_PATH,
        max_age=LANGUAGE_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=not is_plain_loopback(request),
    )


def render(
    request: AnyRequest,
    template: str,
    *,
    viewer: Principal | None = None,
    status_code: int = 200,
    cookies: list[Cookie] | None = None,
    **context: Any,
) -> Template:
    """A page in the visitor's language; a `?lang=` choice is remembered in a cookie."""
    language = language_of(request)
    cookies = list(cookies or [])
    if request.query_params.get("lang") in i18n.LANGUAGES:
        cookies.append(_language_cookie(request, language))
    return Template(
        template_name=f"portal/{template}",
        context={"lang": language, "viewer": viewer, "path": request.url.path, **context},
        status_code=status_code,
        cookies=cookies,
    )


def translate(request: AnyRequest, message: str) -> str:
    """A message in the visitor's language, for text made in Python (flash messages, errors)."""
    return i18n.translate(language_of(request), message)


def see_other(path: str, *, cookies: list[Cookie] | None = None) -> Redirect:
    """Post/redirect/get: a 303 to the page to show after a form."""
    return Redirect(path=path, status_code=303, cookies=cookies or [])


class PortalCSRFMiddleware:
    """Litestar's CSRF check (a signed token in a cookie and in each form's `_csrf_token`),
    with a cookie that is `Secure` except on plain loopback, like the session cookie."""

    def __init__(self, app: ASGIApp, config: CSRFConfig) -> None:
        self.secure = CSRFMiddleware(app, config)
        self.plain = CSRFMiddleware(app, dataclasses.replace(config, cookie_secure=False))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the request with the cookie settings that fit its connection."""
        from litestar.connection import ASGIConnection

        connection: ASGIConnection[Any, Any, Any, Any] = ASGIConnection(scope)
        chosen = self.plain if is_plain_loopback(connection) else self.secure
        await chosen(scope, receive, send)


def csrf_config(secret: str) -> CSRFConfig:
    """The portal's CSRF settings: its own cookie, HttpOnly (forms carry the token), path /portal."""
    return CSRFConfig(
        secret=secret,
        cookie_name=CSRF_COOKIE,
        cookie_path=PORTAL_PATH,
        cookie_secure=True,
        cookie_httponly=True,
        cookie_samesite="lax",
    )


ERROR_MESSAGES = {
    403: N_("You are not allowed to do this. If you used an old page, go back, reload it and try again."),
    404: N_("We could not find this page. It may not exist, or it may belong to someone else."),
    409: N_("This could not be done now. The page may be out of date: reload it and try again."),
    429: N_("Too many attempts. Wait a few minutes and try again."),
}
GENERIC_ERROR = N_("Something went wrong. Try again later. If it keeps happening, contact your project.")


def error_page(request: AnyRequest, status_code: int) -> Template:
    """An error as a page in the visitor's language, never a stack trace or JSON."""
    message = ERROR_MESSAGES.get(status_code, GENERIC_ERROR if status_code >= 500 else ERROR_MESSAGES[409])
    return render(request, "error.html", status_code=status_code, message=message, code=status_code)


def handle_sign_in_required(request: AnyRequest, _: SignInRequired) -> Response[Any]:
    """Send the visitor to the sign-in page (and drop a session cookie that no longer works)."""
    cookies = [session_cookie(request, None)] if request.cookies.get(SESSION_COOKIE) else []
    return see_other(f"{PORTAL_PATH}/login", cookies=cookies)


def handle_http_error(request: AnyRequest, exc: HTTPException) -> Template:
    """Framework errors (a failed CSRF check is a 403) as pages."""
    return error_page(request, exc.status_code)


def handle_app_error(request: AnyRequest, exc: AppError) -> Template:
    """Our own errors from the services (404 for what the visitor may not see) as pages."""
    return error_page(request, exc.status_code)


EXCEPTION_HANDLERS: dict[Any, Any] = {
    SignInRequired: handle_sign_in_required,
    HTTPException: handle_http_error,
    AppError: handle_app_error,
}
