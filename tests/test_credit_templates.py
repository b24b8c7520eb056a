# ruff: noqa: E501 - the cases are one-line pages of Arabic prose
"""Credits on real page templates (WordPress themes, Moroccan and Saudi paper layouts, forums,
tables, blogspot): each case a minimal page that once got the wrong verdict in a red-team review
of the credit check, kept so the mechanism that fixed it stays fixed. A missed credit ("none" on a
page that credits the outlet) is the worst error copywatch can make.
"""

from __future__ import annotations

import pytest

from copywatch.attribution import attribute
from copywatch.config import OutletConfig
from copywatch.models import Credit, Document, Exclusive

KAWALIS = OutletConfig(
    name="كواليس اليوم",
    aliases=("كواليس", "Kawalis Alyaoum", "Kawalis Al-Yaoum"),
    domains=("kawalisalyaoum.com",),
)
MAP = OutletConfig(
    name="وكالة المغرب العربي للأنباء", aliases=("و.م.ع", "MAP", "لاماب"), domains=("mapexpress.ma",)
)
SPA = OutletConfig(name="وكالة الأنباء السعودية", aliases=("واس", "SPA"), domains=("spa.gov.sa",))

AR_URL = "https://kawalisalyaoum.com/2024/05/12/alaalaf-khotta-sirriya/"
AR_P = [
    "علمت مصادر مطلعة أن وزارة الفلاحة تعد خطة غير معلنة لإعادة هيكلة الدعم الموجه لأعلاف الماشية، بعد الارتفاع الكبير في الأسعار الذي عرفته الأسواق خلال الأشهر الماضية.",
    "وتقضي الخطة، وفق وثيقة داخلية اطلعت عليها الجريدة، بتحويل جزء من الدعم المباشر إلى منحة شهرية تصرف لمربي الماشية الصغار عبر حسابات بنكية، بدل توزيع الشعير المدعم عبر التعاونيات.",
    "وأوضحت الوثيقة أن الوزارة رصدت اختلالات في توزيع الشعير خلال الموسم الماضي، حيث استفاد عدد من الوسطاء من كميات كبيرة أعيد بيعها في السوق السوداء بأثمنة مضاعفة.",
    "ومن المرتقب أن تعرض الخطة على مجلس الحكومة قبل نهاية الشهر المقبل، على أن يبدأ تطبيقها في جهتي مراكش آسفي وبني ملال خنيفرة كمرحلة تجريبية تمتد ستة أشهر.",
]
AR_EX = Exclusive(AR_URL, AR_URL, "خطة سرية لإعادة هيكلة دعم الأعلاف", "\n".join(AR_P))

FR_URL = "https://kawalisalyaoum.com/fr/2024/05/fourrages-reforme-subventions.html"
FR_P = [
    "Le ministère de l'Agriculture prépare, dans la plus grande discrétion, une refonte complète du système de subvention des aliments pour bétail, a-t-on appris de sources concordantes.",
    "Selon un document interne consulté par notre rédaction, une partie de l'aide directe serait convertie en une allocation mensuelle versée aux petits éleveurs par virement bancaire, au lieu de la distribution d'orge subventionnée par les coopératives.",
    "Le document relève de nombreux dysfonctionnements lors de la dernière campagne : des intermédiaires auraient accaparé d'importantes quantités d'orge, revendues ensuite au marché noir à des prix doublés.",
    "La réforme devrait être présentée en Conseil de gouvernement avant la fin du mois prochain, avec une phase pilote de six mois dans les régions de Marrakech-Safi et de Béni Mellal-Khénifra.",
]
FR_EX = Exclusive(FR_URL, FR_URL, "Subventions aux fourrages : la réforme secrète", "\n".join(FR_P))

MAP_URL = "https://www.mapexpress.ma/ar/actualite/equipement-routes-2024/"
MAP_P = [
    "أعلنت وزارة التجهيز والماء، اليوم الأربعاء، عن إطلاق برنامج جديد لتأهيل الطرق القروية بغلاف مالي يناهز أربعة مليارات درهم، يمتد على مدى ثلاث سنوات.",
    "وأوضح بلاغ للوزارة أن البرنامج يشمل بناء وتأهيل ألفين وخمسمائة كيلومتر من المسالك القروية في المناطق الجبلية، بهدف فك العزلة عن الساكنة وتحسين ولوجها إلى الخدمات الأساسية.",
    "وأضاف المصدر ذاته أن الأشغال ستنطلق في الأقاليم الأكثر تضررا من التساقطات الثلجية، على أن يتم تعميمها تدريجيا على باقي الجهات وفق جدول زمني محدد.",
]
MAP_EX = Exclusive(MAP_URL, MAP_URL, "برنامج جديد لتأهيل الطرق القروية", "\n".join(MAP_P))

MAPFR_URL = "https://www.mapexpress.ma/fr/actualite/barrages-remplissage-2024/"
MAPFR_P = [
    "Le taux de remplissage des barrages du Royaume a atteint 32,4 % à la date du mercredi, contre 29,1 % à la même période de l'année dernière, selon les données du ministère de l'Équipement et de l'Eau.",
    "Les réserves ont ainsi progressé de près de 520 millions de mètres cubes au cours des deux dernières semaines, grâce aux précipitations enregistrées dans le nord et le centre du pays.",
    "Le bassin hydraulique du Loukkos affiche le taux le plus élevé, avec plus de 60 %, tandis que celui de l'Oum Er-Rbia reste en deçà de 10 %, précise la même source.",
]
MAPFR_EX = Exclusive(
    MAPFR_URL, MAPFR_URL, "Barrages : le taux de remplissage atteint 32,4 %", "\n".join(MAPFR_P)
)

SPA_URL = "https://www.spa.gov.sa/w2100456"
SPA_P = [
    "أعلنت وزارة الموارد البشرية والتنمية الاجتماعية إطلاق المرحلة الثانية من برنامج توطين الوظائف في قطاع الخدمات اللوجستية، بما يشمل عشرين مهنة جديدة.",
    "وأوضحت الوزارة أن القرار يدخل حيز التنفيذ بعد ستة أشهر من تاريخ صدوره، لإتاحة الوقت الكافي للمنشآت لتوفيق أوضاعها وتدريب الكوادر الوطنية.",
    "وأكدت أنها ستقدم حزمة من الحوافز للمنشآت الملتزمة، تشمل دعم التدريب والتوظيف عبر صندوق تنمية الموارد البشرية.",
]
SPA_EX = Exclusive(SPA_URL, SPA_URL, "إطلاق المرحلة الثانية من توطين الوظائف اللوجستية", "\n".join(SPA_P))


def P(paras: list[str]) -> str:
    return "".join(f"<p>{p}</p>" for p in paras)


A, F, M, MF = P(AR_P), P(FR_P), P(MAP_P), P(MAPFR_P)


def verdict(
    html: str, ex: Exclusive = AR_EX, outlet: OutletConfig = KAWALIS, copied: str | None = None
) -> Credit:
    doc = Document(url="https://copy.example/a.html", title="", text="", html=html)
    return attribute(doc, ex, outlet, copied_text=ex.text if copied is None else copied)


CREDITED = {
    # theme source boxes: an article's <footer>, a tag-cloud styled source link
    "footer source box": (
        f'<article><div class="c">{A}</div><footer><p>المصدر: <a href="{AR_URL}">كواليس اليوم</a></p></footer></article>',
        {},
        "link",
    ),
    "tag-cloud source link": (
        f'<div class="entry">{A}<div class="src">المصدر <span class="tagcloud"><a href="{AR_URL}">الرابط</a></span></div></div>',
        {},
        "link",
    ),
    # links to the exclusive through an AMP cache: the cache serves a copy (200), no redirect says where
    "Google AMP cache link": (
        f'<div>{A}<p><a href="https://kawalisalyaoum-com.cdn.ampproject.org/c/s/kawalisalyaoum.com/2024/05/12/alaalaf-khotta-sirriya/amp/">الرابط</a></p></div>',
        {},
        "link",
    ),
    "Google AMP viewer link": (
        f'<div>{A}<p>Source : <a href="https://www.google.com/amp/s/www.kawalisalyaoum.com/2024/05/12/alaalaf-khotta-sirriya/amp">lien</a></p></div>',
        {},
        "link",
    ),
    "a list of the article's sources": (
        f'<div>{A}<p>المصادر:</p><ul><li><a href="{AR_URL}">كواليس اليوم</a></li><li><a href="https://h.example/">هسبريس</a></li><li><a href="https://l.example/">لوسيت</a></li></ul></div>',
        {},
        "link",
    ),
    "a dateline with the date after the name": (
        f"<div><p>الرباط - كواليس اليوم 24 نوفمبر 2024</p>{A}</div>",
        {},
        "name",
    ),
    "minified spans, no space between them": (
        f"<div>{A}<div><span>المصدر</span><span>كواليس اليوم</span></div></div>",
        {},
        "name",
    ),
    "WordPress caption between paragraphs": (
        f'<div>{P(AR_P[:2])}<div class="wp-caption"><img src="i.jpg"><p class="wp-caption-text">صورة كواليس اليوم</p></div>{P(AR_P[2:])}</div>',
        {},
        "name",
    ),
    "quotation attribution": (
        f"<blockquote>{A}<footer><cite>كواليس اليوم</cite></footer></blockquote>",
        {},
        "name",
    ),
    # the credit beside a wrapper of the text, after an ad slot, in the next table row
    "sibling of the text's wrapper": (
        f'<div class="post"><div><div>{A}</div></div><p>المصدر: كواليس اليوم</p></div>',
        {},
        "name",
    ),
    "after an ad and a share bar": (
        f"<div>{A}</div><div>إعلان</div><div>شارك</div><p>المصدر: كواليس اليوم</p>",
        {},
        "name",
    ),
    "next table row": (
        f"<table><tr><td>{A}</td></tr><tr><td>المصدر: كواليس اليوم</td></tr></table>",
        {},
        "name",
    ),
    # agency marks closing the text, dotted or not, before a tags block
    "(و.م.ع) ends the last paragraph": (
        f"<div>{P(MAP_P[:-1])}<p>{MAP_P[-1]} (و.م.ع)</p></div>",
        {"ex": MAP_EX, "outlet": MAP},
        "name",
    ),
    "(Avec MAP) ends the last paragraph": (
        f"<div>{P(MAPFR_P[:-1])}<p>{MAPFR_P[-1]} (Avec MAP)</p></div>",
        {"ex": MAPFR_EX, "outlet": MAP},
        "name",
    ),
    "(ومع) without dots": (f"<div>{M}<p>(ومع)</p></div>", {"ex": MAP_EX, "outlet": MAP}, "name"),
    "(و.م.ع) then a tags block": (
        f'<div>{M}<p>(و.م.ع)</p><div class="tags"><a href="/t">طرق</a></div></div>',
        {"ex": MAP_EX, "outlet": MAP},
        "name",
    ),
    "credit line before a related box": (
        f'<div>{A}<p>كواليس اليوم - الرباط</p><div class="tags"><a href="/t">وسم</a></div></div>',
        {},
        "name",
    ),
    # credit phrases with attached conjunctions, more verbs, a longer gap
    "وحسب (attached و)": (
        f"<div>{A}<p>هذا ما جاء في الخبر. وحسب موقع كواليس اليوم فإن الخطة جاهزة.</p></div>",
        {},
        "name",
    ),
    "وفقا لكواليس (attached ل)": (
        f"<div>{A}<p>هذا ما جاء في الخبر. وذلك وفقا لكواليس اليوم التي نشرت الخبر.</p></div>",
        {},
        "name",
    ),
    "وأفادت": (f"<div>{A}<p>هذا ما جاء في الخبر. وأفادت كواليس اليوم أن الخطة جاهزة.</p></div>", {}, "name"),
    "selon le site d'information": (
        f"<div>{F}<p>C'est ce qu'on apprend, selon le site d'information Kawalis Alyaoum.</p></div>",
        {"ex": FR_EX},
        "name",
    ),
    "rapporte": (
        f"<div>{F}<p>C'est ce qu'on apprend, rapporte Kawalis Alyaoum.</p></div>",
        {"ex": FR_EX},
        "name",
    ),
    "منقول من": (f"<div>{A}<p>منقول من كواليس اليوم مع بعض التصرف للفائدة</p></div>", {}, "name"),
    # a newline in the HTML source is a space; a site logo in an <h1> is not the title
    "newline inside the credit": (
        f"<div><p>هذا الخبر نقلا عن\nموقع كواليس اليوم الإخباري</p>{A}</div>",
        {},
        "name",
    ),
    "logo h1 before the title": (
        f'<div id="logo"><h1>صحيفة</h1></div><div>الرئيسية محليات</div><div>الأحد</div><h1>عنوان</h1><div>الرياض - واس</div><div>التاريخ</div><div>أدوات</div><div>{P(SPA_P)}</div>',
        {"ex": SPA_EX, "outlet": SPA},
        "name",
    ),
}

NOT_CREDITED = {
    "copied self-reference opening the text": (
        "<div><p>علمت كواليس اليوم، من مصادر مطلعة، أن وزارة الفلاحة تعد خطة.</p>" + P(AR_P[1:]) + "</div>",
        {
            "ex": Exclusive(
                AR_URL,
                AR_URL,
                "",
                "علمت كواليس اليوم، من مصادر مطلعة، أن وزارة الفلاحة تعد خطة.\n" + "\n".join(AR_P[1:]),
            )
        },
    ),
    "the everyday word كواليس": (
        f"<div><p>حسب مصادر من داخل كواليس الوزارة، فإن خطة جديدة في الطريق.</p>{P(AR_P[1:])}</div>",
        {"copied": "\n".join(AR_P[1:])},
    ),
    "بكواليس in the copier's own line": (
        f"<div>{A}<p>وهذا حسب ما يروج بكواليس البرلمان منذ أسابيع طويلة.</p></div>",
        {},
    ),
    "related headline with the outlet's title suffix": (
        f'<div>{A}<ul><li><a href="https://kawalisalyaoum.com/a/">الجفاف يضرب | كواليس اليوم</a></li></ul></div>',
        {},
    ),
    "a look-alike outlet": (f"<div>{A}<p>المصدر: كواليس بريس</p></div>", {}),
    "a look-alike outlet, in French": (
        f"<div>{F}<p>Source : Kawalis Alyaoum Press</p></div>",
        {"ex": FR_EX, "copied": FR_EX.text},
    ),
    "طالع أيضا": (
        f'<div>{A}<p>طالع أيضا: <a href="https://kawalisalyaoum.com/a/">الجفاف - كواليس اليوم</a></p></div>',
        {},
    ),
    "classless reader comments": (
        f"<div>{A}</div><div><h3>آراء القراء</h3><p>المصدر الأصلي: كواليس اليوم، سرقتم المقال</p></div>",
        {},
    ),
    "the writer's biography box": (
        f'<article><div>{A}</div><div class="about-author"><div class="author-bio">صحفي سابق في كواليس اليوم</div></div></article>',
        {},
    ),
}


@pytest.mark.parametrize("name", CREDITED)
def test_a_real_credit_is_seen(name: str) -> None:
    html, kw, expected = CREDITED[name]
    credit = verdict(f"<html><body>{html}</body></html>", **kw)
    assert credit.verdict == expected, (credit.evidence, credit.decoys)


@pytest.mark.parametrize("name", NOT_CREDITED)
def test_what_is_not_a_credit(name: str) -> None:
    html, kw = NOT_CREDITED[name]
    credit = verdict(f"<html><body>{html}</body></html>", **kw)
    assert credit.verdict == "none", credit.evidence
