"""The REST API under /api/: the command line's operations, with its rules and messages.

django-ninja turns the typed pydantic schemas of :mod:`amends.api.schemas` into an exact
OpenAPI 3.1 document at /api/openapi.json. There is no interactive documentation page: Swagger UI
loads from a CDN, which the Content-Security-Policy forbids; docs/api.md describes every call.
"""

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from amends import __version__
from amends.api import errors
from amends.api.auth import TokenAuth
from amends.api.routers import (
    admin,
    copies,
    custody,
    deletions,
    deliveries,
    exports,
    incidents,
    oncall,
    posts,
    record,
    tokens,
)


class AmendsApi(NinjaAPI):
    def create_response(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().create_response(request, *args, **kwargs)
        # Every answer is about one person's work, and some carry secrets (a new token, sealed
        # wording): nothing may keep a copy on the way.
        response["Cache-Control"] = "no-store"
        return response

    def get_openapi_operation_id(self, operation) -> str:
        # "posts_publish" rather than the module path ninja would use.
        view = operation.view_func
        return f"{view.__module__.rsplit('.', 1)[-1]}_{view.__name__}"


api = AmendsApi(
    title="Amends",
    version=__version__,
    description=(
        "The mistake-recovery desk's REST API. Authenticate with `Authorization: Bearer "
        "<token>` (create a token with `amends token add` or at /desk/me/tokens/). Every error "
        'is `{"field": ..., "message": ...}`. Try it here: choose Authorize and paste a token.'
    ),
    # Swagger UI from the files django-ninja ships (the "ninja" app), no CDN, no inline script:
    # it works under the desk's strict Content-Security-Policy.
    docs_url="/docs/",
    openapi_url="/openapi.json",
    auth=TokenAuth(),
    urls_namespace="api",
)
errors.install(api)
ROUTERS = (
    posts,
    deletions,
    incidents,
    oncall,
    custody,
    admin,
    record,
    tokens,
    deliveries,
    exports,
    copies,
)
for module in ROUTERS:
    api.add_router("", module.router)
