"""The witness's HTTP service (``amends witness serve``): ``POST /add-checkpoint`` and nothing
else, answered without Django's request cycle (the desk and the site are not served here).

    granian --interface wsgi amends.witness.wsgi:application
"""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amends.settings")
django.setup()

from django.db import close_old_connections  # noqa: E402

from amends.witness import side  # noqa: E402

LARGEST = 64 * 1024  # an origin, 63 proof lines and a few signatures fit many times over
STATUS = {
    200: "200 OK",
    400: "400 Bad Request",
    403: "403 Forbidden",
    404: "404 Not Found",
    405: "405 Method Not Allowed",
    409: "409 Conflict",
    411: "411 Length Required",
    413: "413 Content Too Large",
    422: "422 Unprocessable Content",
    500: "500 Internal Server Error",
}


def _answer(start_response, status: int, body: str, content_type="text/plain; charset=utf-8"):
    data = body.encode()
    headers = [
        ("Content-Type", content_type),
        ("Content-Length", str(len(data))),
        ("X-Content-Type-Options", "nosniff"),
        ("Cache-Control", "no-store"),
    ]
    if status == 405:
        headers.append(("Allow", "POST"))
    start_response(STATUS[status], headers)
    return [data]


def application(environ, start_response):
    if environ.get("PATH_INFO") != "/add-checkpoint":
        return _answer(start_response, 404, "this witness answers POST /add-checkpoint only\n")
    if environ.get("REQUEST_METHOD") != "POST":
        return _answer(start_response, 405, "use POST\n")
    try:
        length = int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        return _answer(start_response, 411, "send a Content-Length\n")
    if not 0 <= length <= LARGEST:
        return _answer(start_response, 413, f"the body must be at most {LARGEST} bytes\n")
    body = environ["wsgi.input"].read(length)
    close_old_connections()
    try:
        answer = side.add_checkpoint(body)
    finally:
        close_old_connections()
    return _answer(start_response, answer.status, answer.body, answer.content_type)
