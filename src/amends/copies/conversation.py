"""The conversation about an incident: the public's replies, quotes, reposts and mentions of
its posts, hour by hour, and what the curve says about answering again
(amends.text.conversation)."""

from datetime import UTC, datetime, timedelta

from django.utils.translation import gettext

from amends.clock import now
from amends.copies.models import Mention
from amends.desk.models import Incident, Post, Revision
from amends.text.conversation import Hour, Signal, read

HOUR = timedelta(hours=1)


def posts_of(incident: Incident) -> list[Post]:
    return [incident.post, *incident.others.all()]


def open_incidents_posts() -> set[int]:
    """The ids of every open incident's posts, on every channel: what is watched."""
    ids: set[int] = set()
    for incident in Incident.objects.filter(closed_at__isnull=True).prefetch_related("others"):
        ids.add(incident.post_id)
        ids.update(p.pk for p in incident.others.all())
    return ids


def team_answers(incident: Incident) -> list[datetime]:
    """When the team spoke about it: every response on the incident and every correction."""
    posts = posts_of(incident)
    answers = list(Post.objects.filter(incident=incident).values_list("created_at", flat=True))
    answers += Revision.objects.filter(post__in=posts, n__gt=1).values_list("created_at", flat=True)
    return sorted(answers)


def _hour(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def per_hour(incident: Incident, until: datetime | None = None) -> list[Hour]:
    """Every complete hour from the mistaken post's to the last complete one, with the counts
    (hours with nothing in them included, so that a chart and the signal see the silence)."""
    posts = posts_of(incident)
    end = _hour(until or now())  # the hour still running is left out
    counts: dict[datetime, dict[str, int]] = {}
    found = Mention.objects.filter(post__in=posts, at__lt=end).values_list("kind", "at")
    for kind, at in found:
        counts.setdefault(_hour(at), {}).setdefault(kind, 0)
        counts[_hour(at)][kind] += 1
    # From the post's hour, or the first mention's when the post is older than Amends knows
    # (adopted after it was made in the platform's app).
    start = min([_hour(min(p.created_at for p in posts)), *counts])
    hours, at = [], start
    while at < end and len(hours) < 24 * 60:
        seen = counts.get(at, {})
        hours.append(
            Hour(
                at,
                replies=seen.get("reply", 0),
                quotes=seen.get("quote", 0),
                reposts=seen.get("repost", 0),
                mentions=seen.get("mention", 0),
            )
        )
        at += HOUR
    return hours


def signal(
    incident: Incident, until: datetime | None = None, answers: list[datetime] | None = None
) -> tuple[list[Hour], Signal]:
    """The hours and the signal; ``answers``: the team's answers when the caller has them."""
    hours = per_hour(incident, until)
    return hours, read(hours, team_answers(incident) if answers is None else answers)


def advice(found: Signal, zone=UTC) -> str:
    """What the signal means, in the reader's language."""
    if found.peak is None or found.state == "quiet":
        return gettext("Too little activity to read anything into yet.")
    said = {
        "peak": found.peak.astimezone(zone).strftime("%H:%M"),
        "fallen": f"{found.fallen_by:.0%}",
    }
    if found.state == "falling":
        return (
            gettext(
                "Activity peaked at %(peak)s and has fallen %(fallen)s; replying now is likely "
                "to revive it."
            )
            % said
        )
    if found.state == "revived":
        said["reply"] = (found.revived_after or found.peak).astimezone(zone).strftime("%H:%M")
        return (
            gettext(
                "Activity had fallen from its peak at %(peak)s, and rose again after the reply "
                "at %(reply)s: answering again keeps it going."
            )
            % said
        )
    if found.state == "rising":
        return gettext("Activity is still rising: one clear answer now does more than many later.")
    return (
        gettext("Activity peaked at %(peak)s and is %(fallen)s below it; watch before answering.")
        % said
    )


def as_json(incident: Incident) -> dict:
    """What `amends conversation` and the API answer."""
    hours, found = signal(incident)
    return {
        "incident": incident.pk,
        "per_hour": [
            {
                "hour": h.hour.isoformat().replace("+00:00", "Z"),
                "replies": h.replies,
                "quotes": h.quotes,
                "reposts": h.reposts,
                "mentions": h.mentions,
            }
            for h in hours
        ],
        "peak": found.peak.isoformat().replace("+00:00", "Z") if found.peak else None,
        "fallen_by": found.fallen_by,
        "state": found.state,
        "advice": advice(found),
    }
