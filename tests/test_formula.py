"""Formula is not copying; a page of several parts is several copies; a new headline is no edit.

Agencies and papers write many articles from one formula (the weather bulletin, the market close,
the condolence telegram): the same sentences with another day's figures and names. Text that the
outlet's own archive repeats from article to article counts for nothing, so another day's bulletin
is not a copy of this one, while a copy of this one still is. The archive is kept in the store and
grows with every scan.
"""

from __future__ import annotations

import random

import pytest
from tests.fixtures.arabic import EXCLUSIVE_A, EXCLUSIVE_B

from copywatch.config import MatchConfig
from copywatch.match.index import ExclusiveIndex, article_runs
from copywatch.models import Exclusive, RunInfo
from copywatch.store import ScanResults, Store

CITIES = [
    "الرياض",
    "جدة",
    "مكة المكرمة",
    "المدينة المنورة",
    "الدمام",
    "أبها",
    "تبوك",
    "حائل",
    "جازان",
    "نجران",
]


def bulletin(day: int) -> str:
    """The national weather bulletin of one day: fixed sentences, that day's figures and regions."""
    rng = random.Random(day)
    regions = rng.sample(CITIES, 4)
    lines = [
        f"توقع المركز الوطني للأرصاد في تقريره عن حالة الطقس ليوم {day} من الشهر الجاري أن تكون الأجواء "
        "حارة إلى شديدة الحرارة على معظم مناطق المملكة، "
        f"مع نشاط في الرياح السطحية على {regions[0]} و{regions[1]}.",
        f"وأشار التقرير إلى فرصة لهطول أمطار رعدية على المرتفعات الجنوبية الغربية تشمل {regions[2]} "
        f"تمتد إلى {regions[3]} خلال فترة ما بعد الظهر، قد تكون مصحوبة برياح نشطة مثيرة للأتربة والغبار.",
        "وبين المركز أن درجات الحرارة العظمى المتوقعة اليوم هي: "
        + "، ".join(f"{c} {rng.randint(38, 49)}" for c in rng.sample(CITIES, 6))
        + "، فيما كانت الصغرى: "
        + "، ".join(f"{c} {rng.randint(18, 32)}" for c in rng.sample(CITIES, 6))
        + ".",
        f"وأوضح أن حركة الرياح على البحر الأحمر شمالية غربية بسرعة {rng.randint(10, 40)} كم في الساعة، "
        f"وارتفاع الموج من متر إلى متر ونصف، وحالة البحر خفيف إلى متوسط الموج، فيما تكون حركة الرياح "
        f"على الخليج العربي شمالية بسرعة {rng.randint(10, 40)} كم في الساعة.",
    ]
    return "\n".join(lines)


def ex(name: str, text: str, title: str = "") -> Exclusive:
    return Exclusive(
        url=f"https://spa.example/{name}", fetched_url=f"https://spa.example/{name}", title=title, text=text
    )


TODAY = ex("weather-10", bulletin(10), "حالة الطقس")
ARCHIVE = {f"https://spa.example/weather-{d}": article_runs(bulletin(d)) for d in range(1, 6)}


def test_another_day_of_the_formula_matches_when_nothing_tells_it_is_formula() -> None:
    """The mechanism matters: with this bulletin alone, another day's looks like a copy of it."""
    index = ExclusiveIndex([TODAY, ex("a", EXCLUSIVE_A)], MatchConfig())
    assert index.match("https://paper.example/w11", bulletin(11))


def test_another_day_of_the_formula_is_not_a_copy() -> None:
    index = ExclusiveIndex([TODAY, ex("a", EXCLUSIVE_A)], MatchConfig(), archive=ARCHIVE)
    assert index.match("https://paper.example/w11", bulletin(11)) == []
    assert index.match("https://paper.example/w12", "خبر عن الطقس\n" + bulletin(12)) == []


def test_a_copy_of_this_day_of_the_formula_still_is() -> None:
    index = ExclusiveIndex([TODAY, ex("a", EXCLUSIVE_A)], MatchConfig(), archive=ARCHIVE)
    [m] = index.match("https://paper.example/w10", "الرياض - واس\n" + bulletin(10))
    assert m.exclusive_url == TODAY.url
    assert m.coverage >= 0.9


def test_formula_in_an_exclusive_does_not_lift_a_partial_copy() -> None:
    """A page that took one real paragraph of an article opening with the formula: the formula it
    shares with every bulletin is not counted as taken."""
    own = EXCLUSIVE_A.split("\n")
    text = bulletin(10).split("\n")[0] + "\n" + "\n".join(own)
    exclusive = ex("mixed", text)
    index = ExclusiveIndex([exclusive, ex("b", EXCLUSIVE_B)], MatchConfig(), archive=ARCHIVE)
    page = bulletin(11).split("\n")[0] + "\n" + own[0] + "\n" + own[1]
    [m] = index.match("https://paper.example/p", page)
    words = [len(p.split()) for p in own]
    taken = (words[0] + words[1]) / sum(words)  # what a reader says was taken of the article's own text
    assert abs(m.coverage - taken) <= 0.1, (m.coverage, taken)


def test_the_formula_index_is_kept_in_the_store_and_grows(tmp_path) -> None:
    run = RunInfo(run_id="r1", started_at="2026-01-01T00:00:00Z", finished_at="2026-01-01T00:00:01Z")
    with Store(tmp_path / "s.db") as store:
        store.commit_scan(ScanResults(run=run, exclusives=[], pages=[], findings=[], archive_runs=ARCHIVE))
    with Store(tmp_path / "s.db") as store:
        kept = store.archive_runs()
        assert kept == ARCHIVE
        run2 = RunInfo(run_id="r2", started_at="2026-01-02T00:00:00Z", finished_at="2026-01-02T00:00:01Z")
        more = {"https://spa.example/weather-6": article_runs(bulletin(6))}
        store.commit_scan(ScanResults(run=run2, exclusives=[], pages=[], findings=[], archive_runs=more))
        assert set(store.archive_runs()) == set(ARCHIVE) | set(more)
    index = ExclusiveIndex([TODAY, ex("a", EXCLUSIVE_A)], MatchConfig(), archive=kept)
    assert index.match("https://paper.example/w11", bulletin(11)) == []


def test_an_article_stored_twice_does_not_become_formula() -> None:
    """The same article under three URLs (moved, AMP, a duplicate) counts once: its copies are found."""
    twice = {f"https://spa.example/moved-{i}": article_runs(EXCLUSIVE_A) for i in range(3)}
    index = ExclusiveIndex([ex("a", EXCLUSIVE_A), ex("b", EXCLUSIVE_B)], MatchConfig(), archive=twice)
    [m] = index.match("https://paper.example/a", EXCLUSIVE_A)
    assert m.coverage >= 0.95


# --- several exclusives on one page --------------------------------------------------------------------


def test_a_page_printing_several_parts_is_one_copy_of_each() -> None:
    """An agency splits a long story into parts; a paper prints them as one article."""
    parts = [p for p in EXCLUSIVE_A.split("\n") + EXCLUSIVE_B.split("\n") if len(p.split()) > 20]
    assert len(parts) >= 4
    half = len(parts) // 2
    one, two = "\n".join(parts[:half]), "\n".join(parts[half:])
    index = ExclusiveIndex([ex("part-1", one), ex("part-2", two)], MatchConfig())
    found = {m.exclusive_url: m for m in index.match("https://paper.example/all", one + "\n" + two)}
    assert set(found) == {"https://spa.example/part-1", "https://spa.example/part-2"}
    assert all(m.coverage >= 0.95 for m in found.values())
    # and a page carrying only the first part, a third of the second
    third = "\n".join(parts[half : half + max(1, (len(parts) - half) // 3)])
    found = {m.exclusive_url: m for m in index.match("https://paper.example/p", one + "\n" + third)}
    assert found["https://spa.example/part-1"].coverage >= 0.95
    if "https://spa.example/part-2" in found:
        assert found["https://spa.example/part-2"].coverage < 0.6


# --- the headline -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("headline_in_text", [True, False])
def test_a_new_headline_over_the_body_word_for_word_is_verbatim(headline_in_text: bool) -> None:
    """match_type describes the copied text: the exclusive's own title line (which extraction may keep
    as its first paragraph) is not part of what is measured."""
    title = "الحكومة تعلن خطة جديدة لدعم الفلاحين المتضررين من الجفاف في جهات المملكة"
    text = (title + "\n" if headline_in_text else "") + EXCLUSIVE_B
    exclusive = Exclusive(
        url="https://k.example/b", fetched_url="https://k.example/b", title=title, text=text
    )
    index = ExclusiveIndex([exclusive, ex("a", EXCLUSIVE_A)], MatchConfig())
    page = "خطة حكومية بمليار درهم لإنقاذ الفلاح من سنوات العطش\n" + EXCLUSIVE_B
    [m] = index.match("https://paper.example/b", page)
    assert m.match_type == "verbatim", m
    assert m.coverage >= 0.97


def test_one_earlier_instance_of_the_formula_is_enough() -> None:
    """The outlet repeating a text in two of its articles makes it formula (the default
    formula_min_docs = 2): one earlier bulletin in the archive tells today's figures from its formula."""
    one = {"https://spa.example/weather-3": article_runs(bulletin(3))}
    index = ExclusiveIndex([TODAY, ex("a", EXCLUSIVE_A)], MatchConfig(), archive=one)
    assert index.match("https://paper.example/w11", bulletin(11)) == []
    [m] = index.match("https://paper.example/w10", bulletin(10))
    assert m.coverage >= 0.9


def test_an_updated_version_of_the_article_in_the_archive_is_the_same_article() -> None:
    """The archive holds the article's earlier version (a sentence changed, a paragraph added) under
    another URL: near-duplicates are one article, so its copies are found whole."""
    paras = EXCLUSIVE_A.split("\n")
    earlier = "\n".join(
        [paras[0].replace("الحكومة", "السلطات", 1), *paras[1:], "تحديث: تفاصيل إضافية لاحقا."]
    )
    archive = {"https://spa.example/a-v1": article_runs(earlier)}
    index = ExclusiveIndex([ex("a", EXCLUSIVE_A), ex("b", EXCLUSIVE_B)], MatchConfig(), archive=archive)
    [m] = index.match("https://paper.example/a", EXCLUSIVE_A)
    assert m.coverage >= 0.95


# --- a page older than the exclusive ----------------------------------------------------------------------


def test_a_page_claiming_a_date_days_before_the_exclusive_predates_it() -> None:
    """Two pages from one press release: the one published a week before the exclusive cannot
    have copied it. Within backdated_days (a copy dated the same day, a clock off) it still counts."""
    from copywatch.text.dates import predates

    assert predates("2015-08-10T09:00:00Z", "2015-08-03T08:00:00Z", 2.0)
    assert not predates("2015-08-10T09:00:00Z", "2015-08-09T20:00:00Z", 2.0)
    assert not predates("2015-08-10T09:00:00Z", "2015-08-12T08:00:00Z", 2.0)
    assert not predates("2015-08-10T09:00:00Z", "2015-08-03T08:00:00Z", 0)  # 0: keep them all
    assert not predates("2015-08-10T09:00:00Z", "", 2.0) and not predates(None, "2015-08-03", 2.0)


def test_quote_settings_leave_out_a_little_of_the_exclusive_in_much_of_the_page() -> None:
    """Off by default; with quote_coverage a page quoting one paragraph among its own text is left
    out, while a page that is mostly the copied paragraph is still reported."""
    from dataclasses import replace as dc_replace

    paras = EXCLUSIVE_A.split("\n")
    own_text = "\n".join(bulletin(d) for d in range(20, 27))  # the page's own reporting, long
    quoting = own_text + "\n" + paras[0] + "\n" + paras[1]
    exclusives = [ex("a", EXCLUSIVE_A), ex("b-other", EXCLUSIVE_B)]
    [m] = ExclusiveIndex(exclusives, MatchConfig()).match("https://paper.example/q", quoting)
    assert m.coverage < 0.5 and m.page_share < 0.2
    strict = dc_replace(MatchConfig(), quote_coverage=0.5, quote_page_share=0.2)
    assert ExclusiveIndex(exclusives, strict).match("https://paper.example/q", quoting) == []
    assert ExclusiveIndex(exclusives, strict).match("https://paper.example/p", paras[0] + "\n" + paras[1])
