"""Speed, memory and candidate recall of the matching engine, at 10k and 100k exclusives.

    python benchmarks/match.py [--sizes 10000,100000] [--out benchmarks/RESULTS-match.md]
    python benchmarks/match.py --fingerprint-only   # the fingerprinting ratios alone, quick

Exclusives are ~3,000-character Arabic articles built from the public corpora in ../shared/data
(SaudiNewsNet and ANT): real articles first (cut at a paragraph boundary), then, since the two
corpora hold ~62k articles, most of them short, articles spliced from paragraphs of different
articles. Articles sharing a paragraph with one already taken (wires republished by several
outlets) are skipped. A paragraph is used verbatim once; when the pool runs out, later uses get their words
shuffled (seeded), so spliced exclusives don't share passages with each other: same vocabulary,
no accidental copies. 1,000 real ANT articles are held out as the unrelated pages.

The texts are made once; each size then runs in its own subprocess (one core, no
multiprocessing), so peak memory (VmHWM) is that size's alone: the exclusives' texts (which
the product holds too), the index and the matching.
"""

from __future__ import annotations

import argparse
import datetime
import glob
import json
import platform
import random
import re
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "shared" / "data"
TARGET_CHARS = 3000
HOLDOUT = 1000
COPIES_PER_KIND = 200


def load_articles() -> tuple[list[list[str]], list[list[str]]]:
    """Every article of SaudiNewsNet, then of ANT, as lists of paragraphs, in a fixed order."""
    arts: list[list[str]] = []
    ant: list[list[str]] = []
    for z in sorted(glob.glob(str(DATA / "saudinewsnet" / "*.zip"))):
        with zipfile.ZipFile(z) as zf:
            for name in sorted(zf.namelist()):
                for a in json.loads(zf.read(name)):
                    arts.append([p.strip() for p in a["content"].split("\n") if p.strip()])
    text_re = re.compile(r"<TEXT>(.*?)</TEXT>", re.S)
    for t in sorted(glob.glob(str(DATA / "ant" / "*.tar.xz"))):
        with tarfile.open(t) as tf:
            for m in tf:
                f = tf.extractfile(m) if m.isfile() else None
                if f is None:
                    continue
                found = text_re.search(f.read().decode("utf-8", "replace"))
                if found:
                    ant.append([p.strip() for p in found.group(1).split("\n") if p.strip()])
    return [a for a in arts if a], [a for a in ant if a]


def build_docs(n: int) -> tuple[list[str], list[str], str]:
    """``n`` exclusives of ~TARGET_CHARS characters, the held-out pages, and a note on how."""
    rng = random.Random(42)
    saudi, ant = load_articles()
    rng.shuffle(ant)
    # unrelated pages from ANT (SaudiNewsNet republishes wires across outlets: its articles copy each other)
    long_ = [a for a in ant if sum(map(len, a)) >= 1500]
    holdout = ["\n".join(a) for a in long_[:HOLDOUT]]
    held = {id(a) for a in long_[:HOLDOUT]}
    rest = saudi + [a for a in ant if id(a) not in held]
    rng.shuffle(rest)
    # No duplicates: an article sharing a paragraph with one already taken (a wire republished by
    # several outlets) is skipped, and each paragraph enters the splicing pool once.
    seen = {hash(p) for a in long_[:HOLDOUT] for p in a if len(p) >= 40}
    docs: list[str] = []
    pool: list[str] = []
    real = 0
    for a in rest:
        keys = [hash(p) for p in a if len(p) >= 40]
        if any(k in seen for k in keys):
            continue
        seen.update(keys)
        if sum(map(len, a)) >= 0.8 * TARGET_CHARS and len(docs) < n:
            out, size = [], 0
            for i, p in enumerate(a):
                if size >= TARGET_CHARS:
                    pool.extend(a[i:])
                    break
                out.append(p)
                size += len(p) + 1
            docs.append("\n".join(out))
            real += 1
        else:
            pool.extend(a)
    rng.shuffle(pool)
    at, reused = 0, 0
    while len(docs) < n:
        out, size = [], 0
        while size < TARGET_CHARS:
            p = pool[at % len(pool)]
            if at >= len(pool):  # second and later use: same words, no shared passages
                w = p.split()
                rng.shuffle(w)
                p = " ".join(w)
                reused += 1
            out.append(p)
            size += len(p) + 1
            at += 1
        docs.append("\n".join(out))
    note = (
        f"{real:,} real articles cut to ~{TARGET_CHARS} chars + {n - real:,} spliced from "
        f"{min(at, len(pool)):,} paragraphs ({reused:,} paragraph uses word-shuffled)"
    )
    return docs, holdout, note


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited from the parent)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """This process's resident memory now (VmRSS)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def reset_peak_rss() -> None:
    """Reset VmHWM to the current RSS (Linux: writing 5 to clear_refs), to read one phase's peak."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


FP_DOCS = 512  # documents each fingerprinting variant runs on (the same ones for all)
FP_SLICE = 64  # ...timed this many at a time
FP_ROUNDS = 5  # each slice is timed this many times per variant, interleaved; the best time counts


def fingerprint_ratios(docs: list[str]) -> dict[str, float]:
    """Fingerprinting rates, docs/s, all on the same documents in the same process, interleaved.

    - ``minhash``: copywatch's MinHash fingerprint of a text, what the index computes for every
      exclusive and page: words, word hashes, 3-word run hashes, the passages' MinHash signatures
      (``PassageMinHash`` with the index's permutations, width and stride);
    - ``minhash_keys``: the same and the LSH band keys of those signatures;
    - ``minhash_batch``: the MinHash fingerprint as the index computes it for its exclusives,
      ``_BATCH`` texts at a time (``word_hashes_many``, ``run_hashes_many``, ``signatures_many``);
      a crawled page is fingerprinted alone, as ``minhash`` is;
    - ``datasketch``: datasketch's ``MinHash`` (128 permutations) updated 3-word shingle by
      shingle (the words are copywatch's, made inside the timing);
    - ``floor``: the same words' 3-word runs hashed with xxhash (``xxh3_64_intdigest`` of each run
      joined by spaces) and nothing else: the words are made before the timing starts, so the
      floor does no tokenizing at all while the MinHash fingerprint above does its own;
    - ``floor_words``: the floor with the words made inside the timing (``normalize.words``).
    """
    import xxhash
    from datasketch import MinHash

    from copywatch.match import fingerprint as fp
    from copywatch.match import index as index_module
    from copywatch.match.fingerprint import PassageMinHash, band_keys, run_hashes, word_hashes
    from copywatch.match.index import BANDS, GRAM_WORDS, PASSAGE_RUNS, PASSAGE_STRIDE, ROWS

    batch_size = getattr(index_module, "_BATCH", 1)
    from copywatch.text.normalize import words

    sketch = PassageMinHash(BANDS * ROWS, 1, PASSAGE_RUNS, PASSAGE_STRIDE)
    pre_split = [words(d) for d in docs]
    xxh = xxhash.xxh3_64_intdigest
    k = GRAM_WORDS

    def minhash() -> None:
        for d in docs:
            sketch.signatures((run_hashes(word_hashes(d), k) >> np.uint64(32)).astype(np.uint32))

    def minhash_keys() -> None:
        for d in docs:
            sig = sketch.signatures((run_hashes(word_hashes(d), k) >> np.uint64(32)).astype(np.uint32))
            band_keys(sig, ROWS)

    def minhash_batch() -> None:
        if not hasattr(fp, "word_hashes_many"):  # before batches existed: one text at a time
            minhash()
            return
        for lo in range(0, len(docs), batch_size):
            word_hs = fp.word_hashes_many(docs[lo : lo + batch_size])
            sketch.signatures_many([fp.high32(r) for r in fp.run_hashes_many(word_hs, k)])

    def datasketch() -> None:
        for d in docs:
            m = MinHash(num_perm=128, seed=1)
            ws = words(d)
            for i in range(len(ws) - k + 1):
                m.update(" ".join(ws[i : i + k]).encode())

    def floor() -> None:
        for ws in pre_split:
            [xxh(" ".join(ws[i : i + k]).encode()) for i in range(len(ws) - k + 1)]

    def floor_words() -> None:
        for d in docs:
            ws = words(d)
            [xxh(" ".join(ws[i : i + k]).encode()) for i in range(len(ws) - k + 1)]

    variants = {
        "minhash": minhash,
        "minhash_keys": minhash_keys,
        "minhash_batch": minhash_batch,
        "datasketch": datasketch,
        "floor": floor,
        "floor_words": floor_words,
    }
    # Timed in slices of FP_SLICE documents, every variant on a slice before the next slice, each
    # slice FP_ROUNDS times; a variant's time is the sum over slices of its best time: on a shared
    # machine a slice timed in a quiet moment counts, one slowed by a neighbour does not.
    slices = [slice(lo, lo + FP_SLICE) for lo in range(0, len(docs), FP_SLICE)]
    best = {name: [float("inf")] * len(slices) for name in variants}
    all_docs, all_split = docs, pre_split
    for _ in range(FP_ROUNDS):
        for j, part in enumerate(slices):
            docs, pre_split = all_docs[part], all_split[part]
            for name, f in variants.items():
                t = time.perf_counter()
                f()
                best[name][j] = min(best[name][j], time.perf_counter() - t)
    docs = all_docs
    best = {name: sum(times) for name, times in best.items()}
    out = {f"fp_{name}_docs_s": len(docs) / s for name, s in best.items()}
    out["fp_batch"] = batch_size if hasattr(fp, "word_hashes_many") else 1
    return out


def edit(text: str, rate: float, vocab: list[str], rng: random.Random) -> str:
    """Replace a share ``rate`` of the words with random corpus words (keeps line breaks)."""
    lines = []
    for line in text.split("\n"):
        ws = line.split()
        for i in range(len(ws)):
            if rng.random() < rate:
                ws[i] = rng.choice(vocab)
        lines.append(" ".join(ws))
    return "\n".join(lines)


def worker(n: int) -> dict[str, object]:
    from copywatch.match.fingerprint import run_hashes, word_hashes
    from copywatch.match.index import GRAM_WORDS, ExclusiveIndex
    from copywatch.models import Exclusive

    res: dict[str, object] = {"n": n}
    with open(ARGS_DOCS, encoding="utf-8") as f:
        meta = json.loads(f.readline())
        holdout = [json.loads(f.readline()) for _ in range(meta["holdout"])]
        docs = [json.loads(f.readline()) for _ in range(n)]
    res["corpus"] = meta["note"]
    res["mean_chars"] = round(sum(map(len, docs)) / len(docs))
    res["rss_loaded_mb"] = peak_rss_mb()

    # fingerprinting: words -> word hashes -> 3-word run hashes (cold caches: first thing run)
    sample = docs[:5000]
    t = time.perf_counter()
    for d in sample:
        run_hashes(word_hashes(d), GRAM_WORDS)
    res["fingerprint_docs_s"] = len(sample) / (time.perf_counter() - t)
    if n == min(ARGS_SIZES):
        res.update(fingerprint_ratios(docs[:FP_DOCS]))
        from copywatch.match.index import BANDS, ROWS

        res["num_perm"] = BANDS * ROWS

    exclusives = [
        Exclusive(url=f"https://o/{i}", fetched_url=f"https://o/{i}", title="", text=d)
        for i, d in enumerate(docs)
    ]
    res["rss_before_build_mb"] = rss_mb()
    peak_before = peak_rss_mb()
    reset_peak_rss()  # so the build's own peak can be read; the process peak is the max of both
    t = time.perf_counter()
    index = ExclusiveIndex(exclusives)
    res["build_s"] = time.perf_counter() - t
    res["rss_built_mb"] = rss_mb()
    res["rss_build_peak_mb"] = peak_rss_mb()
    arrays = [
        getattr(index, a) for a in ("_begin", "_end", "_postings", "_n_keys", "_n_words")
    ] + index._chunks
    arrays.append(index._idf)
    res["index_mb"] = sum(a.nbytes for a in arrays) / 2**20

    # pages: edited copies, a half and a quarter of an exclusive inside other text, unrelated
    rng = random.Random(7)
    vocab = [w for d in holdout[:200] for w in d.split()]
    kinds: dict[str, list[tuple[int, str]]] = {}
    for kind, rate in (
        ("copy 3% words changed", 0.03),
        ("copy 10% words changed", 0.10),
        ("copy 20% words changed", 0.20),
    ):
        picks = rng.sample(range(n), COPIES_PER_KIND)
        kinds[kind] = [(e, "عاجل\n" + edit(docs[e], rate, vocab, rng) + "\nاقرأ أيضا") for e in picks]
    for kind, share, rate in (("half an exclusive", 0.5, 0.05), ("quarter, 10% changed", 0.25, 0.10)):
        picks = rng.sample(range(n), COPIES_PER_KIND)
        pages = []
        for e in picks:
            ws = docs[e].split()  # a contiguous share of the words, from a random place
            cut = round(len(ws) * share)
            start = rng.randrange(0, len(ws) - cut + 1)
            part = edit(" ".join(ws[start : start + cut]), rate, vocab, rng)
            pages.append((e, holdout[rng.randrange(HOLDOUT)] + "\n" + part))
        kinds[kind] = pages
    recall: dict[str, list[float]] = {}
    for kind, pages in kinds.items():
        cand = found = 0
        for e, page in pages:
            cand += e in index.candidates(run_hashes(word_hashes(page), GRAM_WORDS))
            found += any(m.exclusive_url == f"https://o/{e}" for m in index.match("p", page))
        recall[kind] = [cand / len(pages), found / len(pages)]
    res["recall"] = recall

    copies = [p for ps in kinds.values() for _, p in ps]
    mix = copies + holdout  # 1,000 copies of five kinds + 1,000 unrelated articles
    rng.shuffle(mix)
    scan = rng.sample(copies, 50) + holdout  # a scan: about 5% of pages are copies
    rng.shuffle(scan)
    for name, pages in (("unrelated", holdout), ("copies", copies), ("mix", mix), ("scan", scan)):
        t = time.perf_counter()
        hits = sum(bool(index.match("p", p)) for p in pages)
        res[f"match_{name}_pages_s"] = len(pages) / (time.perf_counter() - t)
        res[f"match_{name}_with_match"] = hits
    ncand = [len(index.candidates(run_hashes(word_hashes(p), GRAM_WORDS))) for p in holdout]
    res["candidates_per_unrelated_page"] = sum(ncand) / len(ncand)

    if n == min(ARGS_SIZES):  # extraction, to compare: the same pages as HTML through trafilatura
        from copywatch.text.extract import extract_html

        htmls = [
            "<html><head><title>t</title></head><body>"
            "<nav><a href='/'>الرئيسية</a> <a href='/s'>رياضة</a></nav>"
            "<article><h1>عنوان</h1>" + "".join(f"<p>{q}</p>" for q in p.split("\n")) + "</article>"
            "<footer>جميع الحقوق محفوظة</footer></body></html>"
            for p in scan[:300]
        ]
        t = time.perf_counter()
        for i, h in enumerate(htmls):
            extract_html(h, f"https://c/{i}")
        res["extract_pages_s"] = len(htmls) / (time.perf_counter() - t)
        # and the generated news pages of the eval corpus (article, menus, sidebars, comments)
        dev = sorted(
            glob.glob(str(HERE.parent.parent / "shared" / "eval" / "dev" / "sites" / "*" / "a" / "*.html"))
        )
        if dev:
            pages = [Path(f).read_text(encoding="utf-8", errors="replace") for f in dev[:300]]
            t = time.perf_counter()
            for i, h in enumerate(pages):
                extract_html(h, f"https://c/{i}")
            res["extract_dev_pages_s"] = len(pages) / (time.perf_counter() - t)
            res["extract_dev_kb"] = sum(map(len, pages)) / len(pages) / 1024
    res["rss_peak_mb"] = max(peak_before, peak_rss_mb())
    return res


def markdown(results: list[dict], cmd: str) -> str:
    small = results[0]
    lines = [
        "## Matching engine (benchmarks/match.py)",
        "",
        f"{datetime.date.today().isoformat()}, {platform.machine()} Linux machine with 2 cores (shared), "
        f"Python {platform.python_version()}, one core used. Command: `{cmd}`",
        "",
        "Exclusives: ~3,000-character Arabic articles from SaudiNewsNet and ANT "
        "(see the script's docstring): "
        f"{results[-1]['corpus']}; each smaller set is the first n of them. "
        "Pages: 200 copies of each of five kinds (below) plus 1,000 held-out real articles (unrelated).",
        "",
        "| figure | " + " | ".join(f"{r['n']:,} exclusives" for r in results) + " |",
        "|---|" + "---|" * len(results),
    ]

    def row(label: str, key: str, fmt: str = "{:,.0f}") -> None:
        lines.append(
            f"| {label} | " + " | ".join(fmt.format(r[key]) if key in r else "" for r in results) + " |"
        )

    row("fingerprinting, docs/s (words, hashes, 3-word runs)", "fingerprint_docs_s")
    row("index build, s", "build_s", "{:,.1f}")
    lines.append(
        "| index build, exclusives/s | " + " | ".join(f"{r['n'] / r['build_s']:,.0f}" for r in results) + " |"
    )
    row("index arrays, MB", "index_mb", "{:,.0f}")
    row("matching, pages/s: scan-like (1,000 unrelated + 50 copies)", "match_scan_pages_s")
    row("matching, pages/s: half copies (1,000 + 1,000)", "match_mix_pages_s")
    row("matching, pages/s: unrelated only", "match_unrelated_pages_s")
    row("matching, pages/s: copies only", "match_copies_pages_s")
    row("candidates per unrelated page", "candidates_per_unrelated_page", "{:.2f}")
    row("unrelated pages with a match", "match_unrelated_with_match", "{}")
    row("process RSS after reading the texts, MB", "rss_loaded_mb", "{:,.0f}")
    row("process RSS after building the index, MB", "rss_built_mb", "{:,.0f}")
    row("process peak RSS while building, MB", "rss_build_peak_mb", "{:,.0f}")
    row("process peak RSS (texts, index, matching), MB", "rss_peak_mb", "{:,.0f}")
    for kind in results[0]["recall"]:
        lines.append(
            f"| recall, {kind}: candidates / matches | "
            + " | ".join(f"{r['recall'][kind][0]:.3f} / {r['recall'][kind][1]:.3f}" for r in results)
            + " |"
        )
    mh = small["fp_minhash_docs_s"]
    mhb = small["fp_minhash_batch_docs_s"]
    ds = small["fp_datasketch_docs_s"]
    floor = small["fp_floor_docs_s"]
    ext = small["extract_pages_s"]
    scan = small["match_scan_pages_s"]
    lines += [
        "",
        f"- Fingerprinting, the same {FP_DOCS} exclusives for every variant, timed {FP_SLICE} at a "
        f"time, best of {FP_ROUNDS} interleaved rounds per slice (`fingerprint_ratios`). copywatch's "
        "MinHash fingerprint (words, word hashes, 3-word runs, "
        f"the passages' {small['num_perm']}-permutation signatures): one text at a time, as a crawled "
        f"page is, **{mh:,.0f}** docs/s ({small['fp_minhash_keys_docs_s']:,.0f} with the LSH band keys); "
        f"{small['fp_batch']} texts at a time, as the index takes its exclusives, **{mhb:,.0f}** docs/s. "
        f"datasketch `MinHash` (128 perms) updated 3-word shingle by shingle: {ds:,.0f} docs/s, so "
        f"**{mh / ds:,.1f}x** (one at a time) and **{mhb / ds:,.1f}x** (batched). The floor, the same "
        f"words' 3-word runs hashed with xxhash (`xxh3_64_intdigest`) and nothing else, its words made "
        f"before the timing starts: {floor:,.0f} docs/s, so the MinHash fingerprint runs at "
        f"**{100 * mh / floor:,.0f}%** (one at a time) and **{100 * mhb / floor:,.0f}%** (batched) of it; "
        f"the floor with its words made inside the timing (`normalize.words`): "
        f"{small['fp_floor_words_docs_s']:,.0f} docs/s.",
        "- extraction (`text.extract.extract_html`, trafilatura) of the same pages as simple HTML: "
        f"{ext:,.0f} pages/s; matching the scan-like pages against {small['n']:,} exclusives takes "
        f"{100 * ext / scan:.0f}% of extraction time"
        + "".join(f", against {r['n']:,}: {100 * ext / r['match_scan_pages_s']:.0f}%" for r in results[1:])
        + "."
        + (
            f" On the eval corpus's generated news pages (~{small['extract_dev_kb']:.0f} KB of HTML each: "
            f"menus, sidebars, comments) extraction runs at {small['extract_dev_pages_s']:,.0f} pages/s, and "
            f"matching takes {100 * small['extract_dev_pages_s'] / scan:.0f}% (10k) and "
            + " / ".join(
                f"{100 * small['extract_dev_pages_s'] / r['match_scan_pages_s']:.0f}%" for r in results[1:]
            )
            + " (100k) of that; real news pages are heavier still."
            if "extract_dev_pages_s" in small
            else ""
        ),
        "- Candidate recall: the exclusive is among the candidates of its copy; match recall: it is reported "
        '(coverage >= 0.25). "half" and "quarter" pages are that share of an exclusive\'s words, contiguous, '
        "(5% and 10% of words changed) appended to an unrelated article.",
        "- The quarter pages carry 25% of an exclusive's words with 10% of those changed, so their coverage "
        "falls just under the default `min_coverage = 0.25`: the candidate stage finds every one; reporting "
        'them is that setting\'s call. "Unrelated pages with a match": held-out ANT articles that reuse '
        "text of an exclusive (the ANT outlets republish each other).",
        "- Not persisted: building is cheap enough (see build time) that a saved index would not pay.",
        "",
    ]
    return "\n".join(lines)


ARGS_SIZES: list[int] = [10_000]
ARGS_DOCS = ""


def main() -> None:
    global ARGS_SIZES, ARGS_DOCS
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--out", default=str(HERE / "RESULTS-match.md"))
    ap.add_argument(
        "--fingerprint-only",
        action="store_true",
        help="only the fingerprinting ratios, on the first exclusives (quick; prints JSON)",
    )
    ap.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--docs", help=argparse.SUPPRESS)
    args = ap.parse_args()
    ARGS_SIZES = [int(s) for s in args.sizes.split(",")]
    ARGS_DOCS = args.docs
    if args.worker:
        print(json.dumps(worker(args.worker)))
        return
    if args.fingerprint_only:
        docs, _, _ = build_docs(FP_DOCS)
        print(json.dumps(fingerprint_ratios(docs[:FP_DOCS])))
        return
    # The texts are made once and written out, so each worker's memory holds only its own.
    docs, holdout, note = build_docs(max(ARGS_SIZES))
    tmp = tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".jsonl", delete=False)
    with tmp as f:
        f.write(json.dumps({"holdout": len(holdout), "note": note}) + "\n")
        for t in holdout + docs:
            f.write(json.dumps(t, ensure_ascii=False) + "\n")
    del docs, holdout
    results = []
    for n in ARGS_SIZES:
        out = subprocess.run(
            [sys.executable, __file__, "--sizes", args.sizes, "--docs", tmp.name, "--worker", str(n)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))
        print(json.dumps(results[-1]), file=sys.stderr)
    Path(tmp.name).unlink()
    cmd = "python benchmarks/match.py" + (f" --sizes {args.sizes}" if args.sizes != "10000,100000" else "")
    md = markdown(results, cmd)
    print(md)
    Path(args.out).write_text(md, encoding="utf-8")


if __name__ == "__main__":
    np.seterr(over="ignore")
    main()
