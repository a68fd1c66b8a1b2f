"""Every answer from the desk (sign-in included) and the API says ``private, no-store``."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver

from amends.web import urls as desk_urls
from tests.support.api import Api, token_for


def desk_paths(patterns=desk_urls.urlpatterns, prefix="/desk/") -> list[str]:
    """Every desk URL, with 1 for each number in it."""
    found = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found += desk_paths(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            found.append(re.sub(r"<int:\w+>", "1", route))
    return found


PATHS = desk_paths()


def test_every_desk_url_is_listed():
    assert len(PATHS) >= 40
    assert "/desk/sign-in/" in PATHS
    assert "/desk/people/1/password/" in PATHS
    assert not any("<" in path for path in PATHS)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("persona", [None, "adam", "alice"])
def test_every_desk_answer_is_private_and_never_stored(people, path, persona):
    browser = Client()
    if persona:
        browser.force_login(getattr(people, persona))
    for method in ("get", "post"):
        response = getattr(browser, method)(path)
        assert response["Cache-Control"] == "private, no-store", (method, response.status_code)
        assert "Expires" not in response


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/tokens"),
        ("POST", "/api/tokens"),
        ("GET", "/api/posts"),
        ("GET", "/api/openapi.json"),
        ("GET", "/api/nowhere"),
        ("PUT", "/api/tokens"),
    ],
)
@pytest.mark.parametrize("signed", [False, True])
def test_every_api_answer_is_private_and_never_stored(people, method, path, signed):
    api = Api(token_for(people.alice) if signed else None)
    response = api.call(method, path, {} if method != "GET" else None)
    assert response["Cache-Control"] == "private, no-store", response.status_code


def test_the_desks_static_files_and_the_public_site_may_still_be_cached(people, client):
    css = client.get("/desk/static/desk/desk.css")
    assert css.status_code == 200
    assert "no-store" not in css.get("Cache-Control", "")
    public = client.get("/posts/1/")
    assert "no-store" not in public.get("Cache-Control", "")
