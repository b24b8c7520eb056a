"""A real HTTP(S) server on 127.0.0.1 with the routes a hostile or broken site would serve.

In the spirit of Scrapy's mock server: each test starts one in a thread on a free port, the
crawler talks to it over real sockets, and the server's log (path, headers, start and end time)
is what the tests assert on. Routes are plain functions of the request handler; a test adds its
own with ``HostileServer(routes={...})``.

    with HostileServer() as srv:
        fetcher.fetch(srv.url("/endless"))
        assert srv.hits("/endless") == 1
"""

from __future__ import annotations

import gzip
import http.server
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from copywatch.config import CrawlConfig

Handler = Callable[["RequestHandler"], None]


@dataclass(frozen=True)
class Hit:
    path: str  # with the query string
    headers: dict[str, str]
    start: float  # time.monotonic() when the request line was read
    end: float  # after the response was written (or the client went away)


def send(
    h: RequestHandler,
    status: int,
    body: bytes = b"",
    content_type: str = "text/html; charset=utf-8",
    headers: dict[str, str] | None = None,
) -> None:
    """A complete response with a Content-Length (keeps the connection usable)."""
    h.send_response(status)
    if content_type:
        h.send_header("Content-Type", content_type)
    for k, v in (headers or {}).items():
        h.send_header(k, v)
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


def html(title: str, body: str = "", links: list[str] | None = None) -> bytes:
    anchors = "".join(f'<a href="{u}">{u}</a>\n' for u in links or [])
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><h1>{title}</h1><p>{body}</p>{anchors}</body></html>"
    ).encode()


@lru_cache(maxsize=1)
def bomb_body() -> bytes:
    """50 MiB of zeros, gzipped (about 50 KiB on the wire)."""
    return gzip.compress(b"\0" * (50 * 1024 * 1024), compresslevel=9)


# --- built-in hostile routes ------------------------------------------------------------------------


def _page(h: RequestHandler) -> None:
    send(h, 200, html("page", "hello"), headers={"ETag": '"v1"'})


def _etag(h: RequestHandler) -> None:
    """304 when the client already has version v1."""
    if h.headers.get("If-None-Match") == '"v1"':
        h.send_response(304)
        h.send_header("ETag", '"v1"')
        h.send_header("Content-Length", "0")
        h.end_headers()
        return
    send(h, 200, html("etag", "stable"), headers={"ETag": '"v1"'})


def _endless(h: RequestHandler) -> None:
    """Chunked, never ends."""
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Transfer-Encoding", "chunked")
    h.end_headers()
    chunk = b"<p>" + b"x" * 16_000 + b"</p>"
    while True:
        h.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))


def _bomb(h: RequestHandler) -> None:
    send(h, 200, bomb_body(), headers={"Content-Encoding": "gzip"})


def _trickle(h: RequestHandler) -> None:
    """One byte a second of a 1000-byte body."""
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Length", "1000")
    h.end_headers()
    for _ in range(1000):
        h.wfile.write(b"x")
        h.wfile.flush()
        time.sleep(1.0)


def _trickle_headers(h: RequestHandler) -> None:
    """The status line and headers one byte a second (a slowloris in reverse): connected at once,
    but no complete response head for minutes (issue 12: a read timeout, not a connect one)."""
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 2\r\n\r\nok"
    for byte in head:
        h.wfile.write(bytes([byte]))
        h.wfile.flush()
        time.sleep(1.0)
    h.close_connection = True


def _redirect_big(h: RequestHandler) -> None:
    """A 302 carrying 20 MiB of body that no client should read."""
    size = 20 * 1024 * 1024
    h.send_response(302)
    h.send_header("Location", "/page")
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Length", str(size))
    h.end_headers()
    chunk = b"z" * 65536
    for _ in range(size // len(chunk)):
        h.wfile.write(chunk)


def _redirect(target: str) -> Handler:
    def route(h: RequestHandler) -> None:
        send(h, 302, b"", headers={"Location": target})

    return route


def _octet(h: RequestHandler) -> None:
    """Declares 1 GB of application/octet-stream."""
    h.send_response(200)
    h.send_header("Content-Type", "application/octet-stream")
    h.send_header("Content-Length", str(10**9))
    h.end_headers()
    chunk = b"\0" * 65536
    for _ in range(10**9 // len(chunk)):
        h.wfile.write(chunk)


def _not_found(h: RequestHandler) -> None:
    send(h, 404, html("not found"))


def _drop(h: RequestHandler) -> None:
    """Close the connection without answering."""
    h.close_connection = True
    h.connection.shutdown(socket.SHUT_RDWR)


def _farm(h: RequestHandler) -> None:
    """/farm/N: a link farm; the root has 10,000 links, every page 50 more, without end."""
    n = int(h.path.split("?")[0].rsplit("/", 1)[-1] or 0)
    fan = 10_000 if n == 0 else 50
    links = [f"/farm/{n * 10_000 + i + 1}" for i in range(fan)]
    send(h, 200, html(f"farm {n}", links=links))


def _reply_trap(h: RequestHandler) -> None:
    """/reply-trap/N: a blog whose every article carries 40 comments, each with a ``?replytocom=``
    link (WordPress's own crawler trap: every one answers the article again, 200), a print
    version, a share link and a login link, all answered; the real articles are /reply-trap/1..5,
    each linking to the next."""
    path, _, query = h.path.partition("?")
    tail = path.rsplit("/", 1)[-1]
    if query or not tail.isdigit():  # a variant: the article again, as the site would serve it
        send(h, 200, html(f"variant {h.path}", "نص المقال مرة أخرى"))
        return
    n = int(tail)
    links = [f"/reply-trap/{n}?replytocom={n * 100 + c}" for c in range(40)]
    links += [
        f"/reply-trap/{n}/print",
        f"/reply-trap/{n}?share=facebook",
        f"/wp-login.php?redirect_to=/reply-trap/{n}",
    ]
    if n < 5:
        links.append(f"/reply-trap/{n + 1}")
    send(h, 200, html(f"article {n}", "نص المقال", links=links))


# --- hostile pages that attack the parsers and the connection (issue 12) -----------------------------


def _smuggle(h: RequestHandler) -> None:
    """A 200 whose Content-Length is shorter than what follows: a whole second response rides
    behind it on the kept-alive connection, ready to be read as the answer to the next request."""
    body = html("smuggle", "the real page")
    smuggled = html("SMUGGLED", "a page nobody asked for")
    extra = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s" % (
        len(smuggled),
        smuggled,
    )
    h.send_response(200)
    h.send_header("Content-Type", "text/html; charset=utf-8")
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body + extra)


def _cut(h: RequestHandler) -> None:
    """Declares 10,000 bytes, sends 100 and keeps the connection open."""
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Length", "10000")
    h.end_headers()
    h.wfile.write(b"<p>" + b"c" * 97)
    h.wfile.flush()
    time.sleep(3)
    h.close_connection = True


@lru_cache(maxsize=1)
def rel_bomb_body(size: int = 1_000_000) -> bytes:
    r"""``rel=rel=rel=...`` over a page: quadratic for a ``rel\s*=\s*[^>]*next`` search."""
    head = b"<!doctype html><html><head><title>rel</title></head><body><p>"
    return head + b"rel=" * (size // 4) + b"</p></body></html>"


@lru_cache(maxsize=1)
def title_bomb_body(size: int = 1_000_000) -> bytes:
    """``<title>`` repeated, never closed: quadratic for a ``<title>(.*?)</title>`` search."""
    return b"<!doctype html><html><head>" + b"<title>" * (size // 7)


def date_bomb_body(run: int = 200_000) -> bytes:
    """A date followed by a long run of newlines: cubic for ``\\s*[-,]?\\s*...\\s*`` after a date."""
    return (
        b"<!doctype html><html><head><title>date</title></head><body>"
        b'<span class="date">2024-01-02' + b"\n" * run + b"x</span><p>text</p></body></html>"
    )


def deep_nest(inner: str, depth: int = 300, tag: str = "div") -> str:
    """``inner`` wrapped in ``depth`` elements (libxml2 drops what is below 255 without huge_tree)."""
    return f"<{tag}>" * depth + inner + f"</{tag}>" * depth


@lru_cache(maxsize=1)
def deep_json_body(depth: int = 200_000) -> bytes:
    """A "JSON feed" nested 200,000 arrays deep: json.loads raises RecursionError."""
    return b'{"version": "https://jsonfeed.org/version/1", "items": ' + b"[" * depth + b"]" * depth + b"}"


def _deep_json(h: RequestHandler) -> None:
    send(h, 200, deep_json_body(), "application/feed+json")


@lru_cache(maxsize=1)
def million_links_body(n: int = 1_000_000) -> bytes:
    """About 5 MB: a page of a million links."""
    return b"<!doctype html><html><body>" + b"<a href=/l>x</a>" * n + b"</body></html>"


def _million_links(h: RequestHandler) -> None:
    send(h, 200, million_links_body())


def robots_bom(rules: str) -> Handler:
    """A robots.txt starting with a UTF-8 byte order mark."""

    def route(h: RequestHandler) -> None:
        send(h, 200, b"\xef\xbb\xbf" + rules.encode(), "text/plain")

    return route


DEFAULT_ROUTES: dict[str, Handler] = {
    "/robots.txt": _not_found,
    "/page": _page,
    "/etag": _etag,
    "/endless": _endless,
    "/bomb": _bomb,
    "/trickle": _trickle,
    "/trickle-headers": _trickle_headers,
    "/redirect-big": _redirect_big,
    "/loop": _redirect("/loop2"),
    "/loop2": _redirect("/loop"),
    "/to-file": _redirect("file:///etc/passwd"),
    "/octet": _octet,
    "/404": _not_found,
    "/drop": _drop,
    "/farm/*": _farm,
    "/reply-trap/*": _reply_trap,
    "/wp-login.php": lambda h: send(h, 200, html("log in")),
    "/smuggle": _smuggle,
    "/cut": _cut,
    "/rel-bomb": lambda h: send(h, 200, rel_bomb_body()),
    "/title-bomb": lambda h: send(h, 200, title_bomb_body()),
    "/date-bomb": lambda h: send(h, 200, date_bomb_body()),
    "/deep-json": _deep_json,
    "/million-links": _million_links,
    "/to-javascript": _redirect("javascript:alert(document.domain)"),
    "/to-data": _redirect("data:text/html,<script>alert(1)</script>"),
}


class RequestHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        srv = self.server.owner
        start = time.monotonic()
        with srv.lock:
            srv.active += 1
            srv.max_active = max(srv.max_active, srv.active)
        try:
            srv.route(self.path)(self)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
            self.close_connection = True
        finally:
            with srv.lock:
                srv.active -= 1
                srv.records.append(Hit(self.path, dict(self.headers.items()), start, time.monotonic()))

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    owner: HostileServer

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that hang up or reject our certificate are expected here


@dataclass
class HostileServer:
    """Start with ``with HostileServer(...) as srv``; ``srv.url(path)`` gives an http(s) URL."""

    routes: dict[str, Handler] = field(default_factory=dict)
    tls: ssl.SSLContext | None = None  # a server-side context (trustme) for HTTPS
    records: list[Hit] = field(default_factory=list)  # read through .log, which waits for in-flight requests
    lock: threading.Lock = field(default_factory=threading.Lock)
    active: int = 0
    max_active: int = 0
    bind: str = "127.0.0.1"  # "::1" for an IPv6 server

    def __post_init__(self) -> None:
        # Imported here, not at the top: benchmarks/hostile_pages.py imports this module's page
        # builders with only tests/ on sys.path.
        from tests.fixtures.http_server import LocalServer

        self.routes = {**DEFAULT_ROUTES, **self.routes}
        self._server = LocalServer(
            RequestHandler, host=self.bind, server_class=_Server, tls=self.tls, owner=self
        )
        self.port = self._server.port

    def __enter__(self) -> HostileServer:
        self._server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stop()

    def url(self, path: str, host: str = "") -> str:
        scheme = "https" if self.tls else "http"
        host = host or (f"[{self.bind}]" if ":" in self.bind else self.bind)
        return f"{scheme}://{host}:{self.port}{path}"

    def route(self, path: str) -> Handler:
        bare = path.split("?", 1)[0]
        if bare in self.routes:
            return self.routes[bare]
        for pattern, handler in self.routes.items():
            if pattern.endswith("*") and bare.startswith(pattern[:-1]):
                return handler
        return _not_found

    @property
    def log(self) -> list[Hit]:
        """Every request served so far. A client can have its response before the handler has
        logged it, so wait (briefly) for handlers still running to finish first."""
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            with self.lock:
                if self.active == 0:
                    break
            time.sleep(0.01)
        with self.lock:
            return list(self.records)

    def hits(self, prefix: str = "/") -> int:
        """Requests whose path starts with ``prefix`` (robots.txt included unless excluded)."""
        return sum(1 for hit in self.log if hit.path.startswith(prefix))

    def page_hits(self) -> int:
        """Requests for anything but /robots.txt."""
        return sum(1 for hit in self.log if not hit.path.startswith("/robots.txt"))


def local_config(**overrides: object) -> CrawlConfig:
    """A CrawlConfig for talking to this server: private addresses allowed, no politeness delay."""
    values: dict[str, object] = {
        "allow_private_addresses": True,
        "delay_seconds": 0.0,
        "timeout_seconds": 5.0,
    }
    values.update(overrides)
    return CrawlConfig(**values)  # type: ignore[arg-type]
