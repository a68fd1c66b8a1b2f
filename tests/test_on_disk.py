"""What is left on disk (security issue, finding 9): SQLite files readable by their owner only,
and no copy of sealed wording in the database or its write-ahead log after a deletion.

These run the real command line on a real SQLite file in both passes of ``make test``: the
write-ahead log and file modes are SQLite's own."""

import json
import os
import stat
import subprocess
import sys

from tests.conftest import amends

WORDING = b"Zanzibarquux lives at 12 Example Street"


def sqlite_env(tmp_path) -> tuple[dict, str]:
    home = tmp_path / "home"
    home.mkdir()
    database = home / "amends.sqlite3"
    env = {
        **os.environ,
        "AMENDS_HOME": str(home),
        "AMENDS_DATABASE_URL": f"sqlite:///{database}",
        "AMENDS_CHECKPOINT_INTERVAL": "3600",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    amends(["migrate"], env)
    return env, str(database)


def test_the_database_and_its_journal_are_readable_by_their_owner_only(tmp_path):
    env, database = sqlite_env(tmp_path)
    amends(["user", "add", "alice", "--role", "author"], env)
    amends(["account", "add", "house:news", "--name", "Example Police"], env)
    amends(["post", "house:news", "--text", "Road closed.", "--as", "alice"], env)
    files = [database + s for s in ("", "-wal", "-shm") if os.path.exists(database + s)]
    assert database in files
    for path in files:
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path


# A server process: publish, ask for the deletion and approve it in one process whose database
# connection stays open (as `amends serve` keeps its connections), then report which files hold
# the wording before that connection closes (closing the last one checkpoints the log anyway).
SERVER = """
import json, os
import django
django.setup()
from django.contrib.auth.models import User
from amends.actions import ApproveDeletion, Publish, RequestDeletion
alice, sam = User.objects.get(username="alice"), User.objects.get(username="sam")
post = Publish(alice, account="house:news", text=os.environ["WORDING"]).run()
asked = RequestDeletion(
    alice, post=post.pk, ground="prejudicial", explanation="Named a witness.", rationale="Live."
)
ApproveDeletion(sam, deletion=asked.run().pk, rationale="A witness.").run()
database = os.environ["AMENDS_DATABASE_URL"].removeprefix("sqlite:///")
found = {}
for suffix in ("", "-wal"):
    if os.path.exists(database + suffix):
        with open(database + suffix, "rb") as f:
            found[suffix or "database"] = f.read().count(os.environ["WORDING"].encode())
print(json.dumps(found))
"""


def test_after_a_deletion_no_file_holds_the_sealed_wording(tmp_path):
    env, _ = sqlite_env(tmp_path)
    for name, role in (("alice", "author"), ("sam", "supervisor")):
        amends(["user", "add", name, "--role", role], env)
    amends(["account", "add", "house:news", "--name", "Example Police"], env)
    env = {**env, "WORDING": WORDING.decode(), "DJANGO_SETTINGS_MODULE": "amends.settings"}
    result = subprocess.run(
        [sys.executable, "-c", SERVER], env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    copies = json.loads(result.stdout.strip().splitlines()[-1])
    assert "database" in copies
    assert copies == dict.fromkeys(copies, 0)
