"""Helpers the benchmark sections share: where they work, the PostgreSQL server, running a step
in a process of its own, memory of a process tree, the printed tables, and local ports.
"""

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

WORK = Path(os.environ.get("AMENDS_BENCH_DIR", "/tmp/amends-bench"))
POSTGRES = os.environ.get("AMENDS_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")


def env_for(home: Path, database_url: str | None = None) -> dict:
    env = {**os.environ, "AMENDS_HOME": str(home), "AMENDS_CHECKPOINT_INTERVAL": "3600"}
    env.setdefault("AMENDS_ALLOW_PRIVATE_ADDRESSES", "true")  # the servers are on loopback
    env["AMENDS_DATABASE_URL"] = database_url or f"sqlite:///{home / 'amends.sqlite3'}"
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def step(args: list[str], env: dict, module: str = "benchmarks.record") -> dict:
    """Run one benchmark step in a process of its own; it prints one JSON object last."""
    out = subprocess.run(
        [sys.executable, "-m", module, *args],
        env=env,
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        # The step's own error says what went wrong; the exit status alone does not.
        raise SystemExit(f"{module} {' '.join(args)} failed:\n{out.stderr.strip()[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def pss_of_tree(root_pid: int) -> int:
    """Proportional set size, in bytes, of a process and all its descendants."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    parent = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry))
    total, todo = 0, [root_pid]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            with open(f"/proc/{pid}/smaps_rollup") as handle:
                for line in handle:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
        except OSError:
            continue
    return total


def table(title: str, header: list[str], rows: list[list[str]]) -> str:
    lines = [
        f"### {title}",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "|".join(" --- " for _ in header) + "|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit(f"nothing answered on port {port}")


def timed_command(
    args: list[str], env: dict, *, sample: bool, timeout: float | None = None
) -> tuple[float | None, int, str]:
    """Run a command; return its wall time (None if it ran past ``timeout`` and was stopped),
    the peak memory of its whole process tree (if ``sample``: reading /proc costs CPU, so timing
    runs do not sample), and its stdout."""
    started = time.perf_counter()
    process = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, text=True)
    peak = 0
    stop = threading.Event()

    def sampling():
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, pss_of_tree(process.pid))
            stop.wait(0.1)

    sampler = threading.Thread(target=sampling, daemon=True)
    if sample:
        sampler.start()
    try:
        out, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        return None, peak, ""
    finally:
        stop.set()
        if sample:
            sampler.join()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed: {out}")
    return seconds, peak, out


def wrk(url: str) -> tuple[float, float]:
    """Requests per second and p99 latency (ms) at 64 connections for 10 seconds, after a
    warm-up (a server's workers may still be starting when its port first answers)."""
    subprocess.run(["wrk", "-t2", "-c64", "-d3s", url], capture_output=True, check=True)
    out = subprocess.run(
        ["wrk", "-t2", "-c64", "-d10s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", out).groups()
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        raise SystemExit(f"{url} answered errors under load: {non_2xx.group(1)}")
    return rps, float(value) * scale
