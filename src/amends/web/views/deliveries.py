"""Deliveries to the platforms: every attempt, failures to retry, and changes made outside the
desk to acknowledge."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from amends.actions import ConfirmByHand, RetryDelivery, SeeOutsideChange
from amends.delivery import wording
from amends.delivery.models import Delivery
from amends.desk.roles import roles_of
from amends.errors import AmendsError
from amends.web.access import desk_page, refused
from amends.web.forms import in_words, perform
from amends.web.pages import unseen_changes

STATUSES = [s for s, _ in Delivery.Status.choices]


def can_retry(user) -> bool:
    return bool(roles_of(user) & {"supervisor", "admin"})


@desk_page()
def index(request):
    status = request.GET.get("status", "")
    rows = Delivery.objects.select_related("account").order_by("-pk")
    if status in STATUSES:
        rows = rows.filter(status=status)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    counts = {s: Delivery.objects.filter(status=s).count() for s in STATUSES}
    return render(
        request,
        "desk/deliveries/index.html",
        {
            "page": page,
            "status": status,
            "counts": counts,
            "can_retry": can_retry(request.user),
            "changes": unseen_changes()[:50],
        },
    )


def _detail_context(request, delivery_id: int) -> dict:
    delivery = get_object_or_404(
        Delivery.objects.select_related("account", "post", "after"), pk=delivery_id
    )
    return {
        "delivery": delivery,
        "text": wording.shown(delivery),
        "attempts": delivery.attempts.all(),
        "can_retry": can_retry(request.user),
        "can_confirm": bool(roles_of(request.user) & {"author", "supervisor"}),
        # What was asked of the platform and its own words: supervisors and admins.
        "full": can_retry(request.user),
    }


@desk_page()
def detail(request, delivery_id: int):
    return render(request, "desk/deliveries/detail.html", _detail_context(request, delivery_id))


@desk_page("author", "supervisor")
@require_POST
def done_by_hand(request, delivery_id: int):
    """A person did the step in the platform's app: the delivery is done, with their
    screenshot of it in the record where they give one."""
    picture = request.FILES.get("screenshot")
    action = ConfirmByHand(
        request.user,
        delivery=delivery_id,
        note=request.POST.get("note", "").strip(),
        screenshot=picture.read() if picture else None,
    )
    return perform(
        request,
        action,
        template="desk/deliveries/detail.html",
        context=_detail_context(request, delivery_id),
        done=lambda delivery: reverse("desk:delivery", args=[delivery.pk]),
        said=lambda delivery: (
            gettext("Delivery %(n)s is done. The record keeps who confirmed it.")
            % {"n": delivery.pk}
        ),
    )


def _run(request, action, done: str, said: str):
    from django.contrib import messages

    try:
        action.run()
    except AmendsError as error:
        return refused(request, in_words(error), status=error.status)
    messages.success(request, said)
    return redirect(done)


@desk_page("supervisor", "admin")
@require_POST
def retry(request, delivery_id: int):
    action = RetryDelivery(request.user, delivery=delivery_id)
    return _run(
        request,
        action,
        reverse("desk:delivery", args=[delivery_id]),
        gettext("Delivery %(n)s will be sent again now.") % {"n": delivery_id},
    )


@desk_page("author", "supervisor", "admin")
@require_POST
def seen(request, change_id: int):
    action = SeeOutsideChange(request.user, change=change_id)
    return _run(
        request, action, reverse("desk:today"), "Marked as seen. The record keeps what was found."
    )
