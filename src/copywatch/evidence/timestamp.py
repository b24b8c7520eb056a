"""RFC 3161 trusted timestamps: ask a Time Stamping Authority to sign the digest of a bundle.

``request_timestamp`` sends a TimeStampReq (SHA-256 imprint of the data, a nonce, asking for the
TSA's certificate) to ``[evidence] tsa_url`` over HTTP (``application/timestamp-query``), and
checks the reply at once with rfc3161-client: granted, same imprint and nonce, signed by a
certificate with the timeStamping purpose that chains to ``[evidence] tsa_cert`` (when configured).
``verify_timestamp`` checks a stored reply later, e.g. in ``copywatch verify``. A third party can
do the same with ``openssl ts -verify`` (see the bundle's README and the project README).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC

import httpx
from cryptography import x509
from rfc3161_client import (
    PKIStatus,
    TimestampRequestBuilder,
    TimeStampResponse,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)

from ..errors import CopywatchError


class TimestampError(CopywatchError):
    """A timestamp could not be obtained, or a stored one does not verify."""


@dataclass(frozen=True)
class CheckedTimestamp:
    gen_time: str  # when the TSA says it signed, RFC 3339 UTC
    tsa_name: str  # the TSA's name (from the token, else its certificate's subject)
    serial: int


def _load_certs(pem: bytes) -> list[x509.Certificate]:
    try:
        certs = x509.load_pem_x509_certificates(pem)
    except ValueError as e:
        raise TimestampError(f"the TSA certificate file is not PEM ({e})") from e
    return certs


def _signer(resp: TimeStampResponse) -> x509.Certificate | None:
    infos = list(resp.signed_data.signer_infos)
    certs = [x509.load_der_x509_certificate(c) for c in resp.signed_data.certificates]
    for si in infos:
        for c in certs:
            if c.issuer == si.issuer and c.serial_number == si.serial_number:
                return c
    return None


def _check(
    resp: TimeStampResponse, data: bytes, trusted_pem: bytes, nonce: int | None = None
) -> CheckedTimestamp:
    if PKIStatus(resp.status) not in (PKIStatus.GRANTED, PKIStatus.GRANTED_WITH_MODS):
        raise TimestampError(f"the TSA refused: status {resp.status} {' '.join(resp.status_string)}".strip())
    signer = _signer(resp)
    builder = VerifierBuilder(roots=_load_certs(trusted_pem), nonce=nonce)
    try:
        builder.build().verify_message(resp, data)
    except (VerificationError, ValueError) as e:
        raise TimestampError(str(e)) from e
    info = resp.tst_info
    name = ""
    try:
        if info.name is not None:
            value = info.name.value
            name = value.rfc4514_string() if isinstance(value, x509.Name) else str(value)
    except (ValueError, AttributeError):
        name = ""
    if not name and signer is not None:
        name = signer.subject.rfc4514_string()
    when = info.gen_time
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    stamp = when.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return CheckedTimestamp(gen_time=stamp, tsa_name=name or "(unnamed TSA)", serial=info.serial_number)


def verify_timestamp(response_der: bytes, data: bytes, trusted_pem: bytes) -> CheckedTimestamp:
    """Check a stored TimeStampResp (DER) over ``data``; raises TimestampError if it does not hold."""
    try:
        resp = decode_timestamp_response(response_der)
    except (ValueError, TypeError) as e:
        raise TimestampError(f"not an RFC 3161 timestamp reply ({e})") from e
    return _check(resp, data, trusted_pem)


def request_timestamp(
    tsa_url: str, data: bytes, *, trusted_pem: bytes, timeout: float = 30.0
) -> tuple[bytes, CheckedTimestamp]:
    """Ask ``tsa_url`` to timestamp the SHA-256 of ``data``; return (reply DER, what it says), checked."""
    req = TimestampRequestBuilder().data(data).nonce(nonce=True).cert_request(cert_request=True).build()
    try:
        with httpx.Client(timeout=timeout, trust_env=False, follow_redirects=False) as client:
            r = client.post(
                tsa_url,
                content=req.as_bytes(),
                headers={
                    "Content-Type": "application/timestamp-query",
                    "Accept": "application/timestamp-reply",
                },
            )
    except httpx.HTTPError as e:
        raise TimestampError(f"{tsa_url}: the TSA could not be reached ({type(e).__name__}: {e})") from e
    if r.status_code != 200:
        raise TimestampError(f"{tsa_url}: the TSA answered HTTP {r.status_code}")
    try:
        resp = decode_timestamp_response(r.content)
    except (ValueError, TypeError) as e:
        raise TimestampError(f"{tsa_url}: the answer is not an RFC 3161 timestamp reply ({e})") from e
    try:
        checked = _check(resp, data, trusted_pem, nonce=req.nonce)
    except TimestampError as e:
        raise TimestampError(f"{tsa_url}: the timestamp does not verify: {e}") from e
    return r.content, checked
