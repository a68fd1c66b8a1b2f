"""Two Amends installs witnessing each other on loopback, each its own home and database, each
running the real `amends witness serve`; and a log rewritten and re-signed with its own key,
refused by the witness that saw the original and raised by `amends verify` on the rewriting
side."""

import shutil

import pytest

from tests.conftest import amends, amends_each
from tests.support.net import free_port
from tests.support.serve import fetch, serving

pytestmark = pytest.mark.once  # its own SQLite homes, whatever the database under test


def install(tmp_path, name: str) -> dict:
    import os

    home = tmp_path / name
    home.mkdir()
    env = {
        **os.environ,
        "AMENDS_HOME": str(home),
        "AMENDS_DATABASE_URL": f"sqlite:///{home / 'amends.sqlite3'}",
        "AMENDS_RECORD_ORIGIN": f"{name}.police.example/amends",
        "AMENDS_CHECKPOINT_INTERVAL": "3600",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    amends(["migrate"], env)
    return env


def key_of(env: dict) -> str:
    """The log's verifier key, as its site publishes it."""
    amends(["checkpoint"], env)
    return amends(["record", "pubkey"], env).stdout.strip()


def post(url: str, body: bytes) -> tuple[int, bytes]:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, data=body, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_two_installs_witness_each_other_and_a_rewritten_log_is_refused(tmp_path):
    north, south = install(tmp_path, "north"), install(tmp_path, "south")
    for env, who in ((north, "nadia"), (south, "sami")):
        amends(["user", "add", who, "--role", "admin"], env)
    north_key, south_key = key_of(north), key_of(south)
    amends(["witness", "add-log", "south.police.example/amends", south_key], north)
    amends(["witness", "add-log", "north.police.example/amends", north_key], south)
    north_witness = amends(["witness", "key"], north).stdout.strip()
    south_witness = amends(["witness", "key"], south).stdout.strip()
    ports = free_port(), free_port()
    command = ("witness", "serve")
    with (
        serving(north, command=command, port=ports[0], ready="/add-checkpoint") as at_north,
        serving(south, command=command, port=ports[1], ready="/add-checkpoint") as at_south,
    ):
        # The witness answers the protocol and nothing else.
        assert fetch(f"{at_north.url}/add-checkpoint")[0] == 405
        assert fetch(f"{at_north.url}/desk/")[0] == 404
        assert post(f"{at_north.url}/add-checkpoint", b"x" * 70000)[0] == 413
        assert post(f"{at_north.url}/add-checkpoint", b"old 0\n\nnot a note\n")[0] == 400

        name_n, name_s = north_witness.split("+")[0], south_witness.split("+")[0]
        amends(["witnesses", "add", name_s, at_south.url + "/", south_witness], north)
        amends(["witnesses", "add", name_n, at_north.url + "/", north_witness], south)
        for env, other in ((north, name_s), (south, name_n)):
            asked = amends(["witnesses", "ask", "--json"], env)
            assert f'"cosigned": ["{other}"]' in asked.stdout
        amends(["user", "add", "nell", "--role", "author"], north)
        asked = amends(["witnesses", "ask"], north)  # grown: sent with a consistency proof
        assert "cosigned" in asked.stdout
        listed = amends(["witness", "list", "--json"], south).stdout
        assert '"origin": "north.police.example/amends"' in listed

        # North's history rewritten: its keys kept, its database replaced by another history
        # (longer than what south saw), re-signed with the same key.
        forged = install(tmp_path, "forged")
        forged["AMENDS_RECORD_ORIGIN"] = north["AMENDS_RECORD_ORIGIN"]
        shutil.rmtree(tmp_path / "forged" / "keys", ignore_errors=True)
        shutil.copytree(tmp_path / "north" / "keys", tmp_path / "forged" / "keys")
        people = ("mallory", "mal", "marlow", "mandy", "mavis", "milo")
        amends_each([["user", "add", who, "--role", "author"] for who in people], forged)
        amends(["witnesses", "add", name_s, at_south.url + "/", south_witness], forged)
        refused = amends(["witnesses", "ask"], forged, check=False)
        assert refused.returncode == 1
        assert f"witness {name_s} refused checkpoint" in refused.stderr
        verified = amends(["verify"], forged, check=False)
        assert verified.returncode == 1
        assert "refused checkpoint" in verified.stderr
        # South still holds north's true history, and still cosigns north's real log.
        assert "cosigned" in amends(["witnesses", "ask"], north).stdout
    assert "Traceback" not in at_north.output + at_south.output


def test_the_witness_key_is_made_once_and_kept(tmp_path):
    env = install(tmp_path, "east")
    first = amends(["witness", "key"], env).stdout.strip()
    assert first.startswith("east.police.example/amends/witness+")
    assert amends(["witness", "key"], env).stdout.strip() == first
    mode = (tmp_path / "east" / "keys" / "witness.key").stat().st_mode & 0o777
    assert mode == 0o600
    bad = amends(["witness", "add-log", "west.example/amends", "not-a-key"], env, check=False)
    assert bad.returncode == 1
    assert bad.stderr.startswith("error: verifier_key: ")
