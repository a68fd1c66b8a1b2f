"""The desk's domain. Change it only through :mod:`amends.actions`.

The exact wording of every revision lives in the record's content store (``Revision.seq``), so
that sealing a deleted post seals it everywhere at once. A post's status is derived from its
revisions and deletions, never stored twice.
"""

import os
import time
from base64 import b32encode
from urllib.parse import quote, urlencode

from django.conf import settings
from django.db import models
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.oath import TOTP

from amends import platforms
from amends.connectors.credentials import lock, unlock

ROLES = ("author", "supervisor", "auditor", "admin")


class Account(models.Model):
    """One identity on one platform, written ``PLATFORM:HANDLE``."""

    platform = models.CharField(max_length=32, choices=platforms.choices)
    handle = models.CharField(max_length=200)
    name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # What the connector needs that is not secret (server URL, the instance's length limit, the
    # account's id on the platform), and its credentials, encrypted with a key outside the
    # database (amends.connectors.credentials). Never printed, never in the record.
    settings = models.JSONField(default=dict, blank=True)
    secrets = models.BinaryField(null=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["platform", "handle"], name="desk_account_unique")
        ]

    def __str__(self) -> str:
        return f"{self.platform}:{self.handle}"


class Incident(models.Model):
    """A post that went wrong, and the team's response to it."""

    class Severity(models.TextChoices):
        MINOR = "minor"
        SERIOUS = "serious"
        CRITICAL = "critical"

    class Kind(models.TextChoices):
        """What went wrong; it decides the playbook (see desk/policy.py)."""

        FACT = "fact", "A wrong fact or wording"
        TONE = "tone", "A tone or humour misjudgement"
        HARMFUL = "harmful", "Harmful content"

    post = models.ForeignKey("Post", on_delete=models.PROTECT, related_name="incidents")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    severity = models.CharField(max_length=16, choices=Severity.choices)
    summary = models.TextField()
    budget = models.PositiveIntegerField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField()
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True)
    statement = models.ForeignKey("Post", on_delete=models.PROTECT, null=True, related_name="+")
    # Why the incident was opened, and why it was closed, for the record and the report.
    rationale = models.TextField(blank=True)
    close_rationale = models.TextField(blank=True)
    # Steps not done at closing, each with why it was not needed: {"apologise": "..."}.
    not_needed = models.JSONField(default=dict, blank=True)
    # The same message on other channels: the five steps apply to these posts too.
    others = models.ManyToManyField("Post", related_name="also_in", blank=True)
    # Names the case officer says must never be published (a victim, a witness, a child):
    # encrypted like account credentials, so a copy of the database alone does not hold them.
    protected = models.BinaryField(null=True, editable=False)
    # Who is seeing it through now: the opener, until someone hands it over.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"incident {self.pk} ({self.severity})"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def posts(self) -> list["Post"]:
        """Every post the incident covers: the one it was opened on, then the other channels."""
        return [self.post, *self.others.select_related("account").order_by("pk")]

    def protected_names(self) -> list[str]:
        """The protected names, decrypted (for the checks that keep them out of anything
        published; never shown or recorded)."""
        names = unlock(self.protected).get("names", "")
        return [n for n in names.split("\n") if n]

    def protect(self, names: list[str]) -> None:
        self.protected = lock({"names": "\n".join(names)}) if names else None

    def as_json(self) -> dict:
        """The incident as the command line and the API list it."""
        return {
            "incident": self.pk,
            "post": self.post_id,
            "kind": self.kind,
            "severity": self.severity,
            "status": "open" if self.is_open else "closed",
            "summary": self.summary,
            "opened_at": self.opened_at.isoformat(),
            "closed_at": self.closed_at.isoformat() if self.closed_at else None,
        }


class Post(models.Model):
    """One published item on one account: a post, or the team's apology, reply or statement."""

    class Kind(models.TextChoices):
        POST = "post"
        APOLOGY = "apology"
        REPLY = "reply"
        STATEMENT = "statement"

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="posts")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.POST)
    in_reply_to = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, related_name="responses"
    )
    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, null=True, related_name="responses"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(db_index=True)
    # The current wording while the post is live, so that the desk can list and search posts
    # without opening the record for each. The exact wording of every revision stays in the
    # record's content store; this copy is emptied when the post is deleted and sealed.
    wording = models.TextField(blank=True, default="")
    # Published despite a checker (the apology checker, the tone guard, the budget): why.
    override_reason = models.TextField(blank=True)
    # A post made outside Amends and adopted from its link: when its wording was captured
    # (what it said before then is not known to Amends).
    captured_at = models.DateTimeField(null=True, blank=True)
    # The language the post is written in (BCP 47: en, cy), and, for a bilingual pair, the
    # same message in the other language (each points to the other).
    language = models.CharField(max_length=8, default="en")
    pair = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A redacted version of a post taken down for harmful content: the removed post.
    redacts = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, related_name="redactions"
    )

    class Meta:
        indexes = [models.Index(fields=["account", "created_at"], name="desk_post_account")]

    def __str__(self) -> str:
        return f"post {self.pk}"

    @property
    def subject(self) -> str:
        return f"post:{self.pk}"

    @property
    def removal(self) -> "Deletion | None":
        """The approved deletion that removed this post, if any."""
        return self.deletions.filter(status=Deletion.Status.DONE).first()

    @property
    def status(self) -> str:
        """live, corrected or deleted: derived from deletions and revisions, never stored."""
        if self.removal is not None:
            return "deleted"
        return "corrected" if self.revisions.filter(n__gt=1).exists() else "live"


class Revision(models.Model):
    """One exact wording of a post. Revision 1 is what was published; later ones correct it."""

    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="revisions")
    n = models.PositiveIntegerField()
    seq = models.BigIntegerField(unique=True)  # the record entry holding the exact wording
    reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    # Why the author corrected it (for the record), and why the tone guard was overridden.
    rationale = models.TextField(blank=True)
    override_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["post", "n"]
        constraints = [models.UniqueConstraint(fields=["post", "n"], name="desk_revision_unique")]

    def __str__(self) -> str:
        return f"post {self.post_id} revision {self.n}"


class Deletion(models.Model):
    """A request to delete a post, with its ground and public explanation, and the decision."""

    class Status(models.TextChoices):
        PENDING = "pending"
        DONE = "done"
        REJECTED = "rejected"
        WITHDRAWN = "withdrawn"

    class Review(models.TextChoices):
        CONFIRMED = "confirmed"
        DISAGREED = "disagreed"

    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="deletions")
    ground = models.CharField(max_length=64)
    explanation = models.TextField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True)
    decision_reason = models.TextField(blank=True)
    # Why the requester asked (for the team and the record; the explanation is public).
    rationale = models.TextField(blank=True)
    # An urgent removal is done at once by a supervisor; a second person reviews it afterwards.
    urgent = models.BooleanField(default=False)
    review_due = models.DateTimeField(null=True)
    review = models.CharField(max_length=16, choices=Review.choices, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True)
    review_rationale = models.TextField(blank=True)
    # One decision covering every channel of an incident: the deletion of each other channel's
    # post is part of the one asked for (decided, withdrawn and reviewed with it, never alone).
    part_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="parts"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["post"],
                condition=models.Q(status="pending"),
                name="desk_one_pending_deletion",
            )
        ]

    def __str__(self) -> str:
        return f"deletion {self.pk} of post {self.post_id} ({self.status})"

    def as_json(self) -> dict:
        """The deletion as the command line and the API give it: an urgent removal adds when
        its review is due, and its review once made."""
        out: dict = {"deletion": self.pk, "status": self.status}
        parts = [d.pk for d in self.parts.order_by("pk")] if self.pk else []
        if parts:
            out["parts"] = parts  # the same decision on the incident's other channels
        if self.part_of_id:
            out["part_of"] = self.part_of_id
        if self.urgent and self.review_due is not None:
            out["review_due"] = self.review_due.isoformat()
        if self.review:
            out["review"] = self.review
        return out

    @property
    def ground_in_words(self) -> str:
        from amends.desk import policy

        return policy.ground_in_words(self.ground)

    @property
    def awaiting_review(self) -> bool:
        return self.urgent and self.status == self.Status.DONE and not self.review

    def review_overdue(self, at) -> bool:
        return self.awaiting_review and self.review_due is not None and self.review_due <= at


def seal_totp_key(key: bytes) -> bytes:
    """A TOTP secret as stored: encrypted with the credentials key, like account credentials."""
    return lock({"totp": key.hex()})


class AuthenticatorApp(TimestampMixin, ThrottlingMixin, Device):
    """A person's second factor: an authenticator app that shares a TOTP secret (RFC 6238).

    Unlike django-otp's own TOTPDevice, the secret is stored encrypted with the credentials key
    (kept outside the database), so a copy of the database alone cannot make codes. Codes are
    6 digits every 30 seconds, one step of drift either way; a code is never accepted twice,
    and wrong ones are throttled by django-otp (2^(n-1) seconds after n wrong codes in a row).
    """

    step = 30
    t0 = 0
    digits = 6
    tolerance = 1

    sealed_key = models.BinaryField(editable=False)
    drift = models.SmallIntegerField(default=0)
    last_t = models.BigIntegerField(default=-1)  # the step of the last code accepted

    class Meta(Device.Meta):
        verbose_name = "authenticator app"

    @classmethod
    def start(cls, user, *, name: str = "Authenticator app", confirmed: bool = False):
        """A new app for ``user`` with a fresh 160-bit secret."""
        return cls.objects.create(
            user=user, name=name, confirmed=confirmed, sealed_key=seal_totp_key(os.urandom(20))
        )

    @property
    def bin_key(self) -> bytes:
        return bytes.fromhex(unlock(self.sealed_key)["totp"])

    def verify_token(self, token) -> bool:
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        try:
            number = int(token)
        except (TypeError, ValueError):
            number = None
        verified = False
        if number is not None:
            totp = TOTP(self.bin_key, self.step, self.t0, self.digits, self.drift)
            totp.time = time.time()
            verified = totp.verify(number, self.tolerance, self.last_t + 1)
        if not verified:
            self.throttle_increment(commit=True)
            return False
        self.last_t = totp.t()
        self.drift = totp.drift
        self.throttle_reset(commit=False)
        self.set_last_used_timestamp(commit=False)
        self.save()
        return True

    def get_throttle_factor(self) -> int:
        return 1

    @property
    def config_url(self) -> str:
        """The otpauth:// URL an authenticator app reads from the QR code."""
        issuer = settings.OTP_TOTP_ISSUER.replace(":", "")
        params = {
            "secret": b32encode(self.bin_key).decode("ascii"),
            "algorithm": "SHA1",
            "digits": self.digits,
            "period": self.step,
            "issuer": issuer,
        }
        label = quote(f"{issuer}:{self.user.get_username()}")
        return f"otpauth://totp/{label}?{urlencode(params, quote_via=quote)}"


class SignInFailures(models.Model):
    """Recent failed password checks for one name or one address (see amends.desk.throttle).

    ``key`` is a keyed hash: which names were tried, and from where, is not kept.
    """

    key = models.CharField(max_length=64, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.failures} failures, the last at {self.last:%Y-%m-%d %H:%M:%S}"


class IncidentNote(models.Model):
    """An internal note on an incident, for the team only: never published. Its words are the
    record entry's content (``incident.noted``), so they can be sealed like any content."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="notes")
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField()
    text = models.TextField()
    seq = models.BigIntegerField()  # the record entry holding it

    def __str__(self) -> str:
        return f"note {self.pk} on incident {self.incident_id}"


class Archive(models.Model):
    """A platform's own archive of an account, imported: known by its SHA-256, so that the same
    file imported again adds nothing."""

    sha256 = models.CharField(max_length=64, unique=True)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="archives")
    seq = models.BigIntegerField(unique=True)  # the archive.imported entry
    name = models.CharField(max_length=255)  # the file's name, as given
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField()
    posts = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"archive {self.sha256[:12]} of {self.account}"


class ImportedPost(models.Model):
    """A post brought in from an archive: where in which archive, under the id that makes it the
    same post in a later archive (the platform's id, or its time and words where there is none)."""

    post = models.OneToOneField(Post, on_delete=models.PROTECT, related_name="imported")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    archive = models.ForeignKey(Archive, on_delete=models.PROTECT, related_name="imported")
    ident = models.CharField(max_length=500)
    path = models.CharField(max_length=500)  # inside the archive

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "ident"], name="desk_imported_unique")
        ]

    def __str__(self) -> str:
        return f"{self.path} of {self.archive}"
