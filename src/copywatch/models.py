"""The values passed between pipeline stages.

Every stage takes and returns these frozen dataclasses, and nothing else crosses a stage boundary:

    discover -> fetch -> Capture -> extract -> Document -> normalize/match -> Match
             -> attribute -> Credit -> store -> Finding -> report/export

Times are UTC RFC 3339 strings ("2026-11-29T10:00:00Z"); URLs are absolute strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal


def utc_now() -> str:
    """UTC RFC 3339 with a Z, to the second: the time format of every model."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


CreditKind = Literal["link", "canonical", "name", "none"]
MatchType = Literal["verbatim", "edited", "partial", "reordered"]
FetchOutcome = Literal[
    "ok",  # a body was read (status may still be 4xx/5xx)
    "not_modified",  # a conditional request answered 304
    "truncated",  # the body hit max_bytes (wire or decoded) and was cut
    "refused",  # not fetched by policy: private address, robots, scheme, content type
    "too_many_redirects",
    "timeout",  # the wall-clock deadline or a network timeout
    "error",  # connection, DNS, TLS or protocol failure
]


@dataclass(frozen=True)
class Capture:
    """One fetch, as it came off the wire: the evidence behind everything else.

    ``body`` is the entity body after content decoding (gzip/deflate/br), capped at max_bytes.
    ``sha256`` is the SHA-256 of the body bytes exactly as received on the wire (before content
    decoding), i.e. the payload of the WARC response record, so a third party can check it there.
    """

    url: str  # the URL asked for
    final_url: str  # after redirects
    status: int  # HTTP status of the final hop (0 if no response)
    outcome: FetchOutcome
    fetched_at: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    sha256: str = ""
    ip: str | None = None  # the server address actually connected to
    redirects: tuple[str, ...] = ()  # every hop's URL before final_url, in order
    content_type: str = ""
    detail: str = ""  # human-readable reason for a non-ok outcome
    warc_file: str | None = None  # where the response (or revisit) record lives
    warc_offset: int | None = None

    def header(self, name: str) -> str | None:
        low = name.lower()
        for k, v in self.headers:
            if k.lower() == low:
                return v
        return None


@dataclass(frozen=True)
class Document:
    """A page's main text and the metadata the later stages need (output of ``text.extract``)."""

    url: str  # final URL of the capture
    title: str
    text: str  # main text; paragraphs separated by "\n"
    html: str  # the whole decoded HTML (attribution reads links and credit lines from it)
    published_at: str | None = None  # claimed publication time, if machine-readable or visible
    canonical: str | None = None  # <link rel=canonical> or og:url
    lang: str | None = None
    encoding: str = "utf-8"


@dataclass(frozen=True)
class Exclusive:
    """One of the outlet's exclusive articles, the thing copies are matched against."""

    url: str  # canonical URL when the page declares one, else the fetched URL
    fetched_url: str
    title: str
    text: str
    published_at: str | None = None


@dataclass(frozen=True)
class Span:
    """A copied passage: character offsets [start, end) in the exclusive's and the page's text."""

    exclusive_start: int
    exclusive_end: int
    page_start: int
    page_end: int


@dataclass(frozen=True)
class Match:
    """A page found to reuse an exclusive, with the copied spans."""

    exclusive_url: str
    page_url: str
    coverage: float  # share of the exclusive's words found on the page (0-1)
    page_share: float  # share of the page's words that come from the exclusive (0-1)
    similarity: float  # TF-IDF cosine of the normalized texts (0-1)
    match_type: MatchType
    spans: tuple[Span, ...] = ()


# Credit.notice_kept as attribution_evidence says it (findings.evidence_text); the report reads it back
NOTICE_KEPT_TEXT = "the outlet's exclusivity notice was copied along (not a credit)"


@dataclass(frozen=True)
class CreditEvidence:
    """One signal found on the page: what it is, the exact text or link, and where it sits."""

    signal: str  # link_article, link_home, canonical, og_url, name, image_credit, ...
    text: str  # the exact link target or credit text
    where: str  # body, byline, end_of_article, head, elsewhere


@dataclass(frozen=True)
class Credit:
    """The attribution verdict for one (page, exclusive) copy."""

    verdict: CreditKind
    evidence: tuple[CreditEvidence, ...] = ()
    decoys: tuple[CreditEvidence, ...] = ()  # things that look like credit but are not
    notice_kept: bool = False  # the outlet's exclusivity notice was copied along


@dataclass(frozen=True)
class SiteResult:
    """What happened on one candidate site during a scan."""

    site: str
    pages_fetched: int = 0
    pages_new: int = 0
    pages_changed: int = 0
    pages_unchanged: int = 0
    pages_failed: int = 0
    error: str = ""  # empty when the site was crawled; else why not (robots, DNS, ...)


@dataclass(frozen=True)
class Finding:
    """One reported copy, as stored and as exported: a row of evidence.csv."""

    site: str
    page_url: str
    page_title: str
    exclusive_url: str
    exclusive_title: str
    coverage: float
    similarity: float
    match_type: str
    attribution: str
    attribution_evidence: str
    published_at: str  # the copy's claimed publication time ("" if unknown)
    first_seen: str
    captured_at: str
    http_status: int
    sha256: str
    page_share: float = 0.0
    exclusive_published_at: str = ""
    published_order: str = ""  # after, backdated, unknown
    partner: bool = False
    warc_file: str = ""
    warc_offset: int | None = None
    spans: tuple[Span, ...] = field(default=(), compare=False)
    page_text: str = field(default="", compare=False, repr=False)
    exclusive_text: str = field(default="", compare=False, repr=False)
    run_id: str = ""
    online_status: str = ""  # from recheck: online, changed, removed ("" until rechecked)
    rechecked_at: str = ""  # when online_status was last established (a recheck, or a scan that saw it)
    discovered_by: str = "watchlist"  # "watchlist", or the search provider and query: "searxng: <phrase>"

    @property
    def uncredited(self) -> bool:
        """What the newsroom pursues: a copy without credit, from a site that is not a partner."""
        return self.attribution == "none" and not self.partner


@dataclass(frozen=True)
class RunInfo:
    """One scan: when, with what settings, and what it saw. Reports show the latest and history."""

    run_id: str  # e.g. "20261129T101500Z"
    started_at: str
    finished_at: str = ""
    status: str = ""  # success, site_errors, failed, running, aborted (stopped before its commit)
    config_digest: str = ""
    code_version: str = ""
    sites: tuple[SiteResult, ...] = ()
    pages_fetched: int = 0
    exclusives: int = 0
    copies: int = 0  # copies known after this run
    new_copies: int = 0  # first seen in this run
    error: str = ""  # a failed or aborted run: why (one line, as the scan said it)
