"""The two folds of text/normalize.py agree on what makes two spellings one word."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from copywatch.match.fingerprint import word_hashes, word_hashes_many
from copywatch.text.normalize import (
    _tokenize_by_token,
    fold_for_names,
    name_tokens,
    normalize_text,
    tokenize,
    words,
)


@pytest.mark.parametrize(
    "a, b",
    [
        ("ٱلرباط", "الرباط"),  # alef wasla
        ("کواليس", "كواليس"),  # keheh
        ("الیوم", "اليوم"),  # Persian yeh
        ("كواليس\u200f اليوم", "كواليس اليوم"),  # a right-to-left mark
        ("كَوَالِيسُ الْيَوْمِ", "كواليس اليوم"),  # harakat
        ("أخبار إضافية آخر", "اخبار اضافيه اخر"),
        ("٢٠٢٤", "2024"),
    ],
)
def test_both_folds_agree(a: str, b: str) -> None:
    assert name_tokens(a) == name_tokens(b)
    assert words(a) == words(b)


def test_the_names_fold_keeps_punctuation_and_folds_accents() -> None:
    assert fold_for_names("Crédit : «واس»") == 'credit : "واس"'
    assert name_tokens("الرياض - واس") == ["الرياض", "واس"]


@pytest.mark.parametrize(
    "apart, joined",
    [
        ("الحرارة و الرطوبة", "الحرارة والرطوبة"),
        ("و الرياح شمالية", "والرياح شمالية"),
        ("رياح نشطة و  مثيرة للغبار", "رياح نشطة ومثيرة للغبار"),
    ],
)
def test_the_conjunction_typed_apart_joins_its_word(apart: str, joined: str) -> None:
    """«و الرياح» and «والرياح» are one spelling: a copy that only spaced the conjunction is verbatim."""
    assert words(apart) == words(joined)


def test_a_lone_waw_before_a_number_or_latin_stays() -> None:
    assert words("قال و 12") == ["قال", "و", "12"]
    assert words("قال و Rabat") == ["قال", "و", "rabat"]


def test_a_lone_waw_joins_across_spaces_and_an_opening_bracket_or_quote() -> None:
    """«و(جيمي)», «و "التعذيب"»: the و joins its word, as a copy without the marks writes it; other
    marks («و #زعيم», «و.») and line breaks keep it apart in the matcher's words."""
    assert words('ماغواير و(جيمي) فاردي و "التعذيب"') == ["ماغواير", "وجيمي", "فاردي", "والتعذيب"]
    assert words("ترمب و #زعيم_كوريا") == ["ترمب", "و", "زعيم", "كوريا"]
    assert words("الفساد. و \n ويعتبر") == ["الفساد", "و", "ويعتبر"]


def test_a_chain_of_lone_waws_joins_in_pairs_in_both_tokenizers() -> None:
    """A و joined to the و before it is no longer lone: «و و و إلخ» is «وو وإلخ», whichever
    tokenizer reads it (the vectorised one joined all four before)."""
    for text in ("و و و إلخ", "و و و و الرياح", "و #و الرياح", "قال و و"):
        assert list(tokenize(text).words) == list(_tokenize_by_token(text).words), text
    assert words("و و و إلخ") == ["وو", "والخ"]


def test_normalized_text_reads_the_same_once_more() -> None:
    """Normalized text is text again: a و the matcher's words keep apart is joined there, so a
    second normalization finds nothing more to join (hypothesis found «ؤ۽ء» -> «و ء» -> «وء»)."""
    assert normalize_text("ترمب و #زعيم") == "ترمب وزعيم"
    for text in ("و. الرياح", "ؤ۽ء", "و\nالرياح", "قال و\n\n\nالرياح شديدة", "و و الرياح", "و 12 و"):
        once = normalize_text(text)
        assert normalize_text(once) == once, (text, once)


def test_a_lone_waw_never_joins_the_next_text_of_a_batch() -> None:
    """Batches of texts are hashed as one (joined by a line break): a و closing one text must not
    join the first word of the next."""
    texts = ["قال الوزير و", "الرياح شديدة و", "و\nالمطر", "12 و", "الرياح"]
    assert [h.tolist() for h in word_hashes_many(texts)] == [word_hashes(t).tolist() for t in texts]
    assert len(word_hashes("و\nالمطر")) == 2


def _fold_by_definition(text: str) -> str:
    """fold_for_names as its docstring defines it, written the slow, obvious way."""
    import unicodedata

    from copywatch.text.normalize import _NAME_TABLE

    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped).translate(_NAME_TABLE).casefold()


def test_the_names_fold_is_its_definition_for_every_character() -> None:
    """The fast path (marks deleted by one pattern, NFC skipped when already so, the table applied
    by replace) gives what the definition gives, for each assigned code point (the planes past 3 hold
    only tags and variation selectors, at E0000) alone and between letters."""
    for c in [*range(0xD800), *range(0xE000, 0x40000), *range(0xE0000, 0xE1000)]:
        for text in (chr(c), f"ا{chr(c)}\u0301ة"):
            assert fold_for_names.__wrapped__(text) == _fold_by_definition(text), (hex(c), text)


@given(st.text(alphabet=st.sampled_from([*map(chr, range(0x600, 0x700)), *map(chr, range(0x300, 0x370)),
                                         *" aeé«»“”’\u200f\u200b٢۵ـیکٱةى\u1100\u1161\U0001d15e\U0001f600"]),
               max_size=40))  # fmt: skip
def test_the_names_fold_is_its_definition_for_mixed_text(text: str) -> None:
    assert fold_for_names.__wrapped__(text) == _fold_by_definition(text)
