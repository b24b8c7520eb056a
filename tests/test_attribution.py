"""Attribution: credit signals, decoys, the accept policy and precedence, and publication dates.

Pages are built from the templates in tests/fixtures/attribution/ (an Arabic WordPress-like page,
a French page with its own class names, an old table layout) by filling their __SLOTS__ with one
credit form or one decoy at a time, so each test shows exactly which line makes the difference.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.fixtures.templates import fill_template

from copywatch.attribution import attribute, claimed_published_time, published_order
from copywatch.config import OutletConfig
from copywatch.models import Credit, Document, Exclusive

FIXTURES = Path(__file__).parent / "fixtures" / "attribution"

OUTLET = OutletConfig(
    name="كواليس اليوم",
    aliases=("موقع كواليس اليوم", "Kawalis Alyaoum"),
    domains=("kawalisalyaoum.example",),
)
NOTICE = "ملحوظة: هذه مقالة حصرية لموقع كواليس اليوم، ويُمنع نسخها دون ذكر المصدر."
AR_URL = "https://kawalisalyaoum.example/2024/05/agriculture-1234.html"
FR_URL = "https://kawalisalyaoum.example/fr/2024/03/secheresse-plan-aide.html"

AR_TEXT = (FIXTURES / "ar_exclusive.txt").read_text(encoding="utf-8") + NOTICE

FR_TEXT = (FIXTURES / "fr_exclusive.txt").read_text(encoding="utf-8")

AR_EXCLUSIVE = Exclusive(url=AR_URL, fetched_url=AR_URL, title="خطة حكومية لدعم الفلاحين", text=AR_TEXT)
FR_EXCLUSIVE = Exclusive(url=FR_URL, fetched_url=FR_URL, title="Un plan pour les agriculteurs", text=FR_TEXT)


def page(template: str = "ar_news.html", **slots: str) -> Document:
    """A copy page from a fixture template, its __SLOTS__ filled (empty unless given)."""
    html = fill_template(template, **slots)
    return Document(url="https://almadar.example/2024/05/p-77.html", title="", text="", html=html)


def ar(**slots: str) -> Credit:
    return attribute(page("ar_news.html", **slots), AR_EXCLUSIVE, OUTLET, notice=NOTICE)


def fr(**slots: str) -> Credit:
    return attribute(page("fr_news.html", **slots), FR_EXCLUSIVE, OUTLET)


def signals(credit: Credit) -> set[str]:
    return {e.signal for e in credit.evidence}


def decoys(credit: Credit) -> set[str]:
    return {e.signal for e in credit.decoys}


# --- baseline ----------------------------------------------------------------------------------------


def test_uncredited_copy_is_none_despite_footer_blogroll() -> None:
    """The template's footer lists the outlet among "مواقع صديقة": furniture, never credit."""
    credit = ar()
    assert credit.verdict == "none"
    assert credit.evidence == ()
    assert "furniture_link" in decoys(credit)
    assert not credit.notice_kept


def test_empty_or_broken_html_is_none() -> None:
    for html in ("", "   ", "<html"):
        doc = Document(url="https://x.example/a", title="", text="", html=html)
        assert attribute(doc, AR_EXCLUSIVE, OUTLET).verdict == "none"


# --- links ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "href",
    [
        AR_URL,
        "http://kawalisalyaoum.example/2024/05/agriculture-1234.html",
        "https://www.kawalisalyaoum.example/2024/05/agriculture-1234.html",
        "https://m.kawalisalyaoum.example/2024/05/agriculture-1234.html",
        "https://kawalisalyaoum.example/2024/05/agriculture-1234.html/",
        "https://kawalisalyaoum.example/2024/05/agriculture-1234.html/amp",
        "https://kawalisalyaoum.example/amp/2024/05/agriculture-1234.html",
        "https://kawalisalyaoum.example/2024/05/agriculture-1234.html?amp=1",
        "https://kawalisalyaoum.example/2024/05/agriculture-1234.html?utm_source=fb&utm_medium=social",
        "HTTPS://WWW.KAWALISALYAOUM.EXAMPLE/2024/05/agriculture-1234.html#comments",
    ],
)
def test_link_to_the_article_in_any_url_form(href: str) -> None:
    credit = ar(bottom=f'<p>المصدر: <a href="{href}">الخبر الأصلي</a></p>')
    assert credit.verdict == "link"
    assert [(e.signal, e.text, e.where) for e in credit.evidence] == [
        ("link_article", href, "end_of_article")
    ]


def test_link_to_the_article_with_a_percent_encoded_arabic_slug() -> None:
    url = "https://kawalisalyaoum.example/2024/05/خطة-لدعم-الفلاحين"
    exclusive = Exclusive(url=url, fetched_url=url, title="", text=AR_TEXT)
    href = "https://kawalisalyaoum.example/2024/05/%D8%AE%D8%B7%D8%A9-%D9%84%D8%AF%D8%B9%D9%85-%D8%A7%D9%84%D9%81%D9%84%D8%A7%D8%AD%D9%8A%D9%86/"
    doc = page(top=f'<p>نقلا عن: <a href="{href}">المصدر</a></p>')
    credit = attribute(doc, exclusive, OUTLET)
    assert credit.verdict == "link"
    assert credit.evidence[0].where == "body"  # above the text


def test_link_to_the_fetched_url_when_it_differs_from_the_canonical() -> None:
    exclusive = Exclusive(AR_URL, "https://kawalisalyaoum.example/?p=1234", "", AR_TEXT)
    credit = attribute(
        page(bottom='<p><a href="https://kawalisalyaoum.example/?p=1234">الرابط</a></p>'), exclusive, OUTLET
    )
    assert credit.verdict == "link" and signals(credit) == {"link_article"}


def test_short_link_counts_when_the_resolver_leads_to_the_article() -> None:
    doc = page(bottom='<p>للمزيد: <a href="https://sho.rt/Ab3">اضغط هنا</a></p>')
    seen: list[str] = []

    def resolve(url: str) -> str | None:
        seen.append(url)
        return AR_URL + "?utm_source=short" if url == "https://sho.rt/Ab3" else None

    credit = attribute(doc, AR_EXCLUSIVE, OUTLET, resolve=resolve)
    assert credit.verdict == "link"
    assert credit.evidence[0].signal == "link_article" and "https://sho.rt/Ab3" in credit.evidence[0].text
    assert seen == ["https://sho.rt/Ab3"]  # only links in the article are resolved, not the furniture
    assert attribute(doc, AR_EXCLUSIVE, OUTLET).verdict == "none"  # no resolver: cannot know


def test_a_failing_resolver_does_not_fail_attribution() -> None:
    def resolve(url: str) -> str | None:
        raise OSError("network down")

    doc = page(bottom='<p><a href="https://sho.rt/Ab3">اضغط هنا</a></p>')
    assert attribute(doc, AR_EXCLUSIVE, OUTLET, resolve=resolve).verdict == "none"


@pytest.mark.parametrize(
    "href",
    [
        "https://kawalisalyaoum.example/",
        "http://kawalisalyaoum.example",
        "https://www.kawalisalyaoum.example/",
        "https://kawalisalyaoum.example/index.html",
    ],
)
def test_link_to_the_outlet_home_page(href: str) -> None:
    credit = ar(top=f'<p>ذكر <a href="{href}">الموقع</a> أن الحكومة أعلنت خطة جديدة.</p>')
    assert credit.verdict == "link"
    assert signals(credit) == {"link_home"}


def test_french_link_home_in_a_credit_line_after_the_text() -> None:
    credit = fr(after='<p class="credit">Source : <a href="https://kawalisalyaoum.example/">le site</a></p>')
    assert credit.verdict == "link" and signals(credit) == {"link_home"}
    assert credit.evidence[0].where == "end_of_article"


# --- canonical -----------------------------------------------------------------------------------------


def test_rel_canonical_to_the_article() -> None:
    credit = ar(head=f'<link rel="canonical" href="{AR_URL}?utm_source=rss">')
    assert credit.verdict == "canonical"
    assert [(e.signal, e.where) for e in credit.evidence] == [("canonical", "head")]


def test_og_url_to_the_article() -> None:
    credit = ar(
        head='<meta property="og:url" content="http://www.kawalisalyaoum.example/2024/05/agriculture-1234.html">'
    )
    assert credit.verdict == "canonical" and signals(credit) == {"og_url"}


def test_canonical_to_the_outlet_home_is_a_decoy() -> None:
    credit = ar(head='<link rel="canonical" href="https://kawalisalyaoum.example/">')
    assert credit.verdict == "none" and "canonical_other" in decoys(credit)


def test_the_copier_s_own_canonical_is_not_credit() -> None:
    credit = ar(head='<link rel="canonical" href="https://almadar.example/2024/05/p-77.html">')
    assert credit.verdict == "none"


# --- names ---------------------------------------------------------------------------------------------

AR_NAME_CREDITS = [
    "المصدر: كواليس اليوم",
    "المصدر : «كواليس اليوم»",
    'مصدر الخبر: "كواليس اليوم"',
    "نقلا عن موقع كواليس اليوم",
    "نقلاً عن كواليس اليوم",
    "عن موقع كواليس اليوم",
    "حسب ما أورده موقع كواليس اليوم، فإن الحكومة ستتابع التنفيذ",
    "حسب ما نشره موقع كواليس اليوم",
    "وفق ما أورده موقع كواليس اليوم",
    "أفاد موقع كواليس اليوم",
    "(كواليس اليوم)",
    "كواليس اليوم",
    "المصدر: كـواليس اليـوم",  # tatweel
    "المصدر: كَوالِيسُ اليَوْمِ",  # harakat
    "المصدر: كواليس  اليوم.",  # spacing
    "المصدر: موقع كواليس اليوم ووكالات",
]


@pytest.mark.parametrize("line", AR_NAME_CREDITS)
@pytest.mark.parametrize("slot", ["bottom", "top", "after", "before"])
def test_arabic_name_credit_anywhere_around_the_text(line: str, slot: str) -> None:
    credit = ar(**{slot: f'<p class="src">{line}</p>'})
    assert credit.verdict == "name", credit
    assert signals(credit) == {"name"}
    assert credit.evidence[0].where == ("end_of_article" if slot in ("bottom", "after") else "body")


def test_name_credit_in_parentheses_after_the_last_paragraph() -> None:
    bottom = "<p>وأكدت الوزارة أن الدعم سيصل قبل نهاية الشهر (كواليس اليوم).</p>"
    assert ar(bottom=bottom).verdict == "name"


def test_arabic_name_with_hamza_and_taa_marbuta_variants() -> None:
    outlet = OutletConfig(name="أخبار الصحراء المغربية", domains=("sahra.example",))
    doc = page(bottom="<p>المصدر: اخبار الصحراء المغربيه</p>")
    assert attribute(doc, AR_EXCLUSIVE, outlet).verdict == "name"
    doc = page(bottom="<p>المصدر: أخبار الصحراويين</p>")
    assert attribute(doc, AR_EXCLUSIVE, outlet).verdict == "none"


@pytest.mark.parametrize(
    "line",
    [
        "Source : Kawalis Alyaoum",
        "Source: Kawalis Al-Yaoum",
        "Source : KAWALIS AL YAOUM",
        "selon Kawalis Alyaoum",
        "d'après le site Kawalis Alyaoum",
        "via Kawalis Alyaoum",
        "Crédit : Kawalis Alyaoum",
        "(Kawalis Alyaoum)",
        "Source : kawalisalyaoum.example",
        "Selon le site كواليس اليوم",
    ],
)
def test_french_name_credit(line: str) -> None:
    credit = fr(bottom=f"<p>{line}</p>")
    assert credit.verdict == "name", credit


def test_byline_naming_the_outlet() -> None:
    credit = ar(byline="كواليس اليوم")
    assert credit.verdict == "name"
    assert [(e.signal, e.where) for e in credit.evidence] == [("byline", "byline")]
    assert fr(byline="Kawalis Al-Yaoum").verdict == "name"
    assert ar(byline="هيئة التحرير").verdict == "none"


def test_image_credit_naming_the_outlet() -> None:
    img = '<img src="https://almadar.example/i.jpg" alt="صورة: كواليس اليوم">'
    figure = f'<figure class="post-image">{img}</figure>'
    credit = ar(figure=figure)
    assert credit.verdict == "name" and signals(credit) == {"image_credit"}
    caption = '<figure><img src="i.jpg" alt=""><figcaption>© كواليس اليوم</figcaption></figure>'
    assert signals(ar(figure=caption)) == {"image_credit"}


def test_a_bare_mention_inside_a_sentence_is_not_credit() -> None:
    """Without a credit phrase, parentheses or a line of its own, a name is just a mention."""
    bottom = "<p>وتداولت مواقع منها كواليس اليوم وغيرها صور الاجتماع على نطاق واسع.</p>"
    assert ar(bottom=bottom).verdict == "none"


# --- decoys --------------------------------------------------------------------------------------------


def test_sidebar_link_and_name_for_this_very_article_are_decoys() -> None:
    credit = ar(sidebar_href=AR_URL, sidebar_text="المصدر: كواليس اليوم")
    assert credit.verdict == "none"
    assert {"furniture_link", "furniture_name"} <= decoys(credit)
    assert all(e.where == "elsewhere" for e in credit.decoys if e.signal.startswith("furniture"))


def test_comment_crediting_the_outlet_is_a_decoy() -> None:
    credit = ar(comment=f'المصدر: كواليس اليوم <a href="{AR_URL}">الرابط</a>')
    assert credit.verdict == "none"
    assert {"furniture_link", "furniture_name"} <= decoys(credit)


def test_read_also_link_to_another_outlet_article_is_a_decoy_not_link_home() -> None:
    credit = fr()  # the French template has "Lire aussi" to another Kawalis article in the body
    assert credit.verdict == "none"
    assert "other_article_link" in decoys(credit)
    inline = (
        '<p>اقرأ أيضا في كواليس اليوم: <a href="https://kawalisalyaoum.example/2024/05/x.html">خبر</a></p>'
    )
    assert ar(bottom=inline).verdict == "none"


def test_unmarked_partner_list_next_to_the_article_is_a_decoy() -> None:
    """No footer/aside markup at all: the "مواقع صديقة" heading and the link list give it away."""
    after = (
        "<div><h4>مواقع صديقة</h4><ul><li><a href='https://a.example/'>أ</a></li>"
        "<li><a href='https://kawalisalyaoum.example/'>كواليس اليوم</a></li>"
        "<li><a href='https://b.example/'>ب</a></li></ul></div>"
    )
    credit = ar(after=after)
    assert credit.verdict == "none"
    assert "furniture_link" in decoys(credit)


@pytest.mark.parametrize(
    "line",
    [
        "المصدر: وكالة المغرب العربي للأنباء",
        "المصدر: وكالات",
        "Source : MAP",
        "المصدر: كواليس الأمس",
        "المصدر: كواليس اليومية",
        "Source : Kawalis Press",
        "نقلا عن موقع كواليس",
    ],
)
def test_credit_to_another_or_lookalike_outlet_is_a_decoy(line: str) -> None:
    credit = ar(bottom=f'<p class="source">{line}</p>')
    assert credit.verdict == "none", credit
    assert "other_outlet_credit" in decoys(credit)


@pytest.mark.parametrize("text", ["المصدر", "المصدر:", "Source"])
def test_a_bare_source_word_linking_to_the_exclusive_is_the_credit_and_no_decoy(text: str) -> None:
    """«المصدر» as the text of the credit link names no other outlet: the evidence shows the
    link as the credit, and not the same element again as a credit to someone else."""
    credit = ar(bottom=f'<p><a href="{AR_EXCLUSIVE.url}">{text}</a></p>')
    assert credit.verdict == "link", credit
    assert "other_outlet_credit" not in decoys(credit), credit.evidence


@pytest.mark.parametrize(
    "notice_line, notice_param",
    [
        (NOTICE, NOTICE),
        (NOTICE, ""),  # no notice configured: recognised by its shape
        ("ملاحظه : هذه مقاله حصريه لموقع كواليس اليوم ، و يمنع نسخها دون ذكر المصدر", ""),
        ("تنبيه: هذا المقال حصري لـ«كواليس اليوم» ويمنع إعادة نشره", ""),
        ("Note : cet article est une exclusivité de Kawalis Alyaoum, toute reproduction est interdite.", ""),
    ],
)
def test_kept_exclusivity_notice_is_not_a_credit(notice_line: str, notice_param: str) -> None:
    doc = page(bottom=f"<p>{notice_line}</p>")
    credit = attribute(doc, AR_EXCLUSIVE, OUTLET, notice=notice_param)
    assert credit.verdict == "none"
    assert credit.notice_kept
    assert "notice" in decoys(credit)


def test_notice_kept_and_a_real_credit() -> None:
    credit = ar(bottom=f"<p>{NOTICE}</p><p>المصدر: كواليس اليوم</p>")
    assert credit.verdict == "name" and credit.notice_kept


def test_notice_and_credit_in_the_same_paragraph() -> None:
    credit = ar(bottom=f"<p>{NOTICE} المصدر: كواليس اليوم</p>")
    assert credit.verdict == "name" and credit.notice_kept


def test_the_outlet_named_in_its_own_copied_text_is_not_credit() -> None:
    sentence = "وقال مصدر مطلع لكواليس اليوم إن الدعم سيشمل كذلك مربي الدواجن في الجهات الشرقية."
    exclusive = Exclusive(AR_URL, AR_URL, "", AR_TEXT + "\n" + sentence)
    credit = attribute(page(bottom=f"<p>{sentence}</p>"), exclusive, OUTLET)
    assert credit.verdict == "none"
    assert "copied_name" in decoys(credit)


# --- layout --------------------------------------------------------------------------------------------


def test_old_table_layout_with_loose_credit_text_and_a_link_column() -> None:
    """Text in a bare <div>, "(كواليس اليوم)" as loose text after it, a "روابط" link column."""
    doc = Document(
        "https://alwadi.example/show.php?id=1", "", "", (FIXTURES / "ar_table.html").read_text("utf-8")
    )
    credit = attribute(doc, AR_EXCLUSIVE, OUTLET)
    assert credit.verdict == "name"
    assert credit.notice_kept  # "ملاحظة : هذا المقال حصري ... ويمنع إعادة نشره" in the text
    assert "furniture_link" in decoys(credit)
    assert [e.where for e in credit.evidence] == ["end_of_article"]


def test_body_located_from_copied_text_alone() -> None:
    """The pipeline may pass only the copied passages; a partial copy still finds its body."""
    exclusive = Exclusive(AR_URL, AR_URL, "", "")
    copied = AR_TEXT.splitlines()[2]
    credit = attribute(page(bottom="<p>المصدر: كواليس اليوم</p>"), exclusive, OUTLET, copied_text=copied)
    assert credit.verdict == "name"
    assert attribute(page(), exclusive, OUTLET, copied_text=copied).verdict == "none"


# --- accept policy and precedence ------------------------------------------------------------------------

ALL_THREE = {
    "head": f'<link rel="canonical" href="{AR_URL}">',
    "bottom": f'<p>المصدر: <a href="{AR_URL}">كواليس اليوم</a></p>',
}


def test_precedence_link_over_canonical_over_name() -> None:
    credit = ar(**ALL_THREE)
    assert credit.verdict == "link"
    assert [e.signal for e in credit.evidence] == ["link_article", "canonical", "name"]


@pytest.mark.parametrize(
    "accept, verdict",
    [
        (("link", "canonical", "name"), "link"),
        (("canonical", "name"), "canonical"),
        (("name",), "name"),
        (("link",), "link"),
        ((), "none"),
    ],
)
def test_accept_policy(accept: tuple[str, ...], verdict: str) -> None:
    credit = attribute(page(**ALL_THREE), AR_EXCLUSIVE, OUTLET, accept=accept)
    assert credit.verdict == verdict
    assert len(credit.evidence) == 3  # kept as evidence whatever counts


def test_accept_without_name_turns_a_name_only_credit_into_none() -> None:
    credit = attribute(
        page(bottom="<p>المصدر: كواليس اليوم</p>"), AR_EXCLUSIVE, OUTLET, accept=("link", "canonical")
    )
    assert credit.verdict == "none"
    assert signals(credit) == {"name"}


def test_evidence_text_is_trimmed() -> None:
    long = "المصدر: كواليس اليوم " + "وكلام كثير " * 60
    credit = ar(bottom=f"<p>{long}</p>")
    assert credit.verdict == "name" and len(credit.evidence[0].text) <= 200


# --- published_order ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ex, copy, seen, expected",
    [
        ("2024-05-25T10:00:00Z", "2024-05-25T12:00:00+02:00", None, "after"),  # same instant
        ("2024-05-25T10:00:00Z", "2024-05-25T11:00:00+01:00", None, "after"),
        ("2024-05-25T10:00:00Z", "2024-05-25T10:30:00+02:00", None, "backdated"),  # 08:30 UTC
        ("2024-05-25T10:00:00+00:00", "2024-05-20T09:00:00Z", "2024-05-26T00:00:00Z", "backdated"),
        ("2024-05-25T10:00:00Z", "2024-05-25T00:00:00Z", None, "after"),  # a bare date, same day
        ("2024-05-25T10:00:00Z", "2024-05-24T00:00:00Z", None, "backdated"),
        ("2024-05-25T10:00:00Z", None, "2024-05-26T08:00:00Z", "after"),
        ("2024-05-25T10:00:00Z", None, "2024-05-20T08:00:00Z", "unknown"),
        ("2024-05-25T10:00:00Z", None, None, "unknown"),
        (None, "2024-05-25T10:00:00Z", "2024-05-26T08:00:00Z", "unknown"),
        ("not a date", "2024-05-25T10:00:00Z", None, "unknown"),
    ],
)
def test_published_order(ex: str | None, copy: str | None, seen: str | None, expected: str) -> None:
    assert published_order(ex, copy, seen) == expected


# --- claimed_published_time -----------------------------------------------------------------------------


def _html(head: str = "", body: str = "") -> str:
    return f"<html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"


@pytest.mark.parametrize(
    "html, expected",
    [
        (
            _html('<meta property="article:published_time" content="2024-05-25T11:20:00+01:00">'),
            "2024-05-25T10:20:00Z",
        ),
        (_html('<meta itemprop="datePublished" content="2024-05-25T10:20:00Z">'), "2024-05-25T10:20:00Z"),
        (
            _html(body='<span itemprop="datePublished" content="2024-05-25">25 ماي</span>'),
            "2024-05-25T00:00:00Z",
        ),
        (
            _html(
                '<script type="application/ld+json">'
                '{"@type":"NewsArticle","datePublished":"2024-05-25T12:00:00+02:00"}</script>'
            ),
            "2024-05-25T10:00:00Z",
        ),
        (
            _html(
                '<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebPage"},'
                '{"@type":"Article","datePublished":"2024-05-25T10:00:00-03:00"}]}</script>'
            ),
            "2024-05-25T13:00:00Z",
        ),
        (
            _html(
                body='<div class="comments"><time datetime="2024-06-01T00:00:00Z">x</time></div>'
                '<article><time datetime="2024-05-25T10:20">25 mai</time></article>'
            ),
            "2024-05-25T10:20:00Z",
        ),
        (
            _html(
                body="<div class='topbar today'>الأحد 2 يونيو 2024</div><h1>عنوان</h1>"
                "<font>الاثنين 23 أبريل 2018 - 09:02</font>"
            ),
            "2018-04-23T09:02:00Z",
        ),
        (_html(body="<p class='meta'>السبت ٢٥ مايو ٢٠٢٤</p>"), "2024-05-25T00:00:00Z"),
        (_html(body="<p class='signature'>publié le 15 mars 2024 à 10h30</p>"), "2024-03-15T10:30:00Z"),
        (_html(body="<p>نشر في 2024/05/25 08:15</p>"), "2024-05-25T08:15:00Z"),
        (_html(body="<p>11 كانون الثاني 2024</p>"), "2024-01-11T00:00:00Z"),
        (_html(body="<p>لا تاريخ هنا</p>"), None),
        ("", None),
    ],
)
def test_claimed_published_time(html: str, expected: str | None) -> None:
    assert claimed_published_time(html) == expected


def test_claimed_published_time_on_the_fixtures() -> None:
    assert claimed_published_time(page().html) == "2024-05-25T11:20:00Z"  # not the top bar's date
    assert claimed_published_time(page("fr_news.html").html) == "2024-03-15T10:30:00Z"
    assert claimed_published_time((FIXTURES / "ar_table.html").read_text("utf-8")) == "2024-05-26T08:15:00Z"
