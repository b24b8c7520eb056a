"""A naive copy scanner, the yardstick of benchmarks/scan_speed.py: the design card's libraries used
out of the box and nothing else.

httpx fetches the outlet's sitemap and each site's sitemap(s) and pages (one client, sites in
parallel threads like copywatch's ``concurrent_sites``); trafilatura.extract takes the main text;
each text's word 3-shingles go into a datasketch MinHash (128 permutations, updated shingle by
shingle); the exclusives go into a MinHashLSH (threshold 0.3) and every page is queried against it.
No robots.txt, no WARC, no alignment, no credit check, no store: what a first script would do.

Out of the box it reads only the sites' sitemaps (seeds ending in .xml, a feed read as one gives
nothing): a site listed by its home page or a feed alone gives it nothing, so on the dev web it
reads about half the site pages copywatch reads. ``--pages FILE`` (JSON: site name -> page URLs,
written by benchmarks/scan_speed.py from copywatch's store) gives it those pages instead, so that
both scanners fetch, extract and match the same articles; it is then handed copywatch's discovery
(no sitemap, robots.txt, link or listing page of its own to fetch). The last line it prints counts
its requests (``client.get`` calls, a redirect chain once) and the pages it extracted.

    python benchmarks/naive_scanner.py CONFIG.toml [--out naive.csv] [--pages pages.json]
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import re
import sys
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import trafilatura
from datasketch import MinHash, MinHashLSH

REQUESTS = itertools.count()  # next() on it is atomic: the site threads count their requests
PAGES = itertools.count()  # pages whose text was extracted
LOC = re.compile(r"<loc>\s*([^<\s]+)\s*</loc>")
NUM_PERM = 128


def sitemap_urls(client: httpx.Client, url: str, depth: int = 0) -> list[str]:
    try:
        next(REQUESTS)
        r = client.get(url)
    except httpx.HTTPError:
        return []
    locs = LOC.findall(r.text)
    if "<sitemapindex" in r.text and depth < 2:
        return [u for loc in locs for u in sitemap_urls(client, loc, depth + 1)]
    return locs


def minhash(text: str) -> MinHash:
    words = text.split()
    m = MinHash(num_perm=NUM_PERM)
    for i in range(max(0, len(words) - 2)):
        m.update(" ".join(words[i : i + 3]).encode("utf-8"))
    return m


def fetch_text(client: httpx.Client, url: str) -> str | None:
    try:
        next(REQUESTS)
        r = client.get(url)
    except httpx.HTTPError:
        return None
    if r.status_code != 200:
        return None
    next(PAGES)
    return trafilatura.extract(r.text, url=url)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("config")
    ap.add_argument("--out", default="naive.csv")
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--pages", help="JSON: site name -> the page URLs to scan (instead of its sitemaps)")
    a = ap.parse_args()
    cfg = tomllib.loads(Path(a.config).read_text(encoding="utf-8"))
    pages: dict[str, list[str]] | None = (
        json.loads(Path(a.pages).read_text(encoding="utf-8")) if a.pages else None
    )
    t0 = time.perf_counter()
    with httpx.Client(timeout=30, follow_redirects=True) as client:
        ex_urls = [u for s in cfg["outlet"]["exclusives"] for u in sitemap_urls(client, s)]
        lsh = MinHashLSH(threshold=0.3, num_perm=NUM_PERM)
        with ThreadPoolExecutor(a.threads) as pool:
            texts = list(pool.map(lambda u: (u, fetch_text(client, u)), ex_urls))
        for u, t in texts:
            if t:
                lsh.insert(u, minhash(t))

        def scan_site(site: dict) -> list[tuple[str, str, str]]:
            if pages is not None:
                urls = pages.get(site["name"], [])
            else:
                urls = [
                    u for seed in site["seeds"] if seed.endswith(".xml") for u in sitemap_urls(client, seed)
                ]
            out = []
            for u in urls:
                text = fetch_text(client, u)
                if text:
                    out += [(site["name"], u, ex) for ex in lsh.query(minhash(text))]
            return out

        with ThreadPoolExecutor(a.threads) as pool:
            found = [row for rows in pool.map(scan_site, cfg.get("sites", [])) for row in rows]
    with open(a.out, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["site", "page_url", "exclusive_url"])
        w.writerows(found)
    print(
        f"naive: {len(ex_urls)} exclusives, {next(REQUESTS)} requests, {next(PAGES)} pages,"
        f" {len(found)} matches in {time.perf_counter() - t0:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
