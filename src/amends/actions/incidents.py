"""Opening and closing incidents."""

from amends.actions.base import Action
from amends.actions.posts import publish_post
from amends.clock import now
from amends.desk import policy
from amends.desk.lookups import get, required_text
from amends.desk.models import Incident, Post
from amends.errors import BadInput, Refused
from amends.record import api as record


class OpenIncident(Action):
    roles = ("author", "supervisor")
    verb = "open incidents"

    def __init__(self, actor, *, post, kind: str, severity: str, summary: str):
        super().__init__(actor)
        self.post_id, self.kind, self.severity, self.summary = post, kind, severity, summary

    def validate(self):
        if self.kind not in Incident.Kind.values:
            allowed = "|".join(Incident.Kind.values)
            raise BadInput(f"kind: must be {allowed} (got {self.kind!r})", field="kind")
        if self.severity not in Incident.Severity.values:
            allowed = "|".join(Incident.Severity.values)
            raise BadInput(f"severity: must be {allowed} (got {self.severity!r})", field="severity")
        required_text(self.summary, "summary", limit=2000)

    def apply(self) -> Incident:
        post = get(Post, self.post_id, "post")
        if post.kind != Post.Kind.POST:
            raise BadInput(f"post: post {post.pk} is a {post.kind}; open the incident on the post")
        if post.incidents.filter(closed_at__isnull=True).exists():
            raise Refused(f"post: post {post.pk} already has an open incident")
        incident = Incident.objects.create(
            post=post,
            kind=self.kind,
            severity=self.severity,
            summary=self.summary,
            budget=policy.budget(self.severity),
            opened_by=self.actor,
            opened_at=now(),
        )
        record.append(
            "incident.opened",
            {
                "incident": incident.pk,
                "post": post.pk,
                "kind": self.kind,
                "severity": self.severity,
                "summary": self.summary,
                "budget": incident.budget,
            },
            actor=self.actor_name,
            subject=f"incident:{incident.pk}",
        )
        return incident


class CloseIncident(Action):
    """Move on: close the incident with a final statement on the post's channel."""

    roles = ("supervisor",)
    verb = "close incidents"

    def __init__(self, actor, *, incident, statement: str):
        super().__init__(actor)
        self.incident_id, self.statement = incident, statement

    def validate(self):
        required_text(self.statement, "statement")

    def apply(self) -> Incident:
        incident = get(Incident, self.incident_id, "incident")
        if not incident.is_open:
            raise Refused(f"incident: incident {incident.pk} is already closed")
        statement = publish_post(
            self,
            incident.post.account,
            self.statement,
            kind=Post.Kind.STATEMENT,
            data={"in_reply_to": incident.post_id, "incident": incident.pk},
            in_reply_to=incident.post,
            incident=incident,
        )
        incident.closed_by, incident.closed_at, incident.statement = self.actor, now(), statement
        incident.save()
        record.append(
            "incident.closed",
            {"incident": incident.pk, "post": incident.post_id, "statement": statement.pk},
            actor=self.actor_name,
            subject=f"incident:{incident.pk}",
        )
        return incident
