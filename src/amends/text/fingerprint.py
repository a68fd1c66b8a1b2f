"""Fingerprints of a post's wording, to find its copies: re-typed, quoted, screenshotted and read
back by OCR, or lightly reworded. Pure.

The wording is normalised (Unicode NFKC, case folded, every run of anything but letters and
digits one space), cut into overlapping character shingles of five, and summarised by a MinHash
signature of 128 values (datasketch): the share of equal values estimates the Jaccard
similarity of two wordings' shingles, whatever their length. The signature is cut into 32 bands
of 4 values; each band's key finds, through an index, every wording that shares that band, so a
lookup among 100,000 posts reads a few rows instead of all of them. Two wordings with a
similarity of 0.5 share at least one band with probability 1 - (1 - 0.5⁴)³² ≈ 0.87, of 0.7 with
probability 0.9996; unrelated ones (0.05) almost never.

A signature says nothing readable about the words it came from: kept beside a sealed post, it
lets a copy of harmful words that were taken down be recognised without unsealing them.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash

PERMUTATIONS = 128
BANDS, ROWS = 32, 4
SHINGLE = 5
# Fixed forever, with the scheme: signatures stored today are compared with ones made later.
SEED = 20261204
SCHEME = "affine32"
_NOT_WORD = re.compile(r"[^\w]+|_+")
_PERMUTATIONS = MinHash(num_perm=PERMUTATIONS, seed=SEED, scheme=SCHEME).permutations


def normalise(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _NOT_WORD.sub(" ", folded).strip()


def shingles(text: str) -> set[bytes]:
    words = normalise(text)
    if not words:
        return set()
    if len(words) <= SHINGLE:
        return {words.encode()}
    return {words[i : i + SHINGLE].encode() for i in range(len(words) - SHINGLE + 1)}


@dataclass(frozen=True)
class Fingerprint:
    signature: bytes  # PERMUTATIONS unsigned 32-bit values, big-endian
    bands: tuple[int, ...]  # BANDS keys, each a signed 63-bit integer (a database bigint)


def fingerprint(text: str) -> Fingerprint | None:
    """The wording's fingerprint; None for wording with no letters or digits."""
    pieces = shingles(text)
    if not pieces:
        return None
    minhash = MinHash(num_perm=PERMUTATIONS, seed=SEED, scheme=SCHEME, permutations=_PERMUTATIONS)
    minhash.update_batch(list(pieces))
    values = np.asarray(minhash.hashvalues, dtype=">u4")
    signature = values.tobytes()
    return Fingerprint(signature, band_keys(signature))


def band_keys(signature: bytes) -> tuple[int, ...]:
    width = ROWS * 4
    keys = []
    for band in range(BANDS):
        chunk = bytes([band]) + signature[band * width : (band + 1) * width]
        digest = hashlib.blake2b(chunk, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "big") >> 1)  # fits a signed 64-bit column
    return tuple(keys)


def similarity(a: bytes, b: bytes) -> float:
    """The estimated Jaccard similarity of the wordings two signatures came from (0 to 1)."""
    first = np.frombuffer(a, dtype=">u4")
    second = np.frombuffer(b, dtype=">u4")
    if first.shape != second.shape:
        raise ValueError("signatures of different sizes")
    return float(np.count_nonzero(first == second)) / len(first)
