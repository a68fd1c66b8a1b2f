"""One's own API tokens: list, create (the token is shown once), revoke."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from amends.actions import CreateToken, RevokeToken
from amends.actions.tokens import Issued, visible_tokens
from amends.errors import AmendsError
from amends.web import problems
from amends.web.access import desk_page
from amends.web.problems import Problem


def _page(
    request: HttpRequest,
    *,
    issued: Issued | None = None,
    problem: Problem | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "tokens": visible_tokens(request.user),
        "issued": issued,
        "problem": problem,
        "name": request.POST.get("name", "") if problem else "",
        "days": request.POST.get("days", "") if problem else "",
    }
    return render(request, "desk/tokens.html", context, status=status)


@never_cache
@desk_page()
def index(request: HttpRequest) -> HttpResponse:
    return _page(request)


def _days(value: str | None) -> int | str | None:
    """The form's days as a number when it is one; anything else goes to the action to refuse."""
    value = (value or "").strip()
    if not value:
        return None
    return int(value) if value.isascii() and value.isdigit() else value


# never_cache: the page that shows a new token must not be kept by the browser or a proxy.
@never_cache
@desk_page()
@require_POST
def create(request: HttpRequest) -> HttpResponse:
    try:
        issued = CreateToken(
            request.user, name=request.POST.get("name", ""), days=_days(request.POST.get("days"))
        ).run()
    except AmendsError as error:
        found = problems.problem(error, "new-token", ("name", "days"))
        return _page(request, problem=found, status=problems.status(error))
    # Shown in this response only, never kept in the session or a message: a reload loses it.
    return _page(request, issued=issued)


@desk_page()
@require_POST
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        revoked = RevokeToken(request.user, token=token_id).run()
    except AmendsError as error:
        found = problems.problem(error, "tokens", ())
        return _page(request, problem=found, status=problems.status(error))
    messages.success(
        request,
        gettext("Token %(token)s is revoked; it no longer works.") % {"token": revoked.shown},
    )
    return redirect("desk:tokens")
