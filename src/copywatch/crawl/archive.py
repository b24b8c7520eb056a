"""WarcArchive: every fetch written as WARC/1.1 evidence a third party can verify (RELIABILITY #12, #13).

warcio's ``capture_http`` patches http.client, which httpx does not use, so records are built
here from what the Fetcher saw: the request it sent, the response head, and the body bytes
exactly as they came off the wire (after de-chunking, before content decoding). Digests are
SHA-256 (warcio's default is SHA-1), so a record's ``WARC-Payload-Digest`` is the same hash as
``Capture.sha256``, in base32. Each record is its own gzip member, so a record is read back from
its (file, offset) alone; files rotate past ``max_bytes``.
"""

from __future__ import annotations

import base64
import io
import os
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Literal

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

from ..errors import CopywatchError

PROFILE_IDENTICAL = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
PROFILE_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
# Headers whose value describes the wire framing we removed; renamed so readers do not re-apply them.
_FRAMING_HEADERS = {"transfer-encoding"}


class ArchiveError(CopywatchError):
    """A WARC file cannot be written (a full disk, say): the scan stops, nothing of it is stored."""


def _archived_name(header: str) -> str:
    return f"X-Crawler-{header}" if header.lower() in _FRAMING_HEADERS else header


class _Sha256WARCWriter(WARCWriter):
    """warcio's writer with SHA-256 block and payload digests instead of SHA-1."""

    @staticmethod
    def _create_digester() -> Digester:
        return Digester("sha256")


def sha256_label(hex_digest: str) -> str:
    """A hex SHA-256 as a WARC digest label (``sha256:BASE32``)."""
    return "sha256:" + base64.b32encode(bytes.fromhex(hex_digest)).decode("ascii")


@dataclass(frozen=True)
class Revisit:
    """The earlier capture a revisit record points at."""

    profile: Literal["identical", "not_modified"]
    target_uri: str
    date: str  # the original capture's time (WARC-Refers-To-Date)
    sha256: str  # hex digest of the original payload


@dataclass(frozen=True)
class Exchange:
    """One HTTP request/response as the Fetcher saw it; what a pair of WARC records is built from."""

    url: str  # the URL requested (hostname form, not the pinned IP)
    ip: str | None
    date: str  # UTC RFC 3339, when the request was sent
    request_line: str  # "GET /path?q HTTP/1.1"
    request_headers: tuple[tuple[str, str], ...]
    status_line: str  # "200 OK"
    protocol: str  # "HTTP/1.1"
    response_headers: tuple[tuple[str, str], ...]
    payload: bytes = b""  # the wire body (de-chunked, still content-encoded)
    truncated: str | None = None  # WARC-Truncated reason: length, time, disconnect, unspecified
    revisit: Revisit | None = None


@dataclass(frozen=True)
class WarcLocation:
    """Where the response (or revisit) record of an exchange lives."""

    file: str
    offset: int


class WarcArchive:
    """Thread-safe WARC/1.1 writer: one request+response (or revisit) pair per fetched hop."""

    def __init__(self, directory: Path, max_bytes: int = 100_000_000, prefix: str = "copywatch") -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.max_bytes = max_bytes
        self.prefix = prefix
        self._lock = threading.Lock()
        self._fh: IO[bytes] | None = None
        self._path: Path | None = None
        self._serial = 0
        self._written: list[Path] = []

    def files(self) -> list[Path]:
        """The WARC files this archive wrote, oldest first."""
        with self._lock:
            return list(self._written)

    def _open_next(self) -> None:
        self._close_current()
        self._serial += 1
        # microseconds: two archives of one process in the same second never share a file
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        path = self.directory / f"{self.prefix}-{stamp}-{os.getpid()}-{self._serial:05d}.warc.gz"
        self._fh = open(path, "ab")  # noqa: SIM115 - kept open across writes, closed in close()
        self._path = path
        self._written.append(path)
        writer = _Sha256WARCWriter(self._fh, gzip=True, warc_version="1.1")
        info = {"software": "copywatch", "format": "WARC File Format 1.1", "isPartOf": self.prefix}
        writer.write_record(writer.create_warcinfo_record(path.name, info))

    def _close_current(self) -> None:
        fh, self._fh = self._fh, None
        if fh is None:
            return
        try:
            fh.flush()
            os.fsync(fh.fileno())
        except OSError as e:
            raise ArchiveError(f"{self._path}: cannot write the WARC file ({e.strerror or e})") from e
        finally:
            try:
                fh.close()
            except OSError:
                pass  # its buffer could not be written: the error above says so

    def write_exchange(self, ex: Exchange) -> WarcLocation:
        """Append the response (or revisit) record, then the request record pointing at it.

        ArchiveError if the file cannot be written (no space left): evidence that cannot be kept
        stops the scan instead of being skipped."""
        try:
            return self._write_exchange(ex)
        except OSError as e:
            where = self._path or self.directory
            raise ArchiveError(f"{where}: cannot write the WARC file ({e.strerror or e})") from e

    def _write_exchange(self, ex: Exchange) -> WarcLocation:
        with self._lock:
            if self._fh is None or self._fh.tell() >= self.max_bytes:
                self._open_next()
            assert self._fh is not None and self._path is not None
            writer = _Sha256WARCWriter(self._fh, gzip=True, warc_version="1.1")
            warc_date = ex.date.replace("+00:00", "Z")
            http_headers = StatusAndHeaders(
                ex.status_line,
                [(_archived_name(k), v) for k, v in ex.response_headers],
                protocol=ex.protocol,
            )
            common = {"WARC-Date": warc_date}
            if ex.ip:
                common["WARC-IP-Address"] = ex.ip
            if ex.revisit is not None:
                rv = ex.revisit
                record = writer.create_revisit_record(
                    ex.url,
                    sha256_label(rv.sha256),
                    rv.target_uri,
                    rv.date,
                    http_headers=http_headers,
                )
                if rv.profile == "not_modified":
                    record.rec_headers.replace_header("WARC-Profile", PROFILE_NOT_MODIFIED)
                for k, v in common.items():
                    record.rec_headers.replace_header(k, v)
            else:
                headers = dict(common)
                if ex.truncated:
                    headers["WARC-Truncated"] = ex.truncated
                record = writer.create_warc_record(
                    ex.url,
                    "response",
                    payload=io.BytesIO(ex.payload),
                    length=None,
                    http_headers=http_headers,
                    warc_headers_dict=headers,
                )
            offset = self._fh.tell()
            writer.write_record(record)
            response_id = record.rec_headers.get_header("WARC-Record-ID")

            method, _, target_and_version = ex.request_line.partition(" ")
            request = writer.create_warc_record(
                ex.url,
                "request",
                payload=io.BytesIO(b""),
                length=0,
                http_headers=StatusAndHeaders(target_and_version, list(ex.request_headers), protocol=method),
                warc_headers_dict={**common, "WARC-Concurrent-To": response_id},
            )
            writer.write_record(request)
            self._fh.flush()
            return WarcLocation(str(self._path), offset)

    def close(self) -> None:
        """Flush and fsync the open file; later writes open a new one. ArchiveError if that fails."""
        with self._lock:
            self._close_current()

    def discard(self) -> list[Path]:
        """Close without raising and delete every file written: for a scan that stores nothing, whose
        files no stored row will ever point at (a full disk must not stay full of them)."""
        with self._lock:
            try:
                self._close_current()
            except ArchiveError:
                pass
            gone = list(self._written)
        for path in gone:
            path.unlink(missing_ok=True)
        return gone


def read_record(path: str | Path, offset: int) -> tuple[dict[str, str], bytes]:
    """(WARC headers, HTTP payload as stored on the wire) of the record at ``offset``.

    The payload digest is checked while reading; a mismatch raises ValueError, so evidence that
    was altered after capture is never passed on silently.
    """
    with open(path, "rb") as fh:
        fh.seek(offset)
        for rec in ArchiveIterator(fh, check_digests=True):
            headers = {k: v for k, v in rec.rec_headers.headers}
            payload = rec.raw_stream.read()
            rec.raw_stream.read()  # reach the end, where the digests are compared
            if rec.digest_checker.passed is False:
                raise ValueError(
                    f"WARC record at {path}:{offset} fails its digest: {rec.digest_checker.problems}"
                )
            return headers, payload
    raise ValueError(f"no WARC record at {path}:{offset}")
