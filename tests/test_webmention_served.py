"""The Webmention endpoint of the real `amends serve`, under concurrent senders: mentions are
kept many to a commit (amends.copies.keeping), yet every one answered 202 is on disk, each
sending host gets exactly its hourly allowance however its requests interleave (the two server
processes' keepers take turns, on SQLite and on PostgreSQL), and the others keep coming in."""

import json
import subprocess
import sys
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.conftest import amends_each
from tests.support.net import free_port
from tests.support.serve import serving

KEPT = """
import django, json
django.setup()
from amends.copies.models import Webmention
print(json.dumps(sorted(Webmention.objects.values_list("source", flat=True))))
"""


def test_concurrent_senders_are_all_kept_and_each_host_held_to_its_allowance(fresh_database):
    port = free_port()
    env = {
        **fresh_database,
        "AMENDS_SITE_URL": f"http://127.0.0.1:{port}",
        "AMENDS_WEBMENTION_PER_HOST": "40",
        "AMENDS_SERVE_WORKER": "false",
    }
    amends_each(
        [
            ["user", "add", "alice", "--role", "author"],
            ["account", "add", "house:news", "--name", "Example Police"],
            ["post", "house:news", "--text", "Road closed on Mill Lane.", "--as", "alice"],
        ],
        env,
    )
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

        def again(n: int) -> int:
            # The same two mentions sent over and over at once (a sender retrying), reaching
            # both server processes: each kept once, none refused for the other's row.
            body = urllib.parse.urlencode(
                {"source": f"https://again{n % 2}.example/p", "target": target}
            )
            return httpx.post(
                f"{served.url}/webmention",
                content=body,
                headers={"Content-Type": "application/x-www-form-urlencoded"},
                timeout=60,
            ).status_code

        with ThreadPoolExecutor(32) as pool:
            answers = list(pool.map(send, range(400)))
            repeated = list(pool.map(again, range(60)))
    assert repeated == [202] * 60
    statuses = [status for _, status in answers]
    assert set(statuses) <= {202, 429}
    flood = [status for source, status in answers if "flood" in source]
    assert flood.count(202) == 40  # exactly the allowance, however the requests interleaved
    assert [s for source, s in answers if "flood" not in source] == [202] * 200
    # Every mention answered 202 is on disk, and nothing else.
    read = subprocess.run(
        [sys.executable, "-c", KEPT],
        env={**env, "DJANGO_SETTINGS_MODULE": "amends.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    kept = set(json.loads(read.stdout))
    assert kept == {source for source, status in answers if status == 202} | {
        "https://again0.example/p",
        "https://again1.example/p",
    }
