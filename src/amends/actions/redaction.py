"""Harmful content: the names a case officer protects, and the redacted version of a post
taken down, published without the words that were removed."""

from django.utils.translation import gettext

from amends.actions.base import Action, PolicyViolation
from amends.actions.posts import guard_tone, publish_post
from amends.connectors import rules_for
from amends.desk import incidents as incident_rules
from amends.desk.lookups import get, required_text
from amends.desk.models import Incident, Post
from amends.desk.roles import WRITERS
from amends.errors import BadInput, Refused
from amends.record import api as record
from amends.text import personal

MAX_NAMES = 50


def _what(kind: str) -> str:
    """What a finding of personal details is, in the page's language."""
    return {
        "phone": gettext("a phone number"),
        "address": gettext("a home address"),
        "vehicle": gettext("a vehicle registration"),
        "email": gettext("an email address"),
        "birth": gettext("a date of birth"),
    }.get(kind, gettext("a protected name"))


class ProtectNames(Action):
    """Set an incident's protected names (a victim, a witness, a child). They are stored
    encrypted, never shown or recorded (the record says only how many there are), and nothing
    about the incident is published with one of them in it."""

    roles = ("author", "supervisor")
    verb = "protect names"

    def __init__(self, actor, *, incident, names: list[str]):
        super().__init__(actor)
        self.incident_id = incident
        self.names = names

    def validate(self):
        if not isinstance(self.names, list) or len(self.names) > MAX_NAMES:
            raise BadInput(f"names: give up to {MAX_NAMES} names", field="names")
        cleaned = []
        for name in self.names:
            if not isinstance(name, str):
                raise BadInput("names: each name must be text", field="names")
            if not name.strip():
                continue
            required_text(name.strip(), "names", limit=200)
            if "\n" in name:
                raise BadInput(
                    "names: one name per line",
                    field="names",
                    said=gettext("Enter one protected name on each line"),
                )
            if name.strip() not in cleaned:
                cleaned.append(name.strip())
        self.names = cleaned

    def apply(self) -> Incident:
        incident = get(Incident, self.incident_id, "incident")
        incident.protect(self.names)
        incident.save(update_fields=["protected"])
        record.append(
            "incident.names_protected",
            {"incident": incident.pk, "count": len(self.names)},
            actor=self.actor_name,
            subject=f"incident:{incident.pk}",
        )
        return incident


class PublishRedacted(Action):
    """Publish a redacted version of a post taken down for harmful content: a new post, with
    what had to go replaced by "[name removed]" and the like. It never shows the old wording
    (no strike-through, no quote): the exact original stays sealed in the record. A protected
    name or anything that looks like personal data is refused."""

    roles = WRITERS
    verb = "publish redacted versions"

    def __init__(self, actor, *, post, text: str, reason: str):
        super().__init__(actor)
        self.post_id, self.text, self.reason = post, text, reason

    def validate(self):
        required_text(self.text, "text")
        required_text(self.reason, "reason", limit=2000)

    def apply(self) -> Post:
        post = get(Post, self.post_id, "post")
        incident = incident_rules.incident_for(post)
        if incident is None or incident.kind != Incident.Kind.HARMFUL:
            raise Refused(
                f"post: a redacted version is for a post taken down for harmful content; "
                f"correct post {post.pk} visibly instead",
                said=gettext(
                    "A redacted version is only for a post taken down for harmful content. "
                    "Correct this post visibly instead."
                ),
            )
        if post.removal is None:
            raise Refused(
                f"post: post {post.pk} is still up; take it down first, then publish the "
                "redacted version",
                said=gettext(
                    "Post %(n)s is still up. Take it down first, then publish the redacted version."
                )
                % {"n": post.pk},
            )
        if post.redactions.exists():
            raise Refused(
                f"post: post {post.pk} already has a redacted version",
                said=gettext("Post %(n)s already has a redacted version.") % {"n": post.pk},
            )
        for words, field in ((self.text, "text"), (self.reason, "reason")):
            found = personal.find(words, protected=incident.protected_names())
            if found:
                what = (
                    "a protected name" if found[0].kind == "name" else personal.KINDS[found[0].kind]
                )
                raise PolicyViolation(
                    f"{field}: it still contains what looks like {what}; replace it with "
                    "[name removed] or [details removed]",
                    field=field,
                    said=gettext(
                        "This still contains what looks like %(what)s. Replace it with "
                        "[name removed] or [details removed]."
                    )
                    % {"what": _what(found[0].kind)},
                )
        guard_tone(incident, self.text, False)
        measure = rules_for(post.account).measure(self.text)
        if not measure.fits:
            raise BadInput(f"text: is {measure} on {post.account}; shorten it", field="text")
        published = publish_post(
            self,
            post.account,
            self.text,
            kind=Post.Kind.POST,
            data={"redacts": post.pk, "reason": self.reason},
            redacts=post,
            incident=incident,
        )
        self.touch(f"post:{post.pk}")  # the notice links to the redacted version
        return published
