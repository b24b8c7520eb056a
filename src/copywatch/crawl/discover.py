"""Which pages of a site to look at: sitemaps, feeds and links -> page captures (RELIABILITY #1, #20).

``crawl_site`` walks one candidate site. Seeds may be sitemap indexes, sitemaps (XML, .gz or
plain text), RSS/Atom/JSON feeds or HTML pages: each is recognised by its content, not its name.
The ``Sitemap:`` lines of robots.txt are followed too. From HTML seeds, same-host links are
followed up to ``max_depth``. Everything is bounded (pages, depth, URL length, index documents)
so a 10k-link farm costs no more than an ordinary site, and every URL is checked against
robots.txt before it is requested, including URLs a sitemap lists.

Pages are fetched lazily: ``SiteCrawl.captures`` is a generator, and the counters on the
SiteCrawl are final once it is exhausted. A known page whose sitemap ``lastmod`` is not newer
than the stored one is yielded from the store without a request; other known pages get a
conditional GET.

``discover_exclusives`` turns the outlet's configured sources (sitemap, feed or page URLs, or
local .html files and folders) into the captures of its article pages.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Literal
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html

from ..config import FRONTIER_FACTOR, MAX_INDEX_DOCS, CrawlConfig, SiteConfig
from ..models import Capture, SiteResult, utc_now
from ..text.charset import decode_html
from ..text.lxml_guard import serialized
from ..urls import TRACKING_PARAMS, host_key, normalize_url  # noqa: F401 - re-exported
from .fetch import Fetcher, KnownPage, bounded_gunzip
from .robots import RobotsCache

Source = Literal["sitemap", "robots_sitemap", "feed", "links", "seed", "file"]
DocKind = Literal["sitemapindex", "urlset", "feed", "text", "html", "unknown"]

SKIP_EXTENSIONS = frozenset(
    ".jpg .jpeg .png .gif .webp .svg .ico .bmp .pdf .zip .rar .7z .mp3 .mp4 .m4a .avi .mov .webm .css .js"
    " .woff .woff2 .ttf .doc .docx .xls .xlsx .ppt .pptx .exe .apk .dmg".split()
)


@dataclass(frozen=True)
class DiscoveredPage:
    """A page to look at, and how it was found."""

    url: str
    lastmod: str | None
    source: str  # sitemap, robots_sitemap, feed, links, seed, file


@dataclass
class SiteCrawl:
    """One site's crawl: ``captures`` yields page captures; the counters are final after it ends."""

    site: str
    captures: Iterator[Capture] = field(default_factory=lambda: iter(()))
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    fetched: int = 0  # page requests made (sitemaps, feeds and robots.txt not counted)
    error: str = ""  # site-level failure: robots.txt unreachable, DNS, every seed failed
    limits_hit: dict[str, int] = field(default_factory=dict)  # limit name -> URLs it kept out
    lastmod: dict[str, str] = field(default_factory=dict)  # page URL -> lastmod seen this scan
    warnings: list[str] = field(default_factory=list)  # seeds that failed while others worked
    page_errors: list[tuple[str, str]] = field(default_factory=list)  # (URL, why): a page that raised

    def result(self) -> SiteResult:
        return SiteResult(
            site=self.site,
            pages_fetched=self.fetched,
            pages_new=self.new,
            pages_changed=self.changed,
            pages_unchanged=self.unchanged,
            pages_failed=self.failed,
            error=self.error,
        )

    def _hit(self, limit: str, n: int = 1) -> None:
        self.limits_hit[limit] = self.limits_hit.get(limit, 0) + n


# --- URLs -----------------------------------------------------------------------------------------


def _site_key(url: str) -> str:
    return host_key(url)


# --- sitemaps and feeds ---------------------------------------------------------------------------


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


def _newest_first(entries: list[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
    """Entries with the newest lastmod first (undated keep their order, after dated ones)."""
    dates = [parse_date(lastmod) for _, lastmod in entries]
    dated = [(d, e) for d, e in zip(dates, entries, strict=True) if d is not None]
    dated.sort(key=lambda de: de[0], reverse=True)  # stable: ties keep the document's order
    undated = [e for d, e in zip(dates, entries, strict=True) if d is None]
    return [e for _, e in dated] + undated


MAX_LINKS_PER_PAGE = 5000  # [crawl] max_links_per_page's default
_FEED = 64 * 1024  # characters handed to the pull parser at a time


def _tags(body: bytes, content_type: str, tags: tuple[str, ...]) -> Iterator[lxml.etree._Element]:
    """The ``tags`` elements of an HTML page as the parser reaches them (their attributes are
    read; their content may not be parsed yet).

    A pull parser fed a piece at a time, so a caller that stops early (enough links) has parsed
    only that far: a 5 MB page of a million links costs what its first few thousand do. Elements
    already passed are dropped as it goes, so memory stays near one piece, not one tree of the
    page. huge_tree: nothing nested deeper than 255 elements is dropped.
    """
    text, _ = decode_html(body, content_type)
    if not text.strip():
        return
    parser = lxml.etree.HTMLPullParser(events=("start", "end"), huge_tree=True)
    try:
        for at in range(0, len(text), _FEED):
            parser.feed(text[at : at + _FEED])
            yield from _events(parser, tags)
        parser.close()
        yield from _events(parser, tags)
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError):
        return


def _events(parser: lxml.etree.HTMLPullParser, tags: tuple[str, ...]) -> Iterator[lxml.etree._Element]:
    for event, el in parser.read_events():
        if event == "start":
            if el.tag in tags:
                yield el
        elif el.tag not in ("html", "head", "body"):
            # fully parsed and looked at: empty it, and drop the finished siblings before it
            el.clear(keep_tail=True)
            parent = el.getparent()
            while parent is not None and el.getprevious() is not None:
                del parent[0]


def _base(el: lxml.etree._Element, base: str) -> str:
    return urljoin(base, el.get("href", "")) if el.get("href") else base


@serialized
def extract_links(
    body: bytes, content_type: str, base_url: str, limit: int = MAX_LINKS_PER_PAGE
) -> list[str]:
    """The href of the first ``limit`` <a>/<area> of an HTML page, made absolute (honouring
    <base href>); the parse stops there. ``len(result) == limit`` means there may be more."""
    base, out = base_url, []
    for el in _tags(body, content_type, ("a", "area", "base")):
        if el.tag == "base":
            base = _base(el, base)
        elif el.get("href"):
            out.append(urljoin(base, el.get("href", "")))
            if len(out) >= limit:
                break
    return out


_NEXT = re.compile(rb"next", re.IGNORECASE)  # a plain word: a linear search whatever the page


@serialized
def next_page(body: bytes, content_type: str, base_url: str) -> str | None:
    """The page that continues this one (``rel="next"`` on a <link> or <a>), made absolute.

    A long article split over several pages links its pages this way; so do listings.
    """
    if not _NEXT.search(body):  # most pages have none: skip the parse
        return None
    base = base_url
    for el in _tags(body, content_type, ("link", "a", "base")):
        if el.tag == "base":
            base = _base(el, base)
        elif "next" in (el.get("rel") or "").lower().split() and el.get("href"):
            return urljoin(base, el.get("href", ""))
    return None


# --- crawl_site -----------------------------------------------------------------------------------


def _from_known(url: str, k: KnownPage) -> Capture:
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


def crawl_site(
    site: SiteConfig,
    fetcher: Fetcher,
    robots: RobotsCache,
    config: CrawlConfig,
    known: Callable[[str], KnownPage | None],
) -> SiteCrawl:
    """Plan the crawl of one site; pages are fetched as ``.captures`` is iterated."""
    sc = SiteCrawl(site=site.name)
    sc.captures = _crawl(sc, site, fetcher, robots, config, known)
    return sc


def _crawl(
    sc: SiteCrawl,
    site: SiteConfig,
    fetcher: Fetcher,
    robots: RobotsCache,
    cfg: CrawlConfig,
    known: Callable[[str], KnownPage | None],
) -> Iterator[Capture]:
    hosts: set[str] = set()
    indexes: deque[tuple[str, Source]] = deque()
    pages: deque[tuple[str, int | None, str | None, Source]] = deque()  # url, depth (None: no links)
    seen: set[str] = set()
    reached: set[str] = set()  # final URLs of the pages yielded: a page is looked at once per scan
    problems: list[str] = []
    seeds_ok = 0
    processed = 0
    deadline = time.monotonic() + cfg.max_site_seconds
    frontier_max = max(cfg.max_pages_per_site, 1) * FRONTIER_FACTOR

    def add_page(
        url: str, depth: int | None, lastmod: str | None, source: Source, base: str | None = None
    ) -> None:
        norm = normalize_url(url, base, cfg.max_url_length)
        if norm is None:
            if len(url) > cfg.max_url_length:
                sc._hit("max_url_length")
            return
        if norm in seen or _site_key(norm) not in hosts:
            return
        if urlsplit(norm).path.lower().endswith(tuple(SKIP_EXTENSIONS)):
            return
        if len(seen) >= frontier_max:
            sc._hit("frontier_full")
            return
        seen.add(norm)
        if lastmod:
            sc.lastmod[norm] = lastmod
        pages.append((norm, depth, lastmod, source))

    def follow_links(cap: Capture, depth: int | None) -> None:
        """Queue the page's links; an exception on one hostile page is recorded against its URL,
        and the crawl goes on (a generator that raised would end the whole site)."""
        try:
            queue_links(cap, depth)
        except Exception as e:  # noqa: BLE001 - whatever a page makes a parser raise
            sc.page_errors.append((cap.final_url, f"reading its links failed: {type(e).__name__}: {e}"))

    def queue_links(cap: Capture, depth: int | None) -> None:
        # The next page of a paginated article is followed wherever the page came from (a
        # sitemap lists only the first page), at the same depth: it is the same article.
        following = next_page(cap.body, cap.content_type, cap.final_url)
        if following:
            add_page(following, depth, None, "links")
        if depth is None:
            return
        if depth >= cfg.max_depth:
            sc._hit("max_depth")
            return
        links = extract_links(cap.body, cap.content_type, cap.final_url, cfg.max_links_per_page)
        if len(links) >= cfg.max_links_per_page:
            sc._hit("max_links_per_page")  # the rest of the page's links are not read
        for link in links:
            add_page(link, depth + 1, None, "links")

    def account(cap: Capture, k: KnownPage | None) -> bool:
        """Count a fetched page; True if it is yielded."""
        if cap.outcome == "not_modified":
            sc.unchanged += 1
            return True
        # A page cut at max_bytes is still read: its start is where the article is.
        if cap.outcome in ("ok", "truncated") and cap.status == 200:
            if k is None:
                sc.new += 1
            elif k.sha256 == cap.sha256:
                sc.unchanged += 1
            else:
                sc.changed += 1
            seen.add(normalize_url(cap.final_url) or cap.final_url)
            reached.add(normalize_url(cap.final_url) or cap.final_url)
            return True
        sc.failed += 1
        if cap.outcome in ("refused", "error"):  # a bad redirect, a broken body: said against its URL
            sc.page_errors.append((cap.url, cap.detail or cap.outcome))
        return False

    # Seeds and robots.txt: a site whose robots.txt is unreachable is not crawled at all.
    seed_urls = []
    for seed in site.seeds:
        norm = normalize_url(seed, max_length=cfg.max_url_length)
        if norm is None:
            problems.append(f"seed {seed!r} is not an http(s) URL of at most {cfg.max_url_length} characters")
            continue
        hosts.add(_site_key(norm))
        seed_urls.append(norm)
    blocked: list[str] = []
    for norm in seed_urls:
        err = robots.error(norm)
        if err:
            blocked.append(err)
            continue
        for sm in robots.sitemaps(norm):
            indexes.append((sm, "robots_sitemap"))
        indexes.append((norm, "seed"))
    if not indexes:
        sc.error = "; ".join(dict.fromkeys(blocked + problems)) or "no usable seed"
        return

    index_seen: set[str] = set()
    index_docs = 0
    while indexes:
        url, source = indexes.popleft()
        norm = normalize_url(url, max_length=cfg.max_url_length)
        if norm is None or norm in index_seen:
            continue
        index_seen.add(norm)
        if index_docs >= MAX_INDEX_DOCS:
            sc._hit("max_index_documents")
            continue
        if not robots.allowed(norm):
            sc._hit("robots_disallowed")
            if source == "seed":
                problems.append(f"{norm}: robots.txt disallows it for our user agent; nothing is fetched")
            continue
        if source == "seed" and processed >= cfg.max_pages_per_site:
            sc._hit("seeds_not_read")  # a seed, not a page: not counted among the URLs left
            continue
        index_docs += 1
        cap = fetcher.fetch(norm, kind="xml")
        if cap.outcome not in ("ok", "truncated") or cap.status != 200:
            if source == "seed":
                problems.append(cap.detail or f"{norm}: {cap.outcome} (HTTP {cap.status})")
            continue
        if source == "seed":
            hosts.add(_site_key(cap.final_url))
        try:
            kind, entries = parse_index(cap.body, cap.content_type, cfg.max_bytes)
        except Exception as e:  # noqa: BLE001 - one hostile sitemap or feed must not end the site
            sc.page_errors.append((norm, f"reading it as a sitemap or feed failed: {type(e).__name__}: {e}"))
            continue
        if kind == "html":
            if source != "seed":
                continue
            seeds_ok += 1
            processed += 1
            sc.fetched += 1
            seen.add(norm)
            if account(cap, known(norm)):  # compared with the stored page: unchanged is not "new"
                yield cap
                follow_links(cap, 0)
            continue
        if kind == "unknown":
            if source == "seed":
                problems.append(f"{norm}: neither a sitemap, a feed nor an HTML page")
            continue
        if source == "seed":
            seeds_ok += 1
            if not entries:  # said, not silent: a seed that can find nothing is a config mistake
                problems.append(f"{norm}: this {'feed' if kind == 'feed' else 'sitemap'} lists no URL")
        child_source: Source = "robots_sitemap" if source == "robots_sitemap" else "sitemap"
        if kind == "sitemapindex":
            for loc, _ in _newest_first(entries):
                indexes.append((urljoin(cap.final_url, loc), child_source))
        else:
            page_source: Source = "feed" if kind == "feed" else child_source
            for loc, lastmod in _newest_first(entries):
                add_page(loc, None, lastmod, page_source, base=cap.final_url)

    while pages:
        url, depth, lastmod, _source = pages.popleft()
        if processed >= cfg.max_pages_per_site or time.monotonic() > deadline:
            # the URLs left: this one and those queued, less those already looked at (redirects)
            left = 1 + sum(1 for q in pages if q[0] not in reached) - (url in reached)
            # a slow site (a long Crawl-delay) must not hold the scan either
            sc._hit("max_pages_per_site" if processed >= cfg.max_pages_per_site else "max_site_seconds", left)
            break
        if url in reached:
            continue  # an earlier URL redirected here: looked at already
        if not robots.allowed(url):
            sc._hit("robots_disallowed")
            continue
        k = known(url)
        processed += 1
        if k is not None and lastmod and k.lastmod and not is_newer(lastmod, k.lastmod):
            sc.unchanged += 1
            cap = _from_known(url, k)
            reached.add(normalize_url(cap.final_url) or cap.final_url)
            yield cap
            follow_links(cap, depth)
            continue
        cap = fetcher.fetch(url, kind="html", known=k)
        sc.fetched += 1
        if account(cap, k):
            yield cap
            follow_links(cap, depth)

    if seeds_ok == 0 and sc.fetched == 0 and sc.unchanged == 0:
        sc.error = "every seed failed: " + "; ".join(dict.fromkeys(blocked + problems))
    else:
        sc.warnings.extend(dict.fromkeys(blocked + problems))


# --- the outlet's exclusives ----------------------------------------------------------------------


def _local_files(source: str) -> list[Path] | None:
    """The .html files a source names on disk, or None if it is not a local path."""
    if source.startswith("file://"):
        path = Path(urlsplit(source).path)
    elif re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", source):
        return None
    else:
        path = Path(source)
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.suffix.lower() in (".html", ".htm") and p.is_file())
    return [path]


def _file_capture(path: Path) -> Capture:
    body = path.read_bytes()
    uri = path.resolve().as_uri()
    return Capture(
        url=uri,
        final_url=uri,
        status=200,
        outcome="ok",
        fetched_at=utc_now(),
        body=body,
        sha256=hashlib.sha256(body).hexdigest(),
        content_type="text/html",
        detail="read from disk",
    )


def discover_exclusives(
    sources: Sequence[str],
    fetcher: Fetcher,
    robots: RobotsCache | None,
    problems: list[str] | None = None,
    known: Callable[[str], KnownPage | None] | None = None,
    limit: int | None = None,
) -> list[tuple[DiscoveredPage, Capture]]:
    """The outlet's article pages: each source is a sitemap, a feed, an article URL, or local HTML.

    A page URL stands for itself (its links are not followed). Sitemaps and feeds are read
    newest first, up to ``limit`` articles per source (default: max_pages_per_site). A source that
    yields nothing adds a line to ``problems`` (when given); raising ExclusivesError when the list
    is empty is the caller's decision. With ``known`` (what the store remembers), an article whose sitemap
    lastmod is not newer is taken from the store without a request, and the others get a
    conditional request: an hourly scan does not download the outlet's archive every hour.
    """
    cfg = fetcher.config
    out: list[tuple[DiscoveredPage, Capture]] = []
    seen: set[str] = set()
    note = problems.append if problems is not None else (lambda _msg: None)

    for source in sources:
        before = len(out)
        files = _local_files(source)
        if files is not None:
            for path in files:
                if not path.is_file():
                    note(f"exclusives source {source}: no such file")
                    continue
                cap = _file_capture(path)
                if cap.url not in seen:
                    seen.add(cap.url)
                    out.append((DiscoveredPage(cap.url, None, "file"), cap))
            continue
        norm = normalize_url(source, max_length=cfg.max_url_length)
        if norm is None:
            note(f"exclusives source {source!r} is not a URL or a local path")
            continue
        if robots is not None and robots.error(norm):  # unreachable is not "disallowed"
            note(f"exclusives source {norm}: {robots.error(norm)}")
            continue
        if robots is not None and not robots.allowed(norm):
            note(f"exclusives source {norm} is disallowed by robots.txt")
            continue
        cap = fetcher.fetch(norm, kind="xml")
        if cap.outcome not in ("ok", "truncated") or cap.status != 200:
            note(f"exclusives source {norm}: {cap.detail or cap.outcome}")
            continue
        kind, entries = parse_index(cap.body, cap.content_type, cfg.max_bytes)
        if kind == "html":
            if norm not in seen:
                seen.add(norm)
                out.append((DiscoveredPage(norm, None, "seed"), cap))
            continue
        pages = _index_pages(kind, entries, cap.final_url, fetcher, robots, cfg)
        for page in pages:
            if len(out) - before >= (limit or cfg.max_pages_per_site):
                note(f"exclusives source {norm}: stopped at {limit or cfg.max_pages_per_site} articles")
                break
            if page.url in seen or (robots is not None and not robots.allowed(page.url)):
                continue
            seen.add(page.url)
            k = known(page.url) if known is not None else None
            if k is not None and page.lastmod and k.lastmod and not is_newer(page.lastmod, k.lastmod):
                out.append((page, _from_known(page.url, k)))
                continue
            pc = fetcher.fetch(page.url, kind="html", known=k)
            if pc.outcome == "not_modified" or (pc.outcome in ("ok", "truncated") and pc.status == 200):
                out.append((page, pc))
            else:
                note(f"exclusive {page.url}: {pc.detail or pc.outcome}")
        if len(out) == before:
            note(f"exclusives source {norm}: no article page found")
    return out


def _index_pages(
    kind: DocKind,
    entries: list[tuple[str, str | None]],
    base: str,
    fetcher: Fetcher,
    robots: RobotsCache | None,
    cfg: CrawlConfig,
) -> list[DiscoveredPage]:
    """The pages a sitemap (index), feed or text sitemap lists, following index children."""
    pages: list[DiscoveredPage] = []
    todo: deque[tuple[DocKind, list[tuple[str, str | None]], str]] = deque([(kind, entries, base)])
    docs = 1
    while todo:
        k, ents, b = todo.popleft()
        for loc, lastmod in _newest_first(ents):
            url = normalize_url(loc, b, cfg.max_url_length)
            if url is None:
                continue
            if k != "sitemapindex":
                pages.append(DiscoveredPage(url, lastmod, "feed" if k == "feed" else "sitemap"))
                continue
            if docs >= MAX_INDEX_DOCS or (robots is not None and not robots.allowed(url)):
                continue
            docs += 1
            cap = fetcher.fetch(url, kind="xml")
            if cap.outcome == "ok" and cap.status == 200:
                ck, ce = parse_index(cap.body, cap.content_type, cfg.max_bytes)
                if ck != "html":
                    todo.append((ck, ce, cap.final_url))
    return pages
