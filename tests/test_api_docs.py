"""The API's interactive documentation (Swagger UI) works under the strict
Content-Security-Policy, from files Amends serves itself: checked in Chromium."""

import pytest

from tests.support.browser import chromium

pytestmark = pytest.mark.once  # the same whatever the database


def test_the_docs_page_is_served_with_the_strict_policy_and_its_own_files(client, people):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    policy = page["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "cdn" not in page.content.decode()
    for path in ("/desk/static/ninja/swagger-ui-bundle.js", "/desk/static/ninja/swagger-ui.css"):
        assert client.get(path).status_code == 200


def test_swagger_ui_renders_the_api_in_chromium_without_breaking_the_policy(desk):
    with chromium() as browser:
        page = browser.new_page()
        refused = []
        page.on(
            "console", lambda m: refused.append(m.text) if "Content Security" in m.text else None
        )
        page.goto(f"{desk}/api/docs/")
        page.locator(".swagger-ui .info .title").wait_for(timeout=30_000)
        assert "Amends" in page.locator(".swagger-ui .info .title").inner_text()
        # Every operation of the API is listed (adopting a post, for one).
        page.locator(".opblock-summary-path", has_text="/posts/adopt").first.wait_for()
        assert refused == []
