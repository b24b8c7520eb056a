"""URL identity, in one place: one spelling per page for the crawler, one key per article for the
credit check, one key per host for politeness, and one list of tracking parameters for all three.

- ``normalize_url``: what the crawler fetches and stores; drops the fragment, tracking parameters,
  user info and default ports, keeps every other query parameter in order (``?id=123`` is often
  the article itself);
- ``url_key``: (host, path, query) with the variants of one article folded together: http/https,
  www./m./amp. hosts, AMP forms, trailing slashes, index pages. Two URLs with the same key are
  the same article for the credit check;
- ``host_key``: the politeness key (host, and the port when it is not the default).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

import httpx

# Query parameters that never make another page: ad and analytics click ids, AMP switches.
TRACKING_PARAMS = frozenset(
    """fbclid gclid dclid gbraid wbraid msclkid yclid igshid mc_cid mc_eid _ga _gl
    amp outputtype output at_medium at_campaign ref""".split()
)
_HOST_PREFIXES = ("www.", "m.", "mobile.", "amp.")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_SAFE_PATH = "/%:@!$&'()*+,;=-._~"


def is_tracking(param: str) -> bool:
    """utm_* and the parameters of TRACKING_PARAMS (case-insensitive)."""
    p = param.lower()
    return p.startswith("utm_") or p in TRACKING_PARAMS


def normalize_url(url: str, base: str | None = None, max_length: int = 2083) -> str | None:
    """One spelling per page, or None for what is never fetched (non-http(s), too long, no host).

    Drops the fragment, tracking parameters (utm_*, fbclid, gclid, ...), user info and default
    ports; lowercases scheme and host; percent-encodes non-ASCII paths; keeps other query
    parameters in their order, since ``?id=123`` is often the article itself.
    """
    url = url.strip()
    if base:
        url = urljoin(base, url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    host = parts.hostname.lower().rstrip(".")
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = quote(parts.path or "/", safe=_SAFE_PATH)
    kept = [p for p in parts.query.split("&") if p and not is_tracking(p.split("=", 1)[0])]
    query = quote("&".join(kept), safe=_SAFE_PATH + "?")
    out = urlunsplit((scheme, netloc, path, query, ""))
    return out if len(out) <= max_length else None


def host_key(url: str | httpx.URL) -> str:
    """The politeness key of a URL: host, plus the port when it is not the scheme's default."""
    u = httpx.URL(url) if isinstance(url, str) else url
    host = f"[{u.host}]" if ":" in u.host else u.host  # an IPv6 literal keeps its brackets
    return host if u.port is None else f"{host}:{u.port}"


def site_host(url: str) -> str:
    """host[:port] without "www.": which site a URL is on (the outlet's own pages, short-link hosts)."""
    u = urlsplit(url)
    h = (u.hostname or "").lower().removeprefix("www.")
    return f"{h}:{u.port}" if u.port else h


def article_host(netloc_host: str | None, port: int | None, scheme: str) -> str:
    """The host part of ``url_key``: lowercased, www./m./mobile./amp. dropped, non-default port kept."""
    h = (netloc_host or "").lower().rstrip(".")
    for p in _HOST_PREFIXES:
        if h.startswith(p) and h.count(".") >= 2:
            h = h[len(p) :]
            break
    if port and not (scheme == "http" and port == 80) and not (scheme == "https" and port == 443):
        h = f"{h}:{port}"
    return h


_AMP_CACHE = re.compile(r"/(?:c|v|i|r|wp)/(s/)?([^/?#]+\.[^/?#]+)(.*)", re.DOTALL)
_GOOGLE_AMP = re.compile(r"/amp/(s/)?([^/?#]+\.[^/?#]+)(.*)", re.DOTALL)


def unwrap_amp_cache(url: str) -> str:
    """The publisher's URL behind an AMP cache address, else ``url`` as it is.

    Google's cache serves ``https://example-com.cdn.ampproject.org/c/s/example.com/path`` (``s/``:
    https; ``/v/``, ``/i/`` for viewer and images), Bing's the same under ``bing-amp.com``, and
    Google's viewer ``https://www.google.com/amp/s/example.com/path``. A link there is a link to
    the publisher's page: the cache answers 200 with a copy, so no redirect would tell.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    host = (parts.hostname or "").lower()
    if host.endswith((".cdn.ampproject.org", ".bing-amp.com")):
        m = _AMP_CACHE.fullmatch(parts.path)
    elif re.fullmatch(r"(www\.)?google\.[a-z.]{2,6}", host):
        m = _GOOGLE_AMP.fullmatch(parts.path)
    else:
        return url
    if m is None:
        return url
    scheme = "https" if m.group(1) else "http"
    query = f"?{parts.query}" if parts.query else ""
    return f"{scheme}://{m.group(2)}{m.group(3) or '/'}{query}"


def url_key(url: str, base: str = "") -> tuple[str, str, str] | None:
    """(host, path, query) of a URL with the variants of "the same page" folded together.

    http/https, www./m./amp. hosts, a trailing slash, AMP forms (/amp, /amp/..., .amp.html, ?amp=1,
    and the AMP caches' addresses of the page: ``unwrap_amp_cache``), tracking parameters (utm_*,
    fbclid, ...) and the fragment do not make a different article.
    """
    try:
        absolute = urljoin(base, url.strip()) if base else url.strip()
    except ValueError:
        return None
    return _url_key(absolute)


@functools.lru_cache(maxsize=16384)  # a site's menus and footers repeat their links on every page
def _url_key(url: str) -> tuple[str, str, str] | None:
    try:
        parts = urlsplit(unwrap_amp_cache(url))
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    path = unquote(parts.path)
    segs = [s for s in path.split("/") if s]
    if segs and segs[-1].lower() == "amp":
        segs = segs[:-1]
    if segs and segs[0].lower() == "amp":
        segs = segs[1:]
    path = "/" + "/".join(segs)
    path = re.sub(r"\.amp(\.html?)$", r"\1", path)
    path = re.sub(r"/index\.(html?|php|aspx?)$", "/", path).rstrip("/")
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking(k)]
    return article_host(parts.hostname, port, parts.scheme), path, urlencode(sorted(query))


def host_matches(host: str, domains: Iterable[str]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def is_home_path(path: str, query: str) -> bool:
    return not query and (path == "" or re.fullmatch(r"/[a-z]{2}", path) is not None)


_ID_PARAMS = frozenset(
    {"p", "page_id", "post", "id", "nid", "articleid", "article_id", "news_id", "story_id"}
)


def is_outlet_short_link(url: str) -> bool:
    """A URL of the outlet's that names an article by number only: ``/?p=48213``, ``/?page_id=7``,
    ``/index.php?id=9``, ``/123456``. The credit check asks where such a link leads rather than
    calling it a link to another article."""
    key = url_key(url)
    if key is None:
        return False
    _, path, query = key
    params = dict(parse_qsl(query))
    if path in ("", "/index.php") and params and set(params) <= _ID_PARAMS:
        return all(v.isdigit() for v in params.values())
    return not query and re.fullmatch(r"/\d{3,12}", path) is not None
