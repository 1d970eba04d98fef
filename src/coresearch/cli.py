"""The `coresearch` command: serve, migrate, create users, make keys."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import click
from dotenv import load_dotenv

from coresearch.settings import Settings, SettingsError, load_settings, new_data_key

T = TypeVar("T")
ROLES = ["admin", "research_leader", "researcher", "co_researcher"]


def _settings() -> Settings:
    load_dotenv(".env", override=False)
    try:
        return load_settings()
    except SettingsError as exc:
        click.echo(f"configuration error: {exc}", err=True)
        sys.exit(2)


def _with_database(settings: Settings, work: Callable[[], Awaitable[T]]) -> T:
    from coresearch.lib import db

    async def run() -> T:
        try:
            engine = await db.open_database(settings.database_url)
        except db.DatabaseUnavailable as exc:
            click.echo(f"database error: {exc}", err=True)
            sys.exit(3)
        try:
            return await work()
        finally:
            await db.close_database(engine)

    return asyncio.run(run())


def _migrate_and_bootstrap(settings: Settings, *, migrate: bool) -> None:
    from coresearch.domain.accounts.service import ensure_first_admin
    from coresearch.lib import db

    async def work() -> Any:
        if migrate:
            await db.apply_migrations()
        elif await db.pending_migrations():
            click.echo(
                "database error: the database has pending migrations; run `coresearch migrate` "
                "first (or `coresearch serve --migrate`)",
                err=True,
            )
            sys.exit(3)
        return await ensure_first_admin(email=settings.admin_email, password=settings.admin_password)

    created = _with_database(settings, work)
    if created is not None:
        email, generated = created
        if generated:
            click.echo(
                f"\nFirst admin account created:\n  e-mail:   {email}\n  password: {generated}\n"
                "Sign in and change this password (POST /api/v1/auth/password).\n",
                err=True,
            )
        else:
            click.echo(f"First admin account ready: {email}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """coresearch: research projects with co-researchers (medforskere).

    Settings come from COSEARCH_* environment variables or a .env file in the current folder.
    With no settings at all the service runs on the embedded default: a SQLite file and documents
    on disk under ./data, with secrets generated once into ./data/secrets.env.
    """


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
@click.option(
    "--migrate/--no-migrate",
    default=None,
    help="Apply pending migrations first (default: yes on SQLite, no on PostgreSQL).",
)
@click.option(
    "--forwarded-allow-ips",
    default=None,
    help="Trust X-Forwarded-For from these proxy addresses (comma-separated) for the client "
    "address used by sign-in throttling. Default: trust no proxy.",
)
def serve(host: str, port: int, workers: int, migrate: bool | None, forwarded_allow_ips: str | None) -> None:
    """Serve the HTTP API (applying migrations first on the embedded default)."""
    import uvicorn

    settings = _settings()
    _migrate_and_bootstrap(settings, migrate=settings.embedded if migrate is None else migrate)
    click.echo(f"Serving on http://{host}:{port}  (API docs: http://{host}:{port}/schema)", err=True)
    uvicorn.run(
        "coresearch.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=settings.log_level.lower(),
        access_log=False,  # the app logs each request itself, with its request id
        proxy_headers=forwarded_allow_ips is not None,
        forwarded_allow_ips=forwarded_allow_ips,
    )


@main.command()
def migrate() -> None:
    """Apply pending database migrations (safe to run again)."""
    from coresearch.lib import db

    settings = _settings()
    try:
        _with_database(settings, db.apply_migrations)
    except db.MigrationFailed as exc:
        click.echo(f"migration failed: {exc}", err=True)
        sys.exit(1)
    click.echo("Migrations are up to date.", err=True)


@main.command("create-user")
@click.option("--email", required=True, help="Sign-in e-mail address.")
@click.option("--role", required=True, type=click.Choice(ROLES), help="Global role.")
@click.option("--full-name", default="", help="Display name (defaults to the e-mail).")
@click.option(
    "--password",
    default=None,
    help="Password (12+ characters). Without it the user gets an invite link instead.",
)
def create_user(email: str, role: str, full_name: str, password: str | None) -> None:
    """Create a user account."""
    from coresearch.domain.accounts.service import create_user_from_cli
    from coresearch.domain.accounts.tables import Role
    from coresearch.lib.problems import AppError

    settings = _settings()

    async def work() -> Any:
        return await create_user_from_cli(
            email=email, full_name=full_name, role=Role(role), password=password
        )

    try:
        user = _with_database(settings, work)
    except AppError as exc:
        reasons = "; ".join(f"{e['field']} {e['message']}" for e in exc.errors or [])
        click.echo(f"error: {exc.detail}{': ' + reasons if reasons else ''}", err=True)
        sys.exit(1)
    click.echo(f"Created {user.role.value} {user.email} ({user.id})")
    if user.invite_token:
        click.echo(
            f"Invite token (valid until {user.invite_expires_at:%Y-%m-%d %H:%M} UTC, shown once): "
            f"{user.invite_token}\nThe user sets a password with POST /api/v1/auth/invites/accept."
        )


@main.command("generate-key")
def generate_key() -> None:
    """Print a new field-encryption key for COSEARCH_DATA_KEYS."""
    click.echo(new_data_key())


if __name__ == "__main__":  # pragma: no cover
    main()
