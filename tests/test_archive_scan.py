"""archive_scan without Spark: sources, record reading and bad input, the probe, one-process scans,
Parquet results and their import. (The Spark job itself: tests/test_archive_scan_spark.py.)

Real parts only: WARC files written with warcio, a real HTTP server on 127.0.0.1 that honours
Range requests (and one that does not), a real SQLite store.
"""

from __future__ import annotations

import gzip
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from tests.fixtures.archive import OUTLET, archive_config, make_exclusives
from tests.fixtures.file_server import serve_files

from copywatch.archive_scan.job import SPARK_HINT, local_master, run_local
from copywatch.archive_scan.matcher import ArchiveMatcher, ArchiveOptions
from copywatch.archive_scan.probe import cheap_text, host_allowed, language_allowed
from copywatch.archive_scan.records import Counts, read_records
from copywatch.archive_scan.sources import OpenOptions, Source, SourceError, expand_paths
from copywatch.archive_scan.synthetic import Page, news_page, paragraphs, write_warc
from copywatch.errors import ConfigError
from copywatch.match.index import ExclusiveIndex
from copywatch.store import Store


def config_for(tmp: Path, **archive: object):
    return archive_config(tmp, **archive)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Two WARC files: 40 unrelated pages each, three copies among them (two uncredited, one linked)."""
    tmp = tmp_path_factory.mktemp("corpus")
    exclusives = make_exclusives()
    rng = random.Random(3)
    copies = {
        "http://copier.ma/a.html": (exclusives[0], ""),
        "http://copier.ma/b.html": (
            exclusives[5],
            f'<p>المصدر: <a href="{OUTLET}/news/5.html">كواليس اليوم</a></p>',
        ),
        "http://other.example/c.html": (exclusives[9], ""),
    }
    files = []
    urls = list(copies)
    for f in range(2):
        pages = []
        for i in range(40):
            url = f"http://news{f}.example/{i}.html"
            pages.append(Page(url, news_page(rng, url)))
        for url in urls[f::2]:
            ex, credit = copies[url]
            pages.insert(rng.randint(0, 40), Page(url, news_page(rng, url, article=ex.text.split("\n"),
                                                                 credit_html=credit)))  # fmt: skip
        files.append(write_warc(tmp / f"crawl-{f}.warc.gz", pages, seed=f))
    return tmp, exclusives, copies, files


def test_archive_table_is_checked():
    with pytest.raises(ConfigError, match=r"\[archive\]: unknown key 'langs'"):
        config_for(Path("/tmp"), langs=["ar"])
    cfg = config_for(Path("/tmp"), languages=["ar"], hosts=[".ma"], max_record_bytes=2048)
    assert cfg.archive.languages == ("ar",) and cfg.archive.hosts == (".ma",)


def test_paths_folders_lists_and_selections(tmp_path, corpus):
    root, _, _, files = corpus
    assert [s.file for s in expand_paths([str(root)])] == [str(f) for f in files]
    listing = tmp_path / "warc.paths.gz"
    listing.write_bytes(gzip.compress(b"crawl-data/CC-NEWS/2026/11/a.warc.gz\n/abs/b.warc.gz\n"))
    got = expand_paths([str(listing)], prefix="https://data.example.org/")
    assert [s.file for s in got] == [
        "https://data.example.org/crawl-data/CC-NEWS/2026/11/a.warc.gz",
        "/abs/b.warc.gz",
    ]
    sel = tmp_path / "sel.tsv"
    sel.write_text("warc_filename\twarc_record_offset\twarc_record_length\turl\nx.warc.gz\t900\t50\tu\n"
                   "x.warc.gz\t10\t20\tv\ny.warc.gz\t5\t5\tw\n")  # fmt: skip
    got = expand_paths([str(sel)], prefix="s3a://commoncrawl/")
    assert got == [
        Source("s3a://commoncrawl/x.warc.gz", ((10, 20), (900, 50))),
        Source("s3a://commoncrawl/y.warc.gz", ((5, 5),)),
    ]
    bad = tmp_path / "bad.paths"
    bad.write_text("not-a-warc.txt\n")
    with pytest.raises(SourceError, match="bad.paths"):
        expand_paths([str(bad)])
    with pytest.raises(SourceError, match="no such file"):
        expand_paths([str(tmp_path / "missing.warc.gz")])


@pytest.mark.parametrize("reader", ["fastwarc", "warcio"])
def test_records_kept_and_the_rest_counted(corpus, reader):
    _, _, copies, files = corpus
    counts = Counts()
    recs = list(
        read_records(Source(str(files[0])), OpenOptions(), counts, max_record_bytes=10_000_000, reader=reader)
    )
    assert all(r.status == 200 and r.target_uri.startswith("http") for r in recs)
    assert len(recs) == 40 + len(list(copies)[0::2])  # the pages, not the robots.txt, images, 404s, 301s
    assert counts.not_http == 5 and counts.not_html == 10 and counts.not_200 == 10  # dns:, png+txt, 404+301
    assert counts.errors == 0 and counts.truncated == 0
    # each record's (offset, length) is its own gzip member: it reads back alone
    r = recs[3]
    alone = list(read_records(Source(str(files[0]), ((r.offset, r.length),)), OpenOptions(), Counts(),
                              max_record_bytes=10_000_000, reader=reader))  # fmt: skip
    assert [(a.offset, a.sha256, a.target_uri) for a in alone] == [(r.offset, r.sha256, r.target_uri)]


@pytest.mark.parametrize("reader", ["fastwarc", "warcio"])
def test_bad_input_is_skipped_and_counted_never_raised(tmp_path, reader):
    rng = random.Random(1)
    pages = [Page(f"http://a.example/{i}", news_page(rng, f"http://a.example/{i}")) for i in range(3)]
    big = b"<html><body>" + b"x" * 50_000_000 + b"</body></html>"  # a 50 MB record
    path = write_warc(tmp_path / "big.warc.gz", [pages[0], Page("http://a.example/big", big), pages[1]],
                      furniture=False)  # fmt: skip
    counts = Counts()
    got = list(
        read_records(Source(str(path)), OpenOptions(), counts, max_record_bytes=10_000_000, reader=reader)
    )
    assert [r.target_uri for r in got] == ["http://a.example/0", "http://a.example/1"]
    assert counts.too_large == 1 and counts.errors == 0

    # a gzip member that does not end: the file is cut in the middle of the last page's record
    whole = write_warc(tmp_path / "whole.warc.gz", pages, furniture=False).read_bytes()
    full = list(
        read_records(
            Source(str(tmp_path / "whole.warc.gz")),
            OpenOptions(),
            Counts(),
            max_record_bytes=10**7,
            reader=reader,
        )
    )
    last = full[-1]
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(whole[: last.offset + last.length // 2])
    counts = Counts()
    got = list(read_records(Source(str(cut)), OpenOptions(), counts, max_record_bytes=10**7, reader=reader))
    assert [r.target_uri for r in got] == [r.target_uri for r in full[:-1]]
    assert counts.truncated + counts.errors >= 1

    # not a WARC file at all, and a file that does not exist: counted with their reasons
    junk = tmp_path / "junk.warc.gz"
    junk.write_bytes(gzip.compress(b"this is not a WARC record\r\n" * 100))
    counts = Counts()
    assert (
        list(read_records(Source(str(junk)), OpenOptions(), counts, max_record_bytes=10**7, reader=reader))
        == []
    )
    assert counts.errors == 1 and "junk.warc.gz" in counts.error_details[0]
    counts = Counts()
    assert (
        list(
            read_records(
                Source(str(tmp_path / "gone.warc.gz")), OpenOptions(), counts, max_record_bytes=10**7
            )
        )
        == []
    )
    assert counts.errors == 1


@pytest.mark.parametrize("reader", ["fastwarc", "warcio"])
def test_byte_ranges_over_http(corpus, reader):
    root, _, _, files = corpus
    local = list(
        read_records(Source(str(files[1])), OpenOptions(), Counts(), max_record_bytes=10**7, reader=reader)
    )
    chosen = (local[2], local[7], local[-1])
    with serve_files(root) as server:
        url = server.url(f"/{files[1].name}")
        src = Source(url, tuple(sorted((r.offset, r.length) for r in chosen)))
        counts = Counts()
        got = list(
            read_records(
                src, OpenOptions(allow_private_addresses=True), counts, max_record_bytes=10**7, reader=reader
            )
        )
        assert [(r.offset, r.length, r.sha256) for r in got] == [
            (r.offset, r.length, r.sha256) for r in chosen
        ]
        # a whole file over HTTP gives the same records, offsets included
        whole = list(
            read_records(
                Source(url), OpenOptions(allow_private_addresses=True), Counts(), max_record_bytes=10**7
            )
        )
        assert [(r.offset, r.sha256) for r in whole] == [(r.offset, r.sha256) for r in local]
        # private addresses are refused unless allowed
        counts = Counts()
        assert list(read_records(src, OpenOptions(), counts, max_record_bytes=10**7, reader=reader)) == []
        assert counts.errors == 3 and "allow_private_addresses" in counts.error_details[0]
    with serve_files(root, ranges=False) as plain:
        url = plain.url(f"/{files[1].name}")
        counts = Counts()
        src = Source(url, ((chosen[0].offset, chosen[0].length),))
        assert (
            list(
                read_records(
                    src,
                    OpenOptions(allow_private_addresses=True),
                    counts,
                    max_record_bytes=10**7,
                    reader=reader,
                )
            )
            == []
        )
        assert counts.errors == 1 and "byte range" in counts.error_details[0]


def test_cheap_text_and_filters():
    html = ('<html lang="ar"><head><style>.a{color:red}</style><script>var secret = 1;</script></head>'
            "<body><!-- hidden --><p>كلمة&nbsp;أولى</p><div>second<b>word</b></div></body>")  # fmt: skip
    text = cheap_text(html)
    assert "secret" not in text and "color" not in text and "hidden" not in text
    assert text.split() == ["كلمة", "أولى", "second", "word"]
    assert host_allowed("https://www.hespress.ma/x", [".ma"]) and not host_allowed("https://a.com/", [".ma"])
    assert host_allowed("https://m.site.com/", ["site.com"]) and not host_allowed(
        "https://notsite.com/", ["site.com"]
    )
    assert language_allowed(["ar"], "ara,eng", "", "") and not language_allowed(["ar"], "eng", html, text)
    assert language_allowed(["ar"], "", html, text)  # <html lang="ar">
    assert language_allowed(["ar"], "", "<html>", "نص عربي كله هنا") and not language_allowed(
        ["ar"], "", "<html>", "all english"
    )


def test_one_process_scan_finds_the_copies_and_nothing_else(tmp_path, corpus):
    root, exclusives, copies, files = corpus
    cfg = config_for(tmp_path)
    index = ExclusiveIndex(exclusives, cfg.match)
    out = run_local(ArchiveMatcher(cfg, index, ArchiveOptions()), expand_paths([str(root)]))
    found = {(r["page_url"], r["exclusive_url"]): r["attribution"] for r in out.findings}
    assert found == {(u, ex.url): ("link" if credit else "none") for u, (ex, credit) in copies.items()}
    assert {r["site"] for r in out.findings} == {"copier", "other.example"}
    assert out.counts.probed == 83 and out.counts.candidates == 3  # most pages never reach trafilatura
    row = next(r for r in out.findings if r["page_url"].endswith("/a.html"))
    assert (
        row["coverage"] > 0.95
        and row["match_type"] == "verbatim"
        and row["record_date"] == "2026-11-30T08:00:00Z"
    )
    # extraction first (trafilatura on every page) decides the same
    slow = run_local(ArchiveMatcher(cfg, index, ArchiveOptions(), probe=False), expand_paths([str(root)]))
    assert {(r["page_url"], r["exclusive_url"], r["attribution"]) for r in slow.findings} == {
        (r["page_url"], r["exclusive_url"], r["attribution"]) for r in out.findings
    }
    assert slow.counts.candidates == 83
    # host filter: only .ma hosts
    ma = run_local(ArchiveMatcher(cfg, index, ArchiveOptions(hosts=(".ma",))), expand_paths([str(root)]))
    assert {r["page_url"] for r in ma.findings} == {u for u in copies if ".ma/" in u}


def test_results_import_as_a_run_and_twice_is_once(tmp_path, corpus):
    pytest.importorskip("pyarrow")
    from copywatch.archive_scan.importer import import_results
    from copywatch.archive_scan.results import FINDINGS_FILE, read_table, write_results

    root, exclusives, copies, _ = corpus
    cfg = config_for(tmp_path)
    out = run_local(
        ArchiveMatcher(cfg, ExclusiveIndex(exclusives, cfg.match), ArchiveOptions()),
        expand_paths([str(root)]),
    )
    results = tmp_path / "results"
    # a row twice, as a results folder put together from two attempts would have it
    write_results(results, out.findings + out.findings[:1], out.sources)
    assert len(read_table(results / FINDINGS_FILE)) == 4
    first = import_results(cfg, results, exclusives=exclusives)
    assert first.findings == 3 and first.new == 3 and first.copied_records == 3 and not first.problems
    again = import_results(cfg, results, exclusives=exclusives)
    assert again.new == 0 and again.copied_records == 0
    with Store(cfg.store_path) as store:
        findings = store.findings()
        assert len(findings) == 3 and len(store.archive_copies()) == 3
        assert {f.discovered_by for f in findings} == {
            "archive-scan: crawl-0.warc.gz",
            "archive-scan: crawl-1.warc.gz",
        }
        assert {r.run_id for r in store.runs()} == {first.run.run_id, again.run.run_id}
        origins = store.archive_origins()
    for f in findings:
        origin = origins[(f.warc_file, f.warc_offset)]
        raw = Path(origin["source_file"]).read_bytes()[
            origin["source_offset"] : origin["source_offset"] + origin["source_length"]
        ]
        with open(cfg.warc_dir / f.warc_file, "rb") as fh:  # the copy is the archive's record, byte for byte
            fh.seek(f.warc_offset)
            assert fh.read(len(raw)) == raw
    assert (first.report_dir / "evidence.csv").read_text(encoding="utf-8-sig").count("copier.ma") == 2


def test_an_uncompressed_warc_is_scanned_and_its_record_copied_as_a_gzip_member(tmp_path):
    pytest.importorskip("pyarrow")
    from warcio.archiveiterator import ArchiveIterator

    from copywatch.archive_scan.importer import import_results
    from copywatch.archive_scan.results import write_results

    exclusives = make_exclusives(5)
    rng = random.Random(9)
    pages = [Page(f"http://copier.ma/{i}", news_page(rng, f"http://copier.ma/{i}")) for i in range(4)]
    pages.insert(
        2,
        Page(
            "http://copier.ma/copy",
            news_page(rng, "http://copier.ma/copy", article=exclusives[3].text.split("\n")),
        ),
    )
    path = write_warc(tmp_path / "plain.warc", pages, gzip=False)
    cfg = config_for(tmp_path)
    out = run_local(
        ArchiveMatcher(cfg, ExclusiveIndex(exclusives, cfg.match), ArchiveOptions()), [Source(str(path))]
    )
    assert [r["page_url"] for r in out.findings] == ["http://copier.ma/copy"]
    write_results(tmp_path / "results", out.findings, out.sources)
    done = import_results(cfg, tmp_path / "results", exclusives=exclusives)
    assert done.findings == 1 and not done.problems
    with Store(cfg.store_path) as store:
        (f,) = store.findings()
    with open(cfg.warc_dir / f.warc_file, "rb") as fh:
        fh.seek(f.warc_offset)
        rec = next(iter(ArchiveIterator(fh, check_digests=True)))
        assert rec.rec_headers.get_header("WARC-Target-URI") == "http://copier.ma/copy"
        import hashlib

        assert hashlib.sha256(rec.raw_stream.read()).hexdigest() == f.sha256


def test_wet_text_is_matched_and_credit_by_name_seen(tmp_path):
    import io

    from warcio.warcwriter import WARCWriter

    exclusives = make_exclusives(5)
    path = tmp_path / "text.wet.gz"
    with path.open("wb") as fh:
        w = WARCWriter(fh, gzip=True)
        for uri, text in [
            ("http://copier.ma/named", exclusives[1].text + "\nالمصدر: كواليس اليوم"),
            ("http://copier.ma/bare", exclusives[2].text),
            ("http://copier.ma/other", "\n".join(paragraphs(random.Random(4), 400))),
        ]:
            w.write_record(w.create_warc_record(uri, "conversion", payload=io.BytesIO(text.encode()),
                                                warc_content_type="text/plain"))  # fmt: skip
    cfg = config_for(tmp_path)
    out = run_local(
        ArchiveMatcher(cfg, ExclusiveIndex(exclusives, cfg.match), ArchiveOptions()), [Source(str(path))]
    )
    assert {(r["page_url"], r["exclusive_url"], r["attribution"]) for r in out.findings} == {
        ("http://copier.ma/named", exclusives[1].url, "name"),
        ("http://copier.ma/bare", exclusives[2].url, "none"),
    }


def test_local_master_retries_tasks():
    assert local_master("local[2]") == "local[2,4]"
    assert local_master("local[*]") == "local[*,4]" and local_master("local") == "local[1,4]"
    assert local_master("yarn") == "yarn" and local_master("spark://h:7077") == "spark://h:7077"


def test_archive_scan_without_pyspark_says_how_to_install(tmp_path, corpus):
    root, *_ = corpus
    cfg = tmp_path / "c.toml"
    cfg.write_text(
        '[outlet]\nname = "x"\nexclusives = ["https://www.kawalisalyaoum.com/"]\n', encoding="utf-8"
    )
    code = ("import sys; sys.modules['pyspark'] = None; from copywatch.cli import main; "
            f"main(['archive-scan', '--config', {str(cfg)!r}, {str(root)!r}])")  # fmt: skip
    p = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=dict(os.environ), timeout=120
    )
    assert p.returncode == 1
    assert p.stderr.strip().splitlines() == [f"copywatch: error: {SPARK_HINT}"]
    assert 'pip install -e ".[spark]"' in p.stderr
