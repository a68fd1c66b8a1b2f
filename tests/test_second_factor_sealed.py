"""Second-factor secrets are stored encrypted with the credentials key, never in clear."""

import importlib
from base64 import b32encode
from datetime import UTC, datetime

import pytest
from django.apps import apps
from django.db import connection
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from amends.actions import EnrolSecondFactor
from amends.connectors.credentials import CredentialsError
from amends.desk.models import AuthenticatorApp

migration = importlib.import_module(
    "amends.desk.migrations.0005_second_factor_sealed_and_sign_in_failures"
)


def raw_row(pk: int) -> list:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM desk_authenticatorapp WHERE id = %s", [pk])
        return list(cursor.fetchone())


def as_text(value) -> str:
    if isinstance(value, memoryview | bytes):
        return bytes(value).decode("latin-1")
    return str(value)


def code(key: bytes, steps_ahead: int = 0) -> str:
    return f"{totp(key, 30, 0, 6, steps_ahead):06d}"


def test_the_database_row_holds_no_secret_in_clear(people):
    device = EnrolSecondFactor(people.alice).run()
    key = device.bin_key
    assert len(key) == 20
    stored = " ".join(as_text(v) for v in raw_row(device.pk))
    for form in (key.hex(), key.hex().upper(), b32encode(key).decode(), key.decode("latin-1")):
        assert form not in stored
    assert not TOTPDevice.objects.exists()


def test_without_the_credentials_key_the_secret_cannot_be_read(people, settings, tmp_path):
    device = AuthenticatorApp.start(people.alice, confirmed=True)
    settings.CREDENTIALS_KEY_FILE = tmp_path / "another.key"
    with pytest.raises(CredentialsError):
        _ = AuthenticatorApp.objects.get(pk=device.pk).bin_key


def test_a_code_from_the_app_is_accepted_once(people):
    device = AuthenticatorApp.start(people.alice, confirmed=True)
    now = code(device.bin_key, 1)
    assert device.verify_token(now) is True
    assert device.verify_token(now) is False


def test_the_migration_encrypts_existing_clear_secrets_and_keeps_them_working(people):
    key = bytes(range(20))
    created = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    clear = TOTPDevice.objects.create(
        user=people.alice, name="phone", confirmed=True, key=key.hex()
    )
    TOTPDevice.objects.filter(pk=clear.pk).update(created_at=created, last_t=5, drift=1)

    migration.seal_secrets(apps, None)

    assert not TOTPDevice.objects.exists()
    sealed = AuthenticatorApp.objects.get(user=people.alice)
    assert (sealed.name, sealed.confirmed, sealed.created_at) == ("phone", True, created)
    assert (sealed.last_t, sealed.drift) == (5, 1)
    assert sealed.bin_key == key
    assert key.hex() not in " ".join(as_text(v) for v in raw_row(sealed.pk))
    sealed.drift = 0
    assert sealed.verify_token(code(key, 1)) is True

    # Going back restores the secret in clear, so that nobody loses their second factor.
    migration.unseal_secrets(apps, None)
    assert TOTPDevice.objects.get(user=people.alice).key == key.hex()


def test_the_qr_code_url_carries_the_secret_for_the_app(people):
    device = AuthenticatorApp.start(people.alice)
    secret = b32encode(device.bin_key).decode()
    assert device.config_url == (
        f"otpauth://totp/Amends%3Aalice?secret={secret}&algorithm=SHA1&digits=6&period=30"
        "&issuer=Amends"
    )
