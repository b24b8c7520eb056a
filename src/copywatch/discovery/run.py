"""One scan's search discovery: plan the queries, send them, turn their results into sites to crawl.

``discover`` is called by the pipeline after the watchlist crawl. It never raises for the
provider's sake: a provider that is down, slow (each query bounded by ``[crawl] timeout_seconds``,
all of them by ``[crawl] max_site_seconds``), refuses, answers HTML or garbage costs the scan one
line among the site errors (a ``SiteResult`` named ``(search: <provider>)``), and the queries it
did not answer wait for the next scan. Answered queries are stored at once, with their results;
their result pages are fetched by this scan, and ``Discovery.mark_done`` (after the scan's commit)
records that, so a scan that dies before its commit leaves them to the next one.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ..config import Config, SiteConfig
from ..models import Exclusive, SiteResult
from ..store import Store
from .candidates import MAX_STORED_URL, CandidateCrawl, CandidateFilter, host_of
from .phrases import PhrasePicker
from .plan import plan_queries
from .providers import ProviderError, SearchClient, make_provider

log = logging.getLogger("copywatch")

MAX_STORED_RESULTS = 100  # result URLs kept per query


@dataclass(frozen=True)
class DiscoveredSite:
    """A host found through search, crawled as a synthetic site: exactly its result pages."""

    site: SiteConfig
    crawl: CandidateCrawl


@dataclass
class Discovery:
    provider: str = ""
    sites: list[DiscoveredSite] = field(default_factory=list)
    errors: list[SiteResult] = field(default_factory=list)  # one line per provider failure
    queries_sent: int = 0
    deferred: int = 0  # due queries left for the next scan (budget, or the provider failed)
    candidates: int = 0  # result URLs kept for fetching
    dropped: dict[str, int] = field(default_factory=dict)  # reason -> result URLs dropped
    looked_at: list[tuple[str, int, str]] = field(default_factory=list)  # queries whose results are fetched

    def mark_done(self, store: Store, run_id: str) -> None:
        """After the scan's commit: its queries' results have been looked at."""
        if self.provider and self.looked_at:
            store.mark_searches_done(self.provider, self.looked_at, run_id)


def _site_name(host: str, taken: set[str]) -> str:
    return host if host not in taken else f"{host} (search)"


def discover(
    config: Config,
    store: Store,
    exclusives: Sequence[Exclusive],
    outlet_hosts: set[str],
    now: datetime | None = None,
    *,
    client: SearchClient | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> Discovery:
    """Send the queries due (within budget) and return the discovered sites to crawl."""
    dcfg = config.discovery
    if not dcfg.provider:
        return Discovery()
    now = now or datetime.now(UTC)
    provider = client.provider if client else make_provider(dcfg)
    name = provider.name
    out = Discovery(provider=name)
    own = client is None
    client = client or SearchClient(provider, config.crawl)
    try:
        pickers: list[PhrasePicker] = []  # built on first use: a scan with no query due skips it

        def phrases(e: Exclusive, round_: int) -> list[str]:
            if not pickers:
                pickers.append(PhrasePicker([x.text for x in exclusives], notice=config.outlet.notice))
            return pickers[0].phrases(e.text, dcfg.queries_per_exclusive, round_)

        plan = plan_queries(
            exclusives,
            dcfg,
            phrases,
            store.searched(name),
            store.exclusive_first_seen(),
            now,
        )
        out.deferred = plan.deferred
        deadline = time.monotonic() + config.crawl.max_site_seconds
        for i, q in enumerate(plan.queries):
            try:
                if time.monotonic() > deadline:
                    raise ProviderError(
                        f"stopped at [crawl] max_site_seconds ({config.crawl.max_site_seconds:g} s)"
                    )
                raw = client.search(q.phrase)
            except ProviderError as e:
                left = len(plan.queries) - i
                out.deferred += left
                out.errors.append(
                    SiteResult(site=f"(search: {name})", error=f"{e}; {left} queries left for the next scan")
                )
                log.warning("search provider %s failed: %s; %d queries left for the next scan", name, e, left)
                break
            out.queries_sent += 1
            if progress:
                progress(f"search: {name}", 1)
            kept = [u[:MAX_STORED_URL] for u in raw if isinstance(u, str)][:MAX_STORED_RESULTS]
            out.dropped["not a URL"] = out.dropped.get("not a URL", 0) + sum(
                not isinstance(u, str) for u in raw
            )
            store.record_search(
                name, q.exclusive_url, q.round, q.phrase, now.strftime("%Y-%m-%dT%H:%M:%SZ"), kept
            )
        _candidates(config, store, outlet_hosts, out)
    except Exception as e:  # discovery never fails the scan
        log.exception("search discovery failed")
        out.errors.append(SiteResult(site=f"(search: {name})", error=f"{type(e).__name__}: {e}"))
    finally:
        if own:
            client.close()
    log.info(
        "search %s: %d queries sent, %d left for later scans; %d result pages on %d hosts; dropped %s",
        name,
        out.queries_sent,
        out.deferred,
        out.candidates,
        len(out.sites),
        ", ".join(f"{n} {why}" for why, n in sorted(out.dropped.items()) if n) or "none",
    )
    return out


def _candidates(config: Config, store: Store, outlet_hosts: set[str], out: Discovery) -> None:
    """The result URLs not looked at yet -> one synthetic site per host."""
    check = CandidateFilter.for_scan(config.outlet.domains, outlet_hosts, config.sites, config.crawl)
    by_host: dict[str, dict[str, str]] = {}
    for exclusive_url, round_, phrase, results in store.pending_search_results(out.provider):
        out.looked_at.append((exclusive_url, round_, phrase))
        for raw in results:
            url = check.check(raw)
            if url is None:
                continue
            by_host.setdefault(host_of(url), {}).setdefault(url, f"{out.provider}: {phrase}")
    for why, n in check.dropped.items():
        out.dropped[why] = out.dropped.get(why, 0) + n
    taken = {s.name for s in config.sites}
    for host in sorted(by_host):
        urls = by_host[host]
        out.candidates += len(urls)
        site = SiteConfig(name=_site_name(host, taken), seeds=tuple(urls))
        out.sites.append(DiscoveredSite(site, CandidateCrawl(urls)))
