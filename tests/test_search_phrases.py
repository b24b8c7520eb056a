"""Distinctive passages: short, rare, not quoted, not the notice or the outlet's formulas, spread."""

from __future__ import annotations

from copywatch.discovery.phrases import MIN_PHRASE_WORDS, PHRASE_WORDS, PhrasePicker
from copywatch.text.normalize import normalize_text, tokenize

NOTICE = "يمنع نقل هذا المقال الحصري دون الإشارة إلى المصدر كواليس اليوم"
FORMULA = "وفي انتظار ذلك تبقى الأسئلة مطروحة حول مآل هذا الملف"

ARTICLES = [
    (
        "كشفت مصادر مطلعة أن مجلس جهة سوس ماسة صادق على اتفاقية لتمويل محطة تحلية مياه البحر بالقرب"
        " من شاطئ أكلو. وقال رئيس المجلس «إننا نريد ماء صالحا للشرب لكل أحياء المدينة دون انقطاع» في"
        " تصريح للصحافة. وتتضمن الاتفاقية بناء خزانات إسمنتية ضخمة فوق هضبة تغازوت المطلة على المحيط."
        " وأضافت المصادر أن المقاول الفائز بالصفقة سيشرع في حفر الأنفاق الجوفية قبل نهاية الخريف المقبل."
        f" {FORMULA}. {NOTICE}"
    ),
    (
        "علمت الجريدة أن وزارة الداخلية فتحت تحقيقا في صفقات اقتناء سيارات الإسعاف بعمالة إنزكان آيت"
        " ملول. وتشير الوثائق إلى أن الأسعار المصرح بها تجاوزت أثمنة السوق بفارق كبير جدا. وقال مسؤول"
        ' "لا علم لي بأي خروقات في هذا الملف" حسب تعبيره. وتبين أن المورد نفسه فاز بثلاث صفقات متتالية'
        f" خلال سنة واحدة دون منافسة حقيقية. {FORMULA}. {NOTICE}"
    ),
    (
        "تعيش ساكنة دواوير إقليم تارودانت على وقع عزلة خانقة بعد انهيار القنطرة الوحيدة فوق وادي"
        " سوس. واضطر التلاميذ إلى عبور مجرى الوادي مشيا على الأقدام في ظروف محفوفة بالمخاطر اليومية."
        " وطالب فاعلون جمعويون بتدخل عاجل لإصلاح الطريق الإقليمية المؤدية إلى مركز الجماعة القروية."
        f" {FORMULA}. {NOTICE}"
    ),
]


def picker(notice: str = "") -> PhrasePicker:
    return PhrasePicker(ARTICLES, notice=notice)


def test_phrases_are_short_runs_of_the_articles_own_words():
    for text in ARTICLES:
        for phrase in picker().phrases(text, 3):
            n = len(tokenize(phrase).words)
            assert MIN_PHRASE_WORDS <= n <= PHRASE_WORDS <= 10
            assert normalize_text(phrase) in normalize_text(text)


def test_no_phrase_from_the_notice_the_outlets_formula_or_a_quote():
    forbidden = [NOTICE, FORMULA, "إننا نريد ماء صالحا للشرب لكل أحياء المدينة دون انقطاع",
                 "لا علم لي بأي خروقات في هذا الملف"]  # fmt: skip
    p = picker()
    for text in ARTICLES:
        for r in range(3):
            for phrase in p.phrases(text, 3, r):
                norm = normalize_text(phrase)
                for bad in forbidden:
                    bad_words = normalize_text(bad).split()
                    # not even three consecutive words of them
                    runs = {" ".join(bad_words[i : i + 3]) for i in range(len(bad_words) - 2)}
                    assert not any(run in norm for run in runs), (phrase, bad)


def test_the_notice_is_avoided_even_with_a_single_exclusive_loaded():
    only = PhrasePicker(ARTICLES[:1], notice=NOTICE)
    for r in range(4):
        for phrase in only.phrases(ARTICLES[0], 3, r):
            assert "يمنع" not in phrase and "الحصري" not in phrase


def test_phrases_are_spread_over_the_article():
    text = ARTICLES[0]
    phrases = picker().phrases(text, 3)
    assert len(phrases) == 3
    norm = normalize_text(text)
    where = [norm.index(normalize_text(p)) / len(norm) for p in phrases]
    assert min(where) < 0.34 and max(where) > 0.5  # one near the start, one past the middle


def test_rare_words_are_preferred_to_common_ones():
    p = picker()
    # a word in every exclusive weighs less than a word in one
    assert p.weight(normalize_text("مطروحة")) < p.weight(normalize_text("تغازوت"))


def test_each_round_asks_other_passages_and_the_choice_is_reproducible():
    p = picker()
    first, second = p.phrases(ARTICLES[0], 2, 0), p.phrases(ARTICLES[0], 2, 1)
    assert first and second and not set(first) & set(second)
    assert PhrasePicker(ARTICLES).phrases(ARTICLES[0], 2, 1) == second


def test_an_article_without_admissible_passage_gives_no_phrase():
    assert picker().phrases("", 3) == []
    assert picker().phrases("«كلها كلمات بين علامتي تنصيص من أول النص إلى آخره»", 3) == []
