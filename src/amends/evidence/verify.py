"""Verify an Amends evidence pack, offline, with nothing but Python and ``cryptography``.

    python verify.py PACK.zip [--key VKEY] [--unwitnessed] [--json]

PACK may also be the folder the zip unpacks to. ``--key`` names the log's public key as the
force publishes it (``/.well-known/amends/key``); without it the key inside the pack is used,
and printed so that you can compare it yourself. ``--unwitnessed`` accepts a pack that no
witness vouches for, and says so first.

Exit status 0 with a short summary when every check passes; 1 with one line naming the first
file (and record entry) that fails; 2 for a wrong command line.

This one file is the whole verifier: it imports nothing from Amends. ``amends verify-pack`` runs
this very module, and every pack carries a byte-for-byte copy of it. What it checks, in order:

1. the bag (RFC 8493): ``bagit.txt``; every tag file against ``tagmanifest-sha256.txt``; every
   payload file against ``manifest-sha256.txt``, no file missing, none extra; ``Payload-Oxum``;
2. the anchor checkpoint (``data/checkpoint.txt``, a C2SP signed note) against the log's key;
3. for every record entry: its leaf hash (RFC 9162), its C2SP tlog-proof of inclusion in the
   anchor checkpoint, that it sits at the position its file name and the index give, and its
   content: ``SHA-256(salt || exact bytes)`` equals the commitment in the leaf;
4. every earlier checkpoint's signature (trusting the anchor's key and keys named by proven
   ``key.rotated`` entries), and its consistency proof to the anchor;
5. that the pack is complete: each subject's entries, linked by ``prev``, run unbroken from the
   head named in ``data/heads.json`` (bound by its hash in the ``export.created`` entry) back to
   the first; that the content shown as sealed, withheld or destroyed is exactly what the
   record's ``content.sealed`` and ``retention.destroyed`` entries say; and that the index and
   ``bag-info.txt`` say what the ``export.created`` entry says;
6. that witnesses and time-stamping authorities vouch for the anchor: the witness policy
   (``data/witness-policy.txt``, Sigsum syntax, bound by its hash in the ``export.created``
   entry) names the log's key, and enough of its witnesses cosigned the anchor (C2SP
   tlog-cosignature) to meet its quorum. A pack without a policy, or short of the quorum,
   fails unless ``--unwitnessed`` is given: then the summary starts NOT WITNESSED. Each RFC
   3161 timestamp the export entry calls for (``data/timestamps/``) is checked offline: its
   CMS signature, the signer's critical timeStamping key usage, its chain to a root the entry
   names, and the anchor's hash.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import dataclasses
import hashlib
import json
import os
import re
import sys
import zipfile
import zlib
from dataclasses import dataclass

FORMAT = "amends-evidence/1"
PROOF_HEADER = "c2sp.org/tlog-proof@v1"
CONSISTENCY_HEADER = "amends/consistency-proof@v1"
DASH = "\u2014"
ALG_ED25519 = 0x01
HASH_SIZE = 32

BAGIT = "bagit.txt"
BAG_INFO = "bag-info.txt"
MANIFEST = "manifest-sha256.txt"
TAGMANIFEST = "tagmanifest-sha256.txt"
TAG_FILES = (BAGIT, BAG_INFO, MANIFEST, "README.txt", "verify.py")
INDEX = "data/index.json"
ENTRIES = "data/entries.jsonl"
HEADS = "data/heads.json"
KEY = "data/key.txt"
KEY_HISTORY = "data/key-history.txt"
ANCHOR = "data/checkpoint.txt"
POLICY = "data/witness-policy.txt"
UNWITNESSED = (
    "is not witnessed: no one outside the force has vouched that the log was not rewritten "
    "before this pack was made"
)
CONTENT_STATES = ("plain", "sealed", "withheld", "destroyed")
INCLUDED = ("plain", "sealed")
CUSTODY = ("content.sealed", "content.accessed", "retention.destroyed", "export.created")
DATA_READ = (
    "content.sealed",
    "retention.destroyed",
    "export.created",
    "key.rotated",
    "post.signed",
)
SIGNED = "post.signed"  # a platform's signed copy of a post (a Bluesky record proof)


class PackError(Exception):
    """The pack fails a check. ``file`` is the pack file at fault, ``entry`` the record entry."""

    def __init__(self, file: str, message: str, entry: int | None = None):
        self.file, self.message, self.entry = file, message, entry
        where = file if entry is None else f"{file}: entry {entry}"
        super().__init__(f"{where}: {message}")


# --- paths inside the pack ----------------------------------------------------------------


def entry_path(seq: int) -> str:
    return f"data/entries/{seq}.json"


def proof_path(seq: int) -> str:
    return f"data/proofs/{seq}.tlog-proof"


def content_path(seq: int) -> str:
    return f"data/content/{seq}.bin"


def salt_path(seq: int) -> str:
    return f"data/content/{seq}.salt"


def checkpoint_path(size: int) -> str:
    return f"data/checkpoints/{size}.txt"


def consistency_path(size: int) -> str:
    return f"data/checkpoints/{size}.consistency"


def entry_of(name: str) -> int | None:
    """The record entry a per-entry file is about, from its name."""
    for folder in ("data/entries/", "data/proofs/", "data/content/"):
        if name.startswith(folder):
            stem = name[len(folder) :].split(".", 1)[0]
            if stem.isascii() and stem.isdigit():
                return int(stem)
    return None


# --- canonical text of the pack's own files (the pack writer uses these too) ---------------


def json_line(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def index_bytes(index: dict) -> bytes:
    return (json.dumps(index, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode()


def entries_bytes(rows: list[dict]) -> bytes:
    return b"".join(json_line(row) + b"\n" for row in rows)


def heads_bytes(heads: dict[str, int]) -> bytes:
    return json_line(heads) + b"\n"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def tlog_proof_text(seq: int, hashes: list[bytes], checkpoint: str) -> str:
    """A C2SP tlog-proof: header, index, the inclusion proof, a blank line, the checkpoint."""
    lines = [PROOF_HEADER, f"index {seq}", *(b64(h) for h in hashes)]
    return "\n".join(lines) + "\n\n" + checkpoint


def consistency_text(old: int, new: int, hashes: list[bytes]) -> str:
    lines = [CONSISTENCY_HEADER, f"from {old}", f"to {new}", *(b64(h) for h in hashes)]
    return "\n".join(lines) + "\n"


def key_history_text(rotations: list[tuple[int, str, str]]) -> str:
    return "".join(f"{seq} {old} {new}\n" for seq, old, new in rotations)


# --- RFC 9162 Merkle tree -----------------------------------------------------------------


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def root_from_inclusion(m: int, n: int, leaf: bytes, proof: list[bytes]) -> bytes | None:
    """RFC 9162 2.1.3.2: the root an inclusion proof leads to, or None if it cannot be one."""
    if not 0 <= m < n:
        return None
    fn, sn, r = m, n - 1, leaf
    for p in proof:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = _node(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = _node(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def consistent(m: int, n: int, old_root: bytes, new_root: bytes, proof: list[bytes]) -> bool:
    """RFC 9162 2.1.4.2: is the tree of size ``m`` a prefix of the tree of size ``n``?"""
    if not 0 < m <= n:
        return False
    if m == n:
        return not proof and old_root == new_root
    if not proof:
        return False
    path = list(proof)
    if m & (m - 1) == 0:
        path.insert(0, old_root)
    fn, sn = m - 1, n - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = _node(c, fr), _node(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = _node(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root


# --- signed notes and checkpoints (C2SP signed-note, tlog-checkpoint) ---------------------


def _decimal(text: str) -> int | None:
    if not text.isdigit() or not text.isascii() or (len(text) > 1 and text[0] == "0"):
        return None
    return int(text)


def _b64_strict(text: str) -> bytes | None:
    """Standard base64 that decodes and encodes back to exactly ``text``, else None."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if b64(raw) == text else None


_HASH_LINE = re.compile(r"[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=")  # 32 bytes, canonical
_CHECKSUM = re.compile(r"[0-9a-f]{64}")


def _hash_line(text: str) -> bytes | None:
    """A SHA-256 hash in canonical base64 (hot: every line of every proof)."""
    return binascii.a2b_base64(text) if _HASH_LINE.fullmatch(text) else None


class Key:
    """A signed-note verifier key ``<name>+<hash>+<base64(0x01 || Ed25519 key)>``."""

    def __init__(self, text: str):
        parts = text.split("+", 2)
        if len(parts) != 3 or not parts[0] or any(c.isspace() for c in text):
            raise ValueError("a key must be <name>+<hash>+<key>")
        name, hash_hex, encoded = parts
        raw = _b64_strict(encoded)
        if raw is None or len(raw) != 33 or raw[0] != ALG_ED25519:
            raise ValueError("not an Ed25519 signed-note key")
        digest = hashlib.sha256(name.encode() + b"\n" + raw).digest()
        if hash_hex != digest[:4].hex():
            raise ValueError("its key hash does not match the key")
        self.text, self.name, self.id, self.public = text, name, digest[:4], raw[1:]

    def verifies(self, message: bytes, signature: bytes) -> bool:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        try:
            Ed25519PublicKey.from_public_bytes(self.public).verify(signature, message)
        except InvalidSignature:
            return False
        return True


class Checkpoint:
    """A signed checkpoint: origin, size, root, and who signed it (from ``keys``)."""

    def __init__(self, note: str, keys: list[Key]):
        self.note = note
        at = note.rfind("\n\n")
        if not note.endswith("\n") or at < 0:
            raise ValueError("not a signed note (text, a blank line, signature lines)")
        text, signatures = note[: at + 1], note[at + 2 :]
        lines = text.split("\n")[:-1]
        if len(lines) < 3 or "" in lines or "\r" in text:
            raise ValueError("a checkpoint needs an origin, a size and a root hash")
        size, root = _decimal(lines[1]), _hash_line(lines[2])
        if not lines[0] or size is None or root is None:
            raise ValueError("a checkpoint needs an origin, a size and a root hash")
        self.origin, self.size, self.root = lines[0], size, root
        self.signed_by: Key | None = None
        for line in signatures.split("\n")[:-1]:
            parts = line.split(" ")
            raw = _b64_strict(parts[2]) if len(parts) == 3 and parts[0] == DASH else None
            if raw is None or len(raw) < 5:
                raise ValueError(f"malformed signature line {line!r}")
            for key in keys:
                if key.name == parts[1] and key.id == raw[:4]:
                    if not key.verifies(text.encode(), raw[4:]):
                        raise ValueError(f"the signature by {key.name} does not verify")
                    self.signed_by = self.signed_by or key
        if self.signed_by is None:
            raise ValueError("no signature by a key this pack trusts")


# --- witnesses: the policy and the cosignatures on the anchor ------------------------------
#
# A witness (C2SP tlog-witness) cosigns a checkpoint only if it extends every checkpoint of the
# log it saw before, so a log rewritten after the fact cannot gather cosignatures again. The
# policy is in Sigsum's syntax (log, witness, group and quorum lines); a witness's name there is
# the name its cosignature lines carry. A cosignature/v1 line is
# ``— <name> base64(key ID || u64 time || Ed25519 signature)`` over
# ``cosignature/v1\ntime <T>\n`` and the checkpoint's text; the key ID is
# ``SHA-256(name || "\n" || 0x04 || key)[:4]``. An ML-DSA-44 witness (key ID with 0x06) signs a
# binary ``subtree/v1`` message instead (mldsa_message), checked where cryptography can.

ALG_COSIGNATURE_V1 = 0x04
ALG_ML_DSA_44 = 0x06
ML_DSA_44_KEY, ML_DSA_44_SIGNATURE = 1312, 2420
COSIGNATURE_HEADER = "cosignature/v1"
SUBTREE_LABEL = b"subtree/v1\n\x00"

NONE = "none"


class PolicyError(ValueError):
    """A policy that does not parse; the message names the line."""


@dataclass(frozen=True)
class Group:
    name: str
    threshold: int
    members: tuple[str, ...]
    word: str  # how the threshold was written: all, any or the number


@dataclass
class Policy:
    logs: list[tuple[bytes, str]] = dataclasses.field(default_factory=list)
    witnesses: dict[str, tuple[bytes, str]] = dataclasses.field(default_factory=dict)
    groups: dict[str, Group] = dataclasses.field(default_factory=dict)
    quorum: str = NONE

    @classmethod
    def parse(cls, text: str) -> Policy:
        policy = cls()
        quorum: str | None = None
        for number, raw in enumerate(text.split("\n"), start=1):
            words = raw.split("#", 1)[0].split()
            if not words:
                continue
            keyword, args = words[0], words[1:]
            where = f"line {number}"
            if keyword == "log" and len(args) in (1, 2):
                policy.logs.append((_key(args[0], where), args[1] if len(args) == 2 else ""))
            elif keyword == "witness" and len(args) in (2, 3):
                name = args[0]
                policy._new_name(name, where)
                url = args[2] if len(args) == 3 else ""
                policy.witnesses[name] = (_key(args[1], where), url)
            elif keyword == "group" and len(args) >= 3:
                name, word, members = args[0], args[1], tuple(args[2:])
                policy._new_name(name, where)
                for member in members:
                    if member not in policy.witnesses and member not in policy.groups:
                        raise PolicyError(f"{where}: {member!r} is not defined above")
                if len(set(members)) != len(members):
                    raise PolicyError(f"{where}: group {name!r} names a member twice")
                policy.groups[name] = Group(
                    name, _threshold(word, len(members), where), members, word
                )
            elif keyword == "quorum" and len(args) == 1:
                if quorum is not None:
                    raise PolicyError(f"{where}: a policy has one quorum line")
                quorum = args[0]
                if quorum != NONE and quorum not in policy.witnesses | policy.groups:
                    raise PolicyError(f"{where}: {quorum!r} is not defined above")
            else:
                raise PolicyError(f"{where}: expected log, witness, group or quorum")
        if quorum is None:
            raise PolicyError("the policy has no quorum line")
        policy.quorum = quorum
        return policy

    def _new_name(self, name: str, where: str) -> None:
        if name == NONE or name in self.witnesses or name in self.groups:
            raise PolicyError(f"{where}: the name {name!r} is already taken")

    def text(self) -> str:
        lines = [f"log {key.hex()}" + (f" {url}" if url else "") for key, url in self.logs]
        for name, (key, url) in self.witnesses.items():
            lines.append(f"witness {name} {key.hex()}" + (f" {url}" if url else ""))
        for group in self.groups.values():
            lines.append(f"group {group.name} {group.word} {' '.join(group.members)}")
        lines.append(f"quorum {self.quorum}")
        return "\n".join(lines) + "\n"

    def satisfied_by(self, cosigners: set[str]) -> bool:
        """Whether cosignatures by the witnesses named in ``cosigners`` meet the quorum."""
        if self.quorum == NONE:
            return True
        return self._acts(self.quorum, cosigners)

    def _acts(self, name: str, cosigners: set[str]) -> bool:
        group = self.groups.get(name)
        if group is None:
            return name in cosigners and name in self.witnesses
        agreeing = sum(self._acts(member, cosigners) for member in group.members)
        return agreeing >= group.threshold


def _key(text: str, where: str) -> bytes:
    """An Ed25519 key (64 hexadecimal digits) or, for a witness, an ML-DSA-44 one (2,624)."""
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise PolicyError(f"{where}: a key must be 64 hexadecimal digits") from None
    if len(key) not in (32, ML_DSA_44_KEY):
        raise PolicyError(f"{where}: a key must be 64 hexadecimal digits")
    return key


def _threshold(word: str, members: int, where: str) -> int:
    if word == "all":
        return members
    if word == "any":
        return 1
    if not (word.isascii() and word.isdigit()) or not 1 <= int(word) <= members:
        raise PolicyError(f"{where}: a group needs all, any or a number from 1 to {members}")
    return int(word)


def mldsa_message(name: str, timestamp: int, origin: str, size: int, root: bytes) -> bytes:
    """What an ML-DSA-44 cosignature signs: the ``cosigned_message`` of C2SP tlog-cosignature
    for a checkpoint (a subtree from 0 to its size)."""
    who, log = name.encode(), origin.encode()
    return (
        SUBTREE_LABEL
        + bytes([len(who)])
        + who
        + timestamp.to_bytes(8, "big")
        + bytes([len(log)])
        + log
        + (0).to_bytes(8, "big")
        + size.to_bytes(8, "big")
        + root
    )


def mldsa44():
    try:
        from cryptography.hazmat.primitives.asymmetric.mldsa import MLDSA44PublicKey
    except ImportError:  # cryptography before 47: ML-DSA cosignatures cannot be checked
        return None
    return MLDSA44PublicKey


def cosignatures(note: str, witnesses: dict[str, bytes]) -> dict[str, int]:
    """The policy witnesses (name -> public key: 32 bytes Ed25519, 1312 bytes ML-DSA-44) that
    cosigned ``note``, with the time each did. Lines by anyone else are ignored, and so are
    ML-DSA-44 ones where this cryptography cannot check them; a line by a policy witness that
    does not verify is a ValueError."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    at = note.rfind("\n\n")
    text, lines = note[: at + 1], note[at + 2 :].split("\n")[:-1]
    found: dict[str, int] = {}
    for line in lines:
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != DASH or parts[1] not in witnesses:
            continue
        name, public = parts[1], witnesses[parts[1]]
        alg = ALG_COSIGNATURE_V1 if len(public) == 32 else ALG_ML_DSA_44
        raw = _b64_strict(parts[2])
        key_id = hashlib.sha256(name.encode() + b"\n" + bytes([alg]) + public)
        if raw is None or raw[:4] != key_id.digest()[:4]:
            continue
        size = 64 if alg == ALG_COSIGNATURE_V1 else ML_DSA_44_SIGNATURE
        if len(raw) != 4 + 8 + size:
            raise ValueError(f"the cosignature by {name} has the wrong length")
        timestamp = int.from_bytes(raw[4:12], "big")
        try:
            if alg == ALG_COSIGNATURE_V1:
                message = f"{COSIGNATURE_HEADER}\ntime {timestamp}\n{text}".encode()
                Ed25519PublicKey.from_public_bytes(public).verify(raw[12:], message)
            else:
                checker = mldsa44()
                if checker is None:
                    continue
                origin, tree_size, root = text.split("\n")[:3]
                message = mldsa_message(
                    name, timestamp, origin, int(tree_size), base64.b64decode(root)
                )
                checker.from_public_bytes(public).verify(raw[12:], message)
        except InvalidSignature:
            raise ValueError(f"the cosignature by {name} does not verify") from None
        found[name] = timestamp
    return found


# --- trusted timestamps (RFC 3161), checked offline ----------------------------------------
#
# A time-stamping authority signs the hash of the pack's anchor (data/checkpoint.txt, with its
# cosignatures) and the time it saw it: the anchor existed by then, on the word of a party
# outside the force. Each answer (data/timestamps/N.tsr, a DER TimeStampResp) is parsed here
# with a small DER reader; its CMS signature is checked with ``cryptography``, the signing
# certificate must carry the critical timeStamping extended key usage, and it must chain to a
# root in data/timestamps/roots.pem whose SHA-256 fingerprint the export entry names.

OID_SIGNED_DATA = "1.2.840.113549.1.7.2"
OID_TST_INFO = "1.2.840.113549.1.9.16.1.4"
OID_CONTENT_TYPE = "1.2.840.113549.1.9.3"
OID_MESSAGE_DIGEST = "1.2.840.113549.1.9.4"
OID_TIME_STAMPING = "1.3.6.1.5.5.7.3.8"
DIGESTS = {
    "2.16.840.1.101.3.4.2.1": "sha256",
    "2.16.840.1.101.3.4.2.2": "sha384",
    "2.16.840.1.101.3.4.2.3": "sha512",
}
TSA_ROOTS = "data/timestamps/roots.pem"


def timestamp_path(n: int) -> str:
    return f"data/timestamps/{n}.tsr"


def _tlv(data: bytes, at: int) -> tuple[int, int, int]:
    """The tag, the start of the contents and the end of the DER element at ``at``."""
    if at + 2 > len(data) or data[at] & 0x1F == 0x1F:
        raise ValueError("malformed DER")
    tag, length, at = data[at], data[at + 1], at + 2
    if length & 0x80:
        count = length & 0x7F
        if not 1 <= count <= 4 or at + count > len(data):
            raise ValueError("malformed DER length")
        length, at = int.from_bytes(data[at : at + count], "big"), at + count
    if at + length > len(data):
        raise ValueError("truncated DER")
    return tag, at, at + length


def _children(data: bytes) -> list[tuple[int, bytes, bytes]]:
    """The elements of a constructed DER value: (tag, contents, the whole element)."""
    found, at = [], 0
    while at < len(data):
        tag, start, end = _tlv(data, at)
        found.append((tag, data[start:end], data[at:end]))
        at = end
    return found


def _one(data: bytes, tag: int) -> bytes:
    parts = _children(data)
    if len(parts) != 1 or parts[0][0] != tag:
        raise ValueError("unexpected DER structure")
    return parts[0][1]


def _oid(value: bytes) -> str:
    if not value:
        raise ValueError("empty object identifier")
    arcs, n = [value[0] // 40, value[0] % 40], 0
    for byte in value[1:]:
        n = (n << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(n)
            n = 0
    return ".".join(map(str, arcs))


def _expect(element: tuple[int, bytes, bytes], tag: int, what: str) -> bytes:
    if element[0] != tag:
        raise ValueError(f"{what} is not where RFC 3161 puts it")
    return element[1]


def _generalized_time(text: str):
    from datetime import datetime, timezone

    match = re.fullmatch(r"(\d{14})(?:\.(\d{1,6}))?Z", text)
    if match is None:
        raise ValueError(f"the time {text!r} is not a GeneralizedTime in UTC")
    moment = datetime.strptime(match.group(1), "%Y%m%d%H%M%S")
    moment = moment.replace(tzinfo=timezone.utc)  # noqa: UP017 - verify.py runs on Python 3.9
    fraction = match.group(2) or ""
    return moment.replace(microsecond=int(fraction.ljust(6, "0")) if fraction else 0)


def timestamp(response: bytes, message: bytes, roots: list) -> dict:
    """Check one RFC 3161 answer over ``message`` against the trusted ``roots`` (cryptography
    certificates); its time, authority and root. ValueError says what fails."""
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

    resp = _children(_one(response, 0x30))
    status = _children(_expect(resp[0], 0x30, "the status"))
    if int.from_bytes(_expect(status[0], 0x02, "the status"), "big") not in (0, 1):
        raise ValueError("the authority did not grant the timestamp")
    if len(resp) < 2:
        raise ValueError("the answer holds no timestamp token")
    content_info = _children(_expect(resp[1], 0x30, "the token"))
    if _oid(_expect(content_info[0], 0x06, "the token's type")) != OID_SIGNED_DATA:
        raise ValueError("the token is not CMS signed data")
    signed = _children(_one(_expect(content_info[1], 0xA0, "the signed data"), 0x30))
    encapsulated = _children(_expect(signed[2], 0x30, "the signed content"))
    if _oid(_expect(encapsulated[0], 0x06, "the content type")) != OID_TST_INFO:
        raise ValueError("the signed content is not a TSTInfo")
    content = _one(_expect(encapsulated[1], 0xA0, "the TSTInfo"), 0x04)
    certificates = [
        x509.load_der_x509_certificate(whole)
        for element in signed[3:]
        if element[0] == 0xA0
        for _, _, whole in _children(element[1])
    ]
    signer_infos = _children(_expect(signed[-1], 0x31, "the signer infos"))
    if len(signer_infos) != 1:
        raise ValueError("the token must have exactly one signer")
    signer = _children(_expect(signer_infos[0], 0x30, "the signer info"))
    sid, digest_alg, attributes = signer[1], signer[2], signer[3]
    algorithm = DIGESTS.get(_oid(_children(_expect(digest_alg, 0x30, "the digest"))[0][1]))
    if algorithm is None or attributes[0] != 0xA0:
        raise ValueError("the token's digest is not SHA-2, or it has no signed attributes")
    signature = _expect(signer[5], 0x04, "the signature")

    # The signed attributes bind the TSTInfo: its type and its digest.
    said: dict[str, bytes] = {}
    for _, attribute, _ in _children(attributes[1]):
        kind, values = _children(attribute)[:2]
        said[_oid(kind[1])] = _children(values[1])[0][1]
    if _oid(said.get(OID_CONTENT_TYPE, b"\x00")) != OID_TST_INFO:
        raise ValueError("the signed attributes do not name a TSTInfo")
    if said.get(OID_MESSAGE_DIGEST) != hashlib.new(algorithm, content).digest():
        raise ValueError("the signed attributes do not match the TSTInfo")

    # The TSTInfo: the hash of the message, and the time.
    info = _children(_one(content, 0x30))
    imprint = _children(_expect(info[2], 0x30, "the message imprint"))
    imprint_alg = DIGESTS.get(_oid(_children(imprint[0][1])[0][1]))
    if imprint_alg is None or imprint[1][1] != hashlib.new(imprint_alg, message).digest():
        raise ValueError("it is not a timestamp of this checkpoint")
    when = _generalized_time(_expect(info[4], 0x18, "the time").decode("ascii"))

    # The signer: its certificate, its key usage, its signature, and its chain to a root.
    if sid[0] == 0x30:
        issuer, serial = _children(sid[1])[:2]
        number = int.from_bytes(serial[1], "big", signed=True)
        matches = [
            c
            for c in certificates
            if c.serial_number == number and c.issuer.public_bytes() == issuer[2]
        ]
    else:
        matches = [
            c
            for c in certificates
            if c.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
            == sid[1]
        ]
    if not matches:
        raise ValueError("the token does not hold the certificate that signed it")
    leaf = matches[0]
    try:
        usage = leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    except x509.ExtensionNotFound:
        usage = None
    if usage is None or not usage.critical or len(usage.value) != 1:
        raise ValueError("the signing certificate is not for time-stamping only (RFC 3161)")
    if usage.value[0].dotted_string != OID_TIME_STAMPING:
        raise ValueError("the signing certificate is not for time-stamping")
    signed_attributes = b"\x31" + attributes[2][1:]
    chosen = getattr(hashes, algorithm.upper())()
    key = leaf.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, signed_attributes, padding.PKCS1v15(), chosen)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, signed_attributes, ec.ECDSA(chosen))
        else:
            raise ValueError("the authority's key is neither RSA nor EC")
    except InvalidSignature:
        raise ValueError("the authority's signature does not verify") from None
    chain, current = [leaf], leaf
    for _ in range(6):
        for candidate in [*roots, *certificates]:
            if candidate is current or candidate.subject != current.issuer:
                continue
            try:
                current.verify_directly_issued_by(candidate)
            except (ValueError, TypeError, InvalidSignature):
                continue
            chain.append(candidate)
            current = candidate
            break
        else:
            raise ValueError("the authority's certificate does not chain to a trusted root")
        if any(current is root for root in roots):
            break
    else:
        raise ValueError("the authority's certificate chain is too long")
    for certificate in chain:
        if not certificate.not_valid_before_utc <= when <= certificate.not_valid_after_utc:
            raise ValueError("a certificate in the chain was not valid at the stamped time")
    root = chain[-1]
    return {
        "time": when.isoformat().replace("+00:00", "Z"),
        "authority": leaf.subject.rfc4514_string(),
        "root": "sha256:" + hashlib.sha256(root.public_bytes(_der())).hexdigest(),
    }


def _der():
    from cryptography.hazmat.primitives.serialization import Encoding

    return Encoding.DER


def _timestamped(bag: _Bag, export: dict, anchor: Checkpoint) -> tuple[list[dict], list[str]]:
    """The timestamps the export entry calls for, checked; and the authorities missing."""
    from cryptography import x509

    authorities = export["data"].get("timestamp_authorities") or []
    if not authorities:
        _require(
            not any(n.startswith("data/timestamps/") for n in bag.payload),
            TSA_ROOTS,
            "is in the pack; the export entry names no time-stamping authority",
        )
        return [], []
    fingerprints = set(export["data"].get("timestamp_roots") or [])
    try:
        roots = x509.load_pem_x509_certificates(bag.read(TSA_ROOTS))
    except ValueError as error:
        raise PackError(TSA_ROOTS, f"is not PEM certificates: {error}") from None
    for root in roots:
        found = "sha256:" + hashlib.sha256(root.public_bytes(_der())).hexdigest()
        _require(found in fingerprints, TSA_ROOTS, "holds a root the export entry does not name")
    called = {TSA_ROOTS, *(timestamp_path(i) for i in range(len(authorities)))}
    extra = [n for n in bag.payload if n.startswith("data/timestamps/") and n not in called]
    _require(not extra, extra[0] if extra else TSA_ROOTS, "is not a timestamp the export calls for")
    message = bag.read(ANCHOR)
    stamped, missing = [], []
    for n, url in enumerate(authorities):
        name = timestamp_path(n)
        if name not in bag.payload:
            missing.append(url)
            continue
        try:
            checked = timestamp(bag.read(name), message, roots)
        except (ValueError, IndexError, UnicodeDecodeError) as error:
            raise PackError(name, f"the timestamp by {url} fails: {error}") from None
        stamped.append({"tsa": url, **checked})
    return stamped, missing


# --- a Bluesky post as its repository signed it (atproto) ----------------------------------
#
# A Bluesky post is a record in its account's repository. ``com.atproto.sync.getRecord`` answers
# a CAR file holding the signed commit, the Merkle Search Tree nodes on the path to the record,
# and the record. Checked here without trusting whoever kept it: every block's hash, the commit's
# signature by the account's key (a ``did:key``, compare it with the account's DID document on
# plc.directory), and the path from the signed tree root to the record.
# https://atproto.com/specs/repository  https://ipld.io/specs/transport/car/carv1/


class ProofError(ValueError):
    """A Bluesky record proof does not check; the message says where."""


CID_TAG = 42
DAG_CBOR, RAW, SHA2_256 = 0x71, 0x55, 0x12
BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
# did:key multicodecs, as varints: secp256k1-pub (0xe7) and p256-pub (0x1200).
DID_KEY_CURVES = {b"\xe7\x01": "secp256k1", b"\x80\x24": "p256"}


class Cid:
    """An IPLD content identifier (v1, SHA-256), compared by its bytes."""

    def __init__(self, raw: bytes):
        version, at = _varint(raw, 0)
        codec, at = _varint(raw, at)
        code, at = _varint(raw, at)
        size, at = _varint(raw, at)
        if version != 1 or codec not in (DAG_CBOR, RAW) or code != SHA2_256 or size != 32:
            raise ProofError("a CID that is not a v1 SHA-256 CID")
        if len(raw) != at + size:
            raise ProofError("a CID of the wrong length")
        self.raw, self.codec, self.digest = raw, codec, raw[at:]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Cid) and other.raw == self.raw

    def __hash__(self) -> int:
        return hash(self.raw)

    def __str__(self) -> str:
        return "b" + base64.b32encode(self.raw).decode().lower().rstrip("=")

    @classmethod
    def of(cls, block: bytes, codec: int = DAG_CBOR) -> Cid:
        return cls(bytes([1, codec, SHA2_256, 32]) + hashlib.sha256(block).digest())


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if at >= len(data) or shift > 56:
            raise ProofError("a truncated or overlong varint")
        byte = data[at]
        value |= (byte & 0x7F) << shift
        at, shift = at + 1, shift + 7
        if not byte & 0x80:
            return value, at


def cbor_decode(data: bytes):
    """DAG-CBOR as atproto uses it: integers, strings, bytes, lists, maps with string keys,
    booleans, null, and CIDs (tag 42). Anything else, or bytes left over, is refused."""
    value, at = _cbor_item(data, 0, 0)
    if at != len(data):
        raise ProofError("bytes after the end of a DAG-CBOR block")
    return value


def _cbor_head(data: bytes, at: int) -> tuple[int, int, int]:
    if at >= len(data):
        raise ProofError("a truncated DAG-CBOR block")
    major, info = data[at] >> 5, data[at] & 31
    at += 1
    if info < 24:
        return major, info, at
    sizes = {24: 1, 25: 2, 26: 4, 27: 8}
    if info not in sizes or at + sizes[info] > len(data):
        raise ProofError("an indefinite or truncated DAG-CBOR item")
    if major == 7:
        raise ProofError("a float in a DAG-CBOR block (atproto data has none)")
    return major, int.from_bytes(data[at : at + sizes[info]], "big"), at + sizes[info]


def _cbor_item(data: bytes, at: int, depth: int):
    if depth > 128:
        raise ProofError("DAG-CBOR nested too deep")
    major, arg, at = _cbor_head(data, at)
    if major == 0:
        return arg, at
    if major == 1:
        return -1 - arg, at
    if major in (2, 3):
        if at + arg > len(data):
            raise ProofError("a truncated DAG-CBOR string")
        raw = data[at : at + arg]
        if major == 2:
            return raw, at + arg
        try:
            return raw.decode("utf-8"), at + arg
        except UnicodeDecodeError:
            raise ProofError("a DAG-CBOR text string that is not UTF-8") from None
    if major == 4:
        items = []
        for _ in range(arg):
            item, at = _cbor_item(data, at, depth + 1)
            items.append(item)
        return items, at
    if major == 5:
        mapping: dict = {}
        for _ in range(arg):
            key, at = _cbor_item(data, at, depth + 1)
            if not isinstance(key, str) or key in mapping:
                raise ProofError("a DAG-CBOR map key that is not a unique string")
            mapping[key], at = _cbor_item(data, at, depth + 1)
        return mapping, at
    if major == 6:
        if arg != CID_TAG:
            raise ProofError(f"a DAG-CBOR tag {arg} (only CIDs, tag 42, are allowed)")
        raw, at = _cbor_item(data, at, depth + 1)
        if not isinstance(raw, bytes) or raw[:1] != b"\x00":
            raise ProofError("a DAG-CBOR CID that is not bytes with a leading zero")
        return Cid(raw[1:]), at
    simple = {20: False, 21: True, 22: None}
    if arg not in simple:
        raise ProofError(f"a DAG-CBOR simple value {arg}")
    return simple[arg], at


def cbor_encode(value) -> bytes:
    """The canonical DAG-CBOR of ``value`` (map keys by length, then bytewise)."""
    if value is None or isinstance(value, bool):
        return bytes([0xF6 if value is None else 0xF5 if value else 0xF4])
    if isinstance(value, int):
        return _cbor_encode_head(0, value) if value >= 0 else _cbor_encode_head(1, -1 - value)
    if isinstance(value, bytes):
        return _cbor_encode_head(2, len(value)) + value
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _cbor_encode_head(3, len(raw)) + raw
    if isinstance(value, list):
        return _cbor_encode_head(4, len(value)) + b"".join(cbor_encode(v) for v in value)
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: (len(k.encode()), k.encode()))
        body = b"".join(cbor_encode(k) + cbor_encode(value[k]) for k in keys)
        return _cbor_encode_head(5, len(value)) + body
    if isinstance(value, Cid):
        return _cbor_encode_head(6, CID_TAG) + cbor_encode(b"\x00" + value.raw)
    raise ProofError(f"cannot encode {type(value).__name__} as DAG-CBOR")


def _cbor_encode_head(major: int, arg: int) -> bytes:
    if arg < 24:
        return bytes([major << 5 | arg])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if arg < 1 << (8 * size):
            return bytes([major << 5 | info]) + arg.to_bytes(size, "big")
    raise ProofError("an integer too large for DAG-CBOR")


def car_blocks(car: bytes) -> tuple[Cid, dict[Cid, bytes]]:
    """The root and the blocks of a CAR v1 file, each block's hash checked against its CID."""
    size, at = _varint(car, 0)
    header = cbor_decode(car[at : at + size])
    at += size
    if not isinstance(header, dict):
        raise ProofError("the CAR header is not a map")
    roots = header.get("roots")
    if header.get("version") != 1 or not isinstance(roots, list) or len(roots) != 1:
        raise ProofError("the CAR header is not version 1 with one root")
    blocks: dict[Cid, bytes] = {}
    while at < len(car):
        size, at = _varint(car, at)
        section, at = car[at : at + size], at + size
        if len(section) != size:
            raise ProofError("the CAR file is truncated")
        cid_size = 4 + 32  # v1, codec, sha2-256, 32: each one byte
        cid = Cid(section[:cid_size])
        block = section[cid_size:]
        if hashlib.sha256(block).digest() != cid.digest:
            raise ProofError(f"block {cid} does not match its hash (it was changed)")
        blocks[cid] = block
    root = roots[0]
    if not isinstance(root, Cid) or root not in blocks:
        raise ProofError("the CAR file does not hold its root block")
    return root, blocks


def _base58(text: str) -> bytes:
    number = 0
    for char in text:
        if char not in BASE58:
            raise ProofError("a key that is not base58btc")
        number = number * 58 + BASE58.index(char)
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\x00" * (len(text) - len(text.lstrip("1"))) + raw


def did_key_verifies(did_key: str, message: bytes, signature: bytes) -> bool:
    """Whether ``signature`` (64 bytes, r then s, low-S as atproto requires) over ``message``
    verifies with the P-256 or secp256k1 key ``did:key:z…``."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    if not did_key.startswith("did:key:z"):
        raise ProofError("the signing key is not a did:key")
    raw = _base58(did_key[len("did:key:z") :])
    curve_name = DID_KEY_CURVES.get(raw[:2])
    if curve_name is None:
        raise ProofError("the signing key is neither P-256 nor secp256k1")
    curve = ec.SECP256K1() if curve_name == "secp256k1" else ec.SECP256R1()
    try:
        public = ec.EllipticCurvePublicKey.from_encoded_point(curve, raw[2:])
    except ValueError:
        raise ProofError("the signing key is not a point on its curve") from None
    if len(signature) != 64:
        return False
    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    order = {
        "secp256k1": 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141,
        "p256": 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    }[curve_name]
    if not 0 < s <= order // 2:
        return False  # a high-S signature: atproto refuses the malleable twin
    try:
        public.verify(encode_dss_signature(r, s), message, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True


def tree_node(blocks: dict[Cid, bytes], cid: Cid) -> dict:
    if cid not in blocks:
        raise ProofError(f"the proof lacks tree node {cid} on the path to the record")
    node = cbor_decode(blocks[cid])
    entries = node.get("e") if isinstance(node, dict) else None
    if not isinstance(entries, list) or not isinstance(node.get("l"), (Cid, type(None))):
        raise ProofError(f"block {cid} is not a repository tree node")
    return node


def mst_find(blocks: dict[Cid, bytes], root: Cid, key: str) -> Cid | None:
    """The value stored under ``key`` in the Merkle Search Tree at ``root``, or None."""
    wanted, cid = key.encode(), root
    while True:
        node = tree_node(blocks, cid)
        below, previous = node["l"], b""
        for entry in node["e"]:
            ok = isinstance(entry, dict) and isinstance(entry.get("p"), int)
            ok = ok and isinstance(entry.get("k"), bytes) and isinstance(entry.get("v"), Cid)
            if not ok or entry["p"] > len(previous):
                raise ProofError(f"block {cid} holds a malformed tree entry")
            full = previous[: entry["p"]] + entry["k"]
            if full == wanted:
                return entry["v"]
            if full > wanted:
                break
            below, previous = entry.get("t"), full
        if below is None:
            return None
        if not isinstance(below, Cid):
            raise ProofError(f"block {cid} holds a malformed subtree link")
        cid = below


def atproto_record(car: bytes, *, uri: str, did_key: str) -> dict:
    """Check a ``com.atproto.sync.getRecord`` CAR for the record at ``uri``
    (``at://DID/COLLECTION/RKEY``) signed by ``did_key``; the record, its CID and the commit's
    revision. Raises ProofError saying what does not check."""
    parts = uri.split("/")
    if len(parts) != 5 or parts[:2] != ["at:", ""] or not parts[2].startswith("did:"):
        raise ProofError(f"{uri!r} is not an at:// address of a record")
    did, path = parts[2], f"{parts[3]}/{parts[4]}"
    root, blocks = car_blocks(car)
    commit = cbor_decode(blocks[root])
    ok = isinstance(commit, dict) and commit.get("version") == 3
    ok = ok and isinstance(commit.get("data"), Cid) and isinstance(commit.get("sig"), bytes)
    if not ok:
        raise ProofError("the CAR's root is not a version 3 repository commit")
    if commit.get("did") != did:
        raise ProofError(f"the commit is by {commit.get('did')}, not {did}")
    unsigned = {k: v for k, v in commit.items() if k != "sig"}
    if not did_key_verifies(did_key, cbor_encode(unsigned), commit["sig"]):
        raise ProofError(f"the commit's signature does not verify with {did_key}")
    found = mst_find(blocks, commit["data"], path)
    if found is None:
        raise ProofError(f"the signed repository holds no record at {path}")
    if found not in blocks:
        raise ProofError(f"the proof lacks the record block {found}")
    record = cbor_decode(blocks[found])
    if not isinstance(record, dict):
        raise ProofError("the record is not a map")
    return {"record": record, "cid": str(found), "commit": str(root), "rev": commit.get("rev")}


# --- reading the pack ---------------------------------------------------------------------


class _Source:
    """The files of a pack, by their path inside the bag, from a zip or an unpacked folder."""

    def __init__(self, path: str):
        self.path = path
        self.sizes: dict[str, int] = {}
        if os.path.isdir(path):
            self.zip = None
            self.base = path
            for folder, _, files in os.walk(path):
                for name in files:
                    full = os.path.join(folder, name)
                    rel = os.path.relpath(full, path).replace(os.sep, "/")
                    self.sizes[rel] = os.path.getsize(full)
            return
        try:
            self.zip = zipfile.ZipFile(path)
            infos = self.zip.infolist()
        except (OSError, zipfile.BadZipFile, zlib.error) as error:
            raise PackError(
                os.path.basename(path), f"is not a readable zip file ({error})"
            ) from None
        tops = {info.filename.split("/", 1)[0] for info in infos}
        if len(tops) != 1:
            raise PackError(os.path.basename(path), "must hold one folder, the bag")
        self.base = tops.pop() + "/"
        for info in infos:
            if info.is_dir():
                continue
            rel = info.filename[len(self.base) :]
            if not rel or rel in self.sizes or ".." in rel.split("/") or "\\" in rel:
                raise PackError(rel or info.filename, "appears twice in the zip, or is misnamed")
            self.sizes[rel] = info.file_size

    def read(self, name: str) -> bytes:
        if name not in self.sizes:
            raise PackError(name, "is missing")
        try:
            if self.zip is None:
                with open(os.path.join(self.base, *name.split("/")), "rb") as handle:
                    return handle.read()
            return self.zip.read(self.base + name)
        except (OSError, zipfile.BadZipFile, zlib.error, EOFError) as error:
            raise PackError(name, f"cannot be read ({error})", entry_of(name)) from None

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()


def _manifest(name: str, raw: bytes) -> dict[str, str]:
    """An RFC 8493 manifest: path -> SHA-256 hex."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise PackError(name, "is not UTF-8 text") from None
    if text and not text.endswith("\n"):
        raise PackError(name, "must end with a newline")
    found: dict[str, str] = {}
    for number, line in enumerate(text.split("\n")[:-1], 1):
        checksum, _, path = line.partition("  ")
        if not _CHECKSUM.fullmatch(checksum) or not path:
            raise PackError(name, f"line {number} is not '<sha256>  <path>'")
        path = path.replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%")
        if path in found:
            raise PackError(name, f"lists {path} twice")
        found[path] = checksum
    return found


class _Bag:
    """The bag's files, each read once and checked against its manifest before it is used."""

    def __init__(self, source: _Source):
        self.source = source
        self.checked = 0
        bagit = source.read(BAGIT)
        if not bagit.startswith(b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"):
            raise PackError(BAGIT, "is not a BagIt 1.0 declaration in UTF-8")
        self.tags = _manifest(TAGMANIFEST, source.read(TAGMANIFEST))
        for name in TAG_FILES:
            if name not in self.tags:
                raise PackError(name, f"is not listed in {TAGMANIFEST}")
        for name in self.tags:
            if name.startswith("data/") or name == TAGMANIFEST:
                raise PackError(TAGMANIFEST, f"lists {name}, which is not a tag file")
        for name in sorted(source.sizes):
            if not name.startswith("data/") and name != TAGMANIFEST and name not in self.tags:
                raise PackError(name, f"is in the bag but not listed in {TAGMANIFEST}")
        self.cache = {}
        for name in self.tags:
            self.cache[name] = self._checked(name, self.tags, TAGMANIFEST)
        self.payload = _manifest(MANIFEST, self.cache[MANIFEST])
        for name in sorted(self.payload):
            if not name.startswith("data/"):
                raise PackError(MANIFEST, f"lists {name}, which is not in data/")
            if name not in source.sizes:
                raise PackError(name, f"is listed in {MANIFEST} but missing", entry_of(name))
        for name in sorted(source.sizes):
            if name.startswith("data/") and name not in self.payload:
                raise PackError(name, f"is in the bag but not listed in {MANIFEST}", entry_of(name))

    def _checked(self, name: str, manifest: dict[str, str], manifest_name: str) -> bytes:
        if name not in self.source.sizes:
            raise PackError(name, f"is listed in {manifest_name} but missing", entry_of(name))
        data = self.source.read(name)
        if hashlib.sha256(data).hexdigest() != manifest[name]:
            raise PackError(name, f"does not match its checksum in {manifest_name}", entry_of(name))
        self.checked += 1
        return data

    def read(self, name: str) -> bytes:
        if name in self.cache:
            return self.cache[name]
        if name not in self.payload:
            raise PackError(name, "is missing", entry_of(name))
        return self._checked(name, self.payload, MANIFEST)

    def text(self, name: str) -> str:
        try:
            return self.read(name).decode("utf-8")
        except UnicodeDecodeError:
            raise PackError(name, "is not UTF-8 text", entry_of(name)) from None

    def canonical_json(self, name: str, serialize):
        raw = self.read(name)
        try:
            value = json.loads(raw)
        except ValueError:
            raise PackError(name, "is not valid JSON") from None
        try:
            same = serialize(value) == raw
        except (TypeError, ValueError, AttributeError):
            same = False
        if not same:
            raise PackError(name, "is not in the pack's exact form (it was edited)")
        return value


def _bag_info(bag: _Bag) -> dict[str, str]:
    info: dict[str, str] = {}
    for line in bag.text(BAG_INFO).split("\n"):
        if not line:
            continue
        label, sep, value = line.partition(": ")
        if not sep or label in info:
            raise PackError(BAG_INFO, f"has a malformed or repeated line {line[:40]!r}")
        info[label] = value
    return info


def _words(value: object) -> str:
    return " ".join(str(value).split())


# --- the checks ---------------------------------------------------------------------------


def _require(condition: bool, file: str, message: str, entry: int | None = None) -> None:
    if not condition:
        raise PackError(file, message, entry)


def _index(bag: _Bag) -> dict:
    index = bag.canonical_json(INDEX, index_bytes)
    needed = {
        "format": str,
        "origin": str,
        "subject": str,
        "subjects": list,
        "purpose": str,
        "reference": str,
        "producer": str,
        "created": str,
        "export": int,
        "checkpoint": int,
        "checkpoints": list,
    }
    for field, kind in needed.items():
        _require(isinstance(index.get(field), kind), INDEX, f"{field!r} is missing or wrong")
    _require(set(index) == set(needed), INDEX, "has fields an Amends pack does not have")
    _require(index["format"] == FORMAT, INDEX, f"is not in the format {FORMAT}")
    sizes = index["checkpoints"]
    _require(
        all(isinstance(s, int) for s in sizes) and sizes == sorted(set(sizes)),
        INDEX,
        "'checkpoints' must be sizes in increasing order",
    )
    return index


def _rows(bag: _Bag) -> list[dict]:
    raw = bag.read(ENTRIES)
    rows = []
    for number, line in enumerate(raw.split(b"\n")[:-1], 1):
        try:
            row = json.loads(line)
        except ValueError:
            raise PackError(ENTRIES, f"line {number} is not JSON") from None
        ok = (
            isinstance(row, dict)
            and set(row) == {"seq", "kind", "subject", "content", "checkpoint"}
            and isinstance(row["seq"], int)
            and row["content"] in (None, *CONTENT_STATES)
        )
        _require(ok, ENTRIES, f"line {number} is not an entry of the index")
        rows.append(row)
    _require(entries_bytes(rows) == raw, ENTRIES, "is not in the pack's exact form (it was edited)")
    seqs = [row["seq"] for row in rows]
    for at in range(1, len(seqs)):
        before, after = seqs[at - 1], seqs[at]
        _require(after > before, ENTRIES, f"comes before entry {after}: out of order", before)
    return rows


def _anchor(bag: _Bag, index: dict, key: Key) -> Checkpoint:
    try:
        anchor = Checkpoint(bag.text(ANCHOR), [key])
    except ValueError as error:
        raise PackError(ANCHOR, f"does not verify with the log's key: {error}") from None
    _require(anchor.origin == index["origin"], INDEX, f"names another log than {ANCHOR}")
    _require(anchor.size == index["checkpoint"], INDEX, f"names another size than {ANCHOR}")
    return anchor


def _witnessed(bag: _Bag, export: dict, anchor: Checkpoint, key: Key, accept: bool) -> dict:
    """The anchor's cosignatures against the witness policy the export entry names. Without
    a policy, or short of its quorum, the pack fails unless ``accept`` (``--unwitnessed``)."""
    named = export["data"].get("witness_policy")
    if named is None:
        _require(POLICY not in bag.payload, POLICY, "is in the pack; the export entry names none")
        if not accept:
            raise PackError(ANCHOR, f"{UNWITNESSED}; to check the rest, run with --unwitnessed")
        return {"witnessed": False, "cosigners": {}, "quorum": None}
    raw = bag.read(POLICY)
    _require(
        named == f"sha256:{hashlib.sha256(raw).hexdigest()}",
        POLICY,
        "is not the witness policy the export entry names",
    )
    try:
        policy = Policy.parse(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise PackError(POLICY, f"does not parse: {error}") from None
    _require(
        any(public == key.public for public, _ in policy.logs),
        POLICY,
        "does not name the key that signed the pack's checkpoint",
    )
    witnesses = {name: public for name, (public, _) in policy.witnesses.items()}
    try:
        found = cosignatures(anchor.note, witnesses)
    except ValueError as error:
        raise PackError(ANCHOR, str(error)) from None
    quorum = policy.quorum
    if quorum != NONE and quorum in policy.groups:
        group = policy.groups[quorum]
        quorum = f"{group.word} of {', '.join(group.members)}"
    if quorum == NONE or not policy.satisfied_by(set(found)):
        if not accept:
            by = ", ".join(sorted(found)) or "no witness"
            raise PackError(
                ANCHOR,
                f"lacks its witnesses' quorum (cosigned by {by}; the policy asks for {quorum}): "
                f"it {UNWITNESSED[3:]}; to check the rest, run with --unwitnessed",
            )
        return {"witnessed": False, "cosigners": found, "quorum": quorum}
    return {"witnessed": True, "cosigners": found, "quorum": quorum}


def _proof(bag: _Bag, seq: int, anchor: Checkpoint) -> list[bytes]:
    name = proof_path(seq)
    text = bag.text(name)
    head, sep, note = text.partition("\n\n")
    _require(sep == "\n\n", name, "is not a C2SP tlog-proof", seq)
    _require(note == anchor.note, name, "is not against the pack's checkpoint", seq)
    lines = head.split("\n")
    _require(
        len(lines) >= 2 and lines[0] == PROOF_HEADER, name, f"does not start {PROOF_HEADER}", seq
    )
    _require(lines[1] == f"index {seq}", name, f"proves another position than {seq}", seq)
    hashes = [_hash_line(line) for line in lines[2:]]
    _require(None not in hashes, name, "has a proof line that is not a base64 SHA-256", seq)
    return hashes  # type: ignore[return-value]


def _before(prev: object, seq: int) -> bool:
    return isinstance(prev, int) and not isinstance(prev, bool) and 0 <= prev < seq


def _expected(bag: _Bag, index: dict, rows: list[dict]) -> None:
    """The payload is exactly the files an Amends pack with this index has."""
    expected = {INDEX, ENTRIES, HEADS, KEY, KEY_HISTORY, ANCHOR}
    # Whether these must be there, the export entry says (_witnessed, _timestamped).
    expected.update(n for n in bag.payload if n == POLICY or n.startswith("data/timestamps/"))
    expected.update(("data/report.html", "data/report.pdf"))
    for size in index["checkpoints"]:
        expected.update((checkpoint_path(size), consistency_path(size)))
    for row in rows:
        seq = row["seq"]
        expected.update((entry_path(seq), proof_path(seq)))
        if row["content"] in INCLUDED:
            expected.update((content_path(seq), salt_path(seq)))
    for name in sorted(bag.payload):
        if name not in expected:
            seq = entry_of(name)
            if seq is not None and name in (content_path(seq), salt_path(seq)):
                raise PackError(name, f"is in the pack, but {ENTRIES} shows no content", seq)
            raise PackError(name, f"is not a file that {INDEX} and {ENTRIES} call for", seq)
    missing = sorted(expected - set(bag.payload), key=lambda n: (entry_of(n) or 0, n))
    if missing:
        raise PackError(
            missing[0], f"is missing ({INDEX} and {ENTRIES} call for it)", entry_of(missing[0])
        )


def _leaf(bag: _Bag, row: dict, anchor: Checkpoint) -> dict:
    seq = row["seq"]
    name = entry_path(seq)
    data = bag.read(name)
    try:
        leaf = json.loads(data)
    except ValueError:
        raise PackError(name, "is not JSON", seq) from None
    ok = (
        isinstance(leaf, dict)
        and leaf.get("v") == 1
        and isinstance(leaf.get("data"), dict)
        and isinstance(leaf.get("kind"), str)
        and isinstance(leaf.get("time"), str)
        and isinstance(leaf.get("actor"), (str, type(None)))
        and isinstance(leaf.get("subject"), (str, type(None)))
        and (leaf.get("prev") is None or _before(leaf.get("prev"), seq))
    )
    _require(ok, name, "is not a record leaf", seq)
    _require(leaf.get("seq") == seq, name, f"holds entry {leaf.get('seq')!r}, not {seq}", seq)
    hashes = _proof(bag, seq, anchor)
    root = root_from_inclusion(seq, anchor.size, leaf_hash(data), hashes)
    _require(
        root == anchor.root,
        name,
        f"is not the leaf that {proof_path(seq)} proves in the pack's checkpoint "
        "(the entry or its proof was changed)",
        seq,
    )
    _require(leaf["kind"] == row["kind"], ENTRIES, "gives it another kind than its leaf", seq)
    _require(leaf["subject"] == row["subject"], ENTRIES, "gives it another subject", seq)
    return leaf


def _content(bag: _Bag, row: dict, leaf: dict) -> None:
    seq, state = row["seq"], row["content"]
    committed = leaf.get("content")
    if committed is None:
        _require(state is None, ENTRIES, "shows content for an entry that commits to none", seq)
    else:
        ok = isinstance(committed, str) and committed.startswith("sha256:") and len(committed) == 71
        _require(ok, entry_path(seq), "has a malformed content commitment", seq)
        _require(state is not None, ENTRIES, "shows no content for an entry with some", seq)
    files = [content_path(seq), salt_path(seq)]
    if state in INCLUDED:
        body, salt = bag.read(files[0]), bag.read(files[1])
        _require(len(salt) == 32, files[1], "is not a 32-byte salt", seq)
        digest = hashlib.sha256(salt + body).hexdigest()
        _require(
            "sha256:" + digest == committed,
            files[0],
            f"with its salt ({files[1]}), does not match the commitment in its leaf",
            seq,
        )


def _signed(bag: _Bag, row: dict, leaf: dict) -> str | None:
    """A platform's signed copy of a post, checked on its own: the signature by the key the
    entry names, the path to the record. The record's words, to compare with the wording."""
    seq, data = row["seq"], leaf["data"]
    name = content_path(seq)
    if data.get("format") != "application/vnd.ipld.car":
        raise PackError(name, "is a signed copy in a format this verifier does not know", seq)
    uri, key = data.get("uri"), data.get("key")
    _require(
        isinstance(uri, str) and isinstance(key, str),
        entry_path(seq),
        "names no record or key",
        seq,
    )
    try:
        checked = atproto_record(bag.read(name), uri=uri, did_key=key)
    except ProofError as error:
        raise PackError(name, f"is not the signed record it claims to be: {error}", seq) from None
    _require(
        checked["cid"] == data.get("cid"), name, "proves another record than its entry names", seq
    )
    text = checked["record"].get("text")
    return text if isinstance(text, str) else None


def _signed_words(bag: _Bag, rows: dict[int, dict], leaves: dict[int, dict], signed: dict) -> None:
    """Each signed copy holds the very words of the entry it proves, where the pack holds them."""
    for seq, text in signed.items():
        wording = leaves[seq]["data"].get("wording")
        row = rows.get(wording) if isinstance(wording, int) else None
        _require(row is not None, entry_path(seq), "proves wording the pack does not hold", seq)
        assert row is not None
        if row["content"] in INCLUDED:
            _require(
                text is not None and bag.read(content_path(wording)) == text.encode(),
                content_path(seq),
                f"holds other words than entry {wording}, whose wording it proves",
                seq,
            )


def _named(leaf: dict) -> list[int]:
    entries = leaf["data"].get("entries")
    ok = isinstance(entries, list) and all(isinstance(s, int) for s in entries)
    return entries if ok else []


def _states(rows: list[dict], leaves: dict[int, dict], export: dict) -> None:
    """The content shown as sealed, withheld or destroyed is what the record says it is."""
    sealed, destroyed = set(), set()
    for leaf in leaves.values():
        if leaf["kind"] == "content.sealed":
            sealed.update(_named(leaf))
        elif leaf["kind"] == "retention.destroyed":
            destroyed.update(_named(leaf))
    listed = export["data"].get("sealed")
    _require(
        isinstance(listed, list) and all(isinstance(s, int) for s in listed),
        ENTRIES,
        "the export entry does not list the sealed content it opened",
        export["seq"],
    )
    opened = set(listed)
    shown = []
    for row in rows:
        seq, state = row["seq"], row["content"]
        if state is None:
            continue
        if seq in destroyed:
            expected = "destroyed"
        elif seq in sealed:
            expected = "sealed" if seq in opened else "withheld"
        else:
            expected = "plain"
        _require(state == expected, ENTRIES, f"shows content as {state}; it is {expected}", seq)
        if state == "sealed":
            shown.append(seq)
    _require(
        sorted(listed) == shown,
        entry_path(export["seq"]),
        "the sealed content it lists is not the sealed content in the pack",
        export["seq"],
    )


def _complete(bag: _Bag, index: dict, leaves: dict[int, dict], export: dict) -> dict[str, int]:
    """Every subject's entries, linked by ``prev``, run unbroken from its head to its first."""
    raw = bag.read(HEADS)
    _require(
        export["data"].get("heads") == "sha256:" + hashlib.sha256(raw).hexdigest(),
        HEADS,
        "is not the list of heads the export entry names",
        export["seq"],
    )
    heads = json.loads(raw)
    ok = isinstance(heads, dict) and all(_before(h, export["seq"]) for h in heads.values())
    _require(ok, HEADS, "is not a list of subjects and their last entries")
    _require(list(heads) == index["subjects"], INDEX, f"lists other subjects than {HEADS}")
    by_subject: dict[str, set[int]] = {}
    for seq, leaf in leaves.items():
        if leaf["subject"] is not None:
            by_subject.setdefault(leaf["subject"], set()).add(seq)
    chains: dict[str, set[int]] = {}
    for subject, head in heads.items():
        chain, seq = set(), head
        while seq is not None:
            linked = leaves.get(seq)
            _require(linked is not None, entry_path(seq), f"is missing: {subject} needs it", seq)
            assert linked is not None  # for the type checker: _require has raised otherwise
            leaf = linked
            _require(leaf["subject"] == subject, entry_path(seq), f"is not about {subject}", seq)
            _require(seq not in chain, entry_path(seq), "links back to itself", seq)
            chain.add(seq)
            seq = leaf["prev"]
        chains[subject] = chain
    own = export["subject"]
    _require(
        export["prev"] == heads.get(own), entry_path(export["seq"]), "does not follow the head"
    )
    chains.setdefault(own, set()).add(export["seq"])
    for subject, found in by_subject.items():
        extra = sorted(found - chains.get(subject, set()))
        _require(not extra, entry_path(extra[0]) if extra else ENTRIES, "is not in its chain")
    return heads


def _checkpoints(
    bag: _Bag, index: dict, rows: list[dict], anchor: Checkpoint, keys: list[Key]
) -> int:
    signatures = 0
    for size in index["checkpoints"]:
        name = checkpoint_path(size)
        _require(size < anchor.size, INDEX, f"lists checkpoint {size}, not before the anchor")
        try:
            earlier = Checkpoint(bag.text(name), keys)
        except ValueError as error:
            raise PackError(name, f"does not verify: {error}") from None
        _require(earlier.size == size, name, f"is of size {earlier.size}, not {size}")
        _require(earlier.origin == anchor.origin, name, "is from another log")
        signatures += 1
        proof = consistency_path(size)
        lines = bag.text(proof).split("\n")
        hashes = [_hash_line(line) for line in lines[3:-1]]
        ok = (
            lines[:3] == [CONSISTENCY_HEADER, f"from {size}", f"to {anchor.size}"]
            and lines[-1] == ""
            and None not in hashes
        )
        _require(ok, proof, f"is not a consistency proof from {size} to {anchor.size}")
        _require(
            consistent(size, anchor.size, earlier.root, anchor.root, hashes),  # type: ignore[arg-type]
            proof,
            "does not prove the checkpoint consistent with the pack's checkpoint",
        )
    sizes = [*index["checkpoints"], anchor.size]
    for row in rows:
        first = sizes[bisect.bisect_right(sizes, row["seq"])]
        _require(
            row["checkpoint"] == first, ENTRIES, "names the wrong first checkpoint", row["seq"]
        )
    return signatures


def _keys(bag: _Bag, key: Key, leaves: dict[int, dict]) -> list[Key]:
    rotations = []
    for seq in sorted(leaves):
        leaf = leaves[seq]
        if leaf["kind"] == "key.rotated":
            old, new = leaf["data"].get("from"), leaf["data"].get("to")
            ok = isinstance(old, str) and isinstance(new, str)
            _require(ok, entry_path(seq), "is a key rotation without its keys", seq)
            rotations.append((seq, old, new))
    _require(
        bag.text(KEY_HISTORY) == key_history_text(rotations),
        KEY_HISTORY,
        "is not the key rotations the record holds",
    )
    keys = [key]
    for seq, old, new in rotations:
        for text in (old, new):
            try:
                keys.append(Key(text))
            except ValueError as error:
                raise PackError(entry_path(seq), f"names a bad key: {error}", seq) from None
    return keys


def _check_bag_info(bag: _Bag, index: dict, export: dict) -> None:
    info = _bag_info(bag)
    octets = sum(size for name, size in bag.source.sizes.items() if name.startswith("data/"))
    oxum = f"{octets}.{len(bag.payload)}"
    _require(info.get("Payload-Oxum") == oxum, BAG_INFO, f"Payload-Oxum should be {oxum}")
    data = export["data"]
    said = {
        "Amends-Subject": export["subject"],
        "Amends-Purpose": data.get("purpose"),
        "External-Identifier": data.get("reference"),
        "Amends-Producer": export["actor"],
        "Amends-Created": export["time"],
        "Amends-Export-Entry": export["seq"],
        "Amends-Checkpoint": index["checkpoint"],
    }
    for label, value in said.items():
        _require(info.get(label) == _words(value), BAG_INFO, f"{label} differs from the record")
    for field, value in (
        ("subject", export["subject"]),
        ("purpose", data.get("purpose")),
        ("reference", data.get("reference")),
        ("producer", export["actor"]),
        ("created", export["time"]),
    ):
        _require(index[field] == value, INDEX, f"{field!r} differs from the export entry")


def verify(path: str, key: str | None = None, *, unwitnessed: bool = False) -> dict:
    """Check the pack at ``path`` (a zip or its unpacked folder); the summary as a dict.

    Raises PackError naming the first file (and entry) that fails. ``key`` is the log's public
    key as published; if given, the pack's checkpoint must be signed by it. ``unwitnessed``
    accepts a pack whose checkpoint lacks its witnesses' quorum (the result says so).
    """
    source = _Source(path)
    try:
        return _verify(_Bag(source), key, unwitnessed)
    finally:
        source.close()


def _verify(bag: _Bag, key_text: str | None, unwitnessed: bool) -> dict:
    index = _index(bag)
    rows = _rows(bag)
    _expected(bag, index, rows)
    try:
        key = Key(bag.text(KEY).rstrip("\n"))
    except ValueError as error:
        raise PackError(KEY, f"is not the log's public key: {error}") from None
    _require(bag.text(KEY) == key.text + "\n", KEY, "must hold one key on one line")
    if key_text is not None:
        _require(key.text == key_text.strip(), KEY, "is not the key you gave (--key)")
    anchor = _anchor(bag, index, key)
    leaves: dict[int, dict] = {}
    contents = {state: 0 for state in CONTENT_STATES}
    signed: dict[int, str | None] = {}
    for row in rows:
        leaf = _leaf(bag, row, anchor)
        _content(bag, row, leaf)
        if leaf["kind"] == SIGNED and row["content"] in INCLUDED:
            signed[row["seq"]] = _signed(bag, row, leaf)
        if row["content"] is not None:
            contents[row["content"]] += 1
        # Kept for the checks below; the data only where they read it (a whole account's pack
        # holds 100,000 entries).
        kept = {k: leaf[k] for k in ("seq", "kind", "subject", "prev", "actor", "time")}
        kept["data"] = leaf["data"] if leaf["kind"] in DATA_READ else {}
        leaves[row["seq"]] = kept

    export = leaves.get(index["export"])
    _require(
        export is not None and export["kind"] == "export.created",
        INDEX,
        f"names entry {index['export']} as the export; it is not an export.created entry",
    )
    assert export is not None  # for the type checker: _require has raised otherwise
    late = [s for s in leaves if s > export["seq"] and leaves[s]["kind"] != "key.rotated"]
    _require(not late, entry_path(late[0]) if late else ENTRIES, "comes after the export")
    rotations = sum(1 for leaf in leaves.values() if leaf["kind"] == "key.rotated")
    before = sum(
        1
        for leaf in leaves.values()
        if leaf["kind"] == "key.rotated" and leaf["seq"] < export["seq"]
    )
    said = export["data"].get("rotations", before)  # packs made before it was counted
    _require(
        said == before,
        KEY_HISTORY,
        f"lists {before} key rotations before the export; the export entry counted {said}",
    )
    counted = export["data"].get("entries")
    _require(
        counted == len(leaves) - 1 - rotations,
        ENTRIES,
        f"lists {len(leaves) - 1 - rotations} entries besides the export and key rotations; "
        f"the export entry counted {counted}",
    )
    heads = _complete(bag, index, leaves, export)
    _signed_words(bag, {row["seq"]: row for row in rows}, leaves, signed)
    _states(rows, leaves, export)
    keys = _keys(bag, key, leaves)
    signatures = 1 + _checkpoints(bag, index, rows, anchor, keys)
    witnessed = _witnessed(bag, export, anchor, key, unwitnessed)
    stamps, unstamped = _timestamped(bag, export, anchor)
    if unstamped and not unwitnessed:
        raise PackError(
            ANCHOR,
            f"has no timestamp by {', '.join(unstamped)}, which the export entry calls for: "
            "nothing outside the force shows when it existed; to check the rest, run with "
            "--unwitnessed",
        )
    _check_bag_info(bag, index, export)
    for name in ("data/report.html", "data/report.pdf"):
        bag.read(name)

    custody = {kind: 0 for kind in CUSTODY}
    for leaf in leaves.values():
        if leaf["kind"] in custody:
            custody[leaf["kind"]] += 1
    return {
        "ok": True,
        "subject": index["subject"],
        "reference": index["reference"],
        "purpose": index["purpose"],
        "producer": index["producer"],
        "created": index["created"],
        "export": export["seq"],
        "origin": anchor.origin,
        "checkpoint": {"size": anchor.size, "root": b64(anchor.root)},
        "key": key.text,
        "key_given": key_text is not None,
        "entries": len(rows),
        "subjects": len(heads),
        "contents": contents,
        "custody": {
            "accessed": custody["content.accessed"],
            "exported": custody["export.created"],
            "sealed": custody["content.sealed"],
            "destroyed": custody["retention.destroyed"],
        },
        "checkpoints": len(index["checkpoints"]),
        "signatures": signatures,
        "platform_signed": len(signed),
        "files": bag.checked,
        **witnessed,
        "timestamps": stamps,
        "untimestamped": unstamped,
    }


def summary(result: dict) -> str:
    c, k = result["contents"], result["custody"]
    key_note = (
        "the key you gave"
        if result["key_given"]
        else "compare it with the key the force publishes, or pass --key"
    )
    lines = [
        f"OK: the evidence pack about {result['subject']} verifies.",
        f"  reference    {result['reference']}",
        f"  purpose      {_words(result['purpose'])[:200]}",
        f"  exported     {result['created']} by {result['producer']} (entry {result['export']})",
        f"  log          {result['origin']}, checkpoint of {result['checkpoint']['size']} entries",
        f"  root         {result['checkpoint']['root']}",
        f"  signed by    {result['key']}",
        f"               ({key_note})",
        f"  entries      {result['entries']} (subjects: {result['subjects']}), none missing "
        f"up to entry {result['export']}",
        f"  content      plain: {c['plain']}, sealed and opened for this pack: {c['sealed']}, "
        f"withheld: {c['withheld']}, destroyed: {c['destroyed']}",
        f"  custody      accesses to sealed content: {k['accessed']}, exports: {k['exported']}, "
        f"sealings: {k['sealed']}, destructions: {k['destroyed']}",
        f"  checked      files: {result['files']}, leaf hashes and inclusion proofs: "
        f"{result['entries']}, commitments: {c['plain'] + c['sealed']}, signatures: "
        f"{result['signatures']}, consistency proofs: {result['checkpoints']}",
    ]
    cosigners = result.get("cosigners") or {}
    if result.get("witnessed"):
        lines.append(
            f"  witnessed    by {', '.join(sorted(cosigners))} (the policy asks for "
            f"{result['quorum']}): each cosigned this checkpoint only because it extends every "
            "checkpoint of the log it saw before"
        )
    else:
        lines[0] = (
            f"NOT WITNESSED: the evidence pack about {result['subject']} verifies, but no one "
            "outside the force has vouched that its log was not rewritten before the pack was "
            "made (accepted with --unwitnessed)."
        )
    for stamp in result.get("timestamps") or []:
        lines.append(f"  timestamped  {stamp['time']} by {stamp['authority']} ({stamp['tsa']})")
    if result.get("untimestamped"):
        lines.append(f"  NOT TIMESTAMPED by {', '.join(result['untimestamped'])}")
    if result.get("platform_signed"):
        lines.append(
            f"  platforms    posts as their platform signed them (Bluesky): "
            f"{result['platform_signed']}, each checked against the key its entry names "
            "(compare it with the account's DID document)"
        )
    return "\n".join(lines)


USAGE = "usage: python verify.py PACK.zip [--key VKEY] [--unwitnessed] [--json]"


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in args
    unwitnessed = "--unwitnessed" in args
    args = [a for a in args if a not in ("--json", "--unwitnessed")]
    key = None
    if "--key" in args:
        at = args.index("--key")
        if at + 1 >= len(args):
            print(USAGE, file=sys.stderr)
            return 2
        key = args[at + 1]
        del args[at : at + 2]
    if len(args) != 1 or args[0].startswith("-"):
        print(USAGE, file=sys.stderr)
        return 2
    try:
        import cryptography  # noqa: F401  (checked first: signatures need it)
    except ImportError:
        print(
            "error: verify.py needs the cryptography package: pip install cryptography",
            file=sys.stderr,
        )
        return 2
    try:
        result = verify(args[0], key, unwitnessed=unwitnessed)
    except PackError as error:
        if as_json:
            out = {"ok": False, "file": error.file, "entry": error.entry, "error": error.message}
            print(json.dumps(out))
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(json.dumps(result) if as_json else summary(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
