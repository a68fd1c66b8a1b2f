"""API tokens: per-user, revocable, optionally expiring, stored only as a hash.

A token reads ``amends_<prefix>_<secret>``. The prefix is stored in the clear so that a person can
recognise a token in a list and the server can find its row; the secret is stored only as its
SHA-256 hash. A fast hash is enough here: the secret is 256 random bits, so there is nothing to
guess, unlike a password.
"""

import hashlib
import hmac
import re
import secrets
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import models

SCHEME = "amends"
PREFIX = re.compile(r"[0-9a-f]{12}")
# Recording every use would write to the database on every request; once a minute is enough to
# tell a person when a token was last used.
USE_RESOLUTION = timedelta(minutes=1)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True)
    revoked_at = models.DateTimeField(null=True)
    expires_at = models.DateTimeField(null=True)  # never, when null

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"token {self.pk} ({self.shown})"

    @property
    def shown(self) -> str:
        """How the token is shown once its secret is gone: enough to recognise it."""
        return f"{SCHEME}_{self.prefix}_…"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= datetime.now(UTC)

    @property
    def is_active(self) -> bool:
        """It works: neither revoked nor expired."""
        return not self.is_revoked and not self.is_expired

    @property
    def state(self) -> str:
        """active, expired or revoked."""
        if self.is_revoked:
            return "revoked"
        return "expired" if self.is_expired else "active"

    def as_json(self) -> dict:
        """What the API and the command line show of a token (never its secret)."""

        def when(moment):
            return moment.isoformat() if moment is not None else None

        return {
            "id": self.pk,
            "user": self.user.username,
            "name": self.name,
            "shown": self.shown,
            "state": self.state,
            "created_at": self.created_at.isoformat(),
            "expires_at": when(self.expires_at),
            "last_used_at": when(self.last_used_at),
            "revoked_at": when(self.revoked_at),
        }

    @classmethod
    def issue(
        cls, user, name: str = "", *, expires_at: datetime | None = None
    ) -> tuple["ApiToken", str]:
        """A new token for ``user`` and the whole token string, which is never stored."""
        while True:
            prefix = secrets.token_hex(6)
            if not cls.objects.filter(prefix=prefix).exists():
                break
        secret = secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            prefix=prefix,
            secret_hash=_hash(secret),
            created_at=datetime.now(UTC),
            expires_at=expires_at,
        )
        return token, f"{SCHEME}_{prefix}_{secret}"

    @classmethod
    def find(cls, value: str) -> "ApiToken | None":
        """The token whose whole string is ``value`` (revoked, expired or not), or None."""
        scheme, _, rest = value.partition("_")
        prefix, _, secret = rest.partition("_")
        # Checked before any query: a header can hold anything, and the database must only ever
        # see a well-formed prefix.
        if scheme != SCHEME or not PREFIX.fullmatch(prefix) or not secret.isascii():
            return None
        token = cls.objects.select_related("user").filter(prefix=prefix).first()
        if token is None or not hmac.compare_digest(token.secret_hash, _hash(secret)):
            return None
        return token

    def used(self) -> None:
        now = datetime.now(UTC)
        if self.last_used_at is None or now - self.last_used_at >= USE_RESOLUTION:
            ApiToken.objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now
