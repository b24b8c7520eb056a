"""The index of exclusives, and matching a page against it.

Three steps, cheapest first:
1. candidates: every exclusive is cut into overlapping passages of ``PASSAGE_WORDS`` words; each
   passage's MinHash goes into a datasketch ``MinHashLSH``. A page's passages query it, and an
   exclusive becomes a candidate when some passage of the page resembles one of its passages.
   Passages, not whole documents: a page carrying half an exclusive, or an edited one, still
   shares whole passages with it (whole-document LSH misses most of those);
2. alignment (align.py): the copied spans, coverage, page share, match type;
3. TF-IDF cosine (scikit-learn) of the normalized texts, reported as ``similarity``.

Runs of words that many exclusives share (the exclusivity notice, the outlet's boilerplate) are
"common": they never make a candidate and never count as copied.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from datasketch import MinHashLSH
from sklearn.feature_extraction.text import TfidfVectorizer

from ..config import MatchConfig
from ..models import Exclusive, Match, Span
from ..text.normalize import Tokens, tokenize
from .align import Alignment, align, match_type
from .fingerprint import gram_hashes, minhash

GRAM_WORDS = 3  # k of the k-word runs used for passages and alignment
PASSAGE_WORDS = 40
PASSAGE_STRIDE = 20
LSH_THRESHOLD = 0.3
LSH_PERM = 64


@dataclass(frozen=True)
class _Entry:
    exclusive: Exclusive
    grams: np.ndarray
    words: int


def _passages(grams: np.ndarray) -> list[np.ndarray]:
    n = len(grams)
    if n <= PASSAGE_WORDS:
        return [grams] if n else []
    starts = list(range(0, n - PASSAGE_WORDS + 1, PASSAGE_STRIDE))
    if starts[-1] != n - PASSAGE_WORDS:
        starts.append(n - PASSAGE_WORDS)
    return [grams[s : s + PASSAGE_WORDS] for s in starts]


def _char_span(tokens: Tokens, start: int, end: int) -> tuple[int, int]:
    return tokens.starts[start], tokens.ends[min(end, len(tokens)) - 1]


class ExclusiveIndex:
    """All exclusives of the outlet, ready to be matched against pages."""

    def __init__(self, exclusives: Sequence[Exclusive], config: MatchConfig | None = None):
        self.config = config or MatchConfig()
        self._entries: list[_Entry] = []
        df: Counter[int] = Counter()
        for ex in exclusives:
            tokens = tokenize(ex.text)
            grams = gram_hashes(tokens.words, GRAM_WORDS)
            self._entries.append(_Entry(ex, grams, len(tokens)))
            df.update(set(grams.tolist()))
        n = len(self._entries)
        limit = max(3, math.ceil(0.05 * n))
        self.common: frozenset[int] = frozenset(g for g, c in df.items() if c >= limit)
        common_arr = np.fromiter(self.common, dtype=np.uint64, count=len(self.common))
        self._lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=LSH_PERM)
        for e_idx, entry in enumerate(self._entries):
            kept = entry.grams[~np.isin(entry.grams, common_arr)] if len(common_arr) else entry.grams
            for p_idx, passage in enumerate(_passages(kept)):
                self._lsh.insert((e_idx, p_idx), minhash(passage, LSH_PERM, self.config.seed))
        self._common_arr = common_arr
        self._tfidf = TfidfVectorizer(
            analyzer="word",
            token_pattern=r"\S+",  # noqa: S106 (a regex, not a password) sublinear_tf=True, lowercase=False, dtype=np.float32
        )
        corpus = [" ".join(tokenize(e.exclusive.text).words) for e in self._entries]
        self._ex_vectors = self._tfidf.fit_transform(corpus) if any(corpus) else None

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def exclusives(self) -> list[Exclusive]:
        return [e.exclusive for e in self._entries]

    def candidates(self, page_grams: np.ndarray) -> list[int]:
        """Exclusives (by position) sharing at least one passage with the page."""
        kept = page_grams[~np.isin(page_grams, self._common_arr)] if len(self._common_arr) else page_grams
        found: set[int] = set()
        for passage in _passages(kept):
            for e_idx, _ in self._lsh.query(minhash(passage, LSH_PERM, self.config.seed)):
                found.add(e_idx)
        return sorted(found)

    def similarity(self, page_text: str, e_idx: int) -> float:
        if self._ex_vectors is None:
            return 0.0
        v = self._tfidf.transform([page_text])
        return float((self._ex_vectors[e_idx] @ v.T).toarray()[0, 0])

    def match(self, page_url: str, text: str) -> list[Match]:
        """Every exclusive the page copies at least ``min_coverage`` of, best first."""
        tokens = tokenize(text)
        page_grams = gram_hashes(tokens.words, GRAM_WORDS)
        results: list[Match] = []
        page_norm: str | None = None
        for e_idx in self.candidates(page_grams):
            entry = self._entries[e_idx]
            a = align(
                entry.grams,
                page_grams,
                entry.words,
                len(tokens),
                k=GRAM_WORDS,
                common=self.common,
                min_span_words=self.config.min_span_words,
            )
            if a.coverage < self.config.min_coverage:
                continue
            page_norm = page_norm if page_norm is not None else " ".join(tokens.words)
            sim = self.similarity(page_norm, e_idx)
            if sim < self.config.min_similarity:
                continue
            results.append(self._to_match(entry, page_url, tokens, a, sim))
        results.sort(key=lambda m: -m.coverage)
        return results

    def _to_match(self, entry: _Entry, page_url: str, tokens: Tokens, a: Alignment, sim: float) -> Match:
        ex_tokens = tokenize(entry.exclusive.text)
        spans = []
        for s in a.spans:
            es, ee = _char_span(ex_tokens, s.ex_start, s.ex_end)
            ps, pe = _char_span(tokens, s.page_start, s.page_end)
            spans.append(Span(es, ee, ps, pe))
        return Match(
            exclusive_url=entry.exclusive.url,
            page_url=page_url,
            coverage=round(a.coverage, 4),
            page_share=round(a.page_share, 4),
            similarity=round(min(sim, 1.0), 4),
            match_type=match_type(a),
            spans=tuple(spans),
        )
