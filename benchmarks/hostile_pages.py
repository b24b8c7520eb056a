"""What hostile pages cost a scan, page by page (issue 12): CPU seconds and peak memory per stage.

    python benchmarks/hostile_pages.py

Each page is built by tests/hostile_server.py's catalogue. Figures go to benchmarks/RESULTS.md by
hand; no test asserts a timing. Each case runs in a fresh subprocess so its peak RSS is its own.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASE = "http://x.test/"


def _cases() -> dict[str, Callable[[], object]]:
    sys.path.insert(0, str(ROOT / "tests"))
    from copywatch.crawl.discover import extract_links, next_page
    from copywatch.text.dates import claimed_published_time
    from copywatch.text.extract import extract_html
    from hostile_server import date_bomb_body, deep_nest, million_links_body, rel_bomb_body, title_bomb_body

    para = "<p>" + "كلمة " * 60 + "</p>"
    links = million_links_body
    return {
        "rel= x 250,000 (1 MB): next_page": lambda: next_page(rel_bomb_body(), "text/html", BASE),
        "<title> x 142,857 (1 MB): extract": lambda: extract_html(title_bomb_body().decode(), BASE),
        "date + 200,000 newlines: dates": lambda: claimed_published_time(date_bomb_body().decode()),
        "1,000,000 links (16 MB): extract_links, cap 5000": lambda: extract_links(links(), "text/html", BASE),
        "1,000,000 links (16 MB): extract_links, no cap": lambda: extract_links(
            links(), "text/html", BASE, limit=10**7
        ),
        "300,000 links (5 MB cut): extract (trafilatura)": lambda: extract_html(
            links()[:5_000_000].decode(), BASE
        ),
        "article inside 300 divs: extract": lambda: extract_html(
            "<html><body>" + deep_nest(para * 20, 300) + "</body></html>", BASE
        ),
    }


def run_case(name: str) -> None:
    case = _cases()[name]
    start = time.process_time()
    case()
    cpu = time.process_time() - start
    print(json.dumps({"cpu": cpu, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}))


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--case":
        run_case(sys.argv[2])
        return
    print("| page: stage | CPU s | peak RSS MB |")
    print("|---|---|---|")
    for name in _cases():
        out = subprocess.run(
            [sys.executable, __file__, "--case", name], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
        r = json.loads(out.strip().splitlines()[-1])
        print(f"| {name} | {r['cpu']:.2f} | {r['rss_mb']} |")


if __name__ == "__main__":
    main()
