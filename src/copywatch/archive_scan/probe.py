"""Match before you extract: the cheap pass every archived page gets before any real work.

Most archived pages copy nothing, so none of them should pay for trafilatura. ``cheap_text``
turns HTML into words in a few C-speed passes: script/style/template blocks and comments dropped,
every tag replaced by a space, entities decoded (one regular expression for the tags, str.find
for the ends of blocks). That text holds the page's navigation and sidebars as well as its
article, which only adds passages: a copied article's passages are still
there, contiguous, so the index's MinHash LSH lookup (``ExclusiveIndex.candidates``) finds the
exclusive it copies. Only a page with a candidate goes on to the full extraction, alignment and
credit check, which decide exactly as a live scan does.

The filters of ``[archive]`` are checked here too: hosts (``.ma`` for a suffix, or a host and its
subdomains) on the target URI before the body is read, languages on the record's
``WARC-Identified-Content-Language`` (Common Crawl), else the page's ``<html lang>``, else, for
Arabic, the share of Arabic letters in its text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import unescape
from urllib.parse import urlsplit

_OPENERS = re.compile(r"<(script|style|noscript|template|svg|iframe)\b|<!--", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]*>")
_HTML_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z-]+)", re.IGNORECASE)
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_LETTERS = re.compile(r"[^\W\d_]")

# ISO 639-1 codes as configured, and the ISO 639-3 codes Common Crawl's language detection writes
_ISO3 = {"ar": "ara", "fr": "fra", "en": "eng", "es": "spa", "de": "deu", "it": "ita", "pt": "por",
         "tr": "tur", "fa": "fas", "ur": "urd", "nl": "nld", "ru": "rus", "zh": "zho"}  # fmt: skip


def _without_blocks(html: str) -> str:
    """``html`` without script/style/template/svg/iframe blocks and comments (found with str.find)."""
    out: list[str] = []
    pos = 0
    low: str | None = None
    for m in _OPENERS.finditer(html):
        if m.start() < pos:
            continue  # inside a block already skipped
        out.append(html[pos : m.start()])
        tag = m.group(1)
        if tag is None:
            end = html.find("-->", m.end())
            pos = len(html) if end < 0 else end + 3
            continue
        close = "</" + tag.lower()
        end = html.find(close, m.end())
        if end < 0:  # </SCRIPT> and the like: look again, case-blind
            low = html.lower() if low is None else low
            end = low.find(close, m.end())
        if end < 0:
            return " ".join(out)  # an unclosed block runs to the end
        gt = html.find(">", end)
        pos = len(html) if gt < 0 else gt + 1
    out.append(html[pos:])
    return " ".join(out)


def cheap_text(html: str) -> str:
    """The words of an HTML page, tags and scripts gone: enough to probe the index, not to report."""
    text = _TAGS.sub(" ", _without_blocks(html))
    return unescape(text) if "&" in text else text


def host_of(uri: str) -> str:
    try:
        return (urlsplit(uri).hostname or "").lower()
    except ValueError:
        return ""


def host_allowed(uri: str, hosts: Sequence[str]) -> bool:
    """No hosts configured: all. ``.ma``: hosts ending so; ``example.com``: it and its subdomains."""
    if not hosts:
        return True
    h = host_of(uri)
    for want in hosts:
        w = want.lower().strip()
        if w.startswith("."):
            if h.endswith(w):
                return True
        elif h == w or h.endswith("." + w):
            return True
    return False


def _codes(languages: Sequence[str]) -> set[str]:
    out = set()
    for lang in languages:
        low = lang.lower().strip()
        out.add(low)
        if low in _ISO3:
            out.add(_ISO3[low])
        out |= {two for two, three in _ISO3.items() if three == low}
    return out


def language_allowed(languages: Sequence[str], warc_language: str, html: str, text: str) -> bool:
    """Does the page's language (as the archive, the page, or its script says) pass the filter?"""
    if not languages:
        return True
    want = _codes(languages)
    if warc_language:  # "ara,eng,fra": the languages Common Crawl detected, main one first
        return any(code.strip().lower() in want for code in warc_language.split(","))
    m = _HTML_LANG.search(html[:4096])
    if m:
        return m.group(1).split("-")[0].lower() in want
    if "ar" in want:
        letters = len(_LETTERS.findall(text[:20000]))
        return letters > 0 and len(_ARABIC.findall(text[:20000])) / letters >= 0.3
    return False
