"""Who may see which desk page, and how an action's refusal is shown."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from amends.desk.roles import STAFF, roles_of

ROLE_NAMES = {
    "author": _("authors"),
    "supervisor": _("supervisors"),
    "auditor": _("auditors"),
    "admin": _("admins"),
}


def desk_page(*roles: str) -> Callable:
    """Only signed-in staff with one of ``roles`` (any staff role when none are given).

    An anonymous visitor is sent to sign in and brought back; a signed-in person without the
    role gets a 403 page that says who the page is for.
    """
    allowed = roles or STAFF

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            user = request.user
            if not user.is_authenticated or not user.is_active:
                return redirect_to_login(request.get_full_path())
            if not roles_of(user) & set(allowed):
                who = gettext(" and ").join(str(ROLE_NAMES[r]) for r in allowed)
                return refused(
                    request, gettext("This page is for %(who)s.") % {"who": who}, status=403
                )
            return view(request, *args, **kwargs)

        wrapper.desk_roles = allowed
        return wrapper

    return decorate


def refused(request: HttpRequest, message: str, *, status: int) -> HttpResponse:
    return render(request, "desk/refused.html", {"message": message}, status=status)
