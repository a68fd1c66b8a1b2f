"""The register of copies: recording a copy found, and that it has gone."""

import re

from django.utils.translation import gettext

from amends.actions.base import Action, PolicyViolation, require_override_reason
from amends.desk.lookups import get, required_text
from amends.desk.models import Post
from amends.errors import BadInput, Refused

WRITERS = ("author", "supervisor", "auditor")


class RecordCopy(Action):
    """A copy of a post found somewhere (a link to it, and which revision it shows). Recorded
    with ``copy.found``; the same place twice is refused."""

    roles = WRITERS
    verb = "record copies of posts"

    def __init__(
        self,
        actor,
        *,
        post,
        url: str,
        found_by: str,
        revision: int | None = None,
        note="",
    ):
        super().__init__(actor)
        self.post_id, self.url, self.found_by = post, url, found_by
        self.revision, self.note = revision, note

    def validate(self):
        from amends.copies.models import KnownCopy

        self.url = required_text(self.url, "url", limit=2000).strip()
        if not re.match(r"^https?://[^\s/]+\S*$", self.url):
            raise BadInput(
                "url: must be a web address starting with https:// or http://",
                field="url",
                said=gettext("Enter the copy's web address, starting with https:// or http://"),
            )
        allowed = KnownCopy.FoundBy.values
        if self.found_by not in allowed:
            raise BadInput(
                f"found_by: must be one of {', '.join(allowed)} (got {self.found_by!r})",
                field="found_by",
            )
        if not isinstance(self.note, str) or len(self.note) > 2000:
            raise BadInput("note: must be at most 2,000 characters", field="note")

    def apply(self):
        from amends.copies import register
        from amends.copies.models import KnownCopy

        post = get(Post, self.post_id, "post")
        latest = post.revisions.order_by("-n").values_list("n", flat=True).first() or 1
        revision = latest if self.revision is None else self.revision
        if not isinstance(revision, int) or not 1 <= revision <= latest:
            raise BadInput(
                f"revision: post {post.pk} has revisions 1 to {latest} (got {revision!r})",
                field="revision",
                said=gettext("Choose a wording the post has had: 1 to %(latest)s.")
                % {"latest": latest},
            )
        if KnownCopy.objects.filter(post=post, url=self.url).exists():
            raise Refused(
                f"url: this copy of post {post.pk} is already recorded",
                field="url",
                said=gettext("That copy of post %(n)s is already in the register.")
                % {"n": post.pk},
            )
        return register.found(
            post,
            url=self.url,
            found_by=self.found_by,
            revision=revision,
            actor=self.actor,
            note=self.note.strip(),
        )


class CopyGone(Action):
    """A copy no longer shows the post (taken down, or changed): ``copy.gone``."""

    roles = WRITERS
    verb = "record copies of posts"

    def __init__(self, actor, *, copy):
        super().__init__(actor)
        self.copy_id = copy

    def apply(self):
        from amends.copies.models import KnownCopy

        copy = get(KnownCopy, self.copy_id, "copy")
        if copy.gone_at is not None:
            raise Refused(
                f"copy: copy {copy.pk} was already recorded as gone",
                field="copy",
                said=gettext("That copy was already recorded as gone."),
            )
        from amends.copies import register

        return register.gone(copy, actor=self.actor)


class NotifyCopy(Action):
    """Tell the place a copy is that the post was put right: a Webmention sent from the post's
    page to a web page; for a quote, repost or reply on a platform, the reply with the
    correction someone made there. Recorded as ``copy.notified`` and counted against the
    incident's response budget, so chasing copies cannot become the endless reply: past the
    budget, or once the incident is closed, refused unless the person insists and says why."""

    roles = ("author", "supervisor")
    verb = "tell the places copies are"

    def __init__(self, actor, *, copy, anyway: bool = False, override_reason: str = ""):
        super().__init__(actor)
        self.copy_id, self.anyway, self.override_reason = copy, anyway, override_reason

    def validate(self):
        require_override_reason(self.anyway, self.override_reason)

    def apply(self):
        from amends.actions.posts import _budget_spent
        from amends.clock import now
        from amends.copies import sending
        from amends.copies.models import KnownCopy
        from amends.copies.register import OFFER
        from amends.desk import incidents as incident_rules
        from amends.record import api as record

        copy = get(KnownCopy, self.copy_id, "copy")
        how = OFFER.get(copy.found_by)
        if how is None:
            raise Refused(
                f"copy: copy {copy.pk} is {copy.found_by!s}: there is no one to tell, and it "
                "keeps what it saw; leave it",
                field="copy",
                said=gettext("There is no one to tell about an archive or a screenshot: leave it."),
            )
        if copy.gone_at is not None:
            raise Refused(
                f"copy: copy {copy.pk} is gone; there is no one to tell",
                field="copy",
                said=gettext("That copy is gone: there is no one to tell."),
            )
        if copy.notified_at is not None:
            raise Refused(
                f"copy: the place copy {copy.pk} is was already told; once is enough",
                field="copy",
                said=gettext("They were already told about the correction: once is enough."),
            )
        incident = incident_rules.incident_for(copy.post)
        insisted = []
        if incident is not None and not incident.is_open:
            insisted.append("closed")
            if not self.anyway:
                raise PolicyViolation(
                    f"copy: incident {incident.pk} is closed; move on rather than chase copies "
                    "(use --anyway if you must; it will be recorded)",
                    said=gettext(
                        "Incident %(n)s is closed: move on rather than chase copies. If you "
                        "must, tick the box below and say why: it is recorded."
                    )
                    % {"n": incident.pk},
                )
        if incident is not None and incident.is_open:
            used = incident_rules.budget_used(incident)
            if used >= incident.budget:
                insisted.append("budget")
                if not self.anyway:
                    raise _budget_spent(incident, used)
        copy.notified_at = now()
        copy.save(update_fields=["notified_at"])
        if how == "webmention":
            sending.owe(copy.post_id, copy.url)
        record.append(
            "copy.notified",
            {
                "post": copy.post_id,
                "copy": copy.pk,
                "url": copy.url,
                "how": how,
                "incident": incident.pk if incident is not None else None,
                "anyway": bool(insisted),
                "overridden": insisted,
                **({"override": self.override_reason} if insisted else {}),
            },
            actor=self.actor_name,
            subject=copy.post.subject,
        )
        return copy


class HandleMention(Action):
    """Mark something the public said about a post as handled (read and dealt with, or left
    alone on purpose): it leaves the incident's inbox of things to look at."""

    roles = ("author", "supervisor")
    verb = "handle the inbox"

    def __init__(self, actor, *, mention):
        super().__init__(actor)
        self.mention_id = mention

    def apply(self):
        from amends.clock import now
        from amends.copies.models import Mention

        mention = get(Mention, self.mention_id, "mention")
        if mention.handled_at is not None:
            raise Refused(
                f"mention: mention {mention.pk} was already handled",
                field="mention",
                said=gettext("That was already marked as handled."),
            )
        mention.handled_at, mention.handled_by = now(), self.actor
        mention.save(update_fields=["handled_at", "handled_by"])
        return mention
