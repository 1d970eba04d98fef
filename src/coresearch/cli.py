"""The `coresearch` command: serve, migrate, create users, check storage, make and rotate keys."""

from __future__ import annotations

import asyncio
import sys
import warnings
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click
from dotenv import load_dotenv

from coresearch.settings import Settings, SettingsError, load_settings, new_data_key

if TYPE_CHECKING:
    from coresearch.domain.documents.repair import ConsistencyReport, RepairResult

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
            with warnings.catch_warnings():
                # Piccolo warns on its own when the server is unreachable; the line below says it.
                warnings.simplefilter("ignore")
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
    from coresearch.domain.payments.service import ensure_example_rate_table
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
        if settings.embedded:
            # An example to start from on a try-out install; never on PostgreSQL (docs/decisions.md).
            await ensure_example_rate_table()
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
@click.option(
    "--workers",
    default=1,
    show_default=True,
    envvar="COSEARCH_WORKERS",
    type=click.IntRange(1, 64),
    help="Worker processes (or COSEARCH_WORKERS). The container image defaults to one per CPU.",
)
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
            f"{user.invite_token}\nThe user sets a password in the portal, "
            f"<service address>/portal/invite?token={user.invite_token}\n"
            "(or with POST /api/v1/auth/invites/accept)."
        )


@main.command("mail-preview")
@click.option(
    "--limit", default=10, show_default=True, type=click.IntRange(1, 200), help="How many messages."
)
def mail_preview(limit: int) -> None:
    """Print the newest notification messages (what was, or would be, mailed)."""
    from coresearch.domain.notifications.preview import newest

    settings = _settings()

    async def work() -> list[str]:
        return await newest(limit=limit)

    messages = _with_database(settings, work)
    if not messages:
        click.echo("No messages yet.", err=True)
    click.echo("\n\n----\n\n".join(messages))


@main.command("storage-check")
@click.option(
    "--repair",
    is_flag=True,
    help="Fix what was found: finish pending deletions, delete orphan objects, and remove the "
    "rows of versions whose object is missing (each change is written to the audit log).",
)
@click.option(
    "--grace-minutes",
    default=60,
    show_default=True,
    type=click.IntRange(min=0),
    help="Ignore objects without a row that are younger than this: uploads store the object "
    "moments before its row.",
)
@click.option(
    "--force",
    is_flag=True,
    help="With --repair: repair even when no document version has its object, which usually "
    "means the storage settings point at the wrong bucket or folder.",
)
def storage_check(repair: bool, grace_minutes: int, force: bool) -> None:
    """Check that document rows in the database and stored objects match.

    \b
    Reports:
      orphan objects     stored under documents/ with no row (a failed upload or a crash)
      missing objects    document versions whose file is gone from the storage
      pending deletions  objects of deleted documents still waiting to be deleted
    Exit code 0: consistent (or repaired); 1: problems found and not repaired; 3: the database
    or the storage cannot be used. Safe to run while the service is running.
    """
    from datetime import timedelta

    from coresearch.domain.documents import repair as consistency
    from coresearch.lib import db
    from coresearch.lib.storage import StorageUnavailable, build_document_store

    settings = _settings()
    grace = timedelta(minutes=grace_minutes)

    async def work() -> int:
        if await db.pending_migrations():
            click.echo(
                "database error: the database has pending migrations; run `coresearch migrate`", err=True
            )
            return 3
        store = build_document_store(settings)
        try:
            await store.check()
            report = await consistency.check_consistency(store=store, grace=grace)
            _print_consistency(report, grace_minutes)
            if report.consistent:
                return 0
            if not repair:
                click.echo("Problems found. Run `coresearch storage-check --repair` to fix them.")
                return 1
            try:
                result = await consistency.repair(store=store, report=report, force=force)
            except consistency.RepairRefused as exc:
                click.echo(
                    f"refusing to repair: {exc}; check COSEARCH_S3_* / COSEARCH_DATA_DIR, "
                    "or add --force if the objects really are lost",
                    err=True,
                )
                return 1
            _print_repair(result)
            after = await consistency.check_consistency(store=store, grace=grace)
            if after.consistent:
                click.echo("Repaired: the database and the storage are consistent now.")
                return 0
            click.echo("After the repair some problems remain:")
            _print_consistency(after, grace_minutes)
            return 1
        finally:
            await store.close()

    try:
        code = _with_database(settings, work)
    except StorageUnavailable as exc:
        click.echo(f"storage error: {exc}", err=True)
        sys.exit(3)
    except (db.DatabaseUnavailable, OSError) as exc:
        click.echo(f"database error: {exc}", err=True)
        sys.exit(3)
    sys.exit(code)


def _print_consistency(report: ConsistencyReport, grace_minutes: int) -> None:
    click.echo(
        f"Checked {report.objects_checked} stored objects and {report.versions_checked} document versions."
    )
    click.echo(f"Orphan objects (no row, older than {grace_minutes} min): {len(report.orphans)}")
    for orphan in report.orphans:
        click.echo(f"  {orphan.key}  {orphan.size} bytes, stored {orphan.last_modified:%Y-%m-%d %H:%M} UTC")
    if report.recent_unreferenced:
        click.echo(
            f"  (not counted: {report.recent_unreferenced} newer objects, probably uploads in progress)"
        )
    click.echo(f"Missing objects (a version row without its object): {len(report.missing)}")
    for item in report.missing:
        click.echo(f"  {item.object_key}  document {item.document_id}, version {item.version}")
    click.echo(f"Pending deletions (rows gone, object deletion being retried): {report.pending_deletions}")
    if report.consistent:
        click.echo("The database and the storage are consistent.")


def _print_repair(result: RepairResult) -> None:
    drained = result.drained
    click.echo(
        f"Repair: {drained.deleted} pending deletions finished ({drained.failed} failed), "
        f"{result.orphans_deleted} orphan objects deleted, {result.versions_removed} version rows "
        f"removed ({result.documents_removed} documents removed, {result.current_versions_moved} "
        "current versions moved back)."
    )


@main.command("generate-key")
def generate_key() -> None:
    """Print a new field-encryption key for COSEARCH_DATA_KEYS."""
    click.echo(new_data_key())


@main.command("rotate-keys")
@click.option(
    "--batch-size",
    default=200,
    show_default=True,
    type=click.IntRange(1, 10_000),
    help="Rows per transaction.",
)
def rotate_keys(batch_size: int) -> None:
    """Re-encrypt every protected field under the newest key in COSEARCH_DATA_KEYS.

    \b
    To replace a key:
      1. put a new key (coresearch generate-key) first in COSEARCH_DATA_KEYS, keeping the old
         ones after it, and restart the service;
      2. run this command (safe while the service runs; rerun it after an interruption: it
         continues where it stopped);
      3. when it reports every row current, remove the old key and restart.
    Exit code 0: done; 1: a value is under a key that is not configured; 3: database unusable.
    """
    from coresearch.domain.coresearchers.rotation import rotate_keys as rotate
    from coresearch.lib import db
    from coresearch.lib.crypto import KeyMissing, keyring_for

    settings = _settings()
    keyring = keyring_for(settings.data_keys)

    async def work() -> Any:
        if await db.pending_migrations():
            click.echo(
                "database error: the database has pending migrations; run `coresearch migrate`", err=True
            )
            sys.exit(3)
        return await rotate(keyring=keyring, batch_size=batch_size)

    try:
        report = _with_database(settings, work)
    except KeyMissing as exc:
        click.echo(
            f"error: some values are encrypted under data key {exc.key_id}, which COSEARCH_DATA_KEYS "
            "does not hold; add that key back (after the newest) and run again. Batches finished "
            "before this one are already re-encrypted.",
            err=True,
        )
        sys.exit(1)
    except db.DatabaseUnavailable as exc:
        click.echo(f"database error: {exc}", err=True)
        sys.exit(3)
    click.echo(
        f"Checked {report.rows_checked} rows: {report.re_encrypted} re-encrypted under key "
        f"{report.key_id}, {report.already_current} already current."
    )
    click.echo(f"Every protected value is under key {report.key_id}; older keys can be removed.")


@main.command()
@click.option("--force", is_flag=True, help="Load it even into a PostgreSQL database (a throwaway one).")
def demo(force: bool) -> None:
    """Load a small demo project (Norwegian text) to try the service.

    Creates a research leader, a project lead, a researcher and three co-researchers, each with a
    generated password printed once, and one project with planned phases, tasks, meetings,
    involvement activities and evaluations. Running it again changes nothing. Meant for the
    embedded SQLite default: on PostgreSQL it refuses unless --force is given.
    """
    from coresearch import demo as demo_data
    from coresearch.lib.problems import AppError

    settings = _settings()
    try:
        demo_data.ensure_allowed(settings=settings, force=force)
    except demo_data.DemoRefused as exc:
        click.echo(f"demo not loaded: {exc}", err=True)
        sys.exit(2)
    _migrate_and_bootstrap(settings, migrate=settings.embedded)
    try:
        result = _with_database(settings, lambda: demo_data.load_demo(settings=settings, force=force))
    except AppError as exc:
        click.echo(f"demo not loaded: {exc.detail}", err=True)
        sys.exit(1)
    click.echo(demo_data.render(result))


if __name__ == "__main__":  # pragma: no cover
    main()
