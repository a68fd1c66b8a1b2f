"""Copies and the conversation in a real browser, on a 390 px phone and at 1280 px, with the
keyboard only: the incident page's chart and what is being watched, the inbox (read, mark
handled), telling the place a copy is about the correction within the budget, and the incident
review. axe-core runs on every page, and no page scrolls sideways."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import amends_each
from tests.support.desk import Checker, sign_in
from tests.test_welsh_browser import no_command_line_words, press

pytestmark = [pytest.mark.browser, pytest.mark.once]

MENTIONS = """
from datetime import timedelta
import django
django.setup()
from django.utils import timezone
from amends.copies.models import Mention
start = timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(hours=5)
for hour, total in enumerate((3, 24, 12, 6, 2)):
    for n in range(total):
        Mention.objects.create(
            post_id=1, kind=("reply", "quote", "repost", "mention")[n % 4],
            url=f"https://social.example/{hour}/{n}", author=f"@resident{hour}{n}",
            text=f"Is it really 4 May? A very long question from a resident number {n} " * 2,
            at=start + timedelta(hours=hour, minutes=n), found_at=start)
"""


@pytest.fixture
def story(desk, fresh_database):
    env = {**fresh_database, "DJANGO_SETTINGS_MODULE": "amends.settings"}
    run = [
        ["incident", "open", "1", "--kind", "fact", "--severity", "minor", "--summary",
         "Wrong closing date", "--rationale", "A week out; nobody was harmed.", "--as", "alice"],
        ["apologise", "1", "--text", "Sorry: the closing date we gave was wrong.", "--as", "alice"],
        ["copies", "add", "1", "https://forum.example/t/991/a-very-long-thread-title-about-it",
         "--found-by", "text", "--revision", "1", "--as", "alice"],
        ["copies", "add", "1", "https://x.com/someone/status/1", "--found-by", "quote",
         "--revision", "1", "--as", "alice"],
    ]  # fmt: skip
    amends_each(run, env)
    subprocess.run([sys.executable, "-c", MENTIONS], env=env, check=True)
    return desk


@pytest.mark.parametrize("width", [390, 1280])
def test_copies_and_the_conversation_with_the_keyboard(story, browser, tmp_path, width):
    desk = story
    shots = Path(os.environ.get("AMENDS_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    axe = Checker(shots)
    page = sign_in(browser.new_context(viewport={"width": width, "height": 844}), desk, "alice")

    page.goto(f"{desk}/desk/incidents/1/")
    expect(page.get_by_role("img", name="The conversation, hour by hour")).to_be_visible()
    axe.check(page, f"copies-{width}-incident")

    # The inbox: read, and mark one handled.
    press(page, page.get_by_role("link", name="What the public said: 47 waiting to be read"))
    page.wait_for_url(f"{desk}/desk/incidents/1/inbox/")
    axe.check(page, f"copies-{width}-inbox")
    press(page, page.get_by_role("button", name="Mark as handled (@resident41)"))
    expect(page.get_by_text("Marked as handled.")).to_be_visible()
    expect(page.get_by_text("@resident41")).to_have_count(0)

    # Tell the forum about the correction: a Webmention, counted against the budget.
    page.goto(f"{desk}/desk/posts/1/")
    press(page, page.get_by_role("link", name="Tell them about the correction (https://forum"))
    expect(page.get_by_text("Amends will send that page a Webmention")).to_be_visible()
    axe.check(page, f"copies-{width}-notify")
    press(page, page.get_by_role("button", name="Send the Webmention"))
    expect(page.get_by_text("A Webmention with the correction is on its way")).to_be_visible()
    no_command_line_words(page)
    axe.check(page)

    # The quote: a reply beside it, with the words to use.
    press(page, page.get_by_role("link", name="Tell them about the correction (https://x.com"))
    expect(page.get_by_text("Reply beside that copy")).to_be_visible()
    axe.check(page)

    page.goto(f"{desk}/desk/incidents/1/review/")
    expect(page.get_by_role("heading", name="Review of incident 1")).to_be_visible()
    axe.check(page, f"copies-{width}-review")
    assert axe.problems == [], axe.problems
