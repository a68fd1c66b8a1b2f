"""The README is a walkthrough that runs: every shell block, in order, in a throwaway home, with
the server started as the README says, and the pages it tells you to open fetched.

Commands are taken as written. The only changes: the two `make` commands are what this suite is
run by, so they are not run again; the server listens on a free port instead of 8000; and the
Bluesky block talks to the real PDS on loopback instead of bsky.social, with an account made on
it for the README's handle.
"""

import os
import re
import subprocess
import uuid
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.support import serve
from tests.support.net import free_port

pytestmark = pytest.mark.once  # the same whatever the database

README = ROOT / "README.md"
PASSWORD = "a long pds password for the readme"


def shell_blocks(text: str) -> list[str]:
    return re.findall(r"```sh\n(.*?)```", text, re.S)


def commands(block: str) -> list[str]:
    """The commands of a block: every line, or, where the block shows a session (``$ cmd``
    followed by its output), the lines after a prompt. The two make commands are left out."""
    lines = [line for line in block.splitlines() if line.strip()]
    if any(line.startswith("$ ") for line in lines):
        lines = [line[2:] for line in lines if line.startswith("$ ")]
    return [line for line in lines if not line.startswith("make ")]


def fetch(url: str) -> tuple[int, str]:
    status, body = serve.fetch(url)
    return status, body.decode()


def test_the_readme_runs_as_written(fresh_database, tmp_path, pds):
    text = README.read_text()
    blocks = shell_blocks(text)
    assert len(blocks) >= 5, "the README's walkthrough blocks were not found"
    assert blocks[0].startswith("make run")
    assert commands(blocks[0]) == []  # the two make commands: this suite is what they run

    # The README's Bluesky account, on the real PDS.
    _did, handle = pds.create_account(f"readme{uuid.uuid4().hex[:8]}.test", PASSWORD)
    work = tmp_path / "work"
    work.mkdir()
    (work / ".venv").symlink_to(ROOT / ".venv")
    (work / "app-password.txt").write_text(PASSWORD + "\n")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **fresh_database,
        "PATH": f"{ROOT / '.venv' / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "AMENDS_SITE_URL": base,
    }
    with serve.serving(env, port=port):
        script = ["set -euo pipefail"]
        for block in blocks:
            for command in commands(block):
                command = command.replace("https://bsky.social", pds.url)
                command = command.replace("police.bsky.social", handle)
                script.append(command)
        result = subprocess.run(
            ["bash", "-c", "\n".join(script)],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, f"{result.stderr}\n(ran:\n" + "\n".join(script) + ")"

        # The pages the README says to open, answering as it says.
        status, page = fetch(f"{base}/posts/1/")
        assert status == 200
        assert "<del" in page
        assert "14" in page
        status, page = fetch(f"{base}/corrections/")
        assert status == 200
        assert "/posts/1/" in page
        status, page = fetch(f"{base}/desk/")
        assert status == 200  # the sign-in page, after the redirect
        assert "Sign in" in page
    assert Path(work / "incident-1.zip").exists()
    assert '"ok": true' in result.stdout  # amends verify --json
