"""The staff desk in a real browser, against the real server on a fresh database.

An author opens an incident, apologises and corrects, and asks for a deletion; a supervisor
approves it; the public site shows the correction and the deletion notice; an auditor unseals
the original and the access appears. axe-core checks every desk and public page on the way.

Drives Debian's Chromium (scripts/test-all installs it where missing; in CI it must be there).
Screenshots go to AMENDS_SCREENSHOTS when set (``make screenshots`` writes docs/images).
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import amends
from tests.support.desk import ORIGINAL, Checker, sign_in
from tests.support.serve import fetch

pytestmark = [pytest.mark.browser, pytest.mark.once]

CORRECTED = "Witness appeal: the appeal closes on 14 May. Call 101 with information."
REGRETTED = "Named the man we arrested before he was charged."


def test_the_five_steps_in_the_browser_from_incident_to_unsealing(desk, browser, tmp_path):
    shots = Path(os.environ.get("AMENDS_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    axe = Checker(shots)
    viewport = {"width": 1280, "height": 900}

    # An author opens an incident on the post, apologises and corrects it.
    author = browser.new_context(viewport=viewport)
    page = sign_in(author, desk, "alice")
    page.get_by_role("link", name="Posts", exact=True).click()
    # Search as you type: the results change in place and the address keeps the search.
    page.get_by_label("Words or post number").fill("no such words anywhere")
    expect(page.get_by_text("0 posts.")).to_be_visible()
    page.wait_for_url(f"{desk}/desk/posts/?q=no+such+words+anywhere*")
    page.get_by_label("Words or post number").fill("appeal")
    expect(page.get_by_text("1 post.")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Search").click()
    axe.check(page, "posts")
    page.get_by_role("link", name="Post 1", exact=True).click()
    page.wait_for_url(f"{desk}/desk/posts/1/")
    page.get_by_label("A wrong fact or wording").check()
    page.get_by_label("Minor").check()
    page.get_by_label("Describe what went wrong").fill("We gave the wrong closing date.")
    page.get_by_label("Why you chose this").fill("A week out; nobody was harmed.")
    page.get_by_role("button", name="Open incident").click()
    page.wait_for_url(f"{desk}/desk/incidents/1/")
    axe.check(page, "incident")

    page.get_by_role("link", name="Write the apology").click()
    page.get_by_label("Apology").fill("We are sorry if anyone was confused.")
    page.get_by_text("conditional or minimising apology").wait_for()  # live, as one types
    axe.check(page, "apologise")
    page.get_by_label("Apology").fill("Sorry: the closing date we gave was wrong.")
    page.get_by_text("found nothing to change").wait_for()
    page.get_by_role("button", name="Publish apology").click()
    # Back on the incident, the step ticked, and told what comes next.
    page.wait_for_url(f"{desk}/desk/incidents/1/#steps")
    expect(page.get_by_text("Apology published as post")).to_be_visible()
    expect(page.get_by_text("Next: make amends.")).to_be_visible()

    page.get_by_role("link", name="Write the correction").click()
    page.get_by_label("Corrected wording").fill(CORRECTED)
    page.get_by_label("Why it was corrected").fill("We gave the wrong closing date.")
    page.locator("#preview del").first.wait_for()  # live preview of the public rendering
    assert "\u201c14\u201d, not \u201c4\u201d" in page.locator("#preview").inner_text()
    axe.check(page, "correct")
    page.get_by_role("button", name="Publish correction").click()
    page.wait_for_url(f"{desk}/desk/incidents/1/#steps")
    expect(page.get_by_text("revision 2 is public")).to_be_visible()
    expect(page.get_by_text("Every other step is done")).to_be_visible()
    page.goto(f"{desk}/desk/posts/1/")
    axe.check(page, "post")

    # The author posts something that must go, and asks for its deletion.
    page.goto(f"{desk}/desk/posts/new/")
    page.get_by_label("Wording").fill(REGRETTED)
    with page.expect_navigation():
        page.get_by_role("button", name="Publish").click()
    regretted = page.url.rstrip("/").rsplit("/", 1)[1]
    page.get_by_role("link", name="Request deletion").click()
    page.get_by_label("Prejudicial").check()
    page.get_by_label("Public explanation").fill("It could have prejudiced the trial.")
    page.get_by_label("Why you decided this").fill("He has not been charged.")
    axe.check(page, "delete")
    page.get_by_role("button", name="Ask for it to be taken down").click()
    expect(page.get_by_text("another supervisor must approve it")).to_be_visible()
    page.goto(f"{desk}/desk/")
    axe.check(page, "today")
    author.close()

    # A supervisor approves it.
    supervisor = browser.new_context(viewport=viewport)
    page = sign_in(supervisor, desk, "sam")
    page.get_by_role("link", name="Approvals").click()
    page.wait_for_url(f"{desk}/desk/approvals/")
    axe.check(page, "approvals")
    page.get_by_role("link", name="Deletion 1").click()
    page.wait_for_url(f"{desk}/desk/approvals/1/")
    page.get_by_label("Why you decide this").fill("Prejudicial: approved.")
    axe.check(page, "decide")
    page.get_by_role("button", name="Approve deletion").click()
    expect(page.get_by_text("its notice is public")).to_be_visible()
    supervisor.close()

    # The public site shows the correction and the deletion notice.
    public = browser.new_context(viewport=viewport)
    page = public.new_page()
    page.goto(f"{desk}/posts/1/")
    text = page.locator("main").inner_text().replace("\n", " ")
    assert "deleted text: 4" in text
    assert "inserted text: 14" in text
    axe.check(page, "public-correction")
    response = page.goto(f"{desk}/posts/{regretted}/")
    assert response.status == 410
    assert REGRETTED not in page.content()
    axe.check(page, "public-notice")
    public.close()

    # An auditor reads the sealed original; the access is recorded and listed.
    auditor = browser.new_context(viewport=viewport)
    page = sign_in(auditor, desk, "fiona")
    page.get_by_role("link", name="Sealed originals").click()
    page.get_by_role("link", name=f"Read the original of post {regretted}").click()
    page.get_by_label("Purpose").fill("Complaint about the arrest post")
    page.get_by_label("Reference").fill("PSD-2026-114")
    axe.check(page, "unseal")
    page.get_by_role("button", name="Record my access and show the text").click()
    expect(page.get_by_text(REGRETTED)).to_be_visible()
    page.goto(f"{desk}/desk/sealed/")
    expect(page.get_by_role("cell", name="PSD-2026-114", exact=True)).to_be_visible()
    axe.check(page, "sealed")
    page.get_by_role("link", name="Holds").click()
    page.wait_for_url(f"{desk}/desk/holds/")
    page.get_by_label("Post number").fill("1")
    page.get_by_label("Reference").fill("FOI-77")
    page.get_by_role("button", name="Place hold").click()
    expect(page.get_by_role("cell", name="FOI-77", exact=True)).to_be_visible()
    axe.check(page, "holds")
    auditor.close()

    # Every other desk page, as the people who use them.
    sweep = {
        None: ["/desk/sign-in/"],
        "sam": [
            "/desk/incidents/",
            "/desk/incidents/1/close/",
            "/desk/incidents/1/correct/",
            "/desk/posts/1/reply/",
            "/desk/posts/1/reply/?laugh=1",
            "/desk/posts/new/",
            "/desk/me/",
            "/desk/me/tokens/",
            "/desk/me/notifications/",
            "/desk/rota/",
            "/desk/sending/",
            "/desk/deliveries/",
        ],
        "adam": ["/desk/people/"],
        "fiona": ["/desk/exports/"],
    }
    for name, paths in sweep.items():
        context = browser.new_context(viewport=viewport)
        page = sign_in(context, desk, name) if name else context.new_page()
        for path in paths:
            page.goto(f"{desk}{path}")
            assert page.url == f"{desk}{path}", path
            axe.check(page, "people" if path == "/desk/people/" else None)
        context.close()

    assert axe.problems == []
    assert len(axe.checked) == 29


def test_the_desk_can_be_read_without_javascript(desk, browser):
    context = browser.new_context(java_script_enabled=False)
    page = sign_in(context, desk, "alice")
    expect(page.get_by_role("heading", name="Today")).to_be_visible()
    page.goto(f"{desk}/desk/posts/?q=appeal")
    expect(page.get_by_role("link", name="Post 1", exact=True)).to_be_visible()
    page.goto(f"{desk}/desk/posts/1/")
    expect(page.get_by_text(ORIGINAL)).to_be_visible()
    context.close()


# The elements that stick out past the right edge of a phone's screen, for the message.
WIDEST = """[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > 391)
  .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))
  .slice(0, 8)"""
HARMFUL = "Officers arrested a man in Leigh. Mary Jones saw it happen. Call 101."
REDACTED = "Officers arrested a man in Leigh. Call 101."


def test_harmful_words_come_down_at_once_on_a_phone_and_are_reviewed(
    desk, browser, fresh_database, tmp_path
):
    """The serious path at 11pm on a phone: triage as harmful, protect the witness's name,
    a supervisor takes the post down at once, a second supervisor reviews it, all sending is
    paused and resumed, a redacted version goes out, and the incident closes with every step
    accounted for."""
    shots = Path(os.environ.get("AMENDS_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    axe = Checker(shots)
    phone = {"width": 390, "height": 844}
    amends(["post", "house:news", "--text", HARMFUL, "--as", "alice"], fresh_database)

    author = browser.new_context(viewport=phone)
    page = sign_in(author, desk, "alice")
    page.goto(f"{desk}/desk/posts/2/")
    page.get_by_label("Harmful content").check()
    page.get_by_label("Critical").check()
    page.get_by_label("Describe what went wrong").fill("It named a witness.")
    page.get_by_label("Why you chose this").fill("The witness could be identified.")
    page.get_by_role("button", name="Open incident").click()
    page.wait_for_url(f"{desk}/desk/incidents/1/")
    # Removal is the first step offered; there is no correction to write.
    first = page.locator("ol.steps > li").first
    expect(first.get_by_role("link", name="Ask for it to be taken down")).to_be_visible()
    expect(page.get_by_role("link", name="Write the correction")).to_have_count(0)
    page.get_by_label("Names that must never be published").fill("Mary Jones")
    page.get_by_role("button", name="Save protected names").click()
    expect(page.get_by_text("1 protected name saved")).to_be_visible()
    assert "Mary Jones" not in page.content()  # never shown again
    axe.check(page)
    author.close()

    supervisor = browser.new_context(viewport=phone)
    page = sign_in(supervisor, desk, "sam")
    page.goto(f"{desk}/desk/incidents/1/")
    page.get_by_role("link", name="Take it down").click()
    page.get_by_label("Identified person").check()
    page.get_by_label("Public explanation").fill("It identified a witness.")
    page.get_by_label("Why you decided this").fill("A witness in a live case was named.")
    axe.check(page, "phone-take-down")
    page.get_by_role("button", name="Take it down now").click()
    expect(page.get_by_text("is taken down")).to_be_visible()
    assert fetch(f"{desk}/posts/2/")[0] == 410

    page.goto(f"{desk}/desk/")
    page.get_by_role("link", name="Pause all sending").click()
    page.get_by_label("Why").fill("Checking what else went out tonight.")
    axe.check(page)
    page.get_by_role("button", name="Pause all sending").click()
    expect(page.get_by_text("All sending is paused.").first).to_be_visible()
    axe.check(page, "phone-paused")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.evaluate(WIDEST)
    supervisor.close()

    reviewer = browser.new_context(viewport=phone)
    page = sign_in(reviewer, desk, "sally")
    expect(page.get_by_text("All sending is paused.").first).to_be_visible()
    expect(page.get_by_role("heading", name="Urgent removals to review")).to_be_visible()
    page.get_by_role("link", name="Deletion 1").click()
    page.get_by_label("Why").fill("Right call: the witness was named.")
    axe.check(page, "phone-review")
    page.get_by_role("button", name="Confirm the removal").click()
    expect(page.get_by_text("reviewed: confirmed")).to_be_visible()
    page.get_by_role("link", name="Resume sending").first.click()
    page.get_by_role("button", name="Resume sending").click()
    expect(page.get_by_text("Sending resumed")).to_be_visible()
    expect(page.get_by_text("All sending is paused.")).to_have_count(0)
    reviewer.close()

    author = browser.new_context(viewport=phone)
    page = sign_in(author, desk, "alice")
    page.goto(f"{desk}/desk/incidents/1/")
    page.get_by_role("link", name="Publish a redacted version").click()
    page.get_by_label("Redacted wording").fill(HARMFUL.replace("Mary Jones", "Mary Jnes"))
    page.get_by_label("What was removed and why").fill("It identified a witness.")
    page.get_by_role("button", name="Publish redacted version").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "This still contains what looks like a protected name. Replace it with"
    )
    page.get_by_label("Redacted wording").fill(REDACTED)
    axe.check(page)
    page.get_by_role("button", name="Publish redacted version").click()
    expect(page.get_by_text("Redacted version published as post 3")).to_be_visible()
    author.close()

    supervisor = browser.new_context(viewport=phone)
    page = sign_in(supervisor, desk, "sam")
    page.goto(f"{desk}/desk/incidents/1/close/")
    page.get_by_label("Final statement").fill("Oops! All sorted now :)")
    page.get_by_role("button", name="Check the statement").click()
    expect(page.locator(".findings")).to_contain_text("humour")
    page.get_by_label("Final statement").fill(
        "We removed a post that identified a witness, and we are sorry."
    )
    page.get_by_label("Apologise: why it was not needed").fill("The statement apologises.")
    page.get_by_label("Why you are closing it").fill("Down, reviewed and republished.")
    axe.check(page, "phone-close")
    page.get_by_role("button", name="Publish and close").click()
    expect(page.get_by_text("Incident 1 closed")).to_be_visible()
    expect(page.get_by_text("The statement apologises.").first).to_be_visible()
    axe.check(page, "phone-incident-closed")
    supervisor.close()

    public = browser.new_context(viewport=phone).new_page()
    response = public.goto(f"{desk}/posts/2/")
    assert response.status == 410
    assert "Mary" not in public.content()
    expect(public.get_by_role("link", name="see post 3")).to_be_visible()
    axe.check(public)
    assert axe.problems == []
