"""Credits as papers really write them: datelines, bylines and credit lines with short names.

An agency or outlet is often credited only by its acronym, in a dateline or a byline: «الرياض - واس»,
«واس - جدة», «جدة : واس», «(واس)», «الرباط - و.م.ع», «Rabat (MAP)». Short names (three letters or
fewer, or dotted) are matched as whole words only, and only in those credit positions; the evidence
names the form. Pages come from the fixture templates of tests/fixtures/attribution/, with a line
added or changed at a time.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.fixtures.templates import fill_template

from copywatch.attribution import attribute, is_short_name
from copywatch.config import OutletConfig, parse_config
from copywatch.errors import ConfigError
from copywatch.models import Credit, Document, Exclusive

FIXTURES = Path(__file__).parent / "fixtures" / "attribution"

SPA = OutletConfig(
    name="وكالة الأنباء السعودية",
    aliases=("واس", "SPA"),
    domains=("spa.gov.sa",),
)
MAP = OutletConfig(
    name="وكالة المغرب العربي للأنباء",
    aliases=("و.م.ع", "MAP", "لاماب"),
    domains=("mapexpress.ma",),
)
AR_URL = "https://www.spa.gov.sa/w1234567"
AR_TEXT = (FIXTURES / "ar_exclusive.txt").read_text(encoding="utf-8")
FR_TEXT = (FIXTURES / "fr_exclusive.txt").read_text(encoding="utf-8")
AR_EX = Exclusive(url=AR_URL, fetched_url=AR_URL, title="خطة حكومية لدعم الفلاحين", text=AR_TEXT)
FR_EX = Exclusive(url=AR_URL, fetched_url=AR_URL, title="Un plan pour les agriculteurs", text=FR_TEXT)
FIRST_AR = "<p>أعلنت الحكومة المغربية، صباح اليوم"


def ar(outlet: OutletConfig = SPA, replace: tuple[tuple[str, str], ...] = (), **slots: str) -> Credit:
    doc = Document(
        url="https://almadar.example/p-77.html",
        title="",
        text="",
        html=fill_template("ar_news.html", replace, **slots),
    )
    return attribute(doc, AR_EX, outlet)


def first_paragraph(opening: str, outlet: OutletConfig = SPA) -> Credit:
    return ar(outlet, ((FIRST_AR, f"<p>{opening} أعلنت الحكومة المغربية، صباح اليوم"),))


def forms(credit: Credit) -> set[tuple[str, str]]:
    return {(e.signal, e.where) for e in credit.evidence}


# --- which names are short ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["واس", "SPA", "MAP", "و.م.ع", "أ ف ب", "أ.ف.ب", "AFP"])
def test_short_names(name: str) -> None:
    assert is_short_name(name)


@pytest.mark.parametrize("name", ["كواليس", "لاماب", "Kawalis Alyaoum", "وكالة الأنباء السعودية"])
def test_long_names(name: str) -> None:
    assert not is_short_name(name)


# --- datelines at the opening of the first paragraph ----------------------------------------------------


@pytest.mark.parametrize(
    "opening",
    [
        "الرياض - واس:",  # CITY - NAME:
        "واس - جدة:",  # NAME - CITY
        "جدة : واس",  # CITY : NAME
        "الرياض (واس) -",  # CITY (NAME)
        "الرياض 28 رمضان 1436 هـ الموافق 14 يوليو 2015 م واس",  # SPA's own dateline, kept
        "جدة – SPA –",
    ],
)
def test_dateline_opening_the_first_paragraph_credits(opening: str) -> None:
    credit = first_paragraph(opening)
    assert credit.verdict == "name", credit
    assert ("dateline", "first_paragraph") in forms(credit)


@pytest.mark.parametrize("opening", ["الرباط - و.م.ع:", "الرباط (و م ع) -", "MAP - الرباط:"])
def test_dotted_and_latin_acronyms_in_a_dateline(opening: str) -> None:
    assert first_paragraph(opening, MAP).verdict == "name"


def test_french_dateline() -> None:
    html = fill_template(
        "fr_news.html", (("<p>Le gouvernement a annoncé", "<p>Rabat - MAP - Le gouvernement a annoncé"),)
    )
    doc = Document(url="https://portail.example/a/1", title="", text="", html=html)
    credit = attribute(doc, FR_EX, MAP)
    assert credit.verdict == "name"
    assert ("dateline", "first_paragraph") in forms(credit)


# --- credit lines: above or below the title, first or last line of the body ------------------------------


@pytest.mark.parametrize("line", ["(واس)", "واس", "الرياض - واس", "واس - جدة", "المصدر: واس"])
def test_closing_credit_line(line: str) -> None:
    credit = ar(bottom=f"<p>{line}</p>")
    assert credit.verdict == "name"
    # «المصدر: واس» reads as a credit phrase before the name too
    assert forms(credit) & {("credit_line", "end_of_article"), ("name", "end_of_article")}


def test_opening_credit_line_before_the_text() -> None:
    credit = ar(top="<p>جدة : واس</p>")
    assert credit.verdict == "name"
    # the template's title is followed only by the date line, so this line is also "below the title"
    assert forms(credit) & {("credit_line", "start_of_article"), ("credit_line", "below_title")}


def test_line_just_below_the_title_without_class_names() -> None:
    credit = ar(replace=(("</h1>", "</h1><div>واس - جدة</div>"),))
    assert credit.verdict == "name"
    assert ("credit_line", "below_title") in forms(credit)


def test_line_just_above_the_title_without_class_names() -> None:
    credit = ar(replace=(("<h1>", "<div>الرياض - واس</div><h1>"),))
    assert credit.verdict == "name"
    assert ("credit_line", "above_title") in forms(credit)


def test_byline_with_an_acronym() -> None:
    credit = ar(byline="الرياض - واس")
    assert credit.verdict == "name"
    assert ("byline", "byline") in forms(credit)


def test_author_metadata_with_an_acronym() -> None:
    credit = ar(head='<meta name="author" content="واس">')
    assert credit.verdict == "name"


# --- what a short name is not -------------------------------------------------------------------------


def test_a_word_that_contains_the_letters_is_not_the_name() -> None:
    """«بواسطة» contains «واس»; «منتجع SPA» is a spa."""
    assert ar(top="<p>بواسطة المحرر</p>").verdict == "none"
    assert first_paragraph("بواسطة المحرر -").verdict == "none"
    assert ar(bottom="<p>Spas de Rabat</p>").verdict == "none"


def test_short_name_inside_the_body_is_not_credit() -> None:
    """In the middle of the text an acronym is the agency named by the news itself, not a credit."""
    middle = (
        "<p>وكالة الأنباء: وقال المسؤول في تصريح لـ(واس) إن الخطة ستنفذ على مراحل خلال السنة الجارية.</p>"
    )
    credit = ar(replace=(("<p>كما تنص الخطة", middle + "<p>كما تنص الخطة"),))
    assert credit.verdict == "none", credit.evidence
    long_sentence = "<p>وبحسب ما نقلته واس فإن الخطة ستشمل كذلك مربي الماشية في المناطق الجبلية والواحات.</p>"
    credit = ar(replace=(("<p>كما تنص الخطة", long_sentence + "<p>كما تنص الخطة"),))
    assert credit.verdict == "none", credit.evidence


def test_short_name_in_furniture_is_not_credit() -> None:
    assert ar(sidebar_text="واس").verdict == "none"
    assert ar(comment="واس").verdict == "none"


def test_another_agency_dateline_is_not_credit() -> None:
    assert first_paragraph("الرباط - و.م.ع:", SPA).verdict == "none"
    assert ar(bottom="<p>(أ ف ب)</p>").verdict == "none"


def test_a_long_first_paragraph_naming_the_agency_late_is_not_a_dateline() -> None:
    opening = "أكد وزير الفلاحة في ندوة صحفية عقدها بالعاصمة أمس بحضور ممثلين عن واس -"
    assert first_paragraph(opening).verdict == "none"


# --- every configured name is used ----------------------------------------------------------------------


def test_a_name_that_can_never_match_is_a_config_error() -> None:
    data = {
        "outlet": {"name": "كواليس اليوم", "aliases": ["واس", "—"], "exclusives": ["https://k.example/s.xml"]}
    }
    with pytest.raises(ConfigError, match="aliases.*can never be matched"):
        parse_config(data, "c.toml")
    data["outlet"]["aliases"] = ["واس", "SPA", "و.م.ع"]
    assert parse_config(data, "c.toml").outlet.aliases == ("واس", "SPA", "و.م.ع")


def test_dateline_of_a_long_first_paragraph_after_a_title_and_a_date_line() -> None:
    """A paper prints several parts of a wire as one long paragraph, under its title and a date
    line: the dateline opening that paragraph is still the credit (seen on a real Saudi paper)."""
    long_paragraph = "جدة - واس: " + " ".join(AR_TEXT.split("\n")) + " " + " ".join(FR_TEXT.split()) * 3
    html = (
        "<html><body><div class='content'><h1>مجلس الوزراء يعقد جلسته</h1>"
        "<div>الثلاثاء 11 أغسطس 2015 - العدد 15645</div>"
        f"<div class='entry'><p>{long_paragraph}</p><p>{AR_TEXT.split(chr(10))[0]}</p></div></div>"
        "<aside><p>الأكثر قراءة</p></aside></body></html>"
    )
    doc = Document(url="https://paper.example/ln57.htm", title="", text="", html=html)
    credit = attribute(doc, AR_EX, SPA)
    assert credit.verdict == "name", credit
    assert ("dateline", "first_paragraph") in forms(credit)


@pytest.mark.parametrize(
    "credit",
    [
        lambda: ar(replace=(("</h1>", "</h1><div>واس - جدة</div>"),)),
        lambda: ar(replace=(("<h1>", "<div>الرياض - واس</div><h1>"),)),
        lambda: ar(bottom="<p>(واس)</p>"),
        lambda: first_paragraph("الرياض - واس:"),
    ],
)
def test_every_form_reads_in_arabic_in_the_report(credit) -> None:
    """The report shows each form in Arabic: no evidence of an unknown shape, no machine token."""
    from copywatch.findings import evidence_text as _evidence_text
    from copywatch.report.html import evidence_view

    view = evidence_view(_evidence_text(credit()))
    assert view.items and all(item.where for item in view.items), view
    assert all("غير معروفة" not in item.label for item in view.items)


def test_a_joint_byline_with_its_roles_in_parentheses() -> None:
    """Saudi papers print «جدة : واس (إعداد : علي الشهري - تصوير : تركي البوق)» under the title: the
    parenthesised writer and photographer do not make it any less the agency's credit line."""
    line = "<p><strong>جدة : واس (إعداد : علي الشهري - تصوير : تركي البوق)</strong></p>"
    credit = ar(replace=(("</h1>", "</h1>" + line),))
    assert credit.verdict == "name"
    assert ("credit_line", "below_title") in forms(credit)
    other = "<p><strong>جدة : الوئام (إعداد : علي الشهري - تصوير : تركي البوق)</strong></p>"
    assert ar(replace=(("</h1>", "</h1>" + other),)).verdict == "none"
