"""Bytes of a captured page -> its main text and metadata (a ``Document``).

Decoding follows the HTML standard's order (text/charset.py); the main text comes from
trafilatura, tuned for recall: a paragraph it drops is a copied paragraph copywatch cannot see,
while furniture it keeps by mistake (a sidebar of titles, a "related" widget) is harmless because
matching requires long shared passages. Paragraphs are separated by "\n".
"""

from __future__ import annotations

import re
from html import unescape

import trafilatura
from lxml import html as lxml_html

from ..models import Capture, Document
from .charset import decode_html
from .lxml_guard import serialized

_TITLE_RE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


@serialized
def canonical_url(html: str) -> str | None:
    try:
        tree = lxml_html.fromstring(html.encode("utf-8")) if html.strip() else None
    except (ValueError, lxml_html.etree.ParserError):
        return None
    if tree is None:
        return None
    for el in tree.iterfind(".//link"):
        if "canonical" in (el.get("rel") or "").lower().split() and el.get("href"):
            return str(el.get("href")).strip()
    for el in tree.iterfind(".//meta"):
        if (el.get("property") or "").lower() == "og:url" and el.get("content"):
            return str(el.get("content")).strip()
    return None


@serialized
def extract_html(html: str, url: str, encoding: str = "utf-8") -> Document:
    """Main text, title, canonical URL and claimed date of an HTML page."""
    result = trafilatura.bare_extraction(
        html,
        url=url,
        include_comments=False,
        include_tables=True,
        favor_recall=True,
        with_metadata=True,
    )
    text = ""
    title = ""
    date = None
    lang = None
    if result is not None:
        data = result.as_dict() if hasattr(result, "as_dict") else dict(result)
        text = data.get("text") or ""
        title = data.get("title") or ""
        date = data.get("date")
        lang = data.get("language")
    if not title:
        m = _TITLE_RE.search(html)
        title = unescape(m.group(1)).strip() if m else ""
    return Document(
        url=url,
        title=" ".join(title.split()),
        text=text,
        html=html,
        published_at=date,
        canonical=canonical_url(html),
        lang=lang,
        encoding=encoding,
    )


def extract(capture: Capture) -> Document:
    """Decode a capture's body and extract it."""
    html, encoding = decode_html(capture.body, capture.header("content-type"))
    return extract_html(html, capture.final_url or capture.url, encoding)
