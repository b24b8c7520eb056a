"""Matching: whole, edited, partial and reordered copies are found with the right coverage and spans;
quotes, paraphrases, unrelated text and the shared exclusivity notice are not."""

from __future__ import annotations

from tests.fixtures.arabic import EXCLUSIVE_A, EXCLUSIVE_B, NOTICE, PARAPHRASE_A, UNRELATED

from copywatch.config import MatchConfig
from copywatch.match.index import ExclusiveIndex
from copywatch.models import Exclusive

A = Exclusive(url="https://www.kawalisalyaoum.com/a", fetched_url="http://o/a", title="a", text=EXCLUSIVE_A)
B = Exclusive(url="https://www.kawalisalyaoum.com/b", fetched_url="http://o/b", title="b", text=EXCLUSIVE_B)
# Three more exclusives carrying the notice, so the index learns it is the outlet's boilerplate
# (their own text: paragraphs of A with the word order reversed, which share no 3-word run with A).
OTHERS = [
    Exclusive(
        url=f"https://www.kawalisalyaoum.com/o{i}",
        fetched_url=f"http://o/{i}",
        title="o",
        text=" ".join(reversed(EXCLUSIVE_A.split("\n")[i].split())) + "\n" + NOTICE,
    )
    for i in range(3)
]
INDEX = ExclusiveIndex([A, B, *OTHERS], MatchConfig())


def body(text: str) -> list[str]:
    return [p for p in text.split("\n") if p != NOTICE]


def test_verbatim_copy_with_page_furniture():
    page = "الرئيسية أخبار رياضة\n" + EXCLUSIVE_A + "\nشارك بتعليقك\nاقرأ أيضا: مهرجان كناوة"
    [m] = INDEX.match("http://copier/1", page)
    assert m.exclusive_url == A.url
    assert m.coverage >= 0.97
    assert m.match_type == "verbatim"
    assert 0.5 < m.page_share < 1.0
    # the spans point at the same text on both sides
    s = max(m.spans, key=lambda s: s.page_end - s.page_start)
    assert (
        page[s.page_start : s.page_end].split()[:5]
        == EXCLUSIVE_A[s.exclusive_start : s.exclusive_end].split()[:5]
    )


def test_edited_copy_spelling_variants_digits_and_changed_words():
    edited = (
        "\n".join(body(EXCLUSIVE_A))
        .replace("أ", "ا")
        .replace("إ", "ا")
        .replace("ة ", "ه ")
        .replace("ثلاثة مليارات", "٣ مليارات")
        .replace("الفلاحين", "المزارعين")
        .replace("ماراطونية", "مطولة")
        .replace("الكبرى", "الكبيرة")
        .replace("،", ",")
    )
    [m] = INDEX.match("http://copier/2", "عنوان جديد مختلف تماما\n" + edited)
    assert m.exclusive_url == A.url
    assert m.coverage >= 0.85
    assert m.match_type in ("edited", "verbatim")


def test_partial_copy_padded_with_other_text():
    paras = body(EXCLUSIVE_A)
    page = "\n".join([UNRELATED, paras[1], paras[3], UNRELATED.split("\n")[0]])
    [m] = INDEX.match("http://copier/3", page)
    assert m.match_type == "partial"
    assert 0.3 <= m.coverage <= 0.55


def test_reordered_paragraphs():
    paras = body(EXCLUSIVE_B)
    [m] = INDEX.match("http://copier/4", "\n".join([paras[3], paras[1], paras[0], paras[2]]))
    assert m.exclusive_url == B.url
    assert m.coverage >= 0.95
    assert m.match_type == "reordered"


def test_page_copying_two_exclusives_reports_both():
    page = "\n".join(body(EXCLUSIVE_A) + body(EXCLUSIVE_B))
    assert {m.exclusive_url for m in INDEX.match("http://copier/5", page)} == {A.url, B.url}


def test_a_short_quote_is_not_a_copy():
    quote = body(EXCLUSIVE_A)[1].split("،")[0]
    assert INDEX.match("http://copier/6", UNRELATED + "\nوقالت مصادر: «" + quote + "».") == []


def test_same_event_in_other_words_is_not_a_copy():
    assert INDEX.match("http://copier/7", PARAPHRASE_A) == []


def test_the_exclusivity_notice_alone_is_not_a_copy():
    assert INDEX.match("http://copier/8", UNRELATED + "\n" + NOTICE) == []


def test_results_are_reproducible():
    page = "\n".join(body(EXCLUSIVE_B)[:2])
    again = ExclusiveIndex([A, B, *OTHERS], MatchConfig())
    assert INDEX.match("http://c/9", page) == again.match("http://c/9", page)
