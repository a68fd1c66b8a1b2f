"""The desk's own error pages."""

from django.utils.translation import gettext

from amends.web.access import refused


def csrf_failure(request, reason: str = ""):
    return refused(
        request,
        gettext(
            "This form had expired or did not come from the desk. Go back, reload the page and "
            "try again."
        ),
        status=403,
    )
