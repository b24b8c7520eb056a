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
import re
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

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

# a held-out draw of the spa web (`--holdout`): pages not drawn before, fewer of them
HOLDOUT_QUOTAS = {
    ("hi", "shingle", False): 10,
    ("hi", "shingle", True): 3,
    ("mid", "shingle", False): 5,
    ("mid", "shingle", True): 3,
    ("lo", "shingle", True): 5,
    ("lo", "shingle", False): 2,
    ("lo", "same_event", False): 2,
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


AFP = re.compile(r"(?<!\w)(أ\s?ف\s?ب|ا\s?ف\s?ب|أ\.ف\.ب|فرانس برس)(?!\w)")
SPA_NAME = re.compile(r"(?<!\w)واس(?!\w)")
AFP_QUOTAS = {
    ("hi", "shingle", False): 22,
    ("hi", "shingle", True): 8,
    ("mid", "shingle", False): 10,
    ("mid", "shingle", True): 6,
    ("lo", "shingle", True): 8,
    ("lo", "shingle", False): 4,
    ("lo", "same_event", False): 3,
    ("lo", "same_event", True): 2,
}


def orient_afp(r: dict, authors: dict[str, str]) -> dict | None:
    """The `afp` web: two SaudiNewsNet papers, neither an SPA wire, at least one whose byline
    names AFP («أ ف ب», «ا ف ب», «فرانس برس»); that one (the earlier if both) stands in for the
    AFP original, the other is the page."""
    if not (r["a"].startswith("snn:") and r["b"].startswith("snn:")) or "was" in (
        r["a_outlet"],
        r["b_outlet"],
    ):
        return None
    aa, ab = authors.get(r["a"], ""), authors.get(r["b"], "")
    if SPA_NAME.search(aa) or SPA_NAME.search(ab):
        return None
    fa, fb = bool(AFP.search(aa)), bool(AFP.search(ab))
    if not (fa or fb):
        return None
    orig_is_a = fa and (not fb or (r["a_date"], r["a"]) <= (r["b_date"], r["b"]))
    swapped = dict(r)
    if not orig_is_a:
        for k in ("", "_outlet", "_date", "_title"):
            swapped["a" + k], swapped["b" + k] = r["b" + k], r["a" + k]
        swapped["a_in_b"], swapped["b_in_a"] = r["b_in_a"], r["a_in_b"]
    swapped["a_outlet"] = swapped["a_outlet"]
    fake = dict(swapped, a_outlet="was")  # reuse orient(): side a is the original
    o = orient(fake)
    if o is None:
        return None
    rec = o[1]
    rec["web"] = "afp"
    rec["orig_outlet"] = swapped["a_outlet"]
    return rec


def select_afp(candidates: str, data: str, seed: int) -> list[dict]:
    from build_pairs import load_snn

    authors = {d["id"]: d["author"] for d in load_snn(Path(data))}
    rng = random.Random(f"{seed}-afp")
    strata: dict[tuple, list[dict]] = defaultdict(list)
    by_copy: dict[str, list[dict]] = defaultdict(list)
    with open(candidates, encoding="utf-8") as fh:
        for line in fh:
            rec = orient_afp(json.loads(line), authors)
            if rec is None:
                continue
            strata[(band(rec["share_5gram"]), rec["kind"], bool(rec["date_gap_days"]))].append(rec)
            by_copy[rec["copy"]].append(rec)
    chosen: dict[str, dict] = {}
    originals: set[str] = set()
    pages: set[str] = set()
    for (b, kind, gap), n in AFP_QUOTAS.items():
        pool = sorted(strata[(b, kind, gap)], key=lambda r: r["pair_id"])
        rng.shuffle(pool)
        per_outlet: dict[str, int] = defaultdict(int)
        taken = 0
        for r in pool:
            if taken >= n:
                break
            if per_outlet[r["copy_outlet"]] >= max(3, n // 4) or r["copy"] in pages or r["orig"] in originals:
                continue
            if r["copy"] in originals or r["orig"] in pages or len(by_copy[r["copy"]]) > MAX_PAIRS_PER_PAGE:
                continue
            per_outlet[r["copy_outlet"]] += 1
            pages.add(r["copy"])
            originals.add(r["orig"])
            chosen[r["pair_id"]] = r
            taken += 1
    for c in sorted(pages):
        for r in by_copy[c]:
            if r["pair_id"] in chosen or r["orig"] not in originals:
                continue
            if max(r["share_5gram"], r["copy_share_5gram"]) >= EXTRA_MIN:
                chosen[r["pair_id"]] = dict(r, added_as="same_page_other_original")
    return sorted(chosen.values(), key=lambda r: (r["orig"], r["copy"]))


def band(x: float) -> str:
    return "hi" if x >= 0.5 else ("mid" if x >= 0.15 else "lo")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("candidates")
    ap.add_argument("--out", default=str(HERE / "selection.jsonl"))
    ap.add_argument("--seed", type=int, default=10)
    ap.add_argument("--afp", help="instead: draw the `afp` web into this file (needs --data)")
    ap.add_argument("--data", default=str(HERE.parent.parent.parent / "shared" / "data"))
    ap.add_argument(
        "--holdout",
        help="instead: draw a held-out `spa_h` web into this file, leaving out pages of --out",
    )
    a = ap.parse_args()
    if a.afp:
        recs = select_afp(a.candidates, a.data, a.seed)
        with open(a.afp, "w", encoding="utf-8") as fh:
            for r in recs:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(f"{len(recs)} afp pairs -> {a.afp}", file=sys.stderr)
        return 0
    rng = random.Random(a.seed if not a.holdout else f"{a.seed}-holdout")
    quota_sets = QUOTAS
    drawn_before: set[str] = set()
    max_pairs = MAX_PAIRS_PER_PAGE
    if a.holdout:
        quota_sets = {"spa": HOLDOUT_QUOTAS}
        for line in open(a.out, encoding="utf-8"):
            r = json.loads(line)
            drawn_before |= {r["copy"], r["orig"]}
        max_pairs = 4
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
    for web, quotas in quota_sets.items():
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
                if len(by_copy[(web, r["copy"])]) > max_pairs:
                    continue
                if r["copy"] in drawn_before:
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
    if a.holdout:
        chosen = {k: dict(r, web="spa_h") for k, r in chosen.items()}
    out = a.holdout or a.out
    with open(out, "w", encoding="utf-8") as fh:
        for r in sorted(chosen.values(), key=lambda r: (r["web"], r["orig"], r["copy"])):
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{len(chosen)} pairs ({extra} added for pages already drawn) -> {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
