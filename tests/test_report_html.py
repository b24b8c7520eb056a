"""The HTML report: inert against hostile page content, self-contained, and showing the right figures."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from tests.fixtures.findings import make_finding

from copywatch.models import Finding, RunInfo, SiteResult, Span
from copywatch.report.html import (
    build_context,
    environment,
    highlight,
    render_report,
    safe_href,
    write_report,
)
from copywatch.report.sample import sample_findings, sample_runs

RUN = RunInfo(run_id="20261129T060000Z", started_at="2026-11-29T06:00:00Z", status="success")


class Tree(HTMLParser):
    """Every start tag with its attributes, and the text inside each <mark>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.marks: list[str] = []
        self._in_mark = 0
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        if tag == "mark":
            self._in_mark += 1
            self.marks.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark":
            self._in_mark -= 1

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_mark:
            self.marks[-1] += data


def parse(html: str) -> Tree:
    tree = Tree()
    tree.feed(html)
    tree.close()
    return tree


def finding(**kw: object) -> Finding:
    return make_finding(**{
        "published_at": "2026-11-29T07:00:00Z", "exclusive_published_at": "2026-11-28T07:00:00Z",
        "published_order": "after", "warc_file": "a.warc.gz", "warc_offset": 123, **kw,
    })  # fmt: skip


def test_environment_autoescapes() -> None:
    env = environment()
    assert env.autoescape is True
    assert env.get_template("report.html.j2") is not None


def test_hostile_page_content_renders_inert() -> None:
    payload = "<script>alert(1)</script>"
    evil = finding(
        site='<img src=x onerror="alert(2)">',
        page_title=payload,
        page_url="javascript:alert(1)",
        exclusive_url=" JaVaScRiPt:alert(3)",
        exclusive_title='"><svg onload=alert(4)>',
        attribution="link",
        attribution_evidence="</bdi><script>alert(5)</script>",
        page_text=f"intro {payload} copied <b onmouseover=alert(6)>x</b> outro",
        exclusive_text=f"copied <b onmouseover=alert(6)>x</b> and {payload}",
        spans=(Span(0, 36, 27, 63),),
    )
    run = dataclasses.replace(RUN, sites=(SiteResult(site="bad.ma", error="<script>alert(7)</script>"),))
    html = render_report(
        [evil], run, outlet_name="<i>outlet</i>", new_keys={(evil.page_url, evil.exclusive_url)}
    )
    tree = parse(html)
    tags = [t for t, _ in tree.tags]
    assert "script" not in tags
    assert "img" not in tags
    assert tags.count("svg") == 0  # no chart for one month, so any svg would be injected
    assert "i" not in tags
    # Same tags, in the same order, as a report of a harmless copy: nothing was injected.
    plain = dataclasses.replace(
        evil,
        site="copycat.ma",
        page_title="t",
        exclusive_title="t",
        attribution_evidence="e",
        page_text="p" * len(evil.page_text),
        exclusive_text="e" * len(evil.exclusive_text),
    )
    plain_run = dataclasses.replace(RUN, sites=(SiteResult(site="bad.ma", error="e"),))
    plain_html = render_report(
        [plain], plain_run, outlet_name="o", new_keys={(plain.page_url, plain.exclusive_url)}
    )
    assert tags == [t for t, _ in parse(plain_html).tags]
    for tag, attrs in tree.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        href = attrs.get("href", "")
        assert not re.sub(r"[\s\x00-\x1f]", "", href).lower().startswith(("javascript:", "data:")), href
    # The hostile strings are there, as text.
    text = "".join(tree.text)
    assert payload in text and "javascript:alert(1)" in text and "<script>alert(7)</script>" in text
    # Highlighting escaped the marked passages piece by piece.
    assert "copied <b onmouseover=alert(6)>x</b>" in tree.marks


def test_self_contained_rtl_and_csp() -> None:
    html = render_report(sample_findings(20), *sample_runs(), outlet_name="كواليس اليوم")
    tree = parse(html)
    root = next(attrs for tag, attrs in tree.tags if tag == "html")
    assert root["lang"] == "ar" and root["dir"] == "rtl"
    csp = next(
        a["content"] for t, a in tree.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
    )
    assert "default-src 'none'" in csp and "script-src" not in csp
    for tag, attrs in tree.tags:
        assert tag not in ("script", "link", "iframe", "object", "embed", "img")
        assert "src" not in attrs and "srcset" not in attrs
        if tag == "a":
            assert attrs["href"].startswith(("#", "https://", "http://"))
            if not attrs["href"].startswith("#"):
                assert set(attrs["rel"].split()) == {"noopener", "noreferrer", "nofollow"}
        assert "url(" not in attrs.get("style", "")
    assert "@import" not in html and "url(" not in html


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://copycat.ma/a?b=1#c", True),
        ("HTTP://COPYCAT.MA/", True),
        ("javascript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("data:text/html,<script>", False),
        ("https://a.ma/\nx", False),
        ("//evil.example/", False),
        ("https:///path-only", False),
        ("vbscript:x", False),
        ("", False),
    ],
)
def test_safe_href(url: str, ok: bool) -> None:
    assert (safe_href(url) is not None) is ok


def test_highlight_marks_exactly_the_spans_and_escapes() -> None:
    text = "aa <b>copied</b> bb & more copied text"
    spans = [(3, 16), (27, 38), (30, 33)]  # overlapping spans are merged
    html, short = highlight(text, spans, 10_000)
    assert not short
    tree = parse(f"<div>{html}</div>")
    assert tree.marks == ["<b>copied</b>", "copied text"]
    assert "".join(tree.text) == text
    # Out-of-range spans are clamped, empty ones ignored.
    html, _ = highlight("abc", [(-5, 1), (2, 99), (1, 1)], 100)
    assert parse(str(html)).marks == ["a", "c"]


def test_long_texts_show_passages_with_context_only() -> None:
    text = "x" * 50_000 + "COPIED PASSAGE" + "y" * 50_000
    start = text.index("COPIED")
    html, short = highlight(text, [(start, start + 14)], 1_000)
    assert short
    tree = parse(f"<div>{html}</div>")
    assert tree.marks == ["COPIED PASSAGE"]
    assert len(str(html)) < 2_000
    assert str(html).count("[…]") == 2  # before and after


def test_figures_ranking_partners_and_trend() -> None:
    earlier = [
        RunInfo(run_id=f"r{d}", started_at=f"2026-11-{d:02d}T06:00:00Z", status="success") for d in (1, 8, 15)
    ]
    run = dataclasses.replace(
        RUN,
        sites=(
            SiteResult("a.ma", pages_fetched=5),
            SiteResult("b.ma", pages_fetched=7),
            SiteResult("down.ma", error="DNS"),
        ),
    )
    fs = [
        # a.ma: 3 uncredited, one of them new in this run; two seen in the run of the 8th.
        finding(site="a.ma", page_url="https://a.ma/1", first_seen="2026-11-09T00:00:00Z"),
        finding(site="a.ma", page_url="https://a.ma/2", first_seen="2026-11-10T00:00:00Z"),
        finding(site="a.ma", page_url="https://a.ma/3", first_seen="2026-11-29T06:10:00Z"),
        # b.ma: 1 uncredited + 1 credited, none new.
        finding(site="b.ma", page_url="https://b.ma/1", first_seen="2026-11-02T00:00:00Z"),
        finding(
            site="b.ma", page_url="https://b.ma/2", attribution="link", first_seen="2026-11-16T00:00:00Z"
        ),
        # c.ma only credits; p.ma is a partner.
        finding(site="c.ma", page_url="https://c.ma/1", attribution="name"),
        finding(site="p.ma", page_url="https://p.ma/1", partner=True),
    ]
    ctx = build_context(fs, run, earlier, new_keys={("https://a.ma/3", "https://kawalis.ma/x/1")})
    assert [r.site for r in ctx["ranking"]] == ["a.ma", "b.ma"]
    a, b = ctx["ranking"]
    assert (a.uncredited, a.credited, a.new_now) == (3, 0, 1)
    assert (b.uncredited, b.credited, b.new_now) == (1, 1, 0)
    assert a.first_copy == "2026-11-09T00:00:00Z" and a.latest_copy == "2026-11-29T06:10:00Z"
    assert a.prev_avg == pytest.approx(2 / 3) and a.trend == "up"
    assert b.prev_avg == pytest.approx(2 / 3) and b.trend == "down"
    assert [n for *_, n, _ in a.spark] == [0, 2, 0, 1]
    assert [r.site for r in ctx["crediting"]] == ["c.ma"]
    assert [r.site for r in ctx["partners"]] == ["p.ma"]
    fig = ctx["figures"]
    assert fig["copies"] == 7 and fig["new_copies"] == 1 and fig["uncredited"] == 4
    assert (fig["sites_crawled"], fig["sites_total"], fig["site_errors"], fig["pages_fetched"]) == (
        2,
        3,
        1,
        12,
    )
    # A stricter credit policy turns b.ma's link into credit still, but c.ma's "name" into no credit.
    strict = build_context(fs, run, earlier, accepted_credit=("link",))
    assert "c.ma" in [r.site for r in strict["ranking"]]


def test_rendered_sections_show_errors_backdating_and_chart() -> None:
    fs = [
        finding(
            published_order="backdated", published_at="2026-11-01T00:00:00Z", page_url="https://copycat.ma/b"
        ),
        finding(first_seen="2026-10-05T00:00:00Z", page_url="https://copycat.ma/old"),
        finding(site="p.ma", partner=True, page_url="https://p.ma/1"),
    ]
    run = dataclasses.replace(RUN, sites=(SiteResult("down.ma", error="robots.txt disallows /"),))
    html = render_report(fs, run, outlet_name="كواليس اليوم")
    assert "robots.txt disallows /" in html
    assert html.count("تأريخ بأثر رجعي") >= 1 and 'class="badge warn"' in html
    assert '<section id="timeline">' in html and "2026-10" in html
    assert '<section id="partners">' in html
    assert "a.warc.gz @ 123" in html and "ab" * 32 in html
    single_month = render_report(fs[:1], RUN)
    assert '<section id="timeline">' not in single_month


def test_empty_report_renders() -> None:
    html = render_report([], RUN)
    assert "لم تُرصد أي نسخة دون إشارة" in html


def test_write_report_is_atomic_and_returns_the_path(tmp_path: Path) -> None:
    out = write_report(tmp_path / "reports", sample_findings(5), *sample_runs())
    assert out == tmp_path / "reports" / "report.html"
    assert out.read_text(encoding="utf-8").startswith("<!doctype html>")
    assert [p.name for p in out.parent.iterdir()] == ["report.html"]
