"""RDAP look-ups against a local RDAP server (RFC 9083 JSON, RFC 9224 bootstrap files):
registrar and abuse contact of a copier's domain, hosting network of an address, the cache."""

from __future__ import annotations

from dataclasses import replace

import pytest
from tests.fixtures.rdap_server import standard_server

from copywatch.cases.rdap import RdapClient
from copywatch.config import CasesConfig
from copywatch.store import Store


@pytest.fixture
def rdap():
    server = standard_server()
    yield server
    server.stop()


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "cw.db") as s:
        yield s


def test_domain_through_the_bootstrap_walks_up_to_the_registered_domain(rdap, store):
    cfg = CasesConfig(rdap_bootstrap_url=rdap.bootstrap_url)
    with RdapClient(store, cfg) as client:
        info = client.domain("www.news.copycat.ma")
    assert info.error == ""
    assert info.domain == "copycat.ma"
    assert info.registrar == "Genious Communications" and info.registrar_id == "1234"
    assert info.abuse_emails == ("abuse@genious.example",)
    assert info.abuse_phones == ("+212.522000000",)
    assert info.source == f"{rdap.base_url}domain/copycat.ma"
    assert rdap.requests == [
        "/bootstrap/dns.json",
        "/rdap/domain/news.copycat.ma",  # www. is dropped; the registry knows the registered domain only
        "/rdap/domain/copycat.ma",
    ]


def test_answers_are_cached_in_the_store(rdap, store, tmp_path):
    cfg = CasesConfig(rdap_bootstrap_url=rdap.bootstrap_url)
    with RdapClient(store, cfg) as client:
        first = client.domain("akhbar-copy.com")
        asked = len(rdap.requests)
        again = client.domain("akhbar-copy.com")
    assert first == again and first.registrar == "NameCheap, Inc."
    assert len(rdap.requests) == asked  # nothing asked the second time
    with Store(tmp_path / "cw.db") as other, RdapClient(other, cfg) as client:
        domain, network = client.cached("akhbar-copy.com", None)
    assert domain == first and network is None
    with RdapClient(store, cfg) as client:
        client.domain("akhbar-copy.com", refresh=True)
    assert rdap.requests[-1] == "/rdap/domain/akhbar-copy.com"
    with RdapClient(store, replace(cfg, rdap_cache_days=0)) as client:  # expired at once
        client.domain("akhbar-copy.com")
    assert rdap.requests.count("/rdap/domain/akhbar-copy.com") == 3


def test_network_of_an_address(rdap, store):
    cfg = CasesConfig(rdap_bootstrap_url=rdap.bootstrap_url)
    with RdapClient(store, cfg) as client:
        net = client.ip("127.0.0.1")
        doc = client.ip("192.0.2.10")
    assert net.name == "LOOPBACK-HOSTING" and net.organisation == "Atlas Hosting SARL"
    assert net.abuse_emails == ("abuse@atlas-hosting.example",)  # the nested abuse entity
    assert net.range == "127.0.0.0/8" and net.country == "MA"
    assert doc.name == "DOC-NET" and doc.abuse_emails == ("abuse@doc-net.example",)
    assert "/bootstrap/ipv4.json" in rdap.requests and "/rdap/ip/127.0.0.1" in rdap.requests


def test_base_url_override_skips_the_bootstrap(rdap, store):
    cfg = CasesConfig(rdap_bootstrap_url="https://data.iana.org/rdap/", rdap_base_url=rdap.base_url)
    with RdapClient(store, cfg) as client:
        assert client.domain("copycat.ma").registrar == "Genious Communications"
        assert client.ip("127.0.0.2").name == "LOOPBACK-HOSTING"
    assert not any(p.startswith("/bootstrap/") for p in rdap.requests)


def test_failures_are_reported_and_not_cached(rdap, store):
    cfg = CasesConfig(rdap_base_url=rdap.base_url)
    with RdapClient(store, cfg) as client:
        rdap.fail_next = 1
        failed = client.domain("copycat.ma")
        assert "HTTP 503" in failed.error and failed.registrar == ""
        assert client.domain("copycat.ma").registrar == "Genious Communications"  # asked again
        unknown = client.domain("nobody-knows.ma")
        assert "no registry knows nobody-knows.ma" in unknown.error
        assert "IP address" in client.domain("127.0.0.1").error
        assert "not an IP address" in client.ip("not-an-ip").error
        assert "not found" in client.ip("10.1.2.3").error
    with RdapClient(store, CasesConfig(rdap_bootstrap_url=rdap.bootstrap_url)) as client:
        assert "no RDAP server for" in client.domain("example.net").error  # no TLD entry in the bootstrap
        assert "127.0.0.1:9" in client.domain("example.org").error  # its server does not answer


def test_unreachable_bootstrap(store):
    cfg = CasesConfig(rdap_bootstrap_url="http://127.0.0.1:9/", rdap_timeout_seconds=2)
    with RdapClient(store, cfg) as client:
        info = client.domain("copycat.ma")
    assert info.error and "127.0.0.1:9" in info.error
