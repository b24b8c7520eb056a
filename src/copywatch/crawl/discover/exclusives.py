"""The outlet's exclusives: its configured sources -> the captures of its article pages.

A source is a sitemap (index), a feed, an article URL, or local .html files and folders. Sitemaps
and feeds are read by a ``SitemapWalk`` (sitemaps.py), one per source, under the same rules as a
site crawl's, and the articles they list are fetched as the walk goes, newest first, so reading
stops with the documents it needed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import urlsplit

from ...models import Capture, utc_now
from ...urls import normalize_url
from ..fetch import Fetcher, KnownPage
from ..robots import RobotsCache
from .sitemaps import DiscoveredPage, IndexDocument, SitemapWalk, Unread, stored_if_unchanged


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
    yields nothing adds a line to ``problems`` (when given), and so does a sitemap the walk could
    not read or a limit it met; raising ExclusivesError when the list is empty is the caller's
    decision. With ``known`` (what the store remembers), an article whose sitemap lastmod is not
    newer is taken from the store without a request, and the others get a conditional request: an
    hourly scan does not download the outlet's archive every hour.
    """
    cfg = fetcher.config
    most = limit or cfg.max_pages_per_site
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
        walk = SitemapWalk(fetcher, robots, cfg)
        for item in walk.walk([(norm, "seed")]):
            if isinstance(item, Unread):
                if item.limit == "robots_disallowed":
                    note(f"exclusives source {norm} is disallowed by robots.txt")
                else:
                    c = item.capture
                    note(
                        f"exclusives source {norm}: {(c.detail or c.outcome) if c is not None else item.why}"
                    )
                continue
            if isinstance(item, IndexDocument):
                if item.kind == "html" and norm not in seen:  # an article URL stands for itself
                    seen.add(norm)
                    out.append((DiscoveredPage(norm, None, "seed"), item.capture))
                continue
            if len(out) - before >= most:
                note(f"exclusives source {norm}: stopped at {most} articles")
                break
            if item.url in seen or (robots is not None and not robots.allowed(item.url)):
                continue
            seen.add(item.url)
            k = known(item.url) if known is not None else None
            stored = stored_if_unchanged(item.url, item.lastmod, k)
            if stored is not None:
                out.append((item, stored))
                continue
            pc = fetcher.fetch(item.url, kind="html", known=k)
            if pc.outcome == "not_modified" or (pc.outcome in ("ok", "truncated") and pc.status == 200):
                out.append((item, pc))
            else:
                note(f"exclusive {item.url}: {pc.detail or pc.outcome}")
        for url, why in walk.errors:
            note(f"exclusives source {norm}: {url}: {why}")
        for warning in walk.warnings:
            note(f"exclusives source {norm}: {warning}")
        if walk.limits_hit.get("max_index_documents"):
            note(f"exclusives source {norm}: stopped at {walk.max_documents} sitemaps and feeds")
        if walk.limits_hit.get("max_sitemap_depth"):
            note(
                f"exclusives source {norm}: sitemap indexes nested more than {walk.max_depth} deep"
                " were not followed"
            )
        if len(out) == before:
            note(f"exclusives source {norm}: no article page found")
    return out
