"""Paginated articles: the pages of one article (linked by rel="next") joined in order, so a copy
split over pages is matched, and credited, as one article, while a "next post" link that a theme
also marks rel="next" never joins two articles.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from .config import MAX_ARTICLE_PAGES
from .models import Capture, Document
from .store import StoredPage
from .text.normalize import normalize_text
from .urls import normalize_url


@dataclass(frozen=True)
class Seen:
    """A page of a site as matching needs it: its capture and extraction (without the body, which
    the StoredPage keeps compressed) and the page that continues it, if any."""

    capture: Capture
    page: StoredPage
    doc: Document
    next_url: str | None


def _url_key(url: str | None) -> str | None:
    return (normalize_url(url) or url) if url else None


_PAGE_QUERY = {"page", "p", "pg", "paged", "pagenum", "part"}
# a page number ending a path: ".../2", ".../page/2/", "...-2.html", "..._2"
_PAGE_PATH = re.compile(r"[/_-](?:page[/_-]?)?(\d{1,3})(?=(?:\.\w+)?/?$)", re.IGNORECASE)
_PAGE_WORDS = {"page", "part", "صفحه", "الصفحه", "جزء", "الجزء"}


def next_url_of(prev: str, nxt: str) -> bool:
    """Is ``nxt`` the URL of the page after ``prev`` of the same article: the same URL but for a page
    number one higher (page 1 often has none)?"""
    a, b = urlsplit(prev), urlsplit(nxt)
    if a.netloc.lower() != b.netloc.lower():
        return False
    qa, qb = parse_qsl(a.query), parse_qsl(b.query)

    def page_of(query: list[tuple[str, str]]) -> int | None:
        return next((int(v) for k, v in query if k.lower() in _PAGE_QUERY and v.isdigit()), None)

    def others(query: list[tuple[str, str]]) -> list[tuple[str, str]]:
        return [(k, v) for k, v in query if k.lower() not in _PAGE_QUERY]

    if (nb := page_of(qb)) is not None:
        return a.path == b.path and others(qa) == others(qb) and nb == (page_of(qa) or 1) + 1
    mb = _PAGE_PATH.search(b.path)
    if mb is None or a.query != b.query:
        return False
    nb = int(mb.group(1))
    if nb > MAX_ARTICLE_PAGES:  # an id ending the path, not a page number
        return False
    stem_b = (b.path[: mb.start()] + b.path[mb.end() :]).rstrip("/")
    if nb == 2 and a.path.rstrip("/") == stem_b:
        return True
    ma = _PAGE_PATH.search(a.path)
    return (
        ma is not None
        and int(ma.group(1)) == nb - 1
        and (a.path[: ma.start()] + a.path[ma.end() :]).rstrip("/") == stem_b
    )


def continues(prev: Seen, nxt: Seen) -> bool:
    """Is ``nxt`` the next page of the same article, not the "next post" that some themes also mark
    rel="next"? Its URL must be the same but for a page number one higher, and its title the same
    but for page numbering."""
    if not next_url_of(prev.capture.final_url, nxt.capture.final_url):
        return False

    def title(t: str) -> list[str]:
        return [w for w in normalize_text(t).split() if not w.isdigit() and w not in _PAGE_WORDS]

    return title(prev.doc.title) == title(nxt.doc.title)


def articles(seen: Sequence[Seen]) -> list[list[Seen]]:
    """The site's articles: single pages, and paginated articles (pages linked by rel="next")
    joined in order, so a copy split over pages is matched, and credited, as one article."""
    by_url = {_url_key(r.capture.final_url): r for r in seen}
    follows = {_url_key(r.next_url) for r in seen} - {None}
    used: set[str | None] = set()
    articles: list[list[Seen]] = []
    for first in seen:
        here = _url_key(first.capture.final_url)
        if here in used or here in follows:
            continue  # a later page of an article: joined to its first page below
        chain = [first]
        used.add(here)
        nxt = _url_key(first.next_url)
        while (
            nxt in by_url
            and nxt not in used
            and len(chain) < MAX_ARTICLE_PAGES
            and continues(chain[-1], by_url[nxt])
        ):
            chain.append(by_url[nxt])
            used.add(nxt)
            nxt = _url_key(by_url[nxt].next_url)
        articles.append(chain)
    # pages caught in a cycle of rel="next" links, or past MAX_ARTICLE_PAGES, stand alone
    articles += [[r] for r in seen if _url_key(r.capture.final_url) not in used]
    return articles
