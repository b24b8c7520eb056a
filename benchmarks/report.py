"""Benchmark: render the HTML report and evidence.csv for 5,000 synthetic findings.

    python benchmarks/report.py [N]

Prints the wall-clock time and output size of each. The report must stay usable at this size:
texts are cut down to the copied passages with context once the report grows (see html.py).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from copywatch.report.evidence_csv import write_csv
from copywatch.report.html import render_report
from copywatch.report.sample import sample_findings, sample_runs


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    findings = sample_findings(n, long_texts=True)
    run, history = sample_runs()
    new = {(f.page_url, f.exclusive_url) for f in findings[-n // 10 :]}
    text_chars = sum(len(f.page_text) + len(f.exclusive_text) for f in findings)

    start = time.perf_counter()
    html = render_report(findings, run, history, outlet_name="كواليس اليوم", new_keys=new)
    html_s = time.perf_counter() - start
    size = len(html.encode("utf-8"))
    mb = size / 1e6
    mchars = text_chars / 1e6
    print(f"report.html : {n} findings ({mchars:.1f} M chars of text) in {html_s:.2f} s, {mb:.1f} MB")

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        path = write_csv(findings, Path(tmp) / "evidence.csv")
        csv_s = time.perf_counter() - start
        print(f"evidence.csv: {n} rows in {csv_s:.2f} s, {path.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
