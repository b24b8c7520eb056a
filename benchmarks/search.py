#!/usr/bin/env python3
"""Search discovery on the bundled demo web: recall, precision, credit accuracy, queries, time.

    python benchmarks/search.py [--phrase-words 6 7 8 10] [--exclusives 5000]

1. A watchlist scan of the demo web (every copier site in [[sites]]): the reference figures.
2. Discovery scans with an EMPTY watchlist: the copier sites are found only through a local
   SearXNG-shaped engine (tests/fixtures/search_server.py) that indexes every served page of the
   demo web, outlet included, and answers exact-phrase queries from its index. Run once per phrase
   length (words per query), at the [discovery] defaults otherwise (3 queries per exclusive, 200 per
   scan).
3. The cost of choosing phrases and planning a scan's queries for ``--exclusives`` synthetic
   exclusives (sentences of the demo's exclusives, shuffled): what a large archive adds to a scan.

Scores against the demo's truth (copies that must be reported, and each one's credit verdict).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fixtures.search_server import SearchServer, demo_index  # noqa: E402

from copywatch.config import DiscoveryConfig, parse_config  # noqa: E402
from copywatch.demo import DEMO_OUTLET, demo_truth, start_demo  # noqa: E402
from copywatch.discovery import phrases as phrases_mod  # noqa: E402
from copywatch.discovery import run as run_mod  # noqa: E402
from copywatch.discovery.plan import plan_queries  # noqa: E402
from copywatch.models import Exclusive  # noqa: E402
from copywatch.pipeline import scan  # noqa: E402
from copywatch.store import Store  # noqa: E402


def score(web: Any, findings: list[Any]) -> dict[str, float]:
    truth = {
        (p["site"], unquote(p["path"]), ex): p["credit"]
        for p in demo_truth()
        if p["expected_report"]
        for ex in p["report_exclusives"]
    }
    site_of = {urlsplit(o).netloc: n for n, o in web.origins.items()}
    got = {}
    for f in findings:
        u = urlsplit(f.page_url)
        got[(site_of[u.netloc], unquote(u.path) + ("?" + u.query if u.query else ""),
             unquote(urlsplit(f.exclusive_url).path))] = f.attribution  # fmt: skip
    hit = set(got) & set(truth)
    return {
        "copies": len(truth),
        "found": len(hit),
        "recall": len(hit) / len(truth),
        "precision": len(hit) / len(got) if got else 1.0,
        "credit": sum(got[k] == truth[k] for k in hit) / len(hit) if hit else 1.0,
    }


def run_scan(web: Any, tmp: Path, watch: bool, endpoint: str = "") -> tuple[dict[str, float], float]:
    data: dict[str, Any] = {
        "outlet": {**DEMO_OUTLET, "exclusives": list(web.outlet_sources)},
        "sites": [{"name": n, "seeds": list(s)} for n, s in web.sites] if watch else [],
        "crawl": {"allow_private_addresses": True, "delay_seconds": 0.0},
        "store": {"path": str(tmp / "cw.db")},
        "report": {"dir": str(tmp / "reports")},
    }
    if endpoint:
        data["discovery"] = {"provider": "searxng", "endpoint": endpoint}
    cfg = parse_config(data, source="<bench>")
    t0 = time.perf_counter()
    scan(cfg)
    took = time.perf_counter() - t0
    with Store(cfg.store_path) as store:
        return score(web, store.findings()), took


def planning_cost(n: int) -> tuple[float, float, int]:
    """Seconds to build the phrase picker and to plan one scan, for ``n`` synthetic exclusives."""
    web = start_demo()
    try:
        with tempfile.TemporaryDirectory() as d:
            tmp = Path(d)
            cfg = parse_config(
                {"outlet": {**DEMO_OUTLET, "exclusives": list(web.outlet_sources)},
                 "crawl": {"allow_private_addresses": True, "delay_seconds": 0.0},
                 "store": {"path": str(tmp / "cw.db")}, "report": {"dir": str(tmp / "r")}},
                source="<bench>",
            )  # fmt: skip
            scan(cfg)
            with Store(cfg.store_path) as store:
                base = store.exclusives()
    finally:
        web.stop()
    rng = random.Random(1)
    sentences = [
        s.split() for e in base for s in e.text.replace("\n", ". ").split(". ") if len(s.split()) > 5
    ]
    vocabulary = sorted({w for s in sentences for w in s})
    # each synthetic exclusive: 12 of the demo's sentences, a third of their words replaced at random
    texts = [
        ". ".join(" ".join(w if rng.random() > 0.33 else rng.choice(vocabulary) for w in s)
                  for s in rng.sample(sentences, 12))
        for _ in range(n)
    ]  # fmt: skip
    exclusives = [
        Exclusive(url=f"https://outlet.example/{i}", fetched_url="", title="", text=t,
                  published_at=f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T00:00:00Z")
        for i, t in enumerate(texts)
    ]  # fmt: skip
    t0 = time.perf_counter()
    picker = phrases_mod.PhrasePicker(texts)
    built = time.perf_counter() - t0
    dcfg = DiscoveryConfig(provider="searxng")
    t0 = time.perf_counter()
    plan = plan_queries(
        exclusives, dcfg, lambda e, r: picker.phrases(e.text, 3, r), set(), {}, datetime.now(UTC)
    )
    planned = time.perf_counter() - t0
    return built, planned, len(plan.queries)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--phrase-words", type=int, nargs="+", default=[6, 7, 8, 10])
    ap.add_argument("--exclusives", type=int, default=5000)
    args = ap.parse_args()
    web = start_demo()
    rows = []
    try:
        with tempfile.TemporaryDirectory() as d:
            s, took = run_scan(web, Path(d), watch=True)
            rows.append(("watchlist (6 sites watched), no search", s, took, 0))
        with SearchServer(demo_index(web)) as engine:
            for words in args.phrase_words:
                run_mod.PhrasePicker = partial(phrases_mod.PhrasePicker, words=words)  # type: ignore[misc]
                engine.log.clear()
                with tempfile.TemporaryDirectory() as d:
                    s, took = run_scan(web, Path(d), watch=False, endpoint=engine.url)
                rows.append(
                    (f"search only (no site watched), {words}-word phrases", s, took, len(engine.log))
                )
    finally:
        run_mod.PhrasePicker = phrases_mod.PhrasePicker  # type: ignore[misc]
        web.stop()
    print("| scan | copies found / expected | recall | precision | credit accuracy | queries | time |")
    print("|---|---|---|---|---|---|---|")
    for name, s, took, queries in rows:
        print(f"| {name} | {s['found']} / {s['copies']} | {s['recall']:.2f} | {s['precision']:.2f} "
              f"| {s['credit']:.2f} | {queries} | {took:.1f} s |")  # fmt: skip
    built, planned, n = planning_cost(args.exclusives)
    print(f"\n{args.exclusives} exclusives: phrase picker built in {built:.1f} s; "
          f"one scan's plan ({n} queries) in {planned:.2f} s")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
