"""Synthetic findings and runs, for the report's tests, its benchmark and the README screenshot.

Deterministic (seeded) so a screenshot or a timing can be reproduced; the texts are plausible
Arabic news prose with the copied passages at known offsets, so highlighting can be checked.
"""

from __future__ import annotations

import hashlib
import random

from ..models import Finding, RunInfo, SiteResult, Span

SENTENCES = (
    "كشفت مصادر مطلعة لكواليس اليوم أن الحكومة تستعد لإطلاق برنامج جديد لدعم المقاولات الصغيرة.",
    "وأوضحت المصادر ذاتها أن البرنامج سيشمل تسهيلات ضريبية وقروضاً بفوائد منخفضة.",
    "ويأتي هذا القرار بعد اجتماعات مطولة بين ممثلي القطاع الخاص ووزارة الاقتصاد والمالية.",
    "وتشير الوثائق التي اطلعت عليها الجريدة إلى أن الغلاف المالي يتجاوز ثلاثة مليارات درهم.",
    "ومن المنتظر أن يُعرض المشروع على المجلس الحكومي خلال الأسابيع المقبلة.",
    "وقال مسؤول رفيع، فضّل عدم ذكر اسمه، إن الهدف هو خلق أكثر من عشرين ألف منصب شغل.",
    "وتراهن الحكومة على هذا البرنامج لتقليص نسبة البطالة في صفوف الشباب بالمدن الكبرى.",
    "في المقابل، انتقدت أحزاب المعارضة غياب الشفافية في طريقة إعداد المشروع.",
    "ويرى خبراء أن نجاح البرنامج رهين بتبسيط المساطر الإدارية أمام المستثمرين.",
    "وكانت كواليس اليوم قد نشرت في وقت سابق تفاصيل أولية عن هذا الملف.",
)
FILLER = (
    "وفي سياق متصل، شهدت مدينة الدار البيضاء نقاشاً واسعاً حول مستقبل النقل العمومي.",
    "تابعوا آخر الأخبار على موقعنا وصفحاتنا على شبكات التواصل الاجتماعي.",
    "اقرأ أيضاً: ارتفاع أسعار المحروقات للمرة الثالثة هذا الشهر.",
)
SITES = (
    "akhbar-now.ma",
    "hespress-copy.com",
    "alyaoum24.example",
    "news-feed.ma",
    "Le360 Copie",
    "rif-today.net",
)
TITLES = (
    "حصري: الحكومة تعد برنامجاً بثلاثة مليارات درهم لدعم المقاولات الصغيرة",
    "حصري: وثيقة تكشف خطة وزارة الداخلية لإعادة تقسيم الجماعات",
    "حصري: تفاصيل صفقة Airbus مع الخطوط الملكية المغربية",
    "حصري: تقرير سري يرصد اختلالات في تدبير مستشفى ابن سينا",
)


def _article(rng: random.Random, n: int) -> str:
    picks = [SENTENCES[(i + rng.randrange(len(SENTENCES))) % len(SENTENCES)] for i in range(n)]
    return "\n".join(" ".join(picks[i : i + 2]) for i in range(0, len(picks), 2))


def sample_findings(n: int = 12, *, seed: int = 7, long_texts: bool = False) -> list[Finding]:
    """``n`` findings spread over sites, exclusives and months, with spans into their texts."""
    rng = random.Random(seed)
    findings = []
    exclusives = []
    for i, title in enumerate(TITLES):
        text = _article(rng, 40 if long_texts else 10)
        exclusives.append((f"https://kawalis-alyaoum.ma/exclusive/{i + 1}", title, text))
    for i in range(n):
        site = SITES[min(int(rng.expovariate(0.6)), len(SITES) - 1)]
        ex_url, ex_title, ex_text = exclusives[rng.randrange(len(exclusives))]
        start = rng.randrange(0, len(ex_text) // 3)
        end = rng.randrange(start + len(ex_text) // 3, len(ex_text) + 1)
        copied = ex_text[start:end]
        intro = FILLER[rng.randrange(len(FILLER))] + "\n"
        outro = "\n" + FILLER[rng.randrange(len(FILLER))]
        page_text = intro + copied + outro
        attribution = rng.choice(("none", "none", "none", "link", "name", "canonical"))
        if i >= n - max(1, n // 8):  # the newest eighth: first seen by the current run
            first_seen = f"2026-11-29T06:{rng.randrange(6, 21):02d}:00Z"
        else:
            month = 6 + min(5, int(6 * (i / n) ** 0.7))  # more copies month after month
            day = 1 + rng.randrange(28)
            first_seen = f"2026-{month:02d}-{day:02d}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00Z"
        month, day = int(first_seen[5:7]), int(first_seen[8:10])
        body = (page_text + str(i)).encode()
        findings.append(
            Finding(
                site=site,
                page_url=f"https://{site.lower().replace(' ', '-')}/article/{1000 + i}",
                page_title=ex_title.replace("حصري: ", "")
                if rng.random() < 0.8
                else f"{ex_title} (Exclusive)",
                exclusive_url=ex_url,
                exclusive_title=ex_title,
                coverage=round((end - start) / len(ex_text), 4),
                similarity=round(0.6 + rng.random() * 0.4, 4),
                match_type=rng.choice(("verbatim", "verbatim", "edited", "partial", "reordered")),
                attribution=attribution,
                attribution_evidence={
                    "none": "",
                    "link": "link_article: https://kawalis-alyaoum.ma/exclusive (end_of_article)",
                    "name": "name: «المصدر: كواليس اليوم» (byline)",
                    "canonical": "canonical: https://kawalis-alyaoum.ma/exclusive (head)",
                }[attribution],
                published_at=first_seen if rng.random() < 0.9 else "2026-05-01T08:00:00Z",
                first_seen=first_seen,
                captured_at=first_seen,
                http_status=200,
                sha256=hashlib.sha256(body).hexdigest(),
                page_share=round(len(copied) / len(page_text), 4),
                exclusive_published_at="2026-05-20T09:00:00Z",
                published_order="after" if rng.random() < 0.9 else "backdated",
                partner=site == "Le360 Copie",
                warc_file=f"copywatch-2026{month:02d}.warc.gz",
                warc_offset=rng.randrange(10_000_000),
                spans=(Span(start, end, len(intro), len(intro) + len(copied)),),
                page_text=page_text,
                exclusive_text=ex_text,
                run_id=f"2026{month:02d}{day:02d}T000000Z",
                online_status=rng.choice(("online", "online", "changed", "removed", "")),
            )
        )
    return findings


def sample_runs() -> tuple[RunInfo, list[RunInfo]]:
    """The current run (one site failing) and five earlier ones."""
    history = [
        RunInfo(
            run_id=f"202611{d:02d}T060000Z",
            started_at=f"2026-11-{d:02d}T06:00:00Z",
            finished_at=f"2026-11-{d:02d}T06:20:00Z",
            status="success",
            pages_fetched=900 + d,
            exclusives=4,
            copies=20 + d,
            new_copies=d % 3,
        )
        for d in (1, 8, 15, 22)
    ]
    sites = tuple(SiteResult(site=s, pages_fetched=300) for s in SITES) + (
        SiteResult(site="blocked-news.ma", error="robots.txt disallows the seed pages (/news/)"),
    )
    run = RunInfo(
        run_id="20261129T060000Z",
        started_at="2026-11-29T06:00:00Z",
        finished_at="2026-11-29T06:21:40Z",
        status="site_errors",
        config_digest="3f9a1c0b7d2e4a61",
        code_version="0.1.0",
        sites=sites,
        pages_fetched=1834,
        exclusives=4,
        copies=0,
        new_copies=0,
    )
    return run, history
