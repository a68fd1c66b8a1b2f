"""The Webmention endpoint of the real `amends serve`, under concurrent senders: mentions are
kept many to a commit (amends.copies.keeping), yet every one answered 202 is on disk, each
sending host gets exactly its hourly allowance however its requests interleave, and the others
keep coming in."""

import os
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.conftest import amends
from tests.support.net import free_port
from tests.support.serve import serving

pytestmark = pytest.mark.once  # its own SQLite home, whatever the database under test


def test_concurrent_senders_are_all_kept_and_each_host_held_to_its_allowance(tmp_path):
    port = free_port()
    home = tmp_path / "force"
    home.mkdir()
    env = {
        **os.environ,
        "AMENDS_HOME": str(home),
        "AMENDS_DATABASE_URL": f"sqlite:///{home / 'amends.sqlite3'}",
        "AMENDS_SITE_URL": f"http://127.0.0.1:{port}",
        "AMENDS_WEBMENTION_PER_HOST": "40",
        "AMENDS_SERVE_WORKER": "false",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    amends(["migrate"], env)
    amends(["user", "add", "alice", "--role", "author"], env)
    amends(["account", "add", "house:news", "--name", "Example Police"], env)
    amends(["post", "house:news", "--text", "Road closed on Mill Lane.", "--as", "alice"], env)
    with serving(env, port=port, args=("--workers", "2")) as served:
        target = f"{served.url}/posts/1/"

        def send(n: int) -> tuple[str, int]:
            host = "flood.example" if n % 2 else f"blog{n}.example"
            source = f"https://{host}/p/{n}"
            body = urllib.parse.urlencode({"source": source, "target": target})
            answer = httpx.post(
                f"{served.url}/webmention",
                content=body,
                headers={"Content-Type": "application/x-www-form-urlencoded"},
                timeout=60,
            )
            return source, answer.status_code

        with ThreadPoolExecutor(32) as pool:
            answers = list(pool.map(send, range(400)))
    statuses = [status for _, status in answers]
    assert set(statuses) <= {202, 429}
    flood = [status for source, status in answers if "flood" in source]
    assert flood.count(202) == 40  # exactly the allowance, however the requests interleaved
    assert [s for source, s in answers if "flood" not in source] == [202] * 200
    # Every mention answered 202 is on disk, and nothing else.
    import sqlite3

    with sqlite3.connect(home / "amends.sqlite3") as db:
        rows = {r[0] for r in db.execute("SELECT source FROM copies_webmention")}
    assert rows == {source for source, status in answers if status == 202}
