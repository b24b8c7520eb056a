"""Fingerprinting: the fast paths give exactly the reference tokenizer's word hashes, batches give
exactly what one text at a time gives, and the index built from them is the one a plain,
exclusive-by-exclusive construction gives (postings, common and formula runs)."""

from __future__ import annotations

import pickle
import random
import unicodedata
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.fixtures.arabic import EXCLUSIVE_A, EXCLUSIVE_B, NOTICE, PARAPHRASE_A, UNRELATED

from copywatch.config import MatchConfig
from copywatch.match import fingerprint as fp
from copywatch.match import index as index_module
from copywatch.match.index import GRAM_WORDS, ExclusiveIndex
from copywatch.models import Exclusive
from copywatch.text.normalize import tokenize

# Texts that leave the plain table path: presentation forms and the lam-alef ligature (NFKC-first
# path), marks out of canonical order, no-break spaces, lone conjunctions typed apart, a Latin
# accent as a combining mark, ß (case folds to two letters), ™ and ½ (NFKC makes them words),
# an emoji (outside the BMP).
TRICKY = [
    "",
    " ",
    "و",
    "و الرياح",
    "وَ الرياح قوية و  و الكتاب",
    "الكتاب و",
    "و\nالكتاب و\u00a0القلم",
    "ﻻ ﺗﻨﺴﻮا ﷺ الإصلاح…\u00a0ضروري",
    "ﺍﻟﺮﻳﺎﺽ ﻭ ﺍﻟﻘﺼﻴﻢ و ﺍﻟﻘﺼﻴﻢ",
    "شَّدَّة مَدَّ",
    "e\u0301cole STRASSE straße",
    "a™ ½ x\u0640y",
    "😀 نص مع رمز",
    "١٢٣ ٤٥ ۶۷",
    "ﻭ الرياح",
    "الجائر.. و و و إلخ؛ مجرد كارثةٍ",  # normalized: a chain of lone و, joined in pairs
    "الجائر.. و و و إلخ؛ كارثة\u064d\u064c",  # marks out of order: the reference's chain, not split's
    "إنَّ الأمرَ و(الرياح) َّ أأ\u0654 ە\u0654",  # harakat out of canonical order, a composition
]
ALPHABET = list("ابتثجحخدذرسشصضطظعغفقكلمنهويءأإآةىؤئ و") + [
    " ",
    "\n",
    "\u00a0",
    "\u064e",
    "\u0651",
    "\u0654",
    "\u0640",
    "\u200f",
    "\ufefb",
    "\ufe8d",
    "\ufeed",
    "\ufdfa",
    "\u0301",
    "e",
    "ß",
    "™",
    "½",
    "1",
    "٣",
    ".",
    "،",
    "\U0001f600",
    "(",
    '"',
    "«",
    "\u06d5",
    "\u1100",
    "\u1161",
]


def reference(text: str) -> list[int]:
    """Word hashes of ``tokenize``'s words, hashed one by one: ``normalize.split``'s where it takes
    the text, else the reference tokenizer's (regex tokens, each folded on its own)."""
    return fp._hash_words(tokenize(text).words).tolist()


@pytest.mark.parametrize("text", TRICKY + [EXCLUSIVE_A, EXCLUSIVE_B, NOTICE, PARAPHRASE_A, UNRELATED])
def test_word_hashes_are_the_reference_tokenizers(text):
    assert fp.word_hashes(text).tolist() == reference(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(ALPHABET), max_size=60).map("".join))
def test_word_hashes_match_the_reference_on_any_mix(text):
    assert fp.word_hashes(text).tolist() == reference(text)


def test_the_fast_paths_are_taken():
    assert fp._table_word_hashes(EXCLUSIVE_A) is not None
    assert fp._table_word_hashes("وَ الرياح") is not None  # a lone و joined on the table path
    out_of_order = "كارثة\u064d\u064c كبرى"  # tanween marks out of canonical order: NFKC reorders them
    assert not unicodedata.is_normalized("NFKC", out_of_order)
    assert fp._table_word_hashes(out_of_order) is not None
    chain = "الجائر.. و و إلخ؛ كارثة\u064d\u064c"  # lone و in a row: joined in pairs, as tokenize does
    got = fp._table_word_hashes(chain)
    assert got is not None and got.tolist() == fp._hash_words(tokenize(chain).words).tolist()
    assert fp._table_word_hashes("ﻻ ﺗﻨﺴﻮا") is None
    assert fp._compat_word_hashes("ﻻ ﺗﻨﺴﻮا") is not None  # presentation forms: NFKC first
    assert fp._compat_word_hashes("e\u0301cole") is None  # a combining accent: the reference


def test_batches_give_what_one_text_at_a_time_gives():
    rng = random.Random(4)
    pool = TRICKY + [EXCLUSIVE_A, EXCLUSIVE_B, NOTICE, PARAPHRASE_A, UNRELATED]
    sketch = fp.PassageMinHash(24, 1, 40, 20)
    for _ in range(40):
        texts = [rng.choice(pool) for _ in range(rng.randrange(0, 12))]
        words = fp.word_hashes_many(texts)
        runs = fp.run_hashes_many(words, GRAM_WORDS)
        signatures = sketch.signatures_many([fp.high32(r) for r in runs])
        for text, w, r, s in zip(texts, words, runs, signatures, strict=True):
            alone = fp.word_hashes(text)
            assert w.tolist() == alone.tolist()
            assert r.tolist() == fp.run_hashes(alone, GRAM_WORDS).tolist()
            expected = sketch.signatures(fp.high32(fp.run_hashes(alone, GRAM_WORDS)))
            assert s.shape == expected.shape and (s == expected).all()


def test_signatures_of_every_length():
    runs = np.random.default_rng(1).integers(0, 2**32, size=200, dtype=np.uint64).astype(np.uint32)
    sketch = fp.PassageMinHash(24, 7, 40, 20)
    lengths = [0, 1, 19, 20, 21, 39, 40, 41, 60, 137, 200]
    together = sketch.signatures_many([runs[:n] for n in lengths])
    for n, s in zip(lengths, together, strict=True):
        alone = sketch.signatures(runs[:n])
        assert s.shape == alone.shape == ((0 if n == 0 else max(1, -(-n // 20) - 1)), 24)
        assert (s == alone).all()
        # each passage is the minimum of datasketch's maps over its 40 runs
        for j, row in enumerate(alone):
            part = fp.fmix32(runs[j * 20 : min(n, j * 20 + 40)])
            assert (row == (part[:, None] * sketch.a + sketch.b).min(axis=0)).all()


def test_band_keys_see_whole_bands_only():
    sig = np.random.default_rng(2).integers(0, 2**32, size=(5, 24), dtype=np.uint64).astype(np.uint32)
    keys = fp.band_keys(sig, 2).reshape(5, 12)
    other = sig.copy()
    other[3, 5] ^= 1  # one value of band 2 changed in row 3
    changed = fp.band_keys(other, 2).reshape(5, 12) != keys
    assert changed.sum() == 1 and changed[3, 2]
    # the same values give the same keys whatever the memory layout
    assert (fp.band_keys(np.asfortranarray(sig), 2) == keys.ravel()).all()
    assert (fp.band_keys(sig[:, ::-1][:, ::-1], 2) == keys.ravel()).all()
    # the same band in another place is another key; other row counts work too
    twice = np.concatenate([sig[:, :2]] * 12, axis=1)
    assert len(set(fp.band_keys(twice, 2)[:12].tolist())) == 12
    assert fp.band_keys(sig, 3).shape == (5 * 8,)


def exclusives(n: int, seed: int = 3) -> list[Exclusive]:
    """Articles sharing paragraphs (formula, near-duplicates, a common line) in varied ways."""
    rng = random.Random(seed)
    paragraphs = [p for t in (EXCLUSIVE_A, EXCLUSIVE_B, PARAPHRASE_A, UNRELATED) for p in t.split("\n") if p]
    vocab = " ".join(paragraphs).split()
    out = []
    for i in range(n):
        own = " ".join(rng.choice(vocab) for _ in range(rng.randrange(20, 300)))
        parts = [own] + rng.sample(paragraphs, rng.randrange(0, 3))
        if i % 7 == 0:
            parts.append(NOTICE)
        out.append(
            Exclusive(url=f"https://o/{i}", fetched_url=f"https://o/{i}", title="", text="\n".join(parts))
        )
    # versions of one article: one article for the formula, five exclusives for the postings (and
    # under 5% of the exclusives, so not common)
    for v in range(4):
        text = out[5].text + f" تحديث {v}"
        out.append(Exclusive(url=f"https://o/v{v}", fetched_url=f"https://o/v{v}", title="", text=text))
    out.append(Exclusive(url="https://o/empty", fetched_url="https://o/empty", title="", text="، ."))
    return out


def plain_postings(index: ExclusiveIndex) -> np.ndarray:
    """The postings built the plain way: each exclusive's distinct keys, sorted, crowded keys out."""
    parts = []
    for e in range(len(index)):
        keys = index._keys(index._runs(e), index._ex_sketch)
        parts.append(np.unique((keys & index_module._KEY_MASK) | np.uint64(e)))
    postings = np.sort(np.concatenate(parts))
    per_key = Counter((postings & index_module._KEY_MASK).tolist())
    return postings[
        [per_key[k] <= index_module.MAX_POSTINGS for k in (postings & index_module._KEY_MASK).tolist()]
    ]


def plain_formula(index: ExclusiveIndex, archive: dict[str, bytes]) -> np.ndarray:
    docs = [np.unique(index._runs(e)) for e in range(len(index))]
    docs += [np.frombuffer(b, dtype="<u4").astype(np.uint32) for b in archive.values()]
    counts: Counter[int] = Counter()
    for group in index_module._near_duplicate_groups(docs):
        counts.update(set(np.concatenate([docs[g] for g in group]).tolist()))
    formula = [r for r, c in counts.items() if c >= index.config.formula_min_docs]
    return np.setdiff1d(np.array(sorted(formula), dtype=np.uint32), index._common)


@pytest.mark.parametrize("min_docs", [1, 2, 3])
def test_the_index_is_the_plain_construction(monkeypatch, min_docs):
    # small blocks and batches, so that every boundary is crossed
    monkeypatch.setattr(index_module, "_BLOCK", 7)
    monkeypatch.setattr(index_module, "_BATCH", 5)
    monkeypatch.setattr(index_module, "MAX_POSTINGS", 3)
    monkeypatch.setattr(index_module, "_CHUNK", 16)
    exs = exclusives(120)
    archive = {f"https://o/old{i}": index_module.article_runs(exs[i].text + " قديم") for i in range(3)}
    index = ExclusiveIndex(exs, MatchConfig(formula_min_docs=min_docs), archive=archive)
    plain = plain_postings(index)
    assert len(index._postings) == len(plain) and (index._postings == plain).all()
    if min_docs > 1:  # (with 1, every run is formula and no key is left)
        assert 0 < len(plain) < sum(index._n_keys)  # some keys were crowded out
    formula = plain_formula(index, archive)
    assert len(index._formula) == len(formula) and (index._formula == formula).all()
    # the number of distinct keys of each exclusive, crowded ones included
    for e in range(len(index)):
        keys = index._keys(index._runs(e), index._ex_sketch)
        assert index._n_keys[e] == len(np.unique(keys >> np.uint64(24)))


def test_batch_size_changes_nothing(monkeypatch):
    exs = exclusives(40, seed=8)
    page = exs[3].text + "\n" + UNRELATED
    whole = ExclusiveIndex(exs, MatchConfig())
    monkeypatch.setattr(index_module, "_BATCH", 1)
    one_by_one = ExclusiveIndex(exs, MatchConfig())
    assert (whole._postings == one_by_one._postings).all()
    assert (whole._idf == one_by_one._idf).all()
    assert whole.match("http://c/1", page) == one_by_one.match("http://c/1", page)
    assert whole.match("http://c/1", page)


def test_an_index_survives_pickling():
    exs = exclusives(20, seed=9)
    index = ExclusiveIndex(exs, MatchConfig())
    again = pickle.loads(pickle.dumps(index))
    page = exs[2].text
    assert again.match("http://c/p", page) == index.match("http://c/p", page)
    assert index.match("http://c/p", page)


def test_an_index_of_nothing_but_short_texts():
    texts = ["", "كلمة", "و", "كلمتان اثنتان"]
    exs = [Exclusive(url=f"https://o/{i}", fetched_url="", title="", text=t) for i, t in enumerate(texts)]
    index = ExclusiveIndex(exs, MatchConfig())
    assert index._n_keys.tolist() == [0, 1 * 12, 1 * 12, 1 * 12]  # one passage each, 12 bands
    assert index.candidates(fp.run_hashes(fp.word_hashes(""), GRAM_WORDS)) == []
    assert index.match("http://c/p", UNRELATED) == []


def test_membership_is_isins():
    rng = np.random.default_rng(5)
    members = np.unique(rng.integers(0, 5000, size=800)).astype(np.uint32)
    for size in (0, 1, 7, 300):
        values = rng.integers(0, 5000, size=size).astype(np.uint32)
        assert (index_module._member(values, members) == np.isin(values, members)).all()
        assert not index_module._member(values, members[:0]).any()
