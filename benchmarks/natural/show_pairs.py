#!/usr/bin/env python3
"""Print selected pairs for reading and labelling (the labeller's viewer).

    python benchmarks/natural/show_pairs.py [--data ../shared/data] [--selection selection.jsonl] START END

For each pair it prints the original (exclusive side) and the other page: outlet, date, the
`author` field (byline/dateline), title, and every paragraph with the share of its word 5-grams
found anywhere in the other text, as [NN%]. To keep a few hundred pairs readable, paragraphs the
other text carries whole (>= 90%) are cut to 45 characters (the reader reads them on the other
side), others to 170 characters; the first and last paragraphs (where datelines and credits sit)
are printed to at least 200 characters; past the 9th paragraph only the shares are listed.
The figures help the reader find the shared passages; the label and the share are the reader's own judgement.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from build_pairs import REPO, load_all, normalise, shingles  # noqa: E402

MAX_PARAS = 9
FULL = bool(os.environ.get("CW_NATURAL_FULL"))  # print whole paragraphs (for hard cases)
CACHE = Path(os.environ.get("CW_NATURAL_CACHE", "/tmp/cw-natural-docs.pkl"))


def docs_for(ids: set[str], data: Path) -> dict[str, dict]:
    if CACHE.exists():
        with open(CACHE, "rb") as fh:
            cached = pickle.load(fh)
        if ids <= cached.keys():
            return cached
    allx = {d["id"]: d for d in load_all(data)}
    keep = {i: allx[i] for i in ids if i in allx}
    with open(CACHE, "wb") as fh:
        pickle.dump(keep, fh)
    return keep


def paras(d: dict) -> list[str]:
    return [p.strip() for p in d["content"].split("\n") if p.strip()]


def show(doc: dict, other: set[int], tag: str) -> None:
    print(f"{tag} {doc['outlet']} {doc['date']} | author={doc['author']!r}")
    print(f"   TITLE: {doc['title']}")
    ps = paras(doc)
    rest = []
    for k, p in enumerate(ps, 1):
        s = shingles(normalise(p))
        pct = round(100 * len(s & other) / len(s)) if s else 0
        if k > MAX_PARAS and k < len(ps) and not FULL:
            rest.append(pct)
            continue
        cut = 45 if pct >= 90 else 170
        if FULL:
            cut = 2000
        if k in (1, len(ps)):
            cut = max(cut, 200)  # the opening and closing lines carry datelines and credits
        text = p if len(p) <= cut else p[:cut] + " …"
        print(f"   {tag[0].lower()}{k} [{pct:3d}%] {text}")
    if rest:
        print(f"   ... {len(rest)} more paragraphs (before the last), shares: {rest}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("start", type=int)
    ap.add_argument("end", type=int)
    ap.add_argument("--data", default=str(REPO.parent / "shared" / "data"))
    ap.add_argument("--selection", default=str(HERE / "selection.jsonl"))
    a = ap.parse_args()
    sel = [json.loads(line) for line in open(a.selection, encoding="utf-8")]
    docs = docs_for({r["orig"] for r in sel} | {r["copy"] for r in sel}, Path(a.data))
    for i in range(a.start, min(a.end, len(sel))):
        r = sel[i]
        o, c = docs[r["orig"]], docs[r["copy"]]
        so = shingles(normalise(o["title"] + "\n" + o["content"]))
        sc = shingles(normalise(c["title"] + "\n" + c["content"]))
        print(
            f"\n##### [{i}] {r['pair_id']} web={r['web']} kind={r['kind']} gap={r['date_gap_days']} "
            f"orig_in_copy={r['share_5gram']} copy_in_orig={r['copy_share_5gram']} {r.get('added_as', '')}"
        )
        show(o, sc, "ORIG")
        show(c, so, "COPY")
    return 0


if __name__ == "__main__":
    sys.exit(main())
