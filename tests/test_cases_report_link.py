"""The report links each pursued copy to its case in the app when [report] base_url is set, and
is unchanged (self-contained, no link) without it."""

from __future__ import annotations

from dataclasses import replace

from copywatch.report.html import render_report
from copywatch.report.sample import sample_findings, sample_runs


def _report(app_url: str) -> tuple[str, list]:
    findings = sample_findings(6)
    findings[1] = replace(findings[1], attribution="link")  # credited: no case, no link
    run, history = sample_runs()
    return render_report(findings, run, history, outlet_name="كواليس اليوم", app_url=app_url), findings


def test_no_base_url_no_link():
    html, _ = _report("")
    assert "case-link" not in html and "/case?page_url=" not in html


def test_only_http_base_urls_make_links():
    html, _ = _report("javascript:alert(1)//")
    assert "case-link" not in html and "javascript:" not in html


def test_links_to_the_case_of_each_uncredited_copy():
    html, findings = _report("https://copywatch.example/reports/")
    pursued = [f for f in findings if f.attribution == "none" and not f.partner]
    assert html.count('class="case-link"') == len(pursued) >= 1
    assert 'href="https://copywatch.example/reports/case?page_url=' in html
    assert "exclusive_url=" in html
