"""The page model: the article body located from the copied text, its region, page furniture."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import Any

from lxml import etree

from ..text.dom import (
    BLOCK_TAGS as _BLOCK_TAGS,
)
from ..text.dom import (
    FURNITURE_GLUED as _FURNITURE_GLUED,
)
from ..text.dom import (
    FURNITURE_PAIRS as _FURNITURE_PAIRS,
)
from ..text.dom import (
    FURNITURE_TAGS as _FURNITURE_TAGS,
)
from ..text.dom import (
    FURNITURE_WORDS as _FURNITURE_WORDS,
)
from ..text.dom import (
    HEADER_WORDS as _HEADER_WORDS,
)
from ..text.dom import (
    TEXT_LEVEL as _TEXT_LEVEL,
)
from ..text.dom import (
    ancestors as _ancestors,
)
from ..text.dom import (
    blocks as _blocks,
)
from ..text.dom import (
    class_tokens as _class_tokens,
)
from ..text.dom import (
    is_el as _is_el,
)
from ..text.dom import (
    text_of as _text_of,
)
from ..text.normalize import name_tokens as _tokens
from .vocabulary import _BYLINE_WORDS, _FURNITURE_HEADINGS

_BY_FIRST: dict[int, tuple[object, dict[str, list[tuple[str, ...]]]]] = {}


def _starts_with(tokens: list[str], phrases: Iterable[tuple[str, ...]]) -> bool:
    """Whether ``tokens`` open with one of ``phrases`` (looked up by their first word: the phrase
    lists are long, and this is asked of every sentence of a page)."""
    if not tokens:
        return False
    entry = _BY_FIRST.get(id(phrases))
    if entry is None or entry[0] is not phrases:  # phrase lists are module constants: kept once
        index: dict[str, list[tuple[str, ...]]] = {}
        for p in phrases:
            if p:
                index.setdefault(p[0], []).append(p)
        entry = (phrases, index)
        _BY_FIRST[id(phrases)] = entry
    return any(tuple(tokens[: len(p)]) == p for p in entry[1].get(tokens[0], ()))


def _heading_is_furniture(el: etree._Element) -> bool:
    """A container whose first short child reads "مواقع صديقة", "اقرأ أيضا", "Lire aussi"..."""
    for ch in el:
        if not _is_el(ch):
            continue
        text = ch.text_content().strip()
        if not text:
            continue
        return len(text) < 60 and _starts_with(_tokens(text), _FURNITURE_HEADINGS)
    return False


def _is_furniture_el(el: etree._Element, page_level: bool) -> bool:
    """Is this one element a piece of page furniture? ``page_level``: it is not inside the article's
    own container (a <header> inside an <article> holds the title and byline, not site furniture)."""
    tag = el.tag
    toks = _class_tokens(el)
    if any(t in _SOURCE_BOX_WORDS for t in toks):
        return False  # a theme's "Source" / "Via" box (td-post-source-tags, post-bottom-source)
    if tag == "footer" and (not page_level or any(a.tag == "blockquote" for a in _ancestors(el)[1:6])):
        return False  # an article's own <footer> (its source line), a quotation's attribution
    if tag in _FURNITURE_TAGS:
        return True
    if page_level and (tag == "header" or any(t in _HEADER_WORDS for t in toks)):
        return True
    for i, t in enumerate(toks):
        if t in _FURNITURE_WORDS or any(
            t != g and (t.startswith(g) or t.endswith(g)) for g in _FURNITURE_GLUED
        ):
            return True
        if i + 1 < len(toks) and (t, toks[i + 1]) in _FURNITURE_PAIRS:
            return True
    if (el.get("role") or "").lower() in ("navigation", "complementary", "contentinfo", "banner"):
        return True
    return len(el) >= 2 and _heading_is_furniture(el)


_SOURCE_BOX_WORDS = frozenset({"source", "sources", "src", "via", "credit", "credits", "masdar", "origin"})


def _link_list_of(ancestors: list[etree._Element]) -> etree._Element | None:
    """The <ul>/<ol> whose item an element is (within four levels of ``ancestors``, the element's
    own list innermost first), if any."""
    for anc in ancestors[:4]:
        if anc.tag == "li":
            lst = anc.getparent()
            if lst is not None and lst.tag in ("ul", "ol"):
                return lst  # an <li> outside a list (lxml keeps such nesting) looks further up
    return None


def _is_link_list(lst: etree._Element) -> bool:
    """A list of 3+ links: an element in one is an item of a blogroll, menu or partner list."""
    items = [li for li in lst if _is_el(li) and li.tag == "li"]
    if len(items) < 3:
        return False
    linked = 0
    for li in items:
        if next(li.iter("a"), None) is not None:  # li.find(".//a"), without the path parser
            linked += 1
            if linked >= 3:
                return True
    return False


# ---------------------------------------------------------------------------------------------------
# The page model: article body, region, furniture, position
# ---------------------------------------------------------------------------------------------------


def _shingles(tokens: list[str], n: int = 3) -> set[tuple[str, ...]]:
    if len(tokens) < n:
        return {tuple(tokens)} if tokens else set()
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


@dataclass
class _Page:
    """The parsed page with its article body located; answers "is this element credit-eligible".

    Every question is asked of many elements, and of the same ones by several signals (a block's
    sentences, its links, its lines): the answers are kept per element for the page's lifetime.
    The caches hold the elements themselves as keys (lxml's element proxies hash by identity, and
    a proxy kept alive is the one lxml hands back for its node), never ``id()`` of a dead proxy.
    """

    root: etree._Element
    body: etree._Element  # the article body: the element holding the copied text
    region: list[etree._Element]  # body plus the credit-line siblings just before/after it
    order: dict[etree._Element, int]  # document order, for "after the last copied paragraph"
    last_copied: int  # document-order index of the last copied block (-1 if unknown)
    first_copied: etree._Element | None = None  # the first block holding copied text
    blocks: list[tuple[etree._Element, str]] = field(default_factory=list)  # every block, document order
    _kept: dict[tuple[str, object], Any] = field(default_factory=dict, repr=False)  # (question, key)

    def __post_init__(self) -> None:
        self._body_anc = frozenset(_ancestors(self.body))
        self._region_set = frozenset(self.region)

    def _answer(self, question: str, key: object, make: Callable[[], Any]) -> Any:
        """The answer to ``question`` about ``key``, made once for the page."""
        kept = self._kept.get((question, key))
        if kept is None:
            kept = self._kept[(question, key)] = make()
        return kept

    def ancestors(self, el: etree._Element) -> list[etree._Element]:
        """``el`` and its ancestors, innermost first (kept: the tree does not change)."""
        anc: list[etree._Element] = self._answer("ancestors", el, lambda: _ancestors(el))
        return anc

    def lca(self, el: etree._Element) -> etree._Element:
        for a in self.ancestors(el):
            if a in self._body_anc:
                return a
        return self.root

    def furniture(self, el: etree._Element) -> bool:
        """Furniture between el and its common ancestor with the body (so a layout wrapper such as
        "has-sidebar" around the whole article does not make the article furniture)."""
        return bool(self._answer("furniture", el, lambda: self._furniture(el)))

    def _furniture(self, el: etree._Element) -> bool:
        top = self.lca(el)
        anc = self.ancestors(el)
        page_level = top.tag in ("html", "body") and not any(a.tag in ("article", "main") for a in anc)
        below = []
        for a in anc:
            if a is top:
                break
            below.append(a)
        if any(t in _SOURCE_BOX_WORDS for a in below for t in _class_tokens(a)):
            return False  # inside a theme's "Source" / "Via" box, its tag-cloud styling included
        return any(self._answer("furniture_el", (a, page_level), partial(_is_furniture_el, a, page_level))
                   for a in below)  # fmt: skip

    def listed(self, el: etree._Element) -> bool:
        """A link (or name) that is one item of a list of 3+ links: a blogroll, menu or partner
        list (the verdict kept per list)."""
        lst = _link_list_of(self.ancestors(el))
        return lst is not None and bool(self._answer("link_list", lst, lambda: _is_link_list(lst)))

    def in_region(self, el: etree._Element) -> bool:
        return bool(
            self._answer("region", el, lambda: any(a in self._region_set for a in self.ancestors(el)))
        )

    def byline(self, el: etree._Element) -> bool:
        """``_is_byline_el``, kept per element."""
        return bool(self._answer("byline", el, lambda: _is_byline_el(el)))

    def where(self, el: etree._Element) -> str:
        place: str = self._answer("where", el, lambda: self._place(el))
        return place

    def _place(self, el: etree._Element) -> str:
        anc = self.ancestors(el)
        if any(a.tag == "head" for a in anc):
            return "head"
        if any(self.byline(a) for a in anc[:4]):
            return "byline"
        if not self.in_region(el):
            return "elsewhere"
        if self.last_copied >= 0 and self.order.get(el, -1) > self.last_copied:
            return "end_of_article"
        return "body"


def _is_byline_el(el: etree._Element) -> bool:
    get = el.get
    if (get("rel") or "").lower() == "author" or (get("itemprop") or "").lower() == "author":
        return True
    cls, ident = get("class"), get("id")
    if not cls and not ident:  # most elements: nothing to read
        return False
    return _byline_names(f"{cls or ''} {ident or ''}".lower())


@lru_cache(maxsize=4096)
def _byline_names(raw: str) -> bool:
    """Do these class and id names say byline? (A theme repeats the same few on every page.)"""
    if "comment" in raw or "bio" in raw or "about" in raw:  # comments, the writer's biography box
        return False
    return any(w in raw for w in _BYLINE_WORDS)


def _locate(root: etree._Element, references: list[str]) -> _Page:
    """Find the article body as the deepest element holding >= 80 % of the copied text."""
    order = {el: i for i, el in enumerate(root.iter())}
    blocks = list(_blocks(root))
    body_el = root.find("body")
    fallback = body_el if body_el is not None else root
    matched: list[tuple[etree._Element, int]] = []
    shingled: list[tuple[etree._Element, set[tuple[str, ...]]]] | None = None  # made once, if asked
    for ref in references:
        ref_sh = _shingles(_tokens(ref))
        if not ref_sh:
            continue
        if shingled is None:
            shingled = [(el, sh) for el, text in blocks if len(sh := _shingles(_tokens(text))) >= 3]
        for el, sh in shingled:
            hit = len(sh & ref_sh)
            if hit / len(sh) >= 0.5:
                matched.append((el, hit))
        if matched:
            break
    if matched:
        total = sum(w for _, w in matched)
        weight: dict[int, int] = {}
        depth: dict[int, int] = {}
        by_id: dict[int, etree._Element] = {}
        for el, w in matched:
            anc = _ancestors(el)
            for d, a in enumerate(reversed(anc)):
                weight[id(a)] = weight.get(id(a), 0) + w
                depth[id(a)] = d
                by_id[id(a)] = a
        best = max((k for k in weight if weight[k] >= 0.8 * total), key=lambda k: depth[k])
        body = by_id[best]
        last = max(order[el] for el, _ in matched)
        prose = [el for el, _ in matched if el.tag not in ("h1", "h2", "h3", "h4", "h5", "h6")]
        first = min(prose, key=lambda el: order[el]) if prose else None
    else:
        guess = _densest(blocks)
        body = guess if guess is not None else fallback
        last = -1
        first = None
    if body.tag in _TEXT_LEVEL and body.getparent() is not None:
        body = body.getparent()
    if body.tag in ("html",):
        body = fallback
    return _Page(root, body, _region(body), order, last, first, blocks)


def _densest(blocks: list[tuple[etree._Element, str]]) -> etree._Element | None:
    """No copied text to go by: the container of the most paragraph text (a readability guess)."""
    for el, _ in blocks:
        if el.tag == "article" or (el.get("itemprop") or "").lower() == "articlebody":
            return el
    score: dict[int, int] = {}
    by_id: dict[int, etree._Element] = {}
    for el, text in blocks:
        if len(text) < 80:
            continue
        parent = el if el.tag not in _TEXT_LEVEL else el.getparent()
        if parent is None:
            continue
        score[id(parent)] = score.get(id(parent), 0) + len(text)
        by_id[id(parent)] = parent
    return by_id[max(score, key=lambda k: score[k])] if score else None


def _region(body: etree._Element) -> list[etree._Element]:
    """The body and up to two non-empty sibling elements on each side: credit lines placed just
    outside the text container ("المصدر: ..." after it, "نقلا عن ..." before it)."""
    region = [body]
    # the body, then its containers up to the article's own (two levels at most): a credit line is
    # often the sibling of the text's wrapper, or the next table row
    levels = [body]
    node = body.getparent()
    while node is not None and len(levels) < 3 and node.tag not in ("body", "html"):
        levels.append(node)
        if node.tag in ("article", "main") or (node.get("itemprop") or "").lower() == "articlebody":
            break
        node = node.getparent()
    for level, el in enumerate(levels):
        for step in (lambda e: e.getprevious(), lambda e: e.getnext()):
            sib = step(el)
            kept = 0
            while sib is not None and kept < (2 if level == 0 else 1):
                if _is_el(sib) and (sib.text_content().strip() or sib.find(".//img") is not None):
                    if sib not in region and not _is_slot(sib):
                        region.append(sib)
                        kept += 1
                sib = step(sib)
    return region


_SLOT_TEXT = frozenset(_tokens("إعلان اعلان advertisement publicité شارك share partager"))


def _is_slot(el: etree._Element) -> bool:
    """An ad slot or a share bar between the text and its credit: it does not use up a sibling."""
    toks = _tokens(el.text_content())
    return 0 < len(toks) <= 3 and toks[0] in _SLOT_TEXT


def _loose_text(body: etree._Element) -> tuple[str, str]:
    """Text sitting loose in the body's parent right before and after it, up to the next block:
    old table layouts put "(المصدر)" as bare text after the article's <div>."""
    after = [body.tail or ""]
    sib = body.getnext()
    while sib is not None and not (_is_el(sib) and sib.tag in _BLOCK_TAGS):
        after.append(("\n" if sib.tag == "br" else _text_of(sib)) + (sib.tail or ""))
        sib = sib.getnext()
    before: list[str] = []
    sib = body.getprevious()
    while sib is not None:
        before.insert(0, sib.tail or "")
        if _is_el(sib) and sib.tag in _BLOCK_TAGS:
            break
        before.insert(0, "\n" if sib.tag == "br" else _text_of(sib))
        sib = sib.getprevious()
    else:
        parent = body.getparent()
        before.insert(0, (parent.text or "") if parent is not None else "")
    return "".join(before)[-400:], "".join(after)[:400]
