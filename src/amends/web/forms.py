"""Running an action from a form: the one place where a desk page meets the action layer."""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from amends.errors import AmendsError


def perform(
    request: HttpRequest,
    action,
    *,
    template: str,
    context: dict,
    done: Callable[[object], str],
    said: Callable[[object], str],
) -> HttpResponse:
    """Run ``action``; on success say ``said(result)`` and go to ``done(result)``.

    A refusal shows the same form again with the one-line error beside it, the person's input
    kept, and the status that names the kind of refusal. Nothing was changed.
    """
    try:
        result = action.run()
    except AmendsError as error:
        context = {
            **context,
            "error": error.message,
            "error_field": error.field,
            "form": request.POST,
        }
        return render(request, template, context, status=error.status)
    messages.success(request, said(result))
    return redirect(done(result))


def flag(request: HttpRequest, name: str) -> bool:
    return request.POST.get(name) in ("on", "true", "1", "yes")
