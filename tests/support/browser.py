"""Debian's Chromium driven by Playwright, for the browser tests. scripts/test-all finds it
(AMENDS_TEST_CHROMIUM); in CI it must be there, elsewhere a missing one skips the test."""

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

CHROMIUM = os.environ.get("AMENDS_TEST_CHROMIUM") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def chromium() -> Iterator:
    """A launched browser. Start it after the test's database work: Playwright runs an event
    loop in this thread, and Django refuses database work beside one."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium is missing at {CHROMIUM}; CI must run the browser tests")
        pytest.skip(f"SKIPPED: no Chromium at {CHROMIUM} (run ./scripts/browser as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield launched
        finally:
            launched.close()
