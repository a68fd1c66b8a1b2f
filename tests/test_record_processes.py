"""Many processes, and processes killed mid-append: no fork, no gap, nothing acknowledged lost.

These run real processes against a fresh database of the kind under test: SQLite in the SQLite
pass, PostgreSQL in the PostgreSQL pass of ``make test``.
"""

import base64
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import amends, is_postgres

APPENDER = Path(__file__).parent / "support" / "appender.py"


def start(writer: str, count: int, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(APPENDER), writer, str(count)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def acknowledged(output: str) -> set[tuple[str, int]]:
    """The appends a writer said were done: whole lines only. A writer killed while printing
    leaves its last line torn, and a torn line was never said."""
    lines = output.split("\n")[:-1]  # the part after the last newline is unfinished
    return {(w, int(n)) for w, n, _ in (line.split() for line in lines)}


def recorded(env: dict) -> list[tuple[str, int]]:
    """Every (writer, n) in the log, read through the real command line."""
    found, start_at = [], 0
    while True:
        out = json.loads(
            amends(
                ["record", "entries", "--from", str(start_at), "--limit", "10000", "--json"], env
            ).stdout
        )
        if not out["entries"]:
            return found
        for entry in out["entries"]:
            data = json.loads(base64.b64decode(entry["leaf"]))["data"]
            found.append((data["writer"], data["n"]))
        start_at = out["entries"][-1]["seq"] + 1


def verified(env: dict) -> dict:
    result = amends(["verify", "--json"], env, check=False)
    out = json.loads(result.stdout)
    assert result.returncode == 0, out
    assert out["ok"] is True
    return out


def test_concurrent_writers_never_fork_the_log_or_lose_an_append(fresh_database):
    writers, each = (4, 150) if is_postgres() else (2, 150)
    env = {**fresh_database, "AMENDS_CHECKPOINT_INTERVAL": "0"}  # checkpoints race too
    processes = [start(f"w{i}", each, env) for i in range(writers)]
    outputs = []
    for process in processes:
        out, err = process.communicate(timeout=240)
        assert process.returncode == 0, err
        outputs.append(out)
    acks = set().union(*(acknowledged(out) for out in outputs))
    seqs = sorted(int(line.split()[2]) for out in outputs for line in out.splitlines())
    assert seqs == list(range(writers * each))  # every append got its own place, no gap
    entries = recorded(env)
    assert len(entries) == len(set(entries)) == writers * each
    assert set(entries) == acks
    assert verified(env)["checkpoints"] > 0


def test_killing_a_writer_at_random_moments_loses_nothing_acknowledged(fresh_database):
    rng = random.Random(int(os.environ.get("AMENDS_TEST_SEED", "2026")))
    env = {**fresh_database, "AMENDS_CHECKPOINT_INTERVAL": "0"}
    acks: set[tuple[str, int]] = set()
    kills = 12
    for round_ in range(kills):
        process = start(f"r{round_}", 0, env)
        first = process.stdout.readline()  # the writer is appending: kill it at a random moment
        time.sleep(rng.uniform(0, 0.4))
        process.send_signal(signal.SIGKILL)
        out, _ = process.communicate(timeout=30)
        acks |= acknowledged(first + out)
        if round_ % 4 == 3:  # after every fourth kill (and so after the last), checked whole
            result = verified(env)
            entries = recorded(env)
            assert result["size"] == len(entries)
            assert acks <= set(entries), "an acknowledged append was lost"
            assert len(entries) == len(set(entries))
    assert len(acks) >= kills  # every writer was appending when it was killed


def test_verifying_in_several_processes_agrees_with_one(fresh_database):
    support = Path(__file__).parent / "support" / "parallel_verify.py"
    result = subprocess.run(
        [sys.executable, str(support), "300", "201"],
        env=fresh_database,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["before"]["chunks"] >= 4
    assert out["before"]["one"] == out["before"]["many"]
    assert out["before"]["one"]["ok"] is True
    assert out["before"]["one"]["size"] == 300
    assert out["after"]["one"] == out["after"]["many"]
    assert out["after"]["many"] == {
        "ok": False,
        "seq": 201,
        "error": "entry 201: content does not match its commitment",
    }
