"""A witness serving 100 logs, each sending a checkpoint every second (target: add-checkpoint
p95 ≤ 50 ms at 100 requests/s), on SQLite and on PostgreSQL, through the real `amends witness
serve`.

Each log is simulated here: its own signing key and origin, one leaf more per checkpoint, and
every request body (old size, RFC 9162 consistency proof, signed checkpoint) made before the
clock starts. The load is open-loop: request i is due at start + i / rate, and its latency is
counted from when it was due, so a witness that falls behind shows it. The baseline is the same
load on the same server for a log it does not witness (parsed and answered 404: no signature
checked, nothing stored, nothing signed). Then a closed-loop run with 16 senders (each log's
requests in order) finds the throughput.
"""

import hashlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.common import POSTGRES, env_for, free_port, step, verdict

LOGS = 100
SECONDS = 30
RATE = LOGS  # each log once a second
SENDERS = 16
TARGET_P95_MS = 50.0


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _root(leaves: list[bytes]) -> bytes:
    if len(leaves) == 1:
        return leaves[0]
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return _node(_root(leaves[:k]), _root(leaves[k:]))


def _subproof(m: int, leaves: list[bytes], complete: bool) -> list[bytes]:
    """RFC 9162 2.1.4.1 SUBPROOF."""
    n = len(leaves)
    if m == n:
        return [] if complete else [_root(leaves)]
    k = 1 << ((n - 1).bit_length() - 1)
    if m <= k:
        return [*_subproof(m, leaves[:k], complete), _root(leaves[k:])]
    return [*_subproof(m - k, leaves[k:], False), _root(leaves[:k])]


def prepare(folder: str, steps: str) -> dict:
    """Step (in the witness's environment): make LOGS logs, register each with the witness,
    and write every request body, in the order they are due, to ``folder``."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amends.settings")
    django.setup()
    from amends.record.note import CheckpointBody, Signer
    from amends.witness import side
    from amends.witness.cosignature import AddCheckpoint

    out = Path(folder)
    logs = []
    for n in range(LOGS):
        signer = Signer.generate(f"bench-{n}.police.example/amends")
        side.add_log(signer.name, str(signer.verifier))
        logs.append((signer, [hashlib.sha256(b"\x00" + f"{n}:0".encode()).digest()]))
    bodies, strangers = [], []
    stranger = Signer.generate("unknown.police.example/amends")
    for t in range(int(steps)):
        for n, (signer, leaves) in enumerate(logs):
            old = len(leaves) if t else 0
            leaves.append(hashlib.sha256(b"\x00" + f"{n}:{t + 1}".encode()).digest())
            body = CheckpointBody(signer.name, len(leaves), _root(leaves))
            proof = tuple(_subproof(old, leaves, True)) if old else ()
            bodies.append((n, AddCheckpoint(old, proof, signer.sign(body.text())).body()))
            if t == 0:
                unknown = CheckpointBody(stranger.name, len(leaves), _root(leaves))
                strangers.append(AddCheckpoint(0, (), stranger.sign(unknown.text())).body())
    (out / "bodies.json").write_text(
        json.dumps([[n, body.decode()] for n, body in bodies], ensure_ascii=False)
    )
    (out / "strangers.json").write_text(json.dumps([b.decode() for b in strangers]))
    return {"requests": len(bodies)}


def _open_loop(url: str, bodies: list[bytes], rate: float) -> tuple[list[float], dict, float]:
    """Send ``bodies`` at ``rate`` per second, each when due, from SENDERS threads; latencies
    in ms counted from when each was due, statuses counted, seconds taken."""
    import httpx

    start = time.perf_counter() + 0.5
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    turn = iter(range(len(bodies)))

    def sender():
        with httpx.Client(timeout=30) as client:
            while True:
                with lock:
                    i = next(turn, None)
                if i is None:
                    return
                due = start + i / rate
                wait = due - time.perf_counter()
                if wait > 0:
                    time.sleep(wait)
                answer = client.post(url, content=bodies[i])
                took = (time.perf_counter() - due) * 1000
                with lock:
                    latencies.append(took)
                    statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1

    threads = [threading.Thread(target=sender) for _ in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, statuses, time.perf_counter() - start


def _closed_loop(url: str, by_log: dict[int, list[bytes]]) -> tuple[float, dict]:
    """SENDERS senders, each owning whole logs (a log's checkpoints go in order), as fast as
    the witness answers: requests per second."""
    import httpx

    statuses: dict[int, int] = {}
    lock = threading.Lock()
    shares = [list(by_log)[i::SENDERS] for i in range(SENDERS)]

    def sender(logs: list[int]):
        with httpx.Client(timeout=30) as client:
            for position in range(max(len(by_log[n]) for n in logs)):
                for n in logs:
                    if position < len(by_log[n]):
                        status = client.post(url, content=by_log[n][position]).status_code
                        with lock:
                            statuses[status] = statuses.get(status, 0) + 1

    started = time.perf_counter()
    threads = [threading.Thread(target=sender, args=(share,)) for share in shares]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(statuses.values()) / (time.perf_counter() - started), statuses


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def _run(env: dict, folder: Path) -> dict:
    subprocess.run([sys.executable, "-m", "amends", "migrate"], env=env, check=True,
                   capture_output=True)  # fmt: skip
    steps = SECONDS * 2  # the open loop uses the first half, the closed loop the rest
    step(["prepare", str(folder), str(steps)], env, module="benchmarks.witness")
    pairs = json.loads((folder / "bodies.json").read_text())
    bodies = [body.encode() for _, body in pairs]
    strangers = [b.encode() for b in json.loads((folder / "strangers.json").read_text())]
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "amends", "witness", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/add-checkpoint"
    try:
        import httpx

        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(url, timeout=2)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise SystemExit("amends witness serve did not answer") from None
                time.sleep(0.2)
        open_count = LOGS * SECONDS
        baseline = _open_loop(url, (strangers * SECONDS)[:open_count], RATE)
        measured = _open_loop(url, bodies[:open_count], RATE)
        by_log: dict[int, list[bytes]] = {}
        for n, body in pairs[open_count:]:
            by_log.setdefault(n, []).append(body.encode())
        throughput, closed_statuses = _closed_loop(url, by_log)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return {"baseline": baseline, "measured": measured, "throughput": (throughput, closed_statuses)}


def bench(table) -> str:
    from benchmarks.__main__ import drop_postgres, postgres_database

    rows = []
    runs = [("SQLite", None)]
    name = postgres_database()
    if name is not None:
        runs.append(("PostgreSQL", f"{POSTGRES}/{name}"))
    try:
        for label, url in runs:
            folder = Path(tempfile.mkdtemp(prefix="amends-witness-"))
            result = _run(env_for(folder, url), folder)
            base_lat, _base_status, _ = result["baseline"]
            lat, statuses, seconds = result["measured"]
            rate, closed = result["throughput"]
            p95, base_p95 = _percentile(lat, 95), _percentile(base_lat, 95)
            ok = statuses.get(200, 0) == len(lat) and closed.get(200, 0) == sum(closed.values())
            rows += [
                [
                    f"{label}: add-checkpoint, {LOGS} logs × 1/s for {SECONDS} s (p50 / p95 / p99)",
                    f"{statistics.median(lat):.1f} / {p95:.1f} / {_percentile(lat, 99):.1f} ms",
                    f"{p95 / base_p95:.2f}× p95",
                    f"p95 ≤ {TARGET_P95_MS:.0f} ms",
                    verdict(ok and p95 <= TARGET_P95_MS),
                ],
                [
                    f"{label}: baseline, an unknown log answered 404 (p50 / p95 / p99)",
                    f"{statistics.median(base_lat):.1f} / {base_p95:.1f} / "
                    f"{_percentile(base_lat, 99):.1f} ms",
                    "1.00× p95",
                    "",
                    "",
                ],
                [
                    f"{label}: achieved rate, all cosigned",
                    f"{len(lat) / seconds:.0f} req/s; {statuses}",
                    "",
                    f"{RATE} req/s, all 200",
                    verdict(ok),
                ],
                [
                    f"{label}: throughput, {SENDERS} senders as fast as answered",
                    f"{rate:.0f} req/s; {closed}",
                    f"{rate / RATE:.1f}× the load",
                    "",
                    "",
                ],
            ]
    finally:
        if name is not None:
            drop_postgres(name)
    return table(
        "Witness: add-checkpoint under 100 logs each sending every second (`amends witness serve`)",
        ["measure", "figure", "ratio", "target", ""],
        rows,
    )


if __name__ == "__main__":
    print(json.dumps(prepare(*sys.argv[2:]) if sys.argv[1] == "prepare" else {}))
