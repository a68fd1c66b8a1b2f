"""Production, as a force runs it: Debian's nginx with deploy/nginx/amends.conf as it ships (a
self-signed certificate), `amends serve` and two `amends worker` processes on PostgreSQL. A
person signs in through nginx over HTTPS and corrects a post; the public page comes from disk
through nginx, also with Amends stopped; a removed post is 410 Gone; cookies are Secure and
HttpOnly, HSTS is sent, CSRF works behind the proxy."""

import os
import re
import signal
import ssl
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import amends
from tests.support.deploy import certificate, nginx_conf
from tests.support.net import free_port
from tests.support.serve import serving

pytestmark = pytest.mark.postgres  # the production shape: PostgreSQL, several processes

NGINX = os.environ.get("AMENDS_TEST_NGINX") or "/usr/sbin/nginx"
PASSWORD = "a long pass phrase for alice"
WRONG = "The appeal closes on 4 May. Call 101."
FIXED = "The appeal closes on 14 May. Call 101."


@pytest.fixture
def production(fresh_database, tmp_path):
    if not os.path.exists(NGINX):
        if os.environ.get("CI") == "true":
            pytest.fail(f"nginx is missing at {NGINX}; CI must run the deployment test")
        pytest.skip(f"SKIPPED: no nginx at {NGINX} (run ./scripts/nginx as root)")
    tls, plain, upstream = free_port(), free_port(), free_port()
    base = f"https://127.0.0.1:{tls}"
    env = {
        **fresh_database,
        "AMENDS_SITE_URL": base,
        "AMENDS_TRUSTED_PROXIES": "1",
        "AMENDS_SERVE_WORKER": "false",
    }
    secret = tmp_path / "password"
    secret.write_text(PASSWORD)
    amends(["user", "add", "alice", "--role", "author", "--password-file", str(secret)], env)
    amends(["user", "add", "sam", "--role", "supervisor"], env)
    amends(["account", "add", "house:news", "--name", "Example Police"], env)
    amends(["post", "house:news", "--text", WRONG, "--as", "alice"], env)
    amends(["post", "house:news", "--text", "Named a witness.", "--as", "alice"], env)
    folder = tmp_path / "nginx"
    folder.mkdir()
    cert, key = certificate(tmp_path)
    site_dir = Path(env["AMENDS_HOME"]) / "site"
    main = nginx_conf(
        folder,
        {
            "SERVER_NAME": "127.0.0.1",
            "SITE_URL": base,
            "CERTIFICATE": cert,
            "PRIVATE_KEY": key,
            "SITE_DIR": site_dir,
            "UPSTREAM": f"127.0.0.1:{upstream}",
            "LISTEN": f"127.0.0.1:{tls}",
            "PLAIN": f"127.0.0.1:{plain}",
        },
    )
    checked = subprocess.run([NGINX, "-t", "-c", str(main)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    web = subprocess.Popen(
        [NGINX, "-c", str(main), "-g", "daemon off;"], stderr=subprocess.PIPE, text=True
    )
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "amends", "worker", "--name", f"w{n}"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        for n in range(2)
    ]
    try:
        with serving(env, port=upstream, ready="/healthz") as served:  # never redirected
            trusted = ssl.create_default_context(cafile=str(cert))
            client = httpx.Client(base_url=base, verify=trusted, timeout=20)
            deadline = time.monotonic() + 30
            while True:
                try:
                    client.get("/healthz")
                    break
                except httpx.TransportError:
                    assert web.poll() is None, web.stderr.read()
                    assert time.monotonic() < deadline, "nginx did not answer"
                    time.sleep(0.2)
            yield {"client": client, "env": env, "served": served, "plain": plain, "base": base}
            client.close()
    finally:
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
        said = [w.communicate(timeout=120)[0] for w in workers]
        web.send_signal(signal.SIGQUIT)
        web.wait(timeout=30)
    assert [w.returncode for w in workers] == [0, 0], said


def csrf(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_sign_in_and_correct_through_nginx_over_https_and_read_the_page_from_disk(production):
    client, base = production["client"], production["base"]
    # Sign in through nginx: Secure, HttpOnly session; HSTS; CSRF checked behind the proxy.
    form = client.get("/desk/sign-in/")
    assert form.status_code == 200
    assert form.headers["strict-transport-security"].startswith("max-age=")
    refused = client.post("/desk/sign-in/", data={"username": "alice", "password": PASSWORD})
    assert refused.status_code == 403  # no CSRF token: refused, behind the proxy too
    signed_in = client.post(
        "/desk/sign-in/",
        data={
            "csrfmiddlewaretoken": csrf(form.text),
            "username": "alice",
            "password": PASSWORD,
        },
        headers={"Referer": f"{base}/desk/sign-in/"},
    )
    assert signed_in.status_code == 302, signed_in.text[:500]
    session = next(c for c in signed_in.headers.get_list("set-cookie") if "sessionid=" in c)
    assert "Secure" in session
    assert "HttpOnly" in session

    # Correct the post in the desk.
    page = client.get("/desk/posts/1/correct/")
    done = client.post(
        "/desk/posts/1/correct/",
        data={"csrfmiddlewaretoken": csrf(page.text), "text": FIXED, "reason": "Wrong date."},
        headers={"Referer": f"{base}/desk/posts/1/correct/"},
    )
    assert done.status_code == 302, done.text[:500]

    # The public page, from disk through nginx: still there with Amends stopped.
    public = client.get("/posts/1/")
    assert public.status_code == 200
    assert public.headers["server"].startswith("nginx")
    assert "<del>" in public.text or "<del" in public.text
    assert public.headers["strict-transport-security"].startswith("max-age=")
    assert public.headers["cache-control"] == "public, max-age=60"
    # The log's checkpoint and hash tiles, from disk through nginx (C2SP tlog-tiles).
    checkpoint = client.get("/.well-known/amends/checkpoint")
    assert checkpoint.status_code == 200
    size = int(checkpoint.text.split("\n")[1])
    tile = client.get(f"/.well-known/amends/tile/0/000{'' if size == 256 else f'.p/{size}'}")
    assert tile.status_code == 200
    assert tile.headers["content-type"] == "application/octet-stream"
    assert "immutable" in tile.headers["cache-control"]
    assert len(tile.content) == 32 * size
    served = production["served"].process
    os.killpg(served.pid, signal.SIGTERM)
    served.wait(timeout=30)
    assert client.get("/posts/1/").status_code == 200
    assert client.get("/desk/sign-in/").status_code == 502  # only the desk needs Amends


def test_a_removed_post_is_410_from_nginx_and_plain_http_goes_to_https(production):
    client, env = production["client"], production["env"]
    asked = amends(
        [
            "delete",
            "2",
            "--ground",
            "prejudicial",
            "--explain",
            "It named a witness.",
            "--rationale",
            "A trial is under way.",
            "--as",
            "alice",
        ],
        env,
    )
    assert asked.returncode == 0
    amends(["approve", "1", "--rationale", "Agreed.", "--as", "sam"], env)
    gone = client.get("/posts/2/")
    assert gone.status_code == 410
    assert gone.headers["server"].startswith("nginx")
    assert "It named a witness." in gone.text
    assert "Named a witness." not in gone.text
    assert client.get("/posts/999/").status_code == 404
    plain = httpx.get(f"http://127.0.0.1:{production['plain']}/posts/1/")
    assert plain.status_code == 301
    assert plain.headers["location"] == f"{production['base']}/posts/1/"
