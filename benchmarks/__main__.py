"""``make bench``: measure Amends and print tables, figures beside their baselines and targets.

Environment: AMENDS_BENCH_ENTRIES (default 1,000,000) sets the size of the log to verify;
AMENDS_BENCH_DIR (default /tmp/amends-bench) keeps built logs between runs;
AMENDS_BENCH_POSTGRES_URL (default the server on 127.0.0.1:5432) for the PostgreSQL rows.

    python -m benchmarks              every section
    python -m benchmarks desk site    only the sections named (verification, proofs, appends,
                                      site, slow, desk, delivery,
                                      removal, evidence, imports,
                                      operations, monitor, witness, copies)
"""

import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import uuid
from pathlib import Path

from benchmarks import desk_load
from benchmarks.common import (
    POSTGRES,
    WORK,
    env_for,
    free_port,
    step,
    table,
    timed_command,
    verdict,
    wait_for,
    wrk,
)

ENTRIES = int(os.environ.get("AMENDS_BENCH_ENTRIES", "1000000"))
FORMAT_VERSION = "2"  # bump when the stored format changes, to rebuild cached logs
SITE_FORMAT = "2"  # bump when the rendered site changes, to rebuild the cached site


def built_log() -> tuple[Path, dict]:
    home = WORK / f"log-{ENTRIES}"
    marker = home / "built.json"
    if marker.exists():
        info = json.loads(marker.read_text())
        if info.get("format") == FORMAT_VERSION and info.get("size") == ENTRIES:
            return home, {**info, "cached": True}
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    info = step(["build", str(ENTRIES)], env_for(home))
    info["format"] = FORMAT_VERSION
    marker.write_text(json.dumps(info))
    return home, {**info, "cached": False}


def postgres_database() -> str | None:
    try:
        import psycopg

        admin = psycopg.connect(f"{POSTGRES}/postgres", autocommit=True, connect_timeout=3)
    except Exception as error:
        print(f"(PostgreSQL rows skipped: {error})".strip())
        return None
    name = f"amends_bench_{uuid.uuid4().hex[:8]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return name


def drop_postgres(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


RUNS = 3


def bench_verification(home: Path, info: dict) -> str:
    """Median of three timed runs each; peak memory from a separate, sampled run."""
    env = env_for(home)
    bases = [step(["baseline"], env) for _ in range(RUNS)]
    base = statistics.median(b["seconds"] for b in bases)
    runs = {}
    for workers in ("all", "1"):
        args = [sys.executable, "-m", "amends", "verify", "--json"]
        if workers == "1":
            args += ["--workers", "1"]
        times = []
        for _ in range(RUNS):
            seconds, _, out = timed_command(args, env, sample=False)
            result = json.loads(out)
            if not result["ok"] or result["root"] != bases[0]["root"]:
                raise SystemExit(f"verification disagrees with the baseline: {result}")
            times.append(seconds)
        _, peak, _ = timed_command(args, env, sample=True)
        runs[workers] = (statistics.median(times), peak)
    seconds, peak = runs["all"]
    one_seconds, one_peak = runs["1"]
    ratio = seconds / base
    mb = 1024 * 1024
    rows = [
        ["log size (entries)", f"{result['size']:,}", "", "", ""],
        ["leaf data (bytes, first entry)", str(info["leaf_bytes"]), "", "", ""],
        [
            "build (append_events, 10k batches)",
            "cached" if info["cached"] else f"{info['seconds']:.1f} s",
            "",
            "",
            "",
        ],
        ["bare hashlib root of the same leaves (baseline)", f"{base:.2f} s", "1.00×", "", ""],
        [
            "`amends verify` (all cores), whole command",
            f"{seconds:.2f} s",
            f"{ratio:.2f}×",
            "≤ 10 s and ≤ 2.5×",
            verdict(seconds <= 10 and ratio <= 2.5),
        ],
        [
            "`amends verify --workers 1`",
            f"{one_seconds:.2f} s",
            f"{one_seconds / base:.2f}×",
            "",
            "",
        ],
        [
            "peak memory of `amends verify` (PSS, all processes)",
            f"{peak / mb:.0f} MB",
            "",
            "≤ 300 MB",
            verdict(peak <= 300 * mb),
        ],
        [
            "peak memory of `amends verify --workers 1`",
            f"{one_peak / mb:.0f} MB",
            "",
            "≤ 300 MB",
            verdict(one_peak <= 300 * mb),
        ],
    ]
    return table(
        f"Full verification of a {result['size']:,}-entry SQLite record (content present; "
        f"times are medians of {RUNS} runs)",
        ["measure", "figure", "vs baseline", "target", ""],
        rows,
    )


def bench_proofs(home: Path) -> str:
    result = step(["proofs", "2000"], env_for(home))
    rows = [
        [
            "inclusion proofs per second",
            f"{result['inclusion_per_second']:,.0f}",
            "≥ 2,000",
            verdict(result["inclusion_per_second"] >= 2000),
        ],
        [
            "consistency proofs per second",
            f"{result['consistency_per_second']:,.0f}",
            "≥ 2,000",
            verdict(result["consistency_per_second"] >= 2000),
        ],
    ]
    return table(
        f"Proofs on the {ENTRIES:,}-entry log (each checked before it is returned)",
        ["measure", "figure", "target", ""],
        rows,
    )


def bench_appends() -> str:
    rows = []
    for label, on_postgres in (("SQLite (WAL, synchronous=FULL)", False), ("PostgreSQL", True)):
        figures = {}
        for mode, n in (("single", 2000), ("batch", 20000)):
            home = WORK / f"appends-{uuid.uuid4().hex[:8]}"
            home.mkdir(parents=True)
            name = postgres_database() if on_postgres else None
            if on_postgres and name is None:
                break
            try:
                url = f"{POSTGRES}/{name}" if name else None
                figures[mode] = step(["appends", mode, str(n)], env_for(home, url))
            finally:
                shutil.rmtree(home, ignore_errors=True)
                if name:
                    drop_postgres(name)
        if len(figures) == 2:
            single, batch = figures["single"]["per_second"], figures["batch"]["per_second"]
            rows.append([label, f"{single:,.0f}", f"{batch:,.0f}", f"{batch / single:.1f}×"])
    return table(
        "Appends per second (entries with content)",
        ["database", "one transaction per event", "batches of 100", "batch vs single"],
        rows,
    )


SITE_POSTS, SITE_CORRECTIONS = 10_000, 1_000


def built_site() -> tuple[Path, dict]:
    home = WORK / f"site-{SITE_POSTS}-{SITE_CORRECTIONS}"
    marker = home / "built.json"
    if marker.exists():
        info = json.loads(marker.read_text())
        if info.get("format") == SITE_FORMAT:
            return home, {**info, "cached": True}
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    info = site_step(["build", str(SITE_POSTS), str(SITE_CORRECTIONS)], env_for(home))
    info["format"] = SITE_FORMAT
    marker.write_text(json.dumps(info))
    return home, {**info, "cached": False}


def site_step(args: list[str], env: dict) -> dict:
    return step(args, env, "benchmarks.site")


def bench_site() -> str:
    home, info = built_site()
    env = env_for(home)
    latency = site_step(["latency", "200"], env)
    path = f"/posts/{info['sample_post']}/"

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "amends", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_for(port)
        ours = wrk(f"http://127.0.0.1:{port}{path}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    nginx_dir = WORK / "nginx"
    nginx_dir.mkdir(exist_ok=True)
    nginx_port = free_port()
    (nginx_dir / "nginx.conf").write_text(
        f"""worker_processes 2;
pid {nginx_dir}/nginx.pid;
error_log {nginx_dir}/error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  default_type text/html;
  server {{
    listen 127.0.0.1:{nginx_port};
    root {home / "site"};
    location / {{ try_files $uri $uri/index.html =404; }}
  }}
}}
"""
    )
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    subprocess.run([nginx, "-c", str(nginx_dir / "nginx.conf")], check=True)
    try:
        wait_for(nginx_port)
        theirs = wrk(f"http://127.0.0.1:{nginx_port}{path}")
    finally:
        subprocess.run([nginx, "-c", str(nginx_dir / "nginx.conf"), "-s", "stop"], check=False)

    share = ours[0] / theirs[0]
    rows = [
        ["site size", f"{info['posts']:,} posts, {info['corrections']:,} corrections", "", ""],
        [
            "`amends serve` (2 workers): requests/s",
            f"{ours[0]:,.0f}",
            "≥ 50% of nginx",
            verdict(share >= 0.5),
        ],
        ["nginx (2 workers), same files: requests/s", f"{theirs[0]:,.0f}", "baseline", ""],
        ["`amends serve` share of nginx", f"{share:.0%}", "≥ 50%", verdict(share >= 0.5)],
        ["`amends serve` p99 latency", f"{ours[1]:.1f} ms", "≤ 20 ms", verdict(ours[1] <= 20)],
        ["nginx p99 latency", f"{theirs[1]:.1f} ms", "", ""],
        [
            "correction: pages re-rendered after commit, p50",
            f"{latency['render_p50_ms']:.1f} ms",
            "",
            "",
        ],
        [
            "correction: pages re-rendered after commit, p95",
            f"{latency['render_p95_ms']:.1f} ms",
            "≤ 100 ms",
            verdict(latency["render_p95_ms"] <= 100),
        ],
        [
            "correction: whole action (record, commit, pages), p95",
            f"{latency['action_p95_ms']:.1f} ms",
            "",
            "",
        ],
    ]
    return table(
        "Public site: a post page under load (wrk, 64 connections, 10 s) and page updates",
        ["measure", "figure", "target", ""],
        rows,
    )


SECTIONS = (
    "verification",
    "proofs",
    "appends",
    "site",
    "slow",
    "desk",
    "delivery",
    "removal",
    "evidence",
    "imports",
    "operations",
    "monitor",
    "witness",
    "copies",
)


def main() -> None:
    chosen = sys.argv[1:] or list(SECTIONS)
    unknown = [s for s in chosen if s not in SECTIONS]
    if unknown:
        raise SystemExit(f"unknown section {unknown[0]!r}; sections: {', '.join(SECTIONS)}")
    WORK.mkdir(parents=True, exist_ok=True)
    print(f"Amends benchmarks — {os.cpu_count()} cores, Python {sys.version.split()[0]}\n")
    if "verification" in chosen or "proofs" in chosen:
        home, info = built_log()
        if "verification" in chosen:
            print(bench_verification(home, info))
        if "proofs" in chosen:
            print(bench_proofs(home))
    if "appends" in chosen:
        print(bench_appends())
    if "site" in chosen:
        print(bench_site())
    if "slow" in chosen:
        from benchmarks import slow

        print(slow.bench(WORK, table))
    if "desk" in chosen:
        print(desk_load.bench_desk())
    if "delivery" in chosen:
        from benchmarks import delivery

        print(delivery.bench(POSTGRES, WORK, table))
    if "removal" in chosen:
        from benchmarks import removal

        print(removal.bench(WORK, table))
    if "evidence" in chosen:
        from benchmarks import evidence

        print(evidence.bench(WORK, table))
    if "imports" in chosen:
        from benchmarks import imports

        print(imports.bench(WORK, table, step, env_for))
    if "operations" in chosen:
        from benchmarks import operations

        site_home, site_info = built_site()
        site = (site_home / "site", f"/posts/{site_info['sample_post']}/")
        print(operations.bench(table, site, built_log(), env_for))
    if "monitor" in chosen:
        from benchmarks import monitor

        print(monitor.bench(table, built_log()))
    if "copies" in chosen:
        from benchmarks import copies

        print(copies.bench(WORK, table, step, env_for))
    if "witness" in chosen:
        from benchmarks import witness

        print(witness.bench(table))


if __name__ == "__main__":
    main()
