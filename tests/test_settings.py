"""Settings from AMENDS_* variables fail loudly, naming the variable and what is allowed."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from amends import conf


def verify_with(home, variables: dict) -> subprocess.CompletedProcess:
    """Run ``amends verify`` in a new process with a fresh home and these settings."""
    env = {**os.environ, "AMENDS_HOME": str(home), **variables}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if "AMENDS_DATABASE_URL" not in variables:
        env.pop("AMENDS_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "amends", "verify"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "AMENDS_CHECKPOINT_INTERVAL",
            "soon",
            "AMENDS_CHECKPOINT_INTERVAL must be a whole number (got 'soon')",
        ),
        (
            "AMENDS_CHECKPOINT_INTERVAL",
            "-5",
            "AMENDS_CHECKPOINT_INTERVAL must be at least 0 and at most 86400 (got -5)",
        ),
        ("AMENDS_DEBUG", "maybe", "AMENDS_DEBUG must be true or false (got 'maybe')"),
        (
            "AMENDS_DATABASE_URL",
            "mysql://root@localhost/amends",
            "AMENDS_DATABASE_URL must start with sqlite:/// or postgres:// (got 'mysql')",
        ),
        ("AMENDS_RECORD_ORIGIN", "my log", "AMENDS_RECORD_ORIGIN must contain no spaces"),
        (
            "AMENDS_OIDC_ISSUER",
            "https://login.example/tenant/v2.0",
            "AMENDS_OIDC_ISSUER is set: AMENDS_OIDC_CLIENT_ID and AMENDS_OIDC_CLIENT_SECRET",
        ),
    ],
)
def test_a_bad_setting_stops_the_command_with_one_clear_line(tmp_path, variable, value, message):
    result = verify_with(tmp_path, {variable: value})
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: configuration: {message}")
    assert result.stderr.count("\n") == 1


def test_a_role_map_that_names_no_role_stops_the_command(tmp_path):
    result = verify_with(
        tmp_path,
        {
            "AMENDS_OIDC_ISSUER": "https://login.example/tenant/v2.0",
            "AMENDS_OIDC_CLIENT_ID": "amends",
            "AMENDS_OIDC_CLIENT_SECRET": "s",
            "AMENDS_OIDC_ROLE_MAP": "Amends.Author=boss",
        },
    )
    assert result.returncode == 1
    assert result.stderr == (
        "error: configuration: AMENDS_OIDC_ROLE_MAP: 'Amends.Author=boss' is not VALUE=ROLE with "
        "ROLE one of admin|supervisor|auditor|author\n"
    )


def test_a_secret_can_come_from_a_file(tmp_path, monkeypatch):
    (tmp_path / "secret").write_text("s3cret\n")
    monkeypatch.delenv("AMENDS_SECRET_KEY", raising=False)
    monkeypatch.setenv("AMENDS_SECRET_KEY_FILE", str(tmp_path / "secret"))
    assert conf.env_secret("AMENDS_SECRET_KEY") == "s3cret"
    monkeypatch.setenv("AMENDS_SECRET_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match=r"AMENDS_SECRET_KEY_FILE names .* cannot be"):
        conf.env_secret("AMENDS_SECRET_KEY")


def test_unset_and_empty_variables_take_the_default(monkeypatch):
    monkeypatch.setenv("AMENDS_X_TEST", "  ")
    assert conf.env_int("AMENDS_X_TEST", 7) == 7
    assert conf.env_bool("AMENDS_X_TEST", True) is True
    monkeypatch.setenv("AMENDS_X_TEST", "a, b,,c")
    assert conf.env_list("AMENDS_X_TEST", []) == ["a", "b", "c"]


def test_a_missing_database_says_to_migrate(tmp_path):
    result = verify_with(tmp_path, {})
    assert result.returncode == 1
    assert result.stderr == "error: the database is not set up; run `amends migrate` first\n"


def test_keys_are_created_private(settings):
    from amends.record.keys import FileSealingKeyStore, FileSigningKeyStore

    FileSigningKeyStore().signer()
    FileSealingKeyStore().key()
    for path in (settings.SIGNING_KEY_FILE, settings.SEALING_KEY_FILE):
        assert oct(path.stat().st_mode & 0o777) == "0o600"
        assert oct(path.parent.stat().st_mode & 0o777) == "0o700"


@pytest.mark.parametrize(
    ("content", "message"),
    [("not base64!", "is not base64"), ("AAAA", "must hold 32 bytes, not 3")],
)
def test_a_bad_sealing_key_file_is_named(settings, content, message):
    from amends.record.keys import FileSealingKeyStore, KeyStoreError

    settings.SEALING_KEY_FILE.parent.mkdir(parents=True, exist_ok=True)
    settings.SEALING_KEY_FILE.write_text(content)
    with pytest.raises(KeyStoreError, match=message):
        FileSealingKeyStore().key()


def test_a_bad_signing_key_file_is_named(settings):
    from amends.record.keys import FileSigningKeyStore, KeyStoreError

    settings.SIGNING_KEY_FILE.parent.mkdir(parents=True, exist_ok=True)
    settings.SIGNING_KEY_FILE.write_text("PRIVATE+KEY+x+00000000+AAAA")
    with pytest.raises(KeyStoreError, match=r"signing key file .*: signer key is not an Ed25519"):
        FileSigningKeyStore().signer()


@pytest.mark.parametrize(
    ("site", "what"),
    [
        ("{home}", "the data folder (AMENDS_HOME)"),
        ("{parent}", "the data folder (AMENDS_HOME)"),
        ("{home}/keys", "the signing key"),
    ],
)
def test_a_site_folder_that_would_publish_the_data_or_the_keys_is_refused(tmp_path, site, what):
    folder = site.format(home=tmp_path, parent=tmp_path.parent)  # verify_with's AMENDS_HOME
    result = verify_with(tmp_path, {"AMENDS_SITE_DIR": folder})
    assert result.returncode == 1
    assert result.stderr.startswith(
        f"error: configuration: AMENDS_SITE_DIR must not contain {what}"
    )
    assert result.stderr.count("\n") == 1


def test_a_site_folder_beside_the_data_is_fine(tmp_path):
    result = verify_with(tmp_path, {"AMENDS_SITE_DIR": str(tmp_path.parent / "public")})
    assert "AMENDS_SITE_DIR" not in result.stderr
