"""The outlet's names in a text: long names folded, short ones (acronyms) as whole words; credit
phrases, parentheses, datelines and credit lines around them; the exclusivity notice."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from difflib import SequenceMatcher

from ..config import OutletConfig
from ..text.normalize import NAME_WORD as _WORD
from ..text.normalize import fold_for_names as normalize_ar
from ..text.normalize import name_tokens as _tokens
from .vocabulary import (
    _CREDIT_PHRASES,
    _CREDIT_WORDS,
    _DATE_WORDS,
    _FILLERS,
    _LOOKALIKE_TAILS,
    _MAX_GAP,
    _MAX_LINE_OTHERS,
    _MAX_LINE_TOKENS,
    _NOTICE_EXCLUSIVE,
    _NOTICE_FORBID,
    _PAREN_CLOSE,
    _PAREN_OPEN,
    _SEPARATORS,
    CONJUNCTIONS,
)


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
        every = (outlet.name, *outlet.aliases, *outlet.domains)
        # one word of a longer name given alone («كواليس» of «كواليس اليوم») is a short form: an
        # everyday word too often («كواليس الوزارة»), so it counts in credit positions only
        words_of_longer = {
            t for n in (outlet.name, *outlet.aliases) for t in _tokens(n) if len(_tokens(n)) > 1
        }
        for name in every:
            toks = _tokens(name)
            if not toks:
                continue  # config validation refuses such a name; nothing to look for
            if is_short_name(name) or (
                len(toks) == 1 and name not in outlet.domains and toks[0] in words_of_longer
            ):
                short.add(tuple(toks))
                if len(toks) > 1 and all(len(t) == 1 for t in toks):
                    short.add(("".join(toks),))  # «و.م.ع» is also written «ومع»
            else:
                keys.add("".join(toks))
        self.keys = keys
        self.short = short
        self.max_len = max((len(_tokens(n)) for n in every), default=1) + 1
        # a text holds a name only if its words, run together, hold the name's first letters:
        # most sentences of a page name nobody, and this says so without the token loop
        self._probes = tuple({k[:4] for k in keys} | {"".join(t)[:4] for t in short})

    def find(self, text: str) -> tuple[list[re.Match[str]], list[_Hit]]:
        norm = normalize_ar(text)
        ms = list(_WORD.finditer(norm))
        toks = [m.group() for m in ms]
        hits: list[_Hit] = []
        joined_all = "".join(toks)
        if not any(p in joined_all for p in self._probes):
            return ms, hits
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
            if found and i + found < len(toks) and toks[i + found] in _LOOKALIKE_TAILS:
                i += found + 1  # «كواليس بريس», "Kawalis News": another outlet's name, not this one
            elif found:
                hits.append(_Hit(i, i + found, ms[i].start(), ms[i + found - 1].end(), is_short))
                i += found
            else:
                i += 1
        return ms, hits

    def any_long(self, text: str) -> bool:
        return any(not h.short for h in self.find(text)[1])

    def any(self, text: str) -> bool:
        return bool(self.find(text)[1])


def _has_phrase_before(toks: list[str], hit: _Hit, max_gap: int = _MAX_GAP) -> bool:
    """A credit phrase ending at most _MAX_GAP tokens before the name. Leading filler words of the
    matched alias ("موقع" of "موقع كواليس اليوم") may belong to the phrase ("أفاد موقع"), and the
    phrase's first word may carry an attached conjunction («وحسب», «فبحسب»)."""
    start = hit.start
    while start < hit.end - 1 and toks[start] in _FILLERS:
        start += 1
    window = toks[max(0, start - 6 - _MAX_GAP) : start]
    for phrase in _CREDIT_PHRASES:
        n = len(phrase)
        for j in range(len(window) - n, -1, -1):
            got = tuple(window[j : j + n])
            if got != phrase and not (
                got[0][:1] in CONJUNCTIONS and len(got[0]) > 2 and (got[0][1:],) + got[1:] == phrase
            ):
                continue
            if len(window) - (j + n) <= max_gap:
                return True
    return False


def _closing_credit(text: str, names: _Names) -> bool:
    """A name in parentheses closing (or opening) a paragraph: «... الموسم المقبل. (و.م.ع)»,
    «... saison. (Avec MAP)», «(كواليس) أعلنت ...»: the agency's or paper's mark on the text."""
    folded = normalize_ar(text).strip()
    for m in (_CLOSING_PAREN.search(folded), _OPENING_PAREN.match(folded)):
        if m is None:
            continue
        ms, hits = names.find(m.group(1))
        toks = [x.group() for x in ms]
        if hits and len(toks) - sum(h.end - h.start for h in hits) <= 2:
            return True
    return False


_CLOSING_PAREN = re.compile(r"[(\[]\s*([^()\[\]]{1,40}?)\s*[)\]][\s.\u060c,;:!]*\Z")
_OPENING_PAREN = re.compile(r"\A[(\[]\s*([^()\[\]]{1,40}?)\s*[)\]]")


def _in_parentheses(norm: str, hit: _Hit) -> bool:
    before = norm[: hit.char_start].rstrip(" \"'")
    after = norm[hit.char_end :].lstrip(" \"'")
    return bool(before) and before[-1] in _PAREN_OPEN and bool(after) and after[0] in _PAREN_CLOSE


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?؟…])\s+|\n+", text) if s.strip()]


def _is_notice(sentence: str, notice_norm: str) -> bool:
    norm = normalize_ar(sentence)
    if notice_norm:
        a, b = " ".join(_WORD.findall(norm)), notice_norm
        if a and b in a and len(b) >= 0.6 * len(a):
            return True
        # ratio() <= 2 * min / (len a + len b): a sentence far longer or shorter than the notice
        # cannot reach 0.75, and most of a page's sentences are; skip the costly comparison then
        if a and 2 * min(len(a), len(b)) >= 0.75 * (len(a) + len(b)):
            m = _notice_matcher(b)
            m.set_seq1(a)
            if m.quick_ratio() >= 0.75 and m.ratio() >= 0.75:
                return True
    return bool(_NOTICE_EXCLUSIVE.search(norm) and _NOTICE_FORBID.search(norm))


_MATCHERS = threading.local()


def _notice_matcher(notice_norm: str) -> SequenceMatcher[str]:
    """A SequenceMatcher with the notice as its second sequence, made once per thread: difflib
    indexes the second sequence (and counts its letters for quick_ratio) once, and a page asks
    about every one of its sentences."""
    kept: dict[str, SequenceMatcher[str]] = getattr(_MATCHERS, "by_notice", None) or {}
    _MATCHERS.by_notice = kept
    m = kept.get(notice_norm)
    if m is None:
        if len(kept) > 16:
            kept.clear()
        m = kept[notice_norm] = SequenceMatcher(None, "", notice_norm)
    return m


def _dateish(tok: str) -> bool:
    return tok.isdigit() or tok in _DATE_WORDS


def _credit_line(line: str, names: _Names) -> bool:
    """A short line naming the outlet with little else: «الرياض - واس», «(و.م.ع)», «Rabat (MAP)»,
    «واس - جدة», «كواليس اليوم», «المصدر: واس». A joint byline's parenthesised roles are not counted
    against it: «جدة : واس (إعداد : علي الشهري - تصوير : تركي البوق)»."""
    bare = _ROLES.sub(" ", line)
    if bare != line and names.find(bare)[1]:
        line = bare
    ms, hits = names.find(line)
    toks = [m.group() for m in ms]
    if not hits or len(toks) > _MAX_LINE_TOKENS:
        return False
    inside = {k for h in hits for k in range(h.start, h.end)}
    others = [t for k, t in enumerate(toks) if k not in inside and not _dateish(t) and t not in _CREDIT_WORDS]
    return len(others) <= _MAX_LINE_OTHERS


# a parenthesised group naming the people behind a story: «(إعداد: ...)», «(تصوير: ... - تحرير: ...)»
_ROLES = re.compile(
    r"[(\[][^()\[\]]{0,120}(?:إعداد|اعداد|تصوير|تحرير|متابعة|كتابة|ترجمة|photo|par )[^()\[\]]{0,120}[)\]]",
    re.I,
)


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
