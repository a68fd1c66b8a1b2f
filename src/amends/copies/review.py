"""The incident review: what a comms lead takes to the weekly review — how fast the force
apologised, corrected and took down; how much of the response budget it used; how the public's
conversation rose and fell around the team's answers; and every copy found, with what was done
about it. Read-only; drawn as a desk page (HTML) and a PDF (amends.copies.review_pdf)."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils.translation import gettext

from amends.copies.conversation import advice, posts_of, signal, team_answers
from amends.copies.models import KnownCopy, Mention
from amends.desk import incidents as rules
from amends.desk.models import Deletion, Incident
from amends.text.conversation import Hour


@dataclass(frozen=True)
class CopyDone:
    post: int
    url: str
    found_by: str
    revision: int
    found_at: datetime
    shows_error: bool
    done: str  # what was done about it, in words


@dataclass
class Review:
    incident: Incident
    made_at: datetime  # when the post went out
    to_apology: timedelta | None
    to_correction: timedelta | None
    to_removal: timedelta | None
    used: int
    budget: int
    hours: list[Hour]
    answers: list[datetime]
    peak: datetime | None
    fallen_by: float
    state: str
    advice: str
    mentions: int
    handled: int
    copies: list[CopyDone] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(h.total for h in self.hours)

    @property
    def busiest(self) -> int:
        return max((h.total for h in self.hours), default=0)


def _done(copy: KnownCopy) -> str:
    if copy.gone_at is not None:
        return gettext("gone")
    if copy.notified_at is not None:
        if copy.found_by in ("webmention", "pingback", "text"):
            return gettext("told with a Webmention")
        return gettext("answered beside it")
    if copy.found_by in ("archive", "screenshot"):
        return gettext("left alone: nothing to tell")
    return gettext("nothing yet")


def review(incident: Incident, zone=None) -> Review:
    from django.utils import timezone

    zone = zone or timezone.get_default_timezone()
    posts = posts_of(incident)
    made = min(p.created_at for p in posts)
    found = rules.progress([incident])[incident.pk]
    answers = team_answers(incident)
    hours, reading = signal(incident, answers=answers)
    removed = (
        Deletion.objects.filter(
            post__in=posts, status=Deletion.Status.DONE, decided_at__isnull=False
        )
        .order_by("decided_at")
        .values_list("decided_at", flat=True)
        .first()
    )
    latest = {p.pk: p.revisions.count() for p in posts}
    gone_posts = {p.pk for p in posts if p.status == "deleted"}
    copies = [
        CopyDone(
            post=c.post_id,
            url=c.url,
            found_by=c.found_by,
            revision=c.revision,
            found_at=c.found_at,
            shows_error=c.gone_at is None
            and (c.revision < latest[c.post_id] or c.post_id in gone_posts),
            done=_done(c),
        )
        for c in KnownCopy.objects.filter(post__in=posts).order_by("found_at", "pk")
    ]
    inbox = Mention.objects.filter(post__in=posts)
    return Review(
        incident=incident,
        made_at=made,
        to_apology=found.first_apology - made if found.first_apology else None,
        to_correction=found.first_correction - made if found.first_correction else None,
        to_removal=removed - made if removed else None,
        used=found.used,
        budget=incident.budget,
        hours=hours,
        answers=answers,
        peak=reading.peak,
        fallen_by=reading.fallen_by,
        state=reading.state,
        advice=advice(reading, zone),
        mentions=inbox.count(),
        handled=inbox.filter(handled_at__isnull=False).count(),
        copies=copies,
    )


def took(span: timedelta | None) -> str:
    """A time taken, in words: "2 h 5 min", "40 min", or "not done"."""
    if span is None:
        return gettext("not done")
    minutes = max(0, round(span.total_seconds() / 60))
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    parts = [gettext("%(n)s d") % {"n": days}] if days else []
    parts += [gettext("%(n)s h") % {"n": hours}] if hours else []
    parts += [gettext("%(n)s min") % {"n": minutes}] if minutes or not parts else []
    return " ".join(parts)
