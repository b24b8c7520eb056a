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
    except ValueError as e:  # OpenSSL's own words are an ErrorStack(...) dump: not repeated
        raise TimestampError(
            "the TSA certificate file is not a PEM certificate (-----BEGIN CERTIFICATE----- ...)"
        ) from e
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


# --- certificate order ------------------------------------------------------------------------------
# rfc3161-client parses strict DER, where the SignedData's SET OF certificates must be sorted; OpenSSL
# (and other TSAs) send the chain in chain order. The certificates are outside what the TSA signs, so
# a copy with them sorted is the same token to a verifier; the TSA's own bytes are what is stored.


def _tlv(buf: bytes, at: int) -> tuple[int, int, int]:
    """(tag, start of content, end of content) of the DER element at ``at`` (single-byte tags)."""
    tag = buf[at]
    n = buf[at + 1]
    if n < 0x80:
        return tag, at + 2, at + 2 + n
    k = n & 0x7F
    if not 0 < k <= 4:
        raise ValueError("unsupported DER length")
    length = int.from_bytes(buf[at + 2 : at + 2 + k], "big")
    return tag, at + 2 + k, at + 2 + k + length


def _children(buf: bytes, start: int, end: int) -> list[tuple[int, int, int, int]]:
    out = []
    at = start
    while at < end:
        tag, cs, ce = _tlv(buf, at)
        out.append((tag, at, cs, ce))
        at = ce
    if at != end:
        raise ValueError("DER element overruns its parent")
    return out


def _encode(tag: int, content: bytes) -> bytes:
    n = len(content)
    if n < 0x80:
        return bytes([tag, n]) + content
    length = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(length)]) + length + content


def sorted_certificates(der: bytes) -> bytes:
    """The TimeStampResp ``der`` with its token's certificates in DER SET OF order."""
    _, rs, re_ = _tlv(der, 0)
    resp = _children(der, rs, re_)
    if len(resp) < 2:
        return der  # no token (a refusal)
    _, tok_at, ts, te = resp[1]
    token = _children(der, ts, te)  # contentType, [0] { SignedData }
    _, _, xs, xe = token[1]
    _, sd_at, ss, se = _children(der, xs, xe)[0]
    parts = []
    for tag, at, cs, ce in _children(der, ss, se):
        if tag == 0xA0:  # [0] IMPLICIT certificates
            certs = sorted(der[a:e] for _, a, _, e in _children(der, cs, ce))
            parts.append(_encode(0xA0, b"".join(certs)))
        else:
            parts.append(der[at:ce])
    signed_data = _encode(0x30, b"".join(parts))
    token_bytes = _encode(0x30, der[token[0][1] : token[0][3]] + _encode(0xA0, signed_data))
    return _encode(
        0x30, der[resp[0][1] : resp[0][3]] + token_bytes + b"".join(der[a:e] for _, a, _, e in resp[2:])
    )


def _decode(der: bytes) -> TimeStampResponse:
    try:
        return decode_timestamp_response(der)
    except ValueError as e:
        if "SetOrdering" not in str(e):
            raise
    return decode_timestamp_response(sorted_certificates(der))


def verify_timestamp(response_der: bytes, data: bytes, trusted_pem: bytes) -> CheckedTimestamp:
    """Check a stored TimeStampResp (DER) over ``data``; raises TimestampError if it does not hold."""
    try:
        resp = _decode(response_der)
    except (ValueError, TypeError, IndexError) as e:
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
        resp = _decode(r.content)
    except (ValueError, TypeError, IndexError) as e:
        raise TimestampError(f"{tsa_url}: the answer is not an RFC 3161 timestamp reply ({e})") from e
    try:
        checked = _check(resp, data, trusted_pem, nonce=req.nonce)
    except TimestampError as e:
        raise TimestampError(f"{tsa_url}: the timestamp does not verify: {e}") from e
    return r.content, checked
