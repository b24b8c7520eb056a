#!/usr/bin/env python3
"""Scan the natural-reuse mini webs with copywatch, as a user would, and score the evidence.

    python benchmarks/natural/run.py [--web /tmp/cw-natural/web] [--copywatch copywatch]
                                     [--eval-dir ../shared/eval] [--errors errors.txt] [--keep]

For each web built by build_web.py (spa, sky):
1. serves it on 127.0.0.1 with ../shared/eval/serve.py (one port per site, a request log);
2. writes a config.toml in copywatch's documented schema: the outlet's name and aliases
   (for SPA: name «وكالة الأنباء السعودية», aliases «واس» and "SPA", domain spa.gov.sa), its
   sitemap as the list of exclusives, each copier site with its home page and sitemap as seeds,
   allow_private_addresses = true, delay_seconds = 0;
3. runs `copywatch scan --config config.toml` in a scratch folder;
4. scores reports/latest/evidence.csv against truth.json "pairs":
   - a reported (page, exclusive) pair is a hit when the reader labelled it copy or partial with
     a share >= 0.25 (`expected_report`); any other reported pair is a false report (a labelled
     quote / same_event / unrelated pair, or a pair nobody labelled, e.g. an unrelated filler page);
   - recall = hits / expected; precision = hits / reported;
   - credit accuracy, on hits: copywatch's verdict (attribution != none) against the reader's
     (the page credits the outlet, by byline, dateline or in the body);
   - coverage: share of hits whose reported coverage is within 0.1 of the reader's share.
5. prints the figures as JSON, one line per web and for both webs together, and every error
   (missed copy, false report, wrong credit verdict, coverage off by more than 0.1) with the pair
   id, the label, the reader's share and credit, and copywatch's verdict and evidence, so that
   the failing mechanisms can be seen. --errors also writes them to a file.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
BASE_PORTS = {"spa": 18600, "sky": 18700, "afp": 18800, "spa_h": 18900}


def toml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def toml_list(xs: list[str]) -> str:
    return "[" + ", ".join(toml_str(x) for x in xs) + "]"


def write_config(path: Path, truth: dict, sites: list[dict], urls: dict[str, str], work: Path) -> None:
    outlet = truth["outlet"]
    o_site = next(s for s in sites if s["kind"] == "outlet")
    base = urls[o_site["name"]].rstrip("/")
    lines = [
        "[outlet]",
        f"name = {toml_str(outlet['name'])}",
        f"aliases = {toml_list(outlet['aliases'])}",
        f"domains = {toml_list([outlet['domain']])}",
        f"exclusives = {toml_list([base + '/sitemap.xml'])}",
        "exclusive_markers = []",
        "",
    ]
    for s in sites:
        if s["kind"] == "outlet":
            continue
        root = urls[s["name"]]
        lines += [
            "[[sites]]",
            f"name = {toml_str(s['name'])}",
            f"seeds = {toml_list([root, root + 'sitemap.xml'])}",
            "",
        ]
    lines += [
        "[crawl]",
        'user_agent = "copywatch-natural-benchmark/1 (+https://www.spa.gov.sa/copywatch)"',
        "delay_seconds = 0.0",
        "max_pages_per_site = 2000",
        "max_depth = 3",
        "timeout_seconds = 20",
        "allow_private_addresses = true",
        "",
        "[store]",
        f"path = {toml_str(str(work / 'copywatch.db'))}",
        "",
        "[report]",
        f"dir = {toml_str(str(work / 'reports'))}",
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")


def norm_path(p: str) -> str:
    parts = urllib.parse.urlsplit(p)
    return urllib.parse.unquote(parts.path or "/") + (("?" + parts.query) if parts.query else "")


def score(web_dir: Path, csv_path: Path, base_port: int) -> tuple[dict, list[dict]]:
    truth = json.loads((web_dir / "truth.json").read_text(encoding="utf-8"))
    sites = json.loads((web_dir / "sites.json").read_text(encoding="utf-8"))["sites"]
    port_site = {base_port + s["port_offset"]: s["name"] for s in sites}
    o_site = next(s["name"] for s in sites if s["kind"] == "outlet")
    excl_by_key: dict[object, str] = {}
    excl = {}
    for e in truth["outlet"]["exclusives"]:
        excl[e["id"]] = e
        excl_by_key[e["canonical_url"].rstrip("/")] = e["id"]
        excl_by_key[(o_site, norm_path(e["path"]))] = e["id"]
    page_by_key = {(p["site"], norm_path(p["path"])): p for p in truth["pages"]}
    pages = {p["page_id"]: p for p in truth["pages"]}
    pairs = {(p["page_id"], p["exclusive_id"]): p for p in truth["pairs"]}
    expected = {k for k, p in pairs.items() if p["expected_report"]}
    with open(csv_path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    reported: dict[tuple[str, str], dict] = {}
    unmapped = []
    for r in rows:
        u = urllib.parse.urlsplit(r.get("page_url", ""))
        page = page_by_key.get(
            (port_site.get(u.port or 0, ""), norm_path(u.path + ("?" + u.query if u.query else "")))
        )
        eu = (r.get("exclusive_url") or "").rstrip("/")
        ex = excl_by_key.get(eu)
        if ex is None:
            uu = urllib.parse.urlsplit(eu)
            ex = excl_by_key.get(
                (port_site.get(uu.port or 0, ""), norm_path(uu.path + ("?" + uu.query if uu.query else "")))
            )
        if page is None or ex is None:
            unmapped.append(r.get("page_url"))
            continue
        reported[(page["page_id"], ex)] = r
    hits = expected & reported.keys()
    errors: list[dict] = []

    def verdict(r: dict | None) -> dict:
        if r is None:
            return {}
        return {
            "coverage": r.get("coverage"),
            "match_type": r.get("match_type"),
            "attribution": r.get("attribution"),
            "evidence": (r.get("attribution_evidence") or "")[:300],
            "published_order": r.get("published_order"),
        }

    def err(kind: str, key: tuple[str, str], r: dict | None) -> None:
        p = pairs.get(key)
        pg = pages[key[0]]
        errors.append(
            {
                "error": kind,
                "pair_id": p["pair_id"] if p else "(unlabelled)",
                "label": p["label"] if p else ("filler" if pg["filler"] else "unlabelled"),
                "formula": bool(p and p["formula"]),
                "share": p["share"] if p else None,
                "credit": p["credit"] if p else None,
                "credit_text": p["credit_text"] if p else "",
                "byline": pg["byline_text"],
                "byline_placement": pg["byline_placement"],
                "site": pg["site"],
                "page": pg["path"],
                "exclusive": excl[key[1]]["title"][:80],
                "note": p["note"] if p else "",
                "copywatch": verdict(r),
            }
        )

    reported_for_page: dict[str, list[str]] = {}
    for pid, ex in reported:
        reported_for_page.setdefault(pid, []).append(ex)
    missed_elsewhere = 0
    for k in sorted(expected - reported.keys()):
        err("missed", k, None)
        # the page may be reported against another exclusive (one carrying the same text)
        others = reported_for_page.get(k[0], [])
        errors[-1]["page_reported_against"] = [
            {
                "exclusive": excl[o]["title"][:80],
                "coverage": reported[(k[0], o)].get("coverage"),
                "labelled": (k[0], o) in pairs,
            }
            for o in others
        ]
        missed_elsewhere += bool(others)
    false = [k for k in reported if k not in expected]
    for k in sorted(false):
        err("false_report", k, reported[k])
    credit_ok = 0
    cov_ok = 0
    cov_ok_first = 0
    by_place: dict[str, list[int]] = {}
    cov_dir: Counter[str] = Counter()
    for k in sorted(hits):
        p, r = pairs[k], reported[k]
        says = (r.get("attribution") or "").strip().lower() not in ("", "none")
        if p["credited"]:
            place = pages[k[0]]["byline_placement"] or p["credit"]
            place += "" if pages[k[0]]["markup_classes"] else "/no-classes"
            slot = by_place.setdefault(place, [0, 0])
            slot[0] += says
            slot[1] += 1
        if says == p["credited"]:
            credit_ok += 1
        else:
            err("credit_said_" + ("credited" if says else "none"), k, r)
        try:
            c = float(r.get("coverage") or "nan")
        except ValueError:
            c = float("nan")
        if round(abs(c - p["share"]), 4) <= 0.1:
            cov_ok += 1
        else:
            cov_dir["over" if c > p["share"] else "under"] += 1
            err("coverage", k, r)
        if round(abs(c - p.get("share_first_pass", p["share"])), 4) <= 0.1:
            cov_ok_first += 1
    n_rep = len(hits) + len(false)
    ambiguous_false = sum(1 for k in false if k in pairs and pairs[k].get("ambiguous"))
    ambiguous_expected = {k for k in expected if pairs[k].get("ambiguous")}
    ambiguous_missed = len(ambiguous_expected - reported.keys())
    truly_credited = sum(1 for k in hits if pairs[k]["credited"])
    res = {
        "web": truth["web"],
        "expected": len(expected),
        "reported_pairs": len(reported),
        "hits": len(hits),
        "recall": round(len(hits) / len(expected), 4) if expected else None,
        "precision": round(len(hits) / n_rep, 4) if n_rep else None,
        "credit": round(credit_ok / len(hits), 4) if hits else None,
        "coverage_within_0.1": round(cov_ok / len(hits), 4) if hits else None,
        "coverage_within_0.1_first_pass_shares": round(cov_ok_first / len(hits), 4) if hits else None,
        "precision_without_ambiguous": round(len(hits) / (n_rep - ambiguous_false), 4) if n_rep else None,
        "recall_without_ambiguous": round(
            len(hits - ambiguous_expected) / (len(expected) - len(ambiguous_expected)), 4
        )
        if expected
        else None,
        "hits_credited_by_reader": truly_credited,
        "missed_by_label": dict(Counter(pairs[k]["label"] for k in expected - reported.keys())),
        "missed_but_page_reported_against_another_exclusive": missed_elsewhere,
        "false_by_label": dict(
            Counter(
                (pairs[k]["label"] + ("/formula" if pairs[k]["formula"] else ""))
                if k in pairs
                else "unlabelled"
                for k in false
            )
        ),
        "credit_errors": dict(Counter(e["error"] for e in errors if e["error"].startswith("credit"))),
        "coverage_errors": dict(cov_dir),
        "credited_copies_seen_by_placement": {k: f"{v[0]}/{v[1]}" for k, v in sorted(by_place.items())},
        "unmapped_rows": len(unmapped),
        "_counts": {
            "hits": len(hits),
            "expected": len(expected),
            "reported": n_rep,
            "credit_ok": credit_ok,
            "cov_ok": cov_ok,
            "cov_ok_first": cov_ok_first,
            "amb": ambiguous_false,
            "amb_exp": len(ambiguous_expected),
            "amb_hit": len(ambiguous_expected) - ambiguous_missed,
        },
    }
    return res, errors


def summary(name: str, results: list[dict]) -> dict:
    tot: Counter[str] = Counter()
    for r in results:
        tot.update(r["_counts"])
    return {
        "web": name,
        "recall": round(tot["hits"] / tot["expected"], 4) if tot["expected"] else None,
        "precision": round(tot["hits"] / tot["reported"], 4) if tot["reported"] else None,
        "credit": round(tot["credit_ok"] / tot["hits"], 4) if tot["hits"] else None,
        "coverage_within_0.1": round(tot["cov_ok"] / tot["hits"], 4) if tot["hits"] else None,
        "coverage_within_0.1_first_pass_shares": round(tot["cov_ok_first"] / tot["hits"], 4)
        if tot["hits"]
        else None,
        "precision_without_ambiguous": round(tot["hits"] / (tot["reported"] - tot["amb"]), 4)
        if tot["reported"]
        else None,
        "recall_without_ambiguous": round(
            (tot["hits"] - tot["amb_hit"]) / (tot["expected"] - tot["amb_exp"]), 4
        )
        if tot["expected"]
        else None,
        **{k: tot[k] for k in ("expected", "hits", "reported")},
        "webs": [r["web"] for r in results],
    }


def run_web(web_dir: Path, args, serve) -> tuple[dict, list[dict]]:
    web = web_dir.name
    base_port = BASE_PORTS.get(web, 18900) + args.port_shift
    work = Path(tempfile.mkdtemp(prefix=f"cw-natural-{web}-"))
    started, stop = serve.start(str(web_dir), base_port, log_path=str(work / "requests.tsv"))
    try:
        truth = json.loads((web_dir / "truth.json").read_text(encoding="utf-8"))
        sites = json.loads((web_dir / "sites.json").read_text(encoding="utf-8"))["sites"]
        cfg = work / "config.toml"
        write_config(cfg, truth, sites, dict(started), work)
        t0 = time.monotonic()
        proc = subprocess.run(
            [args.copywatch, "scan", "--config", str(cfg)],
            cwd=work,
            capture_output=True,
            text=True,
            timeout=args.timeout,
        )
        wall = time.monotonic() - t0
    finally:
        stop()
    csv_path = work / "reports" / "latest" / "evidence.csv"
    if proc.returncode != 0 or not csv_path.exists():
        sys.stdout.write(proc.stdout[-2000:] + proc.stderr[-2000:])
        raise SystemExit(f"scan of {web} failed: exit {proc.returncode} (scratch {work})")
    res, errors = score(web_dir, csv_path, base_port)
    res["scan_wall_s"] = round(wall, 1)
    res["scratch"] = str(work)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return res, errors


def main() -> int:
    ap = argparse.ArgumentParser(description="Scan and score the natural-reuse mini webs")
    ap.add_argument("--web", default="/tmp/cw-natural/web", help="folder written by build_web.py")
    ap.add_argument("--only", action="append", help="only this web (spa, sky)")
    ap.add_argument("--copywatch", default="copywatch")
    ap.add_argument("--eval-dir", default=str(REPO.parent / "shared" / "eval"), help="where serve.py is")
    ap.add_argument("--timeout", type=int, default=1800)
    ap.add_argument(
        "--port-shift", type=int, default=0, help="add this to the ports (spa 18600+, sky 18700+)"
    )
    ap.add_argument("--errors", help="also write the errors (JSON lines) to this file")
    ap.add_argument("--keep", action="store_true", help="keep the scratch folders")
    args = ap.parse_args()
    if "/" in args.copywatch:
        args.copywatch = str(Path(args.copywatch).resolve())
    sys.path.insert(0, args.eval_dir)
    try:
        import serve
    except ImportError:
        print(f"no serve.py in {args.eval_dir}", file=sys.stderr)
        return 2
    webs = sorted(p for p in Path(args.web).iterdir() if (p / "truth.json").exists())
    if args.only:
        webs = [p for p in webs if p.name in args.only]
    if not webs:
        print(f"no webs under {args.web}; run build_web.py first", file=sys.stderr)
        return 2
    results, all_errors = [], []
    for w in webs:
        res, errors = run_web(w, args, serve)
        results.append(res)
        for e in errors:
            e["web"] = w.name
        all_errors += errors
    # the held-out web (spa_h) is summed on its own, so that "both" stays the figure of the
    # webs the results were tuned against
    main_res = [r for r in results if not r["web"].endswith("_h")] or results
    held = [r for r in results if r["web"].endswith("_h") and r not in main_res]
    both = summary("both", main_res)
    summaries = [both] + ([summary("held_out", held)] if held else [])
    for e in all_errors:
        print("ERROR " + json.dumps(e, ensure_ascii=False))
    if args.errors:
        with open(args.errors, "w", encoding="utf-8") as fh:
            for e in all_errors:
                fh.write(json.dumps(e, ensure_ascii=False) + "\n")
    for r in results + summaries:
        r.pop("_counts", None)
        print(json.dumps(r, ensure_ascii=False))
    print(
        f"natural: recall={both['recall']} precision={both['precision']} credit={both['credit']} "
        f"coverage_ok={both['coverage_within_0.1']} "
        f"(expected {both['expected']}, hits {both['hits']}, reported {both['reported']})"
    )
    for h in summaries[1:]:
        print(
            f"held out ({', '.join(h['webs'])}): recall={h['recall']} precision={h['precision']} "
            f"credit={h['credit']} coverage_ok={h['coverage_within_0.1']} "
            f"(expected {h['expected']}, hits {h['hits']}, reported {h['reported']})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
