"""Credit signals: links, canonical, names, bylines, datelines and credit lines, each with where it
was found; decoys recorded with their reason."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urljoin

from lxml import etree

from ..config import OutletConfig
from ..models import CreditEvidence, Document, Exclusive
from ..text.dom import (
    ancestors as _ancestors,
)
from ..text.dom import (
    find_key as _find_key,
)
from ..text.dom import (
    is_el as _is_el,
)
from ..text.dom import (
    json_ld as _json_ld,
)
from ..text.dom import own_text as _own_text
from ..text.normalize import fold_for_names as normalize_ar
from ..text.normalize import name_tokens as _tokens
from ..urls import is_outlet_short_link
from .names import (
    _closing_credit,
    _credit_line,
    _dateline,
    _has_phrase_before,
    _in_parentheses,
    _is_notice,
    _Names,
    _sentences,
)
from .page import _loose_text, _Page, _starts_with
from .vocabulary import _CREDIT_PHRASES, _FILLERS, _FURNITURE_HEADINGS, _MAX_RESOLVE, _SOURCE_LINE_STARTS


class _Collector:
    def __init__(self) -> None:
        self.evidence: list[CreditEvidence] = []
        self.decoys: list[CreditEvidence] = []

    @staticmethod
    def _ev(signal: str, text: str, where: str) -> CreditEvidence:
        text = re.sub(r"\s+", " ", text).strip()
        return CreditEvidence(signal, text if len(text) <= 200 else text[:199] + "…", where)

    def credit(self, signal: str, text: str, where: str) -> None:
        ev = self._ev(signal, text, where)
        if ev not in self.evidence:
            self.evidence.append(ev)

    def credit_new(self, signal: str, text: str, where: str) -> None:
        """A credit unless the same text already is one (a line read by two rules counts once)."""
        ev = self._ev(signal, text, where)
        if all(e.text not in ev.text and ev.text not in e.text for e in self.evidence):
            self.evidence.append(ev)

    def decoy(self, signal: str, text: str, where: str) -> None:
        ev = self._ev(signal, text, where)
        if ev not in self.decoys and all(e.text != ev.text for e in self.evidence):
            self.decoys.append(ev)


def _head_signals(
    root: etree._Element, doc: Document, classify: Callable[[str], str], out: _Collector
) -> None:
    """rel=canonical, og:url and syndication meta tags that point at the exclusive."""
    found: list[tuple[str, str]] = []
    for el in root.iter("link"):
        if "canonical" in (el.get("rel") or "").lower().split() and el.get("href"):
            found.append(("canonical", el.get("href", "")))
    for el in root.iter("meta"):
        prop = (el.get("property") or el.get("name") or "").lower()
        if prop == "og:url" and el.get("content"):
            found.append(("og_url", el.get("content", "")))
        elif prop in ("syndication-source", "original-source") and el.get("content"):
            found.append(("canonical", el.get("content", "")))
    if doc.canonical:
        found.append(("canonical", doc.canonical))
    for signal, href in found:
        kind = classify(href)
        if kind == "article":
            out.credit(signal, href, "head")
        elif kind in ("home", "outlet_other"):
            out.decoy("canonical_other", href, "head")


def _link_signals(
    page: _Page,
    doc: Document,
    classify: Callable[[str], str],
    resolve: Callable[[str], str | None] | None,
    out: _Collector,
) -> None:
    """Links in the article to the exclusive or the outlet's home; elsewhere they are decoys."""
    resolved = 0
    for a in page.root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        kind = classify(href)
        shown = href
        placed = page.in_region(a) and not page.furniture(a)
        # one item of a list of 3+ links (a blogroll, a partner list) credits nobody, unless it is a
        # link to the exclusive itself: a list of the article's sources
        listed = page.listed(a)
        eligible = placed and not listed
        # a short link (bit.ly), or the outlet's own (/?p=48213): where it leads decides
        short = kind == "external" or (
            kind == "outlet_other" and is_outlet_short_link(urljoin(doc.url, href))
        )
        if short and eligible and resolve is not None and resolved < _MAX_RESOLVE:
            resolved += 1
            try:
                final = resolve(urljoin(doc.url, href))
            except Exception:  # noqa: BLE001 - a failing resolver must not fail attribution
                final = None
            if final:
                kind = classify(final)
                shown = f"{href} -> {final}"
        if kind not in ("article", "home", "outlet_other"):
            continue
        where = page.where(a)
        if not placed or (listed and kind != "article"):
            out.decoy("furniture_link", shown, where)
        elif kind == "outlet_other":
            out.decoy("other_article_link", shown, where)
        else:
            out.credit("link_article" if kind == "article" else "link_home", shown, where)


def _in_caption(el: etree._Element) -> bool:
    """A photo's caption: ``figure``/``figcaption``, or a theme's caption box (WordPress's classic
    ``div.wp-caption`` with ``p.wp-caption-text``, ``image-caption``), within three levels."""
    for a in _ancestors(el)[:3]:
        if a.tag in ("figure", "figcaption"):
            return True
        if "caption" in str(a.get("class") or "").lower():
            return True
    return False


def _name_signals(
    page: _Page, exclusive: Exclusive, outlet: OutletConfig, notice: str, out: _Collector
) -> bool:
    """Name credits in the article region; returns whether the exclusivity notice was kept."""
    names = _Names(outlet)
    notice_norm = " ".join(_tokens(notice or outlet.notice))
    copied_norm = " " + " ".join(_tokens(f"{exclusive.title}\n{exclusive.text}")) + " "
    notice_kept = False

    before, after = _loose_text(page.body)
    items: list[tuple[etree._Element, str, str | None]] = [
        (page.body, before, "body"),
        (page.body, after, "end_of_article"),
    ]
    items += [(el, text, None) for el, text in page.blocks]
    for el, text, loose_where in items:
        if any(a.tag == "head" for a in _ancestors(el)):
            continue
        eligible = page.in_region(el) and not page.furniture(el) and not page.listed(el)
        in_figure = _in_caption(el)
        where = loose_where or page.where(el)
        for sentence in _sentences(text):
            if _is_notice(sentence, notice_norm):
                if eligible or not page.furniture(el):
                    notice_kept = True
                    out.decoy("notice", sentence, where)
                continue
            ms, all_hits = names.find(sentence)
            toks = [m.group() for m in ms]
            # short names count in credit positions (below), or right after a credit phrase
            # («وبحسب "الفرنسية"», «نقلا عن واس»), never inside a sentence on their own
            hits = [h for h in all_hits if not h.short or _has_phrase_before(toks, h, max_gap=0)]
            if _starts_with(toks, _FURNITURE_HEADINGS):  # an inline "اقرأ أيضا" / "Lire aussi" line
                if hits:
                    out.decoy("furniture_name", sentence, where)
                continue
            if not hits:
                # a source line that names someone else; a bare «المصدر» (a link's text, most
                # often: the link itself is the credit, or not) names no one
                if eligible and len(toks) <= 15 and _starts_with(toks, _SOURCE_LINE_STARTS):
                    if any(
                        tuple(toks[: len(p)]) == p and len(toks) > len(p)
                        for p in _CREDIT_PHRASES
                        if p[0] != "عن"
                    ):
                        out.decoy("other_outlet_credit", sentence, where)
                continue
            if not eligible:
                out.decoy("furniture_name", sentence, where)
                continue
            norm = normalize_ar(sentence)
            for hit in hits:
                context = " ".join(toks[max(0, hit.start - 3) : hit.end + 1])
                if len(toks[max(0, hit.start - 3) : hit.end + 1]) > hit.end - hit.start and (
                    f" {context} " in copied_norm
                ):
                    out.decoy("copied_name", sentence, where)
                    continue
                others = [t for k, t in enumerate(toks) if not hit.start <= k < hit.end and t not in _FILLERS]
                if in_figure:
                    out.credit("image_credit", sentence, where)
                elif _has_phrase_before(toks, hit) or _in_parentheses(norm, hit) or not others:
                    out.credit("name", sentence, where)
                break

    for el in page.root.iter("img"):
        label = f"{el.get('alt') or ''} {el.get('title') or ''}".strip()
        if label and names.any_long(label):
            if page.in_region(el) and not page.furniture(el) and not page.listed(el):
                out.credit("image_credit", label, page.where(el))
            else:
                out.decoy("furniture_name", label, page.where(el))

    _byline_signals(page, names, out)
    _position_signals(page, names, out)
    return notice_kept


_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


def _mostly_link_text(el: etree._Element, line: str) -> bool:
    """Is most of this line the text of links inside the element?"""
    linked = sum(len(_tokens(a.text_content())) for a in el.iter("a"))
    return linked > 0 and linked >= 0.6 * len(_tokens(line))


def _position_signals(page: _Page, names: _Names, out: _Collector) -> None:
    """Datelines and credit lines in the places papers put them: the short line just above or below
    the title, the first and last lines of the article body (and the lines just outside it), and the
    opening of the first paragraph. Any name counts here, short ones included, even when the copied
    text carried it too: a dateline is the credit line of a wire story."""
    # the region's blocks in document order: the page's blocks inside a region element (the region's
    # elements are disjoint subtrees: the body, its siblings, its containers' siblings)
    region_blocks = [b for b in page.blocks if page.in_region(b[0])]
    body_blocks = [b for b in region_blocks if page.body in page.ancestors(b[0])]
    candidates = _title_neighbours(page)  # element, line, form: the most specific forms first
    before, after = _loose_text(page.body)
    if before.strip():
        candidates.append((page.body, before.strip().split("\n")[-1], "start_of_article"))
    if after.strip():
        candidates.append((page.body, after.strip().split("\n")[0], "end_of_article"))
    prose = [b for b in body_blocks if not page.furniture(b[0]) and not page.listed(b[0])]
    if prose:  # the first and last blocks of the article that are not furniture (tags, share bars)
        first_el, first_text = prose[0]
        last_el, last_text = prose[-1]
        for text, form in ((last_text, "end_of_article"), (first_text, "start_of_article")):
            if _closing_credit(text, names):  # «... (و.م.ع)», «(Avec MAP)», «(كواليس) ...»
                out.credit_new("credit_line", text[-80:] if form == "end_of_article" else text[:80], form)
        lines = [ln for ln in first_text.split("\n") if ln.strip()]
        if lines:
            candidates.append((first_el, lines[0], "start_of_article"))
        lines = [ln for ln in last_text.split("\n") if ln.strip()]
        if lines:
            candidates.append((last_el, lines[-1], "end_of_article"))
    for el, text in region_blocks:
        if page.body not in page.ancestors(el):  # a sibling just outside the text container
            form = (
                "start_of_article"
                if page.order.get(el, 0) < page.order.get(page.body, 0)
                else "end_of_article"
            )
            candidates += [(el, ln, form) for ln in text.split("\n") if ln.strip()]
    for el, line, form in candidates:
        if page.furniture(el) or page.listed(el) or any(page.byline(a) for a in page.ancestors(el)[:4]):
            continue  # bylines are read by _byline_signals
        if _starts_with(_tokens(line), _FURNITURE_HEADINGS):  # «اقرأ أيضا في كواليس اليوم: ...»
            continue
        if _mostly_link_text(el, line):  # a headline linking elsewhere («... | كواليس اليوم»): links
            continue  # are judged by _link_signals
        if _credit_line(line, names):
            out.credit_new("credit_line", line, form)
    # the opening of the first paragraph: «CITY - NAME:», «NAME - CITY», «CITY (NAME)». The first
    # paragraph is the first text block of the body that is not a heading, or the first block
    # holding copied text (the located body may be a wide container, or <body> itself, when the
    # page prints much else beside the copy)
    openings = [(el, t) for el, t in body_blocks if el.tag not in _HEADINGS and len(_tokens(t)) >= 4][:3]
    if page.first_copied is not None:
        openings.append((page.first_copied, _own_text(page.first_copied)))
    for el, text in openings:
        if page.furniture(el):
            continue
        if _dateline(text, names):
            out.credit_new("dateline", text.split("\n")[0][:120], "first_paragraph")
            break


def _title_neighbours(page: _Page) -> list[tuple[etree._Element, str, str]]:
    """The short lines just above and just below the article's title (its <h1>, else the first
    heading before the body), in document order: bylines and datelines without class names."""
    order = page.order
    body_at = order.get(page.body, 0)
    heads = [h for h in page.root.iter("h1", "h2") if not page.furniture(h)]
    before_body = [h for h in heads if order.get(h, 0) <= body_at or page.body in _ancestors(h)]
    title = next((h for h in before_body if h.tag == "h1"), None)
    if title is None and before_body:
        title = before_body[-1]
    if title is None:
        return []
    blocks = [(el, t) for el, t in page.blocks if not any(a.tag == "head" for a in _ancestors(el))]
    at = next((i for i, (el, _) in enumerate(blocks) if el is title), None)
    if at is None:
        return []
    out: list[tuple[etree._Element, str, str]] = []
    if at > 0:
        el, text = blocks[at - 1]
        lines = [ln for ln in text.split("\n") if ln.strip()]
        if lines and order.get(el, 0) >= order.get(title, 0) - 40:
            out.append((el, lines[-1], "above_title"))
    for el, text in blocks[at + 1 : at + 3]:
        lines = [ln for ln in text.split("\n") if ln.strip()]
        if lines:
            out.append((el, lines[0], "below_title"))
    return out


def _byline_signals(page: _Page, names: _Names, out: _Collector) -> None:
    """The outlet named as author: a byline element near the article, or the author metadata."""
    # only an element with one of the attributes _is_byline_el reads can be a byline element
    for el in page.root.xpath("//*[@class or @id or @rel or @itemprop]"):
        if not _is_el(el) or not page.byline(el) or any(a.tag == "head" for a in page.ancestors(el)):
            continue
        text = el.text_content().strip()
        if not text or len(text) > 200 or not names.find(text)[1]:
            continue
        if page.furniture(el) or page.lca(el).tag in ("html", "body"):
            out.decoy("furniture_name", text, "elsewhere")
        else:
            out.credit("byline", text, "byline")
    for el in page.root.iter("meta"):
        prop = (el.get("name") or el.get("property") or "").lower()
        if prop in ("author", "article:author", "dc.creator") and names.find(el.get("content") or "")[1]:
            out.credit("byline", el.get("content") or "", "head")
    for data in _json_ld(page.root):
        for author in _find_key(data, "author"):
            for item in author if isinstance(author, list) else [author]:
                name = item.get("name") if isinstance(item, dict) else item
                if isinstance(name, str) and names.find(name)[1]:
                    out.credit("byline", name, "head")
