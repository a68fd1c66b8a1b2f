"""One incident, every channel: the same wrong message on other accounts and platforms is
added to the incident, and one correction goes to each post by its platform's strategy."""

from datetime import timedelta

from amends.actions.base import Action, PolicyViolation
from amends.actions.posts import Correct
from amends.desk import incidents as incident_rules
from amends.desk.lookups import get
from amends.desk.models import Incident, Post
from amends.desk.roles import WRITERS
from amends.errors import BadInput, Refused
from amends.record import api as record
from amends.text.similar import NEAR, likeness_of, words

NEARBY = timedelta(days=3)
CANDIDATES = 500  # the force's posts around the first one, newest first, compared at most


def suggestions(incident: Incident, limit: int = 10) -> list[tuple[Post, float]]:
    """The force's other posts made near the same time with near-identical wording, most alike
    first: the channels the same message probably went to."""
    first = incident.post
    taken = {p.pk for p in incident.posts()}
    near = Post.objects.filter(
        kind=Post.Kind.POST,
        created_at__gte=first.created_at - NEARBY,
        created_at__lte=first.created_at + NEARBY,
    ).exclude(pk__in=taken)
    mine = words(first.wording)  # worked out once, not once per post
    # Only the wording of the candidates is read; the few that match are loaded whole.
    alike: dict[int, float] = {}
    for pk, wording in near.order_by("-created_at").values_list("pk", "wording")[:CANDIDATES]:
        score = likeness_of(mine, words(wording)) if wording else 0.0
        if score >= NEAR:
            alike[pk] = score
    best = sorted(alike, key=lambda pk: -alike[pk])[:limit]
    posts = Post.objects.select_related("account").in_bulk(best)
    return [(posts[pk], alike[pk]) for pk in best]


class AddToIncident(Action):
    """Add another channel's post to an incident: the five steps then apply to it too."""

    roles = WRITERS
    verb = "add posts to incidents"

    def __init__(self, actor, *, incident, post):
        super().__init__(actor)
        self.incident_id, self.post_id = incident, post

    def apply(self) -> Incident:
        incident = get(Incident, self.incident_id, "incident")
        post = get(Post, self.post_id, "post")
        if not incident.is_open:
            raise Refused(f"incident: incident {incident.pk} is closed")
        if post.kind != Post.Kind.POST:
            raise BadInput(f"post: post {post.pk} is a {post.kind}; add the post it answers")
        if post in incident.posts():
            raise Refused(f"post: post {post.pk} is already in incident {incident.pk}")
        other = incident_rules.incident_for(post)
        if other is not None and other.is_open and other.pk != incident.pk:
            raise Refused(f"post: post {post.pk} is in incident {other.pk}, still open")
        incident.others.add(post)
        record.append(
            "incident.post_added",
            {"incident": incident.pk, "post": post.pk, "account": str(post.account)},
            actor=self.actor_name,
            subject=f"incident:{incident.pk}",
        )
        return incident


class CorrectEverywhere(Action):
    """One correction, to every post of the incident, each by its platform's strategy. Every
    post's plan is checked first (length, a post taken down): one that cannot take it stops all,
    naming the channel, and nothing is sent."""

    roles = WRITERS
    verb = "correct posts"

    def __init__(self, actor, *, incident, text: str, reason: str, rationale: str = ""):
        super().__init__(actor)
        self.incident_id, self.text, self.reason, self.rationale = (
            incident,
            text,
            reason,
            rationale,
        )
        self.corrections: list[Correct] = []

    def apply(self) -> list:
        incident = get(Incident, self.incident_id, "incident")
        posts = [p for p in incident.posts() if p.removal is None]
        if not posts:
            raise Refused(f"incident: every post of incident {incident.pk} was taken down")
        self.corrections = [
            Correct(
                self.actor, post=p.pk, text=self.text, reason=self.reason, rationale=self.rationale
            )
            for p in posts
            if p.wording != self.text
        ]
        for correction in self.corrections:
            correction.validate()
        revisions = []
        for correction in self.corrections:
            try:
                revisions.append(correction.apply())
            except (BadInput, PolicyViolation) as refusal:
                post = get(Post, correction.post_id, "post")
                raise type(refusal)(
                    f"{refusal.message} (on {post.account}, post {post.pk}; nothing was sent "
                    "anywhere)",
                    field=refusal.field,
                ) from None
            self.pages |= correction.pages
        return revisions
