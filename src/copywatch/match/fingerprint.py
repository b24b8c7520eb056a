"""Word and word-run hashes, fast and reproducible across runs and machines.

Fingerprinting runs on every exclusive and every crawled page, so it avoids Python-level loops
over characters, tokens or runs, and keeps the number of numpy calls per text small (on a
3,000-character article each call costs about as much as the work it does). A text is folded and
cut into words with one table lookup per UTF-16 code unit (``_UNITS``: the folded unit, whether it
is a word character, whether folding deletes it; the same words as ``normalize.tokenize``); each
word is hashed with a polynomial over its code units (prefix sums, modulo 2**64) and the murmur3
finalizer; the hash of a run of ``k`` words is a fixed linear combination of its words' hashes,
finalized again. All constants are fixed and numpy's unsigned arithmetic wraps the same way
everywhere, so a text gets the same hashes on every run and machine (Python's ``hash`` is
randomized per process); the store's formula index keeps run hashes from earlier scans, so these
values must never change (tests/test_match.py holds them to golden values).

Texts the table lookup cannot take (not NFKC-normalized, characters outside the BMP) are
tokenized word by word, and texts where a lone conjunction و may join the next word go through
``normalize.split``: every path gives the same hashes (tests/test_fingerprint.py).

MinHash (``PassageMinHash``) is datasketch's affine32 scheme evaluated for all passages of a text
in a few array operations; ``benchmarks/match.py`` measures it against datasketch and against a
floor, the same words' runs hashed with xxhash and nothing else.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Sequence

import numpy as np

from ..text import normalize as _normalize
from ..text.normalize import split, tokenize

_U64 = np.uint64
_P = 0x9FB21C651E98DF25  # odd multiplier of the word polynomial
_P_INV = pow(_P, -1, 1 << 64)
# Odd 64-bit multipliers, one per position in a run (runs longer than this reuse them cyclically).
_MULTIPLIERS = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93], dtype=_U64
)
_GOLDEN = _U64(0x9E3779B97F4A7C15)
_S33, _S32 = _U64(33), _U64(32)
_M1, _M2 = _U64(0xFF51AFD7ED558CCD), _U64(0xC4CEB9FE1A85EC53)
# P**i and P**-i (mod 2**64), and i * golden (a word's length term), grown on demand. Plain module
# values, read-only once made: a forked worker inherits them as they are.
_powers: np.ndarray = np.ones(1, dtype=_U64)
_inv_powers: np.ndarray = np.ones(1, dtype=_U64)
_length_terms: np.ndarray = np.zeros(1, dtype=_U64)

# One lookup per UTF-16 code unit of the text as written: its case-folded and then folded unit in
# the low 16 bits, _WORD set when that unit is a word character, _DELETED for the units folding
# deletes (marks, tatweel, controls), _OTHER for units the lookup cannot fold on their own
# (case folding to several characters, as ß does; surrogates, i.e. characters outside the BMP).
_WORD = 1 << 16
_DELETED = 1 << 17
_OTHER = 1 << 18


def _unit_table() -> np.ndarray:
    cased = np.arange(1 << 16, dtype=np.int64)
    other = np.zeros(1 << 16, dtype=bool)
    for c in range(1 << 16):
        if 0xD800 <= c < 0xE000:
            other[c] = True
            continue
        f = chr(c).casefold()
        if len(f) != 1:
            other[c] = True
        elif f != chr(c):
            cased[c] = ord(f)
    folded = _normalize._FOLD_UNIT[cased]
    table = folded.astype(np.uint32) | (_normalize._WORD_UNIT[folded].astype(np.uint32) << np.uint32(16))
    table[_normalize._DELETE_UNIT[cased]] = _DELETED
    table[other] = _OTHER
    return table


_UNITS = _unit_table()


def _risky_table() -> np.ndarray:
    """Units that keep a text off the NFKC-first path (``_compat_word_hashes``): combining marks
    that folding keeps (they could compose with a word's last letter across its end, as U+0301
    does) and characters that NFKC changes although they are not word characters (™ becomes TM),
    the inert ones (a no-break space) excepted. Everything else NFKC changes is a word character
    (presentation forms, ligatures, full-width letters), changed inside its token."""
    risky = np.zeros(1 << 16, dtype=bool)
    for c in range(1 << 16):
        if 0xD800 <= c < 0xE000 or _normalize._DELETE_UNIT[c] or _normalize._INERT_UNIT[c]:
            continue
        ch = chr(c)
        if unicodedata.category(ch).startswith("M"):
            risky[c] = True
        elif not ch.isalnum() and unicodedata.normalize("NFKC", ch) != ch:
            risky[c] = True
    return risky


_RISKY = _risky_table()


def _unsafe_table() -> np.ndarray:
    """Units that keep a text NFKC would change off the table path on the text as written.

    ``tokenize`` folds each token of such a text with NFKC. Where every character is one NFKC
    leaves as it is (or an inert one, a no-break space), NFKC can only reorder combining marks and
    compose a letter with a following mark; the marks folding deletes are the only ones allowed
    (``_RISKY`` has the others), and the letters they compose with fold back to themselves (أ إ آ
    ؤ ئ to ا و ي), except ە ہ ے (U+06D5, U+06C1, U+06D2), which are unsafe. Hangul jamo compose
    with each other and are unsafe too. So a text with none of these gets the same words from the
    table path as from ``tokenize`` (mostly Arabic text whose harakat are out of canonical order).
    """
    unsafe = _RISKY.copy()
    for c in range(1 << 16):
        if 0xD800 <= c < 0xE000 or _normalize._INERT_UNIT[c] or unsafe[c]:
            continue
        if unicodedata.normalize("NFKC", chr(c)) != chr(c):
            unsafe[c] = True
    for c in (0x06D5, 0x06C1, 0x06D2):
        unsafe[c] = True
    for lo, hi in ((0x1100, 0x1200), (0xA960, 0xA980), (0xD7B0, 0xD800)):
        unsafe[lo:hi] = True
    return unsafe


_UNSAFE = _unsafe_table()
_LONE_WAW = np.uint32(int(_normalize._WAW) | _WORD)  # و as a word character
_LOW16 = np.uint32(0xFFFF)
_LITTLE_ENDIAN = sys.byteorder == "little"


def _grow_powers(n: int) -> None:
    """Keep P**i and P**-i (mod 2**64) and the length terms for i < n; they grow with the longest
    text seen. Each array is replaced whole, never written in place."""
    global _powers, _inv_powers, _length_terms
    if len(_powers) >= n:
        return
    size = max(n, 2 * len(_powers), 1 << 14)
    with np.errstate(over="ignore"):
        # inverse powers and length terms first: a concurrent reader that sees the longer _powers
        # finds them ready
        _length_terms = np.arange(size, dtype=_U64) * _GOLDEN
        _inv_powers = np.cumprod(np.full(size, _P_INV, dtype=_U64)) * _U64(_P)
        _powers = np.cumprod(np.full(size, _P, dtype=_U64)) * _U64(_P_INV)


def _fmix64(x: np.ndarray) -> np.ndarray:
    """The murmur3 64-bit finalizer, in place on ``x`` (a fresh array), which it returns."""
    with np.errstate(over="ignore"):
        x ^= x >> _S33
        x *= _M1
        x ^= x >> _S33
        x *= _M2
        x ^= x >> _S33
    return x


def _hash_spans(units: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Hash each span [start, end) of code units: a polynomial via prefix sums, then finalized."""
    if not len(starts):
        return np.zeros(0, dtype=_U64)
    n = len(units)
    _grow_powers(n + 1)
    with np.errstate(over="ignore"):
        prefix = np.empty(n + 1, dtype=_U64)
        prefix[0] = 0
        np.cumsum(units * _powers[:n], out=prefix[1:])
        h = prefix[ends]
        h -= prefix[starts]
        h *= _inv_powers[starts]
        h ^= _length_terms[ends - starts]
        return _fmix64(h)


def _hash_words(folded_words: Sequence[str]) -> np.ndarray:
    """Hash already-normalized words (the slow path's words, and ``gram_hashes``)."""
    units = np.frombuffer("".join(folded_words).encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
    sizes = np.array([len(w.encode("utf-16-le", "surrogatepass")) // 2 for w in folded_words], dtype=np.int64)
    ends = np.cumsum(sizes)
    return _hash_spans(units, ends - sizes, ends)


def _words_of_units(units: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Looked-up units (``_UNITS``, none _OTHER) -> kept units and word starts and ends, exactly as
    ``normalize.split`` cuts them, and where the separators were dropped to join a lone و to its
    next word (positions in the kept units before the drop). A و joined to the و before it is no
    longer lone: «و و و إلخ» is «وو وإلخ», as split and the reference tokenizer read it."""
    if units.max(initial=0) >= _DELETED:
        units = units[units < _DELETED]
    starts, ends = _edges(units)
    # A lone و joins the next word across spaces and an opening bracket or quote, when that word
    # starts with an Arabic letter (split's rule, applied the same way; looked for only where a و
    # is followed by a non-word unit). A line break keeps them apart: batched texts never join.
    if not len(starts) or not ((units[:-1] == _LONE_WAW) & (units[1:] < _WORD)).any():
        return units, starts, ends, _NONE
    lone = np.flatnonzero((ends[:-1] - starts[:-1] == 1) & (units[starts[:-1]] == _LONE_WAW))
    lone = lone[_normalize._is_arabic_letter(units[starts[lone + 1]] & _LOW16)]
    if not len(lone):
        return units, starts, ends, _NONE
    drop = np.zeros(len(units), dtype=bool)
    joined = -2
    for i in lone.tolist():
        if i - 1 != joined and _normalize._WAW_GAP_UNIT[units[ends[i] : starts[i + 1]] & _LOW16].all():
            drop[ends[i] : starts[i + 1]] = True
            joined = i
    if joined < 0:
        return units, starts, ends, _NONE
    units = units[~drop]
    starts, ends = _edges(units)
    return units, starts, ends, np.flatnonzero(drop)


_NONE = np.zeros(0, dtype=np.int64)


def _edges(units: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Starts and ends of the maximal runs of word units."""
    is_word = np.zeros(len(units) + 2, dtype=bool)
    np.greater_equal(units, _WORD, out=is_word[1:-1])
    edges = np.flatnonzero(is_word[1:] != is_word[:-1])
    return edges[0::2], edges[1::2]


def _lookup(text: str) -> np.ndarray:
    return _UNITS.take(np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype=np.uint16))


def _normalized_enough(text: str) -> int:
    """Whether the table path may read ``text`` as written: 2 when NFKC leaves it as it is (so
    ``tokenize`` reads it with ``split``), 1 when NFKC changes nothing but the order of marks and
    the letters that fold back (``_UNSAFE``; ``tokenize`` reads it with the reference tokenizer,
    which cuts the same words), 0 otherwise."""
    if unicodedata.is_normalized("NFKC", text):
        return 2
    raw = np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
    return 0 if _UNSAFE.take(raw).any() else 1


def _table_word_hashes(text: str) -> np.ndarray | None:
    """``word_hashes`` with one table lookup per code unit, or None when ``split`` must decide.

    What ``normalize.split`` does, without the offsets back into the text: units folding deletes
    are dropped, the rest folded, and words are the maximal runs of word units. A text with a
    lone و joins the next word in place, as ``split`` joins it.
    """
    units = _lookup(text)
    enough = _normalized_enough(text) if units.max(initial=0) < _OTHER else 0
    if not enough:
        return None
    units, starts, ends, _ = _words_of_units(units)
    return _hash_spans(units & _LOW16, starts, ends)


def _compat_word_hashes(text: str) -> np.ndarray | None:
    """``word_hashes`` of a text NFKC changes (Arabic presentation forms, ligatures such as ﻻ,
    marks out of canonical order), or None when the reference tokenizer must decide.

    ``tokenize`` folds each token with NFKC on its own; when every character NFKC changes is a
    word character or inert, and no kept combining mark can reach across a token's edge
    (``_RISKY``), normalizing the whole text first changes each token exactly as that does and
    no edge between tokens, so the table path on the normalized text gives the same words. A
    lone و the NFKC text would join to the next word goes to the reference (it joins whatever
    separates them, so both agree; the reference keeps the offsets simple).
    """
    raw = np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
    if len(raw) != len(text) or _RISKY.take(raw).any():
        return None
    units = _lookup(unicodedata.normalize("NFKC", text))
    if units.max(initial=0) >= _OTHER:
        return None
    units, starts, ends, dropped = _words_of_units(units)
    if len(dropped):
        return None
    return _hash_spans(units & _LOW16, starts, ends)


def word_hashes(text: str) -> np.ndarray:
    """The hash of every normalized word of ``text`` (the words of ``tokenize``), in text order."""
    fast = _table_word_hashes(text)
    if fast is None:
        fast = _compat_word_hashes(text)
    if fast is not None:
        return fast
    parts = split(text)
    if parts is None:
        return _hash_words(tokenize(text).words)
    return _hash_spans(parts.units, parts.starts, parts.ends)


def word_hashes_many(texts: Sequence[str]) -> list[np.ndarray]:
    """``[word_hashes(t) for t in texts]``, with the lookups and the hashing done once for all.

    The texts are joined with a line break (never part of a word) and go through the table path
    as one; a text that path cannot take on its own is hashed alone, by ``word_hashes``. Each
    result is a view into one array for the whole batch.
    """
    out: list[np.ndarray | None] = [None] * len(texts)
    enough = [_normalized_enough(t) for t in texts]
    batch = [i for i, t in enumerate(texts) if enough[i]]
    units = _lookup("\n".join(texts[i] for i in batch))
    lengths = np.array([len(texts[i]) for i in batch], dtype=np.int64)
    if len(units) != int(lengths.sum()) + max(0, len(batch) - 1) or units.max(initial=0) >= _OTHER:
        # a text with units the table cannot fold (or outside the BMP): taken out, the rest again
        batch = [i for i in batch if _lookup(texts[i]).max(initial=0) < _OTHER]
        units = _lookup("\n".join(texts[i] for i in batch))
        lengths = np.array([len(texts[i]) for i in batch], dtype=np.int64)
    if batch:
        first = np.cumsum(lengths + 1) - (lengths + 1)  # each text's first unit
        if units.max(initial=0) >= _DELETED:
            first = np.searchsorted(np.flatnonzero(units < _DELETED), first)  # in kept units
        units, starts, ends, dropped = _words_of_units(units)
        joined: set[int] = set()
        if len(dropped):  # what kept a lone و from its word (never a line break) dropped: texts moved up
            joined = set((np.searchsorted(first, dropped, side="right") - 1).tolist())
            first = first - np.searchsorted(dropped, first)
        hashes = _hash_spans(units & _LOW16, starts, ends)
        bounds = np.append(np.searchsorted(starts, first), len(starts)).tolist()
        for j, i in enumerate(batch):
            if enough[i] == 2 or j not in joined:  # (a join in a text split does not read: alone)
                out[i] = hashes[bounds[j] : bounds[j + 1]]
    return [h if h is not None else word_hashes(t) for h, t in zip(out, texts, strict=True)]


def run_hashes(word_h: np.ndarray, k: int) -> np.ndarray:
    """64-bit hashes of every run of ``k`` consecutive word hashes (a text shorter than k gives one)."""
    n = len(word_h)
    if n == 0:
        return np.zeros(0, dtype=_U64)
    k = min(k, n)
    m = n - k + 1
    with np.errstate(over="ignore"):
        acc = word_h[:m] * _MULTIPLIERS[0]
        tmp = np.empty(m, dtype=_U64)
        for t in range(1, k):
            np.multiply(word_h[t : m + t], _MULTIPLIERS[t % len(_MULTIPLIERS)], out=tmp)
            acc += tmp
        return _fmix64(acc)


def high32(hashes: np.ndarray) -> np.ndarray:
    """The high 32 bits of 64-bit hashes (what the index keeps of a run), as uint32."""
    if _LITTLE_ENDIAN and hashes.flags.c_contiguous:
        return hashes.view(np.uint32)[1::2].copy()
    return (hashes >> _S32).astype(np.uint32)


def run_hashes_many(word_hs: Sequence[np.ndarray], k: int) -> list[np.ndarray]:
    """``[run_hashes(w, k) for w in word_hs]``, computed on all the words at once (the runs that
    would straddle two texts are left out)."""
    if not word_hs:
        return []
    sizes = [len(w) for w in word_hs]
    every = run_hashes(np.concatenate(word_hs), k)
    out, at = [], 0
    for w, size in zip(word_hs, sizes, strict=True):
        out.append(every[at : at + size - k + 1] if size >= k else run_hashes(w, k))
        at += size
    return out


def gram_hashes(folded_words: Sequence[str], k: int) -> np.ndarray:
    """Hashes of every run of ``k`` normalized words: what ``run_hashes(word_hashes(text), k)`` gives."""
    return run_hashes(_hash_words(folded_words), k)


def distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values. ``np.unique`` hashes small integer arrays in numpy 2.x, slowly, and
    degenerately for hashes with zeroed low bits (the candidate postings); sorting is ~20x faster."""
    s = np.sort(values)
    if len(s) < 2:
        return s
    first = np.empty(len(s), dtype=bool)
    first[0] = True
    np.not_equal(s[1:], s[:-1], out=first[1:])
    return s[first]


def tally(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values and how often each occurs."""
    s = np.sort(values)
    if not len(s):
        return s, np.zeros(0, dtype=np.int64)
    first = np.ones(len(s), dtype=bool)
    first[1:] = s[1:] != s[:-1]
    at = np.flatnonzero(first)
    return s[at], np.diff(at, append=len(s))


def fmix32(x: np.ndarray) -> np.ndarray:
    """The murmur3 32-bit finalizer, exactly as datasketch applies it before its permutations."""
    x = x ^ (x >> np.uint32(16))
    x *= np.uint32(0x85EBCA6B)
    x ^= x >> np.uint32(13)
    x *= np.uint32(0xC2B2AE35)
    x ^= x >> np.uint32(16)
    return x


class PassageMinHash:
    """MinHash signatures of overlapping passages of word runs, as datasketch defines MinHash.

    datasketch's ``MinHash(num_perm, seed, scheme="affine32")`` supplies the permutations (and so
    the definition): each 32-bit input is mixed with the murmur3 finalizer, then mapped by
    ``h -> a*h + b (mod 2**32)``, and a signature is the minimum of each map over the set. This
    class evaluates those same maps on all of a text's runs at once (one (runs x perms) matrix),
    takes the minimum per block of ``stride`` runs, then per passage (``width`` runs, every
    ``stride`` runs), so each passage's signature equals what ``MinHash.update_batch`` gives for
    that passage (tests/test_match.py checks it) at a fraction of the cost of one datasketch
    object per passage. It holds only the two permutation vectors: picklable, and the same in a
    forked worker.
    """

    def __init__(self, num_perm: int, seed: int, width: int, stride: int):
        if width % stride:
            raise ValueError("the passage width must be a multiple of the stride")
        from datasketch import MinHash  # imported when first used (see match/index.py's docstring)

        a, b = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
        self.a = np.asarray(a, dtype=np.uint32)
        self.b = np.asarray(b, dtype=np.uint32)
        self.width, self.stride = width, stride

    def signatures(self, runs: np.ndarray) -> np.ndarray:
        """One signature row (uint32, num_perm values) per passage of ``runs`` (32-bit hashes)."""
        n, perms, stride, per = len(runs), len(self.a), self.stride, self.width // self.stride
        if not n:
            return np.zeros((0, perms), dtype=np.uint32)
        with np.errstate(over="ignore"):  # one row per permutation: the minima run along rows
            values = self.a[:, None] * fmix32(runs.astype(np.uint32, copy=False))
            values += self.b[:, None]
        by_perm = np.minimum.reduceat(values, np.arange(0, n, stride), axis=1)
        if by_perm.shape[1] <= per:
            return by_perm.min(axis=1)[None, :]
        windows = by_perm[:, : by_perm.shape[1] - per + 1].copy()
        for t in range(1, per):
            np.minimum(windows, by_perm[:, t : windows.shape[1] + t], out=windows)
        return np.ascontiguousarray(windows.T)

    def signatures_many(self, runs: Sequence[np.ndarray]) -> list[np.ndarray]:
        """``[self.signatures(r) for r in runs]``, computed as one matrix for all the texts.

        The maps are applied to all the texts' runs at once, one row per permutation (so that the
        minimum per block of ``stride`` runs, ``np.minimum.reduceat``, runs along contiguous
        memory; a text's last block ends with the text), then the minimum per passage is taken
        over consecutive blocks of one text.
        """
        perms, stride, per = len(self.a), self.stride, self.width // self.stride
        sizes = np.array([len(r) for r in runs], dtype=np.int64)
        if not sizes.sum():
            return [np.zeros((0, perms), dtype=np.uint32) for _ in runs]
        blocks = -(-sizes // stride)
        first_block = np.cumsum(blocks) - blocks
        starts = np.repeat(np.cumsum(sizes) - sizes - stride * first_block, blocks)
        starts += stride * np.arange(int(blocks.sum()))
        with np.errstate(over="ignore"):
            values = self.a[:, None] * fmix32(np.concatenate(runs).astype(np.uint32, copy=False))
            values += self.b[:, None]
        by_perm = np.minimum.reduceat(values, starts, axis=1)
        windows = by_perm[:, : max(0, by_perm.shape[1] - per + 1)].copy()
        for t in range(1, per):
            np.minimum(windows, by_perm[:, t : windows.shape[1] + t], out=windows)
        mins, passages = by_perm.T, np.ascontiguousarray(windows.T)
        out = []
        for f, b in zip(first_block.tolist(), blocks.tolist(), strict=True):
            if b >= per:
                out.append(passages[f : f + b - per + 1])
            elif b:
                out.append(mins[f : f + b].min(axis=0, keepdims=True))
            else:
                out.append(np.zeros((0, perms), dtype=np.uint32))
        return out


def band_keys(signatures: np.ndarray, rows: int) -> np.ndarray:
    """LSH: cut each signature into bands of ``rows`` values and hash each band (with its number).

    Two passages share a band key when they agree on a whole band, which happens with probability
    ``J ** rows`` for Jaccard similarity J: a few rows per band and many bands make a sensitive
    filter for passages that share even a third of their runs. Two rows of 32 bits are read as one
    64-bit value (no copy); other shapes are combined row by row.
    """
    n, perms = signatures.shape
    bands = perms // rows
    salt = np.arange(bands, dtype=_U64) * _GOLDEN
    with np.errstate(over="ignore"):
        if rows == 2:  # each band's two values as one 64-bit word: row 0 low, row 1 high
            s = signatures[:, : 2 * bands]
            if _LITTLE_ENDIAN:
                pairs = np.ascontiguousarray(s, dtype=np.uint32).view(_U64)
            else:
                pairs = s[:, 0::2].astype(_U64) | (s[:, 1::2].astype(_U64) << _S32)
            return _fmix64(pairs ^ salt).ravel()
        s = signatures[:, : bands * rows].reshape(n, bands, rows).astype(_U64)
        acc = np.broadcast_to(salt, (n, bands)).copy()
        for t in range(rows):
            acc = (acc ^ s[:, :, t]) * _MULTIPLIERS[(t + 1) % len(_MULTIPLIERS)]
        return _fmix64(acc).ravel()
