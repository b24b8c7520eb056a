"""Coverage of edited copies: a rewritten sentence was taken, a dropped one was not.

A paragraph counts whole once most of it is inside copied spans, unless the copy left a sentence
out (a long stretch of the exclusive that no span covers). A copier who rewrote that sentence
(words reordered, a clause condensed) still took it: the page carries its words around its copy
of the paragraph. Those words count; a sentence the copy dropped, or replaced with its own, does
not.
"""

from __future__ import annotations

import pytest

from copywatch.config import MatchConfig
from copywatch.match.index import ExclusiveIndex
from copywatch.models import Exclusive

AR_OPEN = (
    "أعلنت وزارة التجهيز والماء في الرباط عن إطلاق برنامج وطني جديد لصيانة الطرق القروية في جهة "
    "سوس ماسة بكلفة إجمالية تبلغ ثلاثمائة مليون درهم على مدى ثلاث سنوات متتالية."
)
AR_LEAD = (
    "وقال المدير الجهوي للوزارة في ندوة صحفية عقدها صباح اليوم بمدينة أكادير إن البرنامج يشمل "
    "أربعين جماعة قروية"
)
AR_CLAUSE = (
    "ويستهدف فك العزلة عن الدواوير الجبلية النائية التي تنقطع عنها الطرق كل شتاء بسبب الثلوج والفيضانات"
)
AR_REWORDED = (
    "ويستهدف البرنامج الدواوير النائية في الجبال لفك العزلة عنها حين تنقطع عنها في كل شتاء الطرق "
    "بفعل الثلوج والفيضانات"
)
AR_OWN = "وتحدث المسؤول كذلك عن ملعب جديد لكرة القدم ينتظر سكان الحي منذ سنوات طويلة دون أن يرى النور بعد"
AR_TAIL = (
    "وأضاف أن الأشغال ستنطلق في شهر مارس المقبل وستشرف عليها مكاتب دراسات مغربية متخصصة، على أن "
    "تعطى الأولوية للمقاطع التي تضررت أكثر من غيرها خلال التساقطات الأخيرة."
)
AR_LAST = (
    "وأكد المسؤول أن الوزارة ستنشر تقارير دورية عن تقدم الأشغال في كل جماعة، وأن لجانا محلية ستتابع "
    "جودة الإنجاز وتستقبل ملاحظات السكان والمنتخبين عبر منصة رقمية خاصة بالبرنامج."
)

FR_OPEN = (
    "Le ministère de l'Équipement a annoncé à Rabat un nouveau programme national d'entretien des "
    "routes rurales dans la région de Souss-Massa, pour un coût total de trois cents millions de dirhams."
)
FR_LEAD = (
    "Le directeur régional a précisé lors d'une conférence de presse tenue ce matin à Agadir que le "
    "programme concerne quarante communes"
)
FR_CLAUSE = (
    "et vise à désenclaver les douars de montagne isolés que les routes coupées chaque hiver par la "
    "neige et les crues privent de tout"
)
FR_REWORDED = (
    "et vise les douars isolés de montagne, privés de tout quand la neige et les crues coupent les "
    "routes chaque hiver, pour les désenclaver"
)
FR_OWN = (
    "et le responsable a aussi parlé du nouveau stade de football que les habitants du quartier "
    "attendent depuis de longues années"
)
FR_TAIL = (
    "Il a ajouté que les travaux débuteront en mars prochain sous la supervision de bureaux d'études "
    "marocains spécialisés, la priorité allant aux tronçons les plus touchés par les dernières pluies."
)
FR_LAST = (
    "Le responsable a assuré que le ministère publiera des rapports réguliers sur l'avancement des "
    "travaux dans chaque commune, et que des comités locaux suivront la qualité des réalisations."
)

OTHER = Exclusive(
    url="https://kawalis.example/other",
    fetched_url="https://kawalis.example/other",
    title="",
    text="\n".join(
        [
            "افتتح المعرض الدولي للكتاب أبوابه في الدار البيضاء بمشاركة أكثر من سبعمائة عارض من أربعين بلدا.",
            "ويتضمن برنامج الدورة ندوات فكرية وقراءات شعرية ولقاءات مع كتاب من المغرب والعالم العربي "
            "وأوروبا.",
        ]
    ),
)

CASES = {
    "arabic": (AR_OPEN, AR_LEAD, AR_CLAUSE, AR_REWORDED, AR_OWN, AR_TAIL, AR_LAST),
    "french": (FR_OPEN, FR_LEAD, FR_CLAUSE, FR_REWORDED, FR_OWN, FR_TAIL, FR_LAST),
}


def _coverage(exclusive: str, page: str) -> float:
    ex = Exclusive(
        url="https://kawalis.example/x", fetched_url="https://kawalis.example/x", title="", text=exclusive
    )
    [m] = ExclusiveIndex([ex, OTHER], MatchConfig()).match("https://paper.example/p", page)
    return m.coverage


@pytest.mark.parametrize("language", CASES)
def test_a_rewritten_sentence_counts_as_taken(language: str) -> None:
    opening, lead, clause, reworded, _, tail, last = CASES[language]
    exclusive = "\n".join([opening, f"{lead} {clause}، {tail}", last])
    page = "\n".join([opening, f"{lead} {reworded}، {tail}", last])
    assert _coverage(exclusive, page) >= 0.95  # a reader: all of it was taken, one sentence rewritten


@pytest.mark.parametrize("language", CASES)
def test_a_dropped_or_replaced_sentence_does_not(language: str) -> None:
    opening, lead, clause, _, own, tail, last = CASES[language]
    exclusive = "\n".join([opening, f"{lead} {clause}، {tail}", last])
    whole = _coverage(exclusive, exclusive)
    dropped = _coverage(exclusive, "\n".join([opening, f"{lead}، {tail}", last]))
    replaced = _coverage(exclusive, "\n".join([opening, f"{lead} {own}، {tail}", last]))
    share = 1 - len(clause.split()) / len(exclusive.split())  # what a reader says was taken
    assert whole == pytest.approx(1.0)
    for coverage in (dropped, replaced):
        assert abs(coverage - share) <= 0.05, (coverage, share)
