#!/usr/bin/env python3
"""Build the natural-reuse mini webs from the labelled pairs (issue 10 benchmark).

    python benchmarks/natural/build_web.py [--data ../shared/data] [--out /tmp/cw-natural/web]

Reads benchmarks/natural/labels.jsonl and the raw corpora (--data), and writes one mini web per
original outlet, in the layout of ../shared/eval/dev (README there), so that
../shared/eval/serve.py serves it:

    OUT/<web>/sites.json, outlet.json, truth.json, manifest.json
    OUT/<web>/sites/<site>/routes.json and the files it names (HTML, sitemap.xml, robots.txt)

Webs: `spa` (the outlet is the Saudi Press Agency, `was` in SaudiNewsNet; copier sites are the
Saudi papers) and `sky` (the outlet is Sky News Arabia from ANT; copier sites are the other ANT
outlets). The generated web holds article texts: it is written outside the repository.

The outlet site: every article of the outlet in the corpus for `spa` (369 wires: its archive,
formula included), for `sky` the originals of the labelled pairs plus up to 300 other Sky items
of the same months; one page each in the outlet's own template (title, <time>, meta
article:published_time, JSON-LD, the wire's own dateline line and closing marks kept), listed
in sitemap.xml and an RSS feed.

Each copier site is one real outlet of the corpus, with its own template (head with title and
meta, nav menu, a "most read" sidebar of other headlines of the site, footer links, comments),
its own sitemap.xml announced in robots.txt, and a home page linking its newest pages. Its pages
are every labelled page of that outlet (copies, partial copies, quotes, same-event rewrites,
formula look-alikes) plus up to 6 unrelated articles of the outlet that share no 5-gram run with
any exclusive. The corpus `author` field (the real byline or dateline, e.g. «الرياض - واس»,
«جدة : واس», «الجزيرة - واس:», «سبق- الرياض:») is placed as each site places it: a byline
block above or below the title, with or without class names, a dateline at the start of the
first paragraph, or a line at the end of the article (SITE_STYLE below). Nothing is added to or
removed from the article text itself, except that SPA's own closing lines («// انتهى //»,
the time) exist only on the outlet's pages, as on spa.gov.sa.

Times: the corpus gives extraction times (taken as Makkah time, UTC+3); SPA wires end with their
publication time («20:26 ت م»). A page labelled copy/partial whose extraction time is earlier
than the exclusive's publication (the crawls ran at different hours) is dated 15 minutes after
the exclusive, so that no true copy looks backdated; other pages keep their own dates.
--corpus-dates: copies keep their extraction times too (62 of 277 are then before the exclusive).
--style-seed N: each site's byline placement drawn with seed N (a check that credit does not hang
on which site has which placement).

truth.json: "outlet" (as outlet.json), "pages" (one per served candidate page, with its
placement of the byline and the decoys on it), "pairs" (one per labelled (page, exclusive)
pair, with the reader's label, share and credit, and whether a report is expected), and
"other_urls" (home pages, sitemaps, feeds, robots.txt).
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import random
import re
import shutil
import sys
import urllib.parse
from collections import defaultdict
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from build_pairs import REPO, load_all, normalise, shingles  # noqa: E402

MAKKAH = timezone(timedelta(hours=3))

OUTLETS = {
    "spa": {
        "name": "وكالة الأنباء السعودية",
        "latin": "Saudi Press Agency",
        "aliases": ["واس", "SPA"],
        "domain": "spa.gov.sa",
        "home": "https://www.spa.gov.sa/",
        "site_name": "spa",
        "source": "was",
    },
    "afp": {
        "name": "وكالة فرانس برس",
        "latin": "Agence France-Presse",
        "aliases": ["أ ف ب", "فرانس برس", "AFP", "الفرنسية", "وكالة الصحافة الفرنسية"],
        "domain": "afp.com",
        "home": "https://www.afp.com/ar",
        "site_name": "afp",
        "source": "",
    },
    "sky": {
        "name": "سكاي نيوز عربية",
        "latin": "Sky News Arabia",
        "aliases": ["سكاي نيوز", "Sky News Arabia"],
        "domain": "skynewsarabia.com",
        "home": "https://www.skynewsarabia.com/",
        "site_name": "skynewsarabia",
        "source": "skynews",
    },
}
OUTLETS["spa_h"] = OUTLETS["spa"]  # the held-out draw of the spa web (selection_holdout.jsonl)

SITE_TITLES = {
    "alriyadh": "جريدة الرياض",
    "aljazirah": "صحيفة الجزيرة",
    "alyaum": "صحيفة اليوم",
    "aleqtisadiya": "الاقتصادية",
    "aawsat": "الشرق الأوسط",
    "okaz": "عكاظ",
    "alwatan": "الوطن أون لاين",
    "almadina": "المدينة",
    "alweeam": "صحيفة الوئام",
    "3alyoum": "عين اليوم",
    "sabq": "صحيفة سبق",
    "arriyadiyah": "الرياضية",
    "arreyadi": "الرياضي",
    "alarabia": "العربية.نت",
    "cnn": "CNN بالعربية",
    "france24": "فرانس 24",
    "bbc": "بي بي سي عربي",
}

# where each site puts the corpus `author` line, and whether its markup has class names
#   above_title: a byline block before the <h1>; below_title: right after the <h1>;
#   first_para: a dateline opening the first paragraph; end: a line after the last paragraph
SITE_STYLE = {
    "alriyadh": ("below_title", True),
    "aljazirah": ("first_para", True),
    "alyaum": ("below_title", False),
    "aleqtisadiya": ("above_title", True),
    "aawsat": ("below_title", True),
    "okaz": ("above_title", False),
    "alwatan": ("first_para", False),
    "almadina": ("end", False),
    "alweeam": ("first_para", True),
    "3alyoum": ("below_title", True),
    "sabq": ("first_para", True),
    "arriyadiyah": ("below_title", False),
    "alarabia": ("below_title", True),
    "cnn": ("below_title", True),
    "france24": ("above_title", True),
    "bbc": ("end", False),
}

ALL_STYLES = [
    (where, classes)
    for where in ("above_title", "below_title", "first_para", "end")
    for classes in (True, False)
]

NAV = ["الرئيسية", "محليات", "سياسة", "اقتصاد", "رياضة", "ثقافة", "منوعات", "كتاب وآراء"]
FOOTER = ["من نحن", "اتصل بنا", "سياسة الخصوصية", "شروط الاستخدام", "أرشيف", "الإعلانات"]
COMMENTS = [
    "خبر جميل والله يوفق الجميع",
    "متى يبدأ التطبيق؟",
    "شكرا على المتابعة",
    "نتمنى المزيد من هذه الأخبار",
    "الله يحفظ بلادنا",
    "أين الجهات الرقابية من هذا؟",
]
SPA_CLOSING = re.compile(r"^\s*(//\s*(انتهى|يتبع)\s*//|\d{1,2}:\d{2}\s*ت\s*م.*|NNNN)\s*$")
AFP_BYLINE = re.compile(r"(?<!\w)([أا][\s.]*ف[\s.]*ب|فرانس برس)(?!\w)")
SPA_TIME = re.compile(r"(\d{1,2}):(\d{2})\s*ت\s*م")


def esc(s: str) -> str:
    return html.escape(s, quote=True)


def paras(content: str) -> list[str]:
    return [p.strip() for p in content.split("\n") if p.strip()]


def local_time(s: str) -> datetime:
    return datetime.strptime(s[:19], "%Y-%m-%d %H:%M:%S").replace(tzinfo=MAKKAH)


def iso(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def spa_published(doc: dict) -> datetime:
    """An SPA wire's publication time: its closing «HH:MM ت م» on the extraction day."""
    t = local_time(doc["date"])
    found = list(SPA_TIME.finditer(doc["content"]))
    m = found[-1] if found else None
    if m:
        cand = t.replace(hour=int(m.group(1)) % 24, minute=int(m.group(2)), second=0)
        if cand <= t:
            return cand
    return t


def rfc822(iso_z: str) -> str:
    return datetime.fromisoformat(iso_z.replace("Z", "+00:00")).strftime("%a, %d %b %Y %H:%M:%S +0000")


def url_path(url: str) -> str:
    """The unescaped path plus raw query of a corpus URL (the routes.json key)."""
    p = urllib.parse.urlsplit(url)
    path = urllib.parse.unquote(p.path or "/")
    return path + ("?" + p.query if p.query else "")


def link_path(route: str) -> str:
    """A route key as it appears in links: percent-encoded path, query kept."""
    path, _, query = route.partition("?")
    return urllib.parse.quote(path, safe="/%-._~!$&'()*+,;=:@") + ("?" + query if query else "")


def short_id(s: str) -> str:
    return hashlib.sha1(s.encode()).hexdigest()[:8]


class Site:
    def __init__(self, name: str, title: str, offset: int, root: Path):
        self.name, self.title, self.offset = name, title, offset
        self.dir = root / "sites" / name
        self.dir.mkdir(parents=True, exist_ok=True)
        self.routes: dict[str, dict] = {}
        self.n = 0

    def add(self, route: str, body: str, ctype: str, lastmod: str | None = None) -> None:
        self.n += 1
        fname = f"f{self.n:05d}" + (".html" if "html" in ctype else ".xml" if "xml" in ctype else ".txt")
        (self.dir / fname).write_text(body, encoding="utf-8")
        r = {"file": fname, "type": ctype}
        if lastmod:
            r["lastmod"] = lastmod
        self.routes[route] = r

    def finish(self) -> None:
        (self.dir / "routes.json").write_text(
            json.dumps(self.routes, ensure_ascii=False, indent=0), encoding="utf-8"
        )


def outlet_page(outlet: dict, doc: dict, published: datetime) -> str:
    body = "\n".join(f"<p>{esc(p)}</p>" for p in paras(doc["content"]))
    ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": doc["title"],
            "datePublished": iso(published),
            "publisher": {"@type": "Organization", "name": outlet["name"]},
            "mainEntityOfPage": doc["url"],
        },
        ensure_ascii=False,
    )
    return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>{esc(doc["title"])} | {esc(outlet["name"])}</title>
<link rel="canonical" href="{esc(doc["url"])}">
<meta property="og:site_name" content="{esc(outlet["name"])}">
<meta property="article:published_time" content="{iso(published)}">
<script type="application/ld+json">{ld}</script>
</head><body>
<header><a href="/">{esc(outlet["name"])}</a></header>
<main><article>
<h1>{esc(doc["title"])}</h1>
<time datetime="{iso(published)}">{published.strftime("%Y-%m-%d %H:%M")}</time>
<div class="news-body">
{body}
</div>
</article></main>
<footer><p>© {esc(outlet["name"])}</p></footer>
</body></html>
"""


def copier_page(
    site: Site,
    style: tuple[str, bool],
    doc: dict,
    published: datetime,
    sidebar: list[tuple[str, str]],
    comments: list[str],
    footer_extra: str,
    spa_strip: bool,
) -> str:
    placement, classes = style
    ps = paras(doc["content"])
    if spa_strip:
        ps = [p for p in ps if not SPA_CLOSING.match(p)]
    author = doc["author"].replace("\xa0", " ").strip()

    def cls(c: str) -> str:
        return f' class="{c}"' if classes else ""

    byline = ""
    if author and placement in ("above_title", "below_title"):
        byline = (
            f"<div{cls('byline')}>{esc(author)}</div>"
            if classes
            else f"<p><strong>{esc(author)}</strong></p>"
        )
    if author and placement == "first_para" and ps:
        sep = " " if author.endswith((":", "：")) else ": "
        ps[0] = author + sep + ps[0]
    end = ""
    if author and placement == "end":
        end = f"<p{cls('source')}>{esc(author)}</p>"
    body = "\n".join(f"<p>{esc(p)}</p>" for p in ps)
    date_vis = published.strftime("%Y/%m/%d %H:%M")
    time_html = (
        f'<time datetime="{iso(published)}">{date_vis}</time>' if classes else f"<span>{date_vis}</span>"
    )
    meta_time = f'<meta property="article:published_time" content="{iso(published)}">' if classes else ""
    nav = "".join(f'<li><a href="/section/{i}/">{esc(n)}</a></li>' for i, n in enumerate(NAV))
    side = "".join(f'<li><a href="{esc(p)}">{esc(t)}</a></li>' for p, t in sidebar)
    foot = "".join(f'<li><a href="/page/{i}.html">{esc(n)}</a></li>' for i, n in enumerate(FOOTER))
    com = "".join(f"<li><b>زائر</b><p>{esc(c)}</p></li>" for c in comments)
    head_block = f"<h1{cls('entry-title')}>{esc(doc['title'])}</h1>"
    if placement == "above_title":
        head_block = byline + head_block
    elif placement == "below_title":
        head_block = head_block + byline
    return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>{esc(doc["title"])} - {esc(site.title)}</title>
<meta name="description" content="{esc(ps[0][:150] if ps else doc["title"])}">
{meta_time}
<link rel="stylesheet" href="/assets/site.css">
</head><body>
<div{cls("top-bar")}><a href="/">{esc(site.title)}</a></div>
<nav{cls("main-menu")}><ul>{nav}</ul></nav>
<div{cls("container")}>
<div{cls("content")}>
{head_block}
{time_html}
<div{cls("entry-content")}>
{body}
{end}
</div>
<div{cls("share")}><a href="https://twitter.com/intent/tweet">تويتر</a> <a href="https://www.facebook.com/sharer.php">فيسبوك</a></div>
<section{cls("comments")}><h3>التعليقات</h3><ul>{com}</ul></section>
</div>
<aside{cls("sidebar")}><h3>الأكثر قراءة</h3><ul>{side}</ul></aside>
</div>
<footer{cls("site-footer")}><ul>{foot}</ul>{footer_extra}
<p>جميع الحقوق محفوظة © {esc(site.title)}</p></footer>
</body></html>
"""


def sitemap(origin_urls: list[tuple[str, str]]) -> str:
    items = "".join(
        f"<url><loc>__ORIGIN__{esc(p)}</loc><lastmod>{esc(t)}</lastmod></url>\n" for p, t in origin_urls
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + items + "</urlset>\n"
    )


def build(
    web: str,
    labels: list[dict],
    docs: dict[str, dict],
    all_docs: list[dict],
    out: Path,
    seed: int,
    corpus_dates: bool = False,
    style_seed: int = 0,
) -> dict:
    rng = random.Random(f"{seed}-{web}")
    kind = "spa" if web == "spa_h" else web  # the held-out web is another draw of spa's
    outlet: dict[str, Any] = dict(OUTLETS[web])
    root = out / web
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    wl = [r for r in labels if r["web"] == web]
    # the outlet's exclusives
    originals = {r["original"]["id"] for r in wl}
    if kind == "spa":
        excl_ids = sorted(d["id"] for d in all_docs if d["outlet"] == outlet["source"])
    elif web == "afp":
        # the AFP texts stand in for AFP's own (papers' texts whose byline credits AFP); the
        # archive adds other AFP-credited texts of the same weeks that share no 5-gram run with
        # any page of this web, so that no unlabelled pair is created
        page_ids = {r["page"]["id"] for r in wl}
        page_sh: set[int] = set()
        for i in page_ids:
            page_sh |= shingles(normalise(docs[i]["title"] + "\n" + docs[i]["content"]))
        pool = sorted(
            d["id"]
            for d in all_docs
            if d["corpus"] == "saudinewsnet"
            and AFP_BYLINE.search(d["author"])
            and d["id"] not in originals
            and d["id"] not in page_ids
            and len(d["content"]) > 300
        )
        rng.shuffle(pool)
        archive = []
        for i in pool:
            if len(archive) >= 250:
                break
            if not (shingles(normalise(docs[i]["title"] + "\n" + docs[i]["content"])) & page_sh):
                archive.append(i)
        excl_ids = sorted(originals | set(archive))
    else:
        months = {docs[i]["date"][:7] for i in originals}
        others = sorted(
            d["id"]
            for d in all_docs
            if d["outlet"] == outlet["source"] and d["date"][:7] in months and d["id"] not in originals
        )
        rng.shuffle(others)
        excl_ids = sorted(originals | set(others[:300]))
    excl_docs = [docs[i] for i in excl_ids]
    pub: dict[str, datetime] = {}
    for d in excl_docs:
        pub[d["id"]] = spa_published(d) if kind == "spa" else local_time(d["date"])
    o_site = Site(outlet["site_name"], outlet["name"], 0, root)
    exclusives = []
    seen_routes: set[str] = set()
    for d in excl_docs:
        canonical = d["url"]
        if web == "afp":  # the stand-in texts get AFP addresses of their own
            canonical = f"https://www.afp.com/ar/news/{short_id(d['id'])}"
        route = url_path(canonical)
        if route in seen_routes:
            continue
        seen_routes.add(route)
        page_doc = dict(d, url=canonical)
        o_site.add(
            route, outlet_page(outlet, page_doc, pub[d["id"]]), "text/html; charset=utf-8", iso(pub[d["id"]])
        )
        exclusives.append(
            {
                "id": "x-" + short_id(d["id"]),
                "source_doc": d["id"],
                "canonical_url": canonical,
                "path": link_path(route),
                "title": d["title"],
                "published_time": iso(pub[d["id"]]),
            }
        )
    xid = {e["source_doc"]: e["id"] for e in exclusives}
    sm = sitemap([(e["path"], e["published_time"]) for e in exclusives])
    o_site.add("/sitemap.xml", sm, "application/xml")
    items = "".join(
        f"<item><title>{esc(e['title'])}</title><link>__ORIGIN__{esc(e['path'])}</link>"
        f"<pubDate>{rfc822(e['published_time'])}</pubDate></item>\n"
        for e in sorted(exclusives, key=lambda e: e["published_time"], reverse=True)[:100]
    )
    o_site.add(
        "/feed.xml",
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<rss version="2.0"><channel><title>{esc(outlet["name"])}</title>'
        f"<link>__ORIGIN__/</link>\n{items}</channel></rss>\n",
        "application/rss+xml",
    )
    o_site.add(
        "/robots.txt", "User-agent: *\nDisallow: /search\nSitemap: __ORIGIN__/sitemap.xml\n", "text/plain"
    )
    latest = sorted(exclusives, key=lambda e: e["published_time"], reverse=True)[:40]
    o_site.add(
        "/",
        '<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8">'
        f"<title>{esc(outlet['name'])}</title></head>"
        "<body><ul>"
        + "".join(f'<li><a href="{esc(e["path"])}">{esc(e["title"])}</a></li>' for e in latest)
        + "</ul></body></html>\n",
        "text/html; charset=utf-8",
    )
    o_site.finish()
    outlet["port_offset"] = 0
    outlet["exclusives"] = exclusives

    # copier sites
    excl_sh = [shingles(normalise(d["title"] + "\n" + d["content"])) for d in excl_docs]
    excl_union: set[int] = set().union(*excl_sh) if excl_sh else set()
    by_outlet: dict[str, list[dict]] = defaultdict(list)

    # a page that is the corpus' duplicate of an exclusive (the same article collected twice,
    # e.g. with and without "?weekly") is left out: it is not a copy, it is the same item
    def same_item(u: str) -> str:  # a bare flag query («?weekly», «?live») names the same item
        base, _, q = u.partition("?")
        return base if q and "=" not in q else u

    excl_keys = {same_item(d["url"]) for d in excl_docs}
    dropped = sorted({r["page"]["id"] for r in wl if same_item(r["page"]["url"]) in excl_keys})
    wl = [r for r in wl if r["page"]["id"] not in dropped]
    for r in wl:
        by_outlet[r["page"]["outlet"]].append(r)
    sites_json = [
        {
            "name": o_site.name,
            "title": outlet["name"],
            "kind": "outlet",
            "port_offset": 0,
            "base_path": "/",
            "dir": f"sites/{o_site.name}",
            "gzip": "accept",
            "encoding": "utf-8",
        }
    ]
    pages_truth = []
    pairs_truth = []
    other_urls = []
    styles_used: dict[str, list] = {}
    for k, (oname, rs) in enumerate(sorted(by_outlet.items()), 1):
        site = Site(oname, SITE_TITLES.get(oname, oname), k, root)
        style = SITE_STYLE.get(oname, ("below_title", True))
        if style_seed:  # another assignment of the byline placements to the sites
            style = random.Random(f"{style_seed}-{web}-{oname}").choice(ALL_STYLES)
        styles_used[oname] = [style[0], style[1]]
        page_docs = {r["page"]["id"]: docs[r["page"]["id"]] for r in rs}
        # a few unrelated articles of the same outlet, sharing no 5-gram with any exclusive
        pool = sorted(
            (
                d
                for d in all_docs
                if d["outlet"] == oname and d["id"] not in page_docs and len(d["content"]) > 400
            ),
            key=lambda d: d["id"],
        )
        rng.shuffle(pool)
        fillers: list[dict] = []
        for d in pool[:60]:
            if len(fillers) >= 6:
                break
            if not (shingles(normalise(d["title"] + "\n" + d["content"])) & excl_union):
                fillers.append(d)
        expected_excl: dict[str, list[str]] = defaultdict(list)
        for r in rs:
            if r["expected_report"]:
                expected_excl[r["page"]["id"]].append(r["original"]["id"])
        entries = []
        for pid, d in list(page_docs.items()) + [(d["id"], d) for d in fillers]:
            t = local_time(d["date"])
            if expected_excl.get(pid) and not corpus_dates:
                floor = max(pub[o] for o in expected_excl[pid] if o in pub) + timedelta(minutes=15)
                if t < floor:
                    t = floor
            entries.append((pid, d, t, url_path(d["url"])))
        routes_used = set()
        entries = [e for e in entries if not (e[3] in routes_used or routes_used.add(e[3]))]  # type: ignore[func-returns-value]
        headlines = [(link_path(rt), d["title"]) for _, d, _, rt in entries]
        for n, (pid, d, t, route) in enumerate(entries):
            side = [h for h in headlines if h[0] != link_path(route)]
            rng.shuffle(side)
            comments = rng.sample(COMMENTS, rng.randint(0, 3))
            decoys = []
            # a reader's comment naming the outlet is not a credit (on a few pages)
            if kind in ("spa", "afp") and n % 9 == 4:
                comments.append(
                    "الخبر منشور في واس قبل ساعات" if kind == "spa" else "نقلته فرانس برس قبل ساعات"
                )
                decoys.append("comment_names_outlet")
            footer_extra = ""
            if n % 7 == 3:
                home, oname_ = esc(outlet["home"]), esc(outlet["name"])
                footer_extra = f'<div class="partners">مواقع صديقة: <a href="{home}">{oname_}</a></div>'
                decoys.append("footer_blogroll")
            page = copier_page(site, style, d, t, side[:6], comments, footer_extra, spa_strip=(kind == "spa"))
            site.add(route, page, "text/html; charset=utf-8", iso(t))
            page_id = f"{oname}:{short_id(pid)}"
            pages_truth.append(
                {
                    "page_id": page_id,
                    "site": oname,
                    "site_port_offset": k,
                    "path": link_path(route),
                    "title": d["title"],
                    "source_doc": pid,
                    "published_time": iso(t),
                    "byline_text": d["author"],
                    "byline_placement": style[0] if d["author"].strip() else "",
                    "markup_classes": style[1],
                    "decoys": decoys,
                    "filler": pid not in page_docs,
                }
            )
            for r in rs:
                if r["page"]["id"] != pid:
                    continue
                pairs_truth.append(
                    {
                        "pair_id": r["pair_id"],
                        "page_id": page_id,
                        "exclusive_id": xid.get(r["original"]["id"], ""),
                        "label": r["label"],
                        "formula": r["formula"],
                        "share": r["share"],
                        "share_first_pass": r.get("share_first_pass", r["share"]),
                        "ambiguous": r.get("ambiguous", False),
                        "expected_report": r["expected_report"] and r["original"]["id"] in xid,
                        "credit": r["credit"],
                        "credited": r["credit"] != "none",
                        "credit_text": r["credit_text"],
                        "note": r["note"],
                    }
                )
        sm_entries = [(link_path(rt), iso(t)) for _, _, t, rt in entries]
        site.add("/sitemap.xml", sitemap(sm_entries), "application/xml")
        site.add(
            "/robots.txt",
            "User-agent: *\nDisallow: /wp-admin/\nSitemap: __ORIGIN__/sitemap.xml\n",
            "text/plain",
        )
        newest = sorted(entries, key=lambda e: e[2], reverse=True)[:30]
        site.add(
            "/",
            '<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8">'
            f"<title>{esc(site.title)}</title></head><body>"
            "<ul>"
            + "".join(
                f'<li><a href="{esc(link_path(rt))}">{esc(d["title"])}</a></li>' for _, d, _, rt in newest
            )
            + "</ul></body></html>\n",
            "text/html; charset=utf-8",
        )
        site.finish()
        for p, kind in (("/", "home"), ("/sitemap.xml", "sitemap"), ("/robots.txt", "robots")):
            other_urls.append({"site": oname, "path": p, "kind": kind})
        sites_json.append(
            {
                "name": oname,
                "title": site.title,
                "kind": "copier",
                "port_offset": k,
                "base_path": "/",
                "dir": f"sites/{oname}",
                "gzip": "accept-html" if k % 2 else "never",
                "encoding": "utf-8",
                "byline_placement": style[0],
                "markup_classes": style[1],
            }
        )
    for p, kind in (
        ("/", "home"),
        ("/sitemap.xml", "sitemap"),
        ("/feed.xml", "feed"),
        ("/robots.txt", "robots"),
    ):
        other_urls.append({"site": o_site.name, "path": p, "kind": kind})
    (root / "sites.json").write_text(
        json.dumps({"format": "copywatch-eval-truth/1", "sites": sites_json}, ensure_ascii=False, indent=1),
        encoding="utf-8",
    )
    (root / "outlet.json").write_text(json.dumps(outlet, ensure_ascii=False, indent=1), encoding="utf-8")
    truth = {
        "format": "copywatch-natural-truth/1",
        "web": web,
        "outlet": outlet,
        "pages": pages_truth,
        "pairs": pairs_truth,
        "other_urls": other_urls,
    }
    (root / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    manifest = {
        "web": web,
        "exclusives": len(exclusives),
        "sites": len(sites_json),
        "candidate_pages": len(pages_truth),
        "pairs": len(pairs_truth),
        "expected_report": sum(p["expected_report"] for p in pairs_truth),
        "pages_left_out_as_duplicates_of_exclusives": dropped,
        "copies_dated": "corpus" if corpus_dates else "at least 15 minutes after the exclusive",
        "site_styles": styles_used,
    }
    (root / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest


def main() -> int:
    ap = argparse.ArgumentParser(description="Build the natural-reuse mini webs from labels.jsonl")
    ap.add_argument("--data", default=str(REPO.parent / "shared" / "data"))
    ap.add_argument("--labels", default=str(HERE / "labels.jsonl"))
    ap.add_argument("--out", default="/tmp/cw-natural/web")
    ap.add_argument("--seed", type=int, default=10)
    ap.add_argument(
        "--web", action="append", choices=sorted(OUTLETS), help="build only this web (repeatable)"
    )
    ap.add_argument(
        "--corpus-dates",
        action="store_true",
        help="copies keep the corpus's extraction time even when it is before the exclusive's",
    )
    ap.add_argument(
        "--style-seed",
        type=int,
        default=0,
        help="give each site a byline placement drawn with this seed instead of SITE_STYLE's",
    )
    a = ap.parse_args()
    data = Path(a.data)
    if not (data / "saudinewsnet").is_dir():
        print(f"no saudinewsnet folder under {data}", file=sys.stderr)
        return 2
    labels = [json.loads(line) for line in open(a.labels, encoding="utf-8")]
    all_docs = load_all(data)
    docs = {d["id"]: d for d in all_docs}
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    for web in a.web or sorted(OUTLETS):
        m = build(web, labels, docs, all_docs, out, a.seed, a.corpus_dates, a.style_seed)
        print(json.dumps(m), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
