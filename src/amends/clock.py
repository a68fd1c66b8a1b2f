"""The one clock: Django's, in UTC. Tests freeze ``django.utils.timezone.now``; everything that
needs the time asks here, so a frozen clock holds everywhere at once."""

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()
