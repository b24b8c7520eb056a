"""One archive source, scanned: records -> cheap probe -> (candidates only) the live scan's stages.

``ArchiveMatcher`` holds what every Spark task needs, built once on the driver and broadcast: the
config, the exclusives' ``ExclusiveIndex``, the outlet's hosts (its own pages are never copies)
and which configured site a host belongs to. ``scan_source`` runs anywhere (a Spark executor, the
benchmark's single process) and returns plain rows, in file order, so a task run twice returns the
same rows.

A candidate goes through the very code a live scan runs (``Scanner._page`` for trafilatura's
extraction and the claimed date, ``ExclusiveIndex.match`` for alignment, ``Scanner._finding`` for
the credit check and the finding's figures), so an archived copy is judged as the same page
fetched live would be. Two things differ, by nature of an archive: short links in a copy are not
followed (an executor does not browse the live web), and each record is one page (the pages of a
paginated article sit in other records, often other files, and are matched one by one).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields
from typing import Any

from ..config import Config, SiteConfig
from ..crawl.fetch import BoundedBody, DecodeError
from ..match.fingerprint import run_hashes_many, word_hashes_many
from ..match.index import GRAM_WORDS, ExclusiveIndex
from ..models import Capture, Document, Finding
from ..pagination import Seen
from ..pipeline import Scanner
from ..store import StoredPage
from ..text.charset import decode_html
from ..urls import site_host as _host
from .probe import cheap_text, host_allowed, language_allowed
from .records import ArchiveRecord, Counts, read_records
from .sources import OpenOptions, Source

_ROW_SKIP = {"spans", "run_id", "online_status", "warc_file", "warc_offset", "first_seen"}
FINDING_FIELDS = tuple(f.name for f in fields(Finding) if f.name not in _ROW_SKIP)


@dataclass(frozen=True)
class ArchiveOptions:
    """The ``[archive]`` settings a scan of archives uses."""

    prefix: str = "https://data.commoncrawl.org/"
    languages: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()
    max_record_bytes: int = 10_000_000


def finding_row(finding: Finding, rec: ArchiveRecord) -> dict[str, Any]:
    """A finding as one Parquet row: its figures, and where its record is in the archive."""
    row: dict[str, Any] = {name: getattr(finding, name) for name in FINDING_FIELDS}
    row["spans"] = json.dumps(
        [[s.exclusive_start, s.exclusive_end, s.page_start, s.page_end] for s in finding.spans]
    )
    row |= {
        "source_file": rec.source,
        "record_offset": rec.offset,
        "record_length": rec.length,
        "record_date": rec.date,
        "record_id": rec.record_id,
        "warc_type": rec.warc_type,
        "target_uri": rec.target_uri,
        "payload_digest": rec.payload_digest,
    }
    return row


PROBE_BATCH = 32  # records probed together


@dataclass(frozen=True)
class _Probe:
    """A record that passed the filters, with its body as matched and its cheap text."""

    rec: ArchiveRecord
    body: bytes
    content_type: str
    html: str
    text: str


class ArchiveMatcher:
    """Everything a task needs to scan sources against the exclusives (picklable, broadcast once)."""

    def __init__(self, config: Config, index: ExclusiveIndex, options: ArchiveOptions, *, probe: bool = True):
        self.config = config
        self.index = index
        self.options = options
        self.probe = probe  # False: extraction-first (trafilatura on every page), for the benchmark
        self.by_url = {e.url: e for e in index.exclusives}
        self.outlet_hosts = {d.lower().removeprefix("www.") for d in config.outlet.domains}
        self.outlet_hosts |= {_host(e.fetched_url) for e in index.exclusives}
        self.sites = {_host(seed): site for site in config.sites for seed in site.seeds}
        self.open_options = OpenOptions(
            user_agent=config.crawl.user_agent,
            timeout_seconds=max(config.crawl.timeout_seconds, 60.0),
            allow_private_addresses=config.crawl.allow_private_addresses,
        )

    def _want(self, uri: str) -> bool:
        return _host(uri) not in self.outlet_hosts and host_allowed(uri, self.options.hosts)

    def scan_source(self, source: Source) -> tuple[list[dict[str, Any]], Counts]:
        """The finding rows of one source, in file order, and what happened to its records.

        Records are probed PROBE_BATCH at a time (their words hashed in one pass,
        ``word_hashes_many``): most probes are a few small array operations each, whose fixed
        cost a batch shares; the candidates then go on one by one, in file order."""
        counts = Counts()
        rows: list[dict[str, Any]] = []
        scanner = Scanner(self.config)
        batch: list[_Probe] = []

        def flush() -> None:
            rows.extend(finding_row(f, probe.rec) for probe, f in self._findings(batch, counts, scanner))
            batch.clear()

        for rec in read_records(
            source,
            self.open_options,
            counts,
            max_record_bytes=self.options.max_record_bytes,
            want_uri=self._want,
        ):
            probe = self._probe(rec, counts)
            if probe is not None:
                batch.append(probe)
                if len(batch) >= PROBE_BATCH:
                    flush()
        if batch:
            flush()
        counts.findings = len(rows)
        return rows, counts

    def _body(self, rec: ArchiveRecord) -> bytes:
        encoding = rec.header("content-encoding")
        if not encoding:
            return rec.payload
        try:
            body = BoundedBody(self.options.max_record_bytes, encoding)
            body.feed(rec.payload)
            return body.decoded.getvalue()
        except DecodeError:  # archives often store the decoded body under the original header
            return rec.payload

    def scan_record(
        self, rec: ArchiveRecord, counts: Counts, scanner: Scanner | None = None
    ) -> list[Finding]:
        """Probe one record; if it may copy an exclusive, judge it as a live scan would."""
        probe = self._probe(rec, counts)
        if probe is None:
            return []
        return [f for _, f in self._findings([probe], counts, scanner or Scanner(self.config))]

    def _findings(
        self, probes: Sequence[_Probe], counts: Counts, scanner: Scanner
    ) -> Iterator[tuple[_Probe, Finding]]:
        """The findings of probed records, in order: their words hashed in one pass, the index's
        candidates judged one by one. A candidate that cannot be judged costs that record, counted."""
        grams = run_hashes_many(word_hashes_many([p.text for p in probes]), GRAM_WORDS)
        for probe, page_grams in zip(probes, grams, strict=True):
            if self.probe and not self.index.candidates(page_grams):
                continue
            try:
                found = self._judge(probe, counts, scanner)
            except Exception as e:  # noqa: BLE001 - one hostile page costs that page, not the task
                counts.errors += 1
                where = f"{probe.rec.source}@{probe.rec.offset} ({probe.rec.target_uri})"
                counts.error_details.append(f"{where}: not judged ({type(e).__name__}: {e})"[:300])
                continue
            for finding in found:
                yield probe, finding

    def _probe(self, rec: ArchiveRecord, counts: Counts) -> _Probe | None:
        """The record's cheap text, or None when it is not an HTML page or the filters leave it out."""
        body = self._body(rec)
        content_type = rec.header("content-type") or ""
        if rec.warc_type == "conversion":  # WET: the archive's extracted text, no HTML
            text = body.decode("utf-8", "replace")
            html = (
                "<html><body>" + "".join(f"<p>{_escape(p)}</p>" for p in text.split("\n")) + "</body></html>"
            )
            body, content_type = html.encode("utf-8"), "text/html; charset=utf-8"
        else:
            html, _ = decode_html(body, content_type)
            if not content_type and "<html" not in html[:2048].lower():
                counts.not_html += 1
                return None
            text = cheap_text(html)
        if not language_allowed(self.options.languages, rec.language, html, text):
            counts.filtered += 1
            return None
        counts.probed += 1
        return _Probe(rec, body, content_type, html, text)

    def _judge(self, probe: _Probe, counts: Counts, scanner: Scanner) -> list[Finding]:
        """A candidate, judged as a live scan judges the same page: extraction, alignment, credit."""
        rec, body, content_type = probe.rec, probe.body, probe.content_type
        html, text = probe.html, probe.text
        counts.candidates += 1
        host = _host(rec.target_uri)
        site = self.sites.get(host) or SiteConfig(name=host, seeds=())
        capture = Capture(
            url=rec.target_uri,
            final_url=rec.target_uri,
            status=rec.status,
            outcome="ok",
            fetched_at=rec.date,
            headers=rec.headers,
            body=body,
            sha256=rec.sha256,
            ip=rec.ip,
            content_type=content_type,
            warc_file=rec.source,
            warc_offset=rec.offset,
        )
        if rec.warc_type == "conversion":
            doc = Document(url=rec.target_uri, title="", text=text, html=html)
            page = StoredPage(
                url=rec.target_uri, site=site.name, final_url=rec.target_uri, status=200, title="", text=text,
                body_z=StoredPage.compress(body), content_type=content_type, sha256=rec.sha256, etag=None,
                last_modified=None, lastmod=None, published_at=None, ip=None, redirects=(),
                fetched_at=rec.date, first_seen=rec.date, warc_file=rec.source, warc_offset=rec.offset,
            )  # fmt: skip
        else:
            page, doc = scanner._page(site, capture, None, rec.date, None)
        out = []
        for m in self.index.match(rec.target_uri, doc.text):
            seen = Seen(capture, page, doc, None)
            out.append(scanner._finding(site, [seen], doc.text, m, self.by_url[m.exclusive_url], rec.date))
        return out


def _escape(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
