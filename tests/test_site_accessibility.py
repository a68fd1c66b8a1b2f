"""The public site in a real browser: axe-core finds no serious or critical accessibility
problem on any page, and the pages work with JavaScript turned off.

Drives Debian's Chromium (scripts/test-all installs it where missing; in CI it must be there).
"""

import threading
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest

from amends.actions import (
    Apologise,
    ApproveDeletion,
    Correct,
    OpenIncident,
    Publish,
    RequestDeletion,
)
from amends.site.wsgi import PublicFiles
from tests.support.browser import chromium

pytestmark = [pytest.mark.browser, pytest.mark.once]


@pytest.fixture
def browser(pages):
    """Started after the pages are made (see tests.support.browser.chromium)."""
    with chromium() as launched:
        yield launched


class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def site_url(people):
    """The rendered site, served from its files on a free loopback port."""

    def nothing_else(environ, start_response):
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]

    server = make_server("127.0.0.1", 0, PublicFiles(nothing_else), handler_class=Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def pages(people, site_url):
    post = Publish(
        people.alice,
        account="house:news",
        text="Witness appeal: the appeal closes on 4 May. Call 101.",
    ).run()
    OpenIncident(
        people.alice,
        post=post.pk,
        kind="fact",
        severity="minor",
        summary="Wrong date",
        rationale="Opened for the test.",
    ).run()
    Correct(
        people.alice,
        post=post.pk,
        text="Witness appeal: the appeal closes on 14 May. Call 101.",
        reason="We gave the wrong date.",
    ).run()
    apology = Apologise(people.alice, post=post.pk, text="Sorry: the date we gave was wrong.").run()
    gone = Publish(people.alice, account="house:news", text="A name we should not have used").run()
    deletion = RequestDeletion(
        people.alice,
        post=gone.pk,
        ground="prejudicial",
        explanation="It could have identified a witness.",
        rationale="Asked for in the test.",
    ).run()
    ApproveDeletion(people.sam, deletion=deletion.pk, rationale="Approved in the test.").run()
    return [
        f"{site_url}{path}"
        for path in (
            "/",
            f"/posts/{post.pk}/",
            f"/posts/{apology.pk}/",
            f"/posts/{gone.pk}/",
            "/corrections/",
        )
    ]


def test_no_page_has_a_serious_or_critical_accessibility_violation(pages, browser):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page = browser.new_page()
    problems = []
    for url in pages:
        page.goto(url)
        for violation in axe.run(page).response["violations"]:
            if violation["impact"] in ("serious", "critical"):
                problems.append(f"{url}: {violation['id']} ({violation['help']})")
    assert problems == []
    # The check itself works: a page with a known violation is caught.
    page.set_content('<html lang="en"><title>x</title><main><img src="x.png"></main></html>')
    assert "image-alt" in {v["id"] for v in axe.run(page).response["violations"]}
    page.close()


def test_the_correction_reads_in_the_right_order_without_javascript(pages, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(pages[1])
    text = page.locator(".post-text").inner_text()
    assert "deleted text: 4" in text.replace("\n", " ")
    assert "inserted text: 14" in text.replace("\n", " ")
    assert page.locator("del").first.is_visible()
    response = page.goto(pages[3])
    assert response.status == 410
    assert "This post was removed" in page.content()
    context.close()
