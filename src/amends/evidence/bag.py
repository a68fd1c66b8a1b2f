"""Writing a zipped BagIt bag (RFC 8493), deterministically, one file at a time.

The zip holds one folder, the bag: ``data/`` (the payload, written as it is produced, so a pack
of 100,000 entries never sits in memory whole), then the tag files: ``bagit.txt``,
``bag-info.txt``, ``manifest-sha256.txt``, ``README.txt``, ``verify.py`` and
``tagmanifest-sha256.txt``. Every member has the export's time, mode 0644 and Unix attributes,
so the same pack is always the same bytes.
"""

import hashlib
import re
import zipfile
from datetime import datetime
from pathlib import Path

from django.conf import settings

from amends import __version__
from amends.evidence import verify as verifier

LEVEL = 6


def _words(value: object) -> str:
    return " ".join(str(value).split())


def _escape(path: str) -> str:
    """RFC 8493 section 2.1.3: percent-encode CR, LF and % in manifest paths."""
    return path.replace("%", "%25").replace("\n", "%0A").replace("\r", "%0D")


class Writer:
    def __init__(self, path: Path, gathered, index: dict):
        self.index = index
        slug = re.sub(r"[^A-Za-z0-9._-]+", "-", index["subject"]).strip("-")
        self.base = f"amends-{slug}-{index['export']}/"
        created = datetime.strptime(index["created"], "%Y-%m-%dT%H:%M:%S.%fZ")
        self.when = created.timetuple()[:6]
        self.zip = zipfile.ZipFile(path, "w", allowZip64=True)
        self.manifest: list[tuple[str, str]] = []
        self.octets = 0

    def _write(self, name: str, data: bytes) -> None:
        info = zipfile.ZipInfo(self.base + name, date_time=self.when)
        info.create_system = 3
        info.external_attr = 0o100644 << 16
        self.zip.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=LEVEL)

    def add(self, name: str, data: bytes) -> None:
        """A payload file, ``data/...``."""
        self._write(name, data)
        self.manifest.append((name, hashlib.sha256(data).hexdigest()))
        self.octets += len(data)

    def finish(self) -> None:
        tags = {
            verifier.BAGIT: b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
            verifier.BAG_INFO: self._bag_info().encode("utf-8"),
            verifier.MANIFEST: _manifest(self.manifest),
            "README.txt": readme(self.index).encode("utf-8"),
            "verify.py": Path(verifier.__file__).read_bytes(),
        }
        for name, data in tags.items():
            self._write(name, data)
        digests = [(name, hashlib.sha256(data).hexdigest()) for name, data in tags.items()]
        self._write(verifier.TAGMANIFEST, _manifest(digests))
        self.zip.close()

    def _bag_info(self) -> str:
        index = self.index
        fields = [
            ("Source-Organization", settings.SITE_TITLE),
            ("Contact-Name", index["producer"]),
            ("External-Identifier", index["reference"]),
            ("External-Description", f"Evidence from the Amends record about {index['subject']}"),
            ("Bagging-Date", index["created"][:10]),
            ("Bag-Software-Agent", f"Amends {__version__}"),
            ("Payload-Oxum", f"{self.octets}.{len(self.manifest)}"),
            ("Amends-Subject", index["subject"]),
            ("Amends-Purpose", index["purpose"]),
            ("Amends-Producer", index["producer"]),
            ("Amends-Version", __version__),
            ("Amends-Created", index["created"]),
            ("Amends-Export-Entry", index["export"]),
            ("Amends-Checkpoint", index["checkpoint"]),
            ("Amends-Log", index["origin"]),
        ]
        return "".join(f"{label}: {_words(value)}\n" for label, value in fields)


def _manifest(digests: list[tuple[str, str]]) -> bytes:
    return "".join(f"{digest}  {_escape(name)}\n" for name, digest in sorted(digests)).encode()


def readme(index: dict) -> str:
    """README.txt: what the pack is, what it proves and what it does not, in plain words."""
    subject = index["subject"]
    return f"""EVIDENCE PACK FROM THE AMENDS RECORD

About:      {subject}
Reference:  {_words(index["reference"])}
Purpose:    {_words(index["purpose"])}
Made by:    {index["producer"]}, at {index["created"]} (record entry {index["export"]})
Log:        {index["origin"]}, signed checkpoint of {index["checkpoint"]} entries

WHAT THIS IS

Amends keeps a record of everything a police force's social media team does to its posts:
every post and the exact words of every revision, corrections, apologies, deletions with
their grounds and approvals, holds, and every time someone read a sealed original. The record
is an append-only log (a Merkle tree, RFC 9162) whose state the force signs regularly (signed
checkpoints, C2SP tlog-checkpoint, Ed25519). This pack holds every record entry about the
subject above, with the proofs that let you check it on your own computer, without trusting
the force and without Amends.

Start with data/report.html (or data/report.pdf): the story in words. Then check it.

HOW TO CHECK IT

You need Python 3.9 or later and the "cryptography" package (pip install cryptography).

    python verify.py PACK.zip --key "<the force's published key>"

The force publishes its log key on its website at /.well-known/amends/key. Giving it with
--key makes the check prove the pack comes from that log. Without --key the key inside the
pack (data/key.txt) is used and printed, so compare it yourself. The verifier prints a short
summary and exits 0 if every check passes; otherwise it names the first file and entry that
fails and exits 1. verify.py is short and uses nothing but Python and "cryptography": read it,
or use a copy you trust. It checks:

  - every file against the BagIt manifests (SHA-256), with none missing and none added;
  - every entry's exact bytes (data/entries/N.json) against its proof of inclusion
    (data/proofs/N.tlog-proof, C2SP tlog-proof) in the signed checkpoint
    (data/checkpoint.txt), and the checkpoint's signature;
  - the exact words of every revision the pack includes (data/content/N.bin) against the
    commitment in its entry: SHA-256(salt || words), the salt in data/content/N.salt;
  - each earlier checkpoint (data/checkpoints/) that first covered the entries: its signature,
    and the proof that the pack's checkpoint extends it (the log was only appended to);
  - that no entry about the subject is missing up to the export, that sealed, withheld and
    destroyed content is what the record says, and that the index says what the record says;
  - that witnesses outside the force cosigned the pack's checkpoint, as many as the witness
    policy (data/witness-policy.txt, named in the export entry) asks. A witness cosigns a
    checkpoint only if it extends every checkpoint of the log it saw before, so a log
    rebuilt after the fact cannot gather their cosignatures. A pack no witnesses vouch for
    fails unless you add --unwitnessed; the summary then starts NOT WITNESSED;
  - that each time-stamping authority the export entry names (RFC 3161) signed the hash of
    data/checkpoint.txt with its time (data/timestamps/N.tsr), with a certificate for
    time-stamping that chains to a root in data/timestamps/roots.pem the entry names.

WHAT A PASSING CHECK PROVES

  - Integrity since capture: every entry and every word included is exactly what was written
    into the record when it happened; nothing has been changed since.
  - Order: each entry's position in the log, so what happened before what.
  - Completeness of this log: every entry this log holds about the subject, up to the export
    (entry {index["export"]}), is in the pack; none was left out or removed.
  - Who read sealed originals and why (content.accessed), and every earlier export
    (export.created), including this one, which was recorded before the pack was written.

WHAT IT DOES NOT PROVE

  - That capture was complete: something done outside Amends, and never recorded, is not in
    the record. Changes noticed on a platform afterwards appear as "changed outside Amends".
  - Wall-clock truth: the times in entries and checkpoints are the force's own word; each
    witness's cosignature carries the witness's own time. A checkpoint you or someone else
    saw earlier (for example on the force's website) pins the log at that time: the earlier
    checkpoints here must be consistent with it.
  - The words of content that is withheld (sealed, not opened for this pack) or destroyed at
    the end of its retention: only that the entry committed to some exact words, now unknown.

WHAT IS IN THE PACK

  data/report.html, report.pdf   the human report
  data/index.json                what the pack is about, the export entry, the checkpoints
  data/entries.jsonl             one line per entry: seq, kind, subject, content state
  data/entries/N.json            the exact bytes of entry N (canonical JSON, RFC 8785)
  data/proofs/N.tlog-proof       entry N's inclusion proof in the pack's checkpoint
  data/content/N.bin, N.salt     exact words of entry N and their salt (when included)
  data/checkpoint.txt            the signed checkpoint the pack is anchored to, with the
                                 witnesses' cosignatures
  data/witness-policy.txt        which witnesses, and how many must cosign (Sigsum syntax)
  data/timestamps/N.tsr          an RFC 3161 timestamp of data/checkpoint.txt
  data/timestamps/roots.pem      the time-stamping authorities' root certificates
  data/checkpoints/S.txt         an earlier signed checkpoint of S entries
  data/checkpoints/S.consistency its consistency proof to the pack's checkpoint
  data/heads.json                each subject's last entry at the export (its hash is in the
                                 export entry)
  data/key.txt                   the log's public key (signed-note form)
  data/key-history.txt           earlier keys, from key.rotated entries in the pack
  bagit.txt, bag-info.txt, manifest-sha256.txt, tagmanifest-sha256.txt   BagIt (RFC 8493)
  verify.py                      the verifier

To check one entry by hand: SHA-256 of the byte 0x00 followed by data/entries/N.json is its
leaf hash; fold it with the hashes in data/proofs/N.tlog-proof as RFC 9162 section 2.1.3.2
says; the result is the root in data/checkpoint.txt. For its words:
    cat data/content/N.salt data/content/N.bin | sha256sum
gives the hex after "sha256:" in the entry's "content".
"""
