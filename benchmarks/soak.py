"""Soak: many consecutive scans of a demo web that changes between runs; nothing found may be lost.

    python benchmarks/soak.py [--scans 50] [--out benchmarks/RESULTS-soak.md]

The bundled demo web is served on 127.0.0.1 (tests/test_incremental.py's LiveDemo). Before each
scan after the first, the web changes: a new copy of an exclusive is published on the forum (linked
from its home page), a copy page is edited (a paragraph dropped), and every fifth run a copy page is
taken down (404) and the previous one restored. After each scan the store must still hold every copy
found earlier with its first_seen, pass PRAGMA integrity_check, and have found the new copy.
Reports the time per scan, the store size (SQLite + WARC) and the peak RSS of the process.
"""

from __future__ import annotations

import argparse
import gzip
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # for tests.test_incremental and its hostile_server

from tests.test_incremental import LiveDemo, config_data, drop_last_paragraphs  # noqa: E402

from copywatch.config import parse_config  # noqa: E402
from copywatch.demo.build import Resource  # noqa: E402
from copywatch.pipeline import scan  # noqa: E402
from copywatch.store import Store  # noqa: E402

FORUM = "muntada-alhiwar"
TEMPLATE_COPY = "/threads/1040/"  # a verbatim copy whose HTML is reused for the new pages
EDITABLE = ["/threads/1041/", "/threads/1042/", "/threads/1045/"]


def add_copy(live: LiveDemo, n: int) -> str:
    """Publish /threads/<9000+n>/ (the template copy's HTML) and link it from the forum's home."""
    server = live._servers[FORUM]
    path = f"/threads/{9000 + n}/"
    html = live.body(FORUM, TEMPLATE_COPY).replace("</h1>", f" ({n})</h1>", 1).encode("utf-8")
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    server.site.resources[path] = Resource(body="", content_type="text/html; charset=utf-8", lastmod=now)
    server.bodies[path] = (html, gzip.compress(html, mtime=0) if server.site.gzip else None)
    live.edit(FORUM, "/", lambda h: h.replace("</body>", f'<p><a href="{path}">موضوع {n}</a></p></body>', 1))
    return live.url(FORUM, path)


def store_bytes(tmp: Path) -> int:
    return sum(p.stat().st_size for p in tmp.rglob("*") if p.is_file() and "reports" not in p.parts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scans", type=int, default=50)
    ap.add_argument("--out", default=str(Path(__file__).with_name("RESULTS-soak.md")))
    args = ap.parse_args()

    live = LiveDemo()
    tmp = Path(tempfile.mkdtemp(prefix="copywatch-soak-"))
    config = parse_config(config_data(live, tmp))
    known: dict[tuple[str, str], str] = {}
    times: list[float] = []
    sizes: list[int] = []
    removed: tuple[str, str, bytes] | None = None
    try:
        for i in range(args.scans):
            new_url = ""
            if i > 0:
                new_url = add_copy(live, i)
                live.edit(FORUM, EDITABLE[i % len(EDITABLE)], lambda h: drop_last_paragraphs(h, 1))
                if i % 5 == 0:
                    if removed:  # the page taken down last time comes back
                        add_back = removed
                        live.edit(FORUM, "/", lambda h: h)  # a fresh Last-Modified on the home page
                        server = live._servers[FORUM]
                        server.site.resources[add_back[1]] = Resource(
                            "", "text/html; charset=utf-8", add_back[0]
                        )
                        server.bodies[add_back[1]] = (add_back[2], gzip.compress(add_back[2], mtime=0))
                    path = f"/threads/{9000 + i - 1}/"
                    removed = (
                        datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                        path,
                        live.body(FORUM, path).encode(),
                    )
                    live.remove(FORUM, path)
            t0 = time.perf_counter()
            summary = scan(config)
            times.append(time.perf_counter() - t0)
            sizes.append(store_bytes(tmp))
            with Store(config.store_path) as store:
                assert store.integrity() == "ok"
                now = {(f.page_url, f.exclusive_url): f.first_seen for f in store.findings()}
            lost = {k: v for k, v in known.items() if now.get(k) != v}
            assert not lost, f"scan {i + 1}: copies lost or first_seen changed: {lost}"
            assert not new_url or any(k[0] == new_url for k in now), f"scan {i + 1}: new copy not found"
            known = now
            print(
                f"scan {i + 1:>3}: {times[-1]:5.2f} s, {summary.run.pages_fetched:>3} pages fetched, "
                f"{len(now):>3} copies ({summary.run.new_copies} new), store {sizes[-1] / 1e6:6.2f} MB",
                flush=True,
            )
    finally:
        live.stop()
    per_scan_kb = (sizes[-1] - sizes[0]) / 1e3 / max(1, args.scans - 1)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines = [
        "# Soak: consecutive scans of a changing web",
        "",
        f"`python benchmarks/soak.py --scans {args.scans}` on {datetime.now(UTC):%Y-%m-%d}, "
        "the bundled demo web on 127.0.0.1 (7 sites), no politeness delay, one process.",
        "Between scans: one new copy published and linked, one copy edited, every 5th scan one copy",
        "taken down (404) and the previous one restored.",
        "",
        "| figure | value |",
        "|---|---|",
        f"| scans | {args.scans}, all completed |",
        f"| copies known at the end | {len(known)} (none lost; every first_seen kept) |",
        f"| first scan | {times[0]:.2f} s |",
        f"| later scans, median / max | {statistics.median(times[1:]):.2f} s / {max(times[1:]):.2f} s |",
        f"| store after the first scan | {sizes[0] / 1e6:.2f} MB (SQLite + WARC) |",
        f"| store at the end | {sizes[-1] / 1e6:.2f} MB, {per_scan_kb:.0f} kB per scan |",
        f"| peak RSS (scanner and demo servers) | {peak_mb:.0f} MB |",
        "",
        "Growth per scan is mostly WARC revisit records (each conditional fetch is archived) and the new",
        "copies' pages; `copywatch vacuum` with [retention] captures_days trims what no copy relies on.",
        "",
    ]
    Path(args.out).write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
