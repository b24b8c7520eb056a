"""The HTML report editors open: who copies the outlet's exclusives, who credits it, and the proof.

One self-contained file (inline CSS, inline SVG, no script, no external resource), Arabic and
right-to-left, safe to open even though most of what it shows was written by the sites it accuses:
jinja2 escapes every value (``autoescape=True``), highlighted texts are escaped piece by piece here,
links are made only for http(s) URLs, and a Content-Security-Policy forbids scripts outright.

The work is split so each half stays readable: this module turns Findings into small frozen view
objects (rankings, chart geometry, highlighted excerpts), and templates/report.html.j2 lays them out.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from .. import __version__
from ..models import NOTICE_KEPT_TEXT, Finding, RunInfo
from .atomic import atomic_text_file

TEMPLATES = Path(__file__).parent / "templates"
CREDIT_KINDS = ("link", "canonical", "name")

# Texts shown in full up to this many characters per copy and side; beyond it, and as the report
# grows, only the copied passages with some context are shown, so 5,000 copies stay a usable file.
TOTAL_TEXT_BUDGET = 4_000_000
MAX_SIDE_CHARS = 20_000
MIN_SIDE_CHARS = 500

ATTRIBUTION_LABELS = {
    "link": "رابط إلى المصدر",
    "canonical": "إحالة canonical إلى المصدر",
    "name": "ذكر اسم المصدر",
    "none": "دون إشارة إلى المصدر",
}
MATCH_LABELS = {
    "verbatim": "نقل حرفي",
    "edited": "نقل مع تعديل",
    "partial": "نقل جزئي",
    "reordered": "نقل بترتيب مختلف",
}
ORDER_LABELS = {
    "after": "نُشرت النسخة بعد المقال الحصري",
    "backdated": "تاريخ النسخة أسبق من المقال الحصري: تأريخ بأثر رجعي",
    "unknown": "لا يمكن تحديد الأسبقية",
    "": "لا يمكن تحديد الأسبقية",
}
ONLINE_LABELS = {
    "online": "ما زالت منشورة",
    "changed": "تغيّرت منذ الالتقاط",
    "removed": "حُذفت",
    "": "لم يُعد فحصها",
}
STATUS_LABELS = {
    "success": "نجح",
    "site_errors": "نجح مع أخطاء في بعض المواقع",
    "failed": "فشل",
    "running": "جارٍ",
    "aborted": "أُوقف قبل الحفظ",
}

# --- the credit evidence in Arabic (issue 12) -------------------------------------------------------
# The store and the CSV keep the machine-readable evidence ("link_article: URL (end_of_article)",
# "not credit (copied_name): ..."), documented in the README; the report says it in Arabic, each
# scraped piece isolated in its own direction so Arabic and Latin pieces never reorder each other.
SIGNAL_LABELS = {
    "link_article": "رابط إلى المقال الحصري",
    "link_home": "رابط إلى الصفحة الرئيسية للمصدر",
    "canonical": "وسم canonical يشير إلى المقال الحصري",
    "og_url": "وسم og:url يشير إلى المقال الحصري",
    "name": "ذكر اسم المصدر",
    "image_credit": "نسبة الصورة إلى المصدر",
    "byline": "اسم المصدر في خانة الكاتب",
    "dateline": "اسم المصدر في مستهل الخبر",
    "credit_line": "سطر يذكر المصدر",
}
DECOY_LABELS = {
    "canonical_other": "وسم canonical يشير إلى صفحة أخرى",
    "furniture_link": "رابط في إطار الصفحة (التذييل أو القوائم أو الشريط الجانبي)",
    "other_article_link": "رابط إلى مقال آخر للمصدر لا إلى هذا المقال",
    "notice": "تنبيه الحصرية الخاص بالمصدر منقول مع النص",
    "furniture_name": "الاسم في إطار الصفحة لا في المقال",
    "other_outlet_credit": "إشارة إلى مصدر آخر",
    "copied_name": "الاسم وارد داخل النص المنقول نفسه",
}
WHERE_LABELS = {
    "body": "متن المقال",
    "byline": "خانة الكاتب",
    "end_of_article": "نهاية المقال",
    "start_of_article": "بداية المقال",
    "first_paragraph": "الفقرة الأولى",
    "above_title": "فوق العنوان",
    "below_title": "تحت العنوان",
    "head": "رأس الصفحة",
    "elsewhere": "خارج المقال",
}
NOT_CREDIT = "ليست إشارة إلى المصدر"
NOTICE_KEPT_LABEL = "نقلت النسخة تنبيه الحصرية الخاص بالمصدر (علامة نقل، لا إشارة إلى المصدر)"

_SIGNALS = "|".join(sorted(map(re.escape, {*SIGNAL_LABELS, *DECOY_LABELS}), key=len, reverse=True))
_WHERES = "|".join(sorted(map(re.escape, WHERE_LABELS), key=len, reverse=True))
_PAGE_PREFIX = re.compile(r"on page (\d+) of the article \((.*?)\): ", re.DOTALL)
# a part starts at the start, or after " | " followed by a signal (scraped text may hold " | ")
_PART_START = re.compile(
    rf"(?:^| \| )(?=(?:not credit \((?:{_SIGNALS})\)|(?:{_SIGNALS})): |{re.escape(NOTICE_KEPT_TEXT)})"
)
_PART = re.compile(
    rf"(?:not credit \((?P<decoy>{_SIGNALS})\)|(?P<signal>{_SIGNALS})): "
    rf"(?P<text>.*) \((?P<where>{_WHERES})\)\Z",
    re.DOTALL,
)


@dataclass(frozen=True)
class EvidenceItem:
    """One piece of credit evidence as the report shows it: an Arabic label, the scraped text (or
    link) exactly as found, and where on the page, in Arabic."""

    credit: bool  # a credit signal, or a decoy ("not credit")
    label: str
    text: str
    where: str


@dataclass(frozen=True)
class Evidence:
    page: int  # the page of a paginated article the credit is on (1 = the first)
    page_url: str
    items: tuple[EvidenceItem, ...]


def evidence_view(text: str) -> Evidence:
    """The machine-readable evidence string of a finding, parsed back into labelled pieces.

    A piece copywatch does not know (written by another version) is kept whole, labelled as such.
    """
    page, page_url = 1, ""
    m = _PAGE_PREFIX.match(text)
    if m:
        page, page_url, text = int(m.group(1)), m.group(2), text[m.end() :]
    cuts = [m.start() for m in _PART_START.finditer(text) if m.end() > m.start()]  # each " | "
    items = []
    for lo, hi in zip([0, *cuts], [*cuts, len(text)], strict=True):
        part = text[lo:hi].removeprefix(" | ")
        if not part:
            continue
        if part == NOTICE_KEPT_TEXT:
            items.append(EvidenceItem(False, NOTICE_KEPT_LABEL, "", ""))
            continue
        pm = _PART.match(part)
        if pm is None:
            items.append(EvidenceItem(False, "دليل بصيغة غير معروفة", part, ""))
        elif pm.group("decoy"):
            kind = pm.group("decoy")
            label = f"{NOT_CREDIT}: {DECOY_LABELS.get(kind, SIGNAL_LABELS.get(kind, ''))}"
            items.append(EvidenceItem(False, label, pm.group("text"), WHERE_LABELS[pm.group("where")]))
        else:
            label = SIGNAL_LABELS.get(pm.group("signal"), DECOY_LABELS.get(pm.group("signal"), ""))
            items.append(EvidenceItem(True, label, pm.group("text"), WHERE_LABELS[pm.group("where")]))
    return Evidence(page, page_url, tuple(items))


# --- site errors in Arabic ---------------------------------------------------------------------------
_SITE_ERRORS = (
    (
        re.compile(r"robots\.txt of .* is unreachable"),
        "تعذّر الوصول إلى ملف robots.txt للموقع، فلم يُجلب منه شيء في هذا الفحص",
    ),
    (re.compile(r"robots\.txt disallows"), "ملف robots.txt للموقع يمنع جلب نقطة البداية"),
    (re.compile(r"^every seed failed"), "تعذّر جلب كل نقاط البداية المحددة للموقع"),
    (re.compile(r"^no usable seed"), "لا توجد في الإعدادات نقطة بداية صالحة لهذا الموقع"),
    (re.compile(r"^exclusives source "), "مصدر من مصادر المقالات الحصرية لم يُعطِ أي مقال"),
    (re.compile(r"timed out|deadline"), "انتهت المهلة دون جواب من الموقع"),
    (re.compile(r"cannot connect|Name or service|resolve|DNS", re.IGNORECASE), "تعذّر الاتصال بالموقع"),
    (re.compile(r"TLS|certificate", re.IGNORECASE), "تعذّر التحقق من شهادة TLS للموقع"),
    (re.compile(r"private|not a public address|refused", re.IGNORECASE), "عنوان الموقع ممنوع بسياسة الشبكة"),
)
OUTLET_SITE = "(outlet)"
OUTLET_LABEL = "مصادر المقالات الحصرية"


def site_error_label(error: str) -> str:
    """The Arabic sentence for a site's error; the error itself is shown beside it as detail."""
    return next((label for pattern, label in _SITE_ERRORS if pattern.search(error)), "خطأ أثناء فحص الموقع")


def site_label(site: str) -> str:
    return OUTLET_LABEL if site == OUTLET_SITE else site


_SAFE_URL = re.compile(r"https?://[^\s/?#]+[^\s]*\Z", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})")


def safe_href(url: str) -> str | None:
    """The URL if a browser would treat it as a plain http(s) link, else None (shown as text)."""
    if _SAFE_URL.match(url) and not _CONTROL.search(url):
        return url
    return None


@lru_cache(maxsize=4096)  # a report shows the same few run times on every row
def fmt_time(value: str) -> Markup:
    """ "2026-11-29T10:15:00Z" -> "2026-11-29 10:15" (all times are UTC), isolated left-to-right.

    The isolation matters: in a right-to-left paragraph the bidi algorithm would otherwise show
    "2026-11-29" as "29-11-2026" next to Arabic words.
    """
    m = _TIME.match(value or "")
    shown = f"{m.group(1)} {m.group(2)}" if m else (value or "—")
    return Markup('<bdi dir="ltr">%s</bdi>') % shown


@lru_cache(maxsize=4096)
def fmt_date(value: str) -> Markup:
    shown = value[:10] if _TIME.match(value or "") else (value or "—")
    return Markup('<bdi dir="ltr">%s</bdi>') % shown


def copies_ar(n: int, adjective: str = "") -> str:
    """``n`` copies in Arabic, the counted noun agreeing with the number: نسخة واحدة, نسختان,
    3-10 نسخ, 11-99 نسخة (then by the last two digits: 103 نسخ, 111 نسخة, 100 نسخة). ``adjective``
    (جديدة) follows in the noun's number."""
    if n == 1:
        return "نسخة واحدة" if not adjective else f"نسخة {adjective} واحدة"
    if n == 2:
        return "نسختان" if not adjective else f"نسختان {adjective}تان".replace("ةتان", "تان")
    plural = 3 <= n % 100 <= 10
    noun = "نسخ" if plural else "نسخة"
    return f"{n} {noun}" + (f" {adjective}" if adjective else "")


def pct(value: float) -> str:
    return f"{value * 100:.0f}%"


# ---------------------------------------------------------------------------- highlighting


def _merge(intervals: Sequence[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """Clamp to [0, length], drop empty ones, sort and merge overlapping/touching intervals."""
    clean = sorted((max(0, s), min(length, e)) for s, e in intervals if min(length, e) > max(0, s))
    merged: list[tuple[int, int]] = []
    for s, e in clean:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def _marked(text: str, start: int, end: int, marks: list[tuple[int, int]]) -> Markup:
    """text[start:end] escaped, with the parts inside ``marks`` wrapped in <mark>."""
    out: list[str] = []
    pos = start
    i = bisect.bisect_right(marks, (start, start)) - 1
    for s, e in marks[max(i, 0) :]:
        if s >= end:
            break
        s, e = max(s, start), min(e, end)
        if e <= s:
            continue
        if s > pos:
            out.append(str(escape(text[pos:s])))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        pos = e
    if pos < end:
        out.append(str(escape(text[pos:end])))
    return Markup("".join(out))  # noqa: S704 - every piece above went through escape()


_GAP = '<span class="gap">[…]</span>'


def highlight(text: str, intervals: Sequence[tuple[int, int]], budget: int) -> tuple[Markup, bool]:
    """The text with copied passages marked; if longer than ``budget``, only excerpts around them.

    Returns the markup and whether it was shortened. Long passages keep their beginning and end,
    each shown passage keeps a little context, and [...] marks what was left out.
    """
    marks = _merge(intervals, len(text))
    if len(text) <= budget:
        return _marked(text, 0, len(text), marks), False
    if not marks:
        return Markup(_marked(text, 0, budget, []) + Markup(_GAP)), True  # noqa: S704 - escaped
    context = max(40, min(160, budget // 10))
    half = max(120, budget // 4)
    windows: list[tuple[int, int]] = []
    for s, e in marks:
        if e - s > 2 * half:
            windows += [(s - context, s + half), (e - half, e + context)]
        else:
            windows.append((s - context, e + context))
    shown = 0
    pieces: list[str] = []
    last_end = 0
    for s, e in _merge(windows, len(text)):
        if shown >= budget:
            break
        e = min(e, s + (budget - shown) + context)
        if s > last_end or (not pieces and s > 0):
            pieces.append(_GAP)
        pieces.append(str(_marked(text, s, e, marks)))
        shown += e - s
        last_end = e
    if last_end < len(text):
        pieces.append(_GAP)
    return Markup("".join(pieces)), True  # noqa: S704 - pieces are escaped markup or the fixed _GAP


# ---------------------------------------------------------------------------- view objects


@dataclass(frozen=True)
class CopyView:
    """One finding as the report shows it."""

    f: Finding
    anchor: str
    site_anchor: str
    is_new: bool
    credited: bool
    page_href: str | None
    exclusive_href: str | None
    page_html: Markup
    exclusive_html: Markup
    shortened: bool
    attribution_label: str
    match_label: str
    order_label: str
    online_label: str


@dataclass(frozen=True)
class SiteRow:
    """A line of a ranking table, and the head of the site's own section."""

    site: str
    anchor: str
    partner: bool
    copies: int
    uncredited: int
    credited: int
    first_copy: str
    latest_copy: str
    new_now: int
    prev_avg: float | None  # new copies per earlier run; None without history
    trend: str  # up, down, flat, none
    spark: tuple[tuple[float, float, float, int, str], ...]  # x, y, height, count, run id
    error: str


@dataclass(frozen=True)
class SiteSection:
    row: SiteRow
    copies: tuple[CopyView, ...]


@dataclass(frozen=True)
class ExclusiveRow:
    url: str
    href: str | None
    title: str
    published_at: str
    copies: int
    uncredited: int
    sites: tuple[tuple[str, str, int], ...]  # site, anchor, copies


@dataclass(frozen=True)
class Bar:
    label: str
    x: float
    uncredited: int
    credited: int
    y_unc: float
    h_unc: float
    y_cred: float
    h_cred: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    base: float  # y of the axis
    bar_width: float
    bars: tuple[Bar, ...]
    label_every: int
    max_value: int


def _month_chart(findings: Sequence[Finding], credited: Sequence[bool]) -> Chart | None:
    """Stacked monthly bars of copies by first_seen, with empty months kept; None for one month."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for f, ok in zip(findings, credited, strict=True):
        if _TIME.match(f.first_seen or ""):
            counts[f.first_seen[:7]][1 if ok else 0] += 1
    if len(counts) < 2:
        return None
    first, last = min(counts), max(counts)
    months: list[str] = []
    y, m = int(first[:4]), int(first[5:7])
    while f"{y:04d}-{m:02d}" <= last and len(months) < 240:
        months.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    top = max(sum(counts[k]) for k in counts) or 1
    width, height, base, plot = 960, 220, 190.0, 160.0
    slot = (width - 40) / len(months)
    bar_w = max(2.0, min(48.0, slot * 0.7))
    bars = []
    for i, month in enumerate(months):
        unc, cred = counts.get(month, [0, 0])
        h_unc, h_cred = plot * unc / top, plot * cred / top
        bars.append(
            Bar(
                label=month,
                x=20 + i * slot + (slot - bar_w) / 2,
                uncredited=unc,
                credited=cred,
                y_unc=base - h_unc,
                h_unc=h_unc,
                y_cred=base - h_unc - h_cred,
                h_cred=h_cred,
            )
        )
    return Chart(width, height, base, bar_w, tuple(bars), max(1, len(months) // 12 + 1), top)


def _run_index(runs: Sequence[RunInfo]) -> tuple[list[str], list[str]]:
    return [r.started_at for r in runs], [r.run_id for r in runs]


def _site_row(
    site: str,
    anchor: str,
    views: Sequence[CopyView],
    earlier: Sequence[RunInfo],
    recent_ids: Sequence[str],
    partner: bool,
    error: str,
) -> SiteRow:
    uncredited = sum(not v.credited for v in views)
    seen = sorted(v.f.first_seen for v in views if v.f.first_seen)
    new_now = sum(v.is_new for v in views)
    per_run: Counter[str] = Counter()
    starts, ids = _run_index(earlier)
    for v in views:
        if v.is_new or not v.f.first_seen:
            continue
        i = bisect.bisect_right(starts, v.f.first_seen) - 1
        if i >= 0:
            per_run[ids[i]] += 1
    prev_avg = sum(per_run.values()) / len(earlier) if earlier else None
    if prev_avg is None:
        trend = "none"
    elif new_now > prev_avg:
        trend = "up"
    elif new_now < prev_avg:
        trend = "down"
    else:
        trend = "flat"
    values = [per_run[r] for r in recent_ids[:-1]] + [new_now]
    top = max(values) or 1
    spark = tuple(
        (i * 7.0, 18.0 - 16.0 * n / top, 16.0 * n / top, n, rid)
        for i, (n, rid) in enumerate(zip(values, recent_ids, strict=True))
    )
    return SiteRow(
        site=site,
        anchor=anchor,
        partner=partner,
        copies=len(views),
        uncredited=uncredited,
        credited=len(views) - uncredited,
        first_copy=seen[0] if seen else "",
        latest_copy=seen[-1] if seen else "",
        new_now=new_now,
        prev_avg=prev_avg,
        trend=trend,
        spark=spark if len(recent_ids) > 1 else (),
        error=error,
    )


def build_context(
    findings: Sequence[Finding],
    run: RunInfo,
    history: Sequence[RunInfo] = (),
    *,
    outlet_name: str = "",
    new_keys: Collection[tuple[str, str]] = (),
    accepted_credit: Collection[str] = CREDIT_KINDS,
    app_url: str = "",
) -> dict[str, Any]:
    """Everything the template shows, computed once; kept separate so it can be tested directly.

    ``app_url``: config [report] base_url, where ``copywatch serve`` publishes the reports; each
    pursued copy then links to its case page there (``/reports/case?...``). Offline, the link is
    just a link: the report itself needs nothing from the app."""
    new_set = set(new_keys)

    def is_new(f: Finding) -> bool:
        # Without new_keys, a copy is new if first seen since this run started.
        if new_set:
            return (f.page_url, f.exclusive_url) in new_set
        return bool(run.started_at and f.first_seen and f.first_seen >= run.started_at)

    budget = max(MIN_SIDE_CHARS, min(MAX_SIDE_CHARS, TOTAL_TEXT_BUDGET // (2 * max(1, len(findings)))))
    site_names = sorted({f.site for f in findings} | {s.site for s in run.sites})
    site_anchor = {s: f"site-{i}" for i, s in enumerate(site_names)}
    errors = {s.site: s.error for s in run.sites if s.error}

    views: list[CopyView] = []
    for i, f in enumerate(findings):
        page_html, short_p = highlight(f.page_text, [(s.page_start, s.page_end) for s in f.spans], budget)
        excl_html, short_e = highlight(
            f.exclusive_text, [(s.exclusive_start, s.exclusive_end) for s in f.spans], budget
        )
        views.append(
            CopyView(
                f=f,
                anchor=f"copy-{i}",
                site_anchor=site_anchor[f.site],
                is_new=is_new(f),
                credited=f.attribution in accepted_credit,
                page_href=safe_href(f.page_url),
                exclusive_href=safe_href(f.exclusive_url),
                page_html=page_html,
                exclusive_html=excl_html,
                shortened=short_p or short_e,
                attribution_label=ATTRIBUTION_LABELS.get(f.attribution, f.attribution),
                match_label=MATCH_LABELS.get(f.match_type, f.match_type),
                order_label=ORDER_LABELS.get(f.published_order, f.published_order),
                online_label=ONLINE_LABELS.get(f.online_status, f.online_status),
            )
        )

    # Runs, oldest first; "earlier" are those before this one, used for the trend per site.
    runs_by_id = {r.run_id: r for r in history}
    runs_by_id[run.run_id] = run
    runs = sorted(runs_by_id.values(), key=lambda r: r.started_at)
    earlier = [r for r in runs if r.started_at < run.started_at and r.run_id != run.run_id]
    recent_ids = [r.run_id for r in earlier[-11:]] + [run.run_id]

    by_site: dict[str, list[CopyView]] = defaultdict(list)
    for v in views:
        by_site[v.f.site].append(v)
    sections: list[SiteSection] = []
    for site, site_views in by_site.items():
        partner = any(v.f.partner for v in site_views)
        row = _site_row(
            site, site_anchor[site], site_views, earlier, recent_ids, partner, errors.get(site, "")
        )
        ordered = sorted(site_views, key=lambda v: (v.credited, _desc(v.f.first_seen)))
        sections.append(SiteSection(row, tuple(ordered)))
    sections.sort(key=lambda s: (s.row.partner, -s.row.uncredited, _desc(s.row.latest_copy), s.row.site))
    ranking = [s.row for s in sections if not s.row.partner and s.row.uncredited]
    crediting = [s.row for s in sections if not s.row.partner and not s.row.uncredited]
    partners = [s.row for s in sections if s.row.partner]
    discovered = _discovered_sites(sections)

    by_exclusive: dict[str, list[CopyView]] = defaultdict(list)
    for v in views:
        by_exclusive[v.f.exclusive_url].append(v)
    exclusives = []
    for url, ex_views in by_exclusive.items():
        per_site = Counter(v.f.site for v in ex_views)
        exclusives.append(
            ExclusiveRow(
                url=url,
                href=safe_href(url),
                title=ex_views[0].f.exclusive_title,
                published_at=ex_views[0].f.exclusive_published_at,
                copies=len(ex_views),
                uncredited=sum(not v.credited and not v.f.partner for v in ex_views),
                sites=tuple((s, site_anchor[s], n) for s, n in per_site.most_common()),
            )
        )
    exclusives.sort(key=lambda e: (-e.uncredited, -e.copies, e.title))

    watched = [s for s in run.sites if s.site != OUTLET_SITE]  # the outlet's sources are not a site
    crawled = [s for s in watched if not s.error]
    figures = {
        "sites_crawled": len(crawled),
        "sites_total": len(watched),
        "pages_fetched": run.pages_fetched or sum(s.pages_fetched for s in run.sites),
        "exclusives": run.exclusives or len(by_exclusive),
        "copies": len(findings),
        "new_copies": sum(v.is_new for v in views),
        "uncredited": sum(not v.credited and not v.f.partner for v in views),
        "site_errors": len(errors),
    }
    return {
        "outlet_name": outlet_name,
        "run": run,
        "status_label": STATUS_LABELS.get(run.status, run.status),
        "figures": figures,
        "ranking": ranking,
        "crediting": crediting,
        "partners": partners,
        "discovered": discovered,
        "sections": sections,
        "exclusives": exclusives,
        "site_errors": sorted(errors.items()),
        "site_anchor": site_anchor,
        "chart": _month_chart(findings, [v.credited for v in views]),
        "history": list(reversed(runs))[:20],
        "version": __version__,
        "any_shortened": any(v.shortened for v in views),
        "case_link": f"{app_url.rstrip('/')}/case" if safe_href(app_url) else "",
    }


def _discovered_sites(sections: Sequence[SiteSection]) -> list[tuple[SiteRow, tuple[str, ...]]]:
    """Sites found through search discovery, not in the watchlist: (their row, the queries that found
    them), most uncredited copies first."""
    out = []
    for s in sections:
        how = [v.f.discovered_by for v in s.copies]
        if how and all(h and h != "watchlist" for h in how):
            out.append((s.row, tuple(dict.fromkeys(how))))
    return sorted(out, key=lambda x: (-x[0].uncredited, -x[0].copies, x[0].site))


def _desc(value: str) -> str:
    """A sort key putting later ISO times first (inverting each character keeps it a plain string)."""
    return "".join(chr(0x10FFFF - ord(c)) for c in value)


@cache
def environment() -> Environment:
    """The jinja2 environment: autoescape=True for every template (``.j2`` names included)."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(time=fmt_time, date=fmt_date, pct=pct, site_label=site_label, copies=copies_ar)
    env.globals.update(
        evidence_view=evidence_view, site_error_label=site_error_label, status_labels=STATUS_LABELS
    )
    return env


def render_report(
    findings: Sequence[Finding],
    run: RunInfo,
    history: Sequence[RunInfo] = (),
    *,
    outlet_name: str = "",
    new_keys: Collection[tuple[str, str]] = (),
    accepted_credit: Collection[str] = CREDIT_KINDS,
    app_url: str = "",
) -> str:
    """The report as one HTML string. ``new_keys``: (page_url, exclusive_url) first seen in this run.

    ``accepted_credit``: the attribution kinds that count as credit (config [attribution] accept).
    """
    context = build_context(
        findings,
        run,
        history,
        outlet_name=outlet_name,
        new_keys=new_keys,
        accepted_credit=accepted_credit,
        app_url=app_url,
    )
    return environment().get_template("report.html.j2").render(**context)


def write_report(
    out_dir: Path, findings: Sequence[Finding], run: RunInfo, history: Sequence[RunInfo] = (), **kw: Any
) -> Path:
    """Write out_dir/report.html atomically (a reader never sees half a report) and return its path."""
    path = Path(out_dir) / "report.html"
    html = render_report(findings, run, history, **kw)
    with atomic_text_file(path) as out:
        out.write(html)
    return path


__all__ = ["build_context", "environment", "highlight", "render_report", "safe_href", "write_report"]
