"""Where `amends serve` last served, for links when AMENDS_SITE_URL is not set.

Without AMENDS_SITE_URL, the public pages, the feed, JSON-LD and the API name the address the
server was started on (``amends serve --host H --port P``), not a fixed default: serve writes it
to ``$AMENDS_HOME/served-url``, and every Amends process of that home reads it from there — also
the commands run in another terminal, which render pages too. Pure file handling; no Django.
"""

from pathlib import Path

FILE = "served-url"
DEFAULT = "http://127.0.0.1:8000"


def read(home: Path) -> str:
    """The URL last served from ``home``, or the default when it has never been served."""
    try:
        found = (home / FILE).read_text().strip()
    except OSError:
        return DEFAULT
    return found if found.startswith(("http://", "https://")) else DEFAULT


def write(home: Path, host: str, port: int) -> bool:
    """Record that ``home`` is served at ``host:port``; True when that changed the URL."""
    shown = f"[{host}]" if ":" in host else host
    if host in ("0.0.0.0", "::"):  # noqa: S104 - naming what the server listens on
        shown = "127.0.0.1"
    url = f"http://{shown}:{port}"
    if read(home) == url and (home / FILE).exists():
        return False
    home.mkdir(parents=True, exist_ok=True)
    (home / FILE).write_text(url + "\n")
    return True
