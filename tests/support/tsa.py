"""A real RFC 3161 time-stamping authority on loopback, for the tests: OpenSSL's ``openssl ts
-reply`` behind a small HTTP endpoint (``POST`` an ``application/timestamp-query``, get an
``application/timestamp-reply``). Its certificates are made here with the OpenSSL command line:
an EC root, and an RSA signing certificate with the critical timeStamping extended key usage
that RFC 3161 requires.

    with TimeStampingAuthority(tmp_path) as tsa:
        ... tsa.url, tsa.root_pem ...
"""

import subprocess
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CONFIG = """\
[ tsa ]
default_tsa = tsa_config

[ tsa_config ]
dir = {folder}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.crt
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""

LEAF_EXTENSIONS = """\
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"""


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


class TimeStampingAuthority:
    def __init__(self, folder: Path, name: str = "Amends Test TSA"):
        self.folder = folder / f"tsa-{name.replace(' ', '-').lower()}"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.name = name
        self.lock = threading.Lock()
        self.replies = 0
        self.refuse = False  # answer 503, as a TSA that is down

    def _certificates(self) -> None:
        f = self.folder
        _openssl(
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-keyout", "root.key", "-out", "root.crt", "-days", "30",
            "-subj", f"/CN={self.name} Root",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            cwd=f,
        )  # fmt: skip
        _openssl(
            "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "tsa.key", "-out", "tsa.csr",
            "-subj", f"/CN={self.name}",
            cwd=f,
        )  # fmt: skip
        (f / "leaf.ext").write_text(LEAF_EXTENSIONS)
        _openssl(
            "x509", "-req", "-in", "tsa.csr", "-CA", "root.crt", "-CAkey", "root.key",
            "-CAcreateserial", "-out", "tsa.crt", "-days", "30", "-extfile", "leaf.ext",
            cwd=f,
        )  # fmt: skip
        (f / "serial").write_text("01\n")
        (f / "ts.cnf").write_text(CONFIG.format(folder=f))
        self.root_pem = (f / "root.crt").read_bytes()

    def reply(self, query: bytes) -> bytes:
        with self.lock, tempfile.TemporaryDirectory(dir=self.folder) as work:
            (Path(work) / "q.tsq").write_bytes(query)
            _openssl(
                "ts", "-reply", "-config", str(self.folder / "ts.cnf"),
                "-queryfile", "q.tsq", "-out", "r.tsr",
                cwd=Path(work),
            )  # fmt: skip
            self.replies += 1
            return (Path(work) / "r.tsr").read_bytes()

    def __enter__(self):
        self._certificates()
        tsa = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                query = self.rfile.read(int(self.headers["Content-Length"]))
                if tsa.refuse:
                    self.send_response(503)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                answer = tsa.reply(query)
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/tsa"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
