"""Holds and sealed originals: the auditor's actions."""

from amends.actions.base import Action
from amends.desk.lookups import get, required_text
from amends.desk.models import Post
from amends.errors import NotFound
from amends.record import api as record
from amends.record.models import Hold


class PlaceHold(Action):
    roles = ("auditor",)
    verb = "place holds"

    def __init__(self, actor, *, post, reference: str):
        super().__init__(actor)
        self.post_id, self.reference = post, reference

    def validate(self):
        required_text(self.reference, "reference", limit=200)

    def apply(self) -> Hold:
        post = get(Post, self.post_id, "post")
        return record.place_hold(post.subject, reference=self.reference, actor=self.actor_name)


class ReleaseHold(Action):
    roles = ("auditor",)
    verb = "release holds"

    def __init__(self, actor, *, hold):
        super().__init__(actor)
        self.hold_id = hold

    def apply(self) -> Hold:
        hold = get(Hold, self.hold_id, "hold")
        return record.release_hold(hold.pk, actor=self.actor_name)


class Unseal(Action):
    """Read a post's exact original wording. The access is recorded and committed first."""

    roles = ("auditor",)
    verb = "unseal sealed originals"

    def __init__(self, actor, *, post, purpose: str, reference: str):
        super().__init__(actor)
        self.post_id, self.purpose, self.reference = post, purpose, reference

    def validate(self):
        required_text(self.purpose, "purpose", limit=1000)
        required_text(self.reference, "reference", limit=200)

    def apply(self) -> list:
        post = get(Post, self.post_id, "post")
        revisions = list(post.revisions.order_by("n"))
        if not revisions:
            raise NotFound(f"post: post {post.pk} has no wording")
        return revisions

    def after(self, revisions) -> dict[int, str]:
        """Only now, outside any transaction: the access entry is committed before any text
        is read (see record.unseal)."""
        opened = record.unseal(
            [r.seq for r in revisions],
            actor=self.actor_name,
            purpose=self.purpose,
            reference=self.reference,
        )
        return {r.n: opened[r.seq].decode("utf-8") for r in revisions}
