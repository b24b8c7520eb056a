"""RELIABILITY #12, #13: every fetch is WARC evidence with digests; unchanged payloads are revisits."""

from __future__ import annotations

import base64
import gzip
import hashlib
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from tests.fixtures.known import known_page
from warcio.archiveiterator import ArchiveIterator

from copywatch.crawl.archive import Exchange, WarcArchive, read_record
from copywatch.crawl.fetch import Fetcher
from hostile_server import HostileServer, local_config


def records(path: Path) -> list:
    out = []
    with open(path, "rb") as fh:
        for rec in ArchiveIterator(fh, check_digests=True):
            rec.content_stream().read()
            out.append((rec.rec_type, dict(rec.rec_headers.headers), rec.digest_checker.passed))
    return out


def warcio_check(path: Path) -> int:
    """Exit status of `warcio check` (the tool a third party would run on the evidence)."""
    cmd = [
        sys.executable,
        "-c",
        "import sys; from warcio.cli import main; sys.exit(main())",
        "check",
        str(path),
    ]
    return subprocess.run(cmd, capture_output=True).returncode


@pytest.fixture()
def fetched(tmp_path: Path):
    archive = WarcArchive(tmp_path / "warc")
    with HostileServer() as srv:
        fetcher = Fetcher(local_config(), archive=archive)
        cap = fetcher.fetch(srv.url("/page"))
        fetcher.close()
    archive.close()
    return archive, cap


def test_request_and_response_records_with_digests_and_ip(fetched) -> None:
    archive, cap = fetched
    [path] = archive.files()
    recs = records(path)
    assert [r[0] for r in recs] == ["warcinfo", "response", "request"]
    assert all(passed is not False for _, _, passed in recs)
    response, request = recs[1][1], recs[2][1]
    assert response["WARC-IP-Address"] == "127.0.0.1"
    assert response["WARC-Target-URI"] == cap.url
    assert request["WARC-Concurrent-To"] == response["WARC-Record-ID"]
    assert response["WARC-Date"] == cap.fetched_at
    assert response["WARC-Payload-Digest"].startswith("sha256:") and "WARC-Block-Digest" in response
    expected = "sha256:" + base64.b32encode(bytes.fromhex(cap.sha256)).decode()
    assert response["WARC-Payload-Digest"] == expected
    assert warcio_check(path) == 0


def test_capture_points_at_its_response_record(fetched) -> None:
    _, cap = fetched
    headers, payload = read_record(cap.warc_file, cap.warc_offset)
    assert headers["WARC-Type"] == "response"
    assert payload == cap.body
    assert hashlib.sha256(payload).hexdigest() == cap.sha256


def test_a_flipped_byte_is_detected(fetched, tmp_path: Path) -> None:
    archive, cap = fetched
    [path] = archive.files()
    raw = gzip.decompress(path.read_bytes())
    i = raw.index(b"<h1>page</h1>")
    tampered = tmp_path / "tampered.warc"
    tampered.write_bytes(raw[:i] + b"<h1>pagf</h1>" + raw[i + 13 :])
    assert any(passed is False for _, _, passed in records(tampered))
    assert warcio_check(tampered) != 0


def test_unchanged_page_becomes_a_revisit(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path)
    with HostileServer() as srv:
        fetcher = Fetcher(local_config(), archive=archive)
        first = fetcher.fetch(srv.url("/page"))
        known = known_page(first.url, None, None, first.sha256, first.body, first.fetched_at, None, None)
        second = fetcher.fetch(srv.url("/page"), known=known)
        fetcher.close()
    headers1, _ = read_record(first.warc_file, first.warc_offset)
    headers2, _ = read_record(second.warc_file, second.warc_offset)
    assert second.outcome == "ok" and second.sha256 == first.sha256
    assert headers2["WARC-Type"] == "revisit"
    assert headers2["WARC-Profile"].endswith("/revisit/identical-payload-digest")
    assert headers2["WARC-Payload-Digest"] == headers1["WARC-Payload-Digest"]
    assert headers2["WARC-Refers-To-Target-URI"] == first.url
    assert headers2["WARC-Refers-To-Date"] == first.fetched_at


def test_not_modified_becomes_a_server_not_modified_revisit(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path)
    with HostileServer() as srv:
        fetcher = Fetcher(local_config(), archive=archive)
        first = fetcher.fetch(srv.url("/etag"))
        known = known_page(first.url, '"v1"', None, first.sha256, first.body, first.fetched_at, None, None)
        second = fetcher.fetch(srv.url("/etag"), known=known)
        fetcher.close()
    headers, _ = read_record(second.warc_file, second.warc_offset)
    assert second.outcome == "not_modified"
    assert headers["WARC-Type"] == "revisit"
    assert headers["WARC-Profile"].endswith("/revisit/server-not-modified")


def test_truncated_body_is_marked(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path)
    with HostileServer() as srv:
        fetcher = Fetcher(local_config(max_bytes=64 * 1024), archive=archive)
        cap = fetcher.fetch(srv.url("/endless"))
        fetcher.close()
    headers, payload = read_record(cap.warc_file, cap.warc_offset)
    assert headers["WARC-Truncated"] == "length" and len(payload) == 64 * 1024


def test_redirect_hops_are_recorded_too(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path)
    with HostileServer() as srv:
        fetcher = Fetcher(local_config(), archive=archive)
        fetcher.fetch(srv.url("/redirect-big"))
        fetcher.close()
    uris = [h["WARC-Target-URI"] for t, h, _ in records(archive.files()[0]) if t == "response"]
    assert uris == [srv.url("/redirect-big"), srv.url("/page")]


def _exchange(i: int) -> Exchange:
    return Exchange(
        url=f"http://example.com/{i}",
        ip="93.184.216.34",
        date="2026-01-01T00:00:00Z",
        request_line=f"GET /{i} HTTP/1.1",
        request_headers=(("Host", "example.com"),),
        status_line="200 OK",
        protocol="HTTP/1.1",
        response_headers=(("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")),
        payload=f"<p>{i}</p>".encode() * 200,
    )


def test_rotation_and_concurrent_writers(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path, max_bytes=4096)
    locations = []
    lock = threading.Lock()

    def write(start: int) -> None:
        for i in range(start, start + 10):
            loc = archive.write_exchange(_exchange(i))
            with lock:
                locations.append((i, loc))

    threads = [threading.Thread(target=write, args=(n * 10,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    archive.close()
    assert len(archive.files()) > 1
    for i, loc in locations:
        headers, payload = read_record(loc.file, loc.offset)
        assert headers["WARC-Target-URI"] == f"http://example.com/{i}"
        assert payload == f"<p>{i}</p>".encode() * 200
    for path in archive.files():
        assert warcio_check(path) == 0
