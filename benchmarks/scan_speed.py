"""Whole-scan time and peak memory: copywatch beside the naive scanner, in the same run.

Two webs, each served on 127.0.0.1 by ../shared/eval/serve.py:
- ``--web dev``: the labelled dev web (../shared/eval/dev);
- ``--web generated``: a web written here from the ANT corpus (../shared/data/ant): an outlet with
  ``--exclusives`` articles (SkyNews Arabia texts) and 8 sites sharing ``--pages`` pages of realistic
  size and shape (50-150 KB: inline CSS and scripts, a menu, a sidebar of headlines, comments,
  a footer of links), one in ten a copy of an exclusive (whole, a part, or edited), each site
  listed by its sitemap.

Both scanners get the same config (delay 0, 8 sites in parallel). The naive scanner runs twice
each round: as it comes, reading only sitemaps ("naive"; on the dev web it extracts 424 pages,
150 of them the exclusives, where copywatch stores 649: four of the eight sites are listed by a
home page or a feed alone), and given the site pages copywatch stored ("naive, same pages"; taken
from an untimed copywatch scan made first, whose store and WARC files are deleted before each
timed scan), so that both extract and match the same articles; copywatch also does its own
discovery (robots.txt, sitemaps, feeds, listing pages), which the second naive run is handed.
``copywatch_requests`` counts the response records of that scan's WARC files (every redirect hop
and robots.txt included); the naive scanner's last line counts its ``client.get`` calls and the
pages it extracted. Each runs in its own process under /usr/bin/time for wall time, CPU time
(user + system, the worker processes included) and peak RSS (of the largest single process: a
worker's pages shared with the scan's process are counted in each). ``--workers 1,2`` scans
once per value of [scan] workers (default: the config's default, one worker per core), in the
same run; the load average before each run is printed.

    python benchmarks/scan_speed.py --web dev
    python benchmarks/scan_speed.py --web generated --exclusives 2000 --pages 8000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from html import escape
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"
sys.path.insert(0, str(SHARED / "eval"))

SITES = 8


def ant_texts(limit: int, sources: tuple[str, ...] = ("SkyNews", "Alarabia")) -> list[tuple[str, str]]:
    """(title, text) of ANT articles with at least 150 words, in a fixed order."""
    out: list[tuple[str, str]] = []
    for src in sources:
        with tarfile.open(SHARED / "data" / "ant" / f"{src}.tar.xz") as tar:
            for m in sorted(tar.getmembers(), key=lambda m: m.name):
                if not m.isfile() or not m.name.endswith(".txt"):
                    continue
                raw = tar.extractfile(m).read().decode("utf-8", "replace")  # type: ignore[union-attr]
                title = re.search(r"<TITLE>(.*?)</TITLE>", raw, re.S)
                text = re.search(r"<TEXT>(.*?)</TEXT>", raw, re.S)
                if not title or not text:
                    continue
                body = "\n".join(p.strip() for p in text.group(1).strip().split("\n") if p.strip())
                if len(body.split()) >= 150:
                    out.append((title.group(1).strip(), body))
                if len(out) >= limit:
                    return out
    return out


def page_html(rng: random.Random, title: str, text: str, headlines: list[str], site: str) -> str:
    """A news page of realistic size and shape around one article."""
    css = "".join(
        f".c{i}{{margin:{i % 7}px;padding:{i % 5}px;color:#{i * 7919 % 0xFFFFFF:06x}}}\n" for i in range(600)
    )
    script = "var cfg=" + json.dumps({f"k{i}": "x" * 40 for i in range(rng.randint(100, 400))}) + ";"
    menu = "".join(f'<li><a href="/c/{i}">{escape(h[:30])}</a></li>' for i, h in enumerate(headlines[:60]))
    side = "".join(f'<li><a href="/p/{i}">{escape(h)}</a></li>' for i, h in enumerate(headlines[60:90]))
    comments = "".join(
        f'<li class="comment"><b>قارئ {i}</b><p>{escape(h)} {escape(h)}</p></li>'
        for i, h in enumerate(rng.sample(headlines, rng.randint(5, 40)))
    )
    foot = "".join(f'<a href="/f/{i}">{escape(h[:20])}</a> ' for i, h in enumerate(headlines[:50]))
    paras = "".join(f"<p>{escape(p)}</p>" for p in text.split("\n"))
    return (
        '<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8">'
        f"<title>{escape(title)} | {site}</title>"
        f"<style>{css}</style><script>{script}</script></head><body>"
        f'<header class="site-header"><nav><ul>{menu}</ul></nav></header>'
        f'<main><article><h1>{escape(title)}</h1><div class="entry-content">{paras}</div></article>'
        f'<section id="comments"><ol>{comments}</ol></section></main>'
        f'<aside class="sidebar"><h3>الأكثر قراءة</h3><ul>{side}</ul></aside>'
        f"<footer>{foot}</footer><script>{script}</script></body></html>"
    )


def build_generated(root: Path, n_ex: int, n_pages: int, seed: int = 1) -> dict:
    rng = random.Random(seed)
    texts = ant_texts(n_ex + n_pages)
    exclusives, others = texts[:n_ex], texts[n_ex:]
    headlines = [t for t, _ in texts[: min(len(texts), 400)]]
    sites = [
        {
            "name": "outlet",
            "kind": "outlet",
            "port_offset": 0,
            "base_path": "/",
            "dir": "sites/outlet",
            "gzip": "accept-html",
        }
    ]
    routes: dict[str, dict] = {"/sitemap.xml": {"file": "sitemap.xml", "type": "application/xml"}}
    (root / "sites/outlet/a").mkdir(parents=True)
    locs = []
    for i, (title, text) in enumerate(exclusives):
        (root / f"sites/outlet/a/{i}.html").write_text(
            page_html(rng, title, text, headlines, "outlet"), encoding="utf-8"
        )
        routes[f"/a/{i}.html"] = {"file": f"a/{i}.html", "type": "text/html; charset=utf-8"}
        locs.append(f"<url><loc>__ORIGIN__/a/{i}.html</loc></url>")
    (root / "sites/outlet/sitemap.xml").write_text(
        f'<?xml version="1.0"?><urlset>{"".join(locs)}</urlset>', encoding="utf-8"
    )
    (root / "sites/outlet/routes.json").write_text(json.dumps(routes), encoding="utf-8")
    copies = 0
    per_site = n_pages // SITES
    k = 0
    for s in range(SITES):
        name = f"site{s}"
        sites.append(
            {
                "name": name,
                "kind": "copier",
                "port_offset": s + 1,
                "base_path": "/",
                "dir": f"sites/{name}",
                "gzip": "accept-html",
            }
        )
        (root / f"sites/{name}/p").mkdir(parents=True)
        routes = {"/sitemap.xml": {"file": "sitemap.xml", "type": "application/xml"}}
        locs = []
        for j in range(per_site):
            if rng.random() < 0.1:
                title, text = rng.choice(exclusives)
                paras = text.split("\n")
                kind = rng.choice(["whole", "part", "edited"])
                if kind == "part":
                    paras = paras[: max(1, len(paras) // 2)]
                elif kind == "edited":
                    paras = [" ".join(w for w in p.split() if rng.random() > 0.08) for p in paras]
                text = "\n".join(paras)
                copies += 1
            else:
                title, text = others[k % len(others)]
                k += 1
            (root / f"sites/{name}/p/{j}.html").write_text(
                page_html(rng, title, text, headlines, name), encoding="utf-8"
            )
            routes[f"/p/{j}.html"] = {"file": f"p/{j}.html", "type": "text/html; charset=utf-8"}
            locs.append(f"<url><loc>__ORIGIN__/p/{j}.html</loc></url>")
        (root / f"sites/{name}/sitemap.xml").write_text(
            f'<?xml version="1.0"?><urlset>{"".join(locs)}</urlset>', encoding="utf-8"
        )
        (root / f"sites/{name}/routes.json").write_text(json.dumps(routes), encoding="utf-8")
    (root / "sites.json").write_text(json.dumps({"sites": sites}), encoding="utf-8")
    return {"exclusives": n_ex, "pages": per_site * SITES, "copies": copies}


def write_config(path: Path, urls: dict[str, str], store: Path, reports: Path) -> None:
    lines = [
        "[outlet]",
        'name = "سكاي نيوز عربية"',
        f'exclusives = ["{urls["outlet"].rstrip("/")}/sitemap.xml"]',
        "max_exclusives = 100000",
        "",
    ]
    for name, url in urls.items():
        if name != "outlet":
            lines += ["[[sites]]", f'name = "{name}"', f'seeds = ["{url.rstrip("/")}/sitemap.xml"]', ""]
    lines += [
        "[crawl]",
        "delay_seconds = 0.0",
        "max_pages_per_site = 100000",
        "max_site_seconds = 100000",
        "allow_private_addresses = true",
        "",
        f'[store]\npath = "{store}"\n',
        f'[report]\ndir = "{reports}"\n',
    ]
    path.write_text("\n".join(lines), encoding="utf-8")


def timed(cmd: list[str]) -> dict:
    t0 = time.perf_counter()
    load = round(os.getloadavg()[0], 2)
    p = subprocess.run(["/usr/bin/time", "-f", "MAXRSS %M CPU %U %S", *cmd], capture_output=True, text=True)
    wall = time.perf_counter() - t0
    rss = re.search(r"MAXRSS (\d+) CPU ([\d.]+) ([\d.]+)", p.stderr)
    tail = [ln for ln in p.stderr.splitlines() if ln.strip() and not ln.startswith("MAXRSS")][-2:]
    cpu = round(float(rss.group(2)) + float(rss.group(3)), 1) if rss else None
    return {"wall_s": round(wall, 1), "cpu_s": cpu,
            "peak_rss_mb": round(int(rss.group(1)) / 1024) if rss else None,
            "load_before": load, "exit": p.returncode, "tail": tail}  # fmt: skip


def same_pages(db: Path) -> dict[str, list[str]]:
    """Site name -> the URLs of the pages a copywatch scan stored (the outlet's own left out)."""
    import contextlib
    import sqlite3

    with contextlib.closing(sqlite3.connect(db)) as con:
        rows = con.execute(
            "SELECT site, url FROM pages WHERE site != '(outlet)' ORDER BY site, url"
        ).fetchall()
    out: dict[str, list[str]] = {}
    for site, url in rows:
        out.setdefault(site, []).append(url)
    return out


def warc_responses(folder: Path) -> int:
    """The requests a copywatch scan made: its WARC files' response records."""
    from warcio.archiveiterator import ArchiveIterator

    n = 0
    for f in folder.rglob("*.warc.gz"):
        with f.open("rb") as fh:
            n += sum(1 for r in ArchiveIterator(fh) if r.rec_type == "response")
    return n


def compile_copywatch() -> None:
    """Compile copywatch's modules to bytecode, as an installed copywatch has them. Where
    PYTHONDONTWRITEBYTECODE is set (this project's machine sets it) nothing is ever cached, and
    every run would compile copywatch's 20,000 lines of source at start (0.2 s), while the naive
    scanner's imports are all installed packages, compiled at their install."""
    import compileall

    import copywatch

    compileall.compile_dir(str(Path(copywatch.__file__).parent), quiet=1)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--web", choices=["dev", "generated"], default="dev")
    ap.add_argument("--exclusives", type=int, default=2000)
    ap.add_argument("--pages", type=int, default=8000)
    ap.add_argument("--port", type=int, default=19300)
    ap.add_argument("--skip-naive", action="store_true")
    ap.add_argument("--workers", default="", help="[scan] workers values to scan with, e.g. 1,2")
    ap.add_argument("--rounds", type=int, default=3, help="runs of each scanner, alternating; medians shown")
    a = ap.parse_args()
    import serve  # ../shared/eval/serve.py

    compile_copywatch()

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if a.web == "dev":
            corpus = SHARED / "eval" / "dev"
            meta: dict = {"web": "dev"}
        else:
            corpus = work / "web"
            t0 = time.perf_counter()
            meta = {"web": "generated", **build_generated(corpus, a.exclusives, a.pages)}
            meta["build_s"] = round(time.perf_counter() - t0, 1)
        sites, stop = serve.start(corpus, a.port)
        try:
            urls = dict(sites)
            cfg = work / "config.toml"
            if a.web == "dev":
                import run_scan  # ../shared/eval/run_scan.py

                run_scan.write_config(cfg, corpus, urls, work / "cw.db", work / "reports")
            else:
                write_config(cfg, urls, work / "cw.db", work / "reports")
            result = {**meta}
            runners: list[tuple[str, list[str], Path | None]] = []  # name, command, store to start afresh
            for n in [w.strip() for w in a.workers.split(",") if w.strip()] or [""]:
                run_cfg, name, db = cfg, "copywatch", work / "cw.db"
                if n:  # the same config, a store of its own, with [scan] workers = n
                    run_cfg, name, db = (
                        work / f"config-{n}.toml",
                        f"copywatch workers={n}",
                        work / f"cw-{n}.db",
                    )
                    text = cfg.read_text(encoding="utf-8").replace(str(work / "cw.db"), str(db))
                    run_cfg.write_text(f"{text}\n[scan]\nworkers = {int(n)}\n", encoding="utf-8")
                cmd = [sys.executable, "-m", "copywatch.cli", "scan", "--config", str(run_cfg)]
                runners.append((name, cmd, db))
            if not a.skip_naive:
                naive = [
                    sys.executable,
                    str(HERE / "naive_scanner.py"),
                    str(cfg),
                    "--out",
                    str(work / "naive.csv"),
                ]
                runners.append(("naive", naive, None))
                # the pages copywatch stores for each site, from a scan made first (not timed)
                name, cmd, db = runners[0]
                first = subprocess.run(cmd, capture_output=True, text=True, check=False)
                pages = same_pages(db) if db is not None and db.exists() else {}
                if first.returncode != 0 or not pages:
                    sys.exit(f"scan_speed: the untimed copywatch scan failed: {first.stderr[-2000:]}")
                (work / "pages.json").write_text(json.dumps(pages), encoding="utf-8")
                result["same_pages"] = sum(len(v) for v in pages.values())
                result["copywatch_requests"] = warc_responses(db.parent / "warc")
                runners.append(("naive, same pages", [*naive, "--pages", str(work / "pages.json")], None))
            runs: dict[str, list[dict]] = {name: [] for name, _, _ in runners}
            for r in range(a.rounds):
                # every other round in the reverse order: whichever runs first meets a colder server
                # and page cache, and the machine's speed drifts within a round
                for name, cmd, db in runners if r % 2 == 0 else runners[::-1]:
                    if db is not None:  # each scan a first scan: a fresh store and WARC folder
                        for f in db.parent.glob(db.name + "*"):
                            f.unlink()
                        shutil.rmtree(db.parent / "warc", ignore_errors=True)
                    runs[name].append(timed(cmd))
            for name, got in runs.items():
                result[name] = {
                    "wall_s": statistics.median(g["wall_s"] for g in got),
                    "cpu_s": statistics.median(g["cpu_s"] for g in got if g["cpu_s"] is not None),
                    "peak_rss_mb": max(g["peak_rss_mb"] or 0 for g in got),
                    "runs_wall_s": [g["wall_s"] for g in got],
                    "load_before": [g["load_before"] for g in got],
                    "exit": max(g["exit"] for g in got),
                    "tail": got[-1]["tail"],
                }
        finally:
            stop()
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
