"""Serve the demo web on 127.0.0.1: one ThreadingHTTPServer per site, each on its own free port.

Each site gets its own port (so its own origin, as separate hosts would have) and behaves like a
modest real server: HEAD, Last-Modified with If-Modified-Since -> 304, gzip when the client asks
(per site: one site never compresses), 301 for a base path without its slash, 404 otherwise. Every
request is recorded so tests can prove that robots-disallowed pages were never fetched.
"""

from __future__ import annotations

import gzip
import socket
import threading
from dataclasses import dataclass, field
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

from .build import BuiltSite, Resource, build_web, parse_time

NOT_FOUND = (
    '<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>404</title></head>'
    "<body><h1>الصفحة غير موجودة</h1></body></html>"
).encode()


@dataclass(frozen=True)
class DemoWeb:
    """A running demo web. ``sites`` is what [[sites]] should list; stop() ends every server."""

    outlet_url: str  # e.g. "http://127.0.0.1:PORT/"
    outlet_sources: tuple[str, ...]  # what [outlet].exclusives should list
    sites: tuple[tuple[str, tuple[str, ...]], ...]  # (site name, seeds) per [[sites]] table
    origins: dict[str, str] = field(default_factory=dict, compare=False)  # site name -> "http://host:port"
    _servers: tuple[ThreadingHTTPServer, ...] = field(default=(), compare=False, repr=False)
    _log: list[tuple[str, str, str]] = field(default_factory=list, compare=False, repr=False)

    def url(self, site: str, path: str) -> str:
        """The served URL of a truth record's (site, path); the outlet is "kawalisalyaoum"."""
        return self.origins[site] + path

    def requests(self) -> list[tuple[str, str, str]]:
        """Every request served so far, as (site, method, raw path with query), in arrival order."""
        return list(self._log)

    def stop(self) -> None:
        for s in self._servers:
            s.shutdown()
            s.server_close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    site: BuiltSite
    origin: str
    bodies: dict[str, tuple[bytes, bytes | None]]  # path -> (plain, gzip or None)
    log: list[tuple[str, str, str]]


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes: don't stall on delayed ACKs
    server_version = "demo-web/1.0"

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the log list is the record
        pass

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        self._serve(head=False)

    def _serve(self, head: bool) -> None:
        site = self.server.site
        self.server.log.append((site.name, self.command, self.path))
        raw_path = urlsplit(self.path).path
        path = unquote(raw_path)
        res = site.resources.get(path)
        if res is None:
            target = site.redirects.get(path)
            if target is None and path + "/" in site.resources:
                target = raw_path + "/"
            if target is not None:
                self._send(301, [("Location", self.server.origin + target)], b"", head)
            else:
                self._send(404, [("Content-Type", "text/html; charset=utf-8")], NOT_FOUND, head)
            return
        plain, packed = self.server.bodies[path]
        modified = parse_time(res.lastmod)
        headers = [
            ("Content-Type", res.content_type),
            ("Last-Modified", format_datetime(modified, usegmt=True)),
            ("Vary", "Accept-Encoding"),
        ]
        if self._not_modified(res):
            self._send(304, headers[1:], b"", head)
            return
        body = plain
        if packed is not None and _wants_gzip(self.headers.get("Accept-Encoding", "")):
            body = packed
            headers.append(("Content-Encoding", "gzip"))
        self._send(200, headers, body, head)

    def _not_modified(self, res: Resource) -> bool:
        ims = self.headers.get("If-Modified-Since")
        if not ims:
            return False
        try:
            since = parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            return False
        return parse_time(res.lastmod) <= since

    def _send(self, status: int, headers: list[tuple[str, str]], body: bytes, head: bool) -> None:
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head and status != 304:
            self.wfile.write(body)


def _wants_gzip(accept: str) -> bool:
    """True when Accept-Encoding lists gzip (or *) without q=0."""
    for part in accept.lower().split(","):
        name, _, params = part.strip().partition(";")
        if name.strip() in ("gzip", "*"):
            q = params.strip()
            return not (q.startswith("q=") and float(q[2:] or 0) == 0)
    return False


class _Server6(_Server):
    address_family = socket.AF_INET6


def _serve_site(site: BuiltSite, host: str, log: list[tuple[str, str, str]]) -> _Server:
    server = (_Server6 if ":" in host else _Server)((host, 0), _Handler)
    port = server.server_address[1]
    server.site = site
    server.origin = f"http://{host}:{port}" if ":" not in host else f"http://[{host}]:{port}"
    server.log = log
    server.bodies = {}
    for path, res in site.resources.items():
        plain = res.body.replace("__ORIGIN__", server.origin).encode("utf-8")
        server.bodies[path] = (plain, gzip.compress(plain, mtime=0) if site.gzip else None)
    threading.Thread(target=server.serve_forever, args=(0.05,), name=f"demo-{site.name}", daemon=True).start()
    return server


def start_demo(host: str = "127.0.0.1") -> DemoWeb:
    """Serve every demo site in daemon threads, each on a free port of ``host``; returns at once."""
    built, _ = build_web()
    log: list[tuple[str, str, str]] = []
    servers = tuple(_serve_site(s, host, log) for s in built)
    origins = {s.site.name: s.origin for s in servers}
    outlet, copiers = servers[0], servers[1:]
    return DemoWeb(
        outlet_url=outlet.origin + "/",
        outlet_sources=tuple(u.replace("__ORIGIN__", outlet.origin) for u in outlet.site.seeds),
        sites=tuple(
            (s.site.name, tuple(u.replace("__ORIGIN__", s.origin) for u in s.site.seeds)) for s in copiers
        ),
        origins=origins,
        _servers=servers,
        _log=log,
    )
