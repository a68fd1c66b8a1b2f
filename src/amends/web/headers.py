"""Headers on every answer from the desk and the API."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

PRIVATE = ("/desk/", "/api/")


def private_answers(get_response: Callable) -> Callable:
    """Desk pages (sign-in too) and API answers hold what one person may see: no browser cache
    or proxy may keep them. Static files are answered before this, by WhiteNoise, and may be
    kept."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        path = request.path_info
        if path.startswith(PRIVATE) and not path.startswith(settings.STATIC_URL):
            response["Cache-Control"] = "private, no-store"
            # never_cache also sets Expires; no-store says all that is needed.
            if "Expires" in response:
                del response["Expires"]
        return response

    return middleware
