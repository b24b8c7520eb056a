"""Reading the records of one Source with warcio: HTML responses with status 200 (and WET text).

Everything else is skipped and counted, never an error: request, metadata and warcinfo records;
responses that are not HTTP (``dns:``, ``whois:``, a block without an HTTP head); statuses other
than 200; bodies that are not HTML; records over ``max_record_bytes`` (skipped before their body
is read); records whose host the filters exclude. A record whose block ends before its declared
length (a gzip member that does not end, a file cut short) is counted as ``truncated``. A file
that cannot be opened, or that stops parsing (a corrupt or truncated WARC), is counted in
``errors`` with its reason; the records read before the damage are kept.

Offsets and lengths are those of the record in its file (the gzip member of a ``.warc.gz``), so
the same bytes can be read again by byte range, by copywatch's import or by a third party.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
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
    errors: int = 0  # files (or byte ranges) that could not be opened or stopped parsing
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
    sha256: str  # hex SHA-256 of ``payload``
    ip: str | None = None
    language: str = ""  # WARC-Identified-Content-Language (Common Crawl), if any

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


def read_records(
    source: Source,
    opts: OpenOptions,
    counts: Counts,
    *,
    max_record_bytes: int,
    want_uri: Callable[[str], bool] = lambda uri: True,
) -> Iterator[ArchiveRecord]:
    """The HTML 200 responses (and WET conversions) of a source, in file order."""
    for base, opener in _pieces(source, opts):
        try:
            stream = opener()
        except (SourceError, OSError) as e:
            counts.errors += 1
            counts.error_details.append(f"{source.file}@{base}: {e}")
            continue
        try:
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
                    if rec.http_headers is None or not uri.lower().startswith(("http://", "https://")):
                        counts.not_http += 1
                        continue
                    try:
                        status = int(rec.http_headers.get_statuscode() or 0)
                    except ValueError:
                        counts.not_http += 1
                        continue
                    if status != 200:
                        counts.not_200 += 1
                        continue
                    ctype = rec.http_headers.get_header("Content-Type") or ""
                    if ctype and not _is_html(ctype):
                        counts.not_html += 1
                        continue
                    headers = tuple(rec.http_headers.headers)
                if (rec.length or 0) > max_record_bytes:
                    counts.too_large += 1
                    continue
                if not want_uri(uri):
                    counts.filtered += 1
                    continue
                payload = rec.raw_stream.read()
                short = rec.raw_stream.limit > 0 if hasattr(rec.raw_stream, "limit") else False
                iterator.read_to_end(rec)
                if short:
                    counts.truncated += 1
                    continue
                offset = base + iterator.get_record_offset()
                length = iterator.get_record_length()
                h = rec.rec_headers
                yield ArchiveRecord(
                    source=source.file,
                    offset=offset,
                    length=length,
                    warc_type=kind,
                    target_uri=uri,
                    date=h.get_header("WARC-Date") or "",
                    record_id=h.get_header("WARC-Record-ID") or "",
                    payload_digest=h.get_header("WARC-Payload-Digest") or "",
                    status=status,
                    headers=headers,
                    payload=payload,
                    sha256=hashlib.sha256(payload).hexdigest(),
                    ip=h.get_header("WARC-IP-Address"),
                    language=h.get_header("WARC-Identified-Content-Language") or "",
                )
        except Exception as e:  # noqa: BLE001 - warcio, zlib and the network raise assorted types
            counts.errors += 1
            where = f"{source.file}@{base}" if source.ranges else source.file
            counts.error_details.append(f"{where}: stopped reading ({type(e).__name__}: {e})"[:300])
        finally:
            stream.close()
