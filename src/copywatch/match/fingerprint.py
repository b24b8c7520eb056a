"""Word and word-run hashes, fast and reproducible across runs and machines.

Fingerprinting runs on every exclusive and every crawled page, so it avoids Python-level loops
over characters, tokens or runs. A text is folded and split into words by ``normalize.split``
(numpy table lookups, the same words as ``tokenize``); each word is hashed with a polynomial over
its code units (prefix sums, modulo 2**64) and the murmur3 finalizer; the hash of a run of ``k``
words is a fixed linear combination of its words' hashes, finalized again. All constants are
fixed and numpy's unsigned arithmetic wraps the same way everywhere, so a text gets the same
hashes on every run and machine (Python's ``hash`` is randomized per process; datasketch's
per-token SHA-1 MinHash is ~20x slower).

Texts ``split`` cannot take (not NFKC-normalized, characters outside the BMP) are tokenized word
by word and get the same hashing: both paths give the same hashes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from datasketch import MinHash

from ..text.normalize import split, tokenize

_U64 = np.uint64
_P = 0x9FB21C651E98DF25  # odd multiplier of the word polynomial
_P_INV = pow(_P, -1, 1 << 64)
# Odd 64-bit multipliers, one per position in a run (runs longer than this reuse them cyclically).
_MULTIPLIERS = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93], dtype=_U64
)
# P**i and P**-i (mod 2**64), grown on demand.
_powers: np.ndarray = np.ones(1, dtype=_U64)
_inv_powers: np.ndarray = np.ones(1, dtype=_U64)


def _grow_powers(n: int) -> None:
    """Keep P**i and P**-i (mod 2**64) for i < n; they grow with the longest text seen."""
    global _powers, _inv_powers
    if len(_powers) >= n:
        return
    size = max(n, 2 * len(_powers), 1 << 14)
    with np.errstate(over="ignore"):
        # inverse powers first: a concurrent reader that sees the longer _powers finds them ready
        _inv_powers = np.cumprod(np.full(size, _P_INV, dtype=_U64)) * _U64(_P)
        _powers = np.cumprod(np.full(size, _P, dtype=_U64)) * _U64(_P_INV)


def _fmix64(x: np.ndarray) -> np.ndarray:
    x = x ^ (x >> _U64(33))
    x = x * _U64(0xFF51AFD7ED558CCD)
    x = x ^ (x >> _U64(33))
    x = x * _U64(0xC4CEB9FE1A85EC53)
    return x ^ (x >> _U64(33))


def _hash_spans(units: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Hash each span [start, end) of code units: a polynomial via prefix sums, then finalized."""
    if not len(starts):
        return np.zeros(0, dtype=_U64)
    _grow_powers(len(units) + 1)
    with np.errstate(over="ignore"):
        prefix = np.zeros(len(units) + 1, dtype=_U64)
        np.cumsum(units.astype(_U64) * _powers[: len(units)], out=prefix[1:])
        h = (prefix[ends] - prefix[starts]) * _inv_powers[starts]
        h ^= (ends - starts).astype(_U64) * _U64(0x9E3779B97F4A7C15)
        return _fmix64(h)


def _hash_words(folded_words: Sequence[str]) -> np.ndarray:
    """Hash already-normalized words (the slow path's words, and ``gram_hashes``)."""
    units = np.frombuffer("".join(folded_words).encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
    sizes = np.array([len(w.encode("utf-16-le", "surrogatepass")) // 2 for w in folded_words], dtype=np.int64)
    ends = np.cumsum(sizes)
    return _hash_spans(units, ends - sizes, ends)


def word_hashes(text: str) -> np.ndarray:
    """The hash of every normalized word of ``text`` (the words of ``tokenize``), in text order."""
    fast = split(text)
    if fast is None:
        return _hash_words(tokenize(text).words)
    return _hash_spans(fast.units, fast.starts, fast.ends)


def run_hashes(word_h: np.ndarray, k: int) -> np.ndarray:
    """64-bit hashes of every run of ``k`` consecutive word hashes (a text shorter than k gives one)."""
    n = len(word_h)
    if n == 0:
        return np.zeros(0, dtype=_U64)
    k = min(k, n)
    acc = np.zeros(n - k + 1, dtype=_U64)
    with np.errstate(over="ignore"):
        for t in range(k):
            acc += word_h[t : n - k + 1 + t] * _MULTIPLIERS[t % len(_MULTIPLIERS)]
        return _fmix64(acc)


def gram_hashes(folded_words: Sequence[str], k: int) -> np.ndarray:
    """Hashes of every run of ``k`` normalized words: what ``run_hashes(word_hashes(text), k)`` gives."""
    return run_hashes(_hash_words(folded_words), k)


def distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values. ``np.unique`` hashes small integer arrays in numpy 2.x, slowly, and
    degenerately for hashes with zeroed low bits (the candidate postings); sorting is ~20x faster."""
    return tally(values)[0]


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
    x = x * np.uint32(0x85EBCA6B)
    x = x ^ (x >> np.uint32(13))
    x = x * np.uint32(0xC2B2AE35)
    return x ^ (x >> np.uint32(16))


class PassageMinHash:
    """MinHash signatures of overlapping passages of word runs, as datasketch defines MinHash.

    datasketch's ``MinHash(num_perm, seed, scheme="affine32")`` supplies the permutations (and so
    the definition): each 32-bit input is mixed with the murmur3 finalizer, then mapped by
    ``h -> a*h + b (mod 2**32)``, and a signature is the minimum of each map over the set. This
    class evaluates those same maps on all of a text's runs at once and takes the minimum per
    passage (``width`` runs, every ``stride`` runs), so each passage's signature equals what
    ``MinHash.update_batch`` gives for that passage (tests/test_match.py checks it) at a fraction of
    the cost of one datasketch object per passage.
    """

    def __init__(self, num_perm: int, seed: int, width: int, stride: int):
        if width % stride:
            raise ValueError("the passage width must be a multiple of the stride")
        a, b = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
        self.a = np.asarray(a, dtype=np.uint32)
        self.b = np.asarray(b, dtype=np.uint32)
        self.width, self.stride = width, stride

    def signatures(self, runs: np.ndarray) -> np.ndarray:
        """One signature row (uint32, num_perm values) per passage of ``runs`` (32-bit hashes)."""
        n = len(runs)
        if not n:
            return np.zeros((0, len(self.a)), dtype=np.uint32)
        permuted = fmix32(runs.astype(np.uint32))[:, None] * self.a + self.b
        blocks = np.minimum.reduceat(permuted, np.arange(0, n, self.stride), axis=0)
        per = self.width // self.stride
        if len(blocks) <= per:
            return blocks.min(axis=0, keepdims=True)
        out = blocks[: len(blocks) - per + 1].copy()
        for t in range(1, per):
            np.minimum(out, blocks[t : len(blocks) - per + 1 + t], out=out)
        return out


def band_keys(signatures: np.ndarray, rows: int) -> np.ndarray:
    """LSH: cut each signature into bands of ``rows`` values and hash each band (with its number).

    Two passages share a band key when they agree on a whole band, which happens with probability
    ``J ** rows`` for Jaccard similarity J: a few rows per band and many bands make a sensitive
    filter for passages that share even a third of their runs.
    """
    n, perms = signatures.shape
    bands = perms // rows
    s = signatures[:, : bands * rows].reshape(n, bands, rows).astype(_U64)
    with np.errstate(over="ignore"):
        acc = np.arange(bands, dtype=_U64) * _U64(0x9E3779B97F4A7C15)
        acc = np.broadcast_to(acc, (n, bands)).copy()
        for t in range(rows):
            acc = (acc ^ s[:, :, t]) * _MULTIPLIERS[(t + 1) % len(_MULTIPLIERS)]
        return _fmix64(acc).ravel()
