"""Bytes of a captured page -> its main text and metadata (a ``Document``).

Decoding follows the HTML standard's order (text/charset.py); the main text comes from
trafilatura, tuned for recall: a paragraph it drops is a copied paragraph copywatch cannot see,
while furniture it keeps by mistake (a sidebar of titles, a "related" widget) is harmless because
matching requires long shared passages. Paragraphs are separated by "\n".
"""

from __future__ import annotations

import trafilatura
from lxml import etree
from lxml import html as lxml_html
from trafilatura.metadata import extract_title

from ..models import Capture, Document
from .charset import decode_html
from .lxml_guard import serialized

# trafilatura's own parser, plus huge_tree: without it libxml2 drops everything nested deeper than
# 255 elements, so a copy wrapped in 300 <div>s would not be extracted. The body is bounded by
# [crawl] max_bytes before it gets here, which is what bounds the tree.
_PARSER = lxml_html.HTMLParser(
    collect_ids=False,
    default_doctype=False,
    encoding="utf-8",
    remove_comments=True,
    remove_pis=True,
    huge_tree=True,
)


def parse(html: str) -> lxml_html.HtmlElement | None:
    """The page's tree (nothing dropped however deep), or None for an empty or unparsable page."""
    if not html.strip():
        return None
    try:
        tree = lxml_html.fromstring(html.encode("utf-8", "surrogatepass"), parser=_PARSER)
    except (ValueError, etree.ParserError):
        return None
    return tree if isinstance(tree, lxml_html.HtmlElement) else None


def _canonical(tree: lxml_html.HtmlElement) -> str | None:
    for el in tree.iterfind(".//link"):
        if "canonical" in (el.get("rel") or "").lower().split() and el.get("href"):
            return str(el.get("href")).strip()
    for el in tree.iterfind(".//meta"):
        if (el.get("property") or "").lower() == "og:url" and el.get("content"):
            return str(el.get("content")).strip()
    return None


@serialized
def canonical_url(html: str) -> str | None:
    tree = parse(html)
    return _canonical(tree) if tree is not None else None


def _title(tree: lxml_html.HtmlElement) -> str:
    """The <title> from the tree: the fallback when trafilatura finds none (a parser, not a regex,
    so a page of unclosed ``<title>`` tags costs a parse, not the square of its length)."""
    el = tree.find(".//title")
    return (el.text_content() if el is not None else "").strip()


canonical_of = _canonical  # the canonical URL a parsed page declares (text/parsed.py)


@serialized
def extract_html(html: str, url: str, encoding: str = "utf-8") -> Document:
    """Main text, title, canonical URL and language of an HTML page (its date: text/dates.py)."""
    return extract_tree(parse(html), html, url, encoding)


def extract_tree(
    tree: lxml_html.HtmlElement | None, html: str, url: str, encoding: str = "utf-8"
) -> Document:
    """``extract_html`` of a page parsed already (``parse(html)``; text/parsed.py): the tree is not
    changed (trafilatura works on a copy of it). The caller holds the lxml lock."""
    text = ""
    title = ""
    date = None
    lang = None
    canonical = None
    if tree is not None:
        # The title as trafilatura finds it (a lone <h1>, og:title and the like, <title>), without
        # the rest of its metadata: that would also run htmldate's search for a date over the whole
        # page, ten times the cost of the extraction on real 100 KB pages, for a date the pipeline
        # takes from text/dates.py anyway (benchmarks/RESULTS.md, "Whole scans").
        title = extract_title(tree) or _title(tree)
        canonical = _canonical(tree)
        lang = (tree.get("lang") or "").strip() or None
        # trafilatura gets our tree (it would parse without huge_tree) and may change it: what we
        # read from the tree ourselves is read first.
        result = trafilatura.bare_extraction(
            tree,
            url=url,
            include_comments=False,
            include_tables=True,
            favor_recall=True,
            with_metadata=False,
            # no second opinion from readability and jusText: on the dev web and the natural webs
            # the same findings, figures and credit verdicts, for a fifth of extraction's time
            fast=True,
        )
        if result is not None:
            data = result.as_dict() if hasattr(result, "as_dict") else dict(result)
            text = data.get("text") or ""
    return Document(
        url=url,
        title=" ".join(title.split()),
        text=text,
        html=html,
        published_at=date,
        canonical=canonical,
        lang=lang,
        encoding=encoding,
    )


def extract(capture: Capture) -> Document:
    """Decode a capture's body and extract it."""
    html, encoding = decode_html(capture.body, capture.header("content-type"))
    return extract_html(html, capture.final_url or capture.url, encoding)
