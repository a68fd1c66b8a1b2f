"""Approvals: a supervisor decides deletions that someone else requested."""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from amends.actions import ApproveDeletion, RejectDeletion
from amends.desk import policy
from amends.desk.models import Deletion
from amends.errors import BadInput
from amends.web.access import desk_page
from amends.web.forms import perform
from amends.web.pages import history


@desk_page("supervisor")
def index(request):
    pending = (
        Deletion.objects.filter(status=Deletion.Status.PENDING)
        .select_related("post__account", "requested_by")
        .order_by("requested_at")
    )
    decided = (
        Deletion.objects.exclude(status=Deletion.Status.PENDING)
        .select_related("post__account", "requested_by", "decided_by")
        .order_by("-decided_at")[:20]
    )
    return render(request, "desk/approvals/index.html", {"pending": pending, "decided": decided})


@desk_page("supervisor")
@require_http_methods(["GET", "POST"])
def decide(request, deletion_id: int):
    deletion = get_object_or_404(
        Deletion.objects.select_related("post__account", "requested_by", "decided_by"),
        pk=deletion_id,
    )
    context = {
        "deletion": deletion,
        "post": deletion.post,
        "ground_in_words": policy.ground_in_words(deletion.ground),
        "revisions": history(deletion.post),
        "own": deletion.requested_by_id == request.user.pk,
    }
    if request.method == "GET":
        return render(request, "desk/approvals/decide.html", context)
    decision, reason = request.POST.get("decision", ""), request.POST.get("reason", "")
    if decision == "approve":
        action = ApproveDeletion(request.user, deletion=deletion.pk, reason=reason)
    elif decision == "reject":
        action = RejectDeletion(request.user, deletion=deletion.pk, reason=reason)
    else:
        action = _Invalid(f"decision: must be approve or reject (got {decision!r})")
    return perform(
        request,
        action,
        template="desk/approvals/decide.html",
        context=context,
        done=lambda decided: reverse("desk:approvals"),
        said=lambda decided: (
            f"Deletion {decided.pk} approved: post {decided.post_id} is removed and its "
            "notice is public."
            if decided.status == Deletion.Status.DONE
            else f"Deletion {decided.pk} rejected."
        ),
    )


class _Invalid:
    """A form that names no known decision: refused like any bad input, changing nothing."""

    def __init__(self, message: str):
        self.message = message

    def run(self):
        raise BadInput(self.message, field="decision")
