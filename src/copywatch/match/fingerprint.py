"""Word and word-run hashes, fast and reproducible across runs and machines.

Fingerprinting runs on every exclusive and every crawled page, so it avoids Python-level loops
over characters, tokens or runs. A text is folded and split into words by ``normalize.split``
(numpy table lookups, the same words as ``tokenize``); each word is hashed with a polynomial over its code units (prefix sums, modulo 2**64) and the
murmur3 finalizer; the hash of a run of ``k`` words is a fixed linear combination of its words'
hashes, finalized again. All constants are fixed and numpy's unsigned arithmetic wraps the same
way everywhere, so a text gets the same hashes on every run and machine (Python's ``hash`` is
randomized per process; datasketch's per-token SHA-1 MinHash is ~20x slower).

Texts ``split`` cannot take (not NFKC-normalized, characters outside the BMP) are tokenized word
by word and get the same hashing: both paths give the same hashes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..text.normalize import split, tokenize

_U64 = np.uint64
_P = 0x9FB21C651E98DF25  # odd multiplier of the word polynomial
_P_INV = pow(_P, -1, 1 << 64)
# Odd 64-bit multipliers, one per position in a run (runs longer than this reuse them cyclically).
_MULTIPLIERS = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93], dtype=_U64
)


_powers = np.ones(1, dtype=_U64)
_inv_powers = np.ones(1, dtype=_U64)


def _grow_powers(n: int) -> None:
    """Keep P**i and P**-i (mod 2**64) for i < n; they grow with the longest text seen."""
    global _powers, _inv_powers
    if len(_powers) >= n:
        return
    size = max(n, 2 * len(_powers), 1 << 14)
    with np.errstate(over="ignore"):
        _powers = np.cumprod(np.full(size, _P, dtype=_U64)) * _U64(_P_INV)
        _inv_powers = np.cumprod(np.full(size, _P_INV, dtype=_U64)) * _U64(_P)


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
