"""Signing in and out, accepting an invite, changing the password: the accounts service's own
functions behind forms, so throttling, revocation and audit are the API's."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from coresearch.domain.accounts import service as accounts
from coresearch.domain.accounts.schemas import InviteAcceptance, PasswordChange
from coresearch.lib.passwords import MIN_LENGTH
from coresearch.lib.problems import RateLimited, Unauthorized, Unprocessable
from coresearch.portal.forms import FieldErrors, form_of, text_field
from coresearch.portal.i18n import N_
from coresearch.portal.session import PORTAL_PATH, portal_settings, session_cookie, signed_in
from coresearch.portal.web import AnyRequest, Viewer, render, see_other
from coresearch.settings import Settings

PASSWORD_RULE = N_("Use at least %(count)s characters. Avoid common words and simple patterns.")


def _client(request: AnyRequest) -> str:
    return request.client.host if request.client else "unknown"


class SignInPages(Controller):
    """`/portal/login`, `/portal/logout`, `/portal/invite`: pages anyone may open."""

    path = PORTAL_PATH

    @get("/login", name="portal:login")
    async def login_page(
        self, request: AnyRequest, settings: NamedDependency[Settings]
    ) -> Template | Redirect:
        """The sign-in form (signed-in visitors go home)."""
        if await signed_in(request, settings) is not None:
            return see_other(f"{PORTAL_PATH}/")
        notice = {
            "out": N_("You are signed out."),
            "welcome": N_("Your password is set. You can sign in now."),
        }.get(request.query_params.get("done", ""))
        return render(request, "login.html", errors=FieldErrors(), email="", notice=notice)

    @post("/login")
    async def login(self, request: AnyRequest, settings: NamedDependency[Settings]) -> Template | Redirect:
        """Sign in: the same throttle and audit as `POST /auth/login`; the token goes in a cookie."""
        form = await form_of(request)
        email, password = text_field(form, "email"), text_field(form, "password", strip=False)
        errors = FieldErrors()
        if not email:
            errors.add("email", N_("Write your e-mail address."))
        if not password:
            errors.add("password", N_("Write your password."))
        if errors:
            return render(request, "login.html", errors=errors, email=email, status_code=400)
        try:
            issued = await accounts.login(
                email=email,
                password=password,
                client_address=_client(request),
                settings=portal_settings(settings),
            )
        except Unauthorized:
            errors.add("password", N_("The e-mail address or the password is wrong."))
            return render(request, "login.html", errors=errors, email=email, status_code=400)
        except RateLimited:
            errors.add("password", N_("Too many attempts. Wait a few minutes and try again."))
            return render(request, "login.html", errors=errors, email=email, status_code=429)
        return see_other(f"{PORTAL_PATH}/", cookies=[session_cookie(request, issued.access_token)])

    @post("/logout")
    async def logout(self, request: AnyRequest, settings: NamedDependency[Settings]) -> Redirect:
        """Sign out: the session's token is revoked, so the cookie no longer works anywhere."""
        principal = await signed_in(request, settings)
        if principal is not None:
            await accounts.logout(principal=principal)
        return see_other(f"{PORTAL_PATH}/login?done=out", cookies=[session_cookie(request, None)])

    @get("/invite", name="portal:invite")
    async def invite_page(self, request: AnyRequest) -> Template:
        """Choose a first password with the invite link's token."""
        token = request.query_params.get("token", "")
        return render(request, "invite.html", errors=FieldErrors(), token=token, min_length=MIN_LENGTH)

    @post("/invite")
    async def accept_invite(self, request: AnyRequest) -> Template | Redirect:
        """Set the first password (single use, as `POST /auth/invites/accept`)."""
        form = await form_of(request)
        token = text_field(form, "token")
        password, repeated = (
            text_field(form, "password", strip=False),
            text_field(form, "repeat", strip=False),
        )
        errors = FieldErrors()
        if password != repeated:
            errors.add("repeat", N_("The two passwords are not the same."))
        if not 10 <= len(token) <= 200:
            errors.add("password", N_("The invite link is not valid. Ask your project for a new one."))
        if not errors:
            try:
                await accounts.accept_invite(data=InviteAcceptance(token=token, password=password))
            except Unprocessable as exc:
                if any(error.get("field") == "token" for error in exc.errors or []):
                    errors.add(
                        "password", N_("The invite link is not valid. Ask your project for a new one.")
                    )
                else:
                    errors.add("password", PASSWORD_RULE)
        if errors:
            return render(
                request, "invite.html", errors=errors, token=token, min_length=MIN_LENGTH, status_code=400
            )
        return see_other(f"{PORTAL_PATH}/login?done=welcome")


class PasswordPages(Controller):
    """`/portal/password`: change one's own password (signed in)."""

    path = PORTAL_PATH

    @get("/password", name="portal:password")
    async def password_page(self, request: AnyRequest, viewer: Viewer) -> Template:
        """The change-password form."""
        done = request.query_params.get("done") == "1"
        return render(
            request, "password.html", viewer=viewer, errors=FieldErrors(), min_length=MIN_LENGTH, done=done
        )

    @post("/password")
    async def change_password(self, request: AnyRequest, viewer: Viewer) -> Template | Redirect:
        """Change it as `POST /auth/password` does: every other session and token ends."""
        form = await form_of(request)
        current = text_field(form, "current_password", strip=False)
        new, repeated = text_field(form, "new_password", strip=False), text_field(form, "repeat", strip=False)
        errors = FieldErrors()
        if new != repeated:
            errors.add("repeat", N_("The two new passwords are not the same."))
        if not current:
            errors.add("current_password", N_("Write the password you use now."))
        if not errors:
            try:
                await accounts.change_password(
                    principal=viewer,
                    data=PasswordChange(current_password=current, new_password=new),
                    client_address=_client(request),
                )
            except Unprocessable as exc:
                if any(error.get("field") == "current_password" for error in exc.errors or []):
                    errors.add("current_password", N_("This is not the password you use now."))
                else:
                    errors.add("new_password", PASSWORD_RULE)
            except RateLimited:
                errors.add("current_password", N_("Too many attempts. Wait a few minutes and try again."))
        if errors:
            context: dict[str, Any] = {"errors": errors, "min_length": MIN_LENGTH, "done": False}
            return render(request, "password.html", viewer=viewer, status_code=400, **context)
        return see_other(f"{PORTAL_PATH}/password?done=1")
