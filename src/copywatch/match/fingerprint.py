"""Word n-gram hashes and MinHash sketches, reproducible across runs and machines.

Hashes are xxhash (seeded, platform-independent) rather than Python's ``hash`` (randomized per
process) or datasketch's default SHA-1 (slow). The MinHash permutation seed and scheme are fixed,
so the same text always gets the same sketch.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xxhash
from datasketch import MinHash

HASH_SEED = 0x0C0FFEE
MINHASH_SCHEME = "affine32"


def gram_hashes(words: Sequence[str], k: int) -> np.ndarray:
    """64-bit hashes of every run of ``k`` consecutive words (a text shorter than k gives one)."""
    if not words:
        return np.zeros(0, dtype=np.uint64)
    if len(words) < k:
        return np.array([xxhash.xxh64_intdigest(" ".join(words).encode(), HASH_SEED)], dtype=np.uint64)
    h = xxhash.xxh64_intdigest
    return np.fromiter(
        (h(" ".join(words[i : i + k]).encode(), HASH_SEED) for i in range(len(words) - k + 1)),
        dtype=np.uint64,
        count=len(words) - k + 1,
    )


def _identity(x: int) -> int:
    return x


def minhash(hashes: np.ndarray, num_perm: int, seed: int) -> MinHash:
    """A MinHash of a set of 64-bit gram hashes (folded to the 32 bits the scheme expects)."""
    m = MinHash(num_perm=num_perm, seed=seed, hashfunc=_identity, scheme=MINHASH_SCHEME)
    if len(hashes):
        folded = (hashes ^ (hashes >> np.uint64(32))) & np.uint64(0xFFFFFFFF)
        m.update_batch(np.unique(folded).tolist())
    return m
