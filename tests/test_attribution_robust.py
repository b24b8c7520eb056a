"""The credit check on real-world markup: HTML comments beside the body, very deep nesting.

Real themes put comments such as ``<!-- /news_body -->`` right after the article's container, and
lxml's comment nodes have no ``text_content()``; widgets nest hundreds of ``<div>``s, and without
``huge_tree`` libxml2 drops everything below depth 255. Neither may cost a credit.
"""

from __future__ import annotations

from tests.fixtures.arabic import EXCLUSIVE_A

from copywatch.attribution import attribute
from copywatch.config import OutletConfig
from copywatch.models import Document, Exclusive

OUTLET = OutletConfig(name="كواليس اليوم", aliases=("واس",), domains=("kawalisalyaoum.example",))
URL = "https://kawalisalyaoum.example/a/1"
EX = Exclusive(url=URL, fetched_url=URL, title="t", text=EXCLUSIVE_A)
BODY = "".join(f"<p>{p}</p>" for p in EXCLUSIVE_A.split("\n"))


def credit_of(html: str) -> str:
    doc = Document(url="https://copier.example/p/1", title="", text=EXCLUSIVE_A, html=html)
    return attribute(doc, EX, OUTLET, copied_text=EXCLUSIVE_A).verdict


def test_comments_beside_the_article_body() -> None:
    html = (
        "<html><body><!-- news_body --><div class='news'>"
        + BODY
        + "</div><!-- /news_body --> (المصدر: كواليس اليوم) <!-- end --><?php x ?></body></html>"
    )
    assert credit_of(html) == "name"
    html = "<html><body><p>intro</p><!-- a --><div>" + BODY + "</div><!-- b --><p>x</p></body></html>"
    assert credit_of(html) == "none"


def test_a_credit_after_a_300_deep_widget() -> None:
    widget = "<div>" * 300 + "ويدجت" + "</div>" * 300
    html = f"<html><body>{widget}<div class='post'>{BODY}<p>المصدر: كواليس اليوم</p></div></body></html>"
    assert credit_of(html) == "name"


def test_a_copy_wrapped_in_300_divs_with_its_credit() -> None:
    html = "<html><body>" + "<div>" * 300 + BODY + "<p>(واس)</p>" + "</div>" * 300 + "</body></html>"
    assert credit_of(html) == "name"


def test_a_stray_list_item_inside_a_list_item_still_counts_as_the_outer_list() -> None:
    """lxml keeps an <li> nested in a <div> inside an <li> as written: the link is still one item
    of the outer list of links (a partner list), so it is furniture, not credit."""
    from copywatch.attribution import attribute
    from copywatch.config import OutletConfig
    from copywatch.models import Document, Exclusive

    text = " ".join(f"كلمة{i} جملة{i} نص{i}" for i in range(60))
    html = (
        f"<html><body><article><h1>عنوان</h1><p>{text}</p><ul>"
        "<li><a href='/x1'>one</a></li><li><a href='/x2'>two</a></li>"
        "<li><div><li>المصدر: <a href='https://kawalisalyaoum.example/'>كواليس اليوم</a></li></div></li>"
        "</ul></article></body></html>"
    )
    outlet = OutletConfig(name="كواليس اليوم", domains=("kawalisalyaoum.example",))
    ex = Exclusive(url="https://kawalisalyaoum.example/a/1", fetched_url="", title="عنوان", text=text)
    credit = attribute(
        Document(url="https://copier.example/p", title="عنوان", text=text, html=html), ex, outlet
    )
    assert credit.verdict == "none", credit
    assert any(d.signal == "furniture_link" for d in credit.decoys)
