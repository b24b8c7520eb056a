"""A copy split over several pages (rel="next") is matched and credited as one article; a "next
post" link marked rel="next" does not join two different articles."""

from __future__ import annotations

import csv
from urllib.parse import urlsplit

from tests.fixtures.arabic import EXCLUSIVE_A, EXCLUSIVE_B, NOTICE, UNRELATED
from tests.hostile_server import HostileServer, send

from copywatch.config import parse_config
from copywatch.pipeline import scan

A_URL = "https://www.kawalisalyaoum.com/2026/11/desalination.html"
B_URL = "https://www.kawalisalyaoum.com/2026/11/ai-degree.html"


def page(title: str, paragraphs: list[str], extra: str = "", head: str = "") -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html lang='ar' dir='rtl'><head><meta charset='utf-8'><title>{title}</title>{head}"
        f"</head><body><nav><a href='/'>الرئيسية</a></nav><article><h1>{title}</h1>{body}{extra}</article>"
        "<footer>جميع الحقوق محفوظة</footer></body></html>"
    ).encode()


def route(content: bytes):
    return lambda h: send(h, 200, content)


def exclusive(title: str, text: str, canonical: str) -> bytes:
    return page(title, text.split("\n"), head=f'<link rel="canonical" href="{canonical}">')


def test_paginated_copy_is_one_article_and_next_post_links_are_not(tmp_path):
    a = [p for p in EXCLUSIVE_A.split("\n") if p != NOTICE]
    b = [p for p in EXCLUSIVE_B.split("\n") if p != NOTICE]
    title = "تحلية مياه البحر بسوس ماسة"
    copier_routes = {
        "/sitemap.xml": lambda h: send(
            h,
            200,
            (
                "<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
                f"<url><loc>http://{h.headers['Host']}/story/7</loc></url>"
                f"<url><loc>http://{h.headers['Host']}/post-a</loc></url></urlset>"
            ).encode(),
            "application/xml",
        ),
        # the copy of A over three pages; the credit is on the last one
        "/story/7": lambda h: send(
            h,
            200,
            page(title, a[:2], "<a rel='next' href='/story/7?page=2'>الصفحة التالية</a>")
            if "page=" not in h.path
            else page(f"{title} - الصفحة 2", a[2:4], "<a rel='next' href='/story/7?page=3'>التالية</a>")
            if "page=2" in h.path
            else page(f"{title} - الصفحة 3", a[4:], "<p>المصدر: كواليس اليوم</p>"),
        ),
        # an unrelated post whose "next post" link (rel=next) leads to a full copy of B
        "/post-a": route(
            page("مهرجان كناوة", UNRELATED.split("\n"), "<a rel='next' href='/post-b'>المقال التالي</a>")
        ),
        "/post-b": route(page("مسلك الذكاء الاصطناعي", b)),
    }
    with (
        HostileServer(
            routes={
                "/a.html": route(exclusive("تحلية", EXCLUSIVE_A, A_URL)),
                "/b.html": route(exclusive("مسلك", EXCLUSIVE_B, B_URL)),
            }
        ) as outlet,
        HostileServer(routes=copier_routes) as copier,
    ):
        config = parse_config(
            {
                "outlet": {
                    "name": "كواليس اليوم",
                    "domains": ["kawalisalyaoum.com"],
                    "exclusives": [outlet.url("/a.html"), outlet.url("/b.html")],
                },
                "sites": [{"name": "copier", "seeds": [copier.url("/sitemap.xml")]}],
                "crawl": {"allow_private_addresses": True, "delay_seconds": 0.0},
                "store": {"path": str(tmp_path / "cw.db")},
                "report": {"dir": str(tmp_path / "reports")},
            }
        )
        summary = scan(config)
    with open(summary.report_dir / "evidence.csv", encoding="utf-8-sig", newline="") as fh:
        rows = {(urlsplit(r["page_url"]).path + ("?" + urlsplit(r["page_url"]).query).rstrip("?"),
                 r["exclusive_url"]): r for r in csv.DictReader(fh)}  # fmt: skip
    assert set(rows) == {("/story/7", A_URL), ("/post-b", B_URL)}
    story = rows[("/story/7", A_URL)]
    assert float(story["coverage"]) >= 0.9  # the three pages together: the whole exclusive
    assert story["attribution"] == "name"
    assert "page 3" in story["attribution_evidence"]
    assert rows[("/post-b", B_URL)]["attribution"] == "none"
