"""Portal sessions: the cookie carries an access token issued like the API's (`AuthToken` row,
`revoked_at`), so sign-out, a password change and deactivation end a portal session exactly as
they end an API token, and sign-in goes through the same throttle and audit."""

from __future__ import annotations

import ipaddress
from typing import Any

import msgspec
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.exceptions import NotAuthorizedException
from litestar.security.jwt import Token

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.accounts.tokens import ALGORITHM, AUDIENCE, ISSUER, principal_for_token
from coresearch.settings import Settings

SESSION_COOKIE = "portal_session"
PORTAL_PATH = "/portal"
# A portal session lasts two hours (an API token 15 minutes): long enough to read an agreement or
# fill in an evaluation without haste, short enough for a shared library computer.
SESSION_SECONDS = 2 * 3600
LOOPBACK_NAMES = {"localhost"}


class SignInRequired(Exception):
    """The page needs a signed-in visitor; the portal answers with the sign-in page."""


def portal_settings(settings: Settings) -> Settings:
    """The settings with the portal's session lifetime, for issuing a portal token."""
    return msgspec.structs.replace(settings, token_ttl_seconds=SESSION_SECONDS)


def _is_loopback(host: str) -> bool:
    name = host.strip().lower()
    if name.startswith("["):
        name = name[1:].partition("]")[0]
    elif name.count(":") == 1:
        name = name.partition(":")[0]
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def is_plain_loopback(connection: ASGIConnection[Any, Any, Any, Any]) -> bool:
    """True when the request came over plain HTTP to a loopback name (the embedded default on
    one machine). Anything else, including plain HTTP behind a proxy with a public name, gets
    `Secure` cookies: browsers then refuse to send them over an unencrypted connection."""
    if connection.scope.get("scheme") != "http":
        return False
    return _is_loopback(connection.headers.get("host", ""))


def session_cookie(connection: ASGIConnection[Any, Any, Any, Any], token: str | None) -> Cookie:
    """The session cookie holding `token`, or one that deletes it (None)."""
    return Cookie(
        key=SESSION_COOKIE,
        value=token or "",
        path=PORTAL_PATH,
        max_age=SESSION_SECONDS if token else 0,
        httponly=True,
        samesite="lax",
        secure=not is_plain_loopback(connection),
    )


async def signed_in(connection: ASGIConnection[Any, Any, Any, Any], settings: Settings) -> Principal | None:
    """The visitor of the session cookie: token valid, unrevoked, unexpired, user active; else None."""
    encoded = connection.cookies.get(SESSION_COOKIE)
    if not encoded:
        return None
    try:
        token = Token.decode(
            encoded,
            secret=settings.secret_key,
            algorithm=ALGORITHM,
            audience=AUDIENCE,
            issuer=ISSUER,
            require_claims=["exp", "jti", "sub", "aud", "iss"],
            strict_audience=True,
        )
    except NotAuthorizedException:
        return None
    return await principal_for_token(token, connection)
