"""Every label of the report in Arabic (issue 12, item 13): the credit evidence's machine tokens,
site errors and run states are said in Arabic, and each scraped string sits in its own direction
isolate, while the CSV keeps the machine-readable tokens as they are."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from tests.fixtures.findings import make_finding

from copywatch.findings import evidence_text as _evidence_text
from copywatch.models import Credit, CreditEvidence, RunInfo, SiteResult
from copywatch.report.evidence_csv import write_csv
from copywatch.report.html import DECOY_LABELS, SIGNAL_LABELS, WHERE_LABELS, copies_ar, render_report

CREDIT = Credit(
    "link",
    evidence=(
        CreditEvidence("link_article", "https://www.kawalisalyaoum.com/2026/11/x.html", "end_of_article"),
        CreditEvidence("name", "المصدر: كواليس اليوم | Kawalis", "byline"),
        *(
            CreditEvidence(s, f"نص رقم {i}", "body")
            for i, s in enumerate(SIGNAL_LABELS)
            if s not in ("link_article", "name")
        ),
    ),
    decoys=(
        CreditEvidence("copied_name", "وقال مصدر لكواليس اليوم إن المشروع", "body"),
        *(
            CreditEvidence(d, f"دليل {i}", w)
            for i, (d, w) in enumerate(zip(sorted(DECOY_LABELS), WHERE_LABELS, strict=False))
        ),
    ),
    notice_kept=True,
)
EVIDENCE = "on page 2 of the article (https://copy.ma/a?page=2): " + _evidence_text(CREDIT)
ERROR = "robots.txt of https://down.ma is unreachable (HTTP 503); nothing is fetched from it (RFC 9309)"
TOKENS = ["not credit (", "link_article", "copied_name", "(end_of_article)", "(body)", "(byline)",
          "notice was copied along", "on page 2 of the article", "site_errors", "aborted"]  # fmt: skip


class _Text(HTMLParser):
    """The text a reader sees, outside <code> (machine detail such as an error's own words), and
    each text inside a <bdi dir="auto">."""

    def __init__(self) -> None:
        super().__init__()
        self.visible: list[str] = []
        self.isolated: list[str] = []
        self._code = 0
        self._stack: list[bool] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("style", "title"):
            self._skip += 1
        if tag == "code":
            self._code += 1
        if tag == "bdi":
            self._stack.append(a.get("dir") == "auto")

    def handle_endtag(self, tag):
        if tag in ("style", "title"):
            self._skip -= 1
        if tag == "code":
            self._code -= 1
        if tag == "bdi" and self._stack:
            self._stack.pop()

    def handle_data(self, data):
        if self._skip:
            return
        if not self._code:
            self.visible.append(data)
        if self._stack and self._stack[-1]:
            self.isolated.append(data)


def _report() -> _Text:
    f = make_finding(site="ناقل", attribution="link", attribution_evidence=EVIDENCE)
    run = RunInfo(
        "20261129T070000000000Z", "2026-11-29T07:00:00Z", "2026-11-29T07:05:00Z", "site_errors",
        sites=(SiteResult("معطل", error=ERROR),
               SiteResult("(outlet)", error="exclusives source x.html: no such file")),
    )  # fmt: skip
    older = RunInfo("20261128T070000000000Z", "2026-11-28T07:00:00Z", "", "aborted")
    parser = _Text()
    parser.feed(render_report([f], run, [older], outlet_name="كواليس اليوم"))
    return parser


def test_no_machine_token_is_shown_and_every_label_is_arabic():
    text = " ".join(_report().visible)
    for token in TOKENS:
        assert token not in text, token
    assert "unreachable" not in text and "nothing is fetched" not in text  # only inside <code>
    for label in ("رابط إلى المقال الحصري", "ليست إشارة إلى المصدر", "الاسم وارد داخل النص المنقول نفسه",
                  "نهاية المقال", "في الصفحة 2 من المقال", "نقلت النسخة تنبيه الحصرية",
                  "تعذّر الوصول إلى ملف robots.txt", "مصادر المقالات الحصرية", "أُوقف قبل الحفظ",
                  "نجح مع أخطاء في بعض المواقع"):  # fmt: skip
        assert label in text, label
    for kind in [*SIGNAL_LABELS.values(), *DECOY_LABELS.values()]:
        assert kind in text, kind
    # no English word left outside machine detail, URLs and the product's own name
    words = set(re.findall(r"[A-Za-z_]{4,}", re.sub(r"https?://\S+", "", text)))
    assert words <= {"copywatch", "canonical", "robots", "HTTP", "WARC", "Kawalis", "evidence", "export"}, (
        words
    )


def test_each_scraped_string_is_isolated_in_its_own_direction():
    isolated = _report().isolated
    for scraped in ("المصدر: كواليس اليوم | Kawalis", "وقال مصدر لكواليس اليوم إن المشروع"):
        assert scraped in isolated, scraped  # whole, in its own <bdi dir="auto">


def test_the_csv_keeps_the_machine_tokens(tmp_path: Path):
    out = write_csv([make_finding(attribution="link", attribution_evidence=EVIDENCE)], tmp_path / "e.csv")
    raw = out.read_text(encoding="utf-8-sig")
    assert "not credit (copied_name): " in raw and "link_article: " in raw and "(end_of_article)" in raw


@pytest.mark.parametrize(
    "n, adjective, words",
    [
        (1, "", "نسخة واحدة"),
        (2, "", "نسختان"),
        (2, "جديدة", "نسختان جديدتان"),
        (3, "", "3 نسخ"),
        (5, "جديدة", "5 نسخ جديدة"),
        (10, "", "10 نسخ"),
        (11, "", "11 نسخة"),
        (99, "جديدة", "99 نسخة جديدة"),
        (100, "", "100 نسخة"),
        (103, "", "103 نسخ"),
        (111, "", "111 نسخة"),
    ],
)
def test_copies_are_counted_in_arabic_with_the_noun_agreeing(n: int, adjective: str, words: str) -> None:
    assert copies_ar(n, adjective) == words
