"""Passage alignment: which stretches of an exclusive a page carries, edited or not, in any order.

The method: hash every run of ``k`` words (k = 3 by default) on both sides; each shared run is a
seed ``(i, j)`` (word i of the exclusive, word j of the page). Seeds that follow each other on
both sides, with gaps of at most ``max_gap`` words (a substituted, inserted or deleted word breaks
k seeds, not the passage), are chained into a span. Spans shorter than ``min_span_words`` are
dropped: a shared name or stock phrase is not copying. Runs that many exclusives share (the
exclusivity notice, the outlet's boilerplate) are never seeds, and the words only they cover
count neither as copied nor in the exclusive's length.

Because seeds are looked up globally, reordered and re-paragraphed copies align span by span; the
spans' order tells a reordered copy from an edited one.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

import numpy as np

from ..models import MatchType
from .fingerprint import tally


@dataclass(frozen=True)
class TokenSpan:
    """A copied passage in word indices: [ex_start, ex_end) of the exclusive, [page_start, page_end)."""

    ex_start: int
    ex_end: int
    page_start: int
    page_end: int
    seeds: int  # shared k-word runs inside the span


@dataclass(frozen=True)
class Alignment:
    spans: tuple[TokenSpan, ...]
    coverage: float  # share of the exclusive's countable words inside spans
    page_share: float  # share of the page's words inside spans
    exact_share: float  # share of covered exclusive words that are seeds' words (1.0 = untouched)
    reordered_share: float  # share of covered words in spans that appear out of order on the page
    counted_words: int  # the exclusive's countable words (the denominator of coverage)


def _union_length(intervals: list[tuple[int, int]], mask: np.ndarray | None = None) -> int:
    if not intervals:
        return 0
    if mask is not None:
        covered = np.zeros(len(mask), dtype=bool)
        for a, b in intervals:
            covered[a:b] = True
        return int(np.count_nonzero(covered & mask))
    total, cur_a, cur_b = 0, -1, -1
    for a, b in sorted(intervals):
        if a > cur_b:
            total += cur_b - cur_a if cur_b > cur_a else 0
            cur_a, cur_b = a, b
        else:
            cur_b = max(cur_b, b)
    return total + (cur_b - cur_a if cur_b > cur_a else 0)


PARAGRAPH_SHARE = 0.6
DROPPED_WORDS = 10  # an uncovered stretch this long in a paragraph is a dropped sentence, not an edit
RESCUE_SHARE = 0.8  # words found must reach this share of min_coverage for paragraphs to count
RESCUE_PAGE_SHARE = 0.1  # ...and the copied text this share of the page


REWORDED_SHARE = 0.6  # an uncovered stretch whose words the page carries this much is edited, not dropped


def _paragraph_coverage(
    intervals: list[tuple[int, int]],
    countable: np.ndarray,
    starts: np.ndarray,
    reworded: Callable[[int, int], float] | None = None,
) -> int:
    """Countable words covered, a paragraph counting whole once PARAGRAPH_SHARE of it is covered and
    none of its sentences was left out: the words an edit replaced were copied too, the words of a
    sentence the copy dropped (an uncovered stretch of DROPPED_WORDS or more) were not.
    ``reworded(lo, hi)`` tells a long uncovered stretch [lo, hi) that the page carries in other
    words (its words there, around the paragraph's copy) from one it dropped."""
    covered = np.zeros(len(countable), dtype=bool)
    for a, b in intervals:
        covered[a:b] = True
    covered &= countable
    para = np.searchsorted(starts, np.arange(len(countable)), side="right") - 1
    per_count = np.bincount(para, weights=countable, minlength=len(starts))
    per_covered = np.bincount(para, weights=covered, minlength=len(starts))
    whole = (per_count > 0) & (per_covered >= PARAGRAPH_SHARE * per_count)
    # the runs of uncovered countable words in each paragraph (formula words skipped)
    missing = countable & ~covered
    total = per_covered.copy()
    total[whole] = per_count[whole]
    for p in np.flatnonzero(whole & (per_covered < per_count)).tolist():
        lo = int(starts[p])
        hi = int(starts[p + 1]) if p + 1 < len(starts) else len(countable)
        at = np.flatnonzero(countable[lo:hi]) + lo  # word indices of the countable words
        run = 0
        for x, m in enumerate(missing[at].tolist() + [False]):
            if m:
                run += 1
                continue
            if run >= DROPPED_WORDS:
                found = reworded(int(at[x - run]), int(at[x - 1]) + 1) if reworded is not None else 0.0
                if found < REWORDED_SHARE:  # a dropped sentence: the paragraph counts its words found
                    total[p] = per_covered[p]
                    break
                total[p] -= run * (1.0 - found)  # rewritten: its words the page carries were taken
            run = 0
    return int(round(total.sum()))


def _reworded_check(
    spans: list[TokenSpan], ex_words: np.ndarray, page_words: np.ndarray
) -> Callable[[int, int], float]:
    """``reworded(lo, hi)``: the share of the distinct words of the stretch [lo, hi) of the exclusive
    that the page carries around its copy of the passages next to the stretch; from REWORDED_SHARE,
    the copier rewrote the sentence rather than dropping it. Around: the page text from the first
    to the last word of the spans within DROPPED_WORDS of the stretch, and between the spans just
    before and just after it; not wider, or a page on the same story would lend it its words."""

    def reworded(lo: int, hi: int) -> float:
        before = [s.page_end for s in spans if s.ex_end <= lo + 1]
        after = [s.page_start for s in spans if s.ex_start >= hi - 1]
        near = [s for s in spans if s.ex_end >= lo - DROPPED_WORDS and s.ex_start <= hi + DROPPED_WORDS]
        if not near:
            return 0.0
        a = min(s.page_start for s in near)
        b = max(s.page_end for s in near)
        if before and after:
            a, b = min(a, max(before)), max(b, min(after))
        window = page_words[a:b]
        wanted = np.unique(ex_words[lo:hi])
        return np.count_nonzero(np.isin(wanted, window)) / len(wanted) if len(wanted) else 0.0

    return reworded


def _countable(noncommon: np.ndarray, ex_len: int, k: int) -> np.ndarray:
    """Words covered by at least one non-common run (``noncommon[i]``: run i is not common)."""
    countable = np.zeros(ex_len, dtype=bool)
    for t in range(k):
        countable[t : t + len(noncommon)] |= noncommon[: max(0, ex_len - t)]
    return countable


def align(
    ex_grams: np.ndarray,
    page_grams: np.ndarray,
    ex_len: int,
    page_len: int,
    *,
    k: int = 3,
    common: np.ndarray | Collection[int] = (),
    formula: np.ndarray | None = None,
    title_words: int = 0,
    tail_words: int = 0,
    max_gap: int = 8,
    min_span_words: int = 12,
    min_coverage: float = 0.0,
    paragraphs: np.ndarray | None = None,
    ex_words: Callable[[], np.ndarray] | None = None,
    page_words: np.ndarray | None = None,
) -> Alignment:
    """Align an exclusive's k-word hashes against a page's; both in text order.

    ``common`` is best given as a sorted numpy array of the same dtype as the grams. With
    ``min_coverage``, an exclusive that cannot reach it (too few shared runs, counted before any
    chaining) returns an empty alignment at once: this is what keeps a false candidate cheap.

    ``paragraphs`` (the word index where each of the exclusive's paragraphs starts) makes coverage
    count by paragraph: a paragraph whose words are at least ``PARAGRAPH_SHARE`` inside copied spans
    counts whole, once the page is a copy on the words found alone (``min_coverage``), or nearly so
    with the copied text a real part of the page (``RESCUE_SHARE``, ``RESCUE_PAGE_SHARE``). A copier
    who edits every sentence of a paragraph still reused the paragraph; the words the edits
    replaced break the spans but are part of what was copied. With ``ex_words`` (a function giving
    the exclusive's word hashes, asked only when paragraphs are counted: most candidates stop
    before) and ``page_words`` (the page's), a long uncovered stretch whose words the page carries around the
    paragraph's copy (a sentence rewritten, a clause condensed) does not stop the paragraph counting
    whole; without them, every such stretch counts as dropped.
    """
    common_arr = common if isinstance(common, np.ndarray) else np.fromiter(common, dtype=ex_grams.dtype)
    noncommon = ~np.isin(ex_grams, common_arr) if len(common_arr) else np.ones(len(ex_grams), dtype=bool)
    # Formula runs (text the outlet's archive repeats from article to article) chain spans like any
    # shared run but count for nothing: another day's weather bulletin shares its formula, not its
    # figures, and a reader would say nothing was taken.
    own = noncommon & ~np.isin(ex_grams, formula) if formula is not None and len(formula) else noncommon
    # Countable words: those covered by at least one run of the exclusive's own (not common, not formula).
    countable = _countable(own, ex_len, k)
    # The exclusive's own title line, where extraction kept it as the first paragraph: a copy under
    # a new headline copied the text all the same; match_type and coverage describe the text.
    countable[: min(title_words, ex_len)] = False
    if tail_words:  # and its agency's sign-off lines (index._unmeasured_lines)
        countable[max(0, ex_len - tail_words) :] = False
    counted = int(np.count_nonzero(countable))
    if not counted or not len(page_grams):
        return Alignment((), 0.0, 0.0, 0.0, 0.0, counted)
    # Page positions whose run is a (non-common) run of the exclusive, and an upper bound on the
    # seeds chaining can make from them (at most 8 exclusive positions per page position).
    ex_kept = ex_grams[noncommon]
    uniq, mult = tally(ex_kept)
    at = np.minimum(np.searchsorted(uniq, page_grams), len(uniq) - 1)
    hit = uniq[at] == page_grams
    # a span of L words needs at least L/3 seeds, so coverage <= 3 * seeds / counted
    reachable = min_coverage * (RESCUE_SHARE if paragraphs is not None else 1.0)
    if 3 * int(np.minimum(mult[at[hit]], 8).sum()) < reachable * counted:
        return Alignment((), 0.0, 0.0, 0.0, 0.0, counted)
    positions: dict[int, list[int]] = {}
    for i, g in zip(np.flatnonzero(noncommon).tolist(), ex_kept.tolist(), strict=True):
        positions.setdefault(g, []).append(i)

    # a chain is [ex_start, last_i, page_start, last_j, seeds]
    open_chains: list[list[int]] = []
    done: list[list[int]] = []
    hit_at = np.flatnonzero(hit)
    for j, g in zip(hit_at.tolist(), page_grams[hit_at].tolist(), strict=True):
        idxs = positions[g]
        # close chains that can no longer be extended
        still: list[list[int]] = []
        for c in open_chains:
            (still if j - c[3] <= max_gap else done).append(c)
        open_chains = still
        for i in idxs[:8]:
            best: tuple[int, list[int]] | None = None
            for c in open_chains:
                di, dj = i - c[1], j - c[3]
                if 0 < dj <= max_gap and -1 <= di <= max_gap and (best is None or abs(di - dj) < best[0]):
                    best = (abs(di - dj), c)
            if best is not None:
                c = best[1]
                c[1], c[3], c[4] = max(c[1], i), j, c[4] + 1
            else:
                open_chains.append([i, i, j, j, 1])
    done.extend(open_chains)

    spans = [
        TokenSpan(c[0], c[1] + k, c[2], c[3] + k, c[4])
        for c in done
        if (c[1] + k - c[0]) >= min_span_words and c[4] * 3 >= (c[1] + k - c[0])
    ]
    if formula is not None and len(formula):
        # a span of formula alone took nothing of this exclusive's own; nor do copied words fewer
        # than one shortest passage in all
        spans = [s for s in spans if np.count_nonzero(countable[s.ex_start : s.ex_end]) >= k]
        if _union_length([(s.ex_start, s.ex_end) for s in spans], countable) < min(min_span_words, counted):
            spans = []
    if not spans:
        return Alignment((), 0.0, 0.0, 0.0, 0.0, counted)
    spans.sort(key=lambda s: s.page_start)
    ex_iv = [(s.ex_start, s.ex_end) for s in spans]
    coverage = _union_length(ex_iv, countable) / counted
    page_share = _union_length([(s.page_start, s.page_end) for s in spans]) / max(page_len, 1)
    if paragraphs is not None and len(paragraphs) and coverage >= RESCUE_SHARE * min_coverage:
        reworded = None
        words = ex_words() if ex_words is not None and page_words is not None else None
        if words is not None and page_words is not None and len(words) == ex_len:
            reworded = _reworded_check(spans, words, page_words)
        by_paragraph = _paragraph_coverage(ex_iv, countable, paragraphs, reworded) / counted
        # Whether a page is a copy is decided on the words found; how much it copied, by paragraph.
        # An edited partial copy (its words found just under min_coverage, its paragraphs over it)
        # is a copy too when it is a real part of the page; a listing page showing a paragraph of
        # each of many articles is not.
        if coverage >= min_coverage or (by_paragraph >= min_coverage and page_share >= RESCUE_PAGE_SHARE):
            coverage = max(coverage, by_paragraph)
    seed_words = sum(min(s.seeds + k - 1, s.ex_end - s.ex_start) for s in spans)
    exact_share = min(1.0, seed_words / max(sum(s.ex_end - s.ex_start for s in spans), 1))
    # Out of order: spans (in page order) whose exclusive position goes backwards.
    out_of_order = 0
    furthest = -1
    for s in spans:
        if s.ex_start < furthest - max_gap:
            out_of_order += s.ex_end - s.ex_start
        furthest = max(furthest, s.ex_end)
    reordered_share = out_of_order / max(sum(s.ex_end - s.ex_start for s in spans), 1)
    return Alignment(
        tuple(spans), min(coverage, 1.0), min(page_share, 1.0), exact_share, reordered_share, counted
    )


def match_type(a: Alignment) -> MatchType:
    """Name the kind of copy from the alignment's figures."""
    if a.reordered_share >= 0.15 and a.coverage >= 0.5:
        return "reordered"
    if a.coverage < 0.75:
        return "partial"
    if a.coverage >= 0.95 and a.exact_share >= 0.98:
        return "verbatim"
    return "edited"
