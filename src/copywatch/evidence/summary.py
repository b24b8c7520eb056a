"""The human-readable summary of a bundle, in Arabic and in French: each copy beside its original.

One self-contained HTML file per language (no script, no outside resource, a Content-Security-Policy
that forbids both), with each copy's figures, its credit verdict and evidence, its capture (time, URL,
status, SHA-256, where its record is in the WACZ), and the copied passages of the exclusive and of the
copy side by side. Everything scraped is escaped by Jinja's autoescape and isolated in its own
direction (``<bdi>``/``dir=auto``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..models import Finding

_TEMPLATES = Path(__file__).parent / "templates"

LABELS: dict[str, dict[str, str]] = {
    "ar": {
        "title": "ملخص الأدلة",
        "intro": "نسخ من مقالات حصرية، كما التُقطت، مع المقاطع المنقولة جنبا إلى جنب.",
        "created": "أُنشئت",
        "copies": "عدد النسخ",
        "timestamp": "الختم الزمني",
        "not_timestamped": "هذه الحزمة غير مختومة زمنيا من جهة موثوقة (لا يوجد tsa_url في الإعدادات).",
        "stamped": "ختم زمني موثوق (RFC 3161) يُطلب بعد كتابة هذا الملف ويُحفظ في datapackage-digest.json",
        "copy_label": "النسخة",
        "original": "الأصل الحصري",
        "site": "الموقع",
        "page": "الصفحة",
        "published": "تاريخ النشر المعلن",
        "exclusive_published": "تاريخ نشر الأصل",
        "order": "من نشر أولا",
        "coverage": "نسبة المنقول من الأصل",
        "similarity": "التشابه",
        "match_type": "نوع النسخ",
        "credit": "الإشارة إلى المصدر",
        "evidence": "الدليل",
        "capture": "الالتقاط",
        "captured_at": "وقت الالتقاط",
        "status": "رمز HTTP",
        "record": "السجل في الأرشيف",
        "original_capture": "التقاط الأصل",
        "not_captured": "لم يُلتقط الأصل (قُرئ من ملف محلي)",
        "screenshot": "لقطة الشاشة",
        "no_screenshot": "لا توجد لقطة شاشة",
        "passages": "المقاطع المنقولة",
        "in_original": "في الأصل",
        "in_copy": "في النسخة",
        "none": "بدون إشارة",
        "link": "رابط",
        "canonical": "رابط أساسي (canonical)",
        "name": "ذكر الاسم",
        "verbatim": "حرفي",
        "edited": "معدَّل",
        "partial": "جزئي",
        "reordered": "معاد الترتيب",
        "after": "الأصل نُشر أولا",
        "backdated": "النسخة تدّعي تاريخا أسبق (يجب التحقق)",
        "unknown": "غير معروف",
    },
    "fr": {
        "title": "Résumé des preuves",
        "intro": "Copies d'articles exclusifs, telles que capturées, avec les passages copiés côte à côte.",
        "created": "Créé le",
        "copies": "Copies",
        "timestamp": "Horodatage",
        "not_timestamped": "Ce lot n'est pas horodaté par une autorité de confiance "
        "(pas de tsa_url configurée).",
        "stamped": "Horodatage de confiance (RFC 3161) demandé après l'écriture de ce fichier, conservé dans "
        "datapackage-digest.json",
        "copy_label": "Copie",
        "original": "Original exclusif",
        "site": "Site",
        "page": "Page",
        "published": "Date de publication annoncée",
        "exclusive_published": "Publication de l'original",
        "order": "Publié en premier",
        "coverage": "Part de l'original copiée",
        "similarity": "Similarité",
        "match_type": "Type de copie",
        "credit": "Mention de la source",
        "evidence": "Éléments",
        "capture": "Capture",
        "captured_at": "Capturé le",
        "status": "Statut HTTP",
        "record": "Enregistrement WARC",
        "original_capture": "Capture de l'original",
        "not_captured": "Original non capturé (lu depuis un fichier local)",
        "screenshot": "Capture d'écran",
        "no_screenshot": "Pas de capture d'écran",
        "passages": "Passages copiés",
        "in_original": "Dans l'original",
        "in_copy": "Dans la copie",
        "none": "aucune",
        "link": "lien",
        "canonical": "lien canonique",
        "name": "nom cité",
        "verbatim": "mot pour mot",
        "edited": "modifiée",
        "partial": "partielle",
        "reordered": "réordonnée",
        "after": "l'original a été publié avant",
        "backdated": "la copie annonce une date antérieure (à vérifier)",
        "unknown": "inconnu",
    },
}


@dataclass(frozen=True)
class SummaryCopy:
    """One copy as the summary shows it."""

    finding: Finding
    record: str  # "archive/data.warc.gz@1234"
    original_record: str  # "" when the original was not captured
    original_captured_at: str
    screenshot: str  # path inside the WACZ, "" if none
    passages: tuple[tuple[str, str], ...]  # (in the exclusive, in the copy)


def passages(f: Finding, limit: int = 40) -> tuple[tuple[str, str], ...]:
    """The copied passages, exclusive's text beside the copy's, in the exclusive's order."""
    out = []
    for s in sorted(f.spans, key=lambda s: s.exclusive_start)[:limit]:
        out.append(
            (f.exclusive_text[s.exclusive_start : s.exclusive_end], f.page_text[s.page_start : s.page_end])
        )
    return tuple(out)


def render_summary(
    lang: str, copies: Sequence[SummaryCopy], *, created_at: str, timestamped: bool, outlet_name: str
) -> str:
    env = Environment(
        loader=FileSystemLoader(str(_TEMPLATES)),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    template = env.get_template("summary.html.j2")
    return template.render(
        lang=lang,
        dir="rtl" if lang == "ar" else "ltr",
        t=LABELS[lang],
        copies=copies,
        created_at=created_at,
        timestamped=timestamped,
        outlet_name=outlet_name,
    )
