"""An archived candidate that cannot be judged (over a page budget, or its extraction raising)
costs that record only: counted with its file, offset and URL, and the scan of the file goes on."""

from __future__ import annotations

import random

from tests.fixtures.archive import archive_config, make_exclusives

from copywatch.archive_scan.job import run_local
from copywatch.archive_scan.matcher import PROBE_BATCH, ArchiveMatcher, ArchiveOptions
from copywatch.archive_scan.sources import Source
from copywatch.archive_scan.synthetic import Page, news_page, write_warc
from copywatch.match.index import ExclusiveIndex


def test_a_hostile_candidate_costs_its_record_only(tmp_path):
    rng = random.Random(1005)  # not the exclusives' seed: the other pages must be other texts
    exclusives = make_exclusives(6, seed=5, words=(400, 400))
    pages = [
        Page(f"http://news.example/{i}.html", news_page(rng, f"http://news.example/{i}.html"))
        for i in range(50)
    ]
    # a copy whose markup is a bomb of empty elements, then a plain copy further on (another batch)
    bomb = news_page(rng, "http://bomb.example/a.html", article=exclusives[1].text.split("\n"))
    bomb = bomb.replace(b"</body>", b"<i></i>" * 60_000 + b"</body>")
    pages.insert(3, Page("http://bomb.example/a.html", bomb))
    plain = news_page(rng, "http://copier.ma/b.html", article=exclusives[4].text.split("\n"))
    pages.insert(PROBE_BATCH + 10, Page("http://copier.ma/b.html", plain))
    warc = write_warc(tmp_path / "w.warc.gz", pages, seed=2)
    config = archive_config(tmp_path, crawl={"max_page_elements": 50_000})
    matcher = ArchiveMatcher(config, ExclusiveIndex(exclusives, config.match), ArchiveOptions())
    out = run_local(matcher, [Source(str(warc))])
    assert [(r["page_url"], r["exclusive_url"]) for r in out.findings] == [
        ("http://copier.ma/b.html", exclusives[4].url)
    ]
    assert out.counts.errors == 1 and out.counts.candidates == 2
    [detail] = out.counts.error_details
    assert "http://bomb.example/a.html" in detail and "not judged" in detail and "max_page_elements" in detail
