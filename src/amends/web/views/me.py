"""One's own settings: password and second factor. API tokens have their own page."""

from base64 import b32encode

import django_otp
import segno
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from amends.actions import (
    ChangePassword,
    ConfirmSecondFactor,
    EnrolSecondFactor,
    RemoveSecondFactor,
)
from amends.actions.people import pending_device, second_factor
from amends.desk import throttle
from amends.errors import AmendsError
from amends.web import problems
from amends.web.access import desk_page
from amends.web.problems import Problem

PASSWORD_FIELDS = ("current", "new", "again")
REMOVE_FIELDS = ("code", "password")


def _page(request, *, problem: Problem | None = None, status: int = 200) -> HttpResponse:
    context = {"device": second_factor(request.user), "problem": problem}
    return render(request, "desk/auth/me.html", context, status=status)


@never_cache
@desk_page()
def settings_page(request: HttpRequest) -> HttpResponse:
    return _page(request)


@desk_page()
@require_POST
def change_password(request: HttpRequest) -> HttpResponse:
    post = request.POST
    action = ChangePassword(
        request.user,
        current=post.get("current", ""),
        new=post.get("new", ""),
        again=post.get("again", ""),
        address=throttle.address_of(request),
    )
    try:
        user = action.run()
    except AmendsError as error:
        return _page(
            request,
            problem=problems.problem(error, "password", PASSWORD_FIELDS),
            status=problems.status(error),
        )
    # Other sessions end with the old password; this one carries on.
    update_session_auth_hash(request, user)
    messages.success(request, gettext("Your password is changed.") + " " + _ended(action.revoked))
    return redirect("desk:me")


def _ended(revoked: int) -> str:
    if revoked == 0:
        return gettext("Other sessions have been signed out.")
    return ngettext(
        "Other sessions have been signed out and your %(n)s API token has been revoked: create "
        "a new one if you need it.",
        "Other sessions have been signed out and your %(n)s API tokens have been revoked: "
        "create new ones if you need them.",
        revoked,
    ) % {"n": revoked}


def _qr_code(device) -> str:
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=5, title="QR code for your authenticator app", svgclass="qr"
    )
    # segno writes only path data and the fixed title above; nothing from the person.
    return mark_safe(svg)  # noqa: S308


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@never_cache
@desk_page()
def second_factor_page(request: HttpRequest) -> HttpResponse:
    """GET: the set-up in progress (QR code and key). POST: start setting up."""
    if request.method == "POST":
        try:
            EnrolSecondFactor(request.user).run()
        except AmendsError as error:
            return _page(
                request,
                problem=problems.problem(error, "second-factor", ()),
                status=problems.status(error),
            )
        return redirect("desk:me-second-factor")
    device = pending_device(request.user)
    if device is None:
        return redirect("desk:me")
    return _enrol_page(request, device)


def _enrol_page(request, device, *, problem: Problem | None = None, status: int = 200):
    context = {
        "qr": _qr_code(device),
        "secret": _grouped(b32encode(device.bin_key).decode("ascii")),
        "problem": problem,
    }
    return render(request, "desk/auth/enrol.html", context, status=status)


@never_cache
@desk_page()
@require_POST
def confirm_second_factor(request: HttpRequest) -> HttpResponse:
    try:
        device = ConfirmSecondFactor(request.user, code=request.POST.get("code", "")).run()
    except AmendsError as error:
        device = pending_device(request.user)
        if device is None:
            return _page(
                request,
                problem=problems.problem(error, "second-factor", ()),
                status=problems.status(error),
            )
        return _enrol_page(
            request,
            device,
            problem=problems.problem(error, "confirm", ("code",)),
            status=problems.status(error),
        )
    # This session has just proved the code, so it counts as verified with the new device.
    django_otp.login(request, device)
    messages.success(
        request, gettext("Your second factor is on. You will need a code each time you sign in.")
    )
    return redirect("desk:me")


@desk_page()
@require_POST
def remove_second_factor(request: HttpRequest) -> HttpResponse:
    action = RemoveSecondFactor(
        request.user, code=request.POST.get("code", ""), password=request.POST.get("password", "")
    )
    try:
        action.run()
    except AmendsError as error:
        return _page(
            request,
            problem=problems.problem(error, "remove", REMOVE_FIELDS),
            status=problems.status(error),
        )
    messages.success(
        request, gettext("Your second factor is off. Signing in needs only your password.")
    )
    return redirect("desk:me")
