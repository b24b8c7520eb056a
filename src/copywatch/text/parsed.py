"""One page, decoded once and parsed once, asked for everything the later stages need.

A scan used to decode and parse the same bytes up to six times a page: trafilatura's parse, the
canonical URL, the claimed date, the next page (twice), and the credit check after a match. A
``ParsedPage`` decodes the body once (text/charset.py) and holds two trees, each parsed at most
once and only when asked for:

* ``tree``: the extraction parser's tree (text/extract.py: comments dropped, nothing dropped
  however deep). It answers the main text and title (trafilatura is given this tree and works on
  a copy), the canonical URL, the language and the next page (``rel="next"``);
* ``dom``: the tree of text/dom.py (scripts and styles dropped, JSON-LD kept), the one the date
  finder (text/dates.py) and the credit check (attribution/) read. Both call
  ``dom.parse_html`` themselves; inside ``lending()`` that call answers this tree instead of
  parsing again (``dom.parsed_once``). Neither changes the tree, so one parse serves the date and
  the credit checks of every exclusive the page matched.

The two trees are not merged into one because they are not the same tree: the credit check and
the date finder were written and measured on the dom.py tree (scripts gone, comments kept), the
extraction on trafilatura's (comments gone, scripts there for trafilatura to judge); one parse for
both would change what each sees.

The crawler's own link reading (crawl/discover: ``extract_links``, a streaming pull parser that
stops at [crawl] max_links_per_page) still reads the bytes in the crawl thread: it must run before
the page is queued for processing, and it bounds its memory on a page of a million links, which a
whole tree would not.

Every method holds the lxml lock (text/lxml_guard.py); in a worker process it is never contended.
Call ``close()`` when done so the trees are freed under the lock too.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urljoin

from lxml import etree

from ..models import Capture, Document
from .charset import decode_html
from .dates import claimed_published_time as _claimed_published_time
from .dom import parse_html, parsed_once
from .extract import canonical_of, extract_tree, parse
from .lxml_guard import LXML

_UNSET: Any = object()


class ParsedPage:
    """The bytes of one page, decoded once, with its trees parsed on first use."""

    def __init__(self, body: bytes, content_type: str | None, url: str):
        self.body = body
        self.content_type = content_type or ""
        self.url = url
        self.html, self.encoding = decode_html(body, content_type)
        self._tree: Any = _UNSET
        self._dom: Any = _UNSET

    @classmethod
    def from_capture(cls, capture: Capture) -> ParsedPage:
        """A capture's body decoded as text/extract.py's ``extract`` decodes it."""
        return cls(capture.body, capture.header("content-type"), capture.final_url or capture.url)

    @classmethod
    def parse(cls, body: bytes, content_type: str | None, url: str) -> ParsedPage:
        return cls(body, content_type, url)

    @property
    def tree(self) -> etree._Element | None:
        """The extraction parser's tree (None for an empty or unparsable page)."""
        if self._tree is _UNSET:
            with LXML:
                self._tree = parse(self.html)
        return self._tree

    @property
    def dom(self) -> etree._Element | None:
        """text/dom.py's tree: what the date finder and the credit check read."""
        if self._dom is _UNSET:
            with LXML:
                self._dom = parse_html(self.html)
        return self._dom

    def html_as(self, content_type: str | None) -> str:
        """The body decoded with ``content_type``: the text already decoded when it is the same."""
        if (content_type or "") == self.content_type:
            return self.html
        return decode_html(self.body, content_type)[0]

    def document(self) -> Document:
        """Main text, title, canonical URL and language (text/extract.py's ``extract``), without a
        date: ``claimed_published_time()`` is the pipeline's date."""
        with LXML:
            return extract_tree(self.tree, self.html, self.url, self.encoding)

    def canonical(self) -> str | None:
        with LXML:
            tree = self.tree
            return canonical_of(tree) if tree is not None else None

    def claimed_published_time(self) -> str | None:
        """text/dates.py's claimed publication time, read from ``dom``."""
        with self.lending(self.html):
            return _claimed_published_time(self.html)

    def next_page(self) -> str | None:
        """The page that continues this one (``rel="next"`` on a <link> or <a>, honouring <base
        href>), made absolute: what crawl/discover's ``next_page`` answers, read from ``tree``."""
        if b"next" not in self.body.lower():  # most pages have none: no walk
            return None
        with LXML:
            tree = self.tree
            if tree is None:
                return None
            base = self.url
            for el in tree.iter("link", "a", "base"):
                if el.tag == "base":
                    base = urljoin(base, el.get("href", "")) if el.get("href") else base
                elif "next" in (el.get("rel") or "").lower().split() and el.get("href"):
                    return urljoin(base, el.get("href", ""))
        return None

    @contextmanager
    def lending(self, html: str) -> Iterator[None]:
        """Inside, the lxml lock is held and ``dom.parse_html(html)`` answers ``dom`` when ``html``
        is this page's decoded text (``html_as`` gives it back when the content type is the same);
        for any other text it parses as usual."""
        with LXML:
            if html is self.html:
                with parsed_once(html, self.dom):
                    yield
            else:
                yield

    def close(self) -> None:
        """Free the trees, under the lock (libxml2 frees them)."""
        with LXML:
            self._tree = self._dom = _UNSET
