"""robots.txt per RFC 9309, around Protego (RELIABILITY #1, #2).

Protego does the matching (longest match wins, Allow wins ties). What RFC 9309 asks around it,
and Scrapy and trafilatura do not do, is here:

* 2xx: parsed, at least the first 500 KiB (the whole body up to the fetch's max_bytes);
* 4xx ("unavailable"): allow everything;
* 5xx, a timeout, a network error or a refused address ("unreachable"): **disallow everything**
  for that site, re-checked after ``failure_ttl`` seconds, not the full day;
* redirects are followed by the Fetcher (up to max_redirects, >= 5 by default);
* a result is cached at most 24 h (``max_age``), on an injectable clock so tests can jump ahead.

robots.txt is fetched through the Fetcher, so it is archived and rate-limited like any page,
and its Crawl-delay is passed back to the Fetcher (capped there).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from protego import Protego

from .fetch import Fetcher, host_key

MAX_AGE = 24 * 3600.0
FAILURE_TTL = 300.0


@dataclass(frozen=True)
class RobotsRules:
    """The robots.txt verdict for one origin at one time."""

    origin: str
    fetched: float  # clock() when fetched
    parser: Protego | None  # None: allow all or disallow all, as ``allow_all`` says
    allow_all: bool
    error: str = ""  # why everything is disallowed (5xx, network error), else ""


_FIELD = re.compile(r"^\s*([A-Za-z-]+)\s*:", re.ASCII)


def close_empty_groups(text: str) -> str:
    """End a User-agent group that a blank line leaves without rules, as "allow everything".

    ``User-agent: *`` + blank line + ``User-agent: GPTBot`` + ``Disallow: /`` is read by RFC 9309's
    grammar (and by Protego) as ONE group that disallows everything for everyone. The original
    robots.txt convention (records separated by blank lines, as Python's urllib.robotparser
    reads them) makes the first group empty, i.e. allow all, and only GPTBot blocked: plainly
    what the site's owner meant. We follow the owner's evident meaning by writing the empty
    group's implicit "allow all" out (an empty ``Disallow:``) before Protego parses the file.
    """
    out: list[str] = []
    pending_agent = False  # user-agent lines seen, no rule yet
    blank_after_agent = False
    for line in text.splitlines():
        m = _FIELD.match(line.split("#", 1)[0])
        field = m.group(1).lower() if m else ""
        if field == "user-agent":
            if pending_agent and blank_after_agent:
                out.append("Disallow:")
            pending_agent = True
            blank_after_agent = False
        elif field:
            pending_agent = False
            blank_after_agent = False
        elif not line.strip() and pending_agent:
            blank_after_agent = True
        out.append(line)
    return "\n".join(out)


def product_token(user_agent: str) -> str:
    """The UA's product token ("copywatch" of "copywatch/0.1 (+https://...)"), matched in groups."""
    return user_agent.split("/", 1)[0].split(" ", 1)[0].strip() or "*"


class RobotsCache:
    """robots.txt rules per origin for one scan; thread-safe, one fetch per origin at a time."""

    def __init__(
        self,
        fetcher: Fetcher,
        user_agent: str | None = None,
        clock: Callable[[], float] = time.time,
        max_age: float = MAX_AGE,
        failure_ttl: float = FAILURE_TTL,
    ) -> None:
        self.fetcher = fetcher
        self.agent = product_token(user_agent or fetcher.config.user_agent)
        self.clock = clock
        self.max_age = min(max_age, MAX_AGE)
        self.failure_ttl = failure_ttl
        self._rules: dict[str, RobotsRules] = {}
        self._lock = threading.Lock()
        self._origin_locks: dict[str, threading.Lock] = {}

    @staticmethod
    def origin(url: str) -> str:
        """scheme://host[:port], an IPv6 literal in brackets (``http://[2001:db8::1]:8080``)."""
        u = httpx.URL(url)
        port = f":{u.port}" if u.port is not None else ""
        host = f"[{u.host}]" if ":" in u.host else u.host
        return f"{u.scheme}://{host}{port}"

    def rules(self, url: str) -> RobotsRules:
        """The (cached) rules for the origin of ``url``; fetches robots.txt when stale."""
        origin = self.origin(url)
        with self._lock:
            lock = self._origin_locks.setdefault(origin, threading.Lock())
        with lock:
            now = self.clock()
            cached = self._rules.get(origin)
            if cached is not None:
                ttl = self.failure_ttl if cached.error else self.max_age
                if now - cached.fetched < ttl:
                    return cached
            rules = self._fetch(origin, now)
            self._rules[origin] = rules
            return rules

    def _fetch(self, origin: str, now: float) -> RobotsRules:
        cap = self.fetcher.fetch(origin + "/robots.txt", kind="robots")
        if cap.outcome in ("ok", "truncated") and 200 <= cap.status < 300:
            # "utf-8-sig": a byte order mark would otherwise glue itself to the first field name,
            # and Protego would read the file as if it had no rules at all.
            parser = Protego.parse(close_empty_groups(cap.body.decode("utf-8-sig", "replace")))
            delay = parser.crawl_delay(self.agent)
            if delay is not None:
                self.fetcher.set_crawl_delay(host_key(origin), float(delay))
            return RobotsRules(origin, now, parser, allow_all=False)
        if cap.outcome == "ok" and 400 <= cap.status < 500:
            return RobotsRules(origin, now, None, allow_all=True)
        if cap.outcome == "too_many_redirects":  # RFC 9309 2.3.1.2: may be treated as unavailable
            return RobotsRules(origin, now, None, allow_all=True)
        why = f"HTTP {cap.status}" if cap.status else (cap.detail or cap.outcome)
        return RobotsRules(
            origin,
            now,
            None,
            allow_all=False,
            error=f"robots.txt of {origin} is unreachable ({why}); nothing is fetched from it (RFC 9309)",
        )

    def allowed(self, url: str) -> bool:
        """May ``url`` be fetched? The robots.txt URL itself always may."""
        if httpx.URL(url).path == "/robots.txt":
            return True
        r = self.rules(url)
        if r.parser is None:
            return r.allow_all
        return bool(r.parser.can_fetch(url, self.agent))

    def error(self, url: str) -> str:
        """Why the site of ``url`` is off-limits (robots.txt unreachable), or "" if it is not."""
        return self.rules(url).error

    def crawl_delay(self, url: str) -> float | None:
        r = self.rules(url)
        if r.parser is None:
            return None
        d = r.parser.crawl_delay(self.agent)
        return float(d) if d is not None else None

    def sitemaps(self, url: str) -> list[str]:
        r = self.rules(url)
        return list(r.parser.sitemaps) if r.parser is not None else []
