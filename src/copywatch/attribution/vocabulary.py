"""The words of credit: credit phrases, furniture headings, the notice's shape, signal kinds."""

from __future__ import annotations

import re

from ..config import MAX_SHORT_LINKS
from ..text.normalize import name_tokens as _tokens

# Phrases that introduce a source. The name may follow after up to _MAX_GAP filler words
# ("نقلا عن موقع ...", "d'après le site ...").
_CREDIT_PHRASES = tuple(
    tuple(_tokens(p))
    for p in (
        "المصدر",
        "مصدر",
        "المصادر",
        "نقلا عن",
        "نقلاً عن",
        "نقلا",
        "عن موقع",
        "عن صحيفة",
        "عن جريدة",
        "حسب ما أورده",
        "حسب ما نشره",
        "حسب ما ذكره",
        "حسب",
        "وفق ما أورده",
        "وفق ما نشره",
        "وفقا ل",
        "وفقا لما",
        "وفقا",
        "أفاد",
        "أفادت",
        "أورد",
        "منقول من",
        "منقول عن",
        "منقول",
        "كما جاء في",
        "كما أورد",
        "rapporte",
        "indique",
        "écrit",
        "révèle",
        "rapporté par",
        "بحسب",
        "أفاد موقع",
        "أفادت صحيفة",
        "أورد موقع",
        "أوردت",
        "ذكر موقع",
        "ذكرت صحيفة",
        "نشر موقع",
        "كشف موقع",
        "كشفت صحيفة",
        "Source",
        "Sources",
        "selon",
        "d'après",
        "via",
        "Crédit",
        "Crédits",
        "credit",
        "according to",
        "reported by",
        "©",
    )
    if _tokens(p)
)
# Starts of lines that state a source: used to record credits to *other* outlets as decoys.
_SOURCE_LINE_STARTS = tuple(
    tuple(_tokens(p)) for p in ("المصدر", "مصدر", "نقلا عن", "Source", "Sources", "Crédit", "via", "عن")
)
_MAX_GAP = 4
# Words that may stand next to the name on a bare credit line ("موقع كواليس اليوم", "le site ...").
_FILLERS = frozenset(_tokens("موقع صحيفة جريدة يومية الموقع الإلكتروني عن le la site du de journal par"))
# Words that make a name another outlet's when they follow it: «كواليس بريس», "Kawalis News".
# (An outlet whose own name ends so configures that longer name: it matches first.) No numbers: a
# date follows the name in datelines («الرباط - كواليس اليوم 24 نوفمبر»).
_LOOKALIKE_TAILS = frozenset(
    _tokens(
        """بريس بوست نيوز تايمز انفو أنفو إنفو اكسبريس إكسبريس ميديا تيفي press post news info infos
        times tv media express hebdo"""
    )
)
_PAREN_OPEN = "(["
_PAREN_CLOSE = ")]"

# Headings that introduce furniture blocks (checked on the first short child of a container, and
# on the start of a block's own text).
_FURNITURE_HEADINGS = tuple(
    tuple(_tokens(p))
    for p in (
        "مواقع صديقة",
        "طالع أيضا",
        "طالع أيضاً",
        "مواضيع ذات علاقة",
        "مواضيع ذات صلة",
        "أخبار ذات علاقة",
        "ذات علاقة",
        "آراء القراء",
        "جولة في المواقع",
        "À lire également",
        "A lire également",
        "À lire",
        "A lire aussi",
        "مواقع شريكة",
        "مواقع مفيدة",
        "شركاؤنا",
        "روابط",
        "اقرأ أيضا",
        "اقرأ أيضاً",
        "اقرأ كذلك",
        "إقرأ أيضا",
        "شاهد أيضا",
        "الأكثر قراءة",
        "الأكثر مشاهدة",
        "الأكثر تعليقا",
        "أخبار ذات صلة",
        "مقالات ذات صلة",
        "ذات صلة",
        "المزيد من الأخبار",
        "آخر الأخبار",
        "أحدث الأخبار",
        "تعليقات",
        "التعليقات",
        "أضف تعليقك",
        "Partenaires",
        "Sites amis",
        "Lire aussi",
        "À lire aussi",
        "Voir aussi",
        "Les plus lus",
        "Articles similaires",
        "Sur le même sujet",
        "Commentaires",
        "Read also",
        "Related",
        "Most read",
        "Blogroll",
    )
)
_BYLINE_WORDS = ("author", "byline", "writer", "auteur", "signature", "kateb", "posted-by")

# The exclusivity notice's typical shape, for when the outlet's notice text is not known.
_NOTICE_EXCLUSIVE = re.compile(r"حصري|exclusi")
_NOTICE_FORBID = re.compile(r"يمنع|ممنوع|يحظر|محظور|لا يجوز|غير مسموح|interdit|prohib|forbidden|reprodu")

SIGNAL_KIND = {
    "link_article": "link",
    "link_home": "link",
    "canonical": "canonical",
    "og_url": "canonical",
    "name": "name",
    "image_credit": "name",
    "byline": "name",
    "dateline": "name",
    "credit_line": "name",
}
_PRECEDENCE = ("link", "canonical", "name")
_MAX_RESOLVE = MAX_SHORT_LINKS


# Datelines and credit lines: where papers put the source of a wire or a republished story.
_SEPARATORS = "-–—:ـ|/"  # not the comma: «علمت كواليس اليوم،» opens a sentence, not a dateline
_DATE_WORDS = frozenset(
    _tokens(
        """محرم صفر ربيع الاول الثاني الاخر الآخر جمادى جمادي رجب شعبان رمضان شوال ذو ذي القعدة الحجة
        هـ ه م الموافق الموافقة السبت الأحد الاثنين الإثنين الثلاثاء الأربعاء الخميس الجمعة يوم
        يناير فبراير مارس أبريل ابريل مايو ماي يونيو يونيه يوليو يوليوز أغسطس غشت سبتمبر شتنبر أكتوبر
        نوفمبر نونبر ديسمبر دجنبر كانون شباط آذار نيسان أيار حزيران تموز آب أيلول تشرين الأول
        janvier février mars avril mai juin juillet août septembre octobre novembre décembre
        lundi mardi mercredi jeudi vendredi samedi dimanche le"""
    )
)
_CREDIT_WORDS = (
    frozenset(t for p in _CREDIT_PHRASES for t in p)
    | _FILLERS
    | frozenset(_tokens("خاص ل لـ وكالة وكالات بقلم كتب تحرير إعداد متابعة par avec agences"))
)
_MAX_LINE_TOKENS = 14  # a credit line is short: a dateline, a byline, "(واس)"
_MAX_LINE_OTHERS = 4  # words on it besides the name, dates and credit words (a city, a reporter)


# Attached conjunctions: «وحسب», «فبحسب», «ونقلا» are the phrases «حسب», «بحسب», «نقلا».
CONJUNCTIONS = ("و", "ف")
