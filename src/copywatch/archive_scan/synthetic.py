"""WARC files of made-up news pages, for the archive-scan tests and benchmark (no real site's text).

``news_page`` builds a page shaped like a real news site's: a head with meta tags, inline CSS and
scripts (tens of KB, as analytics and ad code make them), a navigation bar, the article, sidebars
of headlines, a footer; 50-150 KB of HTML in all. Words are random strings of Arabic (or Latin)
letters, seeded, so nothing copies an exclusive by chance. ``write_warc`` writes pages as WARC/1.1
response+request pairs (one gzip member each, as crawlers and Common Crawl write them), mixed with
the records a real crawl has: robots.txt, images, redirects, 404s, ``dns:`` and metadata records.
"""

from __future__ import annotations

import io
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

_ARABIC = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
_LATIN = "abcdefghijklmnopqrstuvwxyz"


def words(rng: random.Random, n: int, lang: str = "ar") -> list[str]:
    letters = _ARABIC if lang == "ar" else _LATIN
    return ["".join(rng.choice(letters) for _ in range(rng.randint(2, 8))) for _ in range(n)]


def paragraphs(rng: random.Random, n_words: int, lang: str = "ar") -> list[str]:
    out, left = [], n_words
    while left > 0:
        k = min(left, rng.randint(30, 90))
        out.append(" ".join(words(rng, k, lang)) + ".")
        left -= k
    return out


@dataclass(frozen=True)
class Page:
    url: str
    html: bytes
    date: str = "2026-11-30T08:00:00Z"
    status: int = 200
    content_type: str = "text/html; charset=utf-8"


def news_page(
    rng: random.Random,
    url: str,
    *,
    lang: str = "ar",
    article: Sequence[str] | None = None,
    credit_html: str = "",
    target_bytes: tuple[int, int] = (50_000, 150_000),
) -> bytes:
    """One news page; ``article`` paragraphs (a copy's text) replace its own article if given."""
    size = rng.randint(*target_bytes)
    title = " ".join(words(rng, 8, lang))
    body = list(article) if article is not None else paragraphs(rng, rng.randint(400, 1000), lang)
    nav = "".join(
        f'<li><a href="/section/{i}">{escape(" ".join(words(rng, 2, lang)))}</a></li>' for i in range(40)
    )
    side = "".join(
        f'<li><a href="/news/{rng.randint(1, 10**6)}.html">{escape(" ".join(words(rng, 9, lang)))}</a></li>'
        for _ in range(30)
    )
    head = (
        f'<!DOCTYPE html><html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">'
        '<head><meta charset="utf-8">'
        f"<title>{escape(title)}</title>"
        f'<meta name="description" content="{escape(body[0][:150])}">'
        f'<meta property="og:title" content="{escape(title)}"><link rel="canonical" href="{escape(url)}">'
        '<meta property="article:published_time" content="2026-11-30T07:45:00Z">'
    )
    article_html = "".join(f"<p>{escape(p)}</p>" for p in body)
    page = (
        f"{head}<style>{{css}}</style></head><body><header><nav><ul>{nav}</ul></nav></header>"
        f"<main><article><h1>{escape(title)}</h1>"
        f'<div class="byline">{escape(" ".join(words(rng, 3, lang)))}</div>'
        f'<div class="content">{article_html}</div>{credit_html}</article>'
        f"<aside><h3>{escape(' '.join(words(rng, 2, lang)))}</h3><ul>{side}</ul></aside></main>"
        f"<footer><p>{escape(' '.join(words(rng, 40, lang)))}</p></footer>{{scripts}}</body></html>"
    )
    # pad with the furniture real pages carry: CSS and analytics/ad scripts
    room = max(0, size - len(page.encode("utf-8")))
    css_part = room // 3
    css = "".join(
        f".c{rng.randint(0, 10**6)}{{margin:{rng.randint(0, 40)}px;color:#{rng.randint(0, 0xFFFFFF):06x}}}"
        for _ in range(css_part // 45 + 1)
    )
    # 30-50 script blocks, as a news page's analytics, ads, consent and widgets make them
    n_scripts = rng.randint(30, 50)
    per_script = max(1, (room - css_part) // n_scripts // 47)
    js = "".join(
        "<script>"
        + "".join(
            f"dataLayer.push({{'k{rng.randint(0, 10**6)}':'{rng.getrandbits(64):x}'}});"
            for _ in range(per_script)
        )
        + "</script>"
        for _ in range(n_scripts)
    )
    return page.replace("{css}", css, 1).replace("{scripts}", js, 1).encode("utf-8")


def _response(writer: WARCWriter, page: Page) -> None:
    reason = {200: "OK", 301: "Moved Permanently", 404: "Not Found"}.get(page.status, "OK")
    headers = [("Content-Type", page.content_type), ("Content-Length", str(len(page.html)))]
    if page.status == 301:
        headers.append(("Location", page.url + "/"))
    http = StatusAndHeaders(f"{page.status} {reason}", headers, protocol="HTTP/1.1")
    rec = writer.create_warc_record(page.url, "response", payload=io.BytesIO(page.html), http_headers=http,
                                    warc_headers_dict={"WARC-Date": page.date})  # fmt: skip
    writer.write_record(rec)
    req = writer.create_warc_record(
        page.url,
        "request",
        payload=io.BytesIO(b""),
        length=0,
        http_headers=StatusAndHeaders(f"GET {page.url} HTTP/1.1", [("User-Agent", "test")], protocol="GET"),
        warc_headers_dict={
            "WARC-Date": page.date,
            "WARC-Concurrent-To": rec.rec_headers.get_header("WARC-Record-ID"),
        },  # fmt: skip
    )
    writer.write_record(req)


def write_warc(
    path: Path, pages: Iterable[Page], *, furniture: bool = True, seed: int = 0, gzip: bool = True
) -> Path:
    """Write ``pages`` (and, with ``furniture``, the other records a crawl has) to a .warc.gz file."""
    rng = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=gzip, warc_version="1.1")
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "copywatch synthetic"}))
        for n, page in enumerate(pages):
            _response(writer, page)
            if furniture and n % 10 == 0:
                host = page.url.split("/")[2]
                writer.write_record(
                    writer.create_warc_record(
                        f"dns:{host}",
                        "response",
                        payload=io.BytesIO(b"192.0.2.1\n"),
                        warc_content_type="text/dns",
                    )  # fmt: skip
                )
                _response(writer, Page(f"http://{host}/robots.txt", b"User-agent: *\nAllow: /\n",
                                       content_type="text/plain"))  # fmt: skip
                _response(
                    writer, Page(f"http://{host}/logo.png", rng.randbytes(2000), content_type="image/png")
                )
                _response(writer, Page(f"http://{host}/gone.html", b"<html>gone</html>", status=404))
                _response(writer, Page(f"http://{host}/moved", b"", status=301))
                writer.write_record(
                    writer.create_warc_record(
                        page.url,
                        "metadata",
                        payload=io.BytesIO(b"fetchTimeMs: 120\n"),
                        warc_content_type="application/warc-fields",
                    )  # fmt: skip
                )
    return path
