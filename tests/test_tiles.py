"""The log on the public site as C2SP tlog-tiles hash tiles, checked by a reader written here
from the spec alone (RFC 6962 hashing with hashlib; no code of the record's own): the level-0
tiles give the leaf hashes, each higher tile's hashes are the roots of the 256 below them, and
together they give the signed checkpoint's root; tiles only ever grow."""

import base64
import hashlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amends.actions import Publish
from amends.record import api as record
from amends.record.tiles import changed, path


def tile_path(level: int, index: int, width: int = 256) -> str:
    """The spec's path: N in 3-digit groups, all but the last with an x."""
    text = f"{index:03d}"
    while len(text) % 3:
        text = "0" + text
    groups = [text[i : i + 3] for i in range(0, len(text), 3)]
    name = "/".join(["x" + g for g in groups[:-1]] + [groups[-1]])
    return f"tile/{level}/{name}" + ("" if width == 256 else f".p/{width}")


@pytest.mark.once
@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=1, max_value=256))
def test_tile_paths_are_the_specs(index, width):
    assert path(0, index, width) == tile_path(0, index, width)


def test_the_examples_in_the_spec():
    assert path(0, 1234067) == "tile/0/x001/x234/067"
    assert path(1, 0, 17) == "tile/1/000.p/17"


def mth(hashes: list[bytes]) -> bytes:
    """RFC 6962 Merkle tree hash over leaf hashes already computed."""
    if len(hashes) == 1:
        return hashes[0]
    k = 1 << ((len(hashes) - 1).bit_length() - 1)
    return hashlib.sha256(b"\x01" + mth(hashes[:k]) + mth(hashes[k:])).digest()


def read_tile(site: Path, level: int, index: int, width: int) -> list[bytes]:
    data = (site / tile_path(level, index, width)).read_bytes()
    assert len(data) == 32 * width
    return [data[i : i + 32] for i in range(0, len(data), 32)]


@pytest.mark.once
@given(st.integers(min_value=0, max_value=70_000), st.integers(min_value=0, max_value=70_000))
def test_the_tiles_a_tree_grows_by_are_those_it_did_not_have(a, b):
    since, size = min(a, b), max(a, b)
    every = set(changed(size))
    before = set(changed(since))
    assert set(changed(size, since)) == every - before
    # Every tile of the tree: full ones of 256, at most one partial per level.
    for level in {lv for lv, _, _ in every}:
        nodes = size >> (8 * level)
        widths = sorted(w for lv, _, w in every if lv == level)
        assert sum(widths) == nodes


def test_the_site_carries_the_tree_as_tiles_a_client_can_check(
    people, settings, django_capture_on_commit_callbacks
):
    site = Path(settings.SITE_DIR) / ".well-known/amends"
    sizes = []
    for batch in (300, 260):  # past one full level-0 tile, then past a second
        for n in range(batch):
            Publish(people.alice, account="house:news", text=f"Update {len(sizes)} {n}.").run()
        with django_capture_on_commit_callbacks(execute=True):
            sizes.append(record.sign_checkpoint())
    checkpoint = sizes[-1]
    size = checkpoint.size
    lines = (site / "checkpoint").read_text().split("\n")
    assert int(lines[1]) == size
    root = base64.b64decode(lines[2])

    leaves: list[bytes] = []
    for index in range(size // 256):
        leaves += read_tile(site, 0, index, 256)
    if size % 256:
        leaves += read_tile(site, 0, size // 256, size % 256)
    assert len(leaves) == size
    assert mth(leaves) == root
    # The level-1 tile: each hash the root of 256 leaves below it.
    above = read_tile(site, 1, 0, size >> 8)
    assert above == [mth(leaves[i * 256 : (i + 1) * 256]) for i in range(size >> 8)]
    # The first checkpoint's partial tile is still there, the same: tiles never change.
    first = sizes[0].size
    earlier = read_tile(site, 0, first // 256, first % 256)
    assert earlier == leaves[(first // 256) * 256 : first]
    # A client checks the earlier checkpoint from the same tiles.
    earlier_root = base64.b64decode((site / f"checkpoints/{first}").read_text().split("\n")[2])
    assert mth(leaves[:first]) == earlier_root


def test_the_site_serves_tiles_as_immutable_bytes(
    client, people, django_capture_on_commit_callbacks
):
    for n in range(3):
        Publish(people.alice, account="house:news", text=f"Served {n}.").run()
    with django_capture_on_commit_callbacks(execute=True):
        checkpoint = record.sign_checkpoint()
    response = client.get(f"/.well-known/amends/{tile_path(0, 0, checkpoint.size)}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert "immutable" in response["Cache-Control"]
    assert len(b"".join(response.streaming_content)) == 32 * checkpoint.size
