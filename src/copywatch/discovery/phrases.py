"""Which passages of an exclusive to search for: short, rare, spread over the article.

A search engine finds a copy only through words the copier kept. So each query is a short exact
phrase (``PHRASE_WORDS`` consecutive words: one edited word breaks a phrase, and the shorter the
phrase the likelier it survives), taken from inside one sentence, and chosen to be rare:

- rarity is measured against every exclusive loaded: a word's weight is its inverse document
  frequency, so words the outlet writes everywhere weigh little;
- a phrase may not hold a run of three words that another exclusive also holds (the exclusivity
  notice, the outlet's formulas and datelines) nor any of the configured notice's runs, nor a
  sentence shaped like an exclusivity notice;
- a phrase may not hold quoted words (in «», "" or “”): other outlets may print a quoted statement
  legitimately, and searching it finds them;
- phrases are spread over the article: it is cut into as many parts as there are queries, and each
  round takes the next best phrase of every part (a partial copy carries only some parts).

Round ``r`` of an exclusive (see ``plan``) asks the ``r``-th set of phrases, so a later round also
tries passages the first did not.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..match.fingerprint import distinct, gram_hashes, tally
from ..text.normalize import tokenize

PHRASE_WORDS = 6  # words per phrase: short phrases survive edits (measured best recall: 6 words)
MIN_PHRASE_WORDS = 6  # a whole sentence this short may still be a phrase
_RUN = 3  # words per run when looking for text shared between exclusives
_BARRIER = re.compile(r"[.!?؟…:؛;\n«»\"“”„]")  # a phrase never spans these
_QUOTED = re.compile(r"«[^»]{0,3000}»|“[^”]{0,3000}”|„[^“”]{0,3000}[“”]|\"[^\"\n]{0,3000}\"")
_NOTICE_EXCLUSIVE = ("حصري", "حصريا", "exclusif", "exclusive", "exclusivite")
_NOTICE_FORBID = ("يمنع", "ممنوع", "يحظر", "محظور", "interdit", "interdite", "forbidden", "prohibited")


@dataclass(frozen=True)
class Phrase:
    """One passage to search for: its words as the exclusive writes them, and where it sits."""

    text: str
    start: int  # index of its first word among the exclusive's words
    words: int
    score: float  # the sum of its words' weights (rarity)


class PhrasePicker:
    """Picks the phrases of each exclusive, knowing all the exclusives loaded (for rarity)."""

    def __init__(self, texts: Sequence[str], notice: str = "", words: int = PHRASE_WORDS):
        self.words = max(MIN_PHRASE_WORDS, words)
        self._n = len(texts)
        self._df: Counter[str] = Counter()
        runs = []
        for text in texts:
            w = tokenize(text).words
            self._df.update(set(w))
            runs.append(distinct(gram_hashes(w, _RUN)))
        values, counts = tally(np.concatenate(runs)) if runs else (np.zeros(0, np.uint64), None)
        self._shared = values[counts >= 2] if counts is not None else values  # sorted run hashes
        self._notice = (
            distinct(gram_hashes(tokenize(notice).words, _RUN)) if notice else np.zeros(0, np.uint64)
        )

    def weight(self, word: str) -> float:
        return math.log((self._n + 1) / (self._df.get(word, 0) + 1)) + 1.0

    def candidates(self, text: str) -> list[Phrase]:
        """Every admissible phrase of ``text`` (overlapping), in text order. An article that shares
        every run of three words with other exclusives (a republished or near-duplicate one) may use
        shared runs after all: a rare phrase of it is better than none."""
        return self._candidates(text, avoid_shared=True) or self._candidates(text, avoid_shared=False)

    def _candidates(self, text: str, avoid_shared: bool) -> list[Phrase]:
        toks = tokenize(text)
        words, starts, ends = toks.words, toks.starts, toks.ends
        n = len(words)
        if n == 0:
            return []
        quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
        bad = [any(a <= starts[i] < b for a, b in quoted) for i in range(n)]
        # sentence number of each word: a barrier between two words starts a new sentence
        sentence = [0] * n
        for i in range(1, n):
            gap = text[ends[i - 1] : starts[i]]
            sentence[i] = sentence[i - 1] + (1 if _BARRIER.search(gap) else 0)
        hashes = gram_hashes(words, _RUN)
        hit = _member(hashes, self._notice)
        if avoid_shared:
            hit |= _member(hashes, self._shared)
        for i in np.flatnonzero(hit).tolist():
            for j in range(i, i + _RUN):
                bad[j] = True
        by_sentence: dict[int, list[int]] = {}
        for i, s in enumerate(sentence):
            by_sentence.setdefault(s, []).append(i)
        for idx in by_sentence.values():
            folded = {words[i] for i in idx}
            if folded & set(_NOTICE_EXCLUSIVE) and folded & set(_NOTICE_FORBID):
                for i in idx:
                    bad[i] = True
        out = []
        for idx in by_sentence.values():
            length = min(self.words, len(idx))
            if length < MIN_PHRASE_WORDS:
                continue
            for k in range(len(idx) - length + 1):
                span = idx[k : k + length]
                if any(bad[i] for i in span):
                    continue
                out.append(
                    Phrase(
                        text=_original(text, starts, ends, span),
                        start=span[0],
                        words=length,
                        score=sum(self.weight(words[i]) for i in span),
                    )
                )
        return out

    def ranked(self, text: str, parts: int) -> list[Phrase]:
        """Non-overlapping phrases, the best of each part of the article first, then the second best
        of each part, and so on: the order in which rounds take them."""
        cands = self.candidates(text)
        if not cands:
            return []
        parts = max(1, parts)
        total = max(p.start + p.words for p in cands)
        lists: list[list[Phrase]] = []
        for k in range(parts):
            lo, hi = total * k / parts, total * (k + 1) / parts
            mine = sorted(
                (p for p in cands if lo <= p.start + p.words / 2 < hi), key=lambda p: (-p.score, p.start)
            )
            lists.append(mine)
        taken: list[Phrase] = []
        per_part: list[list[Phrase]] = [[] for _ in range(parts)]
        for k, mine in enumerate(lists):
            for p in mine:
                if not any(_overlap(p, q) for q in taken):
                    taken.append(p)
                    per_part[k].append(p)
        order: list[Phrase] = []
        depth = max(len(x) for x in per_part)
        for rank in range(depth):
            order += [x[rank] for x in per_part if rank < len(x)]
        return order

    def phrases(self, text: str, count: int, round_: int = 0) -> list[str]:
        """The ``count`` phrases of round ``round_`` (rounds past the last distinct set start over)."""
        order = self.ranked(text, count)
        if not order:
            return []
        sets = max(1, math.ceil(len(order) / count))
        first = (round_ % sets) * count
        chosen = order[first : first + count]
        return list(dict.fromkeys(p.text for p in chosen))


def _member(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """For each value, whether it is in ``sorted_set``."""
    if not len(sorted_set) or not len(values):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_set, values), len(sorted_set) - 1)
    return np.asarray(sorted_set[at] == values)


def _overlap(a: Phrase, b: Phrase) -> bool:
    return a.start < b.start + b.words and b.start < a.start + a.words


def _original(text: str, starts: Sequence[int], ends: Sequence[int], span: Sequence[int]) -> str:
    """The words of ``span`` as the text writes them, joined by single spaces (a token that folds
    into several words is written once)."""
    pieces: list[str] = []
    last = (-1, -1)
    for i in span:
        where = (starts[i], ends[i])
        if where != last:
            pieces.append(text[where[0] : where[1]])
        last = where
    return " ".join(pieces)
