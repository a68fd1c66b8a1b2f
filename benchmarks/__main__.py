"""``make bench``: measure Amends and print tables, figures beside their baselines and targets.

Environment: AMENDS_BENCH_ENTRIES (default 1,000,000) sets the size of the log to verify;
AMENDS_BENCH_DIR (default /tmp/amends-bench) keeps built logs between runs;
AMENDS_BENCH_POSTGRES_URL (default the server on 127.0.0.1:5432) for the PostgreSQL rows.

    python -m benchmarks              every section
    python -m benchmarks desk site    only the sections named (verification, proofs, appends,
                                      site, desk, delivery, evidence)
"""

import contextlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ENTRIES = int(os.environ.get("AMENDS_BENCH_ENTRIES", "1000000"))
WORK = Path(os.environ.get("AMENDS_BENCH_DIR", "/tmp/amends-bench"))
POSTGRES = os.environ.get("AMENDS_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
FORMAT_VERSION = "2"  # bump when the stored format changes, to rebuild cached logs
SITE_FORMAT = "2"  # bump when the rendered site changes, to rebuild the cached site


def env_for(home: Path, database_url: str | None = None) -> dict:
    env = {**os.environ, "AMENDS_HOME": str(home), "AMENDS_CHECKPOINT_INTERVAL": "3600"}
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


def timed_command(args: list[str], env: dict, *, sample: bool) -> tuple[float, int, str]:
    """Run a command; return its wall time, the peak memory of its whole process tree (if
    ``sample``: reading /proc costs CPU, so timing runs do not sample), and its stdout."""
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
    out, _ = process.communicate()
    seconds = time.perf_counter() - started
    stop.set()
    if sample:
        sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed: {out}")
    return seconds, peak, out


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


DESK_FORMAT = "1"  # bump when the seeded desk changes, to seed it again
DESK_TARGET_MS = 150
DESK_CLIENTS = 20
BUSY_EVERY = 1.0  # seconds between the posts an author publishes in the "busy" runs


def desk_step(args: list[str], env: dict) -> dict:
    return step(args, env, "benchmarks.desk")


def built_desk(on_postgres: bool) -> tuple[dict, dict] | None:
    """The seeded desk (environment, what was seeded), built once per database, then cached:
    seeding goes through the actions and takes minutes."""
    engine = "postgres" if on_postgres else "sqlite"
    home = WORK / f"desk-{engine}-{DESK_FORMAT}"
    for old in WORK.glob(f"desk-{engine}-*"):
        if old != home:
            shutil.rmtree(old, ignore_errors=True)
    marker = home / "built.json"
    url, admin = None, None
    if on_postgres:
        try:
            import psycopg

            admin = psycopg.connect(f"{POSTGRES}/postgres", autocommit=True, connect_timeout=3)
        except Exception as error:
            print(f"(PostgreSQL desk rows skipped: {error})".strip())
            return None
        name = f"amends_bench_desk_{DESK_FORMAT}"
        url = f"{POSTGRES}/{name}"
        names = admin.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE 'amends_bench_desk_%'"
        ).fetchall()
        for (other,) in names:
            if other != name:
                admin.execute(f'DROP DATABASE "{other}" WITH (FORCE)')
        present = (name,) in names
    env = env_for(home, url)
    try:
        if marker.exists() and (admin is None or present):
            info = json.loads(marker.read_text())
            if info.get("format") == DESK_FORMAT:
                # A cached desk from an older checkout: bring its tables up to date.
                subprocess.run(
                    [sys.executable, "-m", "amends", "migrate"],
                    env=env,
                    check=True,
                    capture_output=True,
                )
                return env, {**info, "cached": True}
        shutil.rmtree(home, ignore_errors=True)
        home.mkdir(parents=True)
        if admin is not None:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        if admin is not None:
            admin.close()
    info = desk_step(["build"], env)
    info["format"] = DESK_FORMAT
    marker.write_text(json.dumps(info))
    return env, {**info, "cached": False}


def check_desk_pages(port: int, paths: list[str], cookies: list[str]) -> None:
    """Every page answers every session with 200: a redirect to sign in, or a refusal, would be
    measured as a fast page."""
    for path in paths:
        for cookie in cookies:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            try:
                connection.request("GET", path, headers={"Host": "127.0.0.1", "Cookie": cookie})
                response = connection.getresponse()
                response.read()
            finally:
                connection.close()
            if response.status != 200:
                where = response.getheader("Location") or ""
                raise SystemExit(
                    f"{path} answered {response.status} {where} to {cookie[:18]}…; "
                    "the desk benchmark measures signed-in pages only"
                )


def cpu_of_tree(root_pid: int) -> float:
    """CPU seconds (user and system) a process and all its descendants have used so far."""
    children: dict[int, list[int]] = {}
    stats: dict[int, list[str]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            stats[int(entry)] = fields
            children.setdefault(int(fields[1]), []).append(int(entry))
    ticks, todo = 0, [root_pid]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        if pid in stats:
            ticks += int(stats[pid][11]) + int(stats[pid][12])
    return ticks / os.sysconf("SC_CLK_TCK")


def desk_wrk(
    label: str,
    port: int,
    server_pid: int,
    paths: list[str],
    cookies: list[str],
    busy: dict | None = None,
) -> dict:
    """wrk with DESK_CLIENTS connections for 10 s, after a 3 s warm-up; the script spreads the
    requests over every session and prints the percentiles as JSON. Also the server's CPU time
    per request: unlike latency, it hardly moves when other work shares the machine. With
    ``busy`` (the desk's environment), an author publishes a post every second meanwhile."""
    script = Path(__file__).with_name("desk.lua")
    env = {**os.environ, "DESK_COOKIES": " ".join(cookies), "DESK_PATHS": " ".join(paths)}
    url = f"http://127.0.0.1:{port}{paths[0]}"
    base = ["wrk", "-t2", f"-c{DESK_CLIENTS}", "--timeout", "30s", "-s", str(script)]
    writer = None
    if busy is not None:
        writer = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.desk", "writer", "13", str(BUSY_EVERY)],
            env=busy,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    subprocess.run([*base, "-d3s", url], env=env, capture_output=True, check=True)
    cpu = cpu_of_tree(server_pid)
    out = subprocess.run(
        [*base, "-d10s", url], env=env, capture_output=True, text=True, check=True
    ).stdout
    cpu = cpu_of_tree(server_pid) - cpu
    published = None
    if writer is not None:
        said, errors = writer.communicate(timeout=60)
        if writer.returncode != 0:
            raise SystemExit(f"{label}: the publishing author failed:\n{errors[-2000:]}")
        published = json.loads(said.strip().splitlines()[-1])["published"]
    result = json.loads([line for line in out.splitlines() if line.startswith("{")][-1])
    if result["not_200"] or result["socket_errors"] or result["timeouts"]:
        raise SystemExit(f"{label}: {url} failed under load: {result}")
    result["per_second"] = result["requests"] / (result["microseconds"] / 1e6)
    result["cpu_ms"] = cpu / result["requests"] * 1000
    result["published"] = published
    return result


class ServerStopped(Exception):
    """`amends serve` stopped while it was being measured."""


def desk_load(label: str, env: dict, pages: list, cookies: list[str], log: Path) -> list[dict]:
    """Start `amends serve`, check every page for every session, then load each page."""
    port = free_port()
    serve = [sys.executable, "-m", "amends", "serve", "--host", "127.0.0.1", "--port", str(port)]
    with open(log, "w") as output:
        server = subprocess.Popen(
            serve, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        wait_for(port, 120)
        if server.poll() is not None:
            # Something else answered on the port we were given; ours could not listen.
            raise ServerStopped(f"status {server.returncode}")
        for _, paths, _ in pages:
            check_desk_pages(port, paths, cookies)
        return [
            desk_wrk(label, port, server.pid, paths, cookies, env if busy else None)
            for _, paths, busy in pages
        ]
    except (OSError, SystemExit, subprocess.CalledProcessError) as error:
        # A server that went away makes every later error misleading: say so instead.
        if server.poll() is not None:
            raise ServerStopped(f"status {server.returncode}") from error
        raise
    finally:
        # The whole group: workers may outlive a main process that stopped.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def bench_desk() -> str:
    # The machine may be shared: say how busy it was, since every figure here is CPU-bound.
    load = os.getloadavg()[0]
    rows, notes = [], []
    for label, on_postgres in (("SQLite", False), ("PostgreSQL", True)):
        built = built_desk(on_postgres)
        if built is None:
            continue
        env, info = built
        cookies = desk_step(["sessions"], env)["cookies"]
        search = f"/desk/posts/?q={info['search']}"
        incidents = [f"/desk/incidents/{i}/" for i in info["sample_incidents"]]
        pages = [
            ("Today", ["/desk/"], False),
            (f"posts search (`q={info['search']}`)", [search], False),
            (f"incident page ({len(incidents)} incidents)", incidents, False),
            # The pages above are cached under the record's version, which does not move while
            # only wrk reads them. On a working desk it moves with every action:
            ("Today, while an author publishes every second", ["/desk/"], True),
            ("posts search, while an author publishes every second", [search], True),
            ("incident page, while an author publishes every second", incidents, True),
        ]
        paths = sorted({p for _, ps, _ in pages for p in ps})
        counts = desk_step(["queries", cookies[0], *paths], env)
        log = WORK / f"desk-server-{'postgres' if on_postgres else 'sqlite'}.log"
        # On a shared machine another program may stop our server (or take its port) half way:
        # start again rather than lose the run, and say so.
        for attempt in range(3):
            try:
                results = desk_load(label, env, pages, cookies, log)
                break
            except ServerStopped as stopped:
                print(f"({label}: amends serve stopped ({stopped}) during the run; see {log})")
                if attempt == 2:
                    raise SystemExit(f"{label}: amends serve kept stopping; see {log}") from None
        for (page, paths, busy), result in zip(pages, results, strict=True):
            if busy:
                page = f"{page} ({result['published']} posts in 13 s)"
            queries = sorted({counts[p]["queries"] for p in paths})
            p95 = result["p95_us"] / 1000
            rows.append(
                [
                    label,
                    page,
                    f"{result['per_second']:,.0f}",
                    f"{result['p50_us'] / 1000:.0f} ms",
                    f"{p95:.0f} ms",
                    f"{result['p99_us'] / 1000:.0f} ms",
                    f"{result['cpu_ms']:.0f} ms",
                    f"{queries[0]}–{queries[-1]}" if len(queries) > 1 else str(queries[0]),
                    f"≤ {DESK_TARGET_MS} ms",
                    verdict(p95 <= DESK_TARGET_MS),
                ]
            )
        seeded = (
            "cached from an earlier run"
            if info["cached"]
            else f"{info['actions_seconds']:.0f} s of actions "
            f"({info['publish_seconds']:.0f} s publishing the posts), "
            f"then {info['render_seconds']:.0f} s rendering the public pages"
        )
        notes.append(
            f"{label}: {info['posts']:,} posts ({info['all_posts']:,} with apologies, replies "
            f"and statements), {info['incidents']:,} incidents ({info['open']} open), "
            f"{info['users']} users, {info['record']:,} record entries; "
            f"`{info['search']}` is in {info['search_hits']:,} posts. Seeding: {seeded}."
        )
    out = table(
        f"Staff desk: p95 latency under {DESK_CLIENTS} signed-in clients "
        f"(`amends serve`, {os.cpu_count()} workers; wrk, {DESK_CLIENTS} connections, 10 s)",
        [
            "database",
            "page",
            "requests/s",
            "p50",
            "p95",
            "p99",
            "server CPU per request",
            "queries",
            "target p95",
            "",
        ],
        rows,
    )
    notes.append(
        f"Load average: {load:.1f} when the section started, {os.getloadavg()[0]:.1f} when it "
        f"ended, on {os.cpu_count()} cores (the server and wrk themselves add about 3). "
        "Server CPU per request: user and system time of `amends serve` and its workers over "
        "the 10 s, divided by the requests (PostgreSQL's own processes not included). wrk "
        f"keeps all {DESK_CLIENTS} connections busy, so p50 is about {DESK_CLIENTS} × CPU per "
        "request ÷ cores."
    )
    return out + "\n" + "\n".join(f"- {note}" for note in notes) + "\n"


SECTIONS = ("verification", "proofs", "appends", "site", "desk", "delivery", "evidence")


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
    if "desk" in chosen:
        print(bench_desk())
    if "delivery" in chosen:
        from benchmarks import delivery

        print(delivery.bench(POSTGRES, WORK, table))
    if "evidence" in chosen:
        from benchmarks import evidence

        print(evidence.bench(WORK, table))


if __name__ == "__main__":
    main()
