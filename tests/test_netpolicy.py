"""RELIABILITY #7, #8: only public addresses, and the address checked is the address connected to."""

from __future__ import annotations

import ipaddress
import socket

import pytest

from copywatch.crawl.fetch import Fetcher
from copywatch.crawl.netpolicy import check_url, is_public, parse_ip_literal
from copywatch.errors import PolicyRefused
from hostile_server import HostileServer, local_config, send


def fake_resolver(table: dict[str, list[str]], calls: list[str] | None = None):
    """A getaddrinfo stand-in: name -> addresses; a list of lists answers differently each call."""

    def lookup(host: str, port: int, *args: object, **kwargs: object) -> list[tuple]:
        if calls is not None:
            calls.append(host)
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        answers = table[host]
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in answers
        ]

    return lookup


SSRF_HOSTS = [
    "127.0.0.1",
    "10.0.0.1",
    "169.254.169.254",
    "[::1]",
    "[::ffff:127.0.0.1]",
    "0.0.0.0",
    "2130706433",
    "0x7f.1",
    "evil.test",
    "mixed.test",
]


@pytest.mark.parametrize("host", SSRF_HOSTS)
def test_ssrf_targets_are_refused_and_never_contacted(host: str, monkeypatch: pytest.MonkeyPatch) -> None:
    table = {"evil.test": ["10.0.0.5"], "mixed.test": ["93.184.216.34", "127.0.0.1"]}
    # Patch the process resolver too: a fetcher that looked names up behind our back would still be caught.
    monkeypatch.setattr(socket, "getaddrinfo", fake_resolver(table))
    with HostileServer() as srv:
        fetcher = Fetcher(local_config(allow_private_addresses=False))
        try:
            cap = fetcher.fetch(srv.url("/page", host=host))
        finally:
            fetcher.close()
        assert cap.outcome == "refused", cap
        assert "non-public address" in cap.detail
        assert cap.status == 0 and cap.body == b""
        assert srv.hits() == 0


def test_every_redirect_hop_is_resolved_and_checked_again() -> None:
    """The hop's host goes through our resolver (which the address check follows), not httpx's."""
    calls: list[str] = []
    with HostileServer() as srv:
        srv.routes["/jump"] = lambda h: send(
            h, 302, headers={"Location": f"http://inside.test:{srv.port}/page"}
        )
        resolver = fake_resolver({"site.test": ["127.0.0.1"]}, calls)  # inside.test: no answer
        fetcher = Fetcher(local_config(), resolver=resolver)
        try:
            cap = fetcher.fetch(f"http://site.test:{srv.port}/jump")
        finally:
            fetcher.close()
    assert calls == ["site.test", "inside.test"]
    assert cap.redirects == (f"http://site.test:{srv.port}/jump",)
    assert cap.outcome == "error" and "inside.test" in cap.detail
    assert srv.hits("/page") == 0


def test_rebinding_resolver_connects_to_the_first_answer() -> None:
    """First lookup says 127.0.0.1, any later one says 127.0.0.2 (nothing listens there)."""
    calls: list[str] = []
    answers = iter([["127.0.0.1"]])

    def rebinding(host: str, port: int, *args: object, **kwargs: object) -> list[tuple]:
        calls.append(host)
        addr = next(answers, ["127.0.0.2"])[0]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (addr, port))]

    with HostileServer() as srv:
        fetcher = Fetcher(local_config(), resolver=rebinding)
        try:
            cap = fetcher.fetch(f"http://rebind.test:{srv.port}/page")
        finally:
            fetcher.close()
    assert cap.outcome == "ok" and cap.status == 200
    assert cap.ip == "127.0.0.1"
    assert calls == ["rebind.test"]
    assert srv.log[0].headers["Host"] == f"rebind.test:{srv.port}"


def test_dns_failure_is_an_error_capture_naming_the_host() -> None:
    fetcher = Fetcher(local_config(), resolver=fake_resolver({}))
    try:
        cap = fetcher.fetch("http://nowhere.test/page")
    finally:
        fetcher.close()
    assert cap.outcome == "error"
    assert "DNS" in cap.detail and "nowhere.test" in cap.detail


@pytest.mark.parametrize(
    "host,expected",
    [("2130706433", "127.0.0.1"), ("0x7f.1", "127.0.0.1"), ("127.1", "127.0.0.1"), ("[::1]", "::1")],
)
def test_legacy_ip_spellings_are_addresses(host: str, expected: str) -> None:
    assert parse_ip_literal(host) == ipaddress.ip_address(expected)


def test_names_are_not_addresses() -> None:
    assert parse_ip_literal("example.com") is None
    assert parse_ip_literal("1e100.net") is None


@pytest.mark.parametrize(
    "addr",
    ["127.0.0.1", "10.0.0.1", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
     "224.0.0.1", "240.0.0.1", "::1", "::", "fe80::1", "fc00::1", "::ffff:10.0.0.1", "2002:7f00:1::1",
     "ff02::1"],
)  # fmt: skip
def test_non_public_addresses(addr: str) -> None:
    assert not is_public(ipaddress.ip_address(addr))


@pytest.mark.parametrize("addr", ["93.184.216.34", "8.8.8.8", "2606:4700::1111"])
def test_public_addresses(addr: str) -> None:
    assert is_public(ipaddress.ip_address(addr))


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/", "gopher://x/", "http:///nohost"])
def test_only_http_urls_with_a_host(url: str) -> None:
    with pytest.raises(PolicyRefused):
        check_url(url)


def test_url_length_limit() -> None:
    check_url("http://example.com/" + "a" * 50, max_length=100)
    with pytest.raises(PolicyRefused, match="longer than 100"):
        check_url("http://example.com/" + "a" * 100, max_length=100)
