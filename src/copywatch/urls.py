"""URL identity for the credit check: the variants of one article's URL folded to one key.

http/https, www./m./amp. hosts, AMP forms, tracking parameters, trailing slashes and fragments do
not make a different article.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, unquote, urlencode, urljoin, urlsplit

_TRACKING_PARAMS = frozenset(
    {"amp", "fbclid", "gclid", "ref", "outputtype", "output", "at_medium", "at_campaign"}
)
_HOST_PREFIXES = ("www.", "m.", "mobile.", "amp.")


def host_key(netloc_host: str | None, port: int | None, scheme: str) -> str:
    h = (netloc_host or "").lower().rstrip(".")
    for p in _HOST_PREFIXES:
        if h.startswith(p) and h.count(".") >= 2:
            h = h[len(p) :]
            break
    if port and not (scheme == "http" and port == 80) and not (scheme == "https" and port == 443):
        h = f"{h}:{port}"
    return h


def url_key(url: str, base: str = "") -> tuple[str, str, str] | None:
    """(host, path, query) of a URL with the variants of "the same page" folded together.

    http/https, www./m./amp. hosts, a trailing slash, AMP forms (/amp, /amp/..., .amp.html, ?amp=1),
    tracking parameters (utm_*, fbclid, ...) and the fragment do not make a different article.
    """
    try:
        parts = urlsplit(urljoin(base, url.strip()) if base else url.strip())
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
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_") and k.lower() not in _TRACKING_PARAMS
    ]
    return host_key(parts.hostname, port, parts.scheme), path, urlencode(sorted(query))


def host_matches(host: str, domains: Iterable[str]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def is_home_path(path: str, query: str) -> bool:
    return not query and (path == "" or re.fullmatch(r"/[a-z]{2}", path) is not None)
