"""Archive imports and adoption: posts per second and peak memory for a 100,000-post X archive
and a 100,000-record Bluesky repository CAR, and the time to adopt one post from the real PDS
(its record proof fetched and checked).

    python -m benchmarks imports                     (from make bench)
    python -m benchmarks.imports build-x POSTS FILE
    python -m benchmarks.imports build-car POSTS FILE
    python -m benchmarks.imports import PLATFORM FILE [DID_KEY]
    python -m benchmarks.imports adopt POSTS

The archives are built here in the shapes the platforms document: X's with one Post in twenty
edited (two versions) and one in fifty long (whole in note-tweet.js); the CAR as a signed
repository whose Merkle Search Tree is laid out by the atproto rule (a key's layer is the number
of leading zero 2-bit pairs of its SHA-256), signed with a fresh secp256k1 key. Each import runs
in a process of its own on SQLite (an empty database with one account), whole, as ``amends
import`` runs it: reading, checking, recording. The CAR's key is handed to the import directly,
where the command would look it up on the PLC directory (one request). Peak memory is the
process's maximum resident set, Django included.

AMENDS_BENCH_IMPORT_POSTS (default 100,000) sets the size of both archives.
"""

import hashlib
import json
import os
import resource
import shutil
import statistics
import sys
import time
import zipfile
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amends.settings")

POSTS = int(os.environ.get("AMENDS_BENCH_IMPORT_POSTS", "100000"))
RATE_TARGET, MEMORY_TARGET = 2000, 300  # posts per second, MB
ADOPTIONS = 30
FORMAT = "1"  # bump when the built archives change
X_TIME = "%a %b %d %H:%M:%S +0000 %Y"


def _setup(platform: str, settings: dict):
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from amends.actions import AddAccount, AddUser

    sam = AddUser(None, name="sam", role="supervisor", as_operator=True).run()
    key = f"{platform}:examplepolice"
    secrets = {"password": "p"} if platform == "bluesky" else {"token": "t"}
    AddAccount(None, key=key, settings=settings, secrets=secrets, as_operator=True).run()
    return sam, key


# --- building the archives ------------------------------------------------------------------


def build_x(posts: int, path: Path, words_of=None) -> dict:
    """``words_of(i)``: the i-th post's words (default: one appeal, numbered)."""
    from datetime import UTC, datetime, timedelta

    start = datetime(2024, 1, 1, tzinfo=UTC)
    appeal = "Appeal: have you seen this red bicycle taken from Mill Lane? Call 101 &amp; quote "
    words_of = words_of or (lambda i: appeal)
    notes = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("data/tweets.js", "w") as out:
            out.write(b"window.YTD.tweets.part0 = [\n")
            n = 0
            for i in range(posts):
                made = (start + timedelta(minutes=i)).strftime(X_TIME)
                ident = str(1_000_000_000 + i * 10)
                words = words_of(i)
                text = f"{words}{i}."
                if i % 50 == 0:  # long: cut in tweets.js, whole in note-tweet.js
                    whole = f"{words}{i}. " + "More details follow. " * 20
                    text = whole[:270] + "… https://t.co/AbC123"
                    when = (start + timedelta(minutes=i)).isoformat().replace("+00:00", ".000Z")
                    notes.append({"noteTweet": {"createdAt": when, "core": {"text": whole}}})
                ids = [ident, str(int(ident) + 1)] if i % 20 == 0 else [ident]
                versions = [(ident, text)]
                if len(ids) == 2:
                    versions.append((ids[1], text.replace("Mill Lane", "Mill Road")))
                for number, (version, wording) in enumerate(versions):
                    edit = (
                        {"initial": {"editTweetIds": ids}}
                        if number == 0
                        else {
                            "edit": {
                                "initialTweetId": ident,
                                "editControlInitial": {"editTweetIds": ids},
                            }
                        }
                    )
                    tweet = {
                        "tweet": {
                            "id_str": version,
                            "id": version,
                            "full_text": wording,
                            "created_at": made,
                            "edit_info": edit,
                            "lang": "en",
                            "favorite_count": "0",
                            "retweet_count": "0",
                        }
                    }
                    out.write((",\n" if n else "").encode() + json.dumps(tweet).encode())
                    n += 1
            out.write(b"\n]")
        archive.writestr(
            "data/note-tweet.js", f"window.YTD.note_tweet.part0 = {json.dumps(notes)}".encode()
        )
    return {"posts": posts, "bytes": path.stat().st_size}


def _layer(key: bytes) -> int:
    digest, zeros = hashlib.sha256(key).digest(), 0
    for byte in digest:
        for shift in (6, 4, 2, 0):
            if (byte >> shift) & 3:
                return zeros
            zeros += 1
    return zeros


def build_car(posts: int, path: Path) -> dict:
    """A signed repository of ``posts`` post records, as a CAR; its did:key."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    from amends.evidence import verify as v

    private = ec.generate_private_key(ec.SECP256K1())
    point = private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
    )
    did_key = "did:key:z" + _base58(b"\xe7\x01" + point)
    did = "did:plc:benchmarkbenchmarkbench"
    blocks: dict = {}

    def put(value) -> v.Cid:
        data = v.cbor_encode(value)
        cid = v.Cid.of(data)
        blocks[cid] = data
        return cid

    entries = []
    for i in range(posts):
        rkey = f"3k{i:011d}"
        record = {
            "$type": "app.bsky.feed.post",
            "text": f"Appeal {i}: have you seen this bike?",
            "createdAt": "2026-05-04T09:12:44.000Z",
        }
        key = f"app.bsky.feed.post/{rkey}".encode()
        entries.append((key, put(record), _layer(key)))
    entries.sort()

    def node(items: list, layer: int):
        if not items:
            return None
        if layer < 0:
            raise AssertionError("a key below layer 0")
        here = [n for n, (_, _, lay) in enumerate(items) if lay == layer]
        if not here:
            return node_of(node(items, layer - 1), [])
        left = node(items[: here[0]], layer - 1)
        made, previous = [], b""
        for position, at in enumerate(here):
            key, value, _ = items[at]
            end = here[position + 1] if position + 1 < len(here) else len(items)
            shared = 0
            while shared < min(len(key), len(previous)) and key[shared] == previous[shared]:
                shared += 1
            right = node(items[at + 1 : end], layer - 1)
            made.append({"p": shared, "k": key[shared:], "v": value, "t": right})
            previous = key
        return node_of(left, made)

    def node_of(left, made):
        return put({"l": left, "e": made})

    top = max(lay for _, _, lay in entries)
    root = node(entries, top)
    unsigned = {"did": did, "version": 3, "data": root, "rev": "3kbench00000", "prev": None}
    der = private.sign(v.cbor_encode(unsigned), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    order = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
    s = min(s, order - s)  # low-S, as atproto requires
    commit = put({**unsigned, "sig": r.to_bytes(32, "big") + s.to_bytes(32, "big")})
    with path.open("wb") as out:
        header = v.cbor_encode({"version": 1, "roots": [commit]})
        out.write(_varint(len(header)) + header)
        for cid, data in [(commit, blocks[commit]), *blocks.items()]:
            out.write(_varint(len(cid.raw) + len(data)) + cid.raw + data)
    return {"posts": posts, "bytes": path.stat().st_size, "key": did_key}


def _varint(n: int) -> bytes:
    out = b""
    while True:
        byte, n = n & 0x7F, n >> 7
        out += bytes([byte | (0x80 if n else 0)])
        if not n:
            return out


def _base58(raw: bytes) -> str:
    from amends.evidence.verify import BASE58

    number, out = int.from_bytes(raw, "big"), ""
    while number:
        number, rest = divmod(number, 58)
        out = BASE58[rest] + out
    return "1" * (len(raw) - len(raw.lstrip(b"\0"))) + out


# --- the steps ------------------------------------------------------------------------------


def import_archive(platform: str, path: Path, key: str = "") -> dict:
    settings = {"server": "https://pds.invalid"} if platform == "bluesky" else {}
    sam, account = _setup(platform, settings)
    from amends.actions.imports import ImportArchive

    class Timed(ImportArchive):
        def before(self):
            super().before() if platform != "bluesky" else self._without_lookup()

        def _without_lookup(self):
            from amends.connectors.archives import sha256_of
            from amends.desk.lookups import account_by_key

            ImportArchive.authorize(self)
            self.account = account_by_key(self.key)
            self.sha256 = sha256_of(self.path)
            self.signing_key = lambda did: key

    started = time.perf_counter()
    done = Timed(sam, platform=platform, path=path, account=account).run()
    took = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"posts": done.posts, "refused": done.refused, "seconds": took, "peak_mb": peak}


def adopt(posts: int) -> dict:
    """Adopt ``posts`` posts made directly on the real PDS, one at a time."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from tests.support import bluesky as support
    from tests.support.servers.pds import Pds

    from amends.actions import AddUser, AdoptPost

    pds = Pds.launch()
    try:
        alice = AddUser(None, name="alice", role="author", as_operator=True).run()
        account = support.connect(pds)
        uris = [
            account.post_directly(f"Appeal {n}: have you seen this bike?") for n in range(posts)
        ]
        times = []
        for uri in uris:
            started = time.perf_counter()
            AdoptPost(alice, url=uri).run()
            times.append(time.perf_counter() - started)
    finally:
        pds.close()
    times.sort()
    return {
        "p50_ms": statistics.median(times) * 1000,
        "p95_ms": times[int(0.95 * (len(times) - 1))] * 1000,
        "count": len(times),
    }


# --- the section ----------------------------------------------------------------------------


def _built(work: Path, name: str, build) -> tuple[Path, dict]:
    folder = work / f"imports-{FORMAT}-{POSTS}"
    folder.mkdir(parents=True, exist_ok=True)
    path, marker = folder / name, folder / f"{name}.json"
    if path.exists() and marker.exists():
        return path, json.loads(marker.read_text())
    info = build(POSTS, path)
    marker.write_text(json.dumps(info))
    return path, info


def bench(work: Path, table, step, env_for) -> str:
    x_file, x_info = _built(work, "twitter.zip", build_x)
    car_file, car_info = _built(work, "repo.car", build_car)
    rows = []
    for platform, path, info, extra in (
        ("X archive zip", x_file, x_info, []),
        ("Bluesky repository CAR", car_file, car_info, [car_info["key"]]),
    ):
        home = work / f"imports-home-{uuid4()}"
        home.mkdir(parents=True)
        name = "x" if path is x_file else "bluesky"
        try:
            got = step(["import", name, str(path), *extra], env_for(home), "benchmarks.imports")
        finally:
            shutil.rmtree(home, ignore_errors=True)
        rate = got["posts"] / got["seconds"]
        rows.append(
            [
                f"{platform}, {got['posts']:,} posts ({info['bytes'] / 1e6:.0f} MB on disk)",
                f"{got['seconds']:.1f} s",
                f"{rate:,.0f} posts/s (target ≥ {RATE_TARGET:,}): "
                + ("met" if rate >= RATE_TARGET else "**missed**"),
                f"{got['peak_mb']:.0f} MB (target ≤ {MEMORY_TARGET}): "
                + ("met" if got["peak_mb"] <= MEMORY_TARGET else "**missed**"),
            ]
        )
    home = work / f"imports-home-{uuid4()}"
    home.mkdir(parents=True)
    try:
        got = step(["adopt", str(ADOPTIONS)], env_for(home), "benchmarks.imports")
    finally:
        shutil.rmtree(home, ignore_errors=True)
    rows.append(
        [
            f"Adopt one post from the real PDS (record proof checked), {got['count']} posts",
            f"p50 {got['p50_ms']:.0f} ms",
            f"p95 {got['p95_ms']:.0f} ms",
            "",
        ]
    )
    return table(
        "Imports: a platform's own archive, whole, on SQLite; adoption from the real PDS",
        ["what", "time", "rate", "peak memory"],
        rows,
    )


def uuid4() -> str:
    import uuid

    return uuid.uuid4().hex[:8]


def main(argv: list[str]) -> None:
    command, *args = argv
    if command == "build-x":
        out = build_x(int(args[0]), Path(args[1]))
    elif command == "build-car":
        out = build_car(int(args[0]), Path(args[1]))
    elif command == "import":
        out = import_archive(args[0], Path(args[1]), *(args[2:3]))
    elif command == "adopt":
        out = adopt(int(args[0]))
    else:
        raise SystemExit(f"unknown step {command!r}")
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
