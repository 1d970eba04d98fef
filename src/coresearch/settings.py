"""Settings read once from the environment (and an optional `.env` file) into frozen structs."""

from __future__ import annotations

import base64
import logging
import os
import re
import secrets
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

import msgspec
from dotenv import dotenv_values

from coresearch.lib.private import make_private_dir

logger = logging.getLogger(__name__)

PREFIX = "COSEARCH_"
DEFAULT_MAX_UPLOAD_BYTES = 100 * 1024 * 1024
SECRETS_FILE = "secrets.env"


# S3 bucket naming rules (the subset every S3 server accepts).
BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


class SettingsError(Exception):
    """A setting is missing or invalid; the message names the variable."""


class S3Settings(msgspec.Struct, frozen=True):
    """Where documents live when an S3-compatible endpoint is configured."""

    endpoint: str
    access_key: str
    secret_key: str
    bucket: str
    region: str
    secure: bool


class SmtpSettings(msgspec.Struct, frozen=True):
    """The mail server notifications are sent through (none: they stay in the portal)."""

    host: str
    port: int
    username: str | None
    password: str | None
    starttls: bool
    mail_from: str


class NotificationSettings(msgspec.Struct, frozen=True):
    """When reminders go out and how the outbox retries."""

    meeting_reminder_hours: int = 24
    task_reminder_hours: int = 24
    max_attempts: int = 8
    poll_seconds: int = 15


class Settings(msgspec.Struct, frozen=True):
    """Everything the service reads from its environment."""

    data_dir: Path
    database_url: str
    secret_key: str
    data_keys: tuple[bytes, ...]
    s3: S3Settings | None = None
    admin_email: str | None = None
    admin_password: str | None = None
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    token_ttl_seconds: int = 900
    log_level: str = "INFO"
    log_json: bool | None = None
    aap_warning_share: float = 0.6
    smtp: SmtpSettings | None = None
    notifications: NotificationSettings = NotificationSettings()

    @property
    def embedded(self) -> bool:
        """True on the embedded default: SQLite file and documents on local disk."""
        return self.database_url.startswith("sqlite")

    @property
    def documents_dir(self) -> Path:
        """Root folder of the local-disk document store."""
        return self.data_dir / "documents"


def _get(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(PREFIX + name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def _parse_bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = _get(env, name)
    if raw is None:
        return default
    lowered = raw.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{PREFIX}{name}: expected true or false, got {raw!r}")


def _parse_int(env: Mapping[str, str], name: str, default: int, minimum: int) -> int:
    raw = _get(env, name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{PREFIX}{name}: expected a whole number, got {raw!r}") from None
    if value < minimum:
        raise SettingsError(f"{PREFIX}{name}: must be at least {minimum}, got {value}")
    return value


def _parse_share(env: Mapping[str, str], name: str, default: float) -> float:
    raw = _get(env, name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{PREFIX}{name}: expected a number such as 0.6, got {raw!r}") from None
    if not 0 < value <= 1:
        raise SettingsError(f"{PREFIX}{name}: must be above 0 and at most 1, got {raw}")
    return value


def _parse_database_url(raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme == "sqlite":
        if not raw.startswith("sqlite:///") or len(raw) <= len("sqlite:///"):
            raise SettingsError(
                f"{PREFIX}DATABASE_URL: SQLite URLs look like sqlite:///path/to/file.db, got {raw!r}"
            )
        return raw
    if parts.scheme in {"postgresql", "postgres"}:
        if not parts.hostname and "host=" not in parts.query:
            raise SettingsError(f"{PREFIX}DATABASE_URL: PostgreSQL URL has no host: {raw!r}")
        if not parts.path.strip("/"):
            raise SettingsError(f"{PREFIX}DATABASE_URL: PostgreSQL URL names no database")
        return raw
    raise SettingsError(
        f"{PREFIX}DATABASE_URL: scheme must be sqlite or postgresql, got {parts.scheme or raw!r}"
    )


def decode_data_key(raw: str, position: int) -> bytes:
    """Decode one base64 AES-256 key from `COSEARCH_DATA_KEYS`."""
    try:
        key = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    except (ValueError, TypeError):
        key = b""
    if len(key) != 32:
        raise SettingsError(
            f"{PREFIX}DATA_KEYS: key {position} is not 32 bytes of base64 "
            "(make one with: coresearch generate-key)"
        )
    return key


def new_data_key() -> str:
    """Return a fresh base64 field-encryption key."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")


def _embedded_secrets(data_dir: Path) -> dict[str, str]:
    """Read, or generate once, the secrets of the embedded default (mode 0600)."""
    path = data_dir / SECRETS_FILE
    if not path.exists():
        make_private_dir(data_dir)
        content = f"{PREFIX}SECRET_KEY={secrets.token_urlsafe(48)}\n{PREFIX}DATA_KEYS={new_data_key()}\n"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(content)
        logger.warning(
            "Generated a token-signing key and a field-encryption key in %s; back this file up "
            "(losing it makes encrypted fields unreadable).",
            path,
        )
    # No interpolation: a `$` in a key is part of the key.
    return {key: value for key, value in dotenv_values(path, interpolate=False).items() if value is not None}


def _smtp_settings(env: Mapping[str, str]) -> SmtpSettings | None:
    """The SMTP settings, or None without `COSEARCH_SMTP_HOST` (mail stays in the portal)."""
    host = _get(env, "SMTP_HOST")
    if host is None:
        return None
    username, password = _get(env, "SMTP_USERNAME"), _get(env, "SMTP_PASSWORD")
    if (username is None) != (password is None):
        given, missing = (
            ("SMTP_USERNAME", "SMTP_PASSWORD") if username else ("SMTP_PASSWORD", "SMTP_USERNAME")
        )
        raise SettingsError(f"{PREFIX}{missing}: required when {PREFIX}{given} is set")
    port = _parse_int(env, "SMTP_PORT", 587, 1)
    if port > 65535:
        raise SettingsError(f"{PREFIX}SMTP_PORT: must be at most 65535, got {port}")
    mail_from = _get(env, "MAIL_FROM") or "coresearch@localhost"
    from coresearch.lib.emails import email_problem

    if "@" not in mail_from or (mail_from != "coresearch@localhost" and email_problem(mail_from)):
        raise SettingsError(f"{PREFIX}MAIL_FROM: not an e-mail address: {mail_from!r}")
    return SmtpSettings(
        host=host,
        port=port,
        username=username,
        password=password,
        starttls=_parse_bool(env, "SMTP_STARTTLS", port == 587),
        mail_from=mail_from,
    )


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Build settings from `environ` (default: the process environment).

    Raises:
        SettingsError: naming the first variable that is missing or invalid.
    """
    env = dict(os.environ if environ is None else environ)
    data_dir = Path(_get(env, "DATA_DIR") or "./data").expanduser().resolve()
    database_url = _parse_database_url(_get(env, "DATABASE_URL") or f"sqlite:///{data_dir / 'coresearch.db'}")
    embedded = database_url.startswith("sqlite")

    s3 = None
    endpoint = _get(env, "S3_ENDPOINT")
    if endpoint is not None:
        if "://" in endpoint:
            parsed = urlsplit(endpoint)
            if parsed.scheme not in {"http", "https"} or not parsed.netloc:
                raise SettingsError(f"{PREFIX}S3_ENDPOINT: expected host:port, got {endpoint!r}")
            secure_default = parsed.scheme == "https"
            endpoint = parsed.netloc
        else:
            secure_default = True
        unset = [n for n in ("S3_ACCESS_KEY", "S3_SECRET_KEY") if _get(env, n) is None]
        if unset:
            raise SettingsError(f"{PREFIX}{unset[0]}: required when {PREFIX}S3_ENDPOINT is set")
        bucket = _get(env, "S3_BUCKET") or "coresearch"
        if not BUCKET_NAME.fullmatch(bucket) or ".." in bucket:
            raise SettingsError(
                f"{PREFIX}S3_BUCKET: 3-63 lowercase letters, digits, dots or hyphens, got {bucket!r}"
            )
        s3 = S3Settings(
            endpoint=endpoint,
            access_key=_get(env, "S3_ACCESS_KEY") or "",
            secret_key=_get(env, "S3_SECRET_KEY") or "",
            bucket=bucket,
            region=_get(env, "S3_REGION") or "us-east-1",
            secure=_parse_bool(env, "S3_SECURE", secure_default),
        )

    admin_email = _get(env, "ADMIN_EMAIL")
    admin_password = _get(env, "ADMIN_PASSWORD")
    if (admin_email is None) != (admin_password is None):
        given, missing = (
            ("ADMIN_EMAIL", "ADMIN_PASSWORD") if admin_email else ("ADMIN_PASSWORD", "ADMIN_EMAIL")
        )
        raise SettingsError(f"{PREFIX}{missing}: required when {PREFIX}{given} is set")
    if admin_email is not None and "@" not in admin_email:
        raise SettingsError(f"{PREFIX}ADMIN_EMAIL: not an e-mail address: {admin_email!r}")
    if admin_password is not None:
        from coresearch.lib.passwords import password_problems

        problems = password_problems(admin_password)
        if problems:
            raise SettingsError(f"{PREFIX}ADMIN_PASSWORD: {'; '.join(problems)}")

    log_level = (_get(env, "LOG_LEVEL") or "INFO").upper()
    if log_level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        raise SettingsError(f"{PREFIX}LOG_LEVEL: one of DEBUG, INFO, WARNING, ERROR")

    max_upload_bytes = _parse_int(env, "MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES, 1)
    token_ttl_seconds = _parse_int(env, "TOKEN_TTL_SECONDS", 900, 60)
    log_json = None if _get(env, "LOG_JSON") is None else _parse_bool(env, "LOG_JSON", False)
    aap_warning_share = _parse_share(env, "AAP_WARNING_SHARE", 0.6)
    smtp = _smtp_settings(env)
    notifications = NotificationSettings(
        meeting_reminder_hours=_parse_int(env, "MEETING_REMINDER_HOURS", 24, 1),
        task_reminder_hours=_parse_int(env, "TASK_REMINDER_HOURS", 24, 1),
        max_attempts=_parse_int(env, "MAIL_MAX_ATTEMPTS", 8, 1),
        poll_seconds=_parse_int(env, "MAIL_POLL_SECONDS", 15, 1),
    )

    # Secrets last: a configuration that fails above never writes generated secrets to disk.
    if embedded and (_get(env, "SECRET_KEY") is None or _get(env, "DATA_KEYS") is None):
        for key, value in _embedded_secrets(data_dir).items():
            if _get(env, key.removeprefix(PREFIX)) is None:
                env[key] = value

    secret_key = _get(env, "SECRET_KEY")
    if secret_key is None:
        raise SettingsError(f"{PREFIX}SECRET_KEY: required with PostgreSQL (32+ random characters)")
    if len(secret_key) < 32:
        raise SettingsError(f"{PREFIX}SECRET_KEY: must be at least 32 characters")

    raw_keys = _get(env, "DATA_KEYS")
    if raw_keys is None:
        raise SettingsError(
            f"{PREFIX}DATA_KEYS: required with PostgreSQL (make one with: coresearch generate-key)"
        )
    data_keys = tuple(
        decode_data_key(part.strip(), index + 1)
        for index, part in enumerate(raw_keys.split(","))
        if part.strip()
    )

    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        secret_key=secret_key,
        data_keys=data_keys,
        s3=s3,
        admin_email=admin_email.lower() if admin_email else None,
        admin_password=admin_password,
        max_upload_bytes=max_upload_bytes,
        token_ttl_seconds=token_ttl_seconds,
        log_level=log_level,
        log_json=log_json,
        aap_warning_share=aap_warning_share,
        smtp=smtp,
        notifications=notifications,
    )


def database_url_from_environment() -> str:
    """Return the database URL the environment names, without validating the rest."""
    env = os.environ
    data_dir = Path(_get(env, "DATA_DIR") or "./data").expanduser().resolve()
    return _get(env, "DATABASE_URL") or f"sqlite:///{data_dir / 'coresearch.db'}"
