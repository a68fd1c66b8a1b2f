"""Operations: installing, serving the public site through the shipped nginx config, and backing
up the benchmark's 1,000,000-entry log.

- ``make install`` in a fresh clone of this repository with an empty pip cache: the runtime lock
  installed as a newcomer's ``make run`` installs it (wall time, network included).
- The public post page through nginx with ``deploy/nginx/amends.conf`` as it ships (TLS, HTTP/2,
  the headers, the removed-post rules) against nginx serving the same files with a minimal TLS
  config, same run, same certificate: wrk, 64 connections, 10 s each, best of two.
- ``amends backup`` of the verification section's log (SQLite's online backup API): wall time
  and peak memory (PSS of the process tree).
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import free_port, timed_command, verdict, wait_for, wrk

ROOT = Path(__file__).resolve().parents[1]
RATIO_TARGET = 0.95
BACKUP_SECONDS, BACKUP_MB = 60, 300


def install_time() -> float:
    folder = Path(tempfile.mkdtemp(prefix="amends-install-"))
    try:
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(folder / "amends")], check=True)
        env = {**os.environ, "PIP_CACHE_DIR": str(folder / "pip-cache")}
        started = time.perf_counter()
        subprocess.run(
            ["make", "install"],
            cwd=folder / "amends",
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return time.perf_counter() - started
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _nginx(folder: Path, main: Path) -> subprocess.Popen:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    return subprocess.Popen(
        [nginx, "-c", str(main), "-p", str(folder), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def nginx_ratio(site_dir: Path, path: str) -> tuple[float, float]:
    """Requests per second for ``path`` through the shipped config and through a minimal one."""
    from tests.support.deploy import certificate, nginx_conf

    folder = Path(tempfile.mkdtemp(prefix="amends-nginx-"))
    try:
        cert, key = certificate(folder)
        shipped_port, plain_port, minimal_port = free_port(), free_port(), free_port()
        shipped_dir, minimal_dir = folder / "shipped", folder / "minimal"
        shipped_dir.mkdir()
        minimal_dir.mkdir()
        shipped = nginx_conf(
            shipped_dir,
            {
                "SERVER_NAME": "127.0.0.1",
                "SITE_URL": f"https://127.0.0.1:{shipped_port}",
                "CERTIFICATE": cert,
                "PRIVATE_KEY": key,
                "SITE_DIR": site_dir,
                "UPSTREAM": f"127.0.0.1:{free_port()}",
                "LISTEN": shipped_port,
                "PLAIN": plain_port,
            },
        )
        minimal = minimal_dir / "nginx.conf"
        minimal.write_text(
            ("user root;\n" if os.geteuid() == 0 else "")
            + f"worker_processes 1;\npid {minimal_dir}/nginx.pid;\n"
            + f"error_log {minimal_dir}/error.log;\nevents {{ worker_connections 256; }}\n"
            + "http { access_log off; default_type text/html; server { "
            + f"listen {minimal_port} ssl; ssl_certificate {cert}; ssl_certificate_key {key}; "
            + f"root {site_dir}; location / {{ try_files $uri $uri/index.html =404; }} }} }}\n"
        )
        results = {}
        for name, main, port in (
            ("shipped", shipped, shipped_port),
            ("minimal", minimal, minimal_port),
        ):
            server = _nginx(main.parent, main)
            try:
                wait_for(port)
                results[name] = max(wrk(f"https://127.0.0.1:{port}{path}")[0] for _ in range(2))
            finally:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=30)
        return results["shipped"], results["minimal"]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def backup(home: Path, env: dict) -> tuple[float | None, int]:
    out = Path(tempfile.mkdtemp(prefix="amends-backup-")) / "backup.tar"
    try:
        args = [sys.executable, "-m", "amends", "backup", "-o", str(out)]
        seconds, _, _ = timed_command(args, env, sample=False)
        out.unlink(missing_ok=True)
        _, peak, _ = timed_command(args, env, sample=True)
        return seconds, peak
    finally:
        shutil.rmtree(out.parent, ignore_errors=True)


def bench(table, site: tuple[Path, str], log: tuple[Path, dict], env_for) -> str:
    rows = []
    took = install_time()
    rows.append(["`make install`, fresh clone, empty pip cache", f"{took:.0f} s", "", ""])
    shipped, minimal = nginx_ratio(*site)
    ratio = shipped / minimal
    rows.append(
        [
            "public post page, nginx with the shipped config (HTTPS) vs a minimal one",
            f"{shipped:,.0f} vs {minimal:,.0f} requests/s",
            f"{ratio:.0%} (target ≥ {RATIO_TARGET:.0%})",
            verdict(ratio >= RATIO_TARGET),
        ]
    )
    home, info = log
    seconds, peak = backup(home, env_for(home))
    mb = peak / (1024 * 1024)
    rows.append(
        [
            f"`amends backup` of the {info.get('size', 0):,}-entry log (SQLite)",
            f"{seconds:.1f} s, {mb:.0f} MB peak",
            f"≤ {BACKUP_SECONDS} s, ≤ {BACKUP_MB} MB",
            verdict(seconds is not None and seconds <= BACKUP_SECONDS and mb <= BACKUP_MB),
        ]
    )
    return table(
        "Operations: install, the shipped nginx config, backup",
        ["measure", "figure", "target", ""],
        rows,
    )
