"""The index of exclusives, and matching a page against it.

Three steps, cheapest first:
1. candidates: a sample of each exclusive's 3-word runs goes into one inverted index, two sorted
   numpy arrays (run hash -> exclusive number). A page looks up all its runs at once
   (``np.searchsorted``), and an exclusive with at least ``MIN_SHARED`` sampled runs on the page is
   a candidate. Runs, not whole-document sketches: a page carrying a quarter of an exclusive, or
   one with a word in five changed, still shares dozens of intact runs with it. The sample is
   content-defined (a run is kept when its hash's low bits are small), so the page needs no
   sampling and finds the same runs; short exclusives keep a larger share of their runs. At about
   12 bytes per sampled run this holds 100k exclusives in a few hundred MB, where a passage-level
   MinHashLSH needed ~8.7 KB per passage;
2. alignment (align.py): the copied spans, coverage, page share, match type. Each exclusive's
   runs are kept, in text order, as 32-bit hashes in one flat array, so candidates need no
   re-tokenizing; a candidate with too few shared runs to reach ``min_coverage`` is dropped
   before any chaining;
3. TF-IDF cosine of the normalized words, reported as ``similarity`` (same formula as
   scikit-learn's ``TfidfVectorizer`` defaults, computed from word hashes for matches only).

Runs of words that many exclusives share (the exclusivity notice, the outlet's boilerplate) are
"common": they never make a candidate and never count as copied. Everything is seeded and
deterministic: the same exclusives and page always give the same matches.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ..config import MatchConfig
from ..models import Exclusive, Match, Span
from ..text.normalize import Tokens, tokenize
from .align import Alignment, align, match_type
from .fingerprint import run_hashes, word_hashes

GRAM_WORDS = 3  # k of the k-word runs used for candidates and alignment
SAMPLE_RATE = 0.25  # share of an exclusive's runs indexed for candidates...
SAMPLE_TARGET = 100  # ...raised so that an exclusive keeps about this many (short ones keep all)
MIN_SHARED = 3  # sampled runs an exclusive must share with a page to become a candidate
MAX_POSTINGS = 100  # a sampled run in more exclusives than this says nothing: not indexed
_SAMPLE_BITS = 16


def _sample(grams: np.ndarray) -> np.ndarray:
    """The distinct runs of an exclusive that go into the candidate index."""
    if not len(grams):
        return grams
    rate = min(1.0, max(SAMPLE_RATE, SAMPLE_TARGET / len(grams)))
    cut = np.uint64(math.ceil(rate * (1 << _SAMPLE_BITS)))
    return np.unique(grams[(grams & np.uint64((1 << _SAMPLE_BITS) - 1)) < cut])


def _high32(grams: np.ndarray) -> np.ndarray:
    return (grams >> np.uint64(32)).astype(np.uint32)


class _DocFreq:
    """Document frequency of hashes, merged every few thousand documents to bound memory."""

    def __init__(self) -> None:
        self.keys = np.zeros(0, dtype=np.uint64)
        self.counts = np.zeros(0, dtype=np.int64)
        self._pending: list[np.ndarray] = []

    def add(self, distinct: np.ndarray) -> None:
        self._pending.append(distinct)
        if len(self._pending) >= 4096:
            self._merge()

    def _merge(self) -> None:
        if not self._pending:
            return
        new, counts = np.unique(np.concatenate(self._pending), return_counts=True)
        self._pending = []
        keys = np.concatenate([self.keys, new])
        allc = np.concatenate([self.counts, counts])
        order = np.argsort(keys, kind="stable")
        keys, allc = keys[order], allc[order]
        first = np.ones(len(keys), dtype=bool)
        first[1:] = keys[1:] != keys[:-1]
        starts = np.flatnonzero(first)
        self.keys = keys[starts]
        self.counts = np.add.reduceat(allc, starts) if len(keys) else allc

    def result(self) -> tuple[np.ndarray, np.ndarray]:
        self._merge()
        return self.keys, self.counts


def _common_runs(distinct_per_doc: list[np.ndarray], limit: int) -> np.ndarray:
    """Sorted run hashes found in at least ``limit`` documents (each array: one document, distinct)."""
    every = np.concatenate(distinct_per_doc) if distinct_per_doc else np.zeros(0, dtype=np.uint32)
    if len(every) < limit:
        return np.zeros(0, dtype=np.uint32)
    every.sort()
    head = every[: len(every) - limit + 1]
    return np.unique(head[head == every[limit - 1 :]])


class ExclusiveIndex:
    """All exclusives of the outlet, ready to be matched against pages."""

    def __init__(self, exclusives: Sequence[Exclusive], config: MatchConfig | None = None):
        self.config = config or MatchConfig()
        self._exclusives = tuple(exclusives)
        n = len(self._exclusives)
        runs: list[np.ndarray] = []
        distinct_runs: list[np.ndarray] = []
        samples: list[np.ndarray] = []
        word_df = _DocFreq()
        n_words = np.zeros(n, dtype=np.int64)
        for e, ex in enumerate(self._exclusives):
            wh = word_hashes(ex.text)
            grams = run_hashes(wh, GRAM_WORDS)
            short = _high32(grams)
            runs.append(short)
            distinct_runs.append(np.unique(short))
            samples.append(_sample(grams))
            word_df.add(np.unique(wh))
            n_words[e] = len(wh)
        # Per exclusive: its runs (32-bit, text order) are _runs[_starts[e]:_starts[e + 1]].
        self._starts = np.zeros(n + 1, dtype=np.int64)
        np.cumsum([len(r) for r in runs], out=self._starts[1:])
        self._runs = np.concatenate(runs) if runs else np.zeros(0, dtype=np.uint32)
        self._n_words = n_words
        del runs
        limit = max(3, math.ceil(0.05 * n))
        self._common = _common_runs(distinct_runs, limit)
        del distinct_runs
        self.common: frozenset[int] = frozenset(self._common.tolist())
        self._build_candidate_index(samples)
        self._vocab, df = word_df.result()
        # scikit-learn's smooth idf: ln((1 + n) / (1 + df)) + 1
        self._idf = np.log((1.0 + n) / (1.0 + df)) + 1.0

    def _build_candidate_index(self, samples: list[np.ndarray]) -> None:
        self._n_samples = np.array([len(s) for s in samples], dtype=np.int64)
        keys = np.concatenate(samples) if samples else np.zeros(0, dtype=np.uint64)
        ids = np.repeat(np.arange(len(samples), dtype=np.int32), self._n_samples)
        if len(self._common):
            keep = ~np.isin(_high32(keys), self._common)
            keys, ids = keys[keep], ids[keep]
        order = np.argsort(keys, kind="stable")
        keys, ids = keys[order], ids[order]
        _, counts = np.unique(keys, return_counts=True)
        keep = np.repeat(counts <= MAX_POSTINGS, counts)
        self._keys, self._ids = keys[keep], ids[keep]

    def __len__(self) -> int:
        return len(self._exclusives)

    @property
    def exclusives(self) -> list[Exclusive]:
        return list(self._exclusives)

    def candidates(self, page_grams: np.ndarray) -> list[int]:
        """Exclusives (by position) sharing at least ``MIN_SHARED`` sampled runs with the page."""
        if not len(self._keys) or not len(page_grams):
            return []
        grams = np.unique(page_grams)
        lo = np.searchsorted(self._keys, grams, side="left")
        hi = np.searchsorted(self._keys, grams, side="right")
        sizes = hi - lo
        found = sizes > 0
        lo, sizes = lo[found], sizes[found]
        if not len(sizes):
            return []
        # every posting of every found run, gathered without a Python loop
        firsts = np.cumsum(sizes) - sizes
        where = np.repeat(lo - firsts, sizes) + np.arange(int(sizes.sum()))
        ids, shared = np.unique(self._ids[where], return_counts=True)
        need = np.minimum(MIN_SHARED, self._n_samples[ids])
        return [int(i) for i in ids[shared >= need]]

    def _weights(self, wh: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """TF-IDF weights (raw counts times idf) of the words in the exclusives' vocabulary."""
        if not len(self._vocab) or not len(wh):
            return np.zeros(0, dtype=np.uint64), np.zeros(0)
        words, counts = np.unique(wh, return_counts=True)
        at = np.minimum(np.searchsorted(self._vocab, words), len(self._vocab) - 1)
        known = self._vocab[at] == words
        return words[known], counts[known] * self._idf[at[known]]

    def _cosine(self, page_wh: np.ndarray, e_idx: int) -> float:
        pw, pv = self._weights(page_wh)
        ew, ev = self._weights(word_hashes(self._exclusives[e_idx].text))
        norm = float(np.linalg.norm(pv) * np.linalg.norm(ev))
        if not norm:
            return 0.0
        _, ip, ie = np.intersect1d(pw, ew, assume_unique=True, return_indices=True)
        return float(pv[ip] @ ev[ie]) / norm

    def similarity(self, page_text: str, e_idx: int) -> float:
        """TF-IDF cosine of a page's text and one exclusive (the page's unknown words are ignored)."""
        return self._cosine(word_hashes(page_text), e_idx)

    def match(self, page_url: str, text: str) -> list[Match]:
        """Every exclusive the page copies at least ``min_coverage`` of, best first."""
        page_wh = word_hashes(text)
        page_grams = run_hashes(page_wh, GRAM_WORDS)
        page_short = _high32(page_grams)
        results: list[Match] = []
        tokens: Tokens | None = None
        for e_idx in self.candidates(page_grams):
            a = align(
                self._runs[self._starts[e_idx] : self._starts[e_idx + 1]],
                page_short,
                int(self._n_words[e_idx]),
                len(page_wh),
                k=GRAM_WORDS,
                common=self._common,
                min_span_words=self.config.min_span_words,
                min_coverage=self.config.min_coverage,
            )
            if a.coverage < self.config.min_coverage:
                continue
            sim = self._cosine(page_wh, e_idx)
            if sim < self.config.min_similarity:
                continue
            tokens = tokens if tokens is not None else tokenize(text)
            results.append(self._to_match(self._exclusives[e_idx], page_url, tokens, a, sim))
        results.sort(key=lambda m: -m.coverage)
        return results

    def _to_match(self, ex: Exclusive, page_url: str, tokens: Tokens, a: Alignment, sim: float) -> Match:
        ex_tokens = tokenize(ex.text)
        spans = []
        for s in a.spans:
            es, ee = _char_span(ex_tokens, s.ex_start, s.ex_end)
            ps, pe = _char_span(tokens, s.page_start, s.page_end)
            spans.append(Span(es, ee, ps, pe))
        return Match(
            exclusive_url=ex.url,
            page_url=page_url,
            coverage=round(a.coverage, 4),
            page_share=round(a.page_share, 4),
            similarity=round(min(sim, 1.0), 4),
            match_type=match_type(a),
            spans=tuple(spans),
        )


def _char_span(tokens: Tokens, start: int, end: int) -> tuple[int, int]:
    return tokens.starts[start], tokens.ends[min(end, len(tokens)) - 1]
