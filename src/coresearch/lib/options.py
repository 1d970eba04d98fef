"""`OPTIONS` on any route: 204 with an `Allow` header naming every method the path answers.

Litestar's own OPTIONS handler is created with the first handler registered on a path and keeps
that route's method list, so `Allow` missed methods registered later (`GET /projects` said
`OPTIONS, POST`); it also ran the controller's guards without a user (a 500 on `/users`). This
middleware answers first, before guards, from the path's final route.
"""

from __future__ import annotations

from litestar.enums import ScopeType
from litestar.routes import HTTPRoute
from litestar.types import ASGIApp, Receive, Scope, Send

_ALLOW_BY_APP: dict[int, dict[str, str]] = {}


def _allow_header(scope: Scope) -> str | None:
    app = scope["litestar_app"]
    allow = _ALLOW_BY_APP.get(id(app))
    if allow is None:
        allow = _ALLOW_BY_APP[id(app)] = {
            route.path_format: ", ".join(sorted(route.methods))
            for route in app.routes
            if isinstance(route, HTTPRoute)
        }
    return allow.get(scope.get("path_template", ""))


def options_middleware(app: ASGIApp) -> ASGIApp:
    """Answer `OPTIONS` with 204 and the path's methods; pass everything else on."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        allow = (
            _allow_header(scope) if scope["type"] == ScopeType.HTTP and scope["method"] == "OPTIONS" else None
        )
        if allow is None:
            await app(scope, receive, send)
            return
        await send({"type": "http.response.start", "status": 204, "headers": [(b"allow", allow.encode())]})
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    return middleware
