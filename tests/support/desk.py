"""The staff desk served for real (`amends serve` on a fresh database with five people, the
house account and one post) and driven in Chromium, with axe-core on every page visited.
Fixtures for the browser tests of the desk."""

from pathlib import Path

import pytest

from tests.support.browser import chromium
from tests.support.serve import serving

PASSWORD = "correct horse battery staple"
ORIGINAL = "Witness appeal: the appeal closes on 4 May. Call 101 with information."


@pytest.fixture
def desk(fresh_database, tmp_path):
    """``amends serve`` on a fresh database with five people, the house account and one post."""
    from tests.conftest import amends_each  # the conftest imports this module

    env = fresh_database
    secret = tmp_path / "password"
    secret.write_text(PASSWORD)
    people = [
        ("alice", "author"),
        ("sam", "supervisor"),
        ("sally", "supervisor"),
        ("fiona", "auditor"),
        ("adam", "admin"),
    ]
    amends_each(
        [
            *(["user", "add", name, "--role", role, "--password-file", str(secret)]
              for name, role in people),
            ["account", "add", "house:news", "--name", "Example Police"],
            ["post", "house:news", "--text", ORIGINAL, "--as", "alice"],
        ],
        env,
    )  # fmt: skip
    with serving(env, ready="/desk/sign-in/") as served:
        yield served.url


@pytest.fixture
def browser(desk):
    with chromium() as launched:
        yield launched


class Checker:
    """axe-core on every page visited, and screenshots of the main ones."""

    def __init__(self, shots: Path):
        from axe_playwright_python.sync_playwright import Axe

        self.axe = Axe()
        self.shots = shots
        self.problems: list[str] = []
        self.checked: list[str] = []

    def check(self, page, shot: str | None = None) -> None:
        page.wait_for_load_state("networkidle")  # htmx requests and navigations have settled
        for violation in self.axe.run(page).response["violations"]:
            if violation["impact"] in ("serious", "critical"):
                nodes = [n["target"] for n in violation["nodes"]][:3]
                self.problems.append(f"{page.url}: {violation['id']} {nodes}")
        # No page scrolls sideways, at the phone's width or the desktop's.
        width = page.viewport_size["width"] if page.viewport_size else 1280
        wide = page.evaluate("document.documentElement.scrollWidth")
        if wide > width:
            self.problems.append(f"{page.url}: {wide} px wide at {width} px")
        self.checked.append(page.url)
        if shot:
            page.screenshot(path=str(self.shots / f"desk-{shot}.png"), full_page=True)


def sign_in(context, desk: str, name: str):
    page = context.new_page()
    page.goto(f"{desk}/desk/")
    assert "/desk/sign-in/" in page.url  # anonymous visitors are sent to sign in
    page.locator("input[name=username]").fill(name)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{desk}/desk/")
    return page
