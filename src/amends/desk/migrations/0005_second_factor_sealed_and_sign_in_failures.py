"""Second factors with their secrets encrypted, and counts of failed sign-ins.

django-otp's TOTPDevice keeps each secret in clear in the database. Every such device becomes an
AuthenticatorApp whose secret is encrypted with the credentials key, and the clear row is
deleted. (Amends only ever made devices with django-otp's defaults: 30-second steps, 6 digits.)
Going back puts them back in clear, so that nobody loses their second factor.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def seal_secrets(apps, schema_editor):
    from amends.desk.models import seal_totp_key

    clear = apps.get_model("otp_totp", "TOTPDevice")
    sealed = apps.get_model("desk", "AuthenticatorApp")
    for device in clear.objects.all():
        app = sealed.objects.create(
            user_id=device.user_id,
            name=device.name,
            confirmed=device.confirmed,
            sealed_key=seal_totp_key(bytes.fromhex(device.key)),
            drift=device.drift,
            last_t=device.last_t,
            throttling_failure_timestamp=device.throttling_failure_timestamp,
            throttling_failure_count=device.throttling_failure_count,
            last_used_at=device.last_used_at,
        )
        # created_at is set on creation; keep the day the person turned it on.
        sealed.objects.filter(pk=app.pk).update(created_at=device.created_at)
        device.delete()


def unseal_secrets(apps, schema_editor):
    from amends.connectors.credentials import unlock

    clear = apps.get_model("otp_totp", "TOTPDevice")
    sealed = apps.get_model("desk", "AuthenticatorApp")
    for app in sealed.objects.all():
        device = clear.objects.create(
            user_id=app.user_id,
            name=app.name,
            confirmed=app.confirmed,
            key=unlock(app.sealed_key)["totp"],
            drift=app.drift,
            last_t=app.last_t,
            throttling_failure_timestamp=app.throttling_failure_timestamp,
            throttling_failure_count=app.throttling_failure_count,
            last_used_at=app.last_used_at,
        )
        clear.objects.filter(pk=device.pk).update(created_at=app.created_at)


class Migration(migrations.Migration):
    dependencies = [
        ("desk", "0004_wording_trigram_index"),
        ("otp_totp", "0003_add_timestamps"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SignInFailures",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=64, unique=True)),
                ("failures", models.PositiveIntegerField(default=0)),
                ("last", models.DateTimeField(db_index=True)),
            ],
        ),
        migrations.CreateModel(
            name="AuthenticatorApp",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        help_text="The human-readable name of this device.", max_length=64
                    ),
                ),
                (
                    "confirmed",
                    models.BooleanField(default=True, help_text="Is this device ready for use?"),
                ),
                (
                    "throttling_failure_timestamp",
                    models.DateTimeField(
                        blank=True,
                        default=None,
                        help_text=(
                            "A timestamp of the last failed verification attempt. "
                            "Null if last attempt succeeded."
                        ),
                        null=True,
                    ),
                ),
                (
                    "throttling_failure_count",
                    models.PositiveIntegerField(
                        default=0, help_text="Number of successive failed attempts."
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        auto_now_add=True,
                        help_text=(
                            "The date and time when this device was initially created "
                            "in the system."
                        ),
                        null=True,
                    ),
                ),
                (
                    "last_used_at",
                    models.DateTimeField(
                        blank=True,
                        help_text="The most recent date and time this device was used.",
                        null=True,
                    ),
                ),
                ("sealed_key", models.BinaryField()),
                ("drift", models.SmallIntegerField(default=0)),
                ("last_t", models.BigIntegerField(default=-1)),
                (
                    "user",
                    models.ForeignKey(
                        help_text="The user that this device belongs to.",
                        on_delete=django.db.models.deletion.CASCADE,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "authenticator app",
                "abstract": False,
            },
        ),
        migrations.RunPython(seal_secrets, unseal_secrets),
    ]
