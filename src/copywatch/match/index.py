"""The index of exclusives, and matching a page against it.

Three steps, cheapest first:
1. candidates: MinHash LSH over passages. Each exclusive is cut into overlapping passages of
   ``PASSAGE_RUNS`` 3-word runs; each passage gets a MinHash signature (datasketch's MinHash,
   evaluated for all passages at once: fingerprint.PassageMinHash), cut into ``BANDS`` bands of
   ``ROWS`` values; each band's key goes into one inverted index, a sorted numpy array of postings
   (key with the exclusive's number in its low bits, 8 bytes each). A page's passages are looked
   up all at once (``np.searchsorted``), and an exclusive sharing ``MIN_BAND_HITS`` band keys with
   the page is a candidate. Passages, not whole documents: a page carrying a quarter of an
   exclusive, or one with a word in five changed, still has passages much like the exclusive's,
   where a whole-document sketch sees a low similarity. The postings take ~2.5 KB per exclusive,
   where datasketch's MinHashLSH needed ~8.7 KB per passage;
2. alignment (align.py): the copied spans, coverage, page share, match type. Each exclusive's
   runs are kept, in text order, as 32-bit hashes in flat arrays, so candidates need no
   re-tokenizing; a candidate with too few shared runs to reach ``min_coverage`` is dropped
   before any chaining. Only a reported match re-tokenizes the texts, for character offsets;
3. TF-IDF cosine of the normalized words, reported as ``similarity``: scikit-learn's
   ``TfidfTransformer`` over hashed word features, idf learned from the exclusives, computed
   for matches only.

The heavy libraries are imported where they are first used, not with this module: datasketch when
an index is built (its permutations), scikit-learn when the first match is scored. So with worker
processes ([scan] workers > 1) the scan's own process, which builds the index and forks the
workers, never imports scikit-learn (0.85 s with the parts of SciPy it loads, all of it on the
scan's critical path): each worker does, at its first match, in parallel with the others.
A command that only reads the store (``report``, ``findings``, the web app) imports neither.
(Importing them in a thread while the scan fetches the exclusives was measured slower: the import
holds the interpreter lock the fetching thread waits for.)

Runs of words that many exclusives share (the exclusivity notice, the outlet's boilerplate) are
"common": they never make a candidate and never count as copied. Everything is seeded and
deterministic: the same exclusives and page always give the same matches.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from scipy import sparse

from ..config import MatchConfig
from ..models import Exclusive, Match, Span
from ..text.normalize import Tokens, tokenize, words
from .align import Alignment, align, match_type
from .fingerprint import (
    PassageMinHash,
    band_keys,
    distinct,
    high32,
    run_hashes,
    run_hashes_many,
    tally,
    word_hashes,
    word_hashes_many,
)

GRAM_WORDS = 3  # k of the k-word runs used for candidates and alignment
PASSAGE_RUNS = 40  # an exclusive's passages: 40 runs...
PASSAGE_STRIDE = 20  # ...every 20 runs (a page's passages every 10, so they line up better)
PAGE_STRIDE = 10
BANDS = 12  # LSH: 12 bands of 2 rows, so 24 MinHash permutations
ROWS = 2
MIN_BAND_HITS = 2  # distinct band keys an exclusive must share with a page to become a candidate
N_FEATURES = 1 << 20  # hashed word features for TF-IDF
MAX_POSTINGS = 100  # a band key in more exclusives than this says nothing: not indexed
_CHUNK = 8192  # exclusives per chunk of stored runs
# A posting is one uint64: a band key with its low _ID_BITS bits replaced by the exclusive's
# number. Sorted, the postings of one key are contiguous; 40 hash bits are plenty to tell keys apart.
_ID_BITS = 24
_ID_MASK = np.uint64((1 << _ID_BITS) - 1)
_KEY_MASK = ~_ID_MASK
_BATCH = 64  # exclusives fingerprinted together (one set of array operations for all of them)
_BLOCK = 1 << 20  # postings handled at a time when the candidate index is sorted out in place
_high32 = high32


def _member(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """Which ``values`` are in ``sorted_set`` (sorted, distinct): binary search, no sort of both."""
    if not len(sorted_set):
        return np.zeros(len(values), dtype=bool)
    # the values looked up in increasing order walk the set's memory once (the formula can be
    # millions of runs: four times faster than in text order)
    order = np.argsort(values)
    ordered = values[order]
    at = np.searchsorted(sorted_set, ordered)
    found = np.empty(len(values), dtype=bool)
    found[order] = sorted_set[np.minimum(at, len(sorted_set) - 1)] == ordered
    return found


def _compact(a: np.ndarray, keep: Callable[[np.ndarray], np.ndarray]) -> int:
    """Move the elements ``keep(block)`` selects to the front of ``a``, in place and block by block
    (no second copy of ``a``); returns how many were kept."""
    written = 0
    for start in range(0, len(a), _BLOCK):
        kept = a[start : start + _BLOCK][keep(a[start : start + _BLOCK])]  # a copy, made first
        a[written : written + len(kept)] = kept
        written += len(kept)
    return written


_VECTORS_KEPT = 4096  # exclusives' TF-IDF vectors kept (a few KB each)


class ExclusiveIndex:
    """All exclusives of the outlet, ready to be matched against pages."""

    def __init__(
        self,
        exclusives: Sequence[Exclusive],
        config: MatchConfig | None = None,
        archive: Mapping[str, bytes] | None = None,
    ):
        """``archive``: the outlet's other articles (URL -> ``article_runs``), from the store's formula
        index; runs that ``formula_min_docs`` of the outlet's articles share are its formula."""
        self.config = config or MatchConfig()
        self._exclusives = tuple(exclusives)
        n = len(self._exclusives)
        if n > _ID_MASK:
            raise ValueError(f"at most {int(_ID_MASK):,} exclusives, got {n:,}")
        # Each exclusive's runs (32-bit, text order) go into one flat array per _CHUNK exclusives:
        # exclusive e's are _chunks[e // _chunk][_begin[e]:_end[e]]. Chunks, not one array, so
        # building never holds two copies of all the runs.
        self._chunk = _CHUNK
        self._paragraphs: dict[int, np.ndarray] = {}
        self._ex_vectors: dict[int, sparse.csr_matrix] = {}  # oldest first (dicts keep insertion order)
        self._chunks: list[np.ndarray] = []
        self._begin = np.zeros(n, dtype=np.int64)
        self._end = np.zeros(n, dtype=np.int64)
        self._n_words = np.zeros(n, dtype=np.int64)
        pending: list[np.ndarray] = []
        at = 0
        # document frequency of the hashed word features (as HashingVectorizer makes them): each
        # exclusive's distinct words, counted once per exclusive, a chunk at a time
        feature_df = np.zeros(N_FEATURES, dtype=np.int64)
        features: list[np.ndarray] = []
        self._title_words = np.zeros(n, dtype=np.int64)
        self._tail_words = np.zeros(n, dtype=np.int64)
        for lo in range(0, n, _BATCH):
            batch = self._exclusives[lo : lo + _BATCH]
            word_hs = word_hashes_many([ex.text for ex in batch])
            for e, ex, wh, grams in zip(
                range(lo, lo + len(batch)), batch, word_hs, run_hashes_many(word_hs, GRAM_WORDS), strict=True
            ):
                self._title_words[e], self._tail_words[e] = _unmeasured_lines(ex)
                pending.append(_high32(grams))
                features.append((distinct(wh) % np.uint64(N_FEATURES)).astype(np.int32))
                self._n_words[e] = len(wh)
                self._begin[e], self._end[e] = at, at + len(grams)
                at += len(grams)
                if len(pending) == self._chunk or e == n - 1:
                    self._chunks.append(np.concatenate(pending))
                    feature_df += np.bincount(np.concatenate(features), minlength=N_FEATURES)
                    pending, features, at = [], [], 0
        limit = max(3, math.ceil(0.05 * n))
        self._common = self._common_runs(limit)
        self.common: frozenset[int] = frozenset(self._common.tolist())
        self._formula = self._formula_runs(archive or {})
        self._build_candidate_index()
        # scikit-learn's TfidfTransformer over hashed word features, with the idf learned from the
        # exclusives' document frequencies. Words no exclusive has get idf 0: they say nothing
        # about resemblance to an exclusive.
        self._idf = np.where(feature_df > 0, np.log((1.0 + n) / (1.0 + feature_df)) + 1.0, 0.0)
        self._tfidf: Any = None  # made where the first match is scored (see the module's docstring)

    def _paragraph_starts(self, e_idx: int) -> np.ndarray:
        """The word index where each paragraph of an exclusive starts (computed for candidates only)."""
        starts = self._paragraphs.get(e_idx)
        if starts is None:
            sizes = [len(word_hashes(p)) for p in self._exclusives[e_idx].text.split("\n")]
            starts = np.cumsum([0, *sizes[:-1]]).astype(np.int64)
            self._paragraphs[e_idx] = starts
        return starts

    def _runs(self, e_idx: int) -> np.ndarray:
        return self._chunks[e_idx // self._chunk][self._begin[e_idx] : self._end[e_idx]]

    def _distinct_runs(self, c: int) -> np.ndarray:
        """The distinct runs of each exclusive of chunk ``c``, concatenated (one per exclusive)."""
        first, stop = c * self._chunk, (c + 1) * self._chunk
        sizes = self._end[first:stop] - self._begin[first:stop]
        doc = np.repeat(np.arange(len(sizes), dtype=np.uint64), sizes)
        pairs = (self._chunks[c].astype(np.uint64) << np.uint64(32)) | doc
        return (distinct(pairs) >> np.uint64(32)).astype(np.uint32)

    def _common_runs(self, limit: int) -> np.ndarray:
        """Sorted runs found in at least ``limit`` exclusives, counted chunk by chunk to bound memory.

        A run in ``limit`` exclusives is in at least limit / chunks of them in some chunk, so only
        those go on to an exact count.
        """
        chunks = range(len(self._chunks))
        floor = max(1, limit // max(1, len(chunks)))
        maybe: list[np.ndarray] = []
        for c in chunks:
            runs, counts = tally(self._distinct_runs(c))
            maybe.append(runs[counts >= floor])
        suspects = distinct(np.concatenate(maybe)) if maybe else np.zeros(0, dtype=np.uint32)
        if len(chunks) <= 1 or not len(suspects):
            return suspects
        total = np.zeros(len(suspects), dtype=np.int64)
        for c in chunks:
            runs = self._distinct_runs(c)
            runs = runs[_member(runs, suspects)]
            total += np.bincount(np.searchsorted(suspects, runs), minlength=len(suspects))
        return suspects[total >= limit]

    def _formula_runs(self, archive: Mapping[str, bytes]) -> np.ndarray:
        """Sorted runs (not common) that at least ``formula_min_docs`` distinct articles of the outlet
        carry: the exclusives loaded now and the archive's other articles. Near-duplicates (the same
        article under another URL, an updated version) are one article, so an article stored twice
        never becomes formula.

        Counted without holding every article's runs twice: the near-duplicate groups come from
        small sketches, then each group's distinct runs go into one preallocated array, sorted in
        place; a run repeated ``formula_min_docs`` times there is in that many groups.
        """
        urls = {e.url for e in self._exclusives} | {e.fetched_url for e in self._exclusives}
        n = len(self._exclusives)
        stored = [np.frombuffer(b, dtype="<u4") for u, b in archive.items() if u not in urls]
        sketches = [distinct(self._runs(e))[:SKETCH].copy() for e in range(n)]  # (a view would hold all)
        sketches += [d[:SKETCH].astype(np.uint32) for d in stored]  # stored sorted and distinct

        def runs_of(doc: int) -> np.ndarray:
            return distinct(self._runs(doc)) if doc < n else stored[doc - n].astype(np.uint32)

        groups = _near_duplicate_groups(sketches)
        del sketches
        every = np.empty(int((self._end - self._begin).sum()) + sum(len(d) for d in stored), dtype=np.uint32)
        at = 0
        for group in groups:
            runs = (
                runs_of(group[0])
                if len(group) == 1
                else distinct(np.concatenate([runs_of(g) for g in group]))
            )
            every[at : at + len(runs)] = runs
            at += len(runs)
        every = every[:at]
        every.sort()
        k = self.config.formula_min_docs
        if k <= 1:
            formula = distinct(every)
        else:
            formula = distinct(every[k - 1 :][every[k - 1 :] == every[: len(every) - k + 1]])
        del every
        return np.setdiff1d(formula, self._common)

    def article_runs(self, e_idx: int) -> bytes:
        """An exclusive's entry in the store's formula index."""
        return distinct(self._runs(e_idx)).astype("<u4").tobytes()

    def _filtered(self, runs: np.ndarray) -> np.ndarray:
        """A text's runs without the common and formula runs (they never make a candidate)."""
        if len(self._common):
            runs = runs[~_member(runs, self._common)]
        if len(self._formula):
            runs = runs[~_member(runs, self._formula)]
        return runs

    def _keys(self, runs: np.ndarray, sketch: PassageMinHash) -> np.ndarray:
        """Distinct LSH band keys of a text's passages, its common and formula runs left out first."""
        return distinct(band_keys(sketch.signatures(self._filtered(runs)), ROWS))

    def _build_candidate_index(self) -> None:
        seed = self.config.seed
        self._ex_sketch = PassageMinHash(BANDS * ROWS, seed, PASSAGE_RUNS, PASSAGE_STRIDE)
        self._page_sketch = PassageMinHash(BANDS * ROWS, seed, PASSAGE_RUNS, PAGE_STRIDE)
        # One preallocated array of postings (band key, exclusive), filled a batch of exclusives at
        # a time, then sorted, its repeats and its too common keys dropped, all in place: no list
        # of 100k small arrays, no second copy, no per-key arrays.
        n = len(self._exclusives)
        passages = np.maximum(1, -(-(self._end - self._begin) // PASSAGE_STRIDE))
        postings = np.empty(int(passages.sum()) * BANDS, dtype=np.uint64)
        self._n_keys = np.zeros(n, dtype=np.int64)
        at = 0
        for lo in range(0, n, _BATCH):
            ids = range(lo, min(n, lo + _BATCH))
            signatures = self._ex_sketch.signatures_many([self._filtered(self._runs(e)) for e in ids])
            counts = np.array([len(s) for s in signatures], dtype=np.int64) * BANDS
            if not counts.sum():
                continue
            owner = np.repeat(np.arange(lo, lo + len(ids), dtype=np.uint64), counts)
            batch = distinct((band_keys(np.concatenate(signatures), ROWS) & _KEY_MASK) | owner)
            postings[at : at + len(batch)] = batch  # a key twice in one exclusive is one posting
            self._n_keys[lo : lo + len(ids)] = np.bincount(
                (batch & _ID_MASK).astype(np.int64) - lo, minlength=len(ids)
            )
            at += len(batch)
        postings.resize(at, refcheck=False)  # in place: the unused tail is given back
        postings.sort()
        # drop band keys found in more than MAX_POSTINGS exclusives: their first posting and the
        # one MAX_POSTINGS further on share the key
        crowded_parts: list[np.ndarray] = []
        for start in range(0, max(0, at - MAX_POSTINGS), _BLOCK):
            stop = min(at - MAX_POSTINGS, start + _BLOCK)
            head = postings[start:stop]
            same = (head ^ postings[start + MAX_POSTINGS : stop + MAX_POSTINGS]) <= _ID_MASK
            crowded_parts.append(head[same] & _KEY_MASK)
            del head
        crowded = distinct(np.concatenate(crowded_parts)) if crowded_parts else np.zeros(0, dtype=np.uint64)
        if len(crowded):
            at = _compact(postings, lambda block: ~_member(block & _KEY_MASK, crowded))
            postings.resize(at, refcheck=False)
        self._postings = postings

    def __len__(self) -> int:
        return len(self._exclusives)

    @property
    def exclusives(self) -> list[Exclusive]:
        return list(self._exclusives)

    def candidates(self, page_grams: np.ndarray) -> list[int]:
        """Exclusives (by position) with passages resembling the page's: MinHash LSH band hits."""
        if not len(self._postings) or not len(page_grams):
            return []
        keys = self._keys(_high32(page_grams), self._page_sketch) & ~_ID_MASK
        lo = np.searchsorted(self._postings, keys, side="left")
        hi = np.searchsorted(self._postings, keys | _ID_MASK, side="right")
        sizes = hi - lo
        found = sizes > 0
        lo, sizes = lo[found], sizes[found]
        if not len(sizes):
            return []
        # every posting of every key found, gathered without a Python loop
        firsts = np.cumsum(sizes) - sizes
        where = np.repeat(lo - firsts, sizes) + np.arange(int(sizes.sum()))
        ids, hits = tally((self._postings[where] & _ID_MASK).astype(np.int64))
        need = np.minimum(MIN_BAND_HITS, self._n_keys[ids])
        return [int(i) for i in ids[hits >= need]]

    def _vector(self, wh: np.ndarray) -> sparse.csr_matrix:
        """The l2-normalized TF-IDF vector of a text's word hashes."""
        import sklearn  # first imported here, at the process's first scored match
        from scipy import sparse

        features, counts = tally((wh % np.uint64(N_FEATURES)).astype(np.int64))
        counts_row = sparse.csr_matrix(
            (counts.astype(np.float64), (np.zeros(len(features), dtype=np.int64), features)),
            shape=(1, N_FEATURES),
        )
        if self._tfidf is None:
            from sklearn.feature_extraction.text import TfidfTransformer

            tfidf = TfidfTransformer()
            tfidf.idf_ = self._idf
            tfidf.n_features_in_ = N_FEATURES
            self._tfidf = tfidf
        # counts made here, finite and well-formed: scikit-learn's input checks (a third of the
        # call on one row) have nothing to find
        with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
            return self._tfidf.transform(counts_row)

    def _ex_words(self, e_idx: int) -> np.ndarray:
        """An exclusive's word hashes (computed when asked: only a real candidate needs them)."""
        return word_hashes(self._exclusives[e_idx].text)

    def _ex_vector(self, e_idx: int) -> sparse.csr_matrix:
        """An exclusive's TF-IDF vector, kept for the last _VECTORS_KEPT exclusives asked about
        (the same exclusives are candidates of page after page: a site's copies, its sidebars)."""
        vec = self._ex_vectors.get(e_idx)
        if vec is None:
            vec = self._vector(self._ex_words(e_idx))
            if len(self._ex_vectors) >= _VECTORS_KEPT:
                self._ex_vectors.pop(next(iter(self._ex_vectors)), None)
            self._ex_vectors[e_idx] = vec
        return vec

    def _cosine(self, page_wh: np.ndarray, e_idx: int, page_vec: sparse.csr_matrix | None = None) -> float:
        if not len(page_wh):
            return 0.0
        vec = page_vec if page_vec is not None else self._vector(page_wh)
        return float(vec.multiply(self._ex_vector(e_idx)).sum())

    def similarity(self, page_text: str, e_idx: int) -> float:
        """TF-IDF cosine of a page's text and one exclusive (the page's unknown words are ignored)."""
        return self._cosine(word_hashes(page_text), e_idx)

    def _formula_of(self, e_idx: int) -> np.ndarray:
        """The formula runs an exclusive carries, what ``align`` looks its runs up in: the same
        answers as the whole formula (align looks up the exclusive's runs only), without a sort of
        the whole formula (millions of runs with a real archive) per candidate. Non-empty whenever
        the formula is, as align's formula rules apply only then (a formula run, none of the
        exclusive's, stands in)."""
        if not len(self._formula):
            return self._formula
        runs = distinct(self._runs(e_idx))
        own = runs[_member(runs, self._formula)]
        return own if len(own) else self._formula[:1]

    def match(self, page_url: str, text: str) -> list[Match]:
        """Every exclusive the page copies at least ``min_coverage`` of, best first."""
        page_wh = word_hashes(text)
        page_grams = run_hashes(page_wh, GRAM_WORDS)
        page_short = _high32(page_grams)
        results: list[Match] = []
        tokens: Tokens | None = None
        page_vec: sparse.csr_matrix | None = None  # the page's TF-IDF vector, made once if asked for
        for e_idx in self.candidates(page_grams):
            a = align(
                self._runs(e_idx),
                page_short,
                int(self._n_words[e_idx]),
                len(page_wh),
                k=GRAM_WORDS,
                common=self._common,
                formula=self._formula_of(e_idx),
                title_words=int(self._title_words[e_idx]),
                tail_words=int(self._tail_words[e_idx]),
                min_span_words=self.config.min_span_words,
                min_coverage=self.config.min_coverage,
                paragraphs=self._paragraph_starts(e_idx),
                ex_words=functools.partial(self._ex_words, e_idx),
                page_words=page_wh,
            )
            if a.coverage < self.config.min_coverage:
                continue
            if a.coverage < self.config.quote_coverage and a.page_share < self.config.quote_page_share:
                continue  # a little of the exclusive in much of the page's own: a quote, a summary
            page_vec = page_vec if page_vec is not None else self._vector(page_wh)
            sim = self._cosine(page_wh, e_idx, page_vec)
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


SKETCH = 32  # bottom-k sketch of an article's runs, for telling near-duplicate articles
NEAR_DUPLICATE = 0.7  # estimated Jaccard of two articles' runs from which they are one article
_BUCKET_KEYS = 4  # articles sharing one of their 4 smallest runs are compared
_MAX_BUCKET = 64  # compared within a bucket at most (a run in many articles is formula, not identity)


def _near_duplicate_groups(docs: Sequence[np.ndarray]) -> list[list[int]]:
    """Articles (sorted distinct runs each) grouped by near-identity, with bottom-k sketches: two
    articles whose runs' estimated Jaccard similarity reaches NEAR_DUPLICATE are one article.
    Instances of one formula (another day's bulletin) share far less and stay apart."""
    parent = list(range(len(docs)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    sketches = [d[:SKETCH] for d in docs]
    buckets: dict[int, list[int]] = {}
    for i, sk in enumerate(sketches):
        for v in sk[:_BUCKET_KEYS].tolist():
            buckets.setdefault(v, []).append(i)
    for members in buckets.values():
        members = members[:_MAX_BUCKET]
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                a, b = members[x], members[y]
                if root(a) == root(b):
                    continue
                sa, sb = sketches[a], sketches[b]
                union = np.union1d(sa, sb)[:SKETCH]
                both = np.intersect1d(np.intersect1d(sa, sb, assume_unique=True), union, assume_unique=True)
                if len(union) and len(both) >= NEAR_DUPLICATE * len(union):
                    parent[root(a)] = root(b)
    groups: dict[int, list[int]] = {}
    for i in range(len(docs)):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


# Words of an agency's header and sign-off lines: «بيروت 26 شوال 1436 هـ الموافق 11 أغسطس 2015 م
# واس», «// انتهى //», «13:26 ت م», «Rabat, 12 mai 2024 (MAP)».
_LINE_WORDS = frozenset(
    words(
        """محرم صفر ربيع جمادى رجب شعبان رمضان شوال ذو القعدة الحجة هـ ه م ت غ الموافق انتهى يناير فبراير
        مارس أبريل ابريل مايو ماي يونيو يوليو يوليوز أغسطس غشت سبتمبر شتنبر أكتوبر نوفمبر نونبر ديسمبر
        دجنبر السبت الأحد الاثنين الثلاثاء الأربعاء الخميس الجمعة janvier février mars avril mai juin
        juillet août septembre octobre novembre décembre fin"""
    )
)
_MAX_LINE = 16  # a header or sign-off line is short


def _dateline_like(paragraph: str) -> bool:
    """A short line made mostly of dates, times and sign-off words (with a city and the agency)."""
    if not 0 < len(word_hashes(paragraph)) <= _MAX_LINE:  # the same words, counted without tokenizing
        return False
    ws = words(paragraph)
    if not ws or len(ws) > _MAX_LINE:
        return False
    dated = sum(1 for w in ws if w.isdigit() or w in _LINE_WORDS)
    return dated >= max(1, len(ws) / 2)


def _unmeasured_lines(ex: Exclusive) -> tuple[int, int]:
    """Words at the start and at the end of an exclusive that coverage does not measure: its title
    line where extraction kept it, and the agency's dated header and sign-off lines, which a copy
    replaces with its own (a reader does not count them as taken)."""
    paras = ex.text.split("\n")
    head = tail = 0
    i = 0
    if paras and _title_line_words(ex):
        head += len(word_hashes(paras[0]))
        i = 1
    while i < len(paras) and _dateline_like(paras[i]):
        head += len(word_hashes(paras[i]))
        i += 1
    j = len(paras) - 1
    while j >= i and _dateline_like(paras[j]):
        tail += len(word_hashes(paras[j]))
        j -= 1
    return head, tail


def _title_line_words(ex: Exclusive) -> int:
    """Words of the exclusive's first paragraph when that paragraph is its title (0 otherwise)."""
    if not ex.title.strip():
        return 0
    first = ex.text.split("\n", 1)[0]
    first_wh, title_wh = word_hashes(first), word_hashes(ex.title)
    if not len(first_wh) or len(first_wh) > 40:
        return 0
    a, b = set(first_wh.tolist()), set(title_wh.tolist())
    return len(first_wh) if len(a & b) >= 0.8 * len(a | b) else 0


def article_runs(text: str) -> bytes:
    """A text's distinct 3-word runs, as the store's formula index keeps them (uint32, little-endian)."""
    return distinct(_high32(run_hashes(word_hashes(text), GRAM_WORDS))).astype("<u4").tobytes()


def _char_span(tokens: Tokens, start: int, end: int) -> tuple[int, int]:
    return tokens.starts[start], tokens.ends[min(end, len(tokens)) - 1]
