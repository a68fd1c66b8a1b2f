"""The kill switch: pause all sending to every platform, and resume it."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from amends.actions import PauseSending, ResumeSending
from amends.delivery.models import Delivery, Pause
from amends.web.access import desk_page
from amends.web.forms import perform


@desk_page("supervisor", "admin")
@require_http_methods(["GET", "POST"])
def sending(request):
    context = {
        "standing": Pause.standing(),
        "waiting": Delivery.objects.filter(
            status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING]
        ).count(),
    }
    if request.method == "GET":
        return render(request, "desk/sending.html", context)
    if request.POST.get("resume") == "1":
        action = ResumeSending(request.user)
        said = gettext("Sending resumed: what waited is being sent.")
    else:
        action = PauseSending(request.user, reason=request.POST.get("reason", ""))
        said = gettext("All sending is paused. Nothing goes to any platform until someone resumes.")
    return perform(
        request,
        action,
        template="desk/sending.html",
        context=context,
        done=lambda _: reverse("desk:today"),
        said=lambda _: said,
    )
