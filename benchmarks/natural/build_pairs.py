#!/usr/bin/env python3
"""Liberal candidate search for natural text reuse between outlets (issue 10 benchmark).

    python benchmarks/natural/build_pairs.py [--data ../shared/data] \
        [--out benchmarks/natural/candidates.jsonl]

Reads the raw corpora from --data (never copied into the repository):
  - SaudiNewsNet (saudinewsnet/*.zip: JSON arrays of source,url,date_extracted,title,author,content);
  - ANT multisource (ant/<Source>.tar.xz: TREC-like XML, one document per .txt).

Three kinds of candidate pair are written, every pair joining two DIFFERENT outlets:
  1. `shingle`: the pair shares word 5-grams (after light Arabic normalisation). Every document's
     5-gram hashes are sampled (hash % 4 == 0), an inverted index over the samples (5-grams found in
     more than 60 documents dropped as boilerplate) gives the pairs sharing >= 2 samples, and the
     exact containment over all 5-grams is then computed. A pair is kept when either side has
     >= 3% of its 5-grams in the other (a low, liberal threshold), on any days: this also finds
     formula look-alikes (weather, market close, telegrams, condolences on other days).
  2. `same_event`: same or adjacent day, TF-IDF cosine >= 0.30 on words, but < 3% shared 5-grams
     (rewrites of one event; hard negatives).
  3. `formula`: a pair of `shingle` kind whose dates differ by >= 1 day is tagged `formula_hint`
     (its real nature is decided by reading).

Each candidate has a stable id (`p-` + 10 hex of sha1 of the two document ids), both document ids,
outlets, dates, titles, containment of each side in the other, Jaccard, cosine, date gap.
Document ids: `snn:<source>:<url>` (SaudiNewsNet) and `ant:<DOCNO>` (ANT).
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import json
import os
import re
import sys
import tarfile
import zipfile
import zlib
from collections import Counter, defaultdict
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent

_DIACRITICS = re.compile("[\u064b-\u0652\u0670\u0640]")
_TOKEN = re.compile(r"[\w]+", re.UNICODE)
_ARABIC_INDIC = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_ANT_TAG = re.compile(r"<(DOCNO|URL|SRC|CAT|TITLE|TIME|AUTHOR|ABSTRACT|TEXT)>(.*?)</\1>", re.S)


def normalise(text: str) -> list[str]:
    t = _DIACRITICS.sub("", text).translate(_ARABIC_INDIC)
    t = re.sub("[أإآ]", "ا", t).replace("ة", "ه").replace("ى", "ي")
    return _TOKEN.findall(t.lower())


def load_snn(data: Path) -> list[dict]:
    docs = []
    for z in sorted(glob.glob(str(data / "saudinewsnet" / "*.zip"))):
        with zipfile.ZipFile(z) as f:
            for name in f.namelist():
                for a in json.loads(f.read(name)):
                    docs.append(
                        {
                            "id": f"snn:{a['source']}:{a['url']}",
                            "corpus": "saudinewsnet",
                            "outlet": a["source"],
                            "url": a["url"],
                            "date": a["date_extracted"],
                            "title": a["title"] or "",
                            "author": (a["author"] or "").strip(),
                            "content": a["content"] or "",
                        }
                    )
    return docs


def load_ant(data: Path) -> list[dict]:
    docs = []
    for tx in sorted(glob.glob(str(data / "ant" / "*.tar.xz"))):
        with tarfile.open(tx) as t:
            for m in t:
                if not (m.isfile() and m.name.endswith(".txt")):
                    continue
                fh = t.extractfile(m)
                if fh is None:
                    continue
                s = fh.read().decode("utf-8", "replace")
                f = {k: v.strip() for k, v in _ANT_TAG.findall(s)}
                try:
                    d = parsedate_to_datetime(f.get("TIME", "")).strftime("%Y-%m-%d %H:%M:%S")
                except (TypeError, ValueError):
                    d = ""
                docs.append(
                    {
                        "id": f"ant:{f.get('DOCNO', m.name)}",
                        "corpus": "ant",
                        "outlet": f.get("SRC", Path(tx).name.split(".")[0]).lower(),
                        "url": f.get("URL", ""),
                        "date": d,
                        "title": f.get("TITLE", ""),
                        "author": f.get("AUTHOR", ""),
                        "content": f.get("TEXT", ""),
                    }
                )
    return docs


def load_all(data: Path) -> list[dict]:
    return load_snn(data) + load_ant(data)


def shingles(tokens: list[str], n: int = 5) -> set[int]:
    return {zlib.crc32(" ".join(tokens[i : i + n]).encode()) for i in range(len(tokens) - n + 1)}


def pair_id(a: str, b: str) -> str:
    x, y = sorted((a, b))
    return "p-" + hashlib.sha1((x + "\n" + y).encode()).hexdigest()[:10]


def day(d: str) -> datetime | None:
    try:
        return datetime.strptime(d[:10], "%Y-%m-%d")
    except ValueError:
        return None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=str(REPO.parent / "shared" / "data"))
    ap.add_argument("--out", default=str(HERE / "candidates.jsonl"))
    ap.add_argument("--min-containment", type=float, default=0.03)
    ap.add_argument("--min-cosine", type=float, default=0.30)
    args = ap.parse_args()
    data = Path(args.data)
    if not (data / "saudinewsnet").is_dir():
        print(f"no saudinewsnet folder under {data}", file=sys.stderr)
        return 2
    docs = load_all(data)
    print(f"{len(docs)} documents", file=sys.stderr)
    toks = [normalise(d["title"] + "\n" + d["content"]) for d in docs]
    sh = [shingles(t) for t in toks]
    postings: dict[int, list[int]] = defaultdict(list)
    for i, s in enumerate(sh):
        for h in s:
            if h % 4 == 0:
                postings[h].append(i)
    counts: Counter[tuple[int, int]] = Counter()
    for lst in postings.values():
        if len(lst) < 2 or len(lst) > 60:
            continue
        for x in range(len(lst)):
            for y in range(x + 1, len(lst)):
                i, j = lst[x], lst[y]
                if docs[i]["outlet"] != docs[j]["outlet"]:
                    counts[(i, j)] += 1
    del postings
    out: list[tuple[int, int, str, float, float, float, float | None]] = []
    seen = set()
    for (i, j), c in counts.items():
        if c < 2:
            continue
        a, b = sh[i], sh[j]
        inter = len(a & b)
        ca, cb = inter / max(1, len(a)), inter / max(1, len(b))
        if max(ca, cb) < args.min_containment:
            continue
        seen.add((i, j))
        out.append((i, j, "shingle", ca, cb, inter / max(1, len(a | b)), None))
    print(f"{len(out)} shingle pairs", file=sys.stderr)
    # same-event rewrites: TF-IDF cosine within a two-day window, few shared 5-grams
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [" ".join(t[:400]) for t in toks]
    vec = TfidfVectorizer(min_df=2, max_df=0.05, sublinear_tf=True)
    m = vec.fit_transform(texts)
    by_day: dict[str, list[int]] = defaultdict(list)
    for i, d in enumerate(docs):
        if d["date"]:
            by_day[d["date"][:10]].append(i)
    days = sorted(by_day)
    for k, dname in enumerate(days):
        left = by_day[dname]
        right = left + (by_day[days[k + 1]] if k + 1 < len(days) else [])
        sims = (m[left] @ m[right].T).tocoo()
        for r, c, v in zip(sims.row, sims.col, sims.data, strict=True):
            i, j = left[r], right[c]
            if i >= j or v < args.min_cosine or docs[i]["outlet"] == docs[j]["outlet"]:
                continue
            if (i, j) in seen:
                continue
            a, b = sh[i], sh[j]
            inter = len(a & b)
            ca, cb = inter / max(1, len(a)), inter / max(1, len(b))
            if max(ca, cb) >= args.min_containment:
                continue
            seen.add((i, j))
            out.append((i, j, "same_event", ca, cb, inter / max(1, len(a | b)), float(v)))
    print(f"{len(out)} pairs with same-event candidates", file=sys.stderr)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as fh:
        for i, j, kind, ca, cb, jac, cos in out:
            di, dj = docs[i], docs[j]
            gi, gj = day(di["date"]), day(dj["date"])
            gap = abs((gi - gj).days) if gi and gj else None
            hints = []
            if kind == "shingle" and gap:
                hints.append("formula_hint")
            rec = {
                "pair_id": pair_id(di["id"], dj["id"]),
                "kind": kind,
                "hints": hints,
                "a": di["id"],
                "b": dj["id"],
                "a_outlet": di["outlet"],
                "b_outlet": dj["outlet"],
                "a_date": di["date"],
                "b_date": dj["date"],
                "a_title": di["title"][:200],
                "b_title": dj["title"][:200],
                "a_in_b": round(ca, 4),
                "b_in_a": round(cb, 4),
                "jaccard": round(jac, 4),
                "cosine": None if cos is None else round(cos, 4),
                "date_gap_days": gap,
            }
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    kinds = Counter(k for _, _, k, *_ in out)
    print(f"wrote {len(out)} candidates to {args.out}: {dict(kinds)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
