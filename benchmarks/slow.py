"""Slow clients: the public site's rate while 200 connections are held open by clients that send
nothing, or their request headers a byte at a time (what a viral mistake brings, and what a
few dozen such connections did to `amends serve` before it timed headers out)."""

import os
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from benchmarks.common import env_for, free_port, verdict, wait_for, wrk

SLOW_CLIENTS = 200


class SlowClients:
    """Keeps ``count`` connections open to ``port``: half idle, half trickling a request's
    headers one byte every second. A connection the server closes is opened again at once."""

    def __init__(self, port: int, count: int):
        self.port, self.count = port, count
        self.stop = threading.Event()
        self.opened = 0
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self.thread.start()
        time.sleep(2)  # all connections open before measuring
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(timeout=10)

    def _open(self, selector, n: int) -> None:
        try:
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=2)
        except OSError:
            return
        sock.setblocking(False)
        self.opened += 1
        selector.register(sock, selectors.EVENT_READ, data=[n, 0])

    def _run(self) -> None:
        selector = selectors.DefaultSelector()
        for n in range(self.count):
            self._open(selector, n)
        header = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 10_000
        last = time.monotonic()
        while not self.stop.is_set():
            for key, _ in selector.select(timeout=0.2):
                try:
                    data = key.fileobj.recv(65536)
                except OSError:
                    data = b""
                if not data:  # closed by the server: come back
                    selector.unregister(key.fileobj)
                    key.fileobj.close()
                    self._open(selector, key.data[0])
            if time.monotonic() - last >= 1:
                last = time.monotonic()
                for key in list(selector.get_map().values()):
                    n, sent = key.data
                    if n % 2 and sent < len(header):
                        try:
                            key.fileobj.send(header[sent : sent + 1])
                            key.data[1] = sent + 1
                        except OSError:
                            pass
        for key in list(selector.get_map().values()):
            key.fileobj.close()


def bench(work: Path, table) -> str:
    home = work / "slow"
    if not (home / "amends.sqlite3").exists():
        home.mkdir(parents=True, exist_ok=True)
        env = env_for(home)
        for args in (
            ["migrate"],
            ["user", "add", "alice", "--role", "author"],
            ["account", "add", "house:news", "--name", "Example Police"],
            ["post", "house:news", "--text", "The appeal closes on 4 May.", "--as", "alice"],
        ):
            subprocess.run(
                [sys.executable, "-m", "amends", *args], env=env, check=True, capture_output=True
            )
    env = env_for(home)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "amends", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/posts/1/"
    try:
        wait_for(port)
        alone = wrk(url)
        with SlowClients(port, SLOW_CLIENTS) as slow:
            loaded = wrk(url)
            reopened = slow.opened - SLOW_CLIENTS
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    share = loaded[0] / alone[0]
    rows = [
        ["no slow clients: requests/s", f"{alone[0]:,.0f}", "baseline", ""],
        ["no slow clients: p99", f"{alone[1]:.1f} ms", "", ""],
        [f"{SLOW_CLIENTS} slow clients held open: requests/s", f"{loaded[0]:,.0f}", "", ""],
        [f"{SLOW_CLIENTS} slow clients held open: p99", f"{loaded[1]:.1f} ms", "", ""],
        ["share of the rate without them", f"{share:.0%}", "≥ 50%", verdict(share >= 0.5)],
        ["slow connections cut off by the server and reopened", f"{reopened:,}", "", ""],
    ]
    return table(
        "Slow clients: a post page (wrk, 64 connections, 10 s) while 200 connections send "
        "nothing or a header byte a second (`amends serve`, 2 workers)",
        ["measure", "figure", "target", ""],
        rows,
    )
