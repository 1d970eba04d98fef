"""HTTP routes of the accounts area: sign-in, tokens, passwords, invites and user administration."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from coresearch.domain.accounts import schemas as s
from coresearch.domain.accounts import service
from coresearch.domain.accounts.guards import admin_only
from coresearch.lib.openapi import problem_responses
from coresearch.lib.pagination import Page, provide_filters
from coresearch.settings import Settings


class AuthController(Controller):
    """`/auth`: sign in and out, who am I, change password, accept an invite."""

    path = "/auth"
    tags = ["accounts"]

    @post(
        "/login",
        operation_id="auth_login",
        exclude_from_auth=True,
        status_code=HTTP_200_OK,
        responses=problem_responses(401, 429),
    )
    async def login(
        self,
        data: JSONBody[s.LoginRequest],
        request: Request[Any, Any, Any],
        settings: NamedDependency[Settings],
    ) -> s.TokenResponse:
        """Exchange e-mail and password for a bearer token (rate limited)."""
        address = request.client.host if request.client else "unknown"
        return await service.login(
            email=data.email, password=data.password, client_address=address, settings=settings
        )

    @post("/logout", operation_id="auth_logout", status_code=HTTP_204_NO_CONTENT)
    async def logout(self, request: s.AuthedRequest) -> None:
        """Revoke the token used for this request."""
        await service.logout(principal=request.user)

    @get("/me", operation_id="auth_me")
    async def me(self, request: s.AuthedRequest) -> s.User:
        """The signed-in user."""
        return await service.get_user(user_id=request.user.id)

    @post(
        "/password",
        operation_id="auth_change_password",
        status_code=HTTP_204_NO_CONTENT,
        responses=problem_responses(429),
    )
    async def change_password(self, data: JSONBody[s.PasswordChange], request: s.AuthedRequest) -> None:
        """Change one's own password; every other token of the user is revoked."""
        address = request.client.host if request.client else "unknown"
        await service.change_password(principal=request.user, data=data, client_address=address)

    @post(
        "/invites/accept",
        operation_id="auth_accept_invite",
        exclude_from_auth=True,
        status_code=HTTP_204_NO_CONTENT,
    )
    async def accept_invite(self, data: JSONBody[s.InviteAcceptance]) -> None:
        """Set a first password with the one-time invite token."""
        await service.accept_invite(data=data)


class UsersController(Controller):
    """`/users`: user administration (admin only)."""

    path = "/users"
    tags = ["accounts"]
    guards = [admin_only]

    @post("/", operation_id="users_create")
    async def create_user(self, data: JSONBody[s.UserCreate], request: s.AuthedRequest) -> s.UserCreated:
        """Create a user; without a password the answer carries a one-time invite token."""
        return await service.create_user(actor=service.actor_of(request.user), data=data)

    @get("/", operation_id="users_list", dependencies=provide_filters(s.UserFilters))
    async def list_users(self, filters: NamedDependency[s.UserFilters]) -> Page[s.User]:
        """List users in creation order."""
        return await service.list_users(filters=filters)

    @get("/{user_id:uuid}", operation_id="users_get")
    async def get_user(self, user_id: FromPath[UUID]) -> s.User:
        """One user."""
        return await service.get_user(user_id=user_id)

    @patch("/{user_id:uuid}", operation_id="users_update")
    async def update_user(
        self,
        user_id: FromPath[UUID],
        data: JSONBody[s.UserUpdate],
        request: s.AuthedRequest,
    ) -> s.User:
        """Change a user's e-mail, name, role or active state."""
        return await service.update_user(actor=service.actor_of(request.user), user_id=user_id, data=data)
