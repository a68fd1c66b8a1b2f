"""A witness written from the C2SP specifications alone, for the tests: tlog-witness (the
``add-checkpoint`` exchange), tlog-cosignature (``cosignature/v1``), signed-note (the log's
signature) and RFC 9162 section 2.1.4 (consistency proofs). It imports nothing from Amends, so
that the project's client is checked against a reading of the specs that is not its own.

Run it in a thread on loopback::

    with SpecWitness("witness.test/w1") as witness:
        witness.trust("news.police.example/amends", "news.police.example/amends+abcd1234+AW...")
        ... witness.url, witness.vkey ...
"""

import base64
import hashlib
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def consistent(first: int, second: int, first_hash: bytes, second_hash: bytes, path) -> bool:
    """RFC 9162, 2.1.4.2, step by step."""
    if first == second:
        return not path and first_hash == second_hash
    if first == 0 or first > second or not path:
        return False
    path = list(path)
    if first & (first - 1) == 0:  # an exact power of 2
        path.insert(0, first_hash)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = _node(c, fr), _node(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = _node(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == first_hash and sr == second_hash and sn == 0


class SpecWitness:
    def __init__(self, name: str, *, ml_dsa: bool = False):
        """An Ed25519 (cosignature/v1) witness, or with ``ml_dsa`` an ML-DSA-44 one."""
        self.name, self.ml_dsa = name, ml_dsa
        if ml_dsa:
            from cryptography.hazmat.primitives.asymmetric.mldsa import MLDSA44PrivateKey

            self.key = MLDSA44PrivateKey.generate()
        else:
            self.key = Ed25519PrivateKey.generate()
        public = self.key.public_key().public_bytes_raw()
        alg = 6 if ml_dsa else 4
        self.key_id = hashlib.sha256(name.encode() + b"\n" + bytes([alg]) + public).digest()[:4]
        encoded = base64.b64encode(bytes([alg]) + public).decode()
        self.vkey = f"{name}+{self.key_id.hex()}+{encoded}"
        self.logs: dict[str, dict] = {}  # origin -> {"keys", "size", "root"}
        self.lock = threading.Lock()
        self.requests: list[int] = []  # the status of every answer, in order

    def trust(self, origin: str, vkey: str) -> None:
        name, key_hash, encoded = vkey.split("+", 2)
        raw = base64.b64decode(encoded)
        assert raw[0] == 1, "an Ed25519 signed-note key"
        self.logs[origin] = {"key": (name, bytes.fromhex(key_hash), raw[1:]), "size": 0}

    def __enter__(self):
        witness = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status, content_type, answer = witness.add_checkpoint(body)
                witness.requests.append(status)
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/witness/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def add_checkpoint(self, body: bytes) -> tuple[int, str, bytes]:
        text = body.decode()
        head, _, note = text.partition("\n\n")
        lines = head.split("\n")
        if not lines[0].startswith("old "):
            return 400, "text/plain", b"bad old line\n"
        old = int(lines[0][4:])
        proof = [base64.b64decode(line) for line in lines[1:]]
        split = note.rindex("\n\n")
        checkpoint, signatures = note[: split + 1], note[split + 2 :]
        origin, size_text, root_text = checkpoint.split("\n")[:3]
        size, root = int(size_text), base64.b64decode(root_text)
        log = self.logs.get(origin)
        if log is None:
            return 404, "text/plain", b"unknown log\n"
        name, key_hash, public = log["key"]
        trusted = False
        for line in signatures.split("\n")[:-1]:
            _, signer, encoded = line.split(" ")
            raw = base64.b64decode(encoded)
            if signer != name or raw[:4] != key_hash:
                continue  # unknown keys are ignored
            try:
                Ed25519PublicKey.from_public_bytes(public).verify(raw[4:], checkpoint.encode())
                trusted = True
            except InvalidSignature:
                pass
        if not trusted:
            return 403, "text/plain", b"not signed by a trusted key\n"
        if old > size:
            return 400, "text/plain", b"old size larger than the checkpoint\n"
        with self.lock:  # check and update at once
            if old != log["size"]:
                return 409, "text/x.tlog.size", f"{log['size']}\n".encode()
            if old == size and old and log["root"] != root:
                return 409, "text/x.tlog.size", f"{log['size']}\n".encode()
            if old == 0 and proof:
                return 422, "text/plain", b"proof from zero\n"
            if 0 < old < size and not consistent(old, size, log["root"], root, proof):
                return 422, "text/plain", b"inconsistent\n"
            log["size"], log["root"] = size, root
        timestamp = int(time.time())
        if self.ml_dsa:  # the cosigned_message structure, for a checkpoint (start 0)
            message = (
                b"subtree/v1\n\x00"
                + struct.pack(">B", len(self.name.encode()))
                + self.name.encode()
                + struct.pack(">Q", timestamp)
                + struct.pack(">B", len(origin.encode()))
                + origin.encode()
                + struct.pack(">QQ", 0, size)
                + root
            )
        else:
            message = f"cosignature/v1\ntime {timestamp}\n".encode() + checkpoint.encode()
        signature = self.key.sign(message)
        line = base64.b64encode(self.key_id + struct.pack(">Q", timestamp) + signature)
        return 200, "text/plain", f"\u2014 {self.name} {line.decode()}\n".encode()
