"""Attribution: does a copy credit the outlet, and who published first.

Policy: copying *with* credit is tolerated, copying *without* credit is pursued. Both mistakes are
costly (a wrong "credited" lets a copier go, a wrong "none" accuses a site that did credit), so the
rules below are deliberately structural rather than tuned to any one site template:

1. Parse the raw HTML (extraction drops links and credit lines) and locate the article body as the
   DOM element that holds the copied text (``copied_text``, else the exclusive's text).
2. The *article region* is that element plus the few sibling elements right before and after it
   (credit lines often sit just outside the text container).
3. Anything inside page furniture (footer, nav, aside, site header, sidebars, widgets, "read also",
   "most read", comments, share bars, partner lists), or outside the region, is never credit: it is
   recorded as a decoy so a reviewer can see why it did not count.
4. Signals: a link to the exclusive (link_article) or to the outlet's home page (link_home); a
   ``rel=canonical`` / ``og:url`` pointing at the exclusive; the outlet's name next to a credit phrase,
   in parentheses, alone on a credit line, as the byline, or in an image credit.
5. The outlet's own exclusivity notice copied along names the outlet but forbids copying: it sets
   ``notice_kept`` and its name never counts. Names inside text copied from the exclusive itself
   ("a source told Kawalis Alyaoum") are the outlet's words, not the copier's credit, and do not count.

Verdict precedence is link > canonical > name, restricted to the kinds listed in ``accept``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from difflib import SequenceMatcher
from typing import cast
from urllib.parse import parse_qsl, unquote, urlencode, urljoin, urlsplit

import lxml.html
from lxml import etree

from .config import OutletConfig
from .models import Credit, CreditEvidence, CreditKind, Document, Exclusive
from .text.lxml_guard import serialized

__all__ = ["attribute", "published_order", "claimed_published_time", "normalize_ar"]

# ---------------------------------------------------------------------------------------------------
# Text normalisation (local on purpose: attribution must not depend on the matcher's normaliser)
# ---------------------------------------------------------------------------------------------------

_FOLD = str.maketrans(
    {
        "ى": "ي",
        "ة": "ه",
        "ـ": "",  # tatweel
        "«": '"',
        "»": '"',
        "“": '"',
        "”": '"',
        "’": "'",
        **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + i): str(i) for i in range(10)},  # Extended (Persian) digits
    }
)
_WORD = re.compile(r"\w+")


def normalize_ar(text: str) -> str:
    """Fold spelling variants so names and phrases compare equal however they were typed.

    NFKD then dropping combining marks removes harakat and the hamza/madda carried by alef, waw and
    yaa (أ إ آ -> ا, ؤ -> و, ئ -> ي) as well as Latin accents (Crédit -> credit); then ى -> ي,
    ة -> ه, tatweel removed, digits to ASCII, Latin case-folded.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped).translate(_FOLD).casefold()


def _tokens(text: str) -> list[str]:
    return _WORD.findall(normalize_ar(text))


# ---------------------------------------------------------------------------------------------------
# Vocabulary: credit phrases, furniture markers, notice shape
# ---------------------------------------------------------------------------------------------------

# Phrases that introduce a source. The name may follow after up to _MAX_GAP filler words
# ("نقلا عن موقع ...", "d'après le site ...").
_CREDIT_PHRASES = tuple(
    tuple(_tokens(p))
    for p in (
        "المصدر",
        "مصدر",
        "المصادر",
        "نقلا عن",
        "نقلاً عن",
        "نقلا",
        "عن موقع",
        "عن صحيفة",
        "عن جريدة",
        "حسب ما أورده",
        "حسب ما نشره",
        "حسب ما ذكره",
        "حسب",
        "وفق ما أورده",
        "وفق ما نشره",
        "وفقا ل",
        "وفقا لما",
        "بحسب",
        "أفاد موقع",
        "أفادت صحيفة",
        "أورد موقع",
        "أوردت",
        "ذكر موقع",
        "ذكرت صحيفة",
        "نشر موقع",
        "كشف موقع",
        "كشفت صحيفة",
        "Source",
        "Sources",
        "selon",
        "d'après",
        "via",
        "Crédit",
        "Crédits",
        "credit",
        "according to",
        "reported by",
        "©",
    )
    if _tokens(p)
)
# Starts of lines that state a source: used to record credits to *other* outlets as decoys.
_SOURCE_LINE_STARTS = tuple(
    tuple(_tokens(p)) for p in ("المصدر", "مصدر", "نقلا عن", "Source", "Sources", "Crédit", "via", "عن")
)
_MAX_GAP = 3
# Words that may stand next to the name on a bare credit line ("موقع كواليس اليوم", "le site ...").
_FILLERS = frozenset(_tokens("موقع صحيفة جريدة يومية الموقع الإلكتروني عن le la site du de journal par"))
_PAREN_OPEN = "(["
_PAREN_CLOSE = ")]"

# class/id words marking page furniture. Compared per token (class split on -, _ and spaces), and
# as a prefix/suffix of a token for glued forms ("sidebarleft", "mostread").
_FURNITURE_WORDS = frozenset(
    """footer foot ftr sidebar side aside widget widgets related menu nav navbar navigation comment
    comments cmt cmts share sharing social partners partner blogroll friends mostread popular trending
    readalso breadcrumb breadcrumbs ticker breaking tags tagcloud topbar newsletter latest ad ads
    advert advertisement sponsor sponsored promo outbrain taboola disqus""".split()
)
_FURNITURE_GLUED = ("footer", "sidebar", "widget", "related", "comment", "blogroll", "partner", "navbar")
_FURNITURE_PAIRS = (("most", "read"), ("read", "also"), ("most", "viewed"), ("see", "also"))
_FURNITURE_TAGS = frozenset({"footer", "nav", "aside", "form", "menu"})
_HEADER_WORDS = frozenset({"header", "hdr", "masthead"})
# Headings that introduce furniture blocks (checked on the first short child of a container, and
# on the start of a block's own text).
_FURNITURE_HEADINGS = tuple(
    tuple(_tokens(p))
    for p in (
        "مواقع صديقة",
        "مواقع شريكة",
        "مواقع مفيدة",
        "شركاؤنا",
        "روابط",
        "اقرأ أيضا",
        "اقرأ أيضاً",
        "اقرأ كذلك",
        "إقرأ أيضا",
        "شاهد أيضا",
        "الأكثر قراءة",
        "الأكثر مشاهدة",
        "الأكثر تعليقا",
        "أخبار ذات صلة",
        "مقالات ذات صلة",
        "ذات صلة",
        "المزيد من الأخبار",
        "آخر الأخبار",
        "أحدث الأخبار",
        "تعليقات",
        "التعليقات",
        "أضف تعليقك",
        "Partenaires",
        "Sites amis",
        "Lire aussi",
        "À lire aussi",
        "Voir aussi",
        "Les plus lus",
        "Articles similaires",
        "Sur le même sujet",
        "Commentaires",
        "Read also",
        "Related",
        "Most read",
        "Blogroll",
    )
)
_BYLINE_WORDS = ("author", "byline", "writer", "auteur", "signature", "kateb", "posted-by")

# The exclusivity notice's typical shape, for when the outlet's notice text is not known.
_NOTICE_EXCLUSIVE = re.compile(r"حصري|exclusi")
_NOTICE_FORBID = re.compile(r"يمنع|ممنوع|يحظر|محظور|لا يجوز|غير مسموح|interdit|prohib|forbidden|reprodu")

_BLOCK_TAGS = frozenset(
    """address article aside blockquote body dd details dialog div dl dt fieldset figcaption figure
    footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody td tfoot th
    thead tr ul center""".split()
)
_TEXT_LEVEL = frozenset({"p", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "dd", "dt", "pre"})
_DROP_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "object")

SIGNAL_KIND = {
    "link_article": "link",
    "link_home": "link",
    "canonical": "canonical",
    "og_url": "canonical",
    "name": "name",
    "image_credit": "name",
    "byline": "name",
    "dateline": "name",
    "credit_line": "name",
}
_PRECEDENCE = ("link", "canonical", "name")
_MAX_RESOLVE = 8  # short links resolved per page, at most (each may cost a fetch)


# ---------------------------------------------------------------------------------------------------
# URLs
# ---------------------------------------------------------------------------------------------------

_TRACKING_PARAMS = frozenset(
    {"amp", "fbclid", "gclid", "ref", "outputtype", "output", "at_medium", "at_campaign"}
)
_HOST_PREFIXES = ("www.", "m.", "mobile.", "amp.")


def _host(netloc_host: str | None, port: int | None, scheme: str) -> str:
    h = (netloc_host or "").lower().rstrip(".")
    for p in _HOST_PREFIXES:
        if h.startswith(p) and h.count(".") >= 2:
            h = h[len(p) :]
            break
    if port and not (scheme == "http" and port == 80) and not (scheme == "https" and port == 443):
        h = f"{h}:{port}"
    return h


def url_key(url: str, base: str = "") -> tuple[str, str, str] | None:
    """(host, path, query) of a URL with the variants of "the same page" folded together.

    http/https, www./m./amp. hosts, a trailing slash, AMP forms (/amp, /amp/..., .amp.html, ?amp=1),
    tracking parameters (utm_*, fbclid, ...) and the fragment do not make a different article.
    """
    try:
        parts = urlsplit(urljoin(base, url.strip()) if base else url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    path = unquote(parts.path)
    segs = [s for s in path.split("/") if s]
    if segs and segs[-1].lower() == "amp":
        segs = segs[:-1]
    if segs and segs[0].lower() == "amp":
        segs = segs[1:]
    path = "/" + "/".join(segs)
    path = re.sub(r"\.amp(\.html?)$", r"\1", path)
    path = re.sub(r"/index\.(html?|php|aspx?)$", "/", path).rstrip("/")
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_") and k.lower() not in _TRACKING_PARAMS
    ]
    return _host(parts.hostname, port, parts.scheme), path, urlencode(sorted(query))


def _host_matches(host: str, domains: Iterable[str]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def _is_home_path(path: str, query: str) -> bool:
    return not query and (path == "" or re.fullmatch(r"/[a-z]{2}", path) is not None)


# ---------------------------------------------------------------------------------------------------
# DOM helpers
# ---------------------------------------------------------------------------------------------------


def _parse(html: str) -> etree._Element | None:
    """Parse as bytes so a stray XML encoding declaration cannot make lxml refuse a str."""
    if not html or not html.strip():
        return None
    try:
        # huge_tree: without it libxml2 drops everything nested deeper than 255 elements, and a
        # credit after a 300-deep widget would be missed
        parser = lxml.html.HTMLParser(encoding="utf-8", huge_tree=True)
        root = lxml.html.document_fromstring(html.encode("utf-8", "replace"), parser=parser)
    except (etree.ParserError, ValueError):
        return None
    for el in list(root.iter(*_DROP_TAGS)):
        if el.tag == "script" and "ld+json" in (el.get("type") or ""):
            continue
        el.drop_tree()
    return root


def _is_el(node: object) -> bool:
    return isinstance(getattr(node, "tag", None), str)


def _text_of(node: etree._Element) -> str:
    """An element's text; "" for a comment or processing instruction (lxml raises on those)."""
    return node.text_content() if _is_el(node) else ""


def _inline_text(el: etree._Element, out: list[str]) -> None:
    for ch in el:
        if not _is_el(ch):
            out.append(ch.tail or "")
            continue
        if ch.tag in _BLOCK_TAGS:
            out.append("\n")
        elif ch.tag == "br":
            out.append("\n")
        else:
            if ch.tag != "script":
                out.append(ch.text or "")
                _inline_text(ch, out)
        out.append(ch.tail or "")


def _own_text(el: etree._Element) -> str:
    """The text of a block without the text of the blocks nested in it (<br> becomes a newline)."""
    out = [el.text or ""] if el.tag != "script" else []
    _inline_text(el, out)
    return re.sub(r"[ \t\r\f\v\xa0]+", " ", "".join(out)).strip()


def _blocks(root: etree._Element) -> Iterator[tuple[etree._Element, str]]:
    for el in root.iter():
        if _is_el(el) and el.tag in _BLOCK_TAGS and el.tag not in ("html", "head"):
            text = _own_text(el)
            if text:
                yield el, text


def _ancestors(el: etree._Element) -> list[etree._Element]:
    """el and its ancestors, innermost first."""
    out = []
    node: etree._Element | None = el
    while node is not None:
        out.append(node)
        node = node.getparent()
    return out


def _class_tokens(el: etree._Element) -> list[str]:
    raw = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    return [t for t in re.split(r"[\s\-_]+", raw) if t]


def _starts_with(tokens: list[str], phrases: Iterable[tuple[str, ...]]) -> bool:
    return any(p and tuple(tokens[: len(p)]) == p for p in phrases)


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
    if tag in _FURNITURE_TAGS:
        return True
    toks = _class_tokens(el)
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


def _in_link_list(el: etree._Element) -> bool:
    """A link (or name) that is one item of a list of 3+ links: a blogroll, menu or partner list."""
    for anc in _ancestors(el)[:4]:
        if anc.tag == "li":
            lst = anc.getparent()
            if lst is not None and lst.tag in ("ul", "ol"):
                items = [li for li in lst if _is_el(li) and li.tag == "li"]
                return len(items) >= 3 and sum(1 for li in items if li.find(".//a") is not None) >= 3
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
    """The parsed page with its article body located; answers "is this element credit-eligible"."""

    root: etree._Element
    body: etree._Element  # the article body: the element holding the copied text
    region: list[etree._Element]  # body plus the credit-line siblings just before/after it
    order: dict[etree._Element, int]  # document order, for "after the last copied paragraph"
    last_copied: int  # document-order index of the last copied block (-1 if unknown)

    def lca(self, el: etree._Element) -> etree._Element:
        mine = _ancestors(self.body)
        ids = {id(a) for a in mine}
        for a in _ancestors(el):
            if id(a) in ids:
                return a
        return self.root

    def furniture(self, el: etree._Element) -> bool:
        """Furniture between el and its common ancestor with the body (so a layout wrapper such as
        "has-sidebar" around the whole article does not make the article furniture)."""
        top = self.lca(el)
        page_level = top.tag in ("html", "body") and not any(
            a.tag in ("article", "main") for a in _ancestors(el)
        )
        for a in _ancestors(el):
            if a is top:
                break
            if _is_furniture_el(a, page_level):
                return True
        return False

    def in_region(self, el: etree._Element) -> bool:
        anc = {id(a) for a in _ancestors(el)}
        return any(id(r) in anc for r in self.region)

    def where(self, el: etree._Element) -> str:
        anc = _ancestors(el)
        if any(a.tag == "head" for a in anc):
            return "head"
        if any(_is_byline_el(a) for a in anc[:4]):
            return "byline"
        if not self.in_region(el):
            return "elsewhere"
        if self.last_copied >= 0 and self.order.get(el, -1) > self.last_copied:
            return "end_of_article"
        return "body"


def _is_byline_el(el: etree._Element) -> bool:
    if (el.get("rel") or "").lower() == "author" or (el.get("itemprop") or "").lower() == "author":
        return True
    raw = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    return any(w in raw for w in _BYLINE_WORDS) and "comment" not in raw


def _locate(root: etree._Element, references: list[str]) -> _Page:
    """Find the article body as the deepest element holding >= 80 % of the copied text."""
    order = {el: i for i, el in enumerate(root.iter())}
    blocks = list(_blocks(root))
    body_el = root.find("body")
    fallback = body_el if body_el is not None else root
    matched: list[tuple[etree._Element, int]] = []
    for ref in references:
        ref_sh = _shingles(_tokens(ref))
        if not ref_sh:
            continue
        for el, text in blocks:
            sh = _shingles(_tokens(text))
            if len(sh) < 3:
                continue
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
    else:
        guess = _densest(blocks)
        body = guess if guess is not None else fallback
        last = -1
    if body.tag in _TEXT_LEVEL and body.getparent() is not None:
        body = body.getparent()
    if body.tag in ("html",):
        body = fallback
    return _Page(root, body, _region(body), order, last)


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
    for step in (lambda e: e.getprevious(), lambda e: e.getnext()):
        sib = step(body)
        kept = 0
        while sib is not None and kept < 2:
            if _is_el(sib) and (sib.text_content().strip() or sib.find(".//img") is not None):
                region.append(sib)
                kept += 1
            sib = step(sib)
    return region


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


# ---------------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Hit:
    start: int  # token index of the name's first token
    end: int  # token index after the name
    char_start: int
    char_end: int
    short: bool = False  # a short name (an acronym such as واس, MAP, و.م.ع): credit positions only


def is_short_name(name: str) -> bool:
    """Three letters or fewer (واس, MAP, SPA), or spelled in single letters (و.م.ع, أ ف ب).

    Such a name is matched as a whole word only, and counts only in a credit position (a dateline,
    a credit line at the top or end of the article, a byline): elsewhere the same letters are too
    often another word, or the agency named inside the copied news itself.
    """
    toks = _tokens(name)
    return bool(toks) and (len("".join(toks)) <= 3 or (len(toks) > 1 and all(len(t) == 1 for t in toks)))


class _Names:
    """The outlet's names. Long names as compact keys ("كواليساليوم", "kawalisalyaoum"): spacing,
    hyphens, quotes and spelling variants are folded away, and an attached one-letter prefix
    (و ف ب ل ك) allowed. Short names (``is_short_name``) as exact token sequences: whole words only,
    so «بواسطة» never matches «واس»."""

    def __init__(self, outlet: OutletConfig) -> None:
        keys: set[str] = set()
        short: set[tuple[str, ...]] = set()
        for name in (outlet.name, *outlet.aliases, *outlet.domains):
            toks = _tokens(name)
            if not toks:
                continue  # config validation refuses such a name; nothing to look for
            if is_short_name(name):
                short.add(tuple(toks))
            else:
                keys.add("".join(toks))
        self.keys = keys
        self.short = short
        self.max_len = (
            max((len(_tokens(n)) for n in (outlet.name, *outlet.aliases, *outlet.domains)), default=1) + 1
        )

    def find(self, text: str) -> tuple[list[re.Match[str]], list[_Hit]]:
        norm = normalize_ar(text)
        ms = list(_WORD.finditer(norm))
        toks = [m.group() for m in ms]
        hits: list[_Hit] = []
        i = 0
        while i < len(toks):
            found = 0
            is_short = False
            for length in range(min(self.max_len, len(toks) - i), 0, -1):
                joined = "".join(toks[i : i + length])
                if joined in self.keys or (
                    len(toks[i]) > 2 and toks[i][0] in "وفبلك" and joined[1:] in self.keys
                ):
                    found = length
                    break
                if tuple(toks[i : i + length]) in self.short:
                    found, is_short = length, True
                    break
            if found:
                hits.append(_Hit(i, i + found, ms[i].start(), ms[i + found - 1].end(), is_short))
                i += found
            else:
                i += 1
        return ms, hits

    def any_long(self, text: str) -> bool:
        return any(not h.short for h in self.find(text)[1])

    def any(self, text: str) -> bool:
        return bool(self.find(text)[1])


def _has_phrase_before(toks: list[str], hit: _Hit) -> bool:
    """A credit phrase ending at most _MAX_GAP tokens before the name. Leading filler words of the
    matched alias ("موقع" of "موقع كواليس اليوم") may belong to the phrase ("أفاد موقع")."""
    start = hit.start
    while start < hit.end - 1 and toks[start] in _FILLERS:
        start += 1
    window = toks[max(0, start - 6 - _MAX_GAP) : start]
    for phrase in _CREDIT_PHRASES:
        n = len(phrase)
        for j in range(len(window) - n, -1, -1):
            if tuple(window[j : j + n]) == phrase and len(window) - (j + n) <= _MAX_GAP:
                return True
    return False


def _in_parentheses(norm: str, hit: _Hit) -> bool:
    before = norm[: hit.char_start].rstrip(" \"'")
    after = norm[hit.char_end :].lstrip(" \"'")
    return bool(before) and before[-1] in _PAREN_OPEN and bool(after) and after[0] in _PAREN_CLOSE


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?؟…])\s+|\n+", text) if s.strip()]


# ---------------------------------------------------------------------------------------------------
# The notice
# ---------------------------------------------------------------------------------------------------


def _is_notice(sentence: str, notice_norm: str) -> bool:
    norm = normalize_ar(sentence)
    if notice_norm:
        a, b = " ".join(_WORD.findall(norm)), notice_norm
        if a and (b in a and len(b) >= 0.6 * len(a) or SequenceMatcher(None, a, b).ratio() >= 0.75):
            return True
    return bool(_NOTICE_EXCLUSIVE.search(norm) and _NOTICE_FORBID.search(norm))


# ---------------------------------------------------------------------------------------------------
# attribute()
# ---------------------------------------------------------------------------------------------------


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


@serialized
def attribute(
    doc: Document,
    exclusive: Exclusive,
    outlet: OutletConfig,
    *,
    notice: str = "",
    copied_text: str = "",
    accept: tuple[str, ...] = ("link", "canonical", "name"),
    resolve: Callable[[str], str | None] | None = None,
) -> Credit:
    """Decide whether ``doc`` credits the outlet for ``exclusive``; see the module docstring."""
    root = _parse(doc.html)
    if root is None:
        return Credit("none")
    page = _locate(root, [t for t in (copied_text, exclusive.text, doc.text) if t and t.strip()])
    out = _Collector()
    page_host = (url_key(doc.url) or ("", "", ""))[0]
    targets = {k for k in (url_key(exclusive.url), url_key(exclusive.fetched_url)) if k}
    domains = {_host(d if "//" not in d else urlsplit(d).hostname, None, "") for d in outlet.domains}
    domains |= {k[0] for k in targets if k[0] != page_host}
    domains.discard("")

    def classify(href: str) -> str:
        key = url_key(href, doc.url)
        if key is None:
            return "other"
        if key in targets:
            return "article"
        if _host_matches(key[0], domains):
            return "home" if _is_home_path(key[1], key[2]) else "outlet_other"
        return "external" if key[0] != page_host else "internal"

    _head_signals(root, doc, classify, out)
    _link_signals(page, doc, classify, resolve, out)
    notice_kept = _name_signals(page, exclusive, outlet, notice, out)

    present = {SIGNAL_KIND[e.signal] for e in out.evidence}
    verdict = cast(CreditKind, next((k for k in _PRECEDENCE if k in present and k in accept), "none"))
    evidence = sorted(out.evidence, key=lambda e: _PRECEDENCE.index(SIGNAL_KIND[e.signal]))
    return Credit(verdict, tuple(evidence), tuple(out.decoys), notice_kept)


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
        eligible = page.in_region(a) and not page.furniture(a) and not _in_link_list(a)
        if kind == "external" and eligible and resolve is not None and resolved < _MAX_RESOLVE:
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
        if not eligible:
            out.decoy("furniture_link", shown, where)
        elif kind == "outlet_other":
            out.decoy("other_article_link", shown, where)
        else:
            out.credit("link_article" if kind == "article" else "link_home", shown, where)


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
    items += [(el, text, None) for el, text in _blocks(page.root)]
    for el, text, loose_where in items:
        if any(a.tag == "head" for a in _ancestors(el)):
            continue
        eligible = page.in_region(el) and not page.furniture(el) and not _in_link_list(el)
        in_figure = any(a.tag in ("figure", "figcaption") for a in _ancestors(el)[:3])
        where = loose_where or page.where(el)
        for sentence in _sentences(text):
            if _is_notice(sentence, notice_norm):
                if eligible or not page.furniture(el):
                    notice_kept = True
                    out.decoy("notice", sentence, where)
                continue
            ms, all_hits = names.find(sentence)
            hits = [h for h in all_hits if not h.short]  # short names: credit positions only (below)
            toks = [m.group() for m in ms]
            if _starts_with(toks, _FURNITURE_HEADINGS):  # an inline "اقرأ أيضا" / "Lire aussi" line
                if hits:
                    out.decoy("furniture_name", sentence, where)
                continue
            if not hits:
                if eligible and len(toks) <= 15 and _starts_with(toks, _SOURCE_LINE_STARTS):
                    if any(tuple(toks[: len(p)]) == p for p in _CREDIT_PHRASES if p[0] != "عن"):
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
            if page.in_region(el) and not page.furniture(el) and not _in_link_list(el):
                out.credit("image_credit", label, page.where(el))
            else:
                out.decoy("furniture_name", label, page.where(el))

    _byline_signals(page, names, out)
    _position_signals(page, names, out)
    return notice_kept


# Datelines and credit lines: where papers put the source of a wire or a republished story.
_SEPARATORS = "-–—:ـ|/،,"
_DATE_WORDS = frozenset(
    _tokens(
        """محرم صفر ربيع الاول الثاني الاخر الآخر جمادى جمادي رجب شعبان رمضان شوال ذو ذي القعدة الحجة
        هـ ه م الموافق الموافقة السبت الأحد الاثنين الإثنين الثلاثاء الأربعاء الخميس الجمعة يوم
        يناير فبراير مارس أبريل ابريل مايو ماي يونيو يونيه يوليو يوليوز أغسطس غشت سبتمبر شتنبر أكتوبر
        نوفمبر نونبر ديسمبر دجنبر كانون شباط آذار نيسان أيار حزيران تموز آب أيلول تشرين الأول
        janvier février mars avril mai juin juillet août septembre octobre novembre décembre
        lundi mardi mercredi jeudi vendredi samedi dimanche le"""
    )
)
_CREDIT_WORDS = (
    frozenset(t for p in _CREDIT_PHRASES for t in p)
    | _FILLERS
    | frozenset(_tokens("خاص ل لـ وكالة وكالات بقلم كتب تحرير إعداد متابعة par avec agences"))
)
_MAX_LINE_TOKENS = 14  # a credit line is short: a dateline, a byline, "(واس)"
_MAX_LINE_OTHERS = 4  # words on it besides the name, dates and credit words (a city, a reporter)


def _dateish(tok: str) -> bool:
    return tok.isdigit() or tok in _DATE_WORDS


def _credit_line(line: str, names: _Names) -> bool:
    """A short line naming the outlet with little else: «الرياض - واس», «(و.م.ع)», «Rabat (MAP)»,
    «واس - جدة», «كواليس اليوم», «المصدر: واس»."""
    ms, hits = names.find(line)
    toks = [m.group() for m in ms]
    if not hits or len(toks) > _MAX_LINE_TOKENS:
        return False
    inside = {k for h in hits for k in range(h.start, h.end)}
    others = [t for k, t in enumerate(toks) if k not in inside and not _dateish(t) and t not in _CREDIT_WORDS]
    return len(others) <= _MAX_LINE_OTHERS


def _dateline(text: str, names: _Names) -> bool:
    """The opening of a first paragraph: «الرياض - واس:», «واس - جدة:», «جدة : واس», «الرباط (و.م.ع) -»,
    «الرياض 28 رمضان 1436 هـ الموافق 14 يوليو 2015 م واس», «Rabat - MAP -». The name comes within the
    first words, after at most a city (and a date), set off by a separator or parentheses."""
    head = text.strip()[:160]
    norm = normalize_ar(head)
    ms, hits = names.find(head)
    toks = [m.group() for m in ms]
    for h in hits:
        before = toks[: h.start]
        words_before = [t for t in before if not _dateish(t) and t not in _CREDIT_WORDS]
        if len(words_before) > 3 or len(before) > 14:
            continue
        after = norm[h.char_end :].lstrip(" \"'")
        prior = norm[: h.char_start].rstrip(" \"'")
        set_off = (after[:1] in _SEPARATORS or after[:1] in _PAREN_CLOSE) or (
            prior[-1:] in _SEPARATORS or prior[-1:] in _PAREN_OPEN
        )
        dated = sum(1 for t in before if _dateish(t)) >= 2  # «... 2015 م واس أكد»: SPA's own form
        if set_off or dated or not after:
            return True
    return False


def _position_signals(page: _Page, names: _Names, out: _Collector) -> None:
    """Datelines and credit lines in the places papers put them: the short line just above or below
    the title, the first and last lines of the article body (and the lines just outside it), and the
    opening of the first paragraph. Any name counts here, short ones included, even when the copied
    text carried it too: a dateline is the credit line of a wire story."""
    region_blocks: list[tuple[etree._Element, str]] = []
    for r in page.region:
        region_blocks += list(_blocks(r))
    region_blocks.sort(key=lambda b: page.order.get(b[0], 0))
    body_blocks = [b for b in region_blocks if page.body in _ancestors(b[0])]
    candidates = _title_neighbours(page)  # element, line, form: the most specific forms first
    before, after = _loose_text(page.body)
    if before.strip():
        candidates.append((page.body, before.strip().split("\n")[-1], "start_of_article"))
    if after.strip():
        candidates.append((page.body, after.strip().split("\n")[0], "end_of_article"))
    if body_blocks:
        first_el, first_text = body_blocks[0]
        last_el, last_text = body_blocks[-1]
        lines = [ln for ln in first_text.split("\n") if ln.strip()]
        if lines:
            candidates.append((first_el, lines[0], "start_of_article"))
        lines = [ln for ln in last_text.split("\n") if ln.strip()]
        if lines:
            candidates.append((last_el, lines[-1], "end_of_article"))
    for el, text in region_blocks:
        if page.body not in _ancestors(el):  # a sibling just outside the text container
            form = (
                "start_of_article"
                if page.order.get(el, 0) < page.order.get(page.body, 0)
                else "end_of_article"
            )
            candidates += [(el, ln, form) for ln in text.split("\n") if ln.strip()]
    for el, line, form in candidates:
        if page.furniture(el) or _in_link_list(el) or any(_is_byline_el(a) for a in _ancestors(el)[:4]):
            continue  # bylines are read by _byline_signals
        if _starts_with(_tokens(line), _FURNITURE_HEADINGS):  # «اقرأ أيضا في كواليس اليوم: ...»
            continue
        if _credit_line(line, names):
            out.credit_new("credit_line", line, form)
    # the opening of the first paragraph: «CITY - NAME:», «NAME - CITY», «CITY (NAME)»
    for el, text in body_blocks[:2]:
        if len(_tokens(text)) < 4 or page.furniture(el):
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
    blocks = [(el, t) for el, t in _blocks(page.root) if not any(a.tag == "head" for a in _ancestors(el))]
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
    for el in page.root.iter():
        if not _is_el(el) or not _is_byline_el(el) or any(a.tag == "head" for a in _ancestors(el)):
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


# ---------------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------------


def _json_ld(root: etree._Element) -> list[object]:
    out = []
    for el in root.iter("script"):
        if "ld+json" in (el.get("type") or "").lower() and el.text:
            try:
                out.append(json.loads(el.text))
            except ValueError:
                continue
    return out


def _find_key(data: object, key: str) -> Iterator[object]:
    """Every value of ``key`` in nested JSON-LD (top level first, then @graph and nested nodes)."""
    if isinstance(data, dict):
        if key in data:
            yield data[key]
        for k, v in data.items():
            if k != key:
                yield from _find_key(v, key)
    elif isinstance(data, list):
        for v in data:
            yield from _find_key(v, key)


def _parse_time(value: str) -> datetime | None:
    """RFC 3339 / ISO 8601 (any offset; naive = UTC) -> aware UTC datetime."""
    s = value.strip().translate(_FOLD)
    if not s:
        return None
    s = re.sub(r"^(\d{4}-\d{2}-\d{2})\s+(\d)", r"\1T\2", s)
    s = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", s)
    try:
        dt = datetime.fromisoformat(s.replace("z", "Z"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def _fmt(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_MONTHS = {
    normalize_ar(k): v
    for v, names in enumerate(
        [
            "يناير كانون الثاني janvier january jan",
            "فبراير شباط février february feb",
            "مارس آذار mars march mar",
            "أبريل ابريل إبريل نيسان avril april apr",
            "مايو ماي أيار mai may",
            "يونيو يونيه حزيران juin june jun",
            "يوليو يوليوز تموز juillet july jul",
            "أغسطس اغسطس غشت آب août august aug",
            "سبتمبر شتنبر أيلول septembre september sep sept",
            "أكتوبر اكتوبر تشرين الأول octobre october oct",
            "نوفمبر نونبر تشرين الثاني novembre november nov",
            "ديسمبر دجنبر كانون الأول décembre december dec",
        ],
        start=1,
    )
    for k in re.findall(r"كانون الثاني|كانون الأول|تشرين الأول|تشرين الثاني|\S+", names)
}
_MONTH_RE = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))
_TIME_RE = r"(?:\s*[-–,،|]?\s*(?:a|à|الساعة|at)?\s*(\d{1,2})[:h](\d{2}))?"
_VISIBLE_DATES = (
    re.compile(rf"(?<!\d)(\d{{1,2}})(?:er)?\s+({_MONTH_RE})\s*,?\s+(\d{{4}}){_TIME_RE}"),
    re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME_RE),
    re.compile(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})" + _TIME_RE),
)


def _visible_date(text: str) -> datetime | None:
    norm = normalize_ar(text)
    for i, rx in enumerate(_VISIBLE_DATES):
        m = rx.search(norm)
        if not m:
            continue
        g = m.groups()
        try:
            if i == 0:
                y, mo, d = int(g[2]), _MONTHS[g[1]], int(g[0])
            elif i == 1:
                y, mo, d = int(g[0]), int(g[1]), int(g[2])
            else:
                y, mo, d = int(g[2]), int(g[1]), int(g[0])
            hh, mm = (int(g[3]), int(g[4])) if g[3] else (0, 0)
            return datetime(y, mo, d, hh, mm, tzinfo=UTC)
        except (ValueError, KeyError):
            continue
    return None


_DATE_META = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "publishdate",
    "publish-date",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
)
_DATE_CLASS = re.compile(r"date|time|publish|posted|meta|byline|info", re.I)


def _furniture_for_dates(el: etree._Element) -> bool:
    """Today's date in a top bar, comment dates, sidebar dates: not the article's own date.

    The climb stops at the article's container (<article>, <main>, or the element holding the
    headline), so a layout wrapper such as "has-sidebar" does not disqualify the article's date.
    """
    for a in _ancestors(el):
        if a.tag in ("article", "main", "body") or a.find(".//h1") is not None:
            return False
        toks = _class_tokens(a)
        if a.tag in _FURNITURE_TAGS or any(
            t in _FURNITURE_WORDS
            or t in ("today", "weather")
            or t.startswith(("comment", "sidebar", "widget"))
            for t in toks
        ):
            return True
    return False


@serialized
def claimed_published_time(html: str) -> str | None:
    """The publication time the page claims, as UTC "YYYY-MM-DDTHH:MM:SSZ", or None.

    Machine-readable forms first (meta, itemprop, JSON-LD incl. @graph, <time datetime>), then a
    visible date as a last resort, skipping furniture (today's date, comment and sidebar dates).
    """
    root = _parse(html)
    if root is None:
        return None
    metas: dict[str, str] = {}
    for el in root.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").lower()
        if key and el.get("content") and key not in metas:
            metas[key] = el.get("content", "")
    for key in _DATE_META:
        if key in metas and (dt := _parse_time(metas[key])):
            return _fmt(dt)
    for el in root.iter():
        if _is_el(el) and (el.get("itemprop") or "").lower() == "datepublished":
            raw = el.get("datetime") or el.get("content") or el.text_content()
            if dt := _parse_time(raw) or _visible_date(raw):
                return _fmt(dt)
    for data in _json_ld(root):
        for value in _find_key(data, "datePublished"):
            if isinstance(value, str) and (dt := _parse_time(value)):
                return _fmt(dt)
    times = [t for t in root.iter("time") if t.get("datetime") and not _furniture_for_dates(t)]
    times.sort(key=lambda t: t.get("pubdate") is None)  # an explicit pubdate first
    for t in times:
        if dt := _parse_time(t.get("datetime", "")):
            return _fmt(dt)
    body = root.find("body")
    if body is None:
        return None
    candidates = [(el, text) for el, text in _blocks(body) if not _furniture_for_dates(el)]
    for el in body.iter():  # elements whose class says "date": inline spans included
        if _is_el(el) and _DATE_CLASS.search(f"{el.get('class') or ''} {el.get('id') or ''}"):
            if not _furniture_for_dates(el) and (dt := _visible_date(el.text_content())):
                return _fmt(dt)
    for _, text in candidates:
        if dt := _visible_date(text):
            return _fmt(dt)
    return None


def published_order(
    exclusive_published: str | None, copy_published: str | None, copy_first_seen: str | None
) -> str:
    """Return "after", "backdated" (the copy claims a date earlier than the exclusive's) or "unknown".

    A claimed time of exactly midnight is taken as a bare date (visible dates often have no time), so
    a copy dated the same day as the exclusive is not called backdated.
    """
    ex = _parse_time(exclusive_published or "")
    if ex is None:
        return "unknown"
    claimed = _parse_time(copy_published or "")
    if claimed is not None:
        if claimed.time() == datetime.min.time():
            return "backdated" if claimed.date() < ex.date() else "after"
        return "backdated" if claimed < ex else "after"
    seen = _parse_time(copy_first_seen or "")
    if seen is not None and seen >= ex - timedelta(seconds=0):
        return "after"
    return "unknown"
