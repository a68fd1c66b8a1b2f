"""`amends monitor` catching up on the benchmark's 1,000,000-entry log from its tiles, against
`amends verify` on the same log (target: at most twice as long).

The log's tiles and checkpoint are written to its site folder once (timed: what publishing the
whole tree costs, as `amends site render` does), served by nginx over plain HTTP on loopback,
and followed by `amends monitor` from a fresh home: the first sight of a log, so every higher
tile is audited against the level below and the signed root rebuilt.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import env_for, free_port, step, timed_command, verdict, wait_for

TARGET = 2.0


def publish() -> dict:
    """Step: write every tile and the checkpoint of the log in AMENDS_HOME to its site."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amends.settings")
    django.setup()
    from django.conf import settings

    from amends.record import api as record
    from amends.site.render import render_well_known

    if record.latest_checkpoint() is None or record.latest_checkpoint().size != record.size():
        record.sign_checkpoint()
    started = time.perf_counter()
    render_well_known(every_tile=True)
    seconds = time.perf_counter() - started
    written = (Path(settings.SITE_DIR) / ".well-known/amends/tile").rglob("*")
    tiles = sum(1 for p in written if p.is_file())
    return {"seconds": seconds, "tiles": tiles, "site": str(settings.SITE_DIR)}


def _nginx(root: Path, port: int, folder: Path) -> subprocess.Popen:
    conf = folder / "nginx.conf"
    conf.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"worker_processes 2;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n"
        + "events { worker_connections 256; }\nhttp { access_log off; "
        + "default_type application/octet-stream; "
        + f"server {{ listen 127.0.0.1:{port}; root {root}; "
        + "location / { try_files $uri =404; } } }\n"
    )
    from benchmarks.operations import _nginx as start

    return start(folder, conf)


def bench(table, log: tuple[Path, dict]) -> str:
    home, info = log
    env = env_for(home)
    published = step(["publish"], env, module="benchmarks.monitor")
    verify_seconds, _, out = timed_command(
        [sys.executable, "-m", "amends", "verify", "--json"], env, sample=False
    )
    if not json.loads(out)["ok"]:
        raise SystemExit("amends verify failed on the benchmark log")
    folder = Path(tempfile.mkdtemp(prefix="amends-monitor-"))
    port = free_port()
    server = _nginx(Path(published["site"]), port, folder)
    try:
        wait_for(port)
        watcher = env_for(folder / "watcher")
        seconds, peak, out = timed_command(
            [sys.executable, "-m", "amends", "monitor", f"http://127.0.0.1:{port}", "--json"],
            watcher,
            sample=True,
        )
        result = json.loads(out)
        if not result["consistent"]:
            raise SystemExit(f"amends monitor refused the benchmark log: {result}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)
    ratio = seconds / verify_seconds
    rows = [
        [
            f"publishing every tile of the {result['size']:,}-entry log",
            f"{published['seconds']:.1f} s ({published['tiles']:,} tiles)",
            "",
            "",
        ],
        ["`amends verify` (all cores), same log", f"{verify_seconds:.1f} s", "", ""],
        [
            "`amends monitor`, first sight (every higher tile audited), through nginx",
            f"{seconds:.1f} s, {peak / 2**20:.0f} MB peak",
            f"{ratio:.2f}× verify (target ≤ {TARGET:.0f}×)",
            verdict(ratio <= TARGET),
        ],
    ]
    note = (
        f"\n- The log was {'cached' if info.get('cached') else 'built for this run'}; "
        "the monitor reads 8 KB tiles over HTTP from loopback, one at a time."
    )
    return (
        table(
            "Following a log: `amends monitor` catching up from its tiles",
            ["measure", "figure", "target", ""],
            rows,
        )
        + note
    )


if __name__ == "__main__":
    print(json.dumps(publish() if sys.argv[1:] == ["publish"] else {}))
