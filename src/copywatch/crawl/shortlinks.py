"""Short links (bit.ly and the like) in a copy: where they lead, for the credit check.

Resolved in the site thread before the credit check runs (pipeline.py asks for the links the check
would follow; workers.py): a fetch is never made from inside the check, in a worker process or not.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence, Set

from ..urls import is_outlet_short_link, url_key
from ..urls import site_host as _host
from .fetch import Fetcher
from .robots import RobotsCache


def _own(url: str, hosts: Set[str], outlet_hosts: Set[str]) -> bool:
    host = _host(url)
    return (host in outlet_hosts or host.split(":")[0] in outlet_hosts) and host not in hosts


def followed(url: str, hosts: Set[str], outlet_hosts: Set[str] = frozenset()) -> bool:
    """Is ``url`` a link the resolver follows (a link on a short-link host, or the outlet's own
    short link)? No network: workers.py asks it inside the credit check, to note the links the
    site thread then resolves. ``hosts`` and ``outlet_hosts`` lower case, without "www."."""
    return _host(url) in hosts or (_own(url, hosts, outlet_hosts) and is_outlet_short_link(url))


def hosts_of(names: Sequence[str]) -> frozenset[str]:
    """Host names as ``followed`` compares them."""
    return frozenset(h.lower().removeprefix("www.") for h in names)


class ShortLinkResolver:
    """Where a short link (bit.ly and the like, or the outlet's own) leads, for the credit check.

    Only the links ``followed`` accepts are fetched: those on the configured short-link hosts, and
    the outlet's own short links. Through the scan's own fetcher (polite, bounded, SSRF-guarded,
    captured); the redirect chain names the target even when the target itself is not fetched.
    Answers are cached for the scan.
    """

    def __init__(
        self, fetcher: Fetcher, robots: RobotsCache, hosts: Sequence[str], outlet_hosts: Sequence[str] = ()
    ):
        """``outlet_hosts``: the outlet's own hosts, whose short links (WordPress's ``/?p=48213``,
        ``/?page_id=``, a bare ``/123456``: ``is_outlet_short_link``) redirect to the article."""
        self.fetcher = fetcher
        self.robots = robots
        self.hosts = hosts_of(hosts)
        self.outlet_hosts = hosts_of(outlet_hosts)
        self._cache: dict[str, str | None] = {}
        self._lock = threading.Lock()

    def __call__(self, url: str) -> str | None:
        if not followed(url, self.hosts, self.outlet_hosts):
            return None
        own = _own(url, self.hosts, self.outlet_hosts)
        with self._lock:
            if url in self._cache:
                return self._cache[url]
        if not self.robots.allowed(url):
            return None
        capture = self.fetcher.fetch(url, kind="html")
        if own:  # the outlet's short link: where its redirects end (no redirect: it leads nowhere else)
            target = (
                capture.final_url
                if capture.redirects and url_key(capture.final_url) != url_key(url)
                else None
            )
        else:
            target = next(
                (u for u in (*capture.redirects, capture.final_url) if _host(u) not in self.hosts), None
            )
        with self._lock:
            self._cache[url] = target
        return target
