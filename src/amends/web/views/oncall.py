"""Telling the people on call: one's own channels and a test message, and the rota."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from amends.actions import AddChannel, AddShift, RemoveChannel, RemoveShift, SendTest
from amends.clock import now
from amends.notify.models import Channel, Shift
from amends.web.access import desk_page
from amends.web.forms import perform


def _channels(request) -> dict:
    return {
        "channels": Channel.objects.filter(user=request.user).order_by("pk"),
        "kinds": Channel.Kind.choices,
    }


@desk_page()
@require_http_methods(["GET", "POST"])
def channels(request):
    context = _channels(request)
    if request.method == "GET":
        return render(request, "desk/oncall/channels.html", context)
    action = AddChannel(
        request.user, kind=request.POST.get("kind", ""), address=request.POST.get("address", "")
    )
    return perform(
        request,
        action,
        template="desk/oncall/channels.html",
        context=context,
        done=lambda _: reverse("desk:me-notifications"),
        said=lambda added: (
            gettext("%(channel)s added. Send a test to check it works.")
            % {"channel": gettext(added.get_kind_display())}
        ),
    )


@desk_page()
@require_POST
def remove_channel(request, channel_id: int):
    return perform(
        request,
        RemoveChannel(request.user, channel=channel_id),
        template="desk/oncall/channels.html",
        context=_channels(request),
        done=lambda _: reverse("desk:me-notifications"),
        said=lambda removed: (
            gettext("%(channel)s removed.") % {"channel": gettext(removed.get_kind_display())}
        ),
    )


@desk_page()
@require_POST
def send_test(request):
    sent = SendTest(request.user).run()
    if not sent:
        messages.warning(request, gettext("You have no channels yet: add one first."))
    for n in sent:
        name = gettext(Channel.Kind(n.channel).label)
        if n.ok:
            messages.success(
                request, gettext("%(channel)s: test message sent.") % {"channel": name}
            )
        else:
            messages.error(
                request,
                gettext("%(channel)s: not sent, because %(error)s.")
                % {"channel": name, "error": n.error},
            )
    return redirect(reverse("desk:me-notifications"))


def _rota() -> dict:
    at = now()
    shifts = Shift.objects.filter(ends__gt=at).select_related("user").order_by("starts", "position")
    return {"shifts": shifts, "now": at, "escalate": settings.ESCALATE_MINUTES}


@desk_page("supervisor", "admin")
@require_http_methods(["GET", "POST"])
def rota(request):
    context = _rota()
    if request.method == "GET":
        return render(request, "desk/oncall/rota.html", context)
    try:
        position = int(request.POST.get("position", "1"))
    except ValueError:
        position = 0
    action = AddShift(
        request.user,
        user=request.POST.get("user", ""),
        starts=request.POST.get("from", ""),
        ends=request.POST.get("to", ""),
        position=position,
    )
    return perform(
        request,
        action,
        template="desk/oncall/rota.html",
        context=context,
        done=lambda _: reverse("desk:rota"),
        said=lambda shift: gettext("%(name)s is on the rota.") % {"name": shift.user.username},
    )


@desk_page("supervisor", "admin")
@require_POST
def remove_shift(request, shift_id: int):
    return perform(
        request,
        RemoveShift(request.user, shift=shift_id),
        template="desk/oncall/rota.html",
        context=_rota(),
        done=lambda _: reverse("desk:rota"),
        said=lambda shift: (
            gettext("The shift of %(name)s is removed.") % {"name": shift.user.username}
        ),
    )
