"""Running an action from a form: the one place where a desk page meets the action layer."""

import re
from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

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

    A form sent with its Preview button shows the same page again, checked, and runs nothing.
    A refusal shows the same form again with the one-line error beside it, the person's input
    kept, and the status that names the kind of refusal. Nothing was changed.
    """
    if request.POST.get("preview"):
        # "Check before you publish", without JavaScript: the same page, the person's words
        # kept and checked, nothing published.
        return render(request, template, {**context, "form": request.POST, "checked": True})
    try:
        result = action.run()
    except AmendsError as error:
        context = {
            **context,
            "error": in_words(error),
            "error_field": error.field,
            # The error summary links to the box to put right, where the forms name it alike.
            "error_target": FIELD_IDS.get(error.field or ""),
            "form": request.POST,
        }
        return render(request, template, context, status=error.status)
    messages.success(request, said(result))
    return redirect(done(result))


# The boxes the composers and decision forms share, by the field an action names.
FIELD_IDS = {
    "text": "text",
    "reason": "reason",
    "rationale": "rationale",
    "explain": "explanation",
    "statement": "statement",
    "twin_text": "twin_text",
    "twin_account": "twin_account",
    "account": "account",
    # Opening an incident: a choice left unmade links to its first option.
    "kind": "kind-fact",
    "severity": "severity-minor",
    "summary": "summary",
}
PREFIX = re.compile(r"^([a-z_]+): ")
# What a page calls the input a message is about, where the message does not say it itself.
LABELS = {
    "text": "The wording",
    "twin_text": "The wording in the other language",
    "twin_account": "The account for the other language",
    "reason": "The reason",
    "rationale": "Why you decided this",
    "explain": "The public explanation",
    "explanation": "The public explanation",
    "summary": "The description",
    "statement": "The final statement",
    "ground": "The ground",
    "kind": "What went wrong",
    "severity": "How serious it is",
    "names": "Each protected name",
    "address": "The address",
    "url": "The site's address",
    "decision": "The decision",
    "purpose": "The purpose",
    "reference": "The reference",
    "verdict": "The review",
    "user": "The user name",
    "from": "The start",
    "to": "The end",
    "position": "The order",
}
BARE = ("must ", "is ", "needs ", "may ", "cannot ")
# What to do about a box left empty, as GOV.UK error messages say it, in the page's language.
ENTER = {
    "text": _("Enter the wording"),
    "twin_text": _("Enter the wording in the other language"),
    "reason": _("Enter the reason"),
    "rationale": _("Enter why you decided this"),
    "explain": _("Enter the public explanation"),
    "explanation": _("Enter the public explanation"),
    "summary": _("Describe what went wrong"),
    "statement": _("Enter the final statement"),
    "purpose": _("Enter the purpose"),
    "reference": _("Enter the reference"),
    "names": _("Enter each protected name"),
    "address": _("Enter the address"),
}


def in_words(message: str | AmendsError) -> str:
    """An action's one-line message as a page shows it: the browser's own words where the
    error carries them (``said``); else without the ``field:`` prefix that the command line and
    the API keep, as a sentence that still names the input where the rest of the message does
    not ("The wording must be at most 500 characters"), and for an empty box, what to do ("Enter
    the reason")."""
    if isinstance(message, AmendsError):
        if message.said:
            return str(message.said)
        message = message.message
    found = PREFIX.match(message)
    if found is None:
        return message[:1].upper() + message[1:]
    rest = message[found.end() :]
    if rest == "must not be empty" and found.group(1) in ENTER:
        return str(ENTER[found.group(1)])
    label = LABELS.get(found.group(1))
    if label and rest.startswith(BARE):
        return f"{label} {rest}"
    return rest[:1].upper() + rest[1:]


def flag(request: HttpRequest, name: str) -> bool:
    return request.POST.get(name) in ("on", "true", "1", "yes")
