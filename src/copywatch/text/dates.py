"""Publication dates: the time a page claims, and who published first.

Machine-readable forms first (meta, itemprop, JSON-LD incl. @graph, <time datetime>), then a visible
date, skipping page furniture (today's date in a top bar, comment and sidebar dates).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from lxml import etree

from .dom import (
    FURNITURE_TAGS as _FURNITURE_TAGS,
)
from .dom import (
    FURNITURE_WORDS as _FURNITURE_WORDS,
)
from .dom import ancestors as _ancestors
from .dom import blocks as _blocks
from .dom import class_tokens as _class_tokens
from .dom import find_key as _find_key
from .dom import is_el as _is_el
from .dom import json_ld as _json_ld
from .dom import parse_html as _parse
from .lxml_guard import serialized
from .normalize import fold_for_names as normalize_ar

_DIGITS = str.maketrans(
    {**{chr(0x0660 + i): str(i) for i in range(10)}, **{chr(0x06F0 + i): str(i) for i in range(10)}}
)


def _parse_time(value: str) -> datetime | None:
    """RFC 3339 / ISO 8601 (any offset; naive = UTC) -> aware UTC datetime."""
    s = value.strip().translate(_DIGITS)
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
    # whitespace runs collapsed first: the patterns' adjacent \s* and \s+ would otherwise backtrack
    # over a long run (a date followed by 2,000 spaces cost 23 s, growing with its cube)
    norm = " ".join(normalize_ar(text).split())
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
    # (each test reads the date first: a furniture climb costs more, and most blocks carry no date)
    for el in body.iter():  # elements whose class says "date": inline spans included
        if _is_el(el) and _DATE_CLASS.search(f"{el.get('class') or ''} {el.get('id') or ''}"):
            if (dt := _visible_date(el.text_content())) and not _furniture_for_dates(el):
                return _fmt(dt)
    for el, text in _blocks(body):  # then the first block with a date that is not furniture
        if (dt := _visible_date(text)) and not _furniture_for_dates(el):
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


def predates(exclusive_published: str | None, copy_published: str | None, days: float) -> bool:
    """Does the page claim a publication more than ``days`` before the exclusive's? Then it is not
    a copy of it (the two share an earlier source: a press release, another agency), or the outlet's
    article is the copy; either way it is no evidence against the page. ``days`` = 0: never."""
    ex = _parse_time(exclusive_published or "")
    claimed = _parse_time(copy_published or "")
    if not days or ex is None or claimed is None:
        return False
    return claimed < ex - timedelta(days=days)
