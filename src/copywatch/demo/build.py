"""Build the demo web from content.py + plans.py: every served file, and the ground truth beside it.

``build_web()`` returns the sites (path -> Resource tables, with ``__ORIGIN__`` left in for the
server to substitute) and one truth record per candidate page. Both come out of the same loop over
the PagePlans, so the truth describes exactly what was rendered: coverage is counted from the
paragraphs actually placed, the credit verdict from the credits actually written.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import lru_cache
from html import escape
from typing import Any
from urllib.parse import quote, unquote

from . import templates as t
from .content import (
    COMMENTS,
    EXCLUSIVE_BY_KEY,
    EXCLUSIVES,
    NOTICE,
    OTHER_BY_KEY,
    OUTLET_NAME,
    OUTLET_ORIGIN,
    Article,
)
from .plans import COPY_LABELS, SITES, PagePlan, SitePlan

HTML = "text/html; charset=utf-8"
XML = "application/xml; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
MIN_COVERAGE = 0.25  # the default [match] min_coverage: what "expected_report" means
OUTLET_SITE = "kawalisalyaoum"


@dataclass(frozen=True)
class Resource:
    body: str  # may contain __ORIGIN__
    content_type: str
    lastmod: str  # RFC 3339, sent as Last-Modified


@dataclass(frozen=True)
class BuiltSite:
    name: str
    title: str
    gzip: bool
    resources: Mapping[str, Resource]  # by unquoted path
    redirects: Mapping[str, str] = field(default_factory=dict)  # unquoted path -> target path
    seeds: tuple[str, ...] = ()  # "__ORIGIN__/..." as a user would list them


# --- the outlet ------------------------------------------------------------------------------------


def exclusive_path(a: Article) -> str:
    return f"/{a.published[:4]}/{a.published[5:7]}/{a.slug}.html"


def exclusive_url(a: Article) -> str:
    """The public, canonical URL the outlet's pages declare (never served by the demo)."""
    return OUTLET_ORIGIN + exclusive_path(a)


def _words(text: str) -> int:
    return len(text.split())


def _blurb(text: str, n: int = 12) -> str:
    return " ".join(text.split()[:n]) + "..."


def build_outlet() -> BuiltSite:
    res: dict[str, Resource] = {}
    cards = tuple(
        t.Link("__ORIGIN__" + exclusive_path(a), a.title, _blurb(a.paragraphs[0], 18)) for a in EXCLUSIVES
    )
    for i, a in enumerate(EXCLUSIVES):
        body = "\n".join(f"<p>{escape(p)}</p>" for p in a.paragraphs)
        body += f'\n<p class="kw-notice"><strong>{escape(NOTICE)}</strong></p>'
        see_also = tuple(cards[(i + k) % len(cards)] for k in (1, 2, 3, 4))
        view = t.ArticleView(
            site_title=OUTLET_NAME,
            home="__ORIGIN__/",
            url="__ORIGIN__" + exclusive_path(a),
            title=a.title,
            published=a.published,
            section=a.section,
            body=body,
            canonical=exclusive_url(a),
        )
        res[exclusive_path(a)] = Resource(t.outlet_article(view, see_also), HTML, a.published)
    newest = max(a.published for a in EXCLUSIVES)
    res["/"] = Resource(t.outlet_home(tuple(reversed(cards))), HTML, newest)
    entries = [("__ORIGIN__" + exclusive_path(a), a.published) for a in EXCLUSIVES]
    res["/sitemap.xml"] = Resource(_sitemap(entries), XML, newest)
    res["/feed.xml"] = Resource(
        _rss(OUTLET_NAME, [(c.href, c.title, a.published) for c, a in zip(cards, EXCLUSIVES, strict=True)]),
        RSS,
        newest,
    )
    res["/robots.txt"] = Resource(
        "User-agent: *\nDisallow: /search\nSitemap: __ORIGIN__/sitemap.xml\n", TEXT, "2025-09-01T00:00:00Z"
    )
    return BuiltSite(OUTLET_SITE, OUTLET_NAME, True, res, seeds=("__ORIGIN__/sitemap.xml",))


def _sitemap(entries: list[tuple[str, str]]) -> str:
    urls = "".join(f"<url><loc>{escape(u)}</loc><lastmod>{m}</lastmod></url>\n" for u, m in entries)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n'
    )


def _sitemap_index(locs: list[str]) -> str:
    items = "".join(f"<sitemap><loc>{escape(u)}</loc></sitemap>\n" for u in locs)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{items}</sitemapindex>\n'
    )


def _rfc822(iso: str) -> str:
    return format_datetime(parse_time(iso), usegmt=True)


def parse_time(iso: str) -> datetime:
    """Our RFC 3339 strings ("2025-10-02T08:30:00Z") as aware datetimes."""
    return datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def _iso(d: datetime) -> str:
    return d.strftime("%Y-%m-%dT%H:%M:%SZ")


def _rss(title: str, items: list[tuple[str, str, str]]) -> str:
    body = "".join(
        f"<item><title>{escape(ti)}</title><link>{escape(u)}</link><guid>{escape(u)}</guid>"
        f"<pubDate>{_rfc822(d)}</pubDate></item>\n"
        for u, ti, d in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>\n'
        f"<title>{escape(title)}</title><link>__ORIGIN__/</link>\n{body}</channel></rss>\n"
    )


# --- text transforms of edited copies --------------------------------------------------------------

SUBSTITUTES = {
    "قبل": "قبيل",
    "بعد": "عقب",
    "خلال": "طيلة",
    "حسب": "وفق",
    "المقبلة": "القادمة",
    "المقبل": "القادم",
    "الماضي": "المنصرم",
    "مصادر": "جهات",
    "أكدت": "شددت",
    "أوضحت": "بينت",
    "وأضافت": "وتابعت",
    "بسبب": "جراء",
    "كبير": "هام",
    "عدد": "مجموعة",
    "أيضا": "كذلك",
    "المنطقة": "الجهة",
    "يؤكد": "يشدد",
    "الجديد": "المرتقب",
}
FILLERS = ("أيضا", "حاليا", "فعلا", "كذلك")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
NON_JOINING = set("اأإآدذرزوؤةءى")


def edit_words(text: str, rng: random.Random, rate: float) -> tuple[str, int]:
    """Substitute, delete or insert about ``rate`` of the words; returns (text, edits made)."""
    out: list[str] = []
    edits = 0
    for w in text.split(" "):
        if rate <= 0 or rng.random() >= rate or not any("\u0600" <= c <= "\u06ff" for c in w):
            out.append(w)
            continue
        edits += 1
        bare = w.rstrip("،.")
        if bare in SUBSTITUTES:
            out.append(SUBSTITUTES[bare] + w[len(bare) :])
        elif bare != w:  # keep clause punctuation where it is: insert before the word
            out.extend([rng.choice(FILLERS), w])
        elif rng.random() < 0.5:
            continue  # deleted
        else:
            out.extend([w, rng.choice(FILLERS)])
    return " ".join(out), edits


def spell(text: str, variants: tuple[str, ...], rng: random.Random) -> str:
    """Spelling and typography variants that copies show: a normalizer must see through them."""
    words = text.split(" ")
    for i, w in enumerate(words):
        if "hamza" in variants:
            w = w.replace("أ", "ا").replace("إ", "ا").replace("آ", "ا")
        core = w.rstrip('،.»"')
        tail = w[len(core) :]
        if "taa" in variants and core.endswith("ة"):
            core = core[:-1] + "ه"
        if "yaa" in variants and core.endswith("ى"):
            core = core[:-1] + "ي"
        joins = len(core) >= 5 and core[1] not in NON_JOINING and core[2] != "ا"
        if "tatweel" in variants and joins and rng.random() < 0.15:
            core = core[:2] + "ـ" + core[2:]
        words[i] = core + tail
    out = " ".join(words)
    if "digits" in variants:
        out = out.translate(ARABIC_INDIC)
    if "punct" in variants:
        out = out.replace("،", ",").replace("«", '"').replace("»", '"')
    return out


def rewrite_lead(par: str, lead: str) -> str:
    """Replace the first clause (up to the first "،") with an edited opening."""
    cut = par.find("،")
    return lead + par[cut:] if cut > 0 else lead + " " + par


# --- copier pages ----------------------------------------------------------------------------------

LINK_VARIANTS = {
    "exact": lambda p: OUTLET_ORIGIN + p,
    "http": lambda p: OUTLET_ORIGIN.replace("https://", "http://") + p,
    "utm": lambda p: OUTLET_ORIGIN + p + "?utm_source=aggregator&utm_medium=referral",
    "nowww": lambda p: OUTLET_ORIGIN.replace("www.", "") + p,
}
CREDIT_RANK = {"link_article": "link", "link_home": "link", "canonical": "canonical", "name": "name"}
VERDICT_ORDER = ("link", "canonical", "name")
DECOY_NAMES = {"other_outlet": "other_outlet_credit", "read_also": "read_also_other_exclusive"}


@dataclass
class _Page:
    """A page while it is being built (mutable scratch; the results are frozen Resources)."""

    plan: PagePlan
    path: str  # percent-encoded, as in links
    title: str
    published: str
    section: str
    lang: str
    blocks: list[tuple[str, str]]  # (tag, inner HTML): tag is p or h2
    canonical: str = ""
    coverage: dict[str, float] = field(default_factory=dict)
    transforms: list[str] = field(default_factory=list)
    edit_rate: float = 0.0


def _p(text: str) -> tuple[str, str]:
    return ("p", escape(text))


def _copy_blocks(plan: PagePlan, ex: Article, rng: random.Random, page: _Page) -> list[tuple[str, str]]:
    order = plan.paras or tuple(range(len(ex.paragraphs)))
    paras = [ex.paragraphs[i] for i in order]
    page.coverage[exclusive_path(ex)] = round(
        sum(_words(p) for p in paras) / sum(_words(p) for p in ex.paragraphs), 3
    )
    if plan.paras and sorted(plan.paras) != list(plan.paras):
        page.transforms.append("paragraphs_reordered")
    if len(plan.paras) < len(ex.paragraphs) and plan.paras:
        page.transforms.append("paragraphs_dropped")
    edits = 0
    if plan.lead:
        lead_words = _words(paras[0][: max(paras[0].find("،"), 0)])
        paras[0] = rewrite_lead(paras[0], plan.lead)
        edits += lead_words
        page.transforms.append("first_sentence_changed")
    if plan.edit_rate:
        for i, par in enumerate(paras):
            paras[i], n = edit_words(par, rng, plan.edit_rate)
            edits += n
        page.transforms.append("word_edits")
    if plan.variants:
        paras = [spell(p, plan.variants, rng) for p in paras]
        page.transforms.extend(plan.variants)
    if edits:
        page.edit_rate = round(edits / sum(_words(p) for p in paras), 3)
    return [_p(p) for p in paras]


def _compose(site: SitePlan, plan: PagePlan, page: _Page) -> None:
    """Fill page.blocks from the plan: the copied text, padding, credits and decoys."""
    rng = random.Random(f"{site.name}:{plan.pid}")
    if plan.label == "two_exclusives":
        for key in plan.copies:
            ex = EXCLUSIVE_BY_KEY[key]
            page.blocks.append(("h2", escape(ex.title)))
            page.blocks.extend(_copy_blocks(plan, ex, rng, page))
    elif plan.copies:
        ex = EXCLUSIVE_BY_KEY[plan.copies[0]]
        copied = _copy_blocks(plan, ex, rng, page)
        if any(d.kind == "notice_kept" for d in plan.decoys):
            copied.append(_p(NOTICE))
        else:
            page.transforms.append("notice_removed")
        pads = [OTHER_BY_KEY[k].paragraphs for k in plan.pad]
        if len(pads) == 1:
            before, after = pads[0][:1], pads[0][1:]
        elif pads:
            before, after = pads[0], pads[1]
        else:
            before, after = (), ()
        page.blocks.extend([_p(x) for x in before] + copied + [_p(x) for x in after])
    else:
        own = OTHER_BY_KEY[plan.text]
        paras = list(own.paragraphs)
        if plan.quote:
            key, quoted = plan.quote
            ex = EXCLUSIVE_BY_KEY[key]
            if not any(quoted in p for p in ex.paragraphs):
                raise ValueError(f"{site.name}/{plan.pid}: the quote is not in {key}")
            paras[1] += f" وفي السياق ذاته، أشارت تقارير صحافية إلى أن «{quoted}»."
            total = sum(_words(p) for p in ex.paragraphs)
            page.coverage[exclusive_path(ex)] = round(_words(quoted) / total, 3)
        page.blocks.extend(_p(x) for x in paras)

    for d in plan.decoys:
        if d.kind == "other_outlet":
            page.blocks.append(("p", f'<span class="source">{escape(d.text)}</span>'))
        elif d.kind == "read_also":
            other = EXCLUSIVE_BY_KEY[d.text]
            link = f'اقرأ أيضا: <a href="{exclusive_url(other)}">{escape(other.title)}</a>'
            page.blocks.insert(2, ("p", link))
    for c in plan.credits:
        ex_path = exclusive_path(EXCLUSIVE_BY_KEY[plan.copies[0]])
        if c.kind == "canonical":
            page.canonical = OUTLET_ORIGIN + ex_path
            continue
        if c.kind == "link_article":
            prefix = "المصدر: " if c.text == OUTLET_NAME else ""
            html = f'{prefix}<a href="{escape(LINK_VARIANTS[c.variant](ex_path))}">{escape(c.text)}</a>'
        elif c.kind == "link_home":
            html = f'منقول من موقع <a href="{OUTLET_ORIGIN}/">{escape(c.text)}</a>'
        else:
            html = escape(c.text)
        if c.where == "lead":
            tag, first = page.blocks[0]
            page.blocks[0] = (tag, f"{html} - {first}")
        elif c.where == "top":
            page.blocks.insert(0, ("p", html))
        else:
            page.blocks.append(("p", html))


def _body_html(template: str, blocks: list[tuple[str, str]]) -> str:
    if template == "forum":  # vBulletin-style: one post, paragraphs split by <br>
        return "\n".join(f"<b>{x}</b><br><br>" if tag == "h2" else f"{x}<br><br>" for tag, x in blocks)
    if template == "portal":
        return "\n".join(
            f"<h2>{x}</h2>" if tag == "h2" else f'<div class="pm-para">{x}</div>' for tag, x in blocks
        )
    return "\n".join(f"<{tag}>{x}</{tag}>" for tag, x in blocks)


def _path(site: SitePlan, i: int, plan: PagePlan, title: str, published: str, lang: str) -> str:
    """Each template has its own URL scheme (WordPress dates and Arabic slugs, thread ids, ...)."""
    if site.template == "blog":
        words = [w.strip("،:.«»\"'()") for w in title.split()[:6]]
        slug = quote("-".join(w for w in words if w), safe="-")
        return f"/{published[:4]}/{published[5:7]}/{published[8:10]}/{slug}/"
    if site.template == "forum":
        return f"/threads/{1040 + i}/"
    if site.template == "portal":
        if plan.print_of:
            return f"/print/{plan.print_of}.html"
        return f"/{lang}/article/{2300 + i}.html"
    if site.template == "aggregator":
        return f"/news/{88000 + 7 * i}.html"
    if site.template == "static":
        return f"{site.base}maqal-{i + 1}.html"
    return f"/article/{5100 + i}/{plan.pid}-{published[:10]}"


def _page_for(site: SitePlan, i: int, plan: PagePlan) -> _Page:
    if plan.copies:
        first = EXCLUSIVE_BY_KEY[plan.copies[0]]
        title = plan.title or " / ".join(EXCLUSIVE_BY_KEY[k].title for k in plan.copies)
        latest = max(parse_time(EXCLUSIVE_BY_KEY[k].published) for k in plan.copies)  # after them all
        published = _iso(latest + timedelta(hours=plan.delay_hours + 5 * i))
        section, lang = first.section, "ar"
    else:
        own = OTHER_BY_KEY[plan.text]
        title, published, section, lang = own.title, own.published, own.section, own.lang
    path = _path(site, i, plan, title, published, lang)
    return _Page(plan, path, title, published, section, lang, [])


def _truth(site: SitePlan, page: _Page) -> dict[str, Any]:
    plan = page.plan
    kinds = {CREDIT_RANK[c.kind] for c in plan.credits}
    credit = next((k for k in VERDICT_ORDER if k in kinds), "none")
    decoys = [DECOY_NAMES.get(d.kind, d.kind) for d in plan.decoys]
    if site.blogroll:
        decoys.append("footer_blogroll")
    is_copy = plan.label in COPY_LABELS
    reported = [p for p, c in page.coverage.items() if is_copy and c >= MIN_COVERAGE]
    keys = (
        plan.copies
        or ((plan.quote[0],) if plan.quote else ())
        or plan.sidebar
        or ((plan.related,) if plan.related else ())
    )
    via = {
        "sitemap_index": "sitemap",
        "robots_sitemap": "robots_sitemap",
        "sitemap": "sitemap",
        "feed": "feed",
        "links": "links",
    }[site.discovery]
    return {
        "site": site.name,
        "path": page.path,
        "label": plan.label,
        "exclusives": [exclusive_path(EXCLUSIVE_BY_KEY[k]) for k in keys],
        "expected_report": bool(reported),
        "report_exclusives": reported,
        "credit": credit,
        "decoys": decoys,
        "coverage": page.coverage,
        "edit_rate": page.edit_rate,
        "transforms": page.transforms,
        "title": page.title,
        "published_time": page.published,
        "lang": page.lang,
        "discoverable_via": [via] if not plan.print_of else ["links"],
        "robots_blocked": bool(plan.print_of),
    }


def build_site(site: SitePlan) -> tuple[BuiltSite, list[dict[str, Any]]]:
    pages = [_page_for(site, i, p) for i, p in enumerate(site.pages)]
    by_pid = {p.plan.pid: p for p in pages}
    for p in pages:
        if p.plan.print_of:
            continue
        _compose(site, p.plan, p)
    for p in pages:  # a print view holds the same text as the page it prints
        if p.plan.print_of:
            src = by_pid[p.plan.print_of]
            p.blocks, p.coverage, p.transforms = src.blocks, src.coverage, src.transforms
            p.title, p.published, p.edit_rate = src.title, src.published, src.edit_rate
    home = "__ORIGIN__" + site.base
    public = [p for p in pages if not p.plan.print_of]
    links = {p.plan.pid: t.Link("__ORIGIN__" + p.path, p.title, _blurb(_plain(p.blocks))) for p in public}
    newest_first = sorted(public, key=lambda q: q.published, reverse=True)
    res: dict[str, Resource] = {}
    for i, p in enumerate(pages):
        # Sidebars list the newest pages (as on the home page): older pages of a site that has a
        # sitemap or feed are reachable only through it, so discovery really gets exercised.
        pool = public if site.discovery == "links" else newest_first[:5]
        others = tuple(links[q.plan.pid] for q in pool if q is not p)
        self_canonical = site.template in ("blog", "portal", "regional")
        prints = [q for q in pages if q.plan.print_of == p.plan.pid]
        view = t.ArticleView(
            site_title=site.title,
            home=home,
            url="__ORIGIN__" + p.path,
            title=p.title,
            published=p.published,
            section=p.section,
            body=_body_html(site.template, p.blocks),
            lang=p.lang,
            canonical=p.canonical or ("__ORIGIN__" + p.path if self_canonical else ""),
            recent=others[:6],
            widget=tuple(
                t.Link(exclusive_url(EXCLUSIVE_BY_KEY[k]), EXCLUSIVE_BY_KEY[k].title) for k in p.plan.sidebar
            ),
            related=others[-3:],
            comments=(COMMENTS[i % len(COMMENTS)], COMMENTS[(i + 3) % len(COMMENTS)]),
            print_url="__ORIGIN__" + prints[0].path if prints else "",
            blogroll=site.blogroll,
        )
        html = t.portal_print(view) if p.plan.print_of else t.ARTICLE_TEMPLATES[site.template](view)
        res[unquote(p.path)] = Resource(html, HTML, p.published)
    latest = max(p.published for p in pages)
    entries = [("__ORIGIN__" + p.path, p.published) for p in newest_first]
    seeds: tuple[str, ...] = (home,)
    redirects: dict[str, str] = {}

    def index(path: str, title: str, items: list[_Page]) -> None:
        listed = tuple(links[q.plan.pid] for q in items)
        res[path] = Resource(t.index_page(site.template, site.title, home, title, listed), HTML, latest)

    if site.discovery == "sitemap_index":  # home shows the newest few; the sitemap index has all
        index("/", site.title, newest_first[:4])
        res["/sitemap_index.xml"] = Resource(
            _sitemap_index(["__ORIGIN__/post-sitemap.xml", "__ORIGIN__/page-sitemap.xml"]), XML, latest
        )
        res["/post-sitemap.xml"] = Resource(_sitemap(entries), XML, latest)
        res["/page-sitemap.xml"] = Resource(
            _sitemap([("__ORIGIN__/about/", "2025-01-10T10:00:00Z")]), XML, latest
        )
        res["/about/"] = Resource(
            t.index_page(site.template, site.title, home, "من نحن", ()), HTML, "2025-01-10T10:00:00Z"
        )
        seeds = (home, "__ORIGIN__/sitemap_index.xml")
    elif site.discovery == "links" and site.template == "forum":  # home -> sections -> threads
        news = [p for p in public if p.plan.copies or p.plan.label == "hard_negative"]
        rest = [p for p in public if p not in news]
        res["/"] = Resource(
            t.index_page(
                site.template,
                site.title,
                home,
                site.title,
                (
                    t.Link("__ORIGIN__/forums/akhbar/", "قسم الأخبار الوطنية"),
                    t.Link("__ORIGIN__/forums/aam/", "القسم العام"),
                ),
            ),
            HTML,
            latest,
        )
        index("/forums/akhbar/", "قسم الأخبار الوطنية", news)
        index("/forums/aam/", "القسم العام", rest)
    elif site.discovery == "robots_sitemap":  # only robots.txt names the sitemap
        index("/", site.title, newest_first[:3])
        index("/ar/", "آخر الأخبار", [p for p in newest_first if p.lang == "ar"][:3])
        index("/fr/", "Dernières nouvelles", [p for p in newest_first if p.lang == "fr"][:2])
        res["/sitemaps/portail-articles.xml"] = Resource(_sitemap(entries), XML, latest)
    elif site.discovery == "feed":
        index("/", site.title, newest_first[:4])
        items = [("__ORIGIN__" + p.path, p.title, p.published) for p in newest_first]
        res["/feed.xml"] = Resource(_rss(site.title, items), RSS, latest)
        seeds = (home, "__ORIGIN__/feed.xml")
    elif site.discovery == "links":  # a static site under a base path: its index links everything
        index(site.base, site.title, newest_first)
        redirects["/"] = site.base
        redirects[site.base.rstrip("/")] = site.base
    else:  # plain sitemap
        index("/", site.title, newest_first[:3])
        res["/sitemap.xml"] = Resource(_sitemap(entries), XML, latest)
        seeds = (home, "__ORIGIN__/sitemap.xml")
    if site.robots is not None:
        res["/robots.txt"] = Resource(site.robots, TEXT, "2025-09-01T00:00:00Z")
    built = BuiltSite(site.name, site.title, site.gzip, res, redirects, seeds)
    return built, [_truth(site, p) for p in pages]


def _plain(blocks: list[tuple[str, str]]) -> str:
    return re.sub(r"<[^>]+>", "", " ".join(x for _, x in blocks))


@lru_cache(maxsize=1)
def build_web() -> tuple[tuple[BuiltSite, ...], tuple[dict[str, Any], ...]]:
    """The outlet first, then every copier site; and the truth, one record per candidate page."""
    sites = [build_outlet()]
    truth: list[dict[str, Any]] = []
    for plan in SITES:
        built, records = build_site(plan)
        sites.append(built)
        truth.extend(records)
    return tuple(sites), tuple(truth)
