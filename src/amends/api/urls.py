from django.urls import path, re_path

from amends.api.api import api


def unknown(request, rest: str = ""):
    """Anything else under /api/ is an API error, not a page of the public site."""
    message = f"there is no /api/{rest}; see /api/openapi.json"
    return api.create_response(request, {"field": None, "message": message}, status=404)


urlpatterns = [
    path("", api.urls),
    re_path(r"^(?P<rest>.*)$", unknown),
]
