"""The outbox and what the platforms hold. Change these only through the outbox and the worker.

A :class:`Delivery` is written in the same transaction as the action that needs it, so a change
that is committed always has its deliveries, and a change that is rolled back has none. Every
try to deliver is an :class:`Attempt` row: when, what was asked, how it ended, how long.

No row here holds a post's wording. A delivery names the revision it sends, and the worker reads
that wording from the record's content store when it sends (see :mod:`amends.delivery.wording`),
so deleting a post and sealing its content leaves nothing readable behind in the outbox. A copy
keeps only a salted fingerprint of what the platform should show.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models

from amends.connectors.base import Remote
from amends.desk.models import Account, Post, Revision


class Delivery(models.Model):
    """One thing to do on one platform: publish a post, edit it, reply in its thread, delete
    it, or publish a deletion notice."""

    class Op(models.TextChoices):
        PUBLISH = "publish"  # the post itself (a reply when the post answers another)
        EDIT = "edit"  # a correction, edited in place
        THREAD = "thread"  # a correction, as a reply in the post's thread
        QUOTE = "quote"  # a correction, as a new post quoting the post
        DELETE = "delete"  # remove the post
        NOTICE = "notice"  # say publicly why a post was removed

    class Status(models.TextChoices):
        PENDING = "pending"
        SENDING = "sending"
        DONE = "done"
        FAILED = "failed"
        CANCELLED = "cancelled"  # never sent: the post was deleted first

    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="deliveries")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="deliveries")
    op = models.CharField(max_length=16, choices=Op.choices)
    # What a publish or a correction sends: the wording of this revision (with, for a correction,
    # the previous one), read from the record's content store at send time.
    revision = models.ForeignKey(
        Revision, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Public words only: the deletion notice, which never holds the post's wording.
    text = models.TextField(blank=True)
    why = models.TextField(blank=True)  # the plan shown to the person, in words
    # Unique per delivery and sent to the platform where it accepts one, so that a retry never
    # posts twice. Its first 16 hex digits are the microseconds since the epoch.
    key = models.CharField(max_length=40, unique=True)
    # Deliveries about one post go in order: this one waits until ``after`` is done.
    after = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    tries = models.PositiveIntegerField(default=0)
    due_at = models.DateTimeField()
    lease_until = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=100, blank=True)
    remote_id = models.CharField(max_length=500, blank=True)
    remote_url = models.CharField(max_length=1000, blank=True)
    error = models.TextField(blank=True)
    # Done by a person in the platform's own app, because its API cannot: while pending,
    # ``error`` says what to do; it is done when the platform shows it, or a person confirms.
    by_hand = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "due_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"delivery {self.pk} ({self.op} post {self.post_id} to {self.account_id})"

    def as_json(self) -> dict:
        """The delivery as the API shows it (never its wording: see delivery.wording)."""
        return {
            "delivery": self.pk,
            "post": self.post_id,
            "account": str(self.account),
            "op": self.op,
            "status": self.status,
            "tries": self.tries,
            "due_at": self.due_at.isoformat(),
            "url": self.remote_url,
            "error": self.error,
            "why": self.why,
        }


class Attempt(models.Model):
    """One try to deliver. Written as ``started`` before anything is sent, so that after a
    crash the next worker knows it must ask the platform before sending again."""

    class Outcome(models.TextChoices):
        STARTED = "started"  # sent, or about to be; the result was never recorded
        SENT = "sent"
        FOUND = "found"  # after a crash: the platform already had it
        RETRY = "retry"  # a passing failure; tried again later
        FAILED = "failed"  # a permanent failure, or out of tries

    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="attempts")
    started_at = models.DateTimeField()
    ms = models.FloatField(null=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    worker = models.CharField(max_length=100, blank=True)
    request = models.TextField(blank=True)  # the exchanges, summarised (never credentials)
    response = models.TextField(blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["delivery", "pk"]

    def __str__(self) -> str:
        return f"attempt {self.pk} of delivery {self.delivery_id}: {self.outcome}"

    def as_json(self, *, full: bool) -> dict:
        """The attempt as the API shows it; what was asked and the platform's own words only
        with ``full`` (supervisors and admins)."""
        return {
            "started_at": self.started_at.isoformat(),
            "outcome": self.outcome,
            "ms": self.ms,
            "worker": self.worker,
            "request": self.request if full else None,
            "response": self.response if full else None,
            "error": self.error,
        }


class Copy(models.Model):
    """A post as Amends put it on its platform: where it is and the wording it should have
    there, so that a change made outside the desk can be noticed."""

    post = models.OneToOneField(Post, on_delete=models.PROTECT, related_name="copy")
    remote_id = models.CharField(max_length=500)
    url = models.CharField(max_length=1000, blank=True)
    extra = models.JSONField(default=dict, blank=True)
    # A salted SHA-256 of the wording Amends last put there, as the platform holds it: enough to
    # notice a change made outside the desk, never enough to read the wording back.
    expected = models.CharField(max_length=64)
    salt = models.CharField(max_length=32)
    published_at = models.DateTimeField()
    edits = models.PositiveIntegerField(default=0)
    active_at = models.DateTimeField(db_index=True)  # last change by Amends
    checked_at = models.DateTimeField(null=True, blank=True)
    gone_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"copy of post {self.post_id} at {self.remote_id}"

    def remote(self) -> Remote:
        """The post as its connector names it."""
        return Remote(id=self.remote_id, url=self.url, extra=self.extra)

    def expect(self, comparable: str) -> None:
        """Remember ``comparable`` (a connector's normalised form of the wording) as what the
        platform should show, by fingerprint only."""
        self.salt = secrets.token_hex(16)
        self.expected = fingerprint(self.salt, comparable)

    def shows(self, comparable: str) -> bool:
        """True when ``comparable`` is the wording Amends last put there."""
        return secrets.compare_digest(self.expected, fingerprint(self.salt, comparable))


def fingerprint(salt: str, comparable: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + comparable.encode("utf-8")).hexdigest()


class OutsideChange(models.Model):
    """An edit or deletion made on the platform, not through Amends: recorded, and raised on
    the Today page until someone has looked at it."""

    class Kind(models.TextChoices):
        CHANGED = "changed"
        DELETED = "deleted"

    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="outside_changes")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    seq = models.BigIntegerField(unique=True)  # the record entry, holding what was found
    found_at = models.DateTimeField()
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    seen_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"post {self.post_id} {self.kind} outside Amends"


class Pause(models.Model):
    """ "Pause all sending": while a pause stands (not resumed), the worker sends nothing and
    tries nothing again. Each pause and resumption is also in the record, with who and why."""

    paused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    paused_at = models.DateTimeField()
    reason = models.TextField()
    resumed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    resumed_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        state = "standing" if self.resumed_at is None else "resumed"
        return f"pause {self.pk} ({state})"

    @classmethod
    def standing(cls) -> "Pause | None":
        """The pause in force, if any (the first, should two people have paused at once)."""
        found = cls.objects.filter(resumed_at__isnull=True).select_related("paused_by")
        return found.order_by("pk").first()
