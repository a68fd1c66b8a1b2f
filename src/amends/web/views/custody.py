"""The auditor's desk: sealed originals (every access recorded first) and holds."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from amends.actions import PlaceHold, ReleaseHold, Unseal
from amends.desk.models import Deletion, Post
from amends.errors import AmendsError
from amends.record import api as record
from amends.record.models import Hold
from amends.web.access import desk_page
from amends.web.forms import in_words, perform


def accesses(limit: int = 200) -> list[record.Leaf]:
    """Every recorded access to sealed content, newest first."""
    return record.latest_of_kind("content.accessed", limit)


@desk_page("auditor")
def sealed(request):
    removed = (
        Deletion.objects.filter(status=Deletion.Status.DONE)
        .select_related("post__account", "decided_by")
        .order_by("-decided_at")
    )
    page = Paginator(removed, 50).get_page(request.GET.get("page"))
    return render(request, "desk/custody/sealed.html", {"page": page, "accesses": accesses()})


@desk_page("auditor")
@require_http_methods(["GET", "POST"])
def unseal(request, post_id: int):
    post = get_object_or_404(Post.objects.select_related("account"), pk=post_id)
    context = {"post": post}
    if request.method == "GET":
        return render(request, "desk/custody/unseal.html", context)
    action = Unseal(
        request.user,
        post=post.pk,
        purpose=request.POST.get("purpose", ""),
        reference=request.POST.get("reference", ""),
    )
    try:
        wording = action.run()
    except AmendsError as error:
        context |= {"error": in_words(error), "error_field": error.field, "form": request.POST}
        return render(request, "desk/custody/unseal.html", context, status=error.status)
    context["wording"] = sorted(wording.items())
    context["purpose"], context["reference"] = action.purpose, action.reference
    response = render(request, "desk/custody/unsealed.html", context)
    # The exact wording of a sealed post must not linger in any cache.
    response["Cache-Control"] = "no-store"
    return response


@desk_page("auditor")
@require_http_methods(["GET", "POST"])
def holds(request):
    context = {
        "holds": Hold.objects.filter(released_seq__isnull=True).order_by("-placed_seq"),
        "released": Hold.objects.filter(released_seq__isnull=False).order_by("-released_seq")[:50],
        "post_id": request.GET.get("post", ""),
    }
    if request.method == "GET":
        return render(request, "desk/custody/holds.html", context)
    action = PlaceHold(
        request.user,
        post=request.POST.get("post", ""),
        reference=request.POST.get("reference", ""),
    )
    return perform(
        request,
        action,
        template="desk/custody/holds.html",
        context=context,
        done=lambda hold: reverse("desk:holds"),
        said=lambda hold: (
            gettext("Hold %(reference)s placed on %(subject)s.")
            % {"reference": hold.reference, "subject": hold.subject}
        ),
    )


@desk_page("auditor")
@require_POST
def release(request, hold_id: int):
    context = {
        "holds": Hold.objects.filter(released_seq__isnull=True).order_by("-placed_seq"),
        "released": Hold.objects.filter(released_seq__isnull=False).order_by("-released_seq")[:50],
    }
    return perform(
        request,
        ReleaseHold(request.user, hold=hold_id),
        template="desk/custody/holds.html",
        context=context,
        done=lambda hold: reverse("desk:holds"),
        said=lambda hold: (
            gettext("Hold %(reference)s on %(subject)s released.")
            % {"reference": hold.reference, "subject": hold.subject}
        ),
    )
