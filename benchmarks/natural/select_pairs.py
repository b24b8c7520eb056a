#!/usr/bin/env python3
"""Pick the candidate pairs to read and label, stratified, from build_pairs.py's output.

    python benchmarks/natural/select_pairs.py CANDIDATES.jsonl [--out benchmarks/natural/selection.jsonl]

Two webs are drawn (see README.md):
  - `spa`: pairs with one side from SPA (SaudiNewsNet source `was`); the wire is the original;
  - `sky`: ANT pairs with one side from SkyNews Arabia published no later than the other side;
    the SkyNews item is the original.
Strata by `share` (the share of the original's 5-grams found in the other page), same day or not,
and kind (shingle / same_event), so that the set mixes full copies, partial copies, low-overlap
formula look-alikes and same-event rewrites. The per-stratum quotas are below; the draw is seeded.
Then, for every copying page drawn, every OTHER candidate pair joining it to an original of the same
web with >= 10% of either side's 5-grams shared is added too, so that the (page, original)
combinations a scan could plausibly report are labelled (combinations below that are scored as
`unlabelled`, see run.py).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent

QUOTAS = {
    "spa": {
        ("hi", "shingle", False): 55,
        ("hi", "shingle", True): 20,
        ("mid", "shingle", False): 20,
        ("mid", "shingle", True): 15,
        ("lo", "shingle", True): 25,
        ("lo", "shingle", False): 8,
        ("lo", "same_event", False): 6,
        ("lo", "same_event", True): 4,
    },
    "sky": {
        ("hi", "shingle", False): 12,
        ("hi", "shingle", True): 8,
        ("mid", "shingle", False): 10,
        ("mid", "shingle", True): 6,
        ("lo", "shingle", True): 6,
        ("lo", "shingle", False): 6,
        ("lo", "same_event", False): 6,
        ("lo", "same_event", True): 3,
    },
}

EXTRA_MIN = 0.10
MAX_PAIRS_PER_PAGE = 8


def orient(r: dict) -> tuple[str, dict] | None:
    """(web, record with orig_*/copy_* fields) or None when the pair is in no web."""
    if "was" in (r["a_outlet"], r["b_outlet"]) and r["a_outlet"] != r["b_outlet"]:
        web, orig_is_a = "spa", r["a_outlet"] == "was"
    elif (
        r["a"].startswith("ant:")
        and r["b"].startswith("ant:")
        and "skynews" in (r["a_outlet"], r["b_outlet"])
    ):
        orig_is_a = r["a_outlet"] == "skynews"
        o, c = (r["a_date"], r["b_date"]) if orig_is_a else (r["b_date"], r["a_date"])
        if o > c:
            return None
        web = "sky"
    else:
        return None
    s = "a" if orig_is_a else "b"
    t = "b" if orig_is_a else "a"
    out = {
        "pair_id": r["pair_id"],
        "web": web,
        "kind": r["kind"],
        "hints": r["hints"],
        "orig": r[s],
        "copy": r[t],
        "orig_outlet": r[f"{s}_outlet"],
        "copy_outlet": r[f"{t}_outlet"],
        "orig_date": r[f"{s}_date"],
        "copy_date": r[f"{t}_date"],
        "orig_title": r[f"{s}_title"],
        "copy_title": r[f"{t}_title"],
        "share_5gram": r[f"{s}_in_{t}"],
        "copy_share_5gram": r[f"{t}_in_{s}"],
        "cosine": r["cosine"],
        "date_gap_days": r["date_gap_days"],
    }
    return web, out


def band(x: float) -> str:
    return "hi" if x >= 0.5 else ("mid" if x >= 0.15 else "lo")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("candidates")
    ap.add_argument("--out", default=str(HERE / "selection.jsonl"))
    ap.add_argument("--seed", type=int, default=10)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    strata: dict[tuple, list[dict]] = defaultdict(list)
    by_copy: dict[tuple[str, str], list[dict]] = defaultdict(list)
    with open(a.candidates, encoding="utf-8") as fh:
        for line in fh:
            o = orient(json.loads(line))
            if o is None:
                continue
            web, rec = o
            strata[(web, band(rec["share_5gram"]), rec["kind"], bool(rec["date_gap_days"]))].append(rec)
            by_copy[(web, rec["copy"])].append(rec)
    chosen: dict[str, dict] = {}
    used_copies: dict[str, set[str]] = defaultdict(set)
    for web, quotas in QUOTAS.items():
        for (b, kind, gap), n in quotas.items():
            pool = sorted(strata[(web, b, kind, gap)], key=lambda r: r["pair_id"])
            rng.shuffle(pool)
            per_outlet: dict[str, int] = defaultdict(int)
            taken = 0
            for r in pool:
                if taken >= n:
                    break
                # spread over copying outlets; one original is not drawn twice in a stratum
                if per_outlet[r["copy_outlet"]] >= max(3, n // 4) or r["copy"] in used_copies[web]:
                    continue
                # a page sharing a little text with many originals (background paragraphs of a
                # long roundup) would cost many readings for one page: left out
                if len(by_copy[(web, r["copy"])]) > MAX_PAIRS_PER_PAGE:
                    continue
                per_outlet[r["copy_outlet"]] += 1
                used_copies[web].add(r["copy"])
                chosen[r["pair_id"]] = r
                taken += 1
    # every other pair joining a chosen copying page to an original of its web
    extra = 0
    for web, copies in used_copies.items():
        for c in copies:
            for r in by_copy[(web, c)]:
                if r["pair_id"] not in chosen and max(r["share_5gram"], r["copy_share_5gram"]) >= EXTRA_MIN:
                    r = dict(r, added_as="same_page_other_original")
                    chosen[r["pair_id"]] = r
                    extra += 1
    with open(a.out, "w", encoding="utf-8") as fh:
        for r in sorted(chosen.values(), key=lambda r: (r["web"], r["orig"], r["copy"])):
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{len(chosen)} pairs ({extra} added for pages already drawn) -> {a.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
