"""Every error the API returns is ``{"field": ..., "message": ...}`` with one status per kind.

Messages are the actions' own, word for word the ones the command line prints after ``error:``.
"""

import functools
import inspect
import logging
import re
from typing import get_args

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from amends.api.schemas import Error
from amends.errors import AmendsError, BadInput
from amends.record.api import RecordCorrupt

logger = logging.getLogger(__name__)

# Statuses every operation may answer with, besides its own success.
ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error}
PREFIX = re.compile(r"^([a-z_]+): ")
# Path parameters, and the name the actions' messages give the same input.
PATH_NAMES = {
    "post_id": "post",
    "deletion_id": "deletion",
    "incident_id": "incident",
    "hold_id": "hold",
    "token_id": "token",
}


class NotAuthenticated(Exception):
    """No token, or one that does not work; the message says which."""


def field_of(error: AmendsError) -> str | None:
    """The input at fault: the error's own field, else the name its message starts with (every
    message reads ``field: what is wrong``)."""
    if error.field:
        return error.field
    found = PREFIX.match(error.message)
    return found.group(1) if found else None


def _validation_field(location: tuple) -> str:
    # ninja puts the source first ("body", "query", "path") and, for bodies, the parameter name.
    parts = [str(p) for p in location[1:] if p != "payload"]
    if not parts:
        return "body"
    return ".".join(PATH_NAMES.get(p, p) for p in parts)


def _validation_message(error: dict) -> str:
    if error.get("type") == "missing":
        return "is required"
    if error.get("type") == "extra_forbidden":
        return "is not an input of this operation"
    text = str(error.get("msg", "is not valid"))
    text = text.removeprefix("Value error, ")
    return text[:1].lower() + text[1:]


def install(api: NinjaAPI) -> None:
    def reply(request: HttpRequest, status: int, field: str | None, message: str) -> HttpResponse:
        return api.create_response(request, {"field": field, "message": message}, status=status)

    @api.exception_handler(AmendsError)
    def amends_error(request, error: AmendsError):
        if isinstance(error, RecordCorrupt):
            # Not the caller's fault: the stored log is damaged. Logged, and said plainly.
            logger.error("record corrupt: %s", error)
            return reply(request, 500, None, error.message)
        return reply(request, error.status, field_of(error), error.message)

    @api.exception_handler(ValidationError)
    def invalid(request, error: ValidationError):
        first = error.errors[0]
        field = _validation_field(tuple(first.get("loc", ())))
        return reply(request, 400, field, f"{field}: {_validation_message(first)}")

    @api.exception_handler(NotAuthenticated)
    def unauthenticated(request, error: NotAuthenticated):
        response = reply(request, 401, "authorization", str(error))
        response["WWW-Authenticate"] = 'Bearer realm="amends"'
        return response

    @api.exception_handler(AuthenticationError)
    def no_token(request, error: AuthenticationError):
        return unauthenticated(
            request,
            NotAuthenticated("authorization: send the header Authorization: Bearer <token>"),
        )

    @api.exception_handler(HttpError)
    def http_error(request, error: HttpError):
        if error.status_code == 400:
            return reply(request, 400, "body", "body: must be a JSON object")
        return reply(request, error.status_code, None, str(error))

    @api.exception_handler(RequestDataTooBig)
    def too_big(request, error: RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return reply(request, 400, "body", f"body: must be at most {limit:,} bytes")

    @api.exception_handler(Http404)
    def not_found(request, error: Http404):
        return reply(request, 404, None, "there is no such thing here")


def closed_query(view):
    """Refuse query parameters the operation does not take: a misspelt filter must not be
    silently ignored (and the whole list returned as if it matched)."""
    names = set()
    # Every parameter after the request, by the name it has in a URL (its alias, if any).
    for name, parameter in list(inspect.signature(view).parameters.items())[1:]:
        aliases = [getattr(m, "alias", None) for m in get_args(parameter.annotation)[1:]]
        names.add(next((a for a in aliases if a), name))

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        for key in request.GET:
            if key not in names:
                field = key or "query"
                raise BadInput(f"{field}: is not an input of this operation", field=field)
        return view(request, *args, **kwargs)

    return wrapper
