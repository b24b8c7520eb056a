"""Pages per second of each per-page stage of a scan, on news-like pages (issue 11).

    python benchmarks/stages.py [--pages 200] [--exclusives 2000] [--repeat 3] [--json OUT]

The pages are the archive-scan generator's (``archive_scan/synthetic.news_page``: meta tags, tens of
KB of inline CSS and scripts, a 40-link menu, a sidebar of headlines, a footer) and, every other
page, ``benchmarks/scan_speed.page_html``'s shape (a menu, a sidebar, 5-40 reader comments, a
footer of links): 50-150 KB of HTML each, Arabic words drawn at random (seeded). One page in five
carries one of the exclusives (whole, its first half, or with one word in twelve dropped), half of
those with a credit line naming or linking the outlet. The index holds ``--exclusives`` articles of
300-800 words, built once (its build time is printed, not counted).

Stages, each timed over all pages, ``--repeat`` times (the best run counts; the machine is shared):

- decode+parse: ``text.charset.decode_html`` + ``text.dom.parse_html``
- extraction: ``text.extract.extract`` (its own decode included, as the pipeline calls it)
- matching: ``match.index.ExclusiveIndex.match`` on the extracted text
- attribution: ``attribution.attribute`` on each page that matched (pages/s of those pages)
- also, the other reads of the same bytes a scan makes today: the crawler's ``next_page`` +
  ``extract_links`` (and ``links_and_next``, both in one pass, where it exists) and
  ``claimed_published_time``.
- page reads, today: what the pipeline asks of every page, each read on its own: ``extract``,
  ``claimed_published_time``, ``next_page``;
- only when a ``copywatch.text.parsed`` module exists: the same through its ``ParsedPage`` (one
  decode, each tree parsed once), and attribution reading the page's tree lent by ``lending``;
- only when a ``copywatch.workers`` module exists: a whole page's work as a scan runs it
  (``process_page``: everything above for one page), in this process and in the scan's pool of one
  worker process per core (wall time).

Each stage but the pool's runs in this one process (one core). Run it against another checkout with
``PYTHONPATH=/that/checkout/src`` (the path of the copywatch used is printed).
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import importlib
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from html import escape
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from scan_speed import page_html  # noqa: E402

import copywatch  # noqa: E402
from copywatch.archive_scan.synthetic import news_page, paragraphs, words  # noqa: E402
from copywatch.config import MatchConfig, OutletConfig  # noqa: E402
from copywatch.models import Capture, Document, Exclusive  # noqa: E402

OUTLET = OutletConfig(
    name="كواليس اليوم", aliases=("كواليس",), domains=("outlet.example",), exclusives=("x",)
)
CT = "text/html; charset=utf-8"


def build(n_pages: int, n_ex: int, seed: int) -> tuple[list[Exclusive], list[Capture]]:
    rng = random.Random(seed)
    exclusives = [
        Exclusive(
            url=f"https://outlet.example/a/{i}.html",
            fetched_url=f"https://outlet.example/a/{i}.html",
            title=" ".join(words(rng, 8)),
            text="\n".join(paragraphs(rng, rng.randint(300, 800))),
        )
        for i in range(n_ex)
    ]
    headlines = [" ".join(words(rng, rng.randint(5, 12))) for _ in range(120)]
    pages = []
    for j in range(n_pages):
        url = f"https://copier{j % 8}.example/p/{j}.html"
        paras: list[str] | None = None
        credit = ""
        if j % 5 == 0:
            ex = exclusives[rng.randrange(n_ex)]
            paras = ex.text.split("\n")
            kind = rng.choice(["whole", "part", "edited"])
            if kind == "part":
                paras = paras[: max(1, len(paras) // 2)]
            elif kind == "edited":
                paras = [" ".join(w for w in p.split() if rng.random() > 1 / 12) for p in paras]
            if j % 10 == 0:
                credit = f'<p>المصدر: <a href="{ex.url}">{escape(OUTLET.name)}</a></p>'
        if j % 2 == 0:
            # its padding falls a few KB short of the size it draws: 56 KB keeps every page above 50 KB
            body = news_page(rng, url, article=paras, credit_html=credit, target_bytes=(56_000, 150_000))
        else:
            text = "\n".join(paras if paras is not None else paragraphs(rng, rng.randint(400, 1000)))
            if credit:
                text += f"\nالمصدر: {OUTLET.name}"
            body = page_html(rng, " ".join(words(rng, 8)), text, headlines, f"copier{j % 8}").encode()
        pages.append(
            Capture(
                url=url,
                final_url=url,
                status=200,
                outcome="ok",
                fetched_at="2026-12-01T00:00:00Z",
                headers=(("content-type", CT),),
                body=body,
                sha256=hashlib.sha256(body).hexdigest(),
                content_type=CT,
            )
        )
    return exclusives, pages


def timed(fn: Callable[[], int], repeat: int) -> dict[str, float]:
    """Best and median wall and CPU seconds of ``repeat`` runs; ``fn`` returns the pages it did."""
    walls, cpus, n = [], [], 0
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        n = fn()
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    best = min(walls)
    return {
        "pages": n,
        "best_s": best,
        "median_s": statistics.median(walls),
        "cpu_s": min(cpus),
        "pages_per_s": n / best if best else 0.0,
        "pages_per_cpu_s": n / min(cpus) if min(cpus) else 0.0,
    }


def _optional(module: str, name: str) -> Any:
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def parsed_stages(
    pages: list[Capture], matched: list[tuple[Document, Exclusive, str]], attribute: Callable[..., Any]
) -> dict[str, tuple[Callable[[], int], str]]:
    """The one-parse path of ``copywatch.text.parsed`` (when the module exists): each page decoded
    once, asked for its document, claimed date and next page; and the credit check of the matched
    pages reading the page's tree, lent, instead of parsing again. Empty when there is no such
    module or it does not answer these questions."""
    try:
        mod = importlib.import_module("copywatch.text.parsed")
    except ImportError:
        return {}
    cls = getattr(mod, "ParsedPage", None)
    wants = ("from_capture", "document", "claimed_published_time", "next_page", "lending", "close")
    missing = [w for w in wants if not hasattr(cls, w)]
    if missing:
        print(f"copywatch.text.parsed has no ParsedPage.{', .'.join(missing)}: its path is not measured")
        return {}

    def one_parse() -> int:
        for cap in pages:
            p = cls.from_capture(cap)
            p.document()
            p.claimed_published_time()
            p.next_page()
            p.close()
        return len(pages)

    by_url = {c.final_url: c for c in pages}
    ready = []
    for d, ex, copied in matched:
        p = cls.from_capture(by_url[d.url])
        p.claimed_published_time()  # parses the tree the credit check reads, as the pipeline does first
        ready.append((p, d, ex, copied))

    def lent() -> int:
        for p, d, ex, copied in ready:
            with p.lending(p.html):
                attribute(replace(d, html=p.html), ex, OUTLET, notice=OUTLET.notice, copied_text=copied)
        return len(ready)

    return {
        "page reads, ParsedPage": (
            one_parse,
            "ParsedPage.from_capture: document + claimed_published_time + next_page, one decode",
        ),
        "attribution, tree lent": (lent, f"attribute() in ParsedPage.lending, {len(ready)} matched pages"),
    }


def pool_stages(
    pages: list[Capture], exclusives: list[Exclusive], index: Any
) -> tuple[dict[str, tuple[Callable[[], int], str]], Callable[[], None]]:
    """A whole page's work as a scan runs it (``copywatch.workers.process_page``: decode, parse,
    extraction, date, next page, matching, credit check), in this process and in the scan's pool of
    worker processes, when that module exists. The pool's rate is wall time only (its CPU is spent
    in the workers). Returns the stages and what closes the pool."""
    try:
        workers = importlib.import_module("copywatch.workers")
        ctx = workers.ScanContext(outlet=OUTLET, index=index, exclusives=tuple(exclusives))
        jobs = [workers.PageJob(url=c.final_url, body=c.body, decode_type=CT, page_type=CT) for c in pages]
    except (ImportError, AttributeError, TypeError) as e:
        if not isinstance(e, ModuleNotFoundError):
            print(f"copywatch.workers is not the one this benchmark knows ({e}): the pool is not measured")
        return {}, lambda: None
    one = workers.Workers(1, ctx)
    n = workers.default_workers()
    pool = workers.Workers(n, ctx)

    def run(w: Any) -> Callable[[], int]:
        def go() -> int:
            pending = [w.page(j) for j in jobs]
            errors = [d.error for d in (p.result() for p in pending) if d.error]
            if errors:
                raise RuntimeError(f"{len(errors)} pages failed: {errors[0]}")
            return len(jobs)

        return go

    def close() -> None:
        one.close()
        pool.close()

    stages = {"whole page, 1 process": (run(one), "workers.process_page in this process (workers = 1)")}
    if n > 1:
        stages[f"whole page, {n} workers"] = (
            run(pool),
            f"the scan's pool of {n} worker processes (wall time)",
        )
    return stages, close


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=200)
    ap.add_argument("--exclusives", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()

    from copywatch.attribution import attribute
    from copywatch.crawl.discover import extract_links, next_page
    from copywatch.match.index import ExclusiveIndex
    from copywatch.text.charset import decode_html
    from copywatch.text.dom import parse_html
    from copywatch.text.extract import extract

    claimed = _optional("copywatch.text.dates", "claimed_published_time") or _optional(
        "copywatch.attribution", "claimed_published_time"
    )
    src = Path(copywatch.__file__).resolve().parents[1]
    try:
        commit = subprocess.run(
            ["git", "-C", str(src), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        commit = ""
    if not commit and (src.parent / "COMMIT").exists():
        commit = (src.parent / "COMMIT").read_text().strip()

    t0 = time.perf_counter()
    exclusives, pages = build(args.pages, args.exclusives, args.seed)
    sizes = [len(c.body) for c in pages]
    t1 = time.perf_counter()
    index = ExclusiveIndex(exclusives, MatchConfig())
    t2 = time.perf_counter()
    by_url = {e.url: e for e in exclusives}
    print(f"copywatch from {src} (commit {commit or '?'}), python {platform.python_version()}")
    print(
        f"{len(pages)} pages, {min(sizes) // 1000}-{max(sizes) // 1000} KB"
        f" (mean {statistics.mean(sizes) / 1000:.0f} KB);"
        f" generated in {t1 - t0:.1f} s; index of {len(exclusives)} exclusives built in {t2 - t1:.1f} s"
    )
    load0 = os.getloadavg()

    docs: list[Document] = [extract(c) for c in pages]  # the input of matching and attribution
    matched: list[tuple[Document, Exclusive, str]] = []
    for d in docs:
        for m in index.match(d.url, d.text)[:1]:
            copied = " ".join(d.text[s.page_start : s.page_end] for s in m.spans)
            matched.append((d, by_url[m.exclusive_url], copied))
    copies = sum(1 for j in range(len(pages)) if j % 5 == 0)

    def decode_parse() -> int:
        for c in pages:
            html, _ = decode_html(c.body, c.content_type)
            parse_html(html)
        return len(pages)

    def extraction() -> int:
        for c in pages:
            extract(c)
        return len(pages)

    def matching() -> int:
        for d in docs:
            index.match(d.url, d.text)
        return len(docs)

    def attribution() -> int:
        for d, ex, copied in matched:
            attribute(d, ex, OUTLET, notice=OUTLET.notice, copied_text=copied)
        return len(matched)

    def links() -> int:
        for c in pages:
            next_page(c.body, c.content_type, c.final_url)
            extract_links(c.body, c.content_type, c.final_url)
        return len(pages)

    stages: dict[str, tuple[Callable[[], int], str]] = {
        "decode+parse": (decode_parse, "decode_html + parse_html"),
        "extraction": (extraction, "extract(capture)"),
        "matching": (matching, f"ExclusiveIndex.match, {len(exclusives)} exclusives"),
        "attribution": (attribution, f"attribute() on the {len(matched)} pages that matched"),
        "links (crawler)": (links, "next_page + extract_links"),
    }
    one_pass = _optional("copywatch.crawl.discover", "links_and_next")
    if one_pass is not None:

        def links_one_pass() -> int:
            for c in pages:
                one_pass(c.body, c.content_type, c.final_url)
            return len(pages)

        stages["links, one pass"] = (links_one_pass, "links_and_next (the crawler's two reads in one)")
    if claimed is not None:

        def dates() -> int:
            for d in docs:
                claimed(d.html)
            return len(docs)

        stages["claimed date"] = (dates, "claimed_published_time(html)")

        def page_reads() -> int:
            for c in pages:
                doc = extract(c)
                claimed(doc.html)
                next_page(c.body, c.content_type, c.final_url)
            return len(pages)

        stages["page reads, today"] = (page_reads, "extract + claimed_published_time + next_page")
    stages.update(parsed_stages(pages, matched, attribute))
    in_pool, close_pool = pool_stages(pages, exclusives, index)
    stages.update(in_pool)

    results: dict[str, Any] = {}
    print(f"{'stage':22} {'pages/s':>9} {'per CPU s':>10} {'ms/page':>8} {'median s':>9}  what")
    for name, (fn, what) in stages.items():
        r = timed(fn, args.repeat)
        if "workers" in name:  # its CPU is spent in the workers: this process's says nothing
            del r["cpu_s"], r["pages_per_cpu_s"]
        r["what"] = what
        results[name] = r
        ms = 1000 * r["best_s"] / r["pages"] if r["pages"] else 0.0
        per_cpu = f"{r['pages_per_cpu_s']:10.1f}" if "pages_per_cpu_s" in r else f"{'-':>10}"
        print(f"{name:22} {r['pages_per_s']:9.1f} {per_cpu} {ms:8.2f} {r['median_s']:9.2f}  {what}")
    close_pool()
    load1 = os.getloadavg()
    print(
        f"matched {len(matched)} of {copies} copies; load average {load0[0]:.2f} at the start,"
        f" {load1[0]:.2f} at the end ({os.cpu_count()} cores);"
        f" {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC"
    )
    if args.json:
        out = {
            "commit": commit,
            "copywatch": str(src),
            "pages": len(pages),
            "exclusives": len(exclusives),
            "page_kb": [min(sizes) / 1000, statistics.mean(sizes) / 1000, max(sizes) / 1000],
            "matched": len(matched),
            "copies": copies,
            "load": [load0[0], load1[0]],
            "stages": results,
        }
        args.json.write_text(json.dumps(out, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
