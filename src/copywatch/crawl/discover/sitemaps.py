"""Sitemaps and feeds: what a document lists, and the one walk of sitemap indexes (RELIABILITY #20).

``parse_index`` recognises a document by its content, not its name: a sitemap index, a urlset
(XML, .gz), a text sitemap, an RSS/RDF/Atom/JSON feed, or an HTML page; and lists its
(URL, lastmod) entries.

``SitemapWalk`` reads a site's sitemap indexes, sitemaps and feeds under one set of rules, for
the site crawl (``site.py``) and the outlet's exclusives (``exclusives.py``) alike:

- every document is asked of robots.txt before it is fetched, and fetched once per walk (an index
  that lists itself or an ancestor is not read again);
- at most ``MAX_INDEX_DOCS`` documents per walk (``limits_hit["max_index_documents"]``);
- indexes nested more than ``MAX_SITEMAP_DEPTH`` below the document the walk started from are not
  followed (``limits_hit["max_sitemap_depth"]``);
- the lastmod rule: an index's children and a sitemap's or feed's pages are taken newest
  ``lastmod`` first (undated ones after, in the document's order), so a limit cuts the oldest;
  the page's lastmod is handed on, and ``is_newer`` decides with it whether a stored copy stands in;
- a document cut at max_bytes is read as far as it came; one whose reading raises is an error
  against its URL, and the walk goes on.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Literal
from urllib.parse import urljoin

import lxml.etree

from ...config import MAX_INDEX_DOCS, MAX_SITEMAP_DEPTH, CrawlConfig
from ...models import Capture
from ...text.lxml_guard import serialized
from ...urls import normalize_url
from ..fetch import Fetcher, KnownPage, bounded_gunzip
from ..robots import RobotsCache

Source = Literal["sitemap", "robots_sitemap", "feed", "links", "seed", "file"]
DocKind = Literal["sitemapindex", "urlset", "feed", "text", "html", "unknown"]


@dataclass(frozen=True)
class DiscoveredPage:
    """A page to look at, and how it was found."""

    url: str
    lastmod: str | None
    source: str  # sitemap, robots_sitemap, feed, links, seed, file


def parse_date(value: str | None) -> datetime | None:
    """W3C datetime (sitemaps, Atom, JSON Feed) or RFC 822 (RSS) -> aware UTC datetime."""
    if not value:
        return None
    value = value.strip()
    try:
        d = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            d = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    return d.replace(tzinfo=UTC) if d.tzinfo is None else d.astimezone(UTC)


def is_newer(lastmod: str | None, known_lastmod: str | None) -> bool:
    """True unless both dates parse and ``lastmod`` is not after ``known_lastmod``."""
    new, old = parse_date(lastmod), parse_date(known_lastmod)
    return new is None or old is None or new > old


_XML_PARSER = lxml.etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True
)
_TEXT_URL_RE = re.compile(r"^https?://\S+$")


def _local(el: lxml.etree._Element) -> str:
    return lxml.etree.QName(el).localname if isinstance(el.tag, str) else ""


def _child_text(el: lxml.etree._Element, *names: str) -> str | None:
    for child in el:
        if _local(child) in names and child.text and child.text.strip():
            return str(child.text).strip()
    return None


@serialized
def parse_index(
    body: bytes, content_type: str = "", cap: int = 50_000_000
) -> tuple[DocKind, list[tuple[str, str | None]]]:
    """Recognise a sitemap, feed, text sitemap or HTML page by content; list its (URL, lastmod)."""
    if body[:2] == b"\x1f\x8b":
        body, _ = bounded_gunzip(body, cap)
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"{"):
        try:
            feed = json.loads(body)
        except (ValueError, RecursionError):  # RecursionError: arrays nested 200,000 deep
            return "unknown", []
        items = feed.get("items", []) if isinstance(feed, dict) else []
        entries = [
            (str(i["url"]), i.get("date_modified") or i.get("date_published"))
            for i in items
            if isinstance(i, dict) and isinstance(i.get("url"), str)
        ]
        return "feed", entries
    if head.startswith((b"<!doctype html", b"<html")) or (b"<html" in head and b"<urlset" not in head):
        return "html", []
    if head.startswith(b"<"):
        try:
            root = lxml.etree.fromstring(body, parser=_XML_PARSER)
        except lxml.etree.XMLSyntaxError:
            root = None
        if root is None:
            return ("html", []) if "html" in content_type else ("unknown", [])
        tag = _local(root)
        if tag in ("sitemapindex", "urlset"):
            want = "sitemap" if tag == "sitemapindex" else "url"
            out = []
            for el in root:
                if _local(el) == want:
                    loc = _child_text(el, "loc")
                    if loc:
                        out.append((loc, _child_text(el, "lastmod")))
            return tag, out  # type: ignore[return-value]
        if tag in ("rss", "RDF", "feed"):
            return "feed", _feed_entries(root)
        if tag == "html":
            return "html", []
        return "unknown", []
    text = body[:cap].decode("utf-8", "replace")
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if lines and all(_TEXT_URL_RE.match(ln) for ln in lines[:50]):
        return "text", [(ln, None) for ln in lines if _TEXT_URL_RE.match(ln)]
    return ("html", []) if "html" in content_type else ("unknown", [])


def _feed_entries(root: lxml.etree._Element) -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    for el in root.iter():
        name = _local(el)
        if name == "item":  # RSS 2.0 and RSS 1.0 (RDF)
            link = _child_text(el, "link")
            if not link:
                for child in el:
                    if _local(child) == "guid" and child.get("isPermaLink", "true") != "false" and child.text:
                        link = child.text.strip()
            if link:
                out.append((link, _child_text(el, "pubDate", "date", "updated")))
        elif name == "entry":  # Atom
            href = None
            for child in el:
                if (
                    _local(child) == "link"
                    and child.get("rel", "alternate") == "alternate"
                    and child.get("href")
                ):
                    href = child.get("href")
                    break
            if href:
                out.append((href, _child_text(el, "updated", "published")))
    return out


def newest_first(entries: list[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
    """Entries with the newest lastmod first (undated keep their order, after dated ones)."""
    dates = [parse_date(lastmod) for _, lastmod in entries]
    dated = [(d, e) for d, e in zip(dates, entries, strict=True) if d is not None]
    dated.sort(key=lambda de: de[0], reverse=True)  # stable: ties keep the document's order
    undated = [e for d, e in zip(dates, entries, strict=True) if d is None]
    return [e for _, e in dated] + undated


def stored_if_unchanged(url: str, lastmod: str | None, k: KnownPage | None) -> Capture | None:
    """The lastmod rule for a listed page: the stored copy, standing in for a request, when the
    listing's lastmod is not newer than the one stored with it; else None (fetch it)."""
    if k is None or not lastmod or not k.lastmod or is_newer(lastmod, k.lastmod):
        return None
    return Capture(
        url=url,
        final_url=k.final_url or k.url,
        status=200,
        outcome="not_modified",
        fetched_at=k.fetched_at,
        body=k.body,
        sha256=k.sha256,
        content_type="text/html",
        detail=f"{url}: sitemap lastmod not newer than the stored copy; not requested",
        warc_file=k.warc_file,
        warc_offset=k.warc_offset,
    )


# --- the walk ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexDocument:
    """A document the walk started from, read: what it is and what it lists."""

    url: str  # normalized, as asked for
    source: Source
    capture: Capture
    kind: DocKind
    entries: list[tuple[str, str | None]]


@dataclass(frozen=True)
class Unread:
    """A document the walk started from and did not read, and why."""

    url: str
    source: Source
    why: str  # one line, naming the URL
    limit: str = ""  # the limit that kept it out ("robots_disallowed", "max_index_documents"), if any
    capture: Capture | None = None  # the failed fetch, when there was one


@dataclass
class SitemapWalk:
    """One walk of sitemap indexes, sitemaps and feeds under the rules of the module docstring.

    ``walk(roots)`` yields, in breadth-first order: each root as an ``IndexDocument`` or an
    ``Unread`` (the caller decides what a root that is an HTML page or lists nothing means), and
    every page the documents list as a ``DiscoveredPage`` (normalized URL, lastmod, how found).
    A root of source "robots_sitemap" hands that source on to what it lists; other roots' pages are
    "sitemap" or "feed". Children (documents an index lists) that cannot be read are skipped, said
    in ``warnings`` when they fail and counted in ``limits_hit`` when a limit kept them out.
    """

    fetcher: Fetcher
    robots: RobotsCache | None
    config: CrawlConfig
    max_documents: int = MAX_INDEX_DOCS
    max_depth: int = MAX_SITEMAP_DEPTH
    limits_hit: dict[str, int] = field(default_factory=dict)  # limit name -> documents or URLs it kept out
    errors: list[tuple[str, str]] = field(default_factory=list)  # (URL, why): a document whose reading raised
    warnings: list[str] = field(default_factory=list)  # child documents that failed
    documents: int = 0  # documents fetched
    _seen: set[str] = field(default_factory=set)

    def _hit(self, limit: str, n: int = 1) -> None:
        self.limits_hit[limit] = self.limits_hit.get(limit, 0) + n

    def walk(
        self,
        roots: Iterable[tuple[str, Source]],
        wanted: Callable[[str, Source], bool] | None = None,
    ) -> Iterator[IndexDocument | Unread | DiscoveredPage]:
        """``wanted(url, source)``, asked just before a root is fetched: False passes it over
        (silently: the caller counts why)."""
        cfg = self.config
        queue: deque[tuple[str, Source, int]] = deque((url, source, 0) for url, source in roots)
        while queue:
            url, source, depth = queue.popleft()
            root = depth == 0
            norm = normalize_url(url, max_length=cfg.max_url_length)
            if norm is None:
                if len(url) > cfg.max_url_length:
                    self._hit("max_url_length")
                if root:
                    yield Unread(
                        url, source, f"{url}: not an http(s) URL of at most {cfg.max_url_length} characters"
                    )
                continue
            if norm in self._seen:
                continue  # read already in this walk: a loop, or listed twice
            self._seen.add(norm)
            if self.documents >= self.max_documents:
                self._hit("max_index_documents")
                if root:
                    why = f"{norm}: not read, {self.max_documents} sitemaps and feeds read already"
                    yield Unread(norm, source, why, "max_index_documents")
                continue
            if self.robots is not None and not self.robots.allowed(norm):
                self._hit("robots_disallowed")
                if root:
                    why = f"{norm}: robots.txt disallows it for our user agent; nothing is fetched"
                    yield Unread(norm, source, why, "robots_disallowed")
                continue
            if root and wanted is not None and not wanted(norm, source):
                continue
            self.documents += 1
            cap = self.fetcher.fetch(norm, kind="xml")
            if cap.outcome not in ("ok", "truncated") or cap.status != 200:
                why = cap.detail or f"{norm}: {cap.outcome} (HTTP {cap.status})"
                if root:
                    yield Unread(norm, source, why, capture=cap)
                else:
                    self.warnings.append(f"sitemap {why}")
                continue
            try:
                kind, entries = parse_index(cap.body, cap.content_type, cfg.max_bytes)
            except Exception as e:  # noqa: BLE001 - one hostile sitemap or feed must not end the walk
                self.errors.append((norm, f"reading it as a sitemap or feed failed: {type(e).__name__}: {e}"))
                continue
            if root:
                yield IndexDocument(norm, source, cap, kind, entries)
            child_source: Source = "robots_sitemap" if source == "robots_sitemap" else "sitemap"
            if kind == "sitemapindex":
                children = newest_first(entries)
                if depth >= self.max_depth:
                    if children:
                        self._hit("max_sitemap_depth", len(children))
                    continue
                for loc, _ in children:
                    queue.append((urljoin(cap.final_url, loc), child_source, depth + 1))
            elif kind in ("urlset", "feed", "text"):
                page_source: Source = "feed" if kind == "feed" else child_source
                for loc, lastmod in newest_first(entries):
                    page = normalize_url(loc, cap.final_url, cfg.max_url_length)
                    if page is None:
                        if len(loc) > cfg.max_url_length:
                            self._hit("max_url_length")
                        continue
                    yield DiscoveredPage(page, lastmod, page_source)
            # an HTML page or an unknown document below an index lists nothing
