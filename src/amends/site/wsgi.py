"""A thin WSGI layer that serves the rendered public site without entering Django.

Public pages are plain files; going through Django's request cycle for each would cost several
times the work of reading them. Anything that is not a public file (the desk, the API, a 404)
goes on to Django.
"""

from collections.abc import Callable, Iterable

from amends.site.views import TYPES, locate

STATUS = {200: "200 OK", 410: "410 Gone"}
SECURITY_HEADERS = [
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
    ("Cache-Control", "public, max-age=60"),
]


def public_files(django_app: Callable) -> Callable:
    def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        if method in ("GET", "HEAD"):
            path = environ.get("PATH_INFO", "/")
            found = locate(path.lstrip("/")) if not path.startswith(("/desk/", "/api/")) else None
            if found is not None:
                file, status = found
                try:
                    handle = open(file, "rb")  # noqa: SIM115 - the server closes it
                except OSError:
                    return django_app(environ, start_response)
                size = str(handle.seek(0, 2))
                handle.seek(0)
                content_type = TYPES.get(file.suffix, "text/plain; charset=utf-8")
                start_response(
                    STATUS[status],
                    [("Content-Type", content_type), ("Content-Length", size), *SECURITY_HEADERS],
                )
                if method == "HEAD":
                    handle.close()
                    return [b""]
                wrapper = environ.get("wsgi.file_wrapper")
                return wrapper(handle) if wrapper else iter(lambda: handle.read(65536), b"")
        return django_app(environ, start_response)

    return application
