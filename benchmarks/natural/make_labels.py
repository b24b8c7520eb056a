#!/usr/bin/env python3
"""Turn the labeller's reading notes into benchmarks/natural/labels.jsonl.

    python benchmarks/natural/make_labels.py reading_notes.tsv [--second-pass second_pass.tsv]
        [--selection selection.jsonl] [--out labels.jsonl]

NOTES.tsv has one line per pair read: index in selection.jsonl, pair id, label, share,
credit position, credit text, note (tab separated; written while reading the pairs with
show_pairs.py). This script joins them with the selection (document ids, urls, outlets, dates,
titles, the author field) and checks each line against the pair it names. It writes no text of
the articles beyond titles and the `author` field (the byline/dateline line), and it cross-checks
the credit position against the page: "byline" needs the acronym/name in the author field,
"dateline"/"body"/"end" need it in the body; a disagreement stops the script.

second_pass.tsv (pair id, share, optional new label, reason): the shares re-estimated in a second
reading, paragraph by paragraph, with the definition written in README.md (a paragraph of the
exclusive counts when its content is on the page, verbatim or edited; partly carried paragraphs
count in part; SPA's dated first line and closing lines are not article text). The first-pass
figure is kept as `share_first_pass`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from build_pairs import REPO  # noqa: E402
from show_pairs import docs_for  # noqa: E402

LABELS = {"copy", "partial", "quote", "same_event", "unrelated"}
CREDIT_POS = {"none", "byline", "dateline", "body", "end"}
# names by which each original outlet is credited (for the cross-check only)
WEB_NAMES = {
    "spa": [r"واس", r"وكالة الأنباء السعودية", r"SPA"],
    "sky": [r"سكاي نيوز"],
    "afp": [r"[أا][\s.]*ف[\s.]*ب", r"فرانس برس", r"الفرنسية", r"AFP"],
    "spa_h": [r"واس", r"وكالة الأنباء السعودية", r"SPA"],
}


# pairs where either verdict is defensible (scored as labelled; run.py also reports recall and
# precision without them): the page copies SPA's other wire on the same news (nearly the same
# text), or the text the page took is in several of the outlet's own items (a follow-up repeats
# the first item's paragraphs) and the page is a copy of another of them
# ... and in the afp web, one AFP story stood in for by two papers' texts (the later one here)
AMBIGUOUS = {
    "p-e7305c097a",
    "p-f3483d3b0d",
    "p-53843f5ad7",
    "p-5c992f6bb2",
    "p-e069f003b8",
    "p-e77185af43",
    "p-dac881d0e2",
    "p-ebc6dd52c0",
    "p-170c7d6267",  # spa_h: the page has details the wire lacks (the ministry's release?)
    "p-d8c9f492f6",
}


def names_in(text: str, web: str) -> bool:
    for n in WEB_NAMES.get(web, []):
        if re.search(r"(?<![\w])" + n + r"(?![\w])", text):
            return True
    return False


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("notes")
    ap.add_argument("--second-pass", default=str(HERE / "second_pass.tsv"))
    ap.add_argument("--selection", default=str(HERE / "selection.jsonl"))
    ap.add_argument(
        "--also",
        nargs=2,
        action="append",
        default=[],
        metavar=("NOTES", "SELECTION"),
        help="another set of reading notes and its selection (default: the afp web's)",
    )
    ap.add_argument("--out", default=str(HERE / "labels.jsonl"))
    ap.add_argument("--data", default=str(REPO.parent / "shared" / "data"))
    a = ap.parse_args()
    if not a.also:
        for name in ("afp", "holdout"):
            if (HERE / f"reading_notes_{name}.tsv").exists():
                a.also.append(
                    [str(HERE / f"reading_notes_{name}.tsv"), str(HERE / f"selection_{name}.jsonl")]
                )
    sets = [(a.notes, [json.loads(line) for line in open(a.selection, encoding="utf-8")])]
    sets += [(n, [json.loads(line) for line in open(sf, encoding="utf-8")]) for n, sf in a.also]
    ids = {i for _, sel in sets for r in sel for i in (r["orig"], r["copy"])}
    docs = docs_for(ids, Path(a.data))
    second: dict[str, tuple[float, str, str]] = {}
    if a.second_pass and Path(a.second_pass).exists():
        for line in open(a.second_pass, encoding="utf-8"):
            f2 = (line.rstrip("\n").split("\t") + ["", "", ""])[:4]
            second[f2[0]] = (float(f2[1]), f2[2], f2[3])
    out = []
    problems = []
    lines_all = [
        (notes, sel, n, line)
        for notes, sel in sets
        for n, line in enumerate(open(notes, encoding="utf-8"), 1)
    ]
    for _notes, sel, n, line in lines_all:
        f = line.rstrip("\n").split("\t")
        if len(f) != 7:
            problems.append(f"line {n}: {len(f)} fields")
            continue
        idx, pid, label, share, pos, ctext, note = f
        r = sel[int(idx)]
        if r["pair_id"] != pid:
            problems.append(f"line {n}: index {idx} is {r['pair_id']}, not {pid}")
            continue
        if label not in LABELS or pos not in CREDIT_POS:
            problems.append(f"line {n}: bad label/position {label}/{pos}")
            continue
        o, c = docs[r["orig"]], docs[r["copy"]]
        in_author = names_in(c["author"], r["web"])
        in_body = names_in(c["content"], r["web"])
        if pos == "byline" and not in_author:
            problems.append(
                f"line {n} {pid}: byline credit but the author field {c['author']!r} names no alias"
            )
        if pos in ("dateline", "body", "end") and not in_body:
            problems.append(f"line {n} {pid}: {pos} credit but the body names no alias")
        if pos == "none" and label in ("copy", "partial") and in_author:
            problems.append(f"line {n} {pid}: no credit recorded but the author field is {c['author']!r}")
        lines = [ln.strip() for ln in c["content"].split("\n") if ln.strip()]
        # credit positions in the text: a dateline (name and a separator in the first 30
        # characters) or a short closing line; a sentence that merely mentions the agency is not
        head = lines[0][:30] if lines else ""
        dateline = names_in(head, r["web"]) and any(ch in head for ch in "-–:()")
        closing = bool(lines) and len(lines[-1].split()) <= 8 and names_in(lines[-1], r["web"])
        if pos == "none" and label in ("copy", "partial") and (dateline or closing):
            problems.append(
                f"line {n} {pid}: no credit recorded but the text opens or ends with the outlet's name"
            )
        page_text = " ".join((c["author"] + "\n" + c["content"]).replace("\xa0", " ").split(" "))
        if pos != "none" and ctext and " ".join(ctext.split()) not in " ".join(page_text.split()):
            problems.append(f"line {n} {pid}: credit text {ctext!r} not found on the page")
        share_f = first = float(share)
        second_note = ""
        if pid in second:
            share_f, new_label, second_note = second[pid]
            if new_label:
                if new_label not in LABELS:
                    problems.append(f"second pass {pid}: bad label {new_label}")
                label = new_label
        out.append(
            {
                "pair_id": pid,
                "web": r["web"],
                "label": label,
                "formula": note.startswith("formula"),
                "share": share_f,
                "share_first_pass": first,
                "second_pass_note": second_note,
                "ambiguous": pid in AMBIGUOUS,
                "expected_report": label in ("copy", "partial") and share_f >= 0.25,
                "credit": pos,
                "credit_text": ctext,
                "note": note,
                "original": {
                    "id": o["id"],
                    "outlet": o["outlet"],
                    "url": o["url"],
                    "date": o["date"],
                    "title": o["title"],
                },
                "page": {
                    "id": c["id"],
                    "outlet": c["outlet"],
                    "url": c["url"],
                    "date": c["date"],
                    "title": c["title"],
                    "author": c["author"],
                },
                "candidate": {
                    "kind": r["kind"],
                    "share_5gram": r["share_5gram"],
                    "page_share_5gram": r["copy_share_5gram"],
                    "cosine": r["cosine"],
                    "date_gap_days": r["date_gap_days"],
                    "added_as": r.get("added_as", ""),
                },
                "labelled_by": "model-assisted engineer reading both texts (show_pairs.py)",
            }
        )
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    with open(a.out, "w", encoding="utf-8") as fh:
        for rec in out:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    print(f"{len(out)} labels -> {a.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
