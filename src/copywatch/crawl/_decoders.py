"""Bounded content decoding: gzip, deflate and brotli that stop at a byte cap.

httpx's decoders inflate a 64 KiB chunk into 64 MiB at once (RELIABILITY, "What httpx and friends
do not do for you", 1): the raw body is read with ``iter_raw()`` under the wire cap and decoded
here, PIECE bytes at a time, so a gzip bomb stops at the decoded cap.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator

try:  # brotli is optional: "br" is only advertised when we can decode it with a bound
    import brotli
except ImportError:  # pragma: no cover - brotli is installed in the supported setup
    brotli = None

PIECE = 64 * 1024  # decompressed output is produced this much at a time


class DecodeError(Exception):
    """A Content-Encoding we cannot decode, or a corrupt compressed body."""


class _Decoder:
    """One content coding. ``pieces(data, limit)`` yields the decoded output in pieces of at most
    PIECE bytes and stops once more than ``limit`` bytes came out: the caller learns the output
    would overflow without anything being inflated much past the cap."""

    def pieces(self, data: bytes, limit: int) -> Iterator[bytes]:
        yield data


class _ZlibDecoder(_Decoder):
    def __init__(self, encoding: str) -> None:
        self._gzip = encoding in ("gzip", "x-gzip")
        self._d = zlib.decompressobj(16 + zlib.MAX_WBITS if self._gzip else zlib.MAX_WBITS)
        self._started = False

    def _decompress(self, data: bytes, max_length: int) -> bytes:
        try:
            out = self._d.decompress(data, max_length)
        except zlib.error as e:
            if self._gzip or self._started:
                raise DecodeError(f"corrupt compressed body: {e}") from e
            # "deflate" is meant to be zlib-wrapped, but some servers send raw deflate.
            self._d = zlib.decompressobj(-zlib.MAX_WBITS)
            try:
                out = self._d.decompress(data, max_length)
            except zlib.error as e2:
                raise DecodeError(f"corrupt compressed body: {e2}") from e2
        self._started = True
        return out

    def pieces(self, data: bytes, limit: int) -> Iterator[bytes]:
        produced = 0
        while produced <= limit:
            want = min(PIECE, limit - produced + 1)
            out = self._decompress(data, want)
            data = self._d.unconsumed_tail
            if out:
                produced += len(out)
                yield out
            if not data and len(out) < want:
                return


class _BrotliDecoder(_Decoder):
    def __init__(self) -> None:
        assert brotli is not None
        self._d = brotli.Decompressor()

    def pieces(self, data: bytes, limit: int) -> Iterator[bytes]:
        produced = 0
        while produced <= limit:
            try:
                out = self._d.process(data, output_buffer_limit=min(PIECE, limit - produced + 1))
            except brotli.error as e:
                raise DecodeError(f"corrupt brotli body: {e}") from e
            data = b""
            if out:
                produced += len(out)
                yield out
            if self._d.can_accept_more_data():  # input used up and no output pending
                return


def make_decoders(content_encoding: str | None) -> list[_Decoder]:
    """The decoders for a Content-Encoding header, in the order to apply them."""
    decoders: list[_Decoder] = []
    for enc in reversed([e.strip().lower() for e in (content_encoding or "").split(",") if e.strip()]):
        if enc in ("gzip", "x-gzip", "deflate"):
            decoders.append(_ZlibDecoder(enc))
        elif enc == "br" and brotli is not None:
            decoders.append(_BrotliDecoder())
        elif enc != "identity":
            raise DecodeError(f"unsupported Content-Encoding {enc!r}")
    return decoders


class BoundedBody:
    """Accumulates wire bytes and decoded bytes, each capped at ``cap``; memory stays near the cap.

    Decoded output arrives in small pieces written straight into a BytesIO, whose getvalue()
    hands back its buffer without a copy: the peak is about one cap of decoded bytes plus the
    wire bytes, never the cap times the compression ratio.
    """

    def __init__(self, cap: int, content_encoding: str | None) -> None:
        self.cap = cap
        self.decoders = make_decoders(content_encoding)
        self.wire = io.BytesIO()
        self.decoded = io.BytesIO()
        self.wire_len = 0
        self.decoded_len = 0
        self.truncated = False

    def _decode(self, data: bytes, stage: int) -> Iterator[bytes]:
        if stage == len(self.decoders):
            yield data
            return
        for piece in self.decoders[stage].pieces(data, self.cap - self.decoded_len):
            yield from self._decode(piece, stage + 1)

    def feed(self, chunk: bytes) -> bool:
        """Add one wire chunk; False once a cap is hit (the caller stops reading)."""
        if self.wire_len + len(chunk) > self.cap:
            chunk = chunk[: self.cap - self.wire_len]
            self.truncated = True
        self.wire.write(chunk)
        self.wire_len += len(chunk)
        for piece in self._decode(chunk, 0):
            room = self.cap - self.decoded_len
            if len(piece) > room:
                self.decoded.write(memoryview(piece)[:room])
                self.decoded_len = self.cap
                self.truncated = True
                break
            self.decoded.write(piece)
            self.decoded_len += len(piece)
        return not self.truncated


def bounded_gunzip(data: bytes, cap: int) -> tuple[bytes, bool]:
    """(decompressed, truncated): gunzip a .gz file body (e.g. a sitemap) without inflating past cap."""
    body = BoundedBody(cap, "gzip")
    body.cap = max(cap, len(data))  # the wire side is already bounded by the fetch
    body.feed(data)
    out = body.decoded.getvalue()
    return out[:cap], len(out) > cap or body.truncated
