"""Crawling: discover candidate pages and capture them politely, safely and as evidence.

Modules, one concern each (Scrapy's habit):
    netpolicy.py  which addresses may be fetched (SSRF guard; the IP checked is the IP connected to)
    robots.py     RFC 9309 around Protego: fetch, cache <= 24 h, 5xx/network error = disallow all
    fetch.py      Fetcher: bounded streaming GET, manual redirects, per-host politeness, retries
    archive.py    WarcArchive: WARC/1.1 request/response/revisit records, SHA-256, rotation
    discover.py   sitemaps, feeds and links -> the pages of a site (crawl_site, discover_exclusives)

The contract the pipeline relies on:

    fetcher = Fetcher(crawl_config, archive=WarcArchive(warc_dir, max_bytes))   # thread-safe
    fetcher.fetch(url, kind="html"|"xml"|"robots", known=KnownPage|None) -> Capture
    fetcher.close()

    crawl_site(site: SiteConfig, fetcher, known: Callable[[str], KnownPage | None])
        -> SiteCrawl(captures: Iterator[Capture], stats())
    discover_exclusives(sources: tuple[str, ...], fetcher) -> list[DiscoveredPage]
"""
