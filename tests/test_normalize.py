"""Arabic-first normalization: folding, tokens with offsets, idempotence, no letter lost."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from copywatch.text.normalize import fold, normalize_text, tokenize


def test_folds_hamza_alef_yaa_taa_marbuta_and_digits():
    assert normalize_text("أكد إبراهيم آنذاك") == normalize_text("اكد ابراهيم انذاك")
    assert normalize_text("على مستشفى") == "علي مستشفي"
    assert normalize_text("الحكومة المغربية") == "الحكومه المغربيه"
    assert normalize_text("سنة ٢٠٢٤ و۱۹۹۹") == "سنه 2024 و1999"


def test_strips_harakat_tatweel_and_invisible_controls():
    assert normalize_text("العَرَبِيَّةُ") == "العربيه"
    assert normalize_text("المـــغرب") == "المغرب"
    assert normalize_text("الرباط\u200f\u200b") == "الرباط"


def test_punctuation_separates_words():
    # plain str.isalnum() would reject a word touching ، ؛ ؟ or carrying harakat
    assert tokenize("الرباط،فاس؛مكناس؟«طنجة»").words == ("الرباط", "فاس", "مكناس", "طنجه")


def test_latin_is_case_folded_and_french_kept():
    assert normalize_text("Le Président Macron, À Rabat") == "le président macron à rabat"


def test_offsets_point_into_the_original_text():
    text = "قال الوزيرُ: «الإصلاح ضروري»."
    t = tokenize(text)
    assert [text[a:b] for a, b in zip(t.starts, t.ends, strict=True)] == ["قال", "الوزيرُ", "الإصلاح", "ضروري"]


arabic_text = st.text(
    alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF) | st.sampled_from(" ،.«»\u0640a-Z0"),
    max_size=200,
)


@given(arabic_text)
def test_normalization_is_idempotent(text):
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert fold(fold(text)) == fold(text)


@given(arabic_text)
def test_no_arabic_letter_is_dropped(text):
    # every Arabic letter (category Lo) of the input survives folding, possibly as its folded form
    letters = [c for c in unicodedata.normalize("NFKC", text) if "\u0621" <= c <= "\u064a" and c != "\u0640"]
    folded = "".join(fold(c) for c in letters)
    assert len(folded) == len(letters)
    joined = normalize_text(text).replace(" ", "")
    for c in folded:
        assert c in joined
