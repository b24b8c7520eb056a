"""HTML templates of the demo sites: one look per site, each with its own markup and page furniture.

Real sites differ in markup, so each template here does too (class names, where the date sits,
whether it is machine-readable, what surrounds the body). Every function returns a full page;
``__ORIGIN__`` stands for the site's served origin and is replaced at serve time. The article body
arrives as ready HTML blocks from build.py; templates only place it among the furniture.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

MONTHS_AR = (
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "ماي",
    "يونيو",
    "يوليوز",
    "غشت",
    "شتنبر",
    "أكتوبر",
    "نونبر",
    "دجنبر",
)
MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def ar_date(iso: str) -> str:
    """'2025-10-02T08:30:00Z' -> '2 أكتوبر 2025', as Moroccan sites print dates."""
    return f"{int(iso[8:10])} {MONTHS_AR[int(iso[5:7]) - 1]} {iso[:4]}"


def fr_date(iso: str) -> str:
    return f"{int(iso[8:10])} {MONTHS_FR[int(iso[5:7]) - 1]} {iso[:4]}"


@dataclass(frozen=True)
class Link:
    href: str
    title: str
    blurb: str = ""


@dataclass(frozen=True)
class ArticleView:
    """Everything a template needs to draw one article page."""

    site_title: str
    home: str  # the site's home URL
    url: str  # this page's URL
    title: str
    published: str
    section: str
    body: str  # HTML blocks
    lang: str = "ar"
    canonical: str = ""  # declared as <link rel=canonical> and og:url when set
    recent: tuple[Link, ...] = ()  # the site's other pages
    widget: tuple[Link, ...] = ()  # a "most read elsewhere" widget (sidebar-only pages)
    related: tuple[Link, ...] = ()  # related posts, with blurbs
    comments: tuple[str, ...] = ()
    print_url: str = ""
    blogroll: bool = False


def _dir(lang: str) -> str:
    return "rtl" if lang == "ar" else "ltr"


def _head(v: ArticleView, extra: str = "") -> str:
    canon = ""
    if v.canonical:
        c = escape(v.canonical)
        canon = f'<link rel="canonical" href="{c}">\n<meta property="og:url" content="{c}">\n'
    return (
        f'<!DOCTYPE html>\n<html lang="{v.lang}" dir="{_dir(v.lang)}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(v.title)} | {escape(v.site_title)}</title>\n"
        f'<meta property="og:title" content="{escape(v.title)}">\n{canon}{extra}</head>\n'
    )


def _links(items: tuple[Link, ...], cls: str, blurbs: bool = False) -> str:
    lis = []
    for it in items:
        b = f"<p>{escape(it.blurb)}</p>" if blurbs and it.blurb else ""
        lis.append(f'<li><a href="{escape(it.href)}">{escape(it.title)}</a>{b}</li>')
    return f'<ul class="{cls}">' + "".join(lis) + "</ul>"


def _widget(v: ArticleView, heading: str) -> str:
    if not v.widget:
        return ""
    return (
        f'<section class="widget most-read"><h3>{heading}</h3>{_links(v.widget, "mr-list", True)}</section>'
    )


# --- the outlet ------------------------------------------------------------------------------------


def outlet_article(v: ArticleView, see_also: tuple[Link, ...]) -> str:
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": v.title,
        "datePublished": v.published,
        "mainEntityOfPage": v.canonical,
        "publisher": {"@type": "Organization", "name": "كواليس اليوم"},
    }
    extra = (
        f'<meta property="article:published_time" content="{v.published}">\n'
        f'<meta property="og:site_name" content="كواليس اليوم">\n'
        f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>\n'
        f'<link rel="alternate" type="application/rss+xml" href="__ORIGIN__/feed.xml">\n'
    )
    return (
        _head(v, extra)
        + '<body class="single-post">\n<header class="kw-top"><a class="kw-logo" href="__ORIGIN__/">'
        "كواليس اليوم</a>"
        '<nav><a href="__ORIGIN__/">الرئيسية</a> <a href="__ORIGIN__/category/politique">سياسة</a> '
        '<a href="__ORIGIN__/category/societe">مجتمع</a> <a href="__ORIGIN__/category/economie">'
        "اقتصاد</a></nav>"
        "</header>\n<main>\n<article>\n"
        f'<span class="kw-cat">{escape(v.section)}</span>\n<h1 class="kw-title">{escape(v.title)}</h1>\n'
        f'<div class="kw-meta">كواليس اليوم <time datetime="{v.published}">'
        f"{ar_date(v.published)}</time></div>\n"
        f'<div class="kw-content">\n{v.body}\n</div>\n</article>\n'
        '<div class="kw-share"><h4>شارك بتعليقك</h4><a href="#">فيسبوك</a> <a href="#">تويتر</a> '
        '<a href="#">واتساب</a></div>\n'
        f'<section class="kw-see-also"><h4>شاهد أيضا</h4>{_links(see_also, "kw-related")}</section>\n'
        '<section class="kw-newsletter"><h4>النشرة البريدية</h4><p>سجل بريدك الإلكتروني ليصلك جديد '
        'كواليس اليوم كل صباح.</p><form><input type="email" placeholder="بريدك الإلكتروني"><button>اشترك'
        "</button></form></section>\n</main>\n"
        '<footer class="kw-foot">© كواليس اليوم - جميع الحقوق محفوظة</footer>\n</body>\n</html>\n'
    )


def outlet_home(items: tuple[Link, ...]) -> str:
    cards = "".join(
        f'<li class="kw-card"><a href="{escape(i.href)}">{escape(i.title)}</a><p>{escape(i.blurb)}</p></li>'
        for i in items
    )
    return (
        '<!DOCTYPE html>\n<html lang="ar" dir="rtl">\n<head><meta charset="utf-8"><title>كواليس '
        "اليوم - الرئيسية"
        '</title>\n<link rel="alternate" type="application/rss+xml" href="__ORIGIN__/feed.xml"></head>\n'
        '<body class="home"><header class="kw-top"><a class="kw-logo" href="__ORIGIN__/">كواليس اليوم</a>'
        "</header>\n<main><h1>آخر الأخبار</h1>"
        f'<ul class="kw-cards">{cards}</ul></main>\n'
        '<footer class="kw-foot">© كواليس اليوم</footer></body></html>\n'
    )


# --- copier sites: article pages -------------------------------------------------------------------


def blog_article(v: ArticleView) -> str:
    """A WordPress-like blog: machine-readable date, self canonical, comments, related posts."""
    extra = f'<meta property="article:published_time" content="{v.published}">\n'
    comments = "".join(
        f'<li class="comment"><div class="comment-author">زائر {i + 1}</div><p>{escape(c)}</p></li>'
        for i, c in enumerate(v.comments)
    )
    return (
        _head(v, extra)
        + f'<body class="post-template-default single">\n<div id="page" class="site"><header id="masthead">'
        f'<p class="site-title"><a href="{v.home}">{escape(v.site_title)}</a></p>'
        f'<nav class="main-navigation"><a href="{v.home}">الرئيسية</a> <a href="__ORIGIN__/category/akhbar/">'
        'أخبار</a> <a href="__ORIGIN__/about/">من نحن</a></nav></header>\n'
        '<div id="content" class="site-content"><main id="main">\n<article class="post type-post">\n'
        f'<header class="entry-header"><h1 class="entry-title">{escape(v.title)}</h1>'
        f'<div class="entry-meta">نشر في <time class="entry-date published" datetime="{v.published}">'
        f"{ar_date(v.published)}</time> بواسطة المحرر</div></header>\n"
        f'<div class="entry-content">\n{v.body}\n</div>\n'
        '<footer class="entry-footer"><span class="tags-links">وسوم: <a href="__ORIGIN__/tag/maghrib/">المغرب'
        "</a></span></footer>\n</article>\n"
        f'<div class="jp-relatedposts"><h3>مقالات ذات صلة</h3>{_links(v.related, "related", True)}</div>\n'
        f'<div id="comments" class="comments-area"><h2>التعليقات</h2><ol class="comment-list">{comments}</ol>'
        '<div id="respond"><h3>أضف تعليقا</h3><textarea></textarea></div></div>\n</main>\n'
        f'<aside id="secondary" class="widget-area"><section class="widget"><h2>أحدث التدوينات</h2>'
        f"{_links(v.recent, 'recent-posts')}</section>{_widget(v, 'الأكثر قراءة في الصحف')}</aside></div>\n"
        f'<footer id="colophon"><p>{escape(v.site_title)} - مدونة مستقلة - يعمل بووردبريس</p>'
        "</footer></div>\n"
        "</body>\n</html>\n"
    )


def forum_article(v: ArticleView) -> str:
    """A forum thread: the first post holds the article; the date is visible text only; replies."""
    replies = "".join(
        f'<div class="post reply" id="post{i + 2}"><div class="userinfo"><a '
        f'href="__ORIGIN__/members/{i + 7}/">'
        f'عضو_{i + 7}</a><span class="rank">عضو نشيط</span></div><div class="postbody">'
        f"{escape(c)}</div></div>"
        for i, c in enumerate(v.comments)
    )
    return (
        _head(v) + f'<body class="thread">\n<div class="header"><a class="logo" href="{v.home}">'
        f"{escape(v.site_title)}</a>"
        '<div class="login"><a href="__ORIGIN__/members/login/">تسجيل الدخول</a> | <a '
        'href="__ORIGIN__/search/">'
        "بحث</a></div></div>\n"
        f'<div class="breadcrumb"><a href="{v.home}">المنتدى</a> &gt; {escape(v.section)}</div>\n'
        f'<div class="threadtitle"><h1>{escape(v.title)}</h1></div>\n'
        '<div class="posts">\n<div class="post first" id="post1"><div class="userinfo">'
        '<a href="__ORIGIN__/members/3/">أبو_ياسين</a><span class="rank">مشرف</span></div>'
        f'<div class="postdate">بتاريخ {ar_date(v.published)} - {v.published[11:16]}</div>'
        f'<div class="postbody">\n{v.body}\n</div><div class="signature">اللهم اغفر لنا '
        "ولوالدينا</div></div>\n"
        f"{replies}\n</div>\n"
        f'<div class="similar"><h3>مواضيع مشابهة</h3>{_links(v.recent, "similar-threads")}</div>\n'
        '<div class="footer">جميع المشاركات تعبر عن رأي أصحابها ولا تعبر عن رأي إدارة المنتدى</div>\n'
        "</body>\n</html>\n"
    )


def portal_article(v: ArticleView) -> str:
    """A bilingual Arabic/French portal: JSON-LD date, French menu, print link."""
    ld = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": v.title,
        "datePublished": v.published,
    }
    extra = f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>\n'
    date = ar_date(v.published) if v.lang == "ar" else fr_date(v.published)
    prt = f'<a class="print" href="{v.print_url}">نسخة للطباعة</a>' if v.print_url else ""
    return (
        _head(v, extra)
        + f'<body class="pm-article pm-{v.lang}">\n<header class="pm-header"><a class="pm-brand" '
        f'href="{v.home}">'
        f"{escape(v.site_title)}</a>"
        '<ul class="pm-menu"><li><a href="__ORIGIN__/">Accueil</a></li><li><a '
        'href="__ORIGIN__/rubrique/societe/">'
        'Société</a></li><li><a href="__ORIGIN__/rubrique/culture/">Culture</a></li></ul>'
        '<div class="pm-lang"><a href="__ORIGIN__/ar/">عربي</a> | <a href="__ORIGIN__/fr/">Français</a></div>'
        "</header>\n"
        f'<div class="pm-main"><div class="pm-rubrique">{escape(v.section)}</div>\n'
        f'<h1 class="pm-title">{escape(v.title)}</h1>\n<div class="pm-meta">{date} {prt}</div>\n'
        f'<div class="pm-content">\n{v.body}\n</div></div>\n'
        f'<aside class="pm-side"><h3>À lire aussi / اقرأ أيضا</h3>{_links(v.recent, "pm-more")}'
        f"{_widget(v, 'Les plus lus')}</aside>\n"
        '<footer class="pm-footer">Portail du Maghreb © 2025 - Mentions légales</footer>\n</body>\n</html>\n'
    )


def portal_print(v: ArticleView) -> str:
    """The print view of a portal article: bare, on a path robots.txt disallows."""
    return (
        '<!DOCTYPE html>\n<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>'
        f"{escape(v.title)}</title>"
        '<meta name="robots" content="noindex"></head>\n<body onload="window.print()">'
        f"<h1>{escape(v.title)}</h1><p>{ar_date(v.published)}</p>\n{v.body}\n</body></html>\n"
    )


def aggregator_article(v: ArticleView) -> str:
    """A news aggregator: compact cards, <time datetime>, a 'more news' rail."""
    return (
        _head(v) + f'<body>\n<div class="topbar"><a href="{v.home}" class="brand">{escape(v.site_title)}</a>'
        '<span class="tagline">كل الأخبار في مكان واحد</span></div>\n'
        f'<div class="wrap"><div class="story"><h1 class="story-title">{escape(v.title)}</h1>'
        f'<time datetime="{v.published}">{ar_date(v.published)}</time>'
        f'<div class="story-body">\n{v.body}\n</div>'
        '<div class="share-bar">شارك: <a href="#">فيسبوك</a> <a href="#">واتساب</a></div></div>\n'
        f'<div class="rail"><h4>أخبار أخرى</h4>{_links(v.recent, "rail-list")}'
        f"{_widget(v, 'الأكثر تداولا')}</div>\n"
        f'<div class="more"><h4>قد يهمك أيضا</h4>{_links(v.related, "more-cards", True)}</div></div>\n'
        '<div class="foot">الأخبار المنشورة مجمعة من مصادرها</div>\n</body>\n</html>\n'
    )


_BLOGROLL = (
    '<div class="friends"><h4>مواقع صديقة</h4><ul><li><a href="https://www.kawalisalyaoum.com/">'
    "كواليس اليوم</a>"
    '</li><li><a href="https://www.example.org/">دليل المواقع المغربية</a></li></ul></div>'
)


def static_article(v: ArticleView) -> str:
    """A plain hand-made static site: no metadata, a visible date, a blogroll footer."""
    return (
        _head(v) + f'<body bgcolor="#ffffff">\n<table width="100%"><tr><td><a href="{v.home}"><b>'
        f"{escape(v.site_title)}"
        "</b></a></td></tr></table>\n<hr>\n"
        f"<h2>{escape(v.title)}</h2>\n<p><small>كتب بتاريخ {ar_date(v.published)}</small></p>\n"
        f'<div id="text">\n{v.body}\n</div>\n<hr>\n'
        f"<p><b>مقالات أخرى:</b></p>{_links(v.recent, 'others')}\n"
        + (_BLOGROLL if v.blogroll else "")
        + f'\n<p align="center"><small>{escape(v.site_title)} 2025</small></p>\n</body>\n</html>\n'
    )


def regional_article(v: ArticleView) -> str:
    """A regional paper: JSON-LD NewsArticle, breadcrumbs, a 'read also' box after the body."""
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": v.title,
        "datePublished": v.published,
        "author": {"@type": "Person", "name": "هيئة التحرير"},
    }
    extra = f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>\n'
    return (
        _head(v, extra) + f'<body class="jr">\n<header><div class="jr-logo"><a href="{v.home}">'
        f"{escape(v.site_title)}</a></div>"
        f'<nav class="jr-nav"><a href="{v.home}">الرئيسية</a> <a href="__ORIGIN__/section/jiha/">الجهة</a> '
        '<a href="__ORIGIN__/section/watani/">وطني</a></nav></header>\n'
        f'<ol class="crumbs"><li><a href="{v.home}">الرئيسية</a></li><li>{escape(v.section)}</li></ol>\n'
        f'<main class="jr-article"><h1>{escape(v.title)}</h1><div class="jr-byline">هيئة التحرير - '
        f'{ar_date(v.published)}</div>\n<div class="jr-body">\n{v.body}\n</div></main>\n'
        f'<aside class="jr-box"><h3>اقرأ في الجريدة</h3>{_links(v.recent, "jr-list")}</aside>\n'
        '<footer class="jr-foot">جريدة الجهة - جريدة إلكترونية جهوية - رقم الإيداع القانوني '
        "2019/07</footer>\n"
        "</body>\n</html>\n"
    )


ARTICLE_TEMPLATES: dict[str, Callable[[ArticleView], str]] = {
    "blog": blog_article,
    "forum": forum_article,
    "portal": portal_article,
    "aggregator": aggregator_article,
    "static": static_article,
    "regional": regional_article,
}


def index_page(template: str, site_title: str, home: str, title: str, items: tuple[Link, ...]) -> str:
    """A home or listing page of a copier site: links with short blurbs, in the site's own look."""
    lang = "fr" if title.isascii() else "ar"
    body = _links(items, f"{template}-index", blurbs=template in ("blog", "aggregator", "regional"))
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}" dir="{_dir(lang)}">\n<head><meta charset="utf-8">'
        f"<title>{escape(title)} | {escape(site_title)}</title></head>\n"
        f'<body class="{template}-home"><header><a href="{home}">{escape(site_title)}</a></header>\n'
        f"<main><h1>{escape(title)}</h1>\n{body}\n</main>\n"
        + (_BLOGROLL if template == "static" else "")
        + f"<footer>{escape(site_title)}</footer></body></html>\n"
    )
