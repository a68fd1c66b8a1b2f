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
