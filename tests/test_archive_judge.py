"""An archived candidate that cannot be judged (over a page budget, or its extraction raising)
costs that record only: counted with its file, offset and URL, and the scan of the file goes on."""

from __future__ import annotations

import random

from copywatch.archive_scan.job import run_local
from copywatch.archive_scan.matcher import PROBE_BATCH, ArchiveMatcher, ArchiveOptions
from copywatch.archive_scan.sources import Source
from copywatch.archive_scan.synthetic import Page, news_page, paragraphs, write_warc
from copywatch.config import parse_config
from copywatch.match.index import ExclusiveIndex
from copywatch.models import Exclusive

OUTLET = "https://www.kawalisalyaoum.com"


def _config(tmp_path, **crawl):
    return parse_config(
        {
            "outlet": {
                "name": "كواليس اليوم",
                "domains": ["kawalisalyaoum.com"],
                "exclusives": [f"{OUTLET}/"],
            },
            "crawl": crawl,
            "store": {"path": str(tmp_path / "cw.db")},
            "report": {"dir": str(tmp_path / "reports")},
        },
        source="<test>",
    )


def test_a_hostile_candidate_costs_its_record_only(tmp_path):
    rng = random.Random(5)
    exclusives = [
        Exclusive(url=f"{OUTLET}/news/{i}.html", fetched_url=f"{OUTLET}/news/{i}.html", title=f"ex {i}",
                  text="\n".join(paragraphs(rng, 400)), published_at="2026-11-29T08:00:00Z")
        for i in range(6)
    ]  # fmt: skip
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
    config = _config(tmp_path, max_page_elements=50_000)
    matcher = ArchiveMatcher(config, ExclusiveIndex(exclusives, config.match), ArchiveOptions())
    out = run_local(matcher, [Source(str(warc))])
    assert [(r["page_url"], r["exclusive_url"]) for r in out.findings] == [
        ("http://copier.ma/b.html", exclusives[4].url)
    ]
    assert out.counts.errors == 1 and out.counts.candidates == 2
    [detail] = out.counts.error_details
    assert "http://bomb.example/a.html" in detail and "not judged" in detail and "max_page_elements" in detail
