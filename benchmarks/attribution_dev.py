"""Attribution accuracy on the dev corpus's true copies (by hand; needs /work/shared/eval/dev).

For every page labelled verbatim/edited/partial/reordered/merged, run ``attribute`` on the page's
HTML and compare credited (verdict != none) with the truth (attribution != none). Also counts pages
where a decoy was the only thing that could have made it "credited", and the notice_kept flag.

    python benchmarks/attribution_dev.py [/work/shared/eval/dev] [-v]
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

import trafilatura

from copywatch.attribution import attribute
from copywatch.config import OutletConfig
from copywatch.models import Document, Exclusive

COPY_LABELS = {"verbatim", "edited", "partial", "reordered", "merged"}
KIND = {"link_article": "link", "link_home": "link", "canonical": "canonical", "name": "name", "none": "none"}


def _route(site_dir: Path, path: str) -> Path | None:
    routes = json.loads((site_dir / "routes.json").read_text(encoding="utf-8"))
    for key in (path, unquote(path), unquote(path.split("?")[0]), path.split("?")[0]):
        entry = routes.get(key)
        if entry and "file" in entry:
            return site_dir / entry["file"]
    return None


def main(root: Path, verbose: bool) -> int:
    truth = json.loads((root / "truth.json").read_text(encoding="utf-8"))
    outlet_info = json.loads((root / "outlet.json").read_text(encoding="utf-8"))
    outlet = OutletConfig(
        name=outlet_info["name"],
        aliases=tuple(outlet_info["aliases"]) + (outlet_info["latin"],),
        domains=(outlet_info["domain"],),
        notice=outlet_info["notice"],
    )
    out_dir = root / "sites" / outlet_info["site_name"]
    exclusives: dict[str, Exclusive] = {}
    for e in outlet_info["exclusives"]:
        html = (_route(out_dir, e["path"]) or Path("/nonexistent")).read_text(encoding="utf-8")
        text = trafilatura.extract(html.replace("__ORIGIN__", "http://127.0.0.1:18000")) or ""
        exclusives[e["id"]] = Exclusive(
            url=e["canonical_url"],
            fetched_url="http://127.0.0.1:18000" + e["path"],
            title=e["title"],
            text=text,
            published_at=e["published_time"],
        )

    ok = total = 0
    confusion: Counter[tuple[str, str]] = Counter()
    errors = []
    decoy_credited = 0
    notice_right = notice_total = 0
    t0 = time.perf_counter()
    for p in truth["pages"]:
        if p["label"] not in COPY_LABELS:
            continue
        site_dir = root / "sites" / p["site"]
        f = _route(site_dir, p["path"])
        if f is None:
            print("no file for", p["page_id"], file=sys.stderr)
            continue
        origin = f"http://127.0.0.1:{18000 + p['site_port_offset']}"
        html = f.read_text(encoding="utf-8").replace("__ORIGIN__", origin)
        doc = Document(
            url=origin + p["path"], title=p["title"], text=trafilatura.extract(html) or "", html=html
        )
        credit = attribute(doc, exclusives[p["exclusive_id"]], outlet, notice=outlet.notice)
        want = KIND[p["attribution"]]
        total += 1
        confusion[(want, credit.verdict)] += 1
        right = (want != "none") == (credit.verdict != "none")
        ok += right
        if credit.verdict != "none" and want == "none" and p["decoys"]:
            decoy_credited += 1
        notice_total += 1
        notice_right += ("notice_kept" in p["decoys"]) == credit.notice_kept
        if not right or verbose and want != credit.verdict:
            errors.append((p["page_id"], str(f), want, p["attribution_detail"], p["decoys"], credit))
    elapsed = time.perf_counter() - t0
    print(f"credited-vs-none accuracy: {ok}/{total} = {ok / total:.4f}")
    print(f"false 'credited' caused by a decoy: {decoy_credited}")
    print(f"notice_kept agreement: {notice_right}/{notice_total}")
    print("confusion (truth -> verdict):")
    for (want, got), n in sorted(confusion.items()):
        print(f"  {want:10s} -> {got:10s} {n}")
    print(f"{elapsed:.1f}s for {total} pages")
    for e in errors:
        print("ERROR" if (e[2] != "none") != (e[5].verdict != "none") else "kind", *e[:5], e[5], sep="\n  ")
    return 0


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "-v"]
    sys.exit(main(Path(args[0] if args else "/work/shared/eval/dev"), "-v" in sys.argv))
