"""Fingerprints of every revision's wording, their band keys for lookup, and the register of
copies found."""

from django.conf import settings
from django.db import models


class Fingerprint(models.Model):
    """A revision's MinHash signature (amends.text.fingerprint): nothing readable of its words."""

    revision = models.OneToOneField(
        "desk.Revision", primary_key=True, on_delete=models.CASCADE, related_name="fingerprint"
    )
    signature = models.BinaryField()

    class Meta:
        db_table = "copies_fingerprint"


class Band(models.Model):
    """One of a fingerprint's band keys: wordings sharing a key are candidates for a match."""

    key = models.BigIntegerField()
    revision = models.ForeignKey("desk.Revision", on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "copies_band"
        indexes = [models.Index(fields=["key"], name="copies_band_key")]


class KnownCopy(models.Model):
    """A copy of one of the force's posts found somewhere: where, how, which revision it shows,
    and whether that revision is one the force has since corrected or taken down."""

    class FoundBy(models.TextChoices):
        WEBMENTION = "webmention"
        PINGBACK = "pingback"
        QUOTE = "quote"
        REPOST = "repost"
        REPLY = "reply"
        ARCHIVE = "archive"
        SCREENSHOT = "screenshot"
        TEXT = "text"

    post = models.ForeignKey("desk.Post", on_delete=models.PROTECT, related_name="known_copies")
    url = models.CharField(max_length=2000)
    found_by = models.CharField(max_length=16, choices=FoundBy.choices)
    revision = models.PositiveIntegerField()
    found_at = models.DateTimeField()
    found_seq = models.BigIntegerField()  # the copy.found entry
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    notified_at = models.DateTimeField(null=True)
    gone_at = models.DateTimeField(null=True)

    class Meta:
        db_table = "copies_known"
        ordering = ["found_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["post", "url"], name="copies_one_per_place")]


class Webmention(models.Model):
    """A Webmention (W3C) received: ``source`` says it links to ``target``, a post's page.
    Kept at once, checked later by the worker (the source fetched and read)."""

    class State(models.TextChoices):
        PENDING = "pending"
        VERIFIED = "verified"  # the source links to the post: a copy is recorded
        REFUSED = "refused"  # the source does not link to it, or could not be read
        GONE = "gone"  # the source is gone (410) or no longer links: its copy is gone

    class Protocol(models.TextChoices):
        WEBMENTION = "webmention"
        PINGBACK = "pingback"  # Pingback 1.0 (amends.copies.pingback), kept and checked alike

    source = models.CharField(max_length=2000)
    target = models.CharField(max_length=2000)
    protocol = models.CharField(max_length=16, choices=Protocol.choices, default="webmention")
    post = models.ForeignKey("desk.Post", on_delete=models.PROTECT, related_name="+")
    host = models.CharField(max_length=255)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    received_at = models.DateTimeField()
    checked_at = models.DateTimeField(null=True)
    problem = models.TextField(blank=True)
    copy = models.ForeignKey(KnownCopy, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        db_table = "copies_webmention"
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="copies_mention_once")
        ]
        indexes = [
            models.Index(fields=["host", "received_at"], name="copies_mention_host"),
            models.Index(fields=["state", "received_at"], name="copies_mention_due"),
        ]


class Mention(models.Model):
    """Something the public did about one of the force's posts — a reply, a quote, a repost
    or a mention — gathered into the incident's inbox: read, marked handled, answered through
    the desk's reply."""

    class Kind(models.TextChoices):
        REPLY = "reply"
        QUOTE = "quote"
        REPOST = "repost"
        MENTION = "mention"

    post = models.ForeignKey("desk.Post", on_delete=models.PROTECT, related_name="mentions")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    url = models.CharField(max_length=2000)
    author = models.CharField(max_length=300, blank=True)
    text = models.TextField(blank=True)  # public words, as the platform showed them
    at = models.DateTimeField()  # when it happened on the platform
    found_at = models.DateTimeField()
    handled_at = models.DateTimeField(null=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        db_table = "copies_mention"
        constraints = [models.UniqueConstraint(fields=["post", "url"], name="copies_mention_url")]
        indexes = [models.Index(fields=["post", "at"], name="copies_mention_at")]


class Sent(models.Model):
    """A Webmention this site owes a page one of its posts links to (W3C Webmention, sending):
    queued when the post is published, corrected or taken down — each change sends again, as
    the spec asks, so the linked page can update or remove what it shows of the post."""

    class State(models.TextChoices):
        PENDING = "pending"
        SENT = "sent"  # the endpoint accepted it
        NO_ENDPOINT = "no-endpoint"  # the page advertises none: nothing to send
        REFUSED = "refused"  # the endpoint answered 4xx
        FAILED = "failed"  # no answer after every attempt

    post = models.ForeignKey("desk.Post", on_delete=models.PROTECT, related_name="+")
    target = models.CharField(max_length=2000)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    due_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    endpoint = models.CharField(max_length=2000, blank=True)
    status = models.PositiveSmallIntegerField(null=True)  # the endpoint's answer
    sent_at = models.DateTimeField(null=True)
    problem = models.TextField(blank=True)

    class Meta:
        db_table = "copies_sent"
        constraints = [models.UniqueConstraint(fields=["post", "target"], name="copies_sent_once")]
        indexes = [models.Index(fields=["state", "due_at"], name="copies_sent_due")]


class Gathering(models.Model):
    """Where the last look at an account's platform for replies, quotes and reposts left off,
    and when to look again: soon while something is happening, less often as it quietens."""

    account = models.OneToOneField(
        "desk.Account", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    cursor = models.CharField(max_length=200, null=True)
    due_at = models.DateTimeField()
    interval = models.PositiveIntegerField(default=300)  # seconds until the next look
    looked_at = models.DateTimeField(null=True)
    reads = models.BigIntegerField(default=0)  # the platform's unit of cost (X: posts read)
    problem = models.TextField(blank=True)

    class Meta:
        db_table = "copies_gathering"


class ArchiveLook(models.Model):
    """When a post's addresses were last looked up in the web archives, and when to look again
    (archives take their snapshots slowly: hours apart, growing while nothing new turns up)."""

    post = models.OneToOneField(
        "desk.Post", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    due_at = models.DateTimeField()
    interval = models.PositiveIntegerField(default=3600)  # seconds until the next look
    looked_at = models.DateTimeField(null=True)
    problem = models.TextField(blank=True)

    class Meta:
        db_table = "copies_archive_look"
