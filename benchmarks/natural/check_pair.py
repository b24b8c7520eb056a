#!/usr/bin/env python3
"""Run copywatch's credit check on one labelled pair of a built web, as the pipeline does it.

    python benchmarks/natural/check_pair.py spa p-51b5ffa9fe [--web /tmp/cw-natural/web]
    python benchmarks/natural/check_pair.py spa p-51b5ffa9fe --bare --cut 3000   # minimal page

Extracts the exclusive's text from its outlet page and the page's text with trafilatura, calls
copywatch.attribution.attribute() on the page's HTML, and prints the verdict, the evidence and
decoys, the reader's label, and which element copywatch took for the article body. For looking
at one error printed by run.py without running a scan. --bare reduces the page to its <h1> and
its first <p> (with --cut N: the first N characters of it), to narrow a failure down.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.parse
from pathlib import Path

import trafilatura

from copywatch.attribution import attribute
from copywatch.config import OutletConfig
from copywatch.models import Document, Exclusive


def read(web: Path, site: str, path: str) -> str:
    routes = json.loads((web / "sites" / site / "routes.json").read_text(encoding="utf-8"))
    p, _, q = path.partition("?")
    key = urllib.parse.unquote(p) + ("?" + q if q else "")
    return (web / "sites" / site / routes[key]["file"]).read_text(encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("web_name")
    ap.add_argument("pair_id")
    ap.add_argument("--web", default="/tmp/cw-natural/web")
    ap.add_argument("--bare", action="store_true", help="only the <h1> and the first <p> of the page")
    ap.add_argument("--cut", type=int, default=0, help="with --bare: keep this many characters of the <p>")
    a = ap.parse_args()
    web = Path(a.web) / a.web_name
    truth = json.loads((web / "truth.json").read_text(encoding="utf-8"))
    pair = next((p for p in truth["pairs"] if p["pair_id"] == a.pair_id), None)
    if pair is None:
        print(f"no pair {a.pair_id} in {web}", file=sys.stderr)
        return 2
    page = next(p for p in truth["pages"] if p["page_id"] == pair["page_id"])
    ex = next(e for e in truth["outlet"]["exclusives"] if e["id"] == pair["exclusive_id"])
    o = truth["outlet"]
    origin0, origin1 = "http://127.0.0.1:18000", f"http://127.0.0.1:{18000 + page['site_port_offset']}"
    ohtml = read(web, o["site_name"], ex["path"]).replace("__ORIGIN__", origin0)
    exclusive = Exclusive(
        url=ex["canonical_url"],
        fetched_url=origin0 + ex["path"],
        title=ex["title"],
        text=trafilatura.extract(ohtml) or "",
        published_at=ex["published_time"],
    )
    html = read(web, page["site"], page["path"]).replace("__ORIGIN__", origin1)
    if a.bare:
        from lxml import html as lxml_html

        tree = lxml_html.fromstring(html)
        first = (tree.xpath("//p") or [None])[0]
        text = first.text_content() if first is not None else ""
        if a.cut:
            text = text[: a.cut]
        esc = __import__("html").escape
        html = f"<html><body><h1>{esc(page['title'])}</h1><div><p>{esc(text)}</p></div></body></html>"
    doc = Document(
        url=origin1 + page["path"], title=page["title"], text=trafilatura.extract(html) or "", html=html
    )
    outlet = OutletConfig(name=o["name"], aliases=tuple(o["aliases"]), domains=(o["domain"],), notice="")
    credit = attribute(doc, exclusive, outlet)
    print(f"reader: {pair['label']} share={pair['share']} credit={pair['credit']} {pair['credit_text']!r}")
    print(
        f"page: {page['site']} {page['path']} byline={page['byline_text']!r}",
        f"placed {page['byline_placement']}",
    )
    print(f"copywatch: {credit.verdict}")
    for e in credit.evidence:
        print("  evidence:", e)
    for e in credit.decoys:
        print("  not credit:", e)
    try:  # which element was taken for the article (internal; may change)
        from copywatch.attribution import _parse
        from copywatch.attribution.page import _locate

        located = _locate(_parse(html), [exclusive.text])
        print(
            "located body:",
            located.body.tag,
            located.body.get("class"),
            "region:",
            [r.tag for r in located.region],
        )
    except Exception as exc:  # noqa: BLE001 - diagnostic only
        print("located body: (not available:", exc, ")")
    return 0


if __name__ == "__main__":
    sys.exit(main())
