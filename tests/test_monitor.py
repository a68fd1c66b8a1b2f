"""`amends monitor URL` follows a published log from its site alone, over real HTTP: consistent
growth is accepted; a rollback, a fork (the log rewritten and re-signed with its own key) and a
key dropped from the history are each caught and change nothing of what was seen."""

import hashlib
import http.server
import json
import shutil
import threading
from functools import partial
from pathlib import Path

import pytest

from amends.actions import Publish
from amends.monitor.follow import follow
from amends.record import api as record
from amends.record import keys
from amends.record.note import CheckpointBody
from tests.support.cli import run


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def served(tmp_path):
    """A plain static web server over a folder, as any host of the site's files would be."""
    folder = tmp_path / "www"
    folder.mkdir()
    handler = partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def grow(people, n, django_capture_on_commit_callbacks, settings, folder):
    for i in range(n):
        Publish(people.alice, account="house:news", text=f"Update {i} of {n}.").run()
    with django_capture_on_commit_callbacks(execute=True):
        checkpoint = record.sign_checkpoint()
    shutil.rmtree(folder / ".well-known", ignore_errors=True)
    shutil.copytree(Path(settings.SITE_DIR) / ".well-known", folder / ".well-known")
    return checkpoint


def rfc_root(leaves: list[bytes]) -> bytes:
    if len(leaves) == 1:
        return leaves[0]
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return hashlib.sha256(b"\x01" + rfc_root(leaves[:k]) + rfc_root(leaves[k:])).digest()


def lie_about_the_first_256(well_known: Path, size: int, origin: str) -> None:
    """Serve a level-1 hash for the first 256 leaves that is not their root, and sign (with the
    log's own key) the root made with it."""
    rest = (well_known / f"tile/0/001.p/{size - 256}").read_bytes()
    tail = [rest[i : i + 32] for i in range(0, len(rest), 32)]
    bogus = hashlib.sha256(b"not the root of the first 256").digest()
    (well_known / "tile/1/000.p/1").write_bytes(bogus)
    lie = hashlib.sha256(b"\x01" + bogus + rfc_root(tail)).digest()
    body = CheckpointBody(origin, size, lie)
    (well_known / "checkpoint").write_text(keys.signing_store().signer().sign(body.text()))


def test_the_monitor_follows_growth_and_catches_a_rollback_and_a_fork(
    people, settings, tmp_path, served, django_capture_on_commit_callbacks
):
    folder, url = served
    state = tmp_path / "monitor"
    first = grow(people, 300, django_capture_on_commit_callbacks, settings, folder)
    seen = follow(url, state)
    assert seen.consistent, seen.error
    assert (seen.size, seen.previous_size) == (first.size, None)

    second = grow(people, 40, django_capture_on_commit_callbacks, settings, folder)
    seen = follow(url, state)
    assert seen.consistent, seen.error
    assert (seen.size, seen.previous_size) == (second.size, first.size)

    # A rollback: the site shows the older checkpoint again.
    well_known = folder / ".well-known/amends"
    (well_known / "checkpoint").write_text(first.note)
    seen = follow(url, state)
    assert not seen.consistent
    assert seen.error.startswith("rollback:")
    (well_known / "checkpoint").write_text(second.note)

    # A fork: entry 7 rewritten, every tile rebuilt, a new checkpoint signed with the log's
    # own key. The signature is good; only the tree gives it away.
    size = second.size + 5
    level0 = b"".join(
        (well_known / p).read_bytes() for p in ("tile/0/000", f"tile/0/001.p/{second.size - 256}")
    )
    leaves = [level0[i : i + 32] for i in range(0, len(level0), 32)]
    leaves[7] = hashlib.sha256(b"\x00rewritten").digest()
    leaves += [hashlib.sha256(b"\x00" + bytes([i])).digest() for i in range(5)]
    shutil.rmtree(well_known / "tile")
    (well_known / "tile/0/001.p").mkdir(parents=True)
    (well_known / "tile/1/000.p").mkdir(parents=True)
    (well_known / "tile/0/000").write_bytes(b"".join(leaves[:256]))
    (well_known / f"tile/0/001.p/{size - 256}").write_bytes(b"".join(leaves[256:]))
    (well_known / "tile/1/000.p/1").write_bytes(rfc_root(leaves[:256]))
    body = CheckpointBody(settings.RECORD_ORIGIN, size, rfc_root(leaves))
    (well_known / "checkpoint").write_text(keys.signing_store().signer().sign(body.text()))
    seen = follow(url, state)
    assert not seen.consistent
    assert seen.error.startswith("fork:"), seen.error
    # What was seen is unchanged: the genuine log still checks.
    shutil.rmtree(folder / ".well-known")
    shutil.copytree(Path(settings.SITE_DIR) / ".well-known", folder / ".well-known")
    assert follow(url, state).consistent


def test_a_key_dropped_from_the_history_is_caught(
    people, settings, tmp_path, served, django_capture_on_commit_callbacks
):
    folder, url = served
    state = tmp_path / "monitor"
    grow(people, 3, django_capture_on_commit_callbacks, settings, folder)
    assert follow(url, state).consistent
    with django_capture_on_commit_callbacks(execute=True):
        record.rotate_key(actor="adam")
    shutil.rmtree(folder / ".well-known")
    shutil.copytree(Path(settings.SITE_DIR) / ".well-known", folder / ".well-known")
    assert follow(url, state).consistent  # a rotation the history shows is fine
    history = folder / ".well-known/amends/keys.json"
    keys_now = json.loads(history.read_text())
    keys_now["keys"] = keys_now["keys"][1:]
    history.write_text(json.dumps(keys_now))
    seen = follow(url, state)
    assert not seen.consistent
    assert "the key history no longer lists" in seen.error


def test_the_command_line_says_it_in_one_line_and_json(
    people, settings, served, django_capture_on_commit_callbacks
):
    folder, url = served
    grow(people, 2, django_capture_on_commit_callbacks, settings, folder)
    out = run("monitor", url, "--json")
    assert out.exit_code == 0, out.output
    said = json.loads(out.stdout)
    assert said["consistent"] is True
    assert said["origin"] == settings.RECORD_ORIGIN
    (folder / ".well-known/amends/checkpoint").write_text("not a checkpoint\n")
    out = run("monitor", url)
    assert out.exit_code == 1
    assert out.stderr.startswith("error: localhost/amends: signed note has no blank line")
    bad = run("monitor", "ftp://example.org")
    assert bad.exit_code == 1
    assert "url: must start with https://" in bad.stderr


def test_a_higher_tile_that_disagrees_with_the_leaves_below_it_is_caught(
    people, settings, tmp_path, served, django_capture_on_commit_callbacks
):
    """The tree seen before lies inside the first 256 leaves; the log now serves a level-1
    hash for those 256 that is not their root, and signs a root made with it. Reading that
    hash alone would accept the lie; the monitor builds it from the leaves it checked before."""
    folder, url = served
    state = tmp_path / "monitor"
    old = grow(people, 100, django_capture_on_commit_callbacks, settings, folder)
    assert follow(url, state).consistent
    new = grow(people, 200, django_capture_on_commit_callbacks, settings, folder)
    assert old.size < 256 < new.size
    lie_about_the_first_256(folder / ".well-known/amends", new.size, settings.RECORD_ORIGIN)
    seen = follow(url, state)
    assert not seen.consistent
    assert seen.error == "the log's tiles do not give the root its checkpoint signs"


def test_on_first_sight_every_higher_tile_is_audited_against_the_leaves(
    people, settings, tmp_path, served, django_capture_on_commit_callbacks
):
    folder, url = served
    new = grow(people, 300, django_capture_on_commit_callbacks, settings, folder)
    lie_about_the_first_256(folder / ".well-known/amends", new.size, settings.RECORD_ORIGIN)
    seen = follow(url, tmp_path / "first-sight")
    assert not seen.consistent
    assert seen.error == "tile tile/1/000.p/1: hash 0 is not the root of the hashes below it"
    assert not (tmp_path / "first-sight").exists() or not list((tmp_path / "first-sight").iterdir())


def test_an_auditor_follows_a_log_from_the_desk(
    client, people, settings, served, django_capture_on_commit_callbacks
):
    folder, url = served
    first = grow(people, 3, django_capture_on_commit_callbacks, settings, folder)
    client.force_login(people.fiona)
    assert client.get("/desk/logs/").status_code == 200
    answer = client.post("/desk/logs/", {"url": url}, follow=True)
    page = answer.content.decode()
    assert f"{settings.RECORD_ORIGIN}: {first.size:,} entries, first seen now and kept." in page
    assert f"<code>{settings.RECORD_ORIGIN}</code>" in page  # now listed, with Check now
    (folder / ".well-known/amends/checkpoint").write_text("not a checkpoint\n")
    page = client.post("/desk/logs/", {"url": url}, follow=True).content.decode()
    assert "is not what it was: signed note has no blank line" in page
    refused = client.post("/desk/logs/", {"url": "ftp://example.org"})
    assert refused.status_code == 400
    assert "The site&#x27;s address must start with https://" in refused.content.decode()
    client.force_login(people.alice)
    assert client.post("/desk/logs/", {"url": url}).status_code == 403


def test_a_log_whose_checkpoint_stands_still_is_stale(
    people, settings, tmp_path, served, django_capture_on_commit_callbacks
):
    folder, url = served
    grow(people, 2, django_capture_on_commit_callbacks, settings, folder)
    seen = Path(settings.HOME) / "monitor"  # where the command line keeps what it saw
    assert not follow(url, seen, stale_hours=48).stale
    from amends.monitor.follow import base_of

    state = seen / f"{hashlib.sha256(base_of(url).encode()).hexdigest()[:20]}.json"
    kept = json.loads(state.read_text())
    kept["since"] = "2026-01-01T00:00:00+00:00"  # the same checkpoint, seen long ago
    state.write_text(json.dumps(kept))
    result = follow(url, seen, stale_hours=48)
    assert result.consistent
    assert result.stale
    assert result.error.startswith("stale: the log has shown the same checkpoint of ")
    assert result.since == "2026-01-01T00:00:00+00:00"
    cli = run("monitor", url, "--json")
    assert cli.exit_code == 1
    assert json.loads(cli.stdout)["stale"]
    # A new checkpoint (or a new cosignature) is not stale.
    grow(people, 1, django_capture_on_commit_callbacks, settings, folder)
    fresh = follow(url, seen, stale_hours=48)
    assert fresh.consistent
    assert not fresh.stale
