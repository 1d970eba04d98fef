"""Settings: read from the environment, and a wrong value names its variable."""

from pathlib import Path

import pytest

from coresearch.settings import SettingsError, decode_data_key, load_settings, new_data_key

PG = "postgresql://postgres@127.0.0.1:5432/coresearch"
SECRET = "s" * 40


def pg_env(**extra: str) -> dict[str, str]:
    return {
        "COSEARCH_DATABASE_URL": PG,
        "COSEARCH_SECRET_KEY": SECRET,
        "COSEARCH_DATA_KEYS": new_data_key(),
        **extra,
    }


def test_embedded_default_generates_secrets_once_with_private_mode(tmp_path: Path) -> None:
    first = load_settings({"COSEARCH_DATA_DIR": str(tmp_path)})
    second = load_settings({"COSEARCH_DATA_DIR": str(tmp_path)})

    assert first.embedded and first.s3 is None
    assert first.database_url == f"sqlite:///{tmp_path / 'coresearch.db'}"
    assert first.secret_key == second.secret_key and first.data_keys == second.data_keys
    assert (tmp_path / "secrets.env").stat().st_mode & 0o777 == 0o600


def test_embedded_secrets_file_is_read_as_written_and_the_environment_wins(tmp_path: Path) -> None:
    key, secret = new_data_key(), "k$HOME" + "k" * 40
    (tmp_path / "secrets.env").write_text(
        f"# kept by the operator\nCOSEARCH_SECRET_KEY={secret}\nCOSEARCH_DATA_KEYS={key}\n"
    )

    from_file = load_settings({"COSEARCH_DATA_DIR": str(tmp_path)})
    overridden = load_settings({"COSEARCH_DATA_DIR": str(tmp_path), "COSEARCH_SECRET_KEY": "e" * 40})

    assert from_file.secret_key == secret and from_file.data_keys == (decode_data_key(key, 1),)
    assert overridden.secret_key == "e" * 40 and overridden.data_keys == from_file.data_keys


def test_postgres_requires_secret_key() -> None:
    env = pg_env()
    del env["COSEARCH_SECRET_KEY"]
    with pytest.raises(SettingsError, match=r"^COSEARCH_SECRET_KEY: required"):
        load_settings(env)


def test_postgres_requires_data_keys() -> None:
    env = pg_env()
    del env["COSEARCH_DATA_KEYS"]
    with pytest.raises(SettingsError, match=r"^COSEARCH_DATA_KEYS: required"):
        load_settings(env)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("COSEARCH_DATABASE_URL", "mysql://x/y", "scheme must be sqlite or postgresql"),
        ("COSEARCH_DATABASE_URL", "postgresql://host/", "names no database"),
        ("COSEARCH_SECRET_KEY", "short", "at least 32 characters"),
        ("COSEARCH_DATA_KEYS", "bm90LWEta2V5", "key 1 is not 32 bytes"),
        ("COSEARCH_MAX_UPLOAD_BYTES", "lots", "expected a whole number"),
        ("COSEARCH_MAX_UPLOAD_BYTES", "0", "must be at least 1"),
        ("COSEARCH_S3_SECURE", "maybe", "expected true or false"),
        ("COSEARCH_S3_BUCKET", "Mine_Dokumenter", "lowercase letters"),
        ("COSEARCH_S3_BUCKET", "b", "lowercase letters"),
        ("COSEARCH_ADMIN_EMAIL", "not-an-address", "not an e-mail address"),
        ("COSEARCH_LOG_LEVEL", "LOUD", "one of DEBUG"),
        ("COSEARCH_AAP_WARNING_SHARE", "most", "expected a number"),
        ("COSEARCH_AAP_WARNING_SHARE", "0", "above 0 and at most 1"),
        ("COSEARCH_AAP_WARNING_SHARE", "1.5", "above 0 and at most 1"),
        ("COSEARCH_AAP_WARNING_SHARE", "nan", "above 0 and at most 1"),
    ],
)
def test_invalid_value_names_the_variable(name: str, value: str, message: str) -> None:
    env = pg_env(**{name: value})
    if name in {"COSEARCH_S3_SECURE", "COSEARCH_S3_BUCKET"}:
        env |= {
            "COSEARCH_S3_ENDPOINT": "s3:9000",
            "COSEARCH_S3_ACCESS_KEY": "a",
            "COSEARCH_S3_SECRET_KEY": "b",
        }
    if name == "COSEARCH_ADMIN_EMAIL":
        env["COSEARCH_ADMIN_PASSWORD"] = "Et-langt-admin-passord"
    with pytest.raises(SettingsError) as caught:
        load_settings(env)
    assert str(caught.value).startswith(f"{name}: ")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_s3_endpoint_needs_credentials() -> None:
    with pytest.raises(SettingsError, match=r"^COSEARCH_S3_ACCESS_KEY: required"):
        load_settings(pg_env(COSEARCH_S3_ENDPOINT="127.0.0.1:8333"))


def test_s3_settings_from_url_endpoint() -> None:
    settings = load_settings(
        pg_env(
            COSEARCH_S3_ENDPOINT="http://127.0.0.1:8333",
            COSEARCH_S3_ACCESS_KEY="key",
            COSEARCH_S3_SECRET_KEY="secret",
            COSEARCH_S3_BUCKET="docs",
        )
    )
    assert settings.s3 is not None
    assert (settings.s3.endpoint, settings.s3.secure, settings.s3.bucket) == ("127.0.0.1:8333", False, "docs")
    assert settings.s3.region == "us-east-1"


def test_several_data_keys_newest_first() -> None:
    newest, older = new_data_key(), new_data_key()
    settings = load_settings(pg_env(COSEARCH_DATA_KEYS=f"{newest}, {older}"))
    assert len(settings.data_keys) == 2 and settings.data_keys[0] != settings.data_keys[1]


def test_admin_email_and_password_go_together() -> None:
    with pytest.raises(SettingsError, match=r"^COSEARCH_ADMIN_PASSWORD: required when COSEARCH_ADMIN_EMAIL"):
        load_settings(pg_env(COSEARCH_ADMIN_EMAIL="admin@example.no"))
    with pytest.raises(SettingsError, match=r"^COSEARCH_ADMIN_EMAIL: required when COSEARCH_ADMIN_PASSWORD"):
        load_settings(pg_env(COSEARCH_ADMIN_PASSWORD="Et-langt-admin-passord"))
