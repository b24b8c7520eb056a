"""The parsed page's tree: parsing (nothing dropped, however deep), text of blocks, ancestors,
classes, JSON-LD, and the vocabulary of page furniture (footers, sidebars, widgets) that the credit
check and the date finder both skip.

Comments and processing instructions are nodes too in lxml, without ``text_content()``: every
helper here takes them in its stride (``text_of``).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import lxml.html
from lxml import etree

BLOCK_TAGS = frozenset(
    """address article aside blockquote body dd details dialog div dl dt fieldset figcaption figure
    footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody td tfoot th
    thead tr ul center""".split()
)
TEXT_LEVEL = frozenset({"p", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "dd", "dt", "pre"})
DROP_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "object")

# class/id words marking page furniture. Compared per token (class split on -, _ and spaces), and
# as a prefix/suffix of a token for glued forms ("sidebarleft", "mostread").
FURNITURE_WORDS = frozenset(
    """logo branding bio biography footer foot ftr sidebar side aside widget widgets related menu nav navbar
    navigation comment
    comments cmt cmts share sharing social partners partner blogroll friends mostread popular trending
    readalso breadcrumb breadcrumbs ticker breaking tags tagcloud topbar newsletter latest ad ads
    advert advertisement sponsor sponsored promo outbrain taboola disqus""".split()
)
FURNITURE_GLUED = ("footer", "sidebar", "widget", "related", "comment", "blogroll", "partner", "navbar")
FURNITURE_PAIRS = (
    ("about", "author"),
    ("author", "bio"),
    ("most", "read"),
    ("read", "also"),
    ("most", "viewed"),
    ("see", "also"),
)
FURNITURE_TAGS = frozenset({"footer", "nav", "aside", "form", "menu"})
HEADER_WORDS = frozenset({"header", "hdr", "masthead"})


_GIVEN = threading.local()  # (html, its tree) while a ParsedPage lends its tree (parsed_once)


@contextmanager
def parsed_once(html: str, root: etree._Element | None) -> Iterator[None]:
    """While entered, ``parse_html`` of this very string (``is``, not ``==``) answers ``root``, its
    tree parsed already: text/parsed.py parses a page once for the date finder and the credit
    check, which both call ``parse_html`` themselves. Neither changes the tree."""
    previous = getattr(_GIVEN, "page", None)
    _GIVEN.page = (html, root)
    try:
        yield
    finally:
        _GIVEN.page = previous


def parse_html(html: str) -> etree._Element | None:
    """Parse as bytes so a stray XML encoding declaration cannot make lxml refuse a str."""
    given = getattr(_GIVEN, "page", None)
    if given is not None and given[0] is html:
        return given[1]
    if not html or not html.strip():
        return None
    try:
        # huge_tree: without it libxml2 drops everything nested deeper than 255 elements, and a
        # credit after a 300-deep widget would be missed
        parser = lxml.html.HTMLParser(encoding="utf-8", huge_tree=True)
        root = lxml.html.document_fromstring(html.encode("utf-8", "replace"), parser=parser)
    except (etree.ParserError, ValueError):
        return None
    for el in list(root.iter(*DROP_TAGS)):
        if el.tag == "script" and "ld+json" in (el.get("type") or ""):
            continue
        el.drop_tree()
    return root


def is_el(node: object) -> bool:
    return isinstance(getattr(node, "tag", None), str)


def text_of(node: etree._Element) -> str:
    """An element's text; "" for a comment or processing instruction (lxml raises on those)."""
    return node.text_content() if is_el(node) else ""


def _flat(text: str | None) -> str:
    """Source text as a browser lays it out: a newline in the HTML source is a space."""
    return (text or "").replace("\r", " ").replace("\n", " ")


def _inline_text(el: etree._Element, out: list[str]) -> None:
    children = list(el)
    for k, ch in enumerate(children):
        if not is_el(ch):
            out.append(_flat(ch.tail))
            continue
        if ch.tag in BLOCK_TAGS:
            out.append("\n")
        elif ch.tag == "br":
            out.append("\n")
        else:
            if ch.tag != "script":
                out.append(_flat(ch.text))
                _inline_text(ch, out)
        out.append(_flat(ch.tail))
        # Two inline elements with nothing between them (minified markup: «<span>المصدر</span>
        # <span>كواليس اليوم</span>» without the newline) are two words, which the theme's CSS
        # spaces apart; a letter styled apart inside a word (a drop cap) has its word in the tail.
        if (
            not ch.tail
            and k + 1 < len(children)
            and is_el(children[k + 1])
            and children[k + 1].tag not in BLOCK_TAGS
        ):
            out.append(" ")


def own_text(el: etree._Element) -> str:
    """The text of a block without the text of the blocks nested in it (<br> becomes a newline)."""
    out = [_flat(el.text)] if el.tag != "script" else []
    _inline_text(el, out)
    return re.sub(r"[ \t\r\f\v\xa0]+", " ", "".join(out)).strip()


def blocks(root: etree._Element) -> Iterator[tuple[etree._Element, str]]:
    for el in root.iter():
        if is_el(el) and el.tag in BLOCK_TAGS and el.tag not in ("html", "head"):
            text = own_text(el)
            if text:
                yield el, text


def ancestors(el: etree._Element) -> list[etree._Element]:
    """el and its ancestors, innermost first."""
    return [el, *el.iterancestors()]


def class_tokens(el: etree._Element) -> list[str]:
    raw = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    # the same tokens as re.split(r"[\s\-_]+") without the empty ones: str.split() breaks on
    # the same Unicode whitespace as \s
    return raw.replace("-", " ").replace("_", " ").split()


def json_ld(root: etree._Element) -> list[object]:
    out = []
    for el in root.iter("script"):
        if "ld+json" in (el.get("type") or "").lower() and el.text:
            try:
                out.append(json.loads(el.text))
            except ValueError:
                continue
    return out


def find_key(data: object, key: str) -> Iterator[object]:
    """Every value of ``key`` in nested JSON-LD (top level first, then @graph and nested nodes)."""
    if isinstance(data, dict):
        if key in data:
            yield data[key]
        for k, v in data.items():
            if k != key:
                yield from find_key(v, key)
    elif isinstance(data, list):
        for v in data:
            yield from find_key(v, key)
