"""The register of copies: recording a copy found, and that it has gone."""

import re

from amends.actions.base import Action
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
                "url: must be a web address starting with https:// or http://", field="url"
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
            )
        if KnownCopy.objects.filter(post=post, url=self.url).exists():
            raise Refused(f"url: this copy of post {post.pk} is already recorded", field="url")
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
            raise Refused(f"copy: copy {copy.pk} was already recorded as gone", field="copy")
        from amends.copies import register

        return register.gone(copy, actor=self.actor)
