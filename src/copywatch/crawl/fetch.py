"""Fetcher: one bounded, polite, SSRF-safe GET that always ends in a Capture (RELIABILITY #3-#13, #19, #23).

httpx does the HTTP, but several things evidence-grade crawling needs are left to us
(RELIABILITY.md, "What httpx and friends do not do for you"):

* the body is read with ``iter_raw()`` under a wire cap and decoded by our own bounded
  decompressors (httpx's decoders inflate a 64 KiB chunk into 64 MiB);
* redirects are followed by hand (httpx reads every redirect body), each hop re-checked;
* a wall-clock deadline covers the whole fetch: the network backend below shortens every socket
  read and connect to what is left, so even a server trickling its *headers* is cut off;
* the host is resolved and checked here, and the request goes to that IP (Host header and TLS
  SNI keep the name), so DNS rebinding cannot swap in a private address between check and use;
* one request at a time per host, with a delay measured from the end of one to the start of
  the next; retries only for 408/429/5xx and timeouts, with backoff, jitter and Retry-After.

The deadline transport lives in ``_deadline.py`` and the bounded decoders in ``_decoders.py``
(httpx's habit of one private module per concept); this module is the fetcher itself.

``fetch`` never raises for network or policy problems: the Capture's ``outcome`` and ``detail``
say what happened, so one broken site cannot stop a scan.
"""

from __future__ import annotations

import hashlib
import random
import socket
import ssl
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Literal, Protocol

import httpx

from ..config import CrawlConfig
from ..errors import PolicyRefused
from ..models import Capture, FetchOutcome, utc_now
from ..urls import host_key
from ._deadline import (  # noqa: F401 - re-exported
    READ_SIZE,
    DeadlineExceeded,
    _Counter,
    _DeadlineBackend,
    _DeadlineStream,
    _FetchState,
    _overran,
    _PinnedTransport,
)
from ._decoders import PIECE, BoundedBody, DecodeError, bounded_gunzip, make_decoders  # noqa: F401 - re-exported
from .archive import Exchange, Revisit, WarcArchive, WarcLocation
from .netpolicy import Resolver, check_url, resolve

try:  # brotli is optional: "br" is only advertised when we can decode it with a bound
    import brotli
except ImportError:  # pragma: no cover - brotli is installed in the supported setup
    brotli = None

Kind = Literal["html", "xml", "robots"]

ACCEPT_ENCODING = "gzip, deflate, br" if brotli is not None else "gzip, deflate"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
FEED_TYPES = frozenset(
    {
        "text/xml",
        "application/xml",
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/json",
        "application/feed+json",
        "text/plain",
        "application/gzip",
        "application/x-gzip",
    }
)
ACCEPT = {
    "html": "text/html,application/xhtml+xml;q=0.9",
    "xml": "application/xml,text/xml,application/rss+xml,application/atom+xml,text/html;q=0.8,*/*;q=0.5",
    "robots": "text/plain,*/*;q=0.5",
}


class KnownPage(Protocol):
    """What the crawler needs to know of a URL fetched in an earlier scan (for conditional GETs,
    revisits and sitemap lastmods). The store's ``StoredPage`` is one, as the store hands it back:
    no copy is made of it for the crawler."""

    @property
    def url(self) -> str: ...
    @property
    def etag(self) -> str | None: ...
    @property
    def last_modified(self) -> str | None: ...
    @property
    def sha256(self) -> str: ...
    @property
    def body(self) -> bytes: ...
    @property
    def fetched_at(self) -> str: ...
    @property
    def warc_file(self) -> str | None: ...
    @property
    def warc_offset(self) -> int | None: ...
    @property
    def lastmod(self) -> str | None:  # the sitemap lastmod seen then
        ...
    @property
    def final_url(self) -> str:  # where the URL led then, after redirects ("" or the URL itself)
        ...


# --- the fetcher ----------------------------------------------------------------------------------


@dataclass
class _Host:
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_start: float = 0.0  # monotonic time before which no request may start
    last_end: float = 0.0  # when the last request ended
    crawl_delay: float = 0.0


@dataclass
class _Attempt:
    capture: Capture
    retry: bool = False
    retry_after: float | None = None


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds()) if when.tzinfo else None


def _mime(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _type_allowed(kind: Kind, content_type: str, url: httpx.URL) -> bool:
    mime = _mime(content_type)
    if kind == "robots" or not mime:
        return True
    if mime in HTML_TYPES:
        return True
    if kind == "xml":
        if mime in FEED_TYPES or mime.endswith(("+xml", "+json")):
            return True
        # .xml.gz sitemaps are often served as octet-stream
        return mime == "application/octet-stream" and url.path.endswith((".gz", ".xml"))
    return False


class Fetcher:
    """Thread-safe fetcher; one instance per scan, shared by the per-site threads."""

    def __init__(
        self,
        config: CrawlConfig,
        archive: WarcArchive | None = None,
        resolver: Resolver | None = None,
        *,
        ssl_context: ssl.SSLContext | None = None,
        backoff_base: float = 1.0,
    ) -> None:
        """``resolver``: a getaddrinfo-like callable (tests); ``ssl_context``: extra trusted CAs
        (tests). TLS is verified in every case. ``backoff_base``: seconds before the first retry."""
        self.config = config
        self.archive = archive
        self.resolver = resolver
        self.backoff_base = backoff_base
        self._state = _FetchState()
        self._counter = _Counter()
        self._hosts: dict[str, _Host] = {}
        self._hosts_lock = threading.Lock()
        ctx = ssl_context or httpx.create_ssl_context(verify=True, trust_env=config.trust_env)
        self._backend = _DeadlineBackend(self._state, self._counter)
        self._client = httpx.Client(
            transport=_PinnedTransport(ctx, self._backend),
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": config.user_agent},
        )
        # With trust_env, requests that an environment proxy covers go through it; the proxy then
        # resolves the name, so pinning (not the address check) is lost for those requests.
        self._proxies = urllib.request.getproxies() if config.trust_env else {}
        self._proxied: httpx.Client | None = None
        if self._proxies:
            self._proxied = httpx.Client(
                verify=ctx, trust_env=True, follow_redirects=False, headers={"User-Agent": config.user_agent}
            )

    @property
    def bytes_received(self) -> int:
        """Bytes read from sockets by this fetcher so far (headers included): what was downloaded."""
        return self._counter.value

    def set_crawl_delay(self, host: str, seconds: float) -> None:
        """Honour a robots.txt Crawl-delay for ``host`` (as host_key gives it), up to crawl_delay_cap."""
        h = self._host(host)
        h.crawl_delay = max(0.0, min(float(seconds), self.config.crawl_delay_cap))
        h.next_start = max(h.next_start, h.last_end + h.crawl_delay)  # also after the robots.txt request

    def close(self) -> None:
        self._client.close()
        if self._proxied is not None:
            self._proxied.close()

    def _host(self, key: str) -> _Host:
        with self._hosts_lock:
            h = self._hosts.get(key)
            if h is None:
                h = self._hosts[key] = _Host()
            return h

    @contextmanager
    def _slot(self, key: str) -> Iterator[_Host]:
        """Hold the host: one request at a time, starting no earlier than the delay allows."""
        h = self._host(key)
        with h.lock:
            wait = h.next_start - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                yield h
            finally:
                h.last_end = time.monotonic()
                gap = max(self.config.delay_seconds, h.crawl_delay)
                h.next_start = max(h.next_start, h.last_end + gap)

    # -- public entry point --

    def fetch(self, url: str, kind: Kind = "html", known: KnownPage | None = None) -> Capture:
        """GET ``url`` (redirects, retries and all) and return what happened as a Capture."""
        # The deadline starts when the first request may start (waiting for the host's turn is
        # not this fetch's time) and then covers every hop, retry and backoff.
        deadline: list[float] = []
        attempt = 0
        while True:
            result = self._attempt(url, kind, known, deadline)
            if not result.retry or attempt >= self.config.max_retries:
                return result.capture
            attempt += 1
            wait = self.backoff_base * (2 ** (attempt - 1)) * (1 + random.uniform(0, 0.25))
            if result.retry_after is not None:
                if result.retry_after > self.config.crawl_delay_cap:
                    return result.capture  # the server asks for longer than we wait: give up for now
                wait = max(wait, result.retry_after)
            if deadline and time.monotonic() + wait >= deadline[0]:
                return result.capture
            h = self._host(host_key(result.capture.final_url))
            with h.lock:
                h.next_start = max(h.next_start, time.monotonic() + wait)

    def _attempt(self, url: str, kind: Kind, known: KnownPage | None, deadline: list[float]) -> _Attempt:
        """One try: every redirect hop, each checked and sent to its own host's slot."""
        cfg = self.config
        redirects: list[str] = []
        current = url
        fetched_at = utc_now()

        def done(outcome: FetchOutcome, detail: str, **kw: Any) -> _Attempt:
            cap = Capture(
                url=url,
                final_url=current,
                status=kw.pop("status", 0),
                outcome=outcome,
                fetched_at=fetched_at,
                redirects=tuple(redirects),
                detail=detail,
                **kw,
            )
            return _Attempt(cap)

        for _hop in range(cfg.max_redirects + 1):
            try:
                parsed = check_url(current, cfg.max_url_length)
                port = parsed.port or (443 if parsed.scheme == "https" else 80)
                ip = resolve(parsed.host, port, self.resolver, cfg.allow_private_addresses)
            except PolicyRefused as e:
                return done("refused", str(e))
            except (socket.gaierror, UnicodeError) as e:
                return done("error", f"DNS lookup failed for {parsed.host} ({current}): {e}")
            except OSError as e:
                return done("error", f"cannot resolve {current}: {e}")
            conditional = known if (known is not None and not redirects) else None
            with self._slot(host_key(parsed)):
                if not deadline:
                    deadline.append(time.monotonic() + cfg.timeout_seconds)
                self._state.deadline = deadline[0]
                fetched_at = utc_now()
                try:
                    hop = self._send(parsed, ip, kind, conditional, fetched_at)
                finally:
                    self._state.deadline = float("inf")
            if hop.location is not None:
                if hop.location_error:
                    return done("refused", hop.location_error, status=hop.status, ip=ip, headers=hop.headers)
                redirects.append(current)
                current = hop.location
                continue
            cap = Capture(
                url=url,
                final_url=current,
                status=hop.status,
                outcome=hop.outcome,
                fetched_at=fetched_at,
                headers=hop.headers,
                body=hop.body,
                sha256=hop.sha256,
                ip=ip if hop.status else None,
                redirects=tuple(redirects),
                content_type=hop.content_type,
                detail=hop.detail,
                warc_file=hop.warc.file if hop.warc else None,
                warc_offset=hop.warc.offset if hop.warc else None,
            )
            return _Attempt(cap, retry=hop.retry, retry_after=hop.retry_after)
        return done("too_many_redirects", f"more than {cfg.max_redirects} redirects from {url}")

    def _client_for(self, url: httpx.URL) -> httpx.Client | None:
        if (
            self._proxied is not None
            and url.scheme in self._proxies
            and not urllib.request.proxy_bypass(url.host)
        ):
            return self._proxied
        return None

    def _send(self, url: httpx.URL, ip: str, kind: Kind, known: KnownPage | None, fetched_at: str) -> _Hop:
        """One request to ``ip`` for ``url``; redirects are reported, not followed."""
        cfg = self.config
        headers = {"Accept": ACCEPT[kind], "Accept-Encoding": ACCEPT_ENCODING, "User-Agent": cfg.user_agent}
        if known is not None:
            if known.etag:
                headers["If-None-Match"] = known.etag
            if known.last_modified:
                headers["If-Modified-Since"] = known.last_modified
        proxied = self._client_for(url)
        # A stall of a third of the budget is a (retryable) timeout; the deadline caps everything.
        timeout = httpx.Timeout(cfg.timeout_seconds / 3)
        if proxied is not None:
            client, target = proxied, url
            request = client.build_request("GET", target, headers=headers, timeout=timeout)
        else:
            # The URL keeps its host name (pool key, Host header, SNI and certificate check all
            # follow it); the backend connects to the address checked for that name.
            client, target = self._client, url
            self._backend.pins[url.raw_host.decode("ascii").lower()] = ip
            request = client.build_request("GET", target, headers=headers, timeout=timeout)
        request_line = f"GET {url.raw_path.decode('ascii')} HTTP/1.1"
        req_headers = tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw)
        where = str(url)
        try:
            response = client.send(request, stream=True)
        except httpx.ConnectTimeout:
            return _Hop.failed("timeout", f"timed out connecting to {where}", retry=self._time_left())
        except httpx.TimeoutException:  # connected, but the status line and headers did not come in time
            return _Hop.failed(
                "timeout",
                f"{where}: timed out reading the response headers (deadline of {cfg.timeout_seconds:g} s,"
                f" or {cfg.timeout_seconds / 3:g} s without a byte)",
                retry=self._time_left(),
            )
        except httpx.ConnectError as e:
            if "CERTIFICATE" in str(e).upper() or "SSL" in str(e).upper():
                return _Hop.failed("error", f"TLS verification failed for {where}: {e}")
            return _Hop.failed("error", f"cannot connect to {where}: {e}")
        except httpx.HTTPError as e:
            return _Hop.failed("error", f"request to {where} failed: {type(e).__name__}: {e}")
        except httpx.InvalidURL as e:
            # httpx builds the next request of a redirect even when it does not follow it, and
            # refuses a Location such as "javascript:..." or "data:..." with InvalidURL
            return _Hop.failed("refused", f"{where}: redirect to an unusable URL refused ({e})")

        try:
            hop = self._read(response, url, ip, kind, known, fetched_at, request_line, req_headers)
            if hop.body_cut or _overran(response):
                # bytes past the declared end (or a response cut short) poison the connection:
                # whatever follows on it is not the answer to our next request
                stream = response.extensions.get("network_stream")
                if isinstance(stream, _DeadlineStream):
                    stream.spoiled = True
            return hop
        finally:
            response.close()

    def _time_left(self) -> bool:
        return self._state.deadline - time.monotonic() > 0.05

    def _read(
        self,
        response: httpx.Response,
        url: httpx.URL,
        ip: str,
        kind: Kind,
        known: KnownPage | None,
        fetched_at: str,
        request_line: str,
        req_headers: tuple[tuple[str, str], ...],
    ) -> _Hop:
        cfg = self.config
        where = str(url)
        status = response.status_code
        headers = tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw)
        content_type = response.headers.get("content-type", "")

        def archive(
            payload: bytes = b"", truncated: str | None = None, revisit: Revisit | None = None
        ) -> WarcLocation | None:
            if self.archive is None:
                return None
            reason = response.reason_phrase or ""
            return self.archive.write_exchange(
                Exchange(
                    url=where,
                    ip=ip,
                    date=fetched_at,
                    request_line=request_line,
                    request_headers=req_headers,
                    status_line=f"{status} {reason}".strip(),
                    protocol=response.http_version or "HTTP/1.1",
                    response_headers=headers,
                    payload=payload,
                    truncated=truncated,
                    revisit=revisit,
                )
            )

        hop = _Hop(status=status, headers=headers, content_type=content_type)
        if status in REDIRECT_STATUSES and response.headers.get("location"):
            hop.warc = archive(truncated="unspecified")  # the redirect body is never read
            location = response.headers["location"]
            try:
                nxt = url.join(location)
            except (httpx.InvalidURL, ValueError) as e:
                hop.location, hop.location_error = (
                    location,
                    f"bad redirect Location {location!r} from {where}: {e}",
                )
                return hop
            hop.location = str(nxt)
            if nxt.scheme not in ("http", "https"):
                hop.location_error = f"redirect from {where} to a non-http(s) URL refused: {location}"
            return hop
        if status == 304 and known is not None:
            hop.warc = archive(
                revisit=Revisit("not_modified", known.url, known.fetched_at, known.sha256),
            )
            hop.outcome, hop.body, hop.sha256 = "not_modified", known.body, known.sha256
            hop.detail = f"{where} not modified since {known.fetched_at}"
            return hop
        retryable = status in (408, 429) or (status >= 500 and status not in (501, 505))
        hop.retry = retryable
        hop.retry_after = _retry_after(response.headers.get("retry-after")) if status in (429, 503) else None
        if not _type_allowed(kind, content_type, url):
            hop.warc = archive(truncated="unspecified")
            hop.outcome = "refused"
            hop.detail = (
                f"content type {_mime(content_type)!r} of {where} is not fetched for {kind}; body not read"
            )
            return hop
        try:
            body = BoundedBody(cfg.max_bytes, response.headers.get("content-encoding"))
        except DecodeError as e:
            hop.warc = archive(truncated="unspecified")
            hop.outcome, hop.detail = "refused", f"{where}: {e}"
            return hop

        cut: str | None = None
        try:
            for chunk in response.iter_raw():
                if not body.feed(chunk):
                    break
                if time.monotonic() > self._state.deadline:
                    raise httpx.ReadTimeout("wall-clock deadline of the fetch passed")
        except httpx.TimeoutException:
            cut = "time"
            hop.outcome, hop.retry = "timeout", self._time_left()
            hop.detail = f"{where}: deadline of {cfg.timeout_seconds:g} s passed while reading the body"
        except DecodeError as e:
            cut = "unspecified"
            hop.outcome, hop.detail = "error", f"{where}: {e}"
        except httpx.HTTPError as e:
            cut = "disconnect"
            hop.outcome, hop.detail = "error", f"{where}: connection lost while reading the body: {e}"
        hop.body_cut = cut is not None or body.truncated
        if body.truncated and cut is None:
            cut = "length"
            hop.outcome = "truncated"
            hop.detail = f"{where}: body cut at max_bytes={cfg.max_bytes}"
        wire = body.wire.getvalue()
        hop.body = body.decoded.getvalue()
        hop.sha256 = hashlib.sha256(wire).hexdigest()
        if hop.outcome == "ok" and known is not None and hop.sha256 == known.sha256:
            hop.warc = archive(revisit=Revisit("identical", known.url, known.fetched_at, known.sha256))
        else:
            hop.warc = archive(wire, truncated=cut)
        if hop.outcome == "ok" and status >= 400:
            hop.detail = f"{where} answered HTTP {status}"
        return hop


@dataclass
class _Hop:
    """What one request gave: either a redirect target or a final response."""

    status: int = 0
    headers: tuple[tuple[str, str], ...] = ()
    content_type: str = ""
    outcome: FetchOutcome = "ok"
    detail: str = ""
    body: bytes = b""
    sha256: str = ""
    warc: WarcLocation | None = None
    location: str | None = None
    location_error: str = ""
    retry: bool = False
    retry_after: float | None = None
    body_cut: bool = False  # the body was not read to its end

    @classmethod
    def failed(cls, outcome: FetchOutcome, detail: str, retry: bool = False) -> _Hop:
        return cls(outcome=outcome, detail=detail, retry=retry)
