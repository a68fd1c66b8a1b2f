"""A real WordPress telling Amends it links to a post: its own pingback, sent by its cron
when a blog post linking to the force's post is published, reaches the real `amends serve`,
is checked by the worker and recorded as a copy found by ``pingback``; a Webmention sent for
another of its posts (WordPress sends none without a plugin) is checked against the page
WordPress serves, and when that post is taken down, sending it again makes the copy gone."""

import json
import os
import time

import httpx
import pytest

from tests.conftest import amends
from tests.support.net import free_port
from tests.support.serve import serving

pytestmark = pytest.mark.once  # its own SQLite home, whatever the database under test

WRONG = "Officers are looking for a red Ford Focus seen leaving Heol y Castell at 9pm on Tuesday."


def install(tmp_path, port: int) -> dict:
    home = tmp_path / "force"
    home.mkdir()
    env = {
        **os.environ,
        "AMENDS_HOME": str(home),
        "AMENDS_DATABASE_URL": f"sqlite:///{home / 'amends.sqlite3'}",
        "AMENDS_SITE_URL": f"http://127.0.0.1:{port}",
        "AMENDS_ALLOW_PRIVATE_ADDRESSES": "true",  # WordPress is on loopback here
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    amends(["migrate"], env)
    amends(["user", "add", "alice", "--role", "author"], env)
    amends(["account", "add", "house:news", "--name", "Example Police"], env)
    amends(["post", "house:news", "--text", WRONG, "--as", "alice"], env)  # post 1
    return env


def copies(env: dict, *, until, seconds: float = 60) -> list[dict]:
    """The post's copies once ``until(copies)`` holds, running the worker between looks."""
    deadline = time.monotonic() + seconds
    while True:
        amends(["worker", "--once"], env)
        found = json.loads(amends(["copies", "1", "--json"], env).stdout)["copies"]
        if until(found) or time.monotonic() > deadline:
            return found
        time.sleep(0.5)


def test_wordpress_pingbacks_and_webmentions_reach_the_register(tmp_path, wordpress):
    port = free_port()
    env = install(tmp_path, port)
    with serving(env, port=port) as served:
        target = f"{served.url}/posts/1/"
        seen = wordpress.client.post(
            "posts",
            json={
                "title": "Police looking for the wrong car?",
                "content": f'<p>Our local force says: <a href="{target}">{WRONG}</a></p>',
                "status": "publish",
            },
        ).json()
        httpx.get(f"{wordpress.url}/wp-cron.php", timeout=60)  # where WordPress sends pings
        found = copies(env, until=lambda found: len(found) == 1)
        assert len(found) == 1, served.output
        [pinged] = found
        assert pinged["url"] == seen["link"]
        assert pinged["found_by"] == "pingback"
        assert pinged["revision"] == 1
        assert pinged["shows_error"] is False  # nothing corrected yet

        quiet = wordpress.client.post(
            "posts",
            json={
                "title": "[no pingback] Another view",
                "content": f'<p>Read <a href="{target}">the appeal</a>.</p>',
                "status": "publish",
            },
        ).json()
        httpx.get(f"{wordpress.url}/wp-cron.php", timeout=60)
        sent = httpx.post(
            f"{served.url}/webmention", data={"source": quiet["link"], "target": target}
        )
        assert sent.status_code == 202
        found = copies(env, until=lambda found: len(found) == 2)
        by_url = {copy["url"]: copy for copy in found}
        assert by_url[quiet["link"]]["found_by"] == "webmention"

        # The blog takes that post down and says so again: the copy is gone from the register.
        wordpress.client.delete(f"posts/{quiet['id']}", params={"force": "true"})
        again = httpx.post(
            f"{served.url}/webmention", data={"source": quiet["link"], "target": target}
        )
        assert again.status_code == 202
        found = copies(env, until=lambda found: all(c["gone_at"] for c in found[1:]))
        gone = {copy["url"]: copy["gone_at"] for copy in found}
        assert gone[quiet["link"]] is not None
        assert gone[seen["link"]] is None
