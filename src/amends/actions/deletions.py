"""Deletion as the last resort: a ground from policy, a public explanation, a second person."""

from django.utils import timezone

from amends.actions.base import Action, Forbidden, PolicyViolation
from amends.clock import now
from amends.connectors import rules_for
from amends.delivery import outbox
from amends.desk import policy
from amends.desk.lookups import get, required_text
from amends.desk.models import Deletion, Post
from amends.errors import BadInput, Refused
from amends.record import api as record
from amends.text.render import deletion_notice


def notice_for(post: Post, ground: str, explanation: str, at) -> str:
    zone = timezone.get_default_timezone()
    return deletion_notice(policy.ground_in_words(ground), explanation, at=at, zone=zone)


def _refuse_if_held(post: Post) -> None:
    holds = record.active_holds(post.subject)
    if holds:
        raise PolicyViolation(
            f"post: a hold ({holds[0].reference}) stands on post {post.pk}; nothing about it may "
            "be deleted until the hold is released"
        )


class RequestDeletion(Action):
    roles = ("author", "supervisor")
    verb = "request deletions"

    def __init__(self, actor, *, post, ground: str, explanation: str):
        super().__init__(actor)
        self.post_id, self.ground, self.explanation = post, ground, explanation

    def validate(self):
        if self.ground not in policy.grounds():
            allowed = ", ".join(policy.grounds())
            raise BadInput(
                f"ground: {self.ground!r} is not a ground for deletion; allowed: {allowed}",
                field="ground",
            )
        required_text(self.explanation, "explain", limit=2000)

    def apply(self) -> Deletion:
        post = get(Post, self.post_id, "post")
        if post.deletions.filter(
            status__in=[Deletion.Status.PENDING, Deletion.Status.DONE]
        ).exists():
            raise Refused(f"post: post {post.pk} is already deleted or awaiting approval")
        _refuse_if_held(post)
        if not outbox.delivered_here(post):
            notice = notice_for(post, self.ground, self.explanation, now())
            measure = rules_for(post.account).measure(notice)
            if not measure.fits:
                raise BadInput(
                    f"explain: the public notice would be {measure} on {post.account}; "
                    "shorten the explanation",
                    field="explain",
                )
        deletion = Deletion.objects.create(
            post=post,
            ground=self.ground,
            explanation=self.explanation,
            requested_by=self.actor,
            requested_at=now(),
        )
        record.append(
            "deletion.requested",
            {
                "deletion": deletion.pk,
                "post": post.pk,
                "ground": self.ground,
                "explanation": self.explanation,
            },
            actor=self.actor_name,
            subject=post.subject,
        )
        return deletion


def wording_of(post: Post) -> list[int]:
    """Every record entry holding wording of ``post``: its revisions, and what the watch found
    on the platform when the post was changed outside the desk."""
    from amends.delivery.models import OutsideChange

    found = post.outside_changes.filter(kind=OutsideChange.Kind.CHANGED)
    return [
        *post.revisions.values_list("seq", flat=True),
        *found.values_list("seq", flat=True),
    ]


class _Decide(Action):
    roles = ("supervisor",)

    def __init__(self, actor, *, deletion, reason: str = ""):
        super().__init__(actor)
        self.deletion_id, self.reason = deletion, reason

    def authorize(self):
        super().authorize()
        self.deletion = get(Deletion, self.deletion_id, "deletion")
        if self.deletion.requested_by_id == self.actor.pk:
            raise Forbidden(
                f"as: you requested deletion {self.deletion.pk}; another supervisor must decide it"
            )
        if self.deletion.status != Deletion.Status.PENDING:
            raise Refused(
                f"deletion: deletion {self.deletion.pk} is already {self.deletion.status}"
            )


class ApproveDeletion(_Decide):
    verb = "approve deletions"

    def apply(self) -> Deletion:
        deletion, post = self.deletion, self.deletion.post
        _refuse_if_held(post)
        deletion.status = Deletion.Status.DONE
        deletion.decided_by, deletion.decided_at = self.actor, now()
        deletion.decision_reason = self.reason
        deletion.save()
        data = {"deletion": deletion.pk, "post": post.pk, "ground": deletion.ground}
        record.append("deletion.approved", data, actor=self.actor_name, subject=post.subject)
        record.append(
            "post.deleted",
            {**data, "explanation": deletion.explanation},
            actor=self.actor_name,
            subject=post.subject,
        )
        post.wording = ""
        post.save(update_fields=["wording"])
        record.seal(
            wording_of(post), actor=self.actor_name, reason=f"post deleted: {deletion.ground}"
        )
        outbox.remove(post, notice_for(post, deletion.ground, deletion.explanation, now()))
        self.touch(f"post:{post.pk}", "index", "feed", "corrections")
        return deletion


class RejectDeletion(_Decide):
    verb = "reject deletions"

    def validate(self):
        required_text(self.reason, "reason", limit=2000)

    def apply(self) -> Deletion:
        deletion = self.deletion
        deletion.status = Deletion.Status.REJECTED
        deletion.decided_by, deletion.decided_at = self.actor, now()
        deletion.decision_reason = self.reason
        deletion.save()
        record.append(
            "deletion.rejected",
            {"deletion": deletion.pk, "post": deletion.post_id, "reason": self.reason},
            actor=self.actor_name,
            subject=deletion.post.subject,
        )
        return deletion
