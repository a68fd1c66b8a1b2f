"""The desk's domain. Change it only through :mod:`amends.desk.actions`.

The exact wording of every revision lives in the record's content store (``Revision.seq``), so
that sealing a deleted post seals it everywhere at once. A post's status is derived from its
revisions and deletions, never stored twice.
"""

from django.conf import settings
from django.db import models

from amends import platforms

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

    post = models.ForeignKey("Post", on_delete=models.PROTECT, related_name="incidents")
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

    def __str__(self) -> str:
        return f"incident {self.pk} ({self.severity})"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


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
