"""Who is told what, how, and when someone acted."""

from django.conf import settings
from django.db import models


class Channel(models.Model):
    """One way a person is told: an email address, or a Teams or Slack webhook."""

    class Kind(models.TextChoices):
        EMAIL = "email", "Email"
        TEAMS = "teams", "Microsoft Teams"
        SLACK = "slack", "Slack"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="channels"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    address = models.CharField(max_length=2000)
    added_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "address"], name="notify_one_channel")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.user.username}"

    @property
    def shown(self) -> str:
        """The address as the desk shows it: a webhook URL is a secret, so only its host."""
        if self.kind == self.Kind.EMAIL:
            return self.address
        from urllib.parse import urlsplit

        return f"{urlsplit(self.address).hostname} (webhook)"


class Shift(models.Model):
    """Someone on call from ``starts`` to ``ends``; ``position`` orders who is told first."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    starts = models.DateTimeField()
    ends = models.DateTimeField()
    position = models.PositiveSmallIntegerField(default=1)

    def __str__(self) -> str:
        return f"{self.user.username} on call {self.starts:%d %b %H:%M}–{self.ends:%d %b %H:%M}"


class Alert(models.Model):
    """Something someone must act on. ``level`` is how far it has escalated: the people at
    each level are told once. ``summary`` never holds sealed text."""

    event = models.CharField(max_length=32)
    key = models.CharField(max_length=200, db_index=True)
    summary = models.TextField()
    path = models.CharField(max_length=500)
    raised_at = models.DateTimeField()
    level = models.PositiveSmallIntegerField(default=0)
    escalated_at = models.DateTimeField()
    settled_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"alert {self.pk} ({self.event})"


class Notification(models.Model):
    """One message sent (or tried) to one person on one channel."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, null=True, related_name="sent")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=8)
    sent_at = models.DateTimeField()
    ok = models.BooleanField()
    error = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"notification {self.pk} to {self.user_id} by {self.channel}"
