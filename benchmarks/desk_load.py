"""The staff desk under load: the seeded desk on SQLite and PostgreSQL, `amends serve` loaded by
wrk with signed-in sessions over Today, a posts search and incident pages, idle and while an
author publishes every second. The in-process steps are in benchmarks.desk.
"""

import contextlib
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from benchmarks.common import POSTGRES, WORK, env_for, free_port, step, table, verdict, wait_for

DESK_FORMAT = "1"  # bump when the seeded desk changes, to seed it again
DESK_TARGET_MS = 150
DESK_CLIENTS = 20
WEIGHT_TARGET_KB = 60  # HTML, CSS and JavaScript of one page, uncompressed, nothing cached
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
            weight = max(counts[p]["bytes"] for p in paths)
            gzipped = max(counts[p]["gzipped"] for p in paths)
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
                    f"{weight / 1024:.0f} KB ({gzipped / 1024:.0f} KB gzipped)",
                    f"≤ {DESK_TARGET_MS} ms, ≤ {WEIGHT_TARGET_KB} KB",
                    verdict(p95 <= DESK_TARGET_MS and weight <= WEIGHT_TARGET_KB * 1024),
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
            "page weight",
            "target p95, weight",
            "",
        ],
        rows,
    )
    notes.append(
        f"Load average: {load:.1f} when the section started, {os.getloadavg()[0]:.1f} when it "
        f"ended, on {os.cpu_count()} cores (the server and wrk themselves add about 3). "
        "Server CPU per request: user and system time of `amends serve` and its workers over "
        "the 10 s, divided by the requests (PostgreSQL's own processes not included). Page "
        "weight: the HTML and every stylesheet and script it links, uncompressed (and each file "
        "gzipped, as it travels), the largest of the pages in the row. wrk "
        f"keeps all {DESK_CLIENTS} connections busy, so p50 is about {DESK_CLIENTS} × CPU per "
        "request ÷ cores."
    )
    return out + "\n" + "\n".join(f"- {note}" for note in notes) + "\n"
