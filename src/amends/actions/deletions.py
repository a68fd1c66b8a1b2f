"""Deletion as the last resort: a ground from policy, a public explanation, a second person."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from amends.actions.base import Action, Forbidden, PolicyViolation
from amends.actions.posts import guard_names
from amends.clock import now
from amends.connectors import rules_for
from amends.copies import sending
from amends.delivery import outbox
from amends.desk import incidents as incident_rules
from amends.desk import policy
from amends.desk.lookups import get, required_text
from amends.desk.models import Deletion, Post
from amends.errors import BadInput, Refused
from amends.notify import api as notify
from amends.notify import events
from amends.record import api as record
from amends.text.render import deletion_notice


def notice_for(post: Post, ground: str, explanation: str, at) -> str:
    """The notice in the post's own language (its ground in Welsh for a Welsh post)."""
    zone = timezone.get_default_timezone()
    language = "cy" if post.language == "cy" else "en"
    words = policy.ground_in(ground, language)
    return deletion_notice(words, explanation, at=at, zone=zone, language=language)


def _refuse_if_held(post: Post) -> None:
    holds = record.active_holds(post.subject)
    if holds:
        raise PolicyViolation(
            f"post: a hold ({holds[0].reference}) stands on post {post.pk}; nothing about it may "
            "be deleted until the hold is released",
            said=gettext(
                "A hold (%(reference)s) stands on post %(n)s. Nothing about it can be deleted "
                "until the hold is released: ask the person who placed it."
            )
            % {"reference": holds[0].reference, "n": post.pk},
        )


class RequestDeletion(Action):
    roles = ("author", "supervisor")
    verb = "request deletions"

    def __init__(
        self,
        actor,
        *,
        post,
        ground: str,
        explanation: str,
        rationale: str,
        everywhere: bool = False,
    ):
        super().__init__(actor)
        self.post_id, self.ground, self.explanation = post, ground, explanation
        self.rationale, self.everywhere = rationale, everywhere

    def validate(self):
        if self.ground not in policy.grounds():
            allowed = ", ".join(policy.grounds())
            raise BadInput(
                f"ground: {self.ground!r} is not a ground for deletion; allowed: {allowed}",
                field="ground",
                said=gettext("Select why the post must come down"),
            )
        required_text(self.explanation, "explain", limit=2000)
        required_text(self.rationale, "rationale", limit=2000)

    def _posts(self) -> list[Post]:
        """The post, and with ``everywhere`` every other channel of its incident that is not
        taken down already: one decision covers them all. Each is checked before any changes."""
        post = get(Post, self.post_id, "post")
        if post.deletions.filter(status=Deletion.Status.DONE).exists():
            raise Refused(
                f"post: post {post.pk} is already deleted",
                said=gettext("Post %(n)s has already been deleted.") % {"n": post.pk},
            )
        posts = [post]
        incident = incident_rules.incident_for(post) if self.everywhere else None
        if incident is not None:
            posts += [p for p in incident.posts() if p.pk != post.pk and p.removal is None]
        for each in posts:
            self._check(each)
        return posts

    def _check(self, post: Post) -> None:
        _refuse_if_held(post)
        # The notice is public: it must not name whom the post identified.
        guard_names(incident_rules.incident_for(post), self.explanation, "explain")
        if not outbox.delivered_here(post):
            notice = notice_for(post, self.ground, self.explanation, now())
            measure = rules_for(post.account).measure(notice)
            if not measure.fits:
                raise BadInput(
                    f"explain: the public notice would be {measure} on {post.account}; "
                    "shorten the explanation",
                    field="explain",
                )

    def apply(self) -> Deletion:
        posts = self._posts()
        for post in posts:
            waiting = post.deletions.filter(status=Deletion.Status.PENDING).first()
            if waiting is not None:
                raise Refused(
                    f"post: deletion {waiting.pk} of post {post.pk} is already awaiting approval",
                    said=gettext(
                        "Post %(n)s is already waiting for a supervisor to approve its deletion."
                    )
                    % {"n": post.pk},
                )
        lead = None
        for post in posts:
            deletion = Deletion.objects.create(
                post=post,
                ground=self.ground,
                explanation=self.explanation,
                rationale=self.rationale,
                requested_by=self.actor,
                requested_at=now(),
                part_of=lead,
            )
            record.append(
                "deletion.requested",
                {
                    "deletion": deletion.pk,
                    "post": post.pk,
                    "ground": self.ground,
                    "explanation": self.explanation,
                    "rationale": self.rationale,
                    **({"part_of": lead.pk} if lead else {}),
                },
                actor=self.actor_name,
                subject=post.subject,
            )
            lead = lead or deletion
        assert lead is not None
        return lead

    def after(self, result: Deletion) -> Deletion:
        events.safely(events.deletion_requested, result)
        return result


def take_down(action: Action, deletion: Deletion) -> None:
    """Remove a post now: its wording sealed, the public notice in its place, the platform
    post deleted. Shared by an approved deletion and an urgent removal."""
    post = deletion.post
    record.append(
        "post.deleted",
        {
            "deletion": deletion.pk,
            "post": post.pk,
            "ground": deletion.ground,
            "explanation": deletion.explanation,
        },
        actor=action.actor_name,
        subject=post.subject,
    )
    post.wording = ""
    post.save(update_fields=["wording"])
    record.seal(
        wording_of(post), actor=action.actor_name, reason=f"post deleted: {deletion.ground}"
    )
    outbox.remove(post, notice_for(post, deletion.ground, deletion.explanation, now()))
    sending.queue([post.pk])  # the pages it linked to hear it is gone (410)
    action.touch(f"post:{post.pk}", "index", "feed", "corrections:all")


class RemoveNow(RequestDeletion):
    """Urgent removal (break-glass): a supervisor takes a post down at once on a policy ground.
    The notice and the platform deletion go out now; a second person reviews the decision
    within ``AMENDS_REVIEW_HOURS``. A deletion request already waiting for the post is
    superseded (withdrawn, and recorded so)."""

    roles = ("supervisor",)
    verb = "remove posts urgently"

    def apply(self) -> Deletion:
        at = now()
        self.superseded: list[Deletion] = []
        lead = None
        for post in self._posts():
            deletion = self._remove(post, at, lead)
            lead = lead or deletion
        assert lead is not None
        return lead

    def _remove(self, post: Post, at, lead: Deletion | None) -> Deletion:
        waiting = post.deletions.filter(status=Deletion.Status.PENDING).first()
        if waiting is not None:
            self.superseded.append(waiting)
            waiting.status = Deletion.Status.WITHDRAWN
            waiting.decided_by, waiting.decided_at = self.actor, at
            waiting.decision_reason = "superseded by an urgent removal"
            waiting.save()
        deletion = Deletion.objects.create(
            post=post,
            ground=self.ground,
            explanation=self.explanation,
            rationale=self.rationale,
            status=Deletion.Status.DONE,
            urgent=True,
            requested_by=self.actor,
            requested_at=at,
            decided_by=self.actor,
            decided_at=at,
            review_due=at + timedelta(hours=settings.REVIEW_HOURS),
            part_of=lead,
        )
        if waiting is not None:
            record.append(
                "deletion.withdrawn",
                {
                    "deletion": waiting.pk,
                    "post": post.pk,
                    "reason": f"superseded by urgent removal {deletion.pk}",
                },
                actor=self.actor_name,
                subject=post.subject,
            )
        record.append(
            "deletion.urgent",
            {
                "deletion": deletion.pk,
                "post": post.pk,
                "ground": self.ground,
                "explanation": self.explanation,
                "rationale": self.rationale,
                "review_due": deletion.review_due.isoformat(),
                **({"part_of": lead.pk} if lead else {}),
            },
            actor=self.actor_name,
            subject=post.subject,
        )
        take_down(self, deletion)
        return deletion

    def after(self, result: Deletion) -> Deletion:
        for waiting in self.superseded:
            notify.settle(f"deletion:{waiting.pk}")
        events.safely(events.removed_urgently, result)
        return result


def wording_of(post: Post) -> list[int]:
    """Every record entry holding wording of ``post``: its revisions, what the watch found on
    the platform when the post was changed outside the desk, and an adopted post's captures."""
    from amends.delivery.models import OutsideChange

    found = post.outside_changes.filter(kind=OutsideChange.Kind.CHANGED)
    # An adopted post's later captures: its wording again, and the platform's answers whole.
    captured = [
        e.seq
        for e in record.entries_about(post.subject)
        if e.kind in ("post.recaptured", "post.captured", "post.signed")
    ]
    return [
        *post.revisions.values_list("seq", flat=True),
        *found.values_list("seq", flat=True),
        *captured,
    ]


def whole_decision(deletion: Deletion) -> Deletion:
    """A deletion that is part of a decision covering every channel is decided, withdrawn and
    reviewed only as that whole decision."""
    if deletion.part_of_id is not None:
        raise Refused(
            f"deletion: deletion {deletion.pk} is part of deletion {deletion.part_of_id}, which "
            "covers every channel of the incident; act on that one",
            field="deletion",
            said=gettext(
                "This deletion is part of deletion %(lead)s, which covers every channel of the "
                "incident. Decide that one instead."
            )
            % {"lead": deletion.part_of_id},
        )
    return deletion


def with_parts(deletion: Deletion) -> list[Deletion]:
    """The deletion and, in the same state, the other channels' deletions it covers."""
    parts = deletion.parts.filter(status=deletion.status).select_related("post").order_by("pk")
    return [deletion, *parts]


class _Decide(Action):
    roles = ("supervisor",)

    def after(self, result: Deletion) -> Deletion:
        notify.settle(f"deletion:{result.pk}")
        return result

    def __init__(self, actor, *, deletion, rationale: str):
        super().__init__(actor)
        self.deletion_id, self.rationale = deletion, rationale

    def validate(self):
        required_text(self.rationale, "rationale", limit=2000)

    def authorize(self):
        super().authorize()
        self.deletion = whole_decision(get(Deletion, self.deletion_id, "deletion"))
        if self.deletion.requested_by_id == self.actor.pk:
            raise Forbidden(
                f"as: you requested deletion {self.deletion.pk}; another supervisor must decide it",
                said=gettext("You asked for this deletion: another supervisor must decide it."),
            )
        if self.deletion.status != Deletion.Status.PENDING:
            raise Refused(
                f"deletion: deletion {self.deletion.pk} is already {self.deletion.status}",
                said=gettext("Deletion %(n)s has already been decided.") % {"n": self.deletion.pk},
            )


class ApproveDeletion(_Decide):
    verb = "approve deletions"

    def apply(self) -> Deletion:
        covered = with_parts(self.deletion)
        for deletion in covered:
            _refuse_if_held(deletion.post)
        for deletion in covered:
            post = deletion.post
            deletion.status = Deletion.Status.DONE
            deletion.decided_by, deletion.decided_at = self.actor, now()
            deletion.decision_reason = self.rationale
            deletion.save()
            record.append(
                "deletion.approved",
                {
                    "deletion": deletion.pk,
                    "post": post.pk,
                    "ground": deletion.ground,
                    "rationale": self.rationale,
                },
                actor=self.actor_name,
                subject=post.subject,
            )
            take_down(self, deletion)
        return self.deletion


class RejectDeletion(_Decide):
    verb = "reject deletions"

    def apply(self) -> Deletion:
        for deletion in with_parts(self.deletion):
            deletion.status = Deletion.Status.REJECTED
            deletion.decided_by, deletion.decided_at = self.actor, now()
            deletion.decision_reason = self.rationale
            deletion.save()
            record.append(
                "deletion.rejected",
                {"deletion": deletion.pk, "post": deletion.post_id, "reason": self.rationale},
                actor=self.actor_name,
                subject=deletion.post.subject,
            )
        return self.deletion


class WithdrawDeletion(Action):
    """The requester takes back a deletion request that is still waiting. (A hold on the post
    is untouched: it still blocks any deletion.)"""

    roles = ("author", "supervisor")
    verb = "withdraw deletion requests"

    def __init__(self, actor, *, deletion):
        super().__init__(actor)
        self.deletion_id = deletion

    def authorize(self):
        super().authorize()
        self.deletion = whole_decision(get(Deletion, self.deletion_id, "deletion"))
        if self.deletion.requested_by_id != self.actor.pk:
            raise Forbidden(
                f"as: only {self.deletion.requested_by.username}, who asked for deletion "
                f"{self.deletion.pk}, may withdraw it; {self.actor.username} may not",
                said=gettext("Only %(name)s, who asked for this deletion, can withdraw it.")
                % {"name": self.deletion.requested_by.username},
            )
        if self.deletion.status != Deletion.Status.PENDING:
            raise Refused(
                f"deletion: deletion {self.deletion.pk} is already {self.deletion.status}",
                said=gettext("Deletion %(n)s has already been decided.") % {"n": self.deletion.pk},
            )

    def apply(self) -> Deletion:
        for deletion in with_parts(self.deletion):
            deletion.status = Deletion.Status.WITHDRAWN
            deletion.decided_by, deletion.decided_at = self.actor, now()
            deletion.save()
            record.append(
                "deletion.withdrawn",
                {"deletion": deletion.pk, "post": deletion.post_id, "reason": "withdrawn"},
                actor=self.actor_name,
                subject=deletion.post.subject,
            )
        return self.deletion

    def after(self, result: Deletion) -> Deletion:
        notify.settle(f"deletion:{result.pk}")
        return result


class ReviewRemoval(Action):
    """A second supervisor reviews an urgent removal: confirms it, or records disagreement
    with a reason. (A removed post stays removed; the disagreement is on the record for the
    team and any complaint.)"""

    roles = ("supervisor",)
    verb = "review urgent removals"
    VERDICTS = {"confirm": Deletion.Review.CONFIRMED, "disagree": Deletion.Review.DISAGREED}

    def __init__(self, actor, *, deletion, verdict: str, rationale: str):
        super().__init__(actor)
        self.deletion_id, self.verdict, self.rationale = deletion, verdict, rationale

    def validate(self):
        if self.verdict not in self.VERDICTS:
            raise BadInput(
                f"verdict: must be confirm or disagree (got {self.verdict!r})",
                field="verdict",
                said=gettext("Select whether you agree the post had to come down"),
            )
        required_text(self.rationale, "rationale", limit=2000)

    def authorize(self):
        super().authorize()
        self.deletion = whole_decision(get(Deletion, self.deletion_id, "deletion"))
        if not self.deletion.urgent:
            raise Refused(
                f"deletion: deletion {self.deletion.pk} was not an urgent removal; "
                "there is nothing to review",
                said=gettext(
                    "Deletion %(n)s was not an urgent removal: there is nothing to review."
                )
                % {"n": self.deletion.pk},
            )
        if self.deletion.decided_by_id == self.actor.pk:
            raise Forbidden(
                f"as: you removed the post in deletion {self.deletion.pk}; another "
                "supervisor must review it",
                said=gettext("You took this post down: another supervisor must review it."),
            )
        if self.deletion.review:
            raise Refused(
                f"deletion: deletion {self.deletion.pk} was already reviewed "
                f"({self.deletion.review})",
                said=gettext("Deletion %(n)s has already been reviewed.") % {"n": self.deletion.pk},
            )

    def apply(self) -> Deletion:
        for deletion in with_parts(self.deletion):
            deletion.review = self.VERDICTS[self.verdict]
            deletion.reviewed_by, deletion.reviewed_at = self.actor, now()
            deletion.review_rationale = self.rationale
            deletion.save()
            record.append(
                "deletion.reviewed",
                {
                    "deletion": deletion.pk,
                    "post": deletion.post_id,
                    "review": deletion.review,
                    "rationale": self.rationale,
                    "late": deletion.review_due is not None
                    and deletion.reviewed_at > deletion.review_due,
                },
                actor=self.actor_name,
                subject=deletion.post.subject,
            )
        return self.deletion

    def after(self, result: Deletion) -> Deletion:
        notify.settle(f"review:{result.pk}")
        notify.settle(f"overdue:{result.pk}")
        return result
