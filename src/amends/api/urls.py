import functools

from django.urls import path, re_path

from amends.api.api import api


def unknown(request, rest: str = ""):
    """Anything else under /api/ is an API error, not a page of the public site."""
    message = f"there is no /api/{rest}; see /api/openapi.json"
    return api.create_response(request, {"field": None, "message": message}, status=404)


def _json_refusals(view):
    """ninja answers a method a path does not take with an empty 405; say it in the API's one
    error shape instead. (functools.wraps keeps ninja's csrf_exempt mark on the view.)"""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code != 405:
            return response
        allowed = response["Allow"]
        message = f"method: {request.method} is not allowed here; allowed: {allowed}"
        refused = api.create_response(request, {"field": "method", "message": message}, status=405)
        refused["Allow"] = allowed
        return refused

    return wrapper


# Not named app_name: include() would take a module-level app_name as this module's namespace.
_patterns, _app, _namespace = api.urls
for pattern in _patterns:
    pattern.callback = _json_refusals(pattern.callback)

urlpatterns = [
    path("", (_patterns, _app, _namespace)),
    re_path(r"^(?P<rest>.*)$", unknown),
]
