"""What each demo site holds: one ``PagePlan`` per candidate page, in plain declarative form.

This is the one place a page's kind is decided. ``build.py`` turns each plan into HTML and derives
the ground truth (label, coverage, credit verdict, decoys) from the same plan, so the truth cannot
drift from the pages. To add a case, add a PagePlan here; nothing else needs to change.

Keys refer to ``content.py``: E01..E13 are the outlet's exclusives, U/FR/H the other sites' texts.
"""

from __future__ import annotations

from dataclasses import dataclass

# Label names shared with the truth file.
COPY_LABELS = frozenset({"verbatim", "edited", "partial", "reordered", "two_exclusives"})


@dataclass(frozen=True)
class CreditSpec:
    """A real credit on a copy.

    kind: link_article (variant exact|http|utm|nowww), link_home, canonical, name.
    text: the visible words (anchor text of a link, or the whole name credit).
    where: top (own line above the body), lead (prefix of the first paragraph), bottom.
    """

    kind: str
    text: str = ""
    variant: str = "exact"
    where: str = "bottom"


@dataclass(frozen=True)
class DecoySpec:
    """Something that looks like credit and is not: other_outlet (text), read_also (an exclusive key),
    notice_kept. The site-wide footer_blogroll is a SitePlan setting."""

    kind: str
    text: str = ""


@dataclass(frozen=True)
class PagePlan:
    pid: str  # unique within its site; drives the page's URL
    # verbatim|edited|partial|reordered|two_exclusives (copies); quote|unrelated|hard_negative|sidebar_only;
    # robots_blocked (a copy on a path robots.txt disallows: never fetched, never reported)
    label: str
    copies: tuple[str, ...] = ()  # exclusives whose body is on the page
    text: str = ""  # the page's own text (non-copies), or the host text around a quote
    paras: tuple[int, ...] = ()  # which exclusive paragraphs are kept, in this order (default: all)
    pad: tuple[str, ...] = ()  # texts whose paragraphs surround a partial copy
    title: str = ""  # a rewritten headline (default: the exclusive's own)
    lead: str = ""  # replaces the first clause (up to the first "،") of the first paragraph
    edit_rate: float = 0.0  # share of words deleted, inserted or substituted
    variants: tuple[str, ...] = ()  # spelling/typography: hamza taa yaa tatweel digits punct
    credits: tuple[CreditSpec, ...] = ()
    decoys: tuple[DecoySpec, ...] = ()
    quote: tuple[str, str] | None = None  # (exclusive, a passage of it quoted inside the own text)
    sidebar: tuple[str, ...] = ()  # exclusives listed by title in a sidebar widget
    related: str = ""  # the exclusive a hard negative shadows
    print_of: str = ""  # this page is the print view of that pid (robots-disallowed path)
    delay_hours: int = 30  # a copy's publication time after the exclusive's


@dataclass(frozen=True)
class SitePlan:
    name: str  # ASCII, the [[sites]] name
    title: str
    template: str  # blog|forum|portal|aggregator|static|regional (see templates.py)
    base: str  # "/" or a base path such as "/ar/"
    discovery: str  # sitemap_index|links|robots_sitemap|feed|sitemap
    gzip: bool
    robots: str | None  # robots.txt text (None: the site has none, 404)
    pages: tuple[PagePlan, ...]
    blogroll: bool = False  # a footer "مواقع صديقة" list that links the outlet's home page


NAME = "كواليس اليوم"

SITES: tuple[SitePlan, ...] = (
    SitePlan(
        name="sada-achamal",
        title="صدى الشمال",
        template="blog",
        base="/",
        discovery="sitemap_index",
        gzip=True,
        robots="User-agent: *\nDisallow: /wp-admin/\nSitemap: __ORIGIN__/sitemap_index.xml\n",
        pages=(
            PagePlan("a1", "verbatim", copies=("E01",), decoys=(DecoySpec("notice_kept"),)),
            PagePlan(
                "a2",
                "edited",
                copies=("E02",),
                title="ترامواي البيضاء.. أشغال متأخرة وتجار غاضبون بشارع محمد السادس",
                lead=(
                    "قالت مصادر متطابقة إن ورش الخط الخامس لترامواي الدار البيضاء"
                    " متأخر بنحو أربعة أشهر عن موعده"
                ),
                edit_rate=0.05,
                variants=("hamza", "punct"),
                credits=(CreditSpec("name", "المصدر: كواليس اليوم"),),
            ),
            PagePlan(
                "a3",
                "partial",
                copies=("E03",),
                paras=(0, 1, 2),
                pad=("U08", "U17"),
                credits=(CreditSpec("link_article", NAME, "exact"),),
            ),
            PagePlan("a4", "unrelated", text="U01"),
            PagePlan(
                "a5",
                "quote",
                text="U10",
                quote=("E05", "وأوضحت المصادر أن جهاز الفحص بالرنين المغناطيسي ظل متوقفا لأسابيع"),
            ),
            PagePlan("a6", "sidebar_only", text="U03", sidebar=("E07", "E09", "E13")),
            PagePlan(
                "a7",
                "reordered",
                copies=("E04",),
                paras=(2, 0, 1, 4, 3, 5),
                credits=(CreditSpec("canonical"),),
            ),
            PagePlan("a8", "hard_negative", text="H01", related="E01"),
        ),
    ),
    SitePlan(
        name="muntada-alhiwar",
        title="منتدى الحوار المغربي",
        template="forum",
        base="/",
        discovery="links",
        gzip=True,
        robots="User-agent: *\nDisallow: /members/\nDisallow: /search/\n",
        pages=(
            PagePlan(
                "b1",
                "verbatim",
                copies=("E06",),
                decoys=(DecoySpec("other_outlet", "المصدر: وكالة المغرب العربي للأنباء"),),
            ),
            PagePlan("b2", "verbatim", copies=("E07",), credits=(CreditSpec("link_home", NAME),)),
            PagePlan(
                "b3",
                "edited",
                copies=("E08",),
                edit_rate=0.08,
                variants=("hamza", "taa", "yaa", "tatweel", "digits", "punct"),
                credits=(CreditSpec("name", "نقلا عن موقع كواليس اليوم", where="top"),),
            ),
            PagePlan("b4", "unrelated", text="U06"),
            PagePlan(
                "b5",
                "quote",
                text="U15",
                quote=("E02", "يجد سائقو سيارات الأجرة أنفسهم مضطرين إلى سلوك طرق بديلة تضاعف مدة التنقل"),
            ),
            PagePlan("b6", "partial", copies=("E09",), paras=(0, 1, 4), pad=("U14",)),
            PagePlan("b7", "unrelated", text="U07"),
        ),
    ),
    SitePlan(
        name="portail-maghreb",
        title="بوابة المغرب | Portail du Maghreb",
        template="portal",
        base="/",
        discovery="robots_sitemap",
        gzip=True,
        robots=(
            "User-agent: *\nDisallow: /print/\nDisallow: /admin/\n\n"
            "Sitemap: __ORIGIN__/sitemaps/portail-articles.xml\n"
        ),
        pages=(
            PagePlan(
                "c1", "verbatim", copies=("E10",), credits=(CreditSpec("name", "Source : Kawalis Alyaoum"),)
            ),
            PagePlan("c2", "robots_blocked", copies=("E12",), print_of="c3"),
            PagePlan(
                "c3",
                "edited",
                copies=("E12",),
                paras=(0, 1, 2, 3, 4),
                title="الرباط: متابعة منعش عقاري في قضية نصب على أسر اقتنت شققا بتمارة",
                lead="بدأت هيئة الحكم بالرباط محاكمة منعش عقاري متابع من أجل النصب وخيانة الأمانة",
                edit_rate=0.06,
                variants=("digits", "taa"),
                decoys=(DecoySpec("other_outlet", "Source : MAP"),),
            ),
            PagePlan("c4", "unrelated", text="FR1"),
            PagePlan("c5", "unrelated", text="FR2"),
            PagePlan("c6", "unrelated", text="U04"),
            PagePlan("c7", "hard_negative", text="H02", related="E06"),
            PagePlan("c8", "hard_negative", text="FR3", related="E10"),
            PagePlan(
                "c9", "verbatim", copies=("E05",), credits=(CreditSpec("link_article", "المصدر", "http"),)
            ),
        ),
    ),
    SitePlan(
        name="jami-alakhbar",
        title="جامع الأخبار",
        template="aggregator",
        base="/",
        discovery="feed",
        gzip=True,
        robots=None,
        pages=(
            PagePlan(
                "d1",
                "verbatim",
                copies=("E03",),
                credits=(CreditSpec("link_article", "اقرأ الخبر في مصدره", "utm"),),
            ),
            PagePlan("d2", "verbatim", copies=("E09",), credits=(CreditSpec("link_article", NAME, "nowww"),)),
            PagePlan("d3", "unrelated", text="U09", decoys=(DecoySpec("other_outlet", "المصدر: وكالات"),)),
            PagePlan(
                "d4",
                "two_exclusives",
                copies=("E02", "E08"),
                title="حصاد اليوم: ترامواي البيضاء المتأخر وزيت الزيتون الغالي",
            ),
            PagePlan(
                "d5",
                "edited",
                copies=("E10",),
                title="الصويرة: موعد جديد لمهرجان كناوة في الخريف",
                lead="أفادت مصادر متطابقة بأن إدارة مهرجان كناوة بالصويرة",
                edit_rate=0.08,
                variants=("hamza", "yaa"),
                credits=(CreditSpec("name", "(كواليس اليوم)", where="lead"),),
            ),
            PagePlan(
                "d6",
                "quote",
                text="U18",
                quote=(
                    "E07",
                    "نسبة الحجوزات بفنادق مراكش المصنفة تجاوزت 85 في المائة بالنسبة لفترة عطلة نهاية السنة",
                ),
            ),
            PagePlan("d7", "sidebar_only", text="U05", sidebar=("E01", "E03", "E11")),
            PagePlan("d8", "unrelated", text="U02"),
        ),
    ),
    SitePlan(
        name="safahat-alatlas",
        title="صفحات الأطلس",
        template="static",
        base="/ar/",
        discovery="links",
        gzip=False,
        robots="User-agent: *\nDisallow:\n",
        blogroll=True,
        pages=(
            PagePlan(
                "e1",
                "verbatim",
                copies=("E04",),
                credits=(CreditSpec("canonical"), CreditSpec("name", "المصدر: كواليس اليوم")),
            ),
            PagePlan("e2", "partial", copies=("E06",), paras=(0, 2, 3), pad=("U11",)),
            PagePlan("e3", "unrelated", text="U11"),
            PagePlan("e4", "unrelated", text="U14"),
            PagePlan(
                "e5",
                "reordered",
                copies=("E11",),
                paras=(3, 4, 0, 1, 5, 2),
                credits=(CreditSpec("link_article", "الخبر الأصلي", "exact", where="top"),),
            ),
            PagePlan(
                "e6",
                "quote",
                text="U17",
                quote=("E13", "وعبر مربو الماشية عن قلقهم من فقدان مسارات الرعي التقليدية"),
            ),
        ),
    ),
    SitePlan(
        name="jaridat-aljiha",
        title="جريدة الجهة",
        template="regional",
        base="/",
        discovery="sitemap",
        gzip=True,
        robots="User-agent: *\nDisallow: /admin/\nSitemap: __ORIGIN__/sitemap.xml\n",
        pages=(
            PagePlan(
                "f1",
                "edited",
                copies=("E13",),
                title="كلميم: رعاة الإبل قلقون من مشروع الطاقة الجديد",
                lead="تتصاعد مخاوف الكسابة بجهة كلميم واد نون من مشروع كبير لإنتاج الهيدروجين الأخضر",
                edit_rate=0.08,
                variants=("hamza", "taa", "tatweel"),
            ),
            PagePlan(
                "f2",
                "verbatim",
                copies=("E12",),
                decoys=(DecoySpec("notice_kept"), DecoySpec("read_also", "E01")),
            ),
            PagePlan(
                "f3",
                "partial",
                copies=("E08",),
                paras=(1, 2),
                pad=("U12",),
                credits=(CreditSpec("name", "حسب ما أورده موقع كواليس اليوم", where="top"),),
            ),
            PagePlan("f4", "unrelated", text="U13"),
            PagePlan("f5", "hard_negative", text="H03", related="E07"),
            PagePlan("f6", "unrelated", text="U16"),
        ),
    ),
)
