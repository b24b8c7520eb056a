"""WARC records read back for evidence: byte for byte, and only once their own digests have held.

Exports (the folder bundle and the WACZ) copy the crawl's records as they are, so the digests written
at capture time (``WARC-Block-Digest``, ``WARC-Payload-Digest``) still hold in the bundle. A record
whose digests no longer match its bytes is never copied: :class:`DamagedRecord` names its file and
offset, and the export refuses (a bundle that the verifier would reject is worse than none).
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator

from ..errors import ExportError

_CHUNK = 1 << 20


class DamagedRecord(ExportError):
    """A WARC record fails its block or payload digest, or cannot be parsed."""


@dataclass(frozen=True)
class Record:
    """One WARC record as found in a source file: its raw bytes and what an export says about it."""

    raw: bytes  # exactly one gzip member (the source's own bytes when it was gzipped per record)
    offset: int  # where it starts in its source file
    length: int  # how many bytes it takes there
    warc_type: str
    record_id: str
    target_uri: str
    concurrent_to: str
    date: str  # WARC-Date
    payload_sha256: str  # of the HTTP payload (or a resource record's block) as stored; "" if none
    digests_checked: bool  # the record carried digests and they held
    http_status: int | None = None
    content_type: str = ""  # the HTTP Content-Type, or the record's own for a resource record


def _describe(path: Path, offset: int) -> str:
    return f"{path}@{offset}"


def _read_from(fh: BinaryIO, path: Path, offset: int, limit: int) -> list[tuple[int, int, Any, str]]:
    """Up to ``limit`` records from ``offset``, digests checked while reading every byte."""
    fh.seek(offset)
    iterator = ArchiveIterator(fh, check_digests=True)
    found: list[tuple[int, int, Any, str]] = []
    for record in iterator:
        h = hashlib.sha256()
        stream = record.raw_stream if record.http_headers is not None else record.content_stream()
        while block := stream.read(_CHUNK):
            h.update(block)
        iterator.read_to_end()
        start = iterator.get_record_offset()
        checker = record.digest_checker
        if checker.passed is False:
            kind = record.rec_headers.get_header("WARC-Type") or "?"
            uri = record.rec_headers.get_header("WARC-Target-URI")
            raise DamagedRecord(
                f"WARC record {_describe(path, start)} ({kind} {uri})"
                f" fails its digest check: {'; '.join(str(p) for p in checker.problems)}"
            )
        found.append((start, iterator.get_record_length(), record, h.hexdigest()))
        if len(found) >= limit:
            break
    return found


def read_records(path: Path, offset: int, limit: int = 1) -> list[Record]:
    """Up to ``limit`` records starting at ``offset`` of ``path``, each checked and copied raw.

    Raises DamagedRecord (naming file and offset) when a record fails its digests or cannot be
    parsed, and OSError when the file cannot be read.
    """
    path = Path(path)
    with path.open("rb") as fh:
        try:
            found = _read_from(fh, path, offset, limit)
        except DamagedRecord:
            raise
        except Exception as e:  # noqa: BLE001 - gzip, zlib and warcio raise assorted types on bad data
            raise DamagedRecord(
                f"WARC record {_describe(path, offset)} cannot be read ({type(e).__name__}: {_short(e)})"
            ) from e
        out = []
        for start, length, record, payload in found:
            fh.seek(start)
            raw = fh.read(length)
            if not raw.startswith(b"\x1f\x8b"):
                # An uncompressed WARC: compress the record as its own member. The digests cover the
                # record block, not its compression, so they still hold.
                raw = gzip.compress(raw + b"\r\n\r\n", mtime=0)
            h = record.rec_headers
            http = record.http_headers
            status = None
            ctype = h.get_header("Content-Type") or ""
            if http is not None:
                try:
                    status = int(http.get_statuscode() or 0) or None
                except ValueError:
                    status = None
                ctype = http.get_header("Content-Type") or ""
            out.append(
                Record(
                    raw=raw,
                    offset=start,
                    length=length,
                    warc_type=h.get_header("WARC-Type") or "",
                    record_id=h.get_header("WARC-Record-ID") or "",
                    target_uri=h.get_header("WARC-Target-URI") or "",
                    concurrent_to=h.get_header("WARC-Concurrent-To") or "",
                    date=h.get_header("WARC-Date") or "",
                    payload_sha256=payload,
                    digests_checked=record.digest_checker.passed is True,
                    http_status=status,
                    content_type=ctype,
                )
            )
    if not out:
        raise DamagedRecord(f"no WARC record at {_describe(path, offset)}")
    return out


def capture_records(path: Path, offset: int) -> list[Record]:
    """The response (or revisit, or resource) record at ``offset``, then its request if it follows.

    The first record must pass its digests. The next one is copied only if it is that record's
    request; if it is, it must pass its digests too (a damaged request is refused like a damaged
    response, since it would be copied); if the next record is unreadable and unrelated, it is left.
    """
    first = read_records(path, offset, 1)[0]
    next_offset = _next_offset(path, first)
    if next_offset is None:
        return [first]
    try:
        nxt = read_records(path, next_offset, 1)[0]
    except DamagedRecord as e:
        if _is_request_for(path, next_offset, first.record_id):
            raise DamagedRecord(str(e)) from e
        return [first]
    if nxt.warc_type == "request" and nxt.concurrent_to == first.record_id:
        return [first, nxt]
    return [first]


def _next_offset(path: Path, first: Record) -> int | None:
    """The offset of the record after ``first`` in its file (None at the end of the file)."""
    end = first.offset + first.length
    return end if end < Path(path).stat().st_size else None


def _is_request_for(path: Path, offset: int, record_id: str) -> bool:
    """Do the (possibly damaged) bytes at ``offset`` carry a request header naming ``record_id``?"""
    try:
        with Path(path).open("rb") as fh:
            fh.seek(offset)
            head = gzip.GzipFile(fileobj=fh).read(4096)
    except Exception:  # noqa: BLE001 - damaged beyond reading: nothing to tell
        return False
    return b"WARC-Type: request" in head and record_id.encode() in head


def iter_checked(path: Path) -> tuple[list[str], list[Record]]:
    """Every record of a WARC file, checked; (problems naming file@offset, the records' metadata).

    Used by verifiers: records keep ``raw`` empty to spare memory.
    """
    problems: list[str] = []
    records: list[Record] = []
    name = Path(path).name
    try:
        with Path(path).open("rb") as fh:
            iterator = ArchiveIterator(fh, check_digests=True)
            for record in iterator:
                h = hashlib.sha256()
                stream = record.raw_stream if record.http_headers is not None else record.content_stream()
                while block := stream.read(_CHUNK):
                    h.update(block)
                iterator.read_to_end()
                offset = iterator.get_record_offset()
                rh = record.rec_headers
                kind = rh.get_header("WARC-Type") or ""
                if record.digest_checker.passed is False:
                    for p in record.digest_checker.problems:
                        problems.append(f"{name}@{offset}: {p}")
                elif kind in ("response", "resource", "revisit") and not rh.get_header("WARC-Block-Digest"):
                    problems.append(f"{name}@{offset}: {kind} record has no WARC-Block-Digest to check")
                http = record.http_headers
                records.append(
                    Record(
                        raw=b"",
                        offset=offset,
                        length=iterator.get_record_length(),
                        warc_type=kind,
                        record_id=rh.get_header("WARC-Record-ID") or "",
                        target_uri=rh.get_header("WARC-Target-URI") or "",
                        concurrent_to=rh.get_header("WARC-Concurrent-To") or "",
                        date=rh.get_header("WARC-Date") or "",
                        payload_sha256=h.hexdigest(),
                        digests_checked=record.digest_checker.passed is True,
                        content_type=(
                            http.get_header("Content-Type") if http else rh.get_header("Content-Type")
                        )
                        or "",
                    )
                )
    except Exception as e:  # noqa: BLE001 - gzip, zlib and warcio errors alike mean "damaged"
        problems.append(f"{name}: cannot be read to the end ({type(e).__name__}: {e})")
    return problems, records


def _short(e: Exception) -> str:
    """An error's message without the raw bytes warcio quotes from a damaged file, and short."""
    text = str(e).split(", first line:", 1)[0]
    return text if len(text) <= 160 else text[:159] + "…"
