"""The public files answer with a strict Content-Security-Policy, and, for a site served over
HTTPS, redirect plain HTTP and tell browsers to insist on HTTPS (security issue, finding 7)."""

import pytest

from amends.actions import Publish
from amends.site.wsgi import CONTENT_SECURITY_POLICY, PublicFiles


def django(environ, start_response):
    start_response("404 Not Found", [])
    return [b"from django"]


def call(app, path, **environ):
    seen = {}

    def start_response(status, headers):
        seen["status"], seen["headers"] = status, dict(headers)

    request = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "wsgi.url_scheme": "http", **environ}
    body = b"".join(app(request, start_response))
    return seen["status"], seen["headers"], body


@pytest.fixture
def post(people):
    return Publish(people.alice, account="house:news", text="Appeal closes on 4 May.").run()


def test_public_pages_carry_a_strict_content_security_policy(post):
    status, headers, _ = call(PublicFiles(django, site_url="http://news.example"), "/")
    assert status == "200 OK"
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src" not in CONTENT_SECURITY_POLICY  # default-src 'none': no script at all
    assert "Strict-Transport-Security" not in headers  # a plain-HTTP site cannot promise HTTPS


def test_plain_http_is_sent_to_the_sites_https_address(post):
    app = PublicFiles(django, site_url="https://news.example")
    status, headers, body = call(
        app, f"/posts/{post.pk}/", QUERY_STRING="x=1", HTTP_HOST="evil.example"
    )
    assert status == "301 Moved Permanently"
    assert headers["Location"] == f"https://news.example/posts/{post.pk}/?x=1"
    assert b"4 May" not in body


def test_https_through_the_proxy_is_served_with_hsts(post):
    app = PublicFiles(django, site_url="https://news.example")
    status, headers, body = call(app, f"/posts/{post.pk}/", HTTP_X_FORWARDED_PROTO="https")
    assert status == "200 OK"
    assert headers["Strict-Transport-Security"] == "max-age=31536000"
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert b"4 May" in body


def test_the_desk_and_the_api_are_left_to_django(post):
    app = PublicFiles(django, site_url="https://news.example")
    assert call(app, "/desk/")[2] == b"from django"
    assert call(app, "/api/openapi.json")[2] == b"from django"


def test_only_a_few_requests_are_in_django_at_once_while_public_pages_go_on(post):
    """The server takes many requests into Python at once (most of them wait: a Webmention for
    its commit); Django gets at most DJANGO_AT_ONCE of them at a time, and a public page is
    answered while Django's turns are all taken."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from amends.site.wsgi import DJANGO_AT_ONCE

    inside, most, lock, release = 0, 0, threading.Lock(), threading.Event()

    def slow_django(environ, start_response):
        nonlocal inside, most
        with lock:
            inside += 1
            most = max(most, inside)
        release.wait(10)
        with lock:
            inside -= 1
        start_response("200 OK", [])
        return [b"from django"]

    app = PublicFiles(slow_django, site_url="http://news.example")
    with ThreadPoolExecutor(DJANGO_AT_ONCE * 3) as pool:
        desk = [pool.submit(call, app, "/desk/") for _ in range(DJANGO_AT_ONCE * 3 - 1)]
        for _ in range(500):  # until Django's turns are all taken (at most 5 s)
            if most >= DJANGO_AT_ONCE:
                break
            threading.Event().wait(0.01)
        assert call(app, f"/posts/{post.pk}/")[0] == "200 OK"  # not waiting for Django
        release.set()
        assert [f.result()[2] for f in desk] == [b"from django"] * (DJANGO_AT_ONCE * 3 - 1)
    assert most == DJANGO_AT_ONCE
