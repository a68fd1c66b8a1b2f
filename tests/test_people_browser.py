"""Signing in, the second factor and People and accounts in a real browser.

An admin adds a person (after a refused weak password), sets up a second factor from the QR
code's key, signs out and back in with a code; too many wrong passwords show the pause. axe-core
checks every page on the way, and no page may trip the Content-Security-Policy.
"""

import time
from base64 import b32decode

import pytest
from django_otp.oath import hotp

from tests.support.desk import PASSWORD, Checker, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.once]


STEP = 30  # seconds a TOTP code lasts


def code(secret: str, step: int) -> str:
    """The code of time step ``step`` (seconds since the epoch // 30), whenever it is asked:
    the second sign-in needs the step after the one used to set the factor up, whatever the
    clock did meanwhile (a code used once, or one behind a confirmation that crossed into the
    next step, is refused, rightly)."""
    return f"{hotp(b32decode(secret.replace(' ', '')), step):06d}"


def test_people_and_the_second_factor_in_the_browser(desk, browser, tmp_path):
    axe = Checker(tmp_path)
    blocked: list[str] = []

    def new_context():
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.on(
            "console",
            lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
        )
        return context

    page = sign_in(new_context(), desk, "adam")

    page.get_by_role("link", name="People and accounts").click()
    page.wait_for_url(f"{desk}/desk/people/")
    axe.check(page)
    page.get_by_label("Name", exact=True).fill("bob")
    page.get_by_label("Role").select_option("supervisor")
    page.get_by_label("First password").fill("short")
    page.get_by_role("button", name="Add person").click()
    assert "too short" in page.locator("#add-user-password-error").inner_text()
    axe.check(page)
    page.get_by_label("First password").fill(PASSWORD)
    page.get_by_role("button", name="Add person").click()
    page.wait_for_url(f"{desk}/desk/people/")
    assert "bob can now sign in as supervisor." in page.locator(".messages").inner_text()
    page.get_by_role("link", name="bob", exact=True).click()
    axe.check(page)

    page.get_by_role("link", name="adam").click()
    page.wait_for_url(f"{desk}/desk/me/")
    axe.check(page)
    page.get_by_role("button", name="Set up a second factor").click()
    page.wait_for_url(f"{desk}/desk/me/second-factor/")
    axe.check(page)
    secret = page.locator("#secret").inner_text()
    confirmed = int(time.time()) // STEP
    page.get_by_label("Code").fill(code(secret, confirmed))
    page.get_by_role("button", name="Turn on the second factor").click()
    page.wait_for_url(f"{desk}/desk/me/")
    assert "Your second factor is on." in page.locator(".messages").inner_text()

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{desk}/desk/sign-in/")
    page.get_by_label("Name").fill("adam")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{desk}/desk/sign-in/code/")
    axe.check(page)
    page.get_by_label("Code").fill(code(secret, confirmed + 1))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{desk}/desk/")

    slowed = new_context().new_page()
    for n in range(6):
        slowed.goto(f"{desk}/desk/sign-in/")
        slowed.get_by_label("Name").fill("sam")
        slowed.get_by_label("Password").fill(f"guess {n}")
        slowed.get_by_role("button", name="Sign in").click()
    said = slowed.locator("#sign-in-error").inner_text()
    assert "too many failed attempts to sign in with this name or from your network" in said
    assert "ask an admin to set a new one" in said
    axe.check(slowed)

    assert axe.problems == []
    assert blocked == []
