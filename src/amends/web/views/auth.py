"""Signing in and out of the desk, with the second factor where a person has one.

Every password check is counted per name and per address (amends.desk.throttle): after a few
failures each further try must wait longer, up to a cap, and the page says how long. Nobody is
ever locked out for longer than that. A person with a second factor is not signed in by the password
alone: the session remembers them as *pending* for five minutes, until a code from their app
completes the sign-in. Django gives the session a new key when it does.
"""

import time

import django_otp
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from amends.actions.people import Throttled, second_factor, verify_code
from amends.desk import throttle
from amends.errors import AmendsError
from amends.web.problems import Problem, problem

PENDING = "amends_sign_in_pending"
PENDING_SECONDS = 5 * 60
HOME = "/desk/"


def safe_next(request: HttpRequest, url: str | None) -> str:
    """Where to go after signing in: ``url`` if it is a desk page on this site, else Today."""
    if (
        url
        and url.startswith(HOME)
        and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return url
    return HOME


@never_cache
def sign_in(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.method != "POST":
        if request.user.is_authenticated:
            return redirect(next_url)
        return _sign_in_page(request, next_url)
    username = request.POST.get("username", "")[:200]
    address = throttle.address_of(request)
    allowed, wait = throttle.attempt(username, address)
    if not allowed:
        return _slowed(request, next_url, username, wait)
    user = authenticate(request, username=username, password=request.POST.get("password", ""))
    if user is None:
        # One message for an unknown name, a wrong password and a deactivated person, so the
        # page never tells anyone which names exist.
        text = gettext("The name or password is wrong.")
        if wait:
            text += " " + gettext("Wait %(wait)s before you try again.") % {
                "wait": throttle.say_wait(wait)
            }
        wrong = Problem("sign-in", None, text)
        return _sign_in_page(request, next_url, wrong=wrong, username=username, status=400)
    throttle.succeeded(username, address)
    if second_factor(user) is None:
        login(request, user)
        return redirect(next_url)
    request.session[PENDING] = {
        "user": user.pk,
        "at": time.time(),
        "next": next_url,
        "backend": user.backend,
    }
    return redirect("desk:sign-in-code")


def _slowed(request, next_url, username: str, wait: int) -> HttpResponse:
    """Too many failures for this name or from this address: say how long to wait, and how to
    get in if the password is lost. The password was not checked."""
    text = gettext(
        "There have been too many failed attempts to sign in with this name or from your "
        "network. Wait %(wait)s, then try again. If you have forgotten your password, ask an "
        "admin to set a new one."
    ) % {"wait": throttle.say_wait(wait)}
    page = _sign_in_page(
        request, next_url, wrong=Problem("sign-in", None, text), username=username, status=429
    )
    page["Retry-After"] = str(wait)
    return page


def _sign_in_page(request, next_url, *, wrong=None, username="", status=200) -> HttpResponse:
    from django.conf import settings

    from amends.web import oidc

    provider = settings.OIDC_NAME if oidc.enabled() else None
    context = {"next": next_url, "problem": wrong, "username": username, "provider": provider}
    return render(request, "desk/auth/sign_in.html", context, status=status)


def _pending(request: HttpRequest) -> tuple[User | None, dict]:
    """The person half-way through signing in, if the pending sign-in is still fresh."""
    pending = request.session.get(PENDING)
    if not pending:
        return None, {}
    if time.time() - pending["at"] > PENDING_SECONDS:
        del request.session[PENDING]
        messages.error(
            request, gettext("That sign-in took longer than 5 minutes. Please sign in again.")
        )
        return None, {}
    return User.objects.filter(pk=pending["user"], is_active=True).first(), pending


@never_cache
def sign_in_code(request: HttpRequest) -> HttpResponse:
    user, pending = _pending(request)
    device = second_factor(user) if user else None
    if device is None:
        request.session.pop(PENDING, None)
        return redirect("desk:sign-in")
    if request.method != "POST":
        return render(request, "desk/auth/code.html", {})
    try:
        verify_code(device, request.POST.get("code", ""))
    except AmendsError as error:
        status = 429 if isinstance(error, Throttled) else 400
        context = {"problem": problem(error, "code", ("code",))}
        return render(request, "desk/auth/code.html", context, status=status)
    del request.session[PENDING]
    login(request, user, backend=pending["backend"])
    django_otp.login(request, device)
    return redirect(pending["next"])


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, gettext("You have signed out."))
    return redirect("desk:sign-in")
