"""Crawling: discover candidate pages and capture them politely, safely and as evidence.

Modules, one concern each (Scrapy's habit):
    netpolicy.py  which addresses may be fetched (SSRF guard; the IP checked is the IP connected to)
    robots.py     RFC 9309 around Protego: fetch, cache <= 24 h, 5xx/network error = disallow all
    fetch.py      Fetcher: bounded streaming GET, manual redirects, per-host politeness, retries
    archive.py    WarcArchive: WARC/1.1 request/response/revisit records, SHA-256, rotation
    discover/     sitemaps, feeds and links -> the pages of a site (crawl_site, discover_exclusives);
                  sitemaps.py, links.py, site.py, exclusives.py

The contract the pipeline relies on (see docs/RELIABILITY.md for what each part guarantees):

    archive = WarcArchive(config.warc_dir, config.crawl.warc_max_bytes)
    fetcher = Fetcher(config.crawl, archive=archive)                    # thread-safe, one per scan
    robots = RobotsCache(fetcher)                                       # one per scan
    fetcher.fetch(url, kind="html"|"xml"|"robots", known=KnownPage|None) -> Capture  (never raises)

    sc = crawl_site(site, fetcher, robots, config.crawl, known=lambda url: KnownPage | None)
    for capture in sc.captures: ...          # lazily fetched HTML pages (and known-unchanged ones)
    sc.result() -> SiteResult; sc.error, sc.limits_hit, sc.lastmod[url] (store as KnownPage.lastmod)

    discover_exclusives(outlet.exclusives, fetcher, robots, problems=[])
        -> list[(DiscoveredPage, Capture)]
    read_record(capture.warc_file, capture.warc_offset) -> (WARC headers, wire payload)
    fetcher.close(); archive.close()
"""
