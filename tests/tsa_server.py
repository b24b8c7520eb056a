"""A local RFC 3161 Time Stamping Authority for tests: real replies, signed by OpenSSL's ``ts`` command.

``LocalTSA`` makes a CA and a TSA certificate (critical extendedKeyUsage timeStamping) with the
``cryptography`` package, and serves ``application/timestamp-query`` POSTs on 127.0.0.1 in a
thread, answering each with ``openssl ts -reply`` (a real TimeStampResp: granted, the request's
imprint and nonce, signed by the TSA key, its certificate included when asked).
"""

from __future__ import annotations

import datetime as dt
import subprocess
import tempfile
import threading
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from tests.fixtures.http_server import LocalServer

_CNF = """[ tsa ]
default_tsa = tsa_config1
[ tsa_config1 ]
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.pem
{certs}signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
other_policies = 1.2.3.4.5
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def _name(cn: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "copywatch tests"),
        ]
    )


def make_tsa_certs(directory: Path, label: str = "Test", chain: bool = False) -> None:
    """ca.pem, tsa.pem, tsa.key (and serial) in ``directory``."""
    now = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name(f"{label} Root CA"))
        .issuer_name(_name(f"{label} Root CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    tsa = (
        x509.CertificateBuilder()
        .subject_name(_name(f"{label} TSA"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True
        )
        .sign(ca_key, hashes.SHA256())
    )
    (directory / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (directory / "tsa.pem").write_bytes(tsa.public_bytes(serialization.Encoding.PEM))
    (directory / "tsa.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    (directory / "serial").write_text("01\n")
    # chain: the reply carries the CA too, in chain order (not DER SET OF order), as many TSAs send it
    (directory / "tsa.cnf").write_text(
        _CNF.format(dir=directory, certs="certs = $dir/ca.pem\n" if chain else "")
    )


class LocalTSA:
    """``with LocalTSA() as tsa: tsa.url, tsa.ca_pem``; counts the queries it answered."""

    def __init__(self, label: str = "Test", chain: bool = False) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="copywatch-tsa-")
        self.dir = Path(self._tmp.name)
        make_tsa_certs(self.dir, label, chain)
        self.ca_pem = self.dir / "ca.pem"
        self.queries = 0
        self._lock = threading.Lock()
        tsa = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.headers.get("Content-Type") != "application/timestamp-query":
                    self.send_response(415)
                    self.end_headers()
                    return
                with tsa._lock:
                    tsa.queries += 1
                    q = tsa.dir / "query.tsq"
                    r = tsa.dir / "reply.tsr"
                    q.write_bytes(body)
                    done = subprocess.run(
                        ["openssl", "ts", "-reply", "-config", str(tsa.dir / "tsa.cnf"), "-queryfile", str(q),
                         "-out", str(r)],
                        capture_output=True, check=False, timeout=30,
                    )  # fmt: skip
                    reply = r.read_bytes() if done.returncode == 0 else b""
                if not reply:
                    self.send_response(500)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

        self.server = LocalServer(Handler)
        self.url = self.server.url("/tsa")

    def __enter__(self) -> LocalTSA:
        self.server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.stop()
        self._tmp.cleanup()
