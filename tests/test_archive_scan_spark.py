"""archive-scan on Spark (local[2], one session for the module): the must-shows of issue 14.

- The demo web's pages, fetched and written to WARC by copywatch's own crawler (a real scan of the
  served demo web), plus a WARC file of unrelated news pages and crawl furniture, scanned with
  `copywatch archive-scan`: the same copies, figures and credit verdicts as the live scan, which
  the demo's truth scores at recall 1, precision 1, credit accuracy 1.
- The evidence bundle of an archive finding verifies with `copywatch verify` and points to the
  archive record it came from (file, offset, length: the same bytes).
- A task whose Python worker dies is retried by Spark; its rows are not counted twice.
- `copywatch cc-select` on a columnar index (Parquet, Common Crawl's layout and columns), then
  archive-scan reading just those records by HTTP byte range from a local server.
"""

from __future__ import annotations

import json
import os
import random
import sys
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner
from tests.fixtures.file_server import serve_files

pyspark = pytest.importorskip("pyspark", reason='the [spark] extra: pip install -e ".[spark]"')

from copywatch.archive_scan.job import run_spark, scan_partition, spark_session  # noqa: E402
from copywatch.archive_scan.matcher import ArchiveMatcher, ArchiveOptions  # noqa: E402
from copywatch.archive_scan.records import Counts, read_records  # noqa: E402
from copywatch.archive_scan.sources import OpenOptions, expand_paths  # noqa: E402
from copywatch.archive_scan.synthetic import Page, news_page, write_warc  # noqa: E402
from copywatch.cli import main  # noqa: E402
from copywatch.config import load_config  # noqa: E402
from copywatch.demo import DEMO_OUTLET, demo_truth, start_demo  # noqa: E402
from copywatch.match.index import ExclusiveIndex  # noqa: E402
from copywatch.pipeline import scan  # noqa: E402
from copywatch.store import Store  # noqa: E402

pytestmark = pytest.mark.slow


def write_config(path: Path, web, store: Path) -> Path:
    sites = "".join(
        f"[[sites]]\nname = {json.dumps(n)}\nseeds = {json.dumps(list(s))}\n\n" for n, s in web.sites
    )
    path.write_text(
        f"[outlet]\nname = {json.dumps(DEMO_OUTLET['name'], ensure_ascii=False)}\n"
        f"aliases = {json.dumps(DEMO_OUTLET['aliases'], ensure_ascii=False)}\n"
        f"domains = {json.dumps(DEMO_OUTLET['domains'])}\n"
        f"exclusives = {json.dumps(list(web.outlet_sources))}\n\n"
        f"{sites}[crawl]\nallow_private_addresses = true\ndelay_seconds = 0.0\n\n"
        f'[store]\npath = "{store}/cw.db"\n\n[report]\ndir = "{store}/reports"\n',
        encoding="utf-8",
    )
    return path


def copies(store_path: Path) -> dict[tuple[str, str], tuple[str, str, float, str]]:
    with Store(store_path) as store:
        return {
            (f.page_url, f.exclusive_url): (f.site, f.attribution, round(f.coverage, 4), f.match_type)
            for f in store.findings()
        }


@pytest.fixture(scope="module")
def spark():
    session = spark_session("local[2]")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def demo(spark, tmp_path_factory):
    """A live scan of the served demo web, then archive-scan of its WARC files plus unrelated ones."""
    tmp = tmp_path_factory.mktemp("archive")
    web = start_demo()
    try:
        live = load_config(write_config(tmp / "live.toml", web, tmp / "live"))
        scan(live)
        rng = random.Random(5)
        pages = [
            Page(f"http://unrelated{i % 7}.example/{i}.html", news_page(rng, f"http://u{i}/"))
            for i in range(60)
        ]
        unrelated = write_warc(tmp / "unrelated" / "news.warc.gz", pages, seed=1)
        arch_toml = write_config(tmp / "arch.toml", web, tmp / "arch")
        out = tmp / "results"
        result = CliRunner().invoke(
            main,
            ["archive-scan", "--config", str(arch_toml), "--master", "local[2]", "--out", str(out),
             str(live.warc_dir), str(unrelated)],
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        yield {"tmp": tmp, "web": web, "live": live, "arch": load_config(arch_toml), "arch_toml": arch_toml,
               "unrelated": unrelated, "output": result.output, "results": out}  # fmt: skip
    finally:
        web.stop()


def test_archive_scan_finds_what_the_live_scan_found(demo):
    live, arch = copies(demo["live"].store_path), copies(demo["arch"].store_path)
    assert len(live) == 22
    assert arch == live  # same pages, exclusives, sites, credit verdicts, coverage, match types
    # scored against the demo's truth: recall 1, precision 1, every credit verdict right
    expected = {(p["site"], unquote(p["path"]), ex): p["credit"] for p in demo_truth() if p["expected_report"]
                for ex in p["report_exclusives"]}  # fmt: skip
    got = {(s, unquote(urlsplit(u).path) + ("?" + urlsplit(u).query if urlsplit(u).query else ""),
            unquote(urlsplit(e).path)): credit for (u, e), (s, credit, _, _) in arch.items()}  # fmt: skip
    assert got == expected
    out = demo["output"]
    assert "copies 22 (22 new)" in out and "unreadable files 0" in out
    with Store(demo["arch"].store_path) as store:
        run = store.runs(limit=1)[0]
        counts = store.archive_scan_counts(run.run_id)
    assert counts is not None and counts["findings"] == 22
    assert counts["probed"] >= 60 + 22 and counts["candidates"] < counts["probed"] // 2
    assert (
        counts["not_200"] >= 1 and counts["filtered"] >= 13
    )  # the demo's dead links; the outlet's own pages


def _check_points_to_archive(entries, warc: bytes, live_warcs: set[str]) -> None:
    assert len(entries) == 22
    for entry in entries:
        origin = entry["archive_record"]
        assert Path(origin["source_file"]).name in live_warcs and origin["target_uri"] == entry["page_url"]
        with open(origin["source_file"], "rb") as fh:  # a third party reads the archive's bytes...
            fh.seek(origin["source_offset"])
            original = fh.read(origin["source_length"])
        at = entry["warc_offset"]  # ...and finds them, unchanged, in the bundle
        assert warc[at : at + len(original)] == original


def test_evidence_bundle_of_an_archive_finding_verifies_and_points_to_its_record(demo):
    runner = CliRunner()
    live_warcs = {p.name for p in demo["live"].warc_dir.iterdir()}
    for fmt in ("wacz", "folder"):
        exports = demo["tmp"] / f"exports-{fmt}"
        r = runner.invoke(
            main, ["export", "--config", str(demo["arch_toml"]), "--out", str(exports), "--format", fmt]
        )
        assert r.exit_code == 0, r.output
        (bundle,) = exports.iterdir()
        v = runner.invoke(main, ["verify", str(bundle)])
        assert v.exit_code == 0 and f"OK {bundle}" in v.output, v.output
        if fmt == "wacz":
            with zipfile.ZipFile(bundle) as z:
                manifest = json.loads(z.read("evidence/manifest.json"))
                warc = z.read("archive/data.warc.gz")
            _check_points_to_archive(manifest["copies"], warc, live_warcs)
        else:
            manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
            _check_points_to_archive(
                manifest["findings"], (bundle / "captures.warc.gz").read_bytes(), live_warcs
            )


def dying_task(matcher, items):
    """A task whose Python worker dies on its first attempt at the first source."""
    from pyspark import TaskContext

    ctx = TaskContext.get()
    if ctx is not None and ctx.partitionId() == 0 and ctx.attemptNumber() == 0:
        os._exit(3)
    yield from scan_partition(matcher, items)


def test_a_task_that_dies_is_retried_and_not_counted_twice(demo, spark):
    import pyspark.cloudpickle as cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the executors cannot import tests/
    cfg = demo["arch"]
    with Store(cfg.store_path) as store:
        exclusives = store.exclusives()
    matcher = ArchiveMatcher(cfg, ExclusiveIndex(exclusives, cfg.match), ArchiveOptions())
    sources = expand_paths([str(demo["live"].warc_dir), str(demo["unrelated"])])
    calm = run_spark(spark, matcher, sources)
    rough = run_spark(spark, matcher, sources, task=dying_task)
    key = [
        (r["source_file"], r["record_offset"], r["exclusive_url"], r["attribution"]) for r in calm.findings
    ]
    assert len(key) == 22 and sorted(key) == sorted(
        (r["source_file"], r["record_offset"], r["exclusive_url"], r["attribution"]) for r in rough.findings
    )
    assert rough.counts.as_dict() == calm.counts.as_dict()


def test_cc_select_then_byte_ranges_over_http(demo, spark, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    # A columnar index of the two "crawls": Common Crawl's columns and partitioning, over our files.
    root = demo["tmp"]
    files = sorted(demo["live"].warc_dir.iterdir()) + [demo["unrelated"]]
    rows = []
    for f in files:
        for n, rec in enumerate(
            read_records(expand_paths([str(f)])[0], OpenOptions(), Counts(), max_record_bytes=10**8)
        ):
            host = urlsplit(rec.target_uri).hostname or ""
            arabic = "unrelated" not in host or n % 2 == 0
            rows.append({"url": rec.target_uri, "url_host_name": host,
                         "url_host_tld": host.rsplit(".", 1)[-1], "url_host_registered_domain": host,
                         "content_languages": "ara,fra" if arabic else "eng",
                         "fetch_status": 200, "content_mime_detected": "text/html",
                         "warc_filename": str(f.relative_to(root)), "warc_record_offset": rec.offset,
                         "warc_record_length": rec.length})  # fmt: skip
    index = tmp_path / "cc-index" / "table" / "cc-main" / "warc"
    for crawl in ("CC-MAIN-2026-49", "CC-MAIN-2026-44"):
        part = index / f"crawl={crawl}" / "subset=warc"
        part.mkdir(parents=True)
        pq.write_table(pa.Table.from_pylist(rows), part / "part-00000.parquet")
    selection = tmp_path / "arabic.tsv"
    r = CliRunner().invoke(main, ["cc-select", "--crawl", "CC-MAIN-2026-49", "--index", str(index),
                                  "--language", "ar", "--out", str(selection)])  # fmt: skip
    assert r.exit_code == 0, r.output
    chosen = [line.split("\t") for line in selection.read_text().splitlines()[1:]]
    arabic = [x for x in rows if x["content_languages"].startswith("ara")]
    assert len(chosen) == len(arabic) < len(rows)  # one crawl, Arabic only
    assert "unrelated" in {c[0].split("/")[0] for c in chosen}

    # archive-scan reads just those records, by HTTP byte range, from a server holding the files
    with serve_files(root) as server:
        toml = write_config(tmp_path / "cc.toml", demo["web"], tmp_path / "cc")
        r = CliRunner().invoke(main, ["archive-scan", "--config", str(toml), "--prefix",
                                      server.url("/"), str(selection)])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert copies(tmp_path / "cc" / "cw.db") == copies(demo["live"].store_path)
    with Store(tmp_path / "cc" / "cw.db") as store:
        counts = store.archive_scan_counts(store.runs(limit=1)[0].run_id)
    assert counts is not None and counts["records"] == len(arabic) and counts["errors"] == 0
