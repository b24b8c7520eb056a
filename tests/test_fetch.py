"""The Fetcher against a hostile local server (RELIABILITY #3-#7, #9, #10, #19, #23)."""

from __future__ import annotations

import re
import socket
import ssl
import threading
import time
import tracemalloc

import pytest
import trustme
from tests.fixtures.known import known_page

from copywatch.crawl.fetch import READ_SIZE, Fetcher
from hostile_server import Hit, HostileServer, bomb_body, html, local_config, send

KIB = 1024


def fetch_once(url: str, **config: object) -> tuple[Fetcher, object]:
    fetcher = Fetcher(local_config(**config), backoff_base=0.01)
    try:
        return fetcher, fetcher.fetch(url)
    finally:
        fetcher.close()


def test_ok_page_capture_fields() -> None:
    with HostileServer() as srv:
        _, cap = fetch_once(srv.url("/page"))
    assert cap.outcome == "ok" and cap.status == 200
    assert b"<h1>page</h1>" in cap.body
    assert cap.final_url == cap.url == srv.url("/page")
    assert cap.ip == "127.0.0.1"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", cap.fetched_at)
    assert len(cap.sha256) == 64 and cap.content_type.startswith("text/html")
    assert cap.header("etag") == '"v1"'


def test_user_agent_has_product_token_and_contact_url() -> None:
    with HostileServer() as srv:
        fetch_once(srv.url("/page"))
        ua = srv.log[0].headers["User-Agent"]
        accept_encoding = srv.log[0].headers["Accept-Encoding"]
    assert re.fullmatch(r"[A-Za-z][\w.-]*/[\w.-]+ \(\+https?://\S+\)", ua), ua
    assert set(accept_encoding.replace(" ", "").split(",")) <= {"gzip", "deflate", "br"}


def _assert_polite(log: list[Hit], gap: float) -> None:
    hits = sorted(log, key=lambda h: h.start)
    for before, after in zip(hits, hits[1:], strict=False):
        assert after.start >= before.end, "two requests to one host overlapped"
        assert after.start - before.end >= gap, f"gap {after.start - before.end:.3f} s < {gap} s"


def test_politeness_one_request_at_a_time_with_delay_between() -> None:
    def slow(h) -> None:
        time.sleep(0.05)
        send(h, 200, html("slow"))

    with HostileServer(routes={"/slow": slow}) as srv:
        fetcher = Fetcher(local_config(delay_seconds=0.15))
        threads = [threading.Thread(target=fetcher.fetch, args=(srv.url(f"/slow?{i}"),)) for i in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        fetcher.close()
        assert srv.hits("/slow") == 6
        assert srv.max_active == 1
        _assert_polite(srv.log, 0.15)


def test_crawl_delay_is_honoured() -> None:
    with HostileServer() as srv:
        fetcher = Fetcher(local_config(delay_seconds=0.0))
        fetcher.set_crawl_delay(f"127.0.0.1:{srv.port}", 0.25)
        for i in range(3):
            fetcher.fetch(srv.url(f"/page?{i}"))
        fetcher.close()
        _assert_polite(srv.log, 0.25)


def test_endless_chunked_body_stops_at_the_cap() -> None:
    cap_bytes = 200 * KIB
    with HostileServer() as srv:
        fetcher, cap = fetch_once(srv.url("/endless"), max_bytes=cap_bytes)
    assert cap.outcome == "truncated"
    assert len(cap.body) == cap_bytes
    assert fetcher.bytes_received <= cap_bytes + READ_SIZE + 2 * KIB  # the cap, one read, the headers


def test_gzip_bomb_is_stopped_with_bounded_memory() -> None:
    cap_bytes = 2 * 1024 * KIB
    bomb_body()  # built before tracing: the server shares this process
    with HostileServer() as srv:
        fetcher = Fetcher(local_config(max_bytes=cap_bytes))
        tracemalloc.start()
        try:
            cap = fetcher.fetch(srv.url("/bomb"))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
            fetcher.close()
    assert cap.outcome == "truncated"
    assert len(cap.body) == cap_bytes and set(cap.body) == {0}
    assert peak < 2 * cap_bytes, f"peak {peak} bytes"


def test_trickling_server_is_cut_at_the_deadline() -> None:
    deadline = 1.5
    with HostileServer() as srv:
        start = time.monotonic()
        _, cap = fetch_once(srv.url("/trickle"), timeout_seconds=deadline)
        elapsed = time.monotonic() - start
    assert cap.outcome == "timeout"
    assert "deadline" in cap.detail or "timed out" in cap.detail
    assert deadline - 1 <= elapsed <= deadline + 1


def test_trickling_headers_are_cut_at_the_deadline_too() -> None:
    def slow_headers(h) -> None:
        h.wfile.write(b"HTTP/1.1 200 OK\r\n")
        for i in range(100):
            h.wfile.write(b"X-Slow-%d: 1\r\n" % i)
            h.wfile.flush()
            time.sleep(0.3)

    with HostileServer(routes={"/slow-headers": slow_headers}) as srv:
        start = time.monotonic()
        _, cap = fetch_once(srv.url("/slow-headers"), timeout_seconds=1.0, max_retries=0)
        elapsed = time.monotonic() - start
    assert cap.outcome == "timeout"
    assert elapsed <= 2.0


def test_redirect_body_is_not_downloaded() -> None:
    with HostileServer() as srv:
        fetcher, cap = fetch_once(srv.url("/redirect-big"))
    assert cap.outcome == "ok" and cap.final_url == srv.url("/page")
    assert cap.redirects == (srv.url("/redirect-big"),)
    assert fetcher.bytes_received < 64 * KIB


def test_redirect_loop_is_too_many_redirects() -> None:
    with HostileServer() as srv:
        _, cap = fetch_once(srv.url("/loop"), max_redirects=5)
        paths = [hit.path for hit in srv.log]
        assert paths.count("/loop") == 3 and paths.count("/loop2") == 3
    assert cap.outcome == "too_many_redirects"
    assert len(cap.redirects) == 6


def test_redirect_to_a_file_url_is_refused() -> None:
    with HostileServer() as srv:
        _, cap = fetch_once(srv.url("/to-file"))
    assert cap.outcome == "refused"
    assert "file:///etc/passwd" in cap.detail and cap.body == b""


def test_octet_stream_is_refused_after_the_headers() -> None:
    with HostileServer() as srv:
        fetcher, cap = fetch_once(srv.url("/octet"))
    assert cap.outcome == "refused" and cap.status == 200
    assert "application/octet-stream" in cap.detail
    assert cap.body == b"" and fetcher.bytes_received < 64 * KIB


def test_feed_types_are_read_for_kind_xml_only() -> None:
    rss = lambda h: send(h, 200, b"<rss/>", "application/rss+xml")  # noqa: E731
    with HostileServer(routes={"/feed": rss}) as srv:
        fetcher = Fetcher(local_config())
        as_html = fetcher.fetch(srv.url("/feed"), kind="html")
        as_xml = fetcher.fetch(srv.url("/feed"), kind="xml")
        fetcher.close()
    assert as_html.outcome == "refused"
    assert as_xml.outcome == "ok" and as_xml.body == b"<rss/>"


def test_untrusted_certificate_is_an_error_without_content(tmp_path) -> None:
    ca = trustme.CA()
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("copywatch.test").configure_cert(server_ctx)
    resolver = lambda host, port, *a: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]  # noqa: E731
    with HostileServer(tls=server_ctx) as srv:
        fetcher = Fetcher(local_config(max_retries=0), resolver=resolver)
        cap = fetcher.fetch(f"https://copywatch.test:{srv.port}/page")
        fetcher.close()
        assert srv.hits() == 0
    assert cap.outcome == "error" and "TLS" in cap.detail
    assert cap.body == b"" and cap.status == 0 and cap.warc_file is None


def test_pinned_https_keeps_the_name_for_sni_and_verification() -> None:
    """Connecting to the IP must still verify the certificate against the host name."""
    ca = trustme.CA()
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("copywatch.test").configure_cert(server_ctx)
    client_ctx = ssl.create_default_context()
    ca.configure_trust(client_ctx)
    resolver = lambda host, port, *a: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]  # noqa: E731
    with HostileServer(tls=server_ctx) as srv:
        fetcher = Fetcher(local_config(max_retries=0), resolver=resolver, ssl_context=client_ctx)
        good = fetcher.fetch(f"https://copywatch.test:{srv.port}/page")
        fetcher.close()
        fetcher = Fetcher(local_config(max_retries=0), resolver=resolver, ssl_context=client_ctx)
        wrong_name = fetcher.fetch(f"https://other.test:{srv.port}/page")
        fetcher.close()
    assert good.outcome == "ok" and good.status == 200 and good.ip == "127.0.0.1"
    assert wrong_name.outcome == "error" and "TLS" in wrong_name.detail


def _sequence(*statuses: int, retry_after: str | None = None):
    answers = iter(statuses)

    def route(h) -> None:
        status = next(answers, 200)
        headers = {"Retry-After": retry_after} if retry_after and status != 200 else None
        send(h, status, html(str(status)), headers=headers)

    return route


def test_retries_503_then_succeeds() -> None:
    with HostileServer(routes={"/flaky": _sequence(503, 503, 200)}) as srv:
        _, cap = fetch_once(srv.url("/flaky"), max_retries=2)
        assert srv.hits("/flaky") == 3
    assert cap.outcome == "ok" and cap.status == 200


def test_gives_up_after_max_retries() -> None:
    with HostileServer(routes={"/down": _sequence(503, 503, 503, 503)}) as srv:
        _, cap = fetch_once(srv.url("/down"), max_retries=2)
        assert srv.hits("/down") == 3
    assert cap.status == 503


def test_404_is_not_retried() -> None:
    with HostileServer() as srv:
        _, cap = fetch_once(srv.url("/404"), max_retries=2)
        assert srv.hits("/404") == 1
    assert cap.outcome == "ok" and cap.status == 404


def test_dropped_connection_is_not_retried() -> None:
    with HostileServer() as srv:
        _, cap = fetch_once(srv.url("/drop"), max_retries=2)
        assert srv.hits("/drop") == 1
    assert cap.outcome == "error"


def test_retry_after_is_honoured() -> None:
    with HostileServer(routes={"/busy": _sequence(429, retry_after="1")}) as srv:
        _, cap = fetch_once(srv.url("/busy"))
        assert srv.hits("/busy") == 2
        _assert_polite(srv.log, 1.0)
    assert cap.status == 200


def test_retry_after_longer_than_the_cap_is_not_waited_for() -> None:
    with HostileServer(routes={"/later": _sequence(503, retry_after="3600")}) as srv:
        _, cap = fetch_once(srv.url("/later"), crawl_delay_cap=5.0)
        assert srv.hits("/later") == 1
    assert cap.status == 503


def test_conditional_get_gives_not_modified_with_the_known_body() -> None:
    with HostileServer() as srv:
        fetcher = Fetcher(local_config())
        first = fetcher.fetch(srv.url("/etag"))
        known = known_page(
            first.url, first.header("etag"), None, first.sha256, first.body, first.fetched_at, None, None
        )
        second = fetcher.fetch(srv.url("/etag"), known=known)
        fetcher.close()
        assert srv.log[1].headers.get("If-None-Match") == '"v1"'
    assert second.outcome == "not_modified" and second.status == 304
    assert second.body == first.body and second.sha256 == first.sha256


def test_environment_proxy_is_ignored_without_trust_env(monkeypatch: pytest.MonkeyPatch) -> None:
    dead = socket.socket()
    dead.bind(("127.0.0.1", 0))
    port = dead.getsockname()[1]
    dead.close()
    for var in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.setenv(var, f"http://127.0.0.1:{port}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    with HostileServer() as srv:
        _, cap = fetch_once(srv.url("/page"), trust_env=False)
    assert cap.outcome == "ok" and cap.status == 200


def test_deflate_and_brotli_bodies_are_decoded() -> None:
    import zlib

    import brotli

    body = html("compressed", "x" * 5000)
    routes = {
        "/deflate": lambda h: send(h, 200, zlib.compress(body), headers={"Content-Encoding": "deflate"}),
        "/raw-deflate": lambda h: send(
            h, 200, zlib.compress(body)[2:-4], headers={"Content-Encoding": "deflate"}
        ),
        "/br": lambda h: send(h, 200, brotli.compress(body), headers={"Content-Encoding": "br"}),
        "/zstd": lambda h: send(h, 200, b"??", headers={"Content-Encoding": "zstd"}),
    }
    with HostileServer(routes=routes) as srv:
        fetcher = Fetcher(local_config())
        caps = {p: fetcher.fetch(srv.url(p)) for p in routes}
        fetcher.close()
    for p in ("/deflate", "/raw-deflate", "/br"):
        assert caps[p].outcome == "ok" and caps[p].body == body, p
    assert caps["/zstd"].outcome == "refused"


def test_brotli_bomb_is_bounded() -> None:
    import brotli

    bomb = brotli.compress(b"\0" * (20 * 1024 * KIB))
    with HostileServer(
        routes={"/br-bomb": lambda h: send(h, 200, bomb, headers={"Content-Encoding": "br"})}
    ) as srv:
        _, cap = fetch_once(srv.url("/br-bomb"), max_bytes=100 * KIB)
    assert cap.outcome == "truncated" and len(cap.body) == 100 * KIB
