"""Links of an HTML page: its <a>/<area> hrefs, its next page (rel=next), read with a pull parser.

The pull parser is fed a piece at a time, so a caller that stops early (enough links, the next
page found) has parsed only that far, and elements already passed are dropped as it goes: a 5 MB
page of a million links costs what its first few thousand do, in memory near one piece.
``SKIP_EXTENSIONS``: URLs that name a file, not a page, are not fetched as pages.
``is_utility_url``: links to what a page offers around an article (its print version, a
send-to-a-friend or sharing form, a login or sign-up page, a reply form) are not followed: such a
page is not an article of its own (a print version is the article again, and would be reported
twice; its template often drops the credit line), and on a news site these links can double the
requests (two under every article on the dev web). The rule looks at a page's own name, never at a
section's: everything under ``/print/2024/`` is still followed. Seeds, sitemaps, feeds and
``rel=next`` are not filtered, and the links skipped are counted (``SiteCrawl.utility_links``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qsl, urljoin, urlsplit

import lxml.etree

from ...text.charset import decode_html
from ...text.lxml_guard import serialized

SKIP_EXTENSIONS = frozenset(
    ".jpg .jpeg .png .gif .webp .svg .ico .bmp .pdf .zip .rar .7z .mp3 .mp4 .m4a .avi .mov .webm .css .js"
    " .woff .woff2 .ttf .doc .docx .xls .xlsx .ppt .pptx .exe .apk .dmg".split()
)
_SKIP = tuple(SKIP_EXTENSIONS)

MAX_LINKS_PER_PAGE = 5000  # [crawl] max_links_per_page's default
_FEED = 64 * 1024  # characters handed to the pull parser at a time


# Whole names only, compared without "-", "_" and "." and lowercased: a page's own name (the last
# path segment without its extension, or what comes before a ":" or ";" in it), a path segment
# followed by nothing but an id (/print/123, /a/7/print/), a query key (?print=1) or the value of a
# key that says what a page shows (?view=print). A section (/print/2024/01/cover-story) and an
# article's slug (printemps-arabe, share-market-news) are never taken for one.
UTILITY_NAMES = frozenset(
    """print printer printable printpage printarticle printnews printthread printversion
    printerfriendly printfriendly printableversion versionimprimable printmail printpdf imprimer
    send sendtofriend sendtoafriend sendarticle sendpage sendnews sendthread sendtopic tellafriend
    emailafriend emailarticle emailthis email mail commailto forward envoyeraunami share sharer
    partager login signin logon logout signout register registration signup lostpassword
    connexion inscription wplogin wpsignup wpregister newreply reply""".split()
)
UTILITY_KEYS = frozenset("print printable printer isprint replytocom share email".split())
_MODE_KEYS = frozenset(
    "view output format mode layout page type template do action act task sa option".split()
)
_OFF = frozenset({"", "0", "false", "no", "off"})  # ?print=0 is the page itself
_SEPARATORS = str.maketrans("", "", "-_.")
_ID = re.compile(r"[0-9]+(?:\.[a-z0-9]{2,5})?|[0-9]+[-_][^/]{0,8}")  # 123, 123.html, 123-a


def _name(segment: str) -> str:
    return re.split(r"[:;,]", segment, maxsplit=1)[0].translate(_SEPARATORS)


def is_utility_url(url: str) -> bool:
    """A link to a print version, a send-to-a-friend or sharing form, a login or sign-up page or
    a reply form (``print.php?id=7``, ``/article/7/print``, ``?replytocom=3``, ``?view=print``,
    ``spip.php?page=imprimer``, ``/print:page,1,7-x.html``): not followed by the crawler (see the
    module's docstring)."""
    parts = urlsplit(url)
    segments = [seg for seg in parts.path.lower().split("/") if seg]
    if segments:
        last = segments[-1]
        if _name(last.rsplit(".", 1)[0] if ":" not in last else last) in UTILITY_NAMES:
            return True
        for i, seg in enumerate(segments[:-1]):
            if _name(seg) in UTILITY_NAMES and all(_ID.fullmatch(rest) for rest in segments[i + 1 :]):
                return True
    for key, value in parse_qsl(parts.query.replace(";", "&"), keep_blank_values=True):
        key, value = key.lower(), value.lower()
        if key in UTILITY_KEYS and value not in _OFF:
            return True
        if key in _MODE_KEYS and value.translate(_SEPARATORS) in UTILITY_NAMES:
            return True
    return False


def is_file_url(url: str) -> bool:
    """True if the URL's path names a file (an image, a PDF, a script ...), not a page."""
    return urlsplit(url).path.lower().endswith(_SKIP)


def _tags(body: bytes, content_type: str, tags: tuple[str, ...]) -> Iterator[lxml.etree._Element]:
    """The ``tags`` elements of an HTML page as the parser reaches them (their attributes are
    read; their content may not be parsed yet). huge_tree: nothing nested deeper than 255
    elements is dropped."""
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


@serialized
def links_and_next(
    body: bytes, content_type: str, base_url: str, limit: int = MAX_LINKS_PER_PAGE
) -> tuple[str | None, list[str]]:
    """``(next_page(...), extract_links(...))`` in one decode and one pass of the pull parser: what
    the crawler asks of a page whose links it follows. The pass stops at ``limit`` links as
    ``extract_links`` does; a next page not met by then is looked for as ``next_page`` would."""
    base, out, following = base_url, [], None
    look_for_next = _NEXT.search(body) is not None
    for el in _tags(body, content_type, ("a", "area", "base", "link")):
        if el.tag == "base":
            base = _base(el, base)
            continue
        href = el.get("href")
        if not href:
            continue
        if look_for_next and following is None and el.tag in ("a", "link"):
            if "next" in (el.get("rel") or "").lower().split():
                following = urljoin(base, href)
        if el.tag != "link":
            out.append(urljoin(base, href))
            if len(out) >= limit:
                break
    else:
        return following, out
    if look_for_next and following is None:
        following = next_page(body, content_type, base_url)  # the lock is re-entrant
    return following, out
