"""Approvals: a supervisor decides deletions that someone else requested."""

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from amends.actions import ApproveDeletion, RejectDeletion, ReviewRemoval, WithdrawDeletion
from amends.clock import now
from amends.desk import policy
from amends.desk.models import Deletion
from amends.desk.roles import roles_of
from amends.errors import BadInput
from amends.web.access import desk_page
from amends.web.forms import perform
from amends.web.pages import awaiting_review, history


@desk_page("supervisor")
def index(request):
    pending = (
        Deletion.objects.filter(status=Deletion.Status.PENDING, part_of=None)
        .select_related("post__account", "requested_by")
        .prefetch_related("parts__post__account")
        .order_by("requested_at")
    )
    decided = (
        Deletion.objects.exclude(status=Deletion.Status.PENDING)
        .filter(part_of=None)
        .select_related("post__account", "requested_by", "decided_by", "reviewed_by")
        .order_by("-decided_at")[:20]
    )
    context = {"pending": pending, "decided": decided, "reviews": awaiting_review()}
    return render(request, "desk/approvals/index.html", context)


@desk_page("author", "supervisor")
@require_http_methods(["GET", "POST"])
def decide(request, deletion_id: int):
    """A deletion: its decision (supervisors), its withdrawal (the requester), the review of an
    urgent removal (another supervisor)."""
    deletion = get_object_or_404(
        Deletion.objects.select_related(
            "post__account", "requested_by", "decided_by", "reviewed_by"
        ),
        pk=deletion_id,
    )
    if deletion.part_of_id is not None:  # decided only as the whole decision it is part of
        return redirect("desk:decide", deletion_id=deletion.part_of_id)
    context = {
        "deletion": deletion,
        "parts": deletion.parts.select_related("post__account").order_by("pk"),
        "post": deletion.post,
        "ground_in_words": policy.ground_in_words(deletion.ground),
        "revisions": history(deletion.post),
        "own": deletion.requested_by_id == request.user.pk,
        "overdue": deletion.review_overdue(now()),
    }
    if request.method == "GET":
        return render(request, "desk/approvals/decide.html", context)
    decision, rationale = request.POST.get("decision", ""), request.POST.get("rationale", "")
    if decision == "approve":
        action = ApproveDeletion(request.user, deletion=deletion.pk, rationale=rationale)
    elif decision == "reject":
        action = RejectDeletion(request.user, deletion=deletion.pk, rationale=rationale)
    elif decision in ("confirm", "disagree"):
        action = ReviewRemoval(
            request.user, deletion=deletion.pk, verdict=decision, rationale=rationale
        )
    elif decision == "withdraw":
        action = WithdrawDeletion(request.user, deletion=deletion.pk)
    else:
        action = _Invalid(
            f"decision: must be approve, reject, confirm, disagree or withdraw (got {decision!r})"
        )
    return perform(
        request,
        action,
        template="desk/approvals/decide.html",
        context=context,
        done=lambda decided: (
            reverse("desk:approvals")
            if "supervisor" in roles_of(request.user)
            else reverse("desk:post", args=[decided.post_id])
        ),
        said=_said,
    )


def _said(decided: Deletion) -> str:
    if decided.review:
        return gettext("Urgent removal %(n)s reviewed: %(review)s.") % {
            "n": decided.pk,
            "review": gettext(decided.review),
        }
    if decided.status == Deletion.Status.DONE:
        return gettext(
            "Deletion %(n)s approved: post %(post)s is removed and its notice is public."
        ) % {"n": decided.pk, "post": decided.post_id}
    return gettext("Deletion %(n)s %(status)s.") % {
        "n": decided.pk,
        "status": gettext(decided.status),
    }


class _Invalid:
    """A form that names no known decision: refused like any bad input, changing nothing."""

    def __init__(self, message: str):
        self.message = message

    def run(self):
        raise BadInput(self.message, field="decision")
