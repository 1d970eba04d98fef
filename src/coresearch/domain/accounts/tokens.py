"""Access tokens: Litestar's JWT auth with audience, issuer, expiry and revocation by token id."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.middleware import AuthenticationResult
from litestar.security.jwt import JWTAuth, JWTAuthenticationMiddleware, Token

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.accounts.tables import AuthToken, Role
from coresearch.lib import records
from coresearch.settings import Settings

ISSUER = "coresearch"
AUDIENCE = "coresearch-api"
ALGORITHM = "HS256"
PUBLIC_PATHS = ["^/health/", "^/metrics", "^/schema"]
# Checked on every authenticated request, so fixed SQL: the query builder cost four times the
# statement's own CPU (docs/performance.md). Known, unrevoked, unexpired, user active: one query.
PRINCIPAL_SQL = """
SELECT u.email, u.full_name, u.role FROM auth_tokens t JOIN users u ON u.id = t."user"
WHERE t.id = {} AND t."user" = {} AND t.revoked_at IS NULL AND t.expires_at > {} AND u.is_active = {}
"""


async def issue_token(*, user_id: UUID, settings: Settings) -> tuple[str, int]:
    """Record a new token for the user and return it encoded, with its lifetime in seconds."""
    now = records.now()
    ttl = settings.token_ttl_seconds
    token_id = uuid4()
    await AuthToken.insert(
        AuthToken(id=token_id, user=user_id, issued_at=now, expires_at=now + timedelta(seconds=ttl))
    )
    token = Token(
        sub=str(user_id),
        exp=now + timedelta(seconds=ttl),
        iat=now,
        iss=ISSUER,
        aud=AUDIENCE,
        jti=str(token_id),
    )
    return token.encode(secret=settings.secret_key, algorithm=ALGORITHM), ttl


async def principal_for_token(token: Token, _: ASGIConnection[Any, Any, Any, Any]) -> Principal | None:
    """Return the caller when the token is known, unrevoked, unexpired and its user active."""
    try:
        token_id, user_id = UUID(str(token.jti)), UUID(token.sub)
    except ValueError:
        return None
    rows = await AuthToken.raw(PRINCIPAL_SQL, token_id, user_id, records.now(), True)
    if not rows:
        return None
    row = rows[0]
    return Principal(
        id=user_id, email=row["email"], full_name=row["full_name"], role=Role(row["role"]), token_id=token_id
    )


class BearerAuthenticationMiddleware(JWTAuthenticationMiddleware):
    """Litestar's JWT check, for the `Bearer` scheme only (Litestar takes any word before the
    token: `Basic <jwt>` passed)."""

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        """Refuse a missing header or another scheme (401), then check the token."""
        scheme, _, encoded = (connection.headers.get(self.auth_header) or "").partition(" ")
        if scheme.lower() != "bearer" or not encoded.strip():
            raise NotAuthorizedException("Send `Authorization: Bearer <token>`")
        return await self.authenticate_token(encoded_token=encoded.strip(), connection=connection)


def jwt_auth(settings: Settings) -> JWTAuth[Principal]:
    """The bearer-token configuration of the app."""
    return JWTAuth[Principal](
        retrieve_user_handler=principal_for_token,
        token_secret=settings.secret_key,
        algorithm=ALGORITHM,
        accepted_audiences=[AUDIENCE],
        accepted_issuers=[ISSUER],
        strict_audience=True,
        require_claims=["exp", "jti", "sub", "aud", "iss"],
        default_token_expiration=timedelta(seconds=settings.token_ttl_seconds),
        exclude=PUBLIC_PATHS,
        authentication_middleware_class=BearerAuthenticationMiddleware,
        description="Bearer token from POST /api/v1/auth/login.",
    )


async def revoke_tokens(*, user_id: UUID, keep: UUID | None = None) -> None:
    """Revoke every live token of a user, except `keep`."""
    query = AuthToken.update({AuthToken.revoked_at: records.now()}).where(
        (AuthToken.user == user_id) & AuthToken.revoked_at.is_null()
    )
    if keep is not None:
        query = query.where(AuthToken.id != keep)
    await query
