"""Other forces' logs, followed from the desk (auditors): what was last seen of each, and a
check now, as `amends monitor` does."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from amends.actions import FollowLog
from amends.errors import AmendsError
from amends.monitor.follow import followed
from amends.web.access import desk_page
from amends.web.forms import in_words


def _said(moment: str | None) -> str:
    """A time as people read it, in the configured zone and the page's language."""
    from datetime import datetime

    from django.utils import timezone
    from django.utils.translation import get_language

    from amends.text.when import said

    language = "cy" if get_language() == "cy" else "en"
    return said(datetime.fromisoformat(moment or ""), timezone.get_current_timezone(), language)


@desk_page("auditor")
@require_http_methods(["GET", "POST"])
def logs(request):
    context = {"logs": followed(settings.HOME / "monitor"), "form": request.POST}
    if request.method == "GET":
        return render(request, "desk/monitor/index.html", context)
    try:
        result = FollowLog(request.user, url=request.POST.get("url", "")).run()
    except AmendsError as error:
        context.update(error=in_words(error), error_field=error.field, error_target="url")
        return render(request, "desk/monitor/index.html", context, status=error.status)
    said = {"origin": result.origin or request.POST.get("url", ""), "size": f"{result.size:,}"}
    if not result.consistent:
        messages.error(
            request,
            gettext("%(origin)s is not what it was: %(error)s") % {**said, "error": result.error},
        )
    elif result.stale:
        messages.warning(
            request,
            gettext(
                "%(origin)s: %(size)s entries, consistent, but its checkpoint has not changed "
                "since %(since)s: the force may have stopped publishing it. Ask them why."
            )
            % {**said, "since": _said(result.since)},
        )
    elif result.previous_size is None:
        messages.success(
            request, gettext("%(origin)s: %(size)s entries, first seen now and kept.") % said
        )
    else:
        messages.success(
            request,
            gettext("%(origin)s: %(size)s entries, consistent with the %(before)s seen before.")
            % {**said, "before": f"{result.previous_size:,}"},
        )
    return redirect("desk:monitor")
