"""A Bluesky account's repository as a CAR file (Settings → Export my data, or
``com.atproto.sync.getRepo``). Nothing in it is taken on trust: every block's hash is checked
against its CID, the commit's signature against the account's key as its DID document
publishes it, and the Merkle Search Tree is walked from the signed root with its keys in strict
order, so every record read is one the account signed. A failure stops the import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from amends.connectors.archives import ArchiveError, Item, Skipped, moment
from amends.evidence import verify

POST = "app.bsky.feed.post/"


def read(path: Path, *, signing_key: Callable[[str], str], **_) -> Iterator[Item | Skipped]:
    """``signing_key(did)`` gives the did:key the account's DID document publishes."""
    try:
        root, blocks = verify.car_blocks(path.read_bytes())
        commit = verify.cbor_decode(blocks[root])
        ok = isinstance(commit, dict) and commit.get("version") == 3
        if not ok or not isinstance(commit.get("did"), str):
            raise ArchiveError(f"{path.name} is not a Bluesky repository: its root is no commit")
        did = commit["did"]
        key = signing_key(did)
        unsigned = {k: v for k, v in commit.items() if k != "sig"}
        signature = commit.get("sig")
        if not isinstance(signature, bytes) or not verify.did_key_verifies(
            key, verify.cbor_encode(unsigned), signature
        ):
            raise ArchiveError(
                f"{path.name}: the repository's commit is not signed by {did}'s key ({key})"
            )
        for n, (name, cid) in enumerate(walk(blocks, commit["data"])):
            if name.startswith(POST):
                yield _item(did, name, n, blocks.get(cid))
    except verify.ProofError as error:
        raise ArchiveError(
            f"{path.name} is not a whole, signed Bluesky repository: {error}"
        ) from None
    except OSError as error:
        raise ArchiveError(f"{path.name} cannot be read: {error}") from None


def walk(blocks: dict, root) -> Iterator[tuple[str, verify.Cid]]:
    """Every (key, value CID) of the tree at ``root``, in key order; refused if out of order."""
    last = b""
    stack: list = [("node", root)]
    while stack:
        what, value = stack.pop()
        if what == "entry":
            key, cid = value
            if key <= last:
                raise verify.ProofError("the repository's keys are out of order")
            last = key
            yield key.decode("utf-8", "replace"), cid
            continue
        if value is None:
            continue
        node = verify.tree_node(blocks, value)
        ordered: list = [("node", node["l"])]
        previous = b""
        for entry in node["e"]:
            ok = isinstance(entry, dict) and isinstance(entry.get("p"), int)
            ok = ok and isinstance(entry.get("k"), bytes) and isinstance(entry.get("v"), verify.Cid)
            if not ok or entry["p"] > len(previous):
                raise verify.ProofError(f"block {value} holds a malformed tree entry")
            previous = previous[: entry["p"]] + entry["k"]
            ordered += [("entry", (previous, entry["v"])), ("node", entry.get("t"))]
        stack.extend(reversed(ordered))


def _item(did: str, name: str, n: int, block: bytes | None) -> Item | Skipped:
    where = f"{name}#{n}"
    if block is None:
        return Skipped(where, "the record's block is not in the file")
    record = verify.cbor_decode(block)
    text = record.get("text") if isinstance(record, dict) else None
    if not isinstance(text, str):
        return Skipped(where, "a post record without text")
    rkey = name[len(POST) :]
    return Item(
        path=where,
        versions=(text,),
        id=f"at://{did}/{name}",
        url=f"https://bsky.app/profile/{did}/post/{rkey}",
        created_at=moment(record.get("createdAt")),
    )
