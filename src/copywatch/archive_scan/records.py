"""Reading the records of one Source: HTML responses with status 200 (and WET text).

Everything else is skipped and counted, never an error: request, metadata and warcinfo records;
responses that are not HTTP (``dns:``, ``whois:``, a block without an HTTP head); statuses other
than 200; bodies that are not HTML; records over ``max_record_bytes`` (skipped before their body
is read); records whose host the filters exclude. A record whose block ends before its declared
length (a gzip member that does not end, a file cut short) is counted as ``truncated``. A file
that cannot be opened, or that stops parsing (a corrupt or truncated WARC), is counted in
``errors`` with its reason; the records read before the damage are kept.

Records are parsed with FastWARC when it is installed (the [spark] extra has it), else with warcio;
both give the same records, offsets and lengths (tests/test_archive_scan.py runs both).

Offsets and lengths are those of the record in its file (the gzip member of a ``.warc.gz``), so
the same bytes can be read again by byte range, by copywatch's import or by a third party.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from typing import IO

from warcio.archiveiterator import ArchiveIterator

from .sources import OpenOptions, Source, SourceError, open_stream

_HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass
class Counts:
    """What happened to the records of one source (summed over sources for a run)."""

    records: int = 0  # WARC records seen, of any type
    responses: int = 0  # response (or WET conversion) records
    not_http: int = 0  # a response record that is not an HTTP response
    not_200: int = 0
    not_html: int = 0
    too_large: int = 0  # over max_record_bytes
    truncated: int = 0  # the block ended before its declared length
    filtered: int = 0  # host or language filters
    probed: int = 0  # HTML 200 responses whose text was probed against the index
    candidates: int = 0  # probed records sent on to extraction, alignment and the credit check
    findings: int = 0
    errors: int = 0  # files (or byte ranges) that could not be opened or stopped parsing, pages not judged
    error_details: list[str] = field(default_factory=list)

    def add(self, other: Counts) -> None:
        for name in self.__dataclass_fields__:
            if name == "error_details":
                self.error_details += other.error_details
            else:
                setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "error_details"}


@dataclass(frozen=True)
class ArchiveRecord:
    """One HTML response (or WET text) read from an archive, with where it sits."""

    source: str  # the WARC/WET file, as given (path or URL)
    offset: int  # of the record (its gzip member) in the file
    length: int
    warc_type: str  # response or conversion
    target_uri: str
    date: str  # WARC-Date
    record_id: str
    payload_digest: str  # WARC-Payload-Digest as the archive wrote it ("" if none)
    status: int
    headers: tuple[tuple[str, str], ...]  # the HTTP response head
    payload: bytes  # the HTTP payload as stored (still content-encoded if it was on the wire)
    ip: str | None = None
    language: str = ""  # WARC-Identified-Content-Language (Common Crawl), if any

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of ``payload`` (computed when asked: for candidates only)."""
        return hashlib.sha256(self.payload).hexdigest()

    def header(self, name: str) -> str | None:
        low = name.lower()
        return next((v for k, v in self.headers if k.lower() == low), None)


def _pieces(source: Source, opts: OpenOptions) -> Iterator[tuple[int, Callable[[], IO[bytes]]]]:
    if not source.ranges:
        yield 0, partial(open_stream, source.file, opts)
    for offset, length in source.ranges:
        yield offset, partial(open_stream, source.file, opts, offset, length)


def _is_html(content_type: str) -> bool:
    return content_type.split(";")[0].strip().lower() in _HTML_TYPES


@dataclass
class _Filter:
    counts: Counts
    max_record_bytes: int
    want_uri: Callable[[str], bool]

    def head(self, uri: str, status: int, ctype: str) -> bool:
        """Keep a response with this URI, status and Content-Type? (counts what it drops)"""
        if not uri.lower().startswith(("http://", "https://")):
            self.counts.not_http += 1
            return False
        if status != 200:
            self.counts.not_200 += 1
            return False
        if ctype and not _is_html(ctype):
            self.counts.not_html += 1
            return False
        return True

    def body(self, uri: str, length: int) -> bool:
        if length > self.max_record_bytes:
            self.counts.too_large += 1
            return False
        if not self.want_uri(uri):
            self.counts.filtered += 1
            return False
        return True


def _warcio_records(stream: IO[bytes], base: int, source: Source, keep: _Filter) -> Iterator[ArchiveRecord]:
    counts = keep.counts
    iterator = ArchiveIterator(stream)
    for rec in iterator:
        counts.records += 1
        kind = rec.rec_type
        if kind not in ("response", "conversion"):
            continue
        counts.responses += 1
        uri = rec.rec_headers.get_header("WARC-Target-URI") or ""
        status = 200
        headers: tuple[tuple[str, str], ...] = ()
        if kind == "response":
            if rec.http_headers is None:
                counts.not_http += 1
                continue
            try:
                status = int(rec.http_headers.get_statuscode() or 0)
            except ValueError:
                counts.not_http += 1
                continue
            if not keep.head(uri, status, rec.http_headers.get_header("Content-Type") or ""):
                continue
            headers = tuple(rec.http_headers.headers)
        if not keep.body(uri, rec.length or 0):
            continue
        payload = rec.raw_stream.read()
        short = rec.raw_stream.limit > 0 if hasattr(rec.raw_stream, "limit") else False
        iterator.read_to_end(rec)
        if short:
            counts.truncated += 1
            continue
        h = rec.rec_headers
        yield ArchiveRecord(
            source=source.file,
            offset=base + iterator.get_record_offset(),
            length=iterator.get_record_length(),
            warc_type=kind,
            target_uri=uri,
            date=h.get_header("WARC-Date") or "",
            record_id=h.get_header("WARC-Record-ID") or "",
            payload_digest=h.get_header("WARC-Payload-Digest") or "",
            status=status,
            headers=headers,
            payload=payload,
            ip=h.get_header("WARC-IP-Address"),
            language=h.get_header("WARC-Identified-Content-Language") or "",
        )


def _end_of(stream: IO[bytes]) -> int:
    """Bytes of the stream read so far (all of it, once iteration ended)."""
    raw = getattr(stream, "raw", None)
    if raw is not None and hasattr(raw, "tell"):
        return int(raw.tell())
    try:
        return os.fstat(stream.fileno()).st_size
    except (OSError, AttributeError, io.UnsupportedOperation):
        return int(stream.tell())


def _fastwarc_records(
    stream: IO[bytes], base: int, source: Source, keep: _Filter, length: int | None
) -> Iterator[ArchiveRecord]:
    """The same as _warcio_records, with FastWARC (several times faster at parsing). A record's
    length is where the next record starts (or the stream ends) minus where it starts."""
    from fastwarc.warc import ArchiveIterator as FastIterator
    from fastwarc.warc import WarcRecordType

    counts = keep.counts
    wanted = WarcRecordType.response | WarcRecordType.conversion
    pending: ArchiveRecord | None = None
    for rec in FastIterator(stream, parse_http=False, fsspec_args=False):
        pos = rec.stream_pos
        if pending is not None:
            yield replace(pending, length=pos - (pending.offset - base))
            pending = None
        counts.records += 1
        kind_flag = rec.record_type
        if not kind_flag & wanted:
            continue
        counts.responses += 1
        kind = "response" if kind_flag == WarcRecordType.response else "conversion"
        h = rec.headers
        uri = h.get("WARC-Target-URI") or ""
        headers: tuple[tuple[str, str], ...] = ()
        if kind == "response":
            if not uri.lower().startswith(("http://", "https://")):
                counts.not_http += 1
                continue
            rec.parse_http()
            http = rec.http_headers
            if http is None or not http.status_code:
                counts.not_http += 1
                continue
            if not keep.head(uri, int(http.status_code), http.get("Content-Type") or ""):
                continue
            headers = tuple(http.astuples())
        declared = int(rec.content_length)
        if not keep.body(uri, declared):
            continue
        payload = rec.reader.read()
        if len(payload) < declared:
            counts.truncated += 1
            continue
        pending = ArchiveRecord(
            source=source.file,
            offset=base + pos,
            length=0,
            warc_type=kind,
            target_uri=uri,
            date=h.get("WARC-Date") or "",
            record_id=h.get("WARC-Record-ID") or "",
            payload_digest=h.get("WARC-Payload-Digest") or "",
            status=200,
            headers=headers,
            payload=payload,
            ip=h.get("WARC-IP-Address"),
            language=h.get("WARC-Identified-Content-Language") or "",
        )
    if pending is not None:
        end = length if length is not None else _end_of(stream)
        yield replace(pending, length=end - (pending.offset - base))


def _have_fastwarc() -> bool:
    try:
        import fastwarc.warc  # noqa: F401
    except ImportError:
        return False
    return True


def read_records(
    source: Source,
    opts: OpenOptions,
    counts: Counts,
    *,
    max_record_bytes: int,
    want_uri: Callable[[str], bool] = lambda uri: True,
    reader: str = "auto",
) -> Iterator[ArchiveRecord]:
    """The HTML 200 responses (and WET conversions) of a source, in file order.

    ``reader``: "fastwarc", "warcio", or "auto" (FastWARC when installed, as with the [spark] extra).
    """
    fast = reader == "fastwarc" or (reader == "auto" and _have_fastwarc())
    keep = _Filter(counts, max_record_bytes, want_uri)
    ranges = dict(source.ranges)
    for base, opener in _pieces(source, opts):
        try:
            stream = opener()
        except (SourceError, OSError) as e:
            counts.errors += 1
            counts.error_details.append(f"{source.file}@{base}: {e}")
            continue
        try:
            if fast:
                yield from _fastwarc_records(stream, base, source, keep, ranges.get(base))
            else:
                yield from _warcio_records(stream, base, source, keep)
        except Exception as e:  # noqa: BLE001 - warcio, zlib and the network raise assorted types
            counts.errors += 1
            where = f"{source.file}@{base}" if source.ranges else source.file
            counts.error_details.append(f"{where}: stopped reading ({type(e).__name__}: {e})"[:300])
        finally:
            stream.close()
