"""The officer's path in Welsh, in a real browser, with the keyboard only: on a 390 px phone and
at 1280 px. Sign in, switch to Cymraeg, open an incident, apologise and correct, each step
returning to the incident in Welsh. axe-core runs on every page, and no page scrolls sideways
(tests.support.desk.Checker); no message shows a command line's flag or a field prefix.

Every move is a key press: Tab until the thing wanted has the focus (as a person without a mouse
moves), then Enter, Space or typing."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.support.desk import PASSWORD, Checker

pytestmark = [pytest.mark.browser, pytest.mark.once]

TABS = 120  # more than any page on the path has places to stop


def tab_to(page, locator) -> None:
    """Press Tab until ``locator`` has the focus."""
    target = locator.element_handle()
    for _ in range(TABS):
        page.keyboard.press("Tab")
        if page.evaluate("e => document.activeElement === e", target):
            return
    raise AssertionError(f"Tab never reached {locator}")


def press(page, locator, key: str = "Enter") -> None:
    tab_to(page, locator)
    page.keyboard.press(key)


def type_into(page, locator, text: str) -> None:
    tab_to(page, locator)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def no_command_line_words(page) -> None:
    for message in page.locator(".messages, .error-summary, .error").all_inner_texts():
        # A command line's flag (--anyway) or an action's field prefix (reason: ...).
        assert not re.search(r"(^|\s)--[a-z]", message), message
        assert not re.match(r"[a-z_]+: ", message.strip()), message


@pytest.mark.parametrize("width", [390, 1280])
def test_the_five_steps_in_welsh_with_the_keyboard_only(desk, browser, tmp_path, width):
    shots = Path(os.environ.get("AMENDS_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    axe = Checker(shots)
    context = browser.new_context(viewport={"width": width, "height": 844})
    page = context.new_page()
    page.goto(f"{desk}/desk/")
    page.wait_for_url(f"{desk}/desk/sign-in/**")

    # Cymraeg before signing in: the switch is in the header of every page.
    press(page, page.get_by_role("button", name="Cymraeg"))
    expect(page.get_by_role("heading", name="Mewngofnodi i'r ddesg")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "cy"
    axe.check(page)
    type_into(page, page.get_by_label("Enw"), "alice")
    type_into(page, page.get_by_label("Cyfrinair"), PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{desk}/desk/")
    expect(page.get_by_role("heading", name="Heddiw", exact=True)).to_be_visible()
    axe.check(page, f"cy-{width}-today")

    # The post went wrong: open an incident on it.
    page.goto(f"{desk}/desk/posts/1/")
    axe.check(page)
    press(page, page.get_by_label("Ffaith neu eiriad anghywir"), "Space")
    press(page, page.get_by_label("Bach"), "Space")
    type_into(page, page.get_by_label("Disgrifiwch beth aeth o'i le"), "Dyddiad cau anghywir.")
    type_into(page, page.get_by_label("Pam y dewisoch chi hyn"), "Wythnos i ffwrdd; dim niwed.")
    press(page, page.get_by_role("button", name="Agor digwyddiad"))
    page.wait_for_url(f"{desk}/desk/incidents/1/")
    expect(page.get_by_text("Mae digwyddiad 1 ar agor.")).to_be_visible()
    expect(page.get_by_role("heading", name="Y pum cam")).to_be_visible()
    axe.check(page, f"cy-{width}-incident")

    # Apologise: back on the incident, the step done, told what comes next, in Welsh.
    press(page, page.get_by_role("link", name="Ysgrifennu'r ymddiheuriad"))
    page.wait_for_url(f"{desk}/desk/posts/1/apologise/")
    type_into(
        page,
        page.get_by_label("Ymddiheuriad", exact=True),
        "Mae'n ddrwg gennym: roedd y dyddiad cau a roesom yn anghywir.",
    )
    page.get_by_text("Ni chanfu'r gwiriwr ymddiheuriadau ddim i'w newid.").wait_for()
    axe.check(page, f"cy-{width}-apologise")
    press(page, page.get_by_role("button", name="Cyhoeddi'r ymddiheuriad"))
    page.wait_for_url(f"{desk}/desk/incidents/1/#steps")
    expect(
        page.get_by_text("Cyhoeddwyd yr ymddiheuriad fel neges 2. Nesaf: gwneud iawn.")
    ).to_be_visible()
    no_command_line_words(page)
    axe.check(page)

    # Make amends: the preview in Welsh, then the correction.
    press(page, page.get_by_role("link", name="Ysgrifennu'r cywiriad"))
    page.wait_for_url(f"{desk}/desk/posts/1/correct/")
    type_into(
        page,
        page.get_by_label("Y geiriad cywir"),
        "Witness appeal: the appeal closes on 14 May. Call 101 with information.",
    )
    type_into(page, page.get_by_label("Pam cafodd ei chywiro"), "Mae'r apêl yn cau ar 14 Mai.")
    expect(page.get_by_role("heading", name="Ar y dudalen gyhoeddus")).to_be_visible()
    axe.check(page, f"cy-{width}-correct")
    press(page, page.get_by_role("button", name="Cyhoeddi'r cywiriad"))
    page.wait_for_url(f"{desk}/desk/incidents/1/#steps")
    expect(page.get_by_text("Cywirwyd neges 1: mae fersiwn 2 yn gyhoeddus.")).to_be_visible()
    no_command_line_words(page)
    axe.check(page, f"cy-{width}-incident-after")
    context.close()
    assert axe.problems == []
    assert len(axe.checked) == 8
