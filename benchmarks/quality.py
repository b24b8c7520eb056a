#!/usr/bin/env python3
"""Detection and attribution quality on a labelled mini web (default: ../shared/eval/dev).

    python benchmarks/quality.py [--corpus ../shared/eval/dev] [--copywatch copywatch]

Serves the corpus on 127.0.0.1 with the shared eval server, runs `copywatch scan` in a scratch
folder exactly as a user would (the config is written by the shared harness), scores
reports/latest/evidence.csv against truth.json, and prints: recall of the pages that must be
reported, precision, recall per copy type, false reports per negative type, coverage within 0.1,
credit (attribution) accuracy, decoys counted as credit, and the scan's wall time.
Needs ../shared (the eval harness); the project's own tests do not.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(EVAL / "dev"))
    ap.add_argument("--copywatch", default="copywatch")
    ap.add_argument("--base-port", type=int, default=18600)
    args = ap.parse_args()
    sys.path.insert(0, str(EVAL))
    import run_scan  # type: ignore[import-not-found]
    import score  # type: ignore[import-not-found]
    import serve  # type: ignore[import-not-found]

    corpus = Path(args.corpus).resolve()
    work = Path(tempfile.mkdtemp(prefix="cw-quality-"))
    log = work / "requests.tsv"
    started, stop = serve.start(str(corpus), args.base_port, log_path=str(log))
    try:
        cfg = work / "config.toml"
        run_scan.write_config(cfg, corpus, dict(started), work / "copywatch.db", work / "reports")
        t0 = time.monotonic()
        proc = subprocess.run(
            [args.copywatch, "scan", "--config", str(cfg)], cwd=work, capture_output=True, text=True
        )
        wall = time.monotonic() - t0
    finally:
        stop()
    if proc.returncode != 0:
        print(proc.stdout[-2000:], proc.stderr[-4000:])
        return 2
    result = score.score(corpus, work / "reports" / "latest" / "evidence.csv", args.base_port, log)
    truth = json.loads((corpus / "truth.json").read_text(encoding="utf-8"))
    expected_by_label = Counter(p["label"] for p in truth["pages"] if p.get("expected_report"))
    missed = result["missed_by_label"]
    per_type = {
        label: round(1 - missed.get(label, 0) / n, 4) for label, n in sorted(expected_by_label.items())
    }
    negatives = Counter(
        p["label"] for p in truth["pages"] if not p.get("exclusive_id") or p["label"] == "quote"
    )
    decoy_as_credit = sum(n for k, n in result["credit_errors"].items() if k.startswith("said credited"))
    out = {
        "corpus": str(corpus),
        "recall": result["recall"],
        "precision": result["precision"],
        "recall_by_type": per_type,
        "false_reports_by_label": result["false_reports_by_label"],
        "negatives_by_label": dict(negatives),
        "coverage_within_0.1": result["coverage_within_0.1"],
        "credit_accuracy": result["credit"],
        "credit_errors": result["credit_errors"],
        "said_credited_wrongly": decoy_as_credit,
        "robots_violations": result["robots_violations"],
        "requests": result["requests"],
        "missing_columns": result["missing_columns"],
        "formula_cells": result["formula_cells"],
        "scan_wall_s": round(wall, 1),
    }
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
