"""archive-scan reading WARC files from S3 (s3:// and s3a://), against a local S3 server.

The server is moto's (``moto[server]``): a real S3 endpoint on 127.0.0.1 that boto3 talks to over
HTTP with the real protocol (signed requests, ``Range`` reads, S3's XML errors). boto3 finds it
through ``AWS_ENDPOINT_URL_S3``, as it would find an S3-compatible store in production.
"""

from __future__ import annotations

import gzip
import random

import pytest
from tests.fixtures.archive import archive_config, make_exclusives

from copywatch.archive_scan.job import run_local
from copywatch.archive_scan.matcher import ArchiveMatcher, ArchiveOptions
from copywatch.archive_scan.records import Counts, read_records
from copywatch.archive_scan.sources import OpenOptions, Source, SourceError, expand_paths, open_stream
from copywatch.archive_scan.synthetic import Page, news_page, write_warc
from copywatch.match.index import ExclusiveIndex

boto3 = pytest.importorskip("boto3")
moto_server = pytest.importorskip("moto.server")

BUCKET = "archive-bucket"


@pytest.fixture(scope="module")
def s3_endpoint():
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(s3_endpoint, monkeypatch):
    """A boto3 client on the local server, and the environment every reader in this process uses."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", s3_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    client = boto3.client("s3")
    if BUCKET not in {b["Name"] for b in client.list_buckets().get("Buckets", [])}:
        client.create_bucket(Bucket=BUCKET)
    return client


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """One WARC file of 30 unrelated news pages and one uncredited copy of an exclusive."""
    tmp = tmp_path_factory.mktemp("s3corpus")
    rng = random.Random(1011)  # not the exclusives' seed: the other pages must be other texts
    exclusives = make_exclusives(10, seed=11)
    pages = [
        Page(f"http://news.example/{i}.html", news_page(rng, f"http://news.example/{i}.html"))
        for i in range(30)
    ]
    copy = "http://copier.ma/copy.html"
    pages.insert(17, Page(copy, news_page(rng, copy, article=exclusives[3].text.split("\n"))))
    warc = write_warc(tmp / "crawl-0.warc.gz", pages, seed=5)
    return warc, exclusives, copy


def _records(source: Source) -> list:
    return list(read_records(source, OpenOptions(), Counts(), max_record_bytes=10**7))


def test_a_whole_file_and_byte_ranges_read_from_s3_are_the_local_records(s3, corpus):
    warc, _, _ = corpus
    s3.upload_file(str(warc), BUCKET, "crawl-data/CC-NEWS/2026/11/crawl-0.warc.gz")
    local = _records(Source(str(warc)))
    for scheme in ("s3", "s3a"):
        url = f"{scheme}://{BUCKET}/crawl-data/CC-NEWS/2026/11/crawl-0.warc.gz"
        whole = _records(Source(url))
        assert [(r.offset, r.length, r.sha256) for r in whole] == [
            (r.offset, r.length, r.sha256) for r in local
        ]
        chosen = (local[1], local[9], local[-1])
        ranged = _records(Source(url, tuple(sorted((r.offset, r.length) for r in chosen))))
        assert [(r.offset, r.sha256, r.target_uri) for r in ranged] == [
            (r.offset, r.sha256, r.target_uri) for r in chosen
        ]


def test_a_paths_list_on_s3_resolves_against_an_s3_prefix(s3, corpus):
    warc, _, _ = corpus
    s3.upload_file(str(warc), BUCKET, "crawl-data/CC-NEWS/2026/11/crawl-0.warc.gz")
    listing = gzip.compress(b"crawl-data/CC-NEWS/2026/11/crawl-0.warc.gz\n")
    s3.put_object(Bucket=BUCKET, Key="crawl-data/CC-NEWS/2026/11/warc.paths.gz", Body=listing)
    got = expand_paths([f"s3://{BUCKET}/crawl-data/CC-NEWS/2026/11/warc.paths.gz"], prefix=f"s3a://{BUCKET}/")
    assert got == [Source(f"s3a://{BUCKET}/crawl-data/CC-NEWS/2026/11/crawl-0.warc.gz")]


def test_an_archive_scan_of_an_s3_file_finds_the_copy(s3, corpus, tmp_path):
    warc, exclusives, copy = corpus
    s3.upload_file(str(warc), BUCKET, "scan/crawl-0.warc.gz")
    config = archive_config(tmp_path)
    matcher = ArchiveMatcher(config, ExclusiveIndex(exclusives, config.match), ArchiveOptions())
    remote = run_local(matcher, [Source(f"s3://{BUCKET}/scan/crawl-0.warc.gz")])
    local = run_local(matcher, [Source(str(warc))])
    assert [(r["page_url"], r["exclusive_url"], r["record_offset"]) for r in remote.findings] == [
        (copy, exclusives[3].url, next(r["record_offset"] for r in local.findings))
    ]
    assert remote.findings[0]["source_file"] == f"s3://{BUCKET}/scan/crawl-0.warc.gz"


@pytest.mark.parametrize(
    ("url", "says"),
    [
        (f"s3://{BUCKET}/no/such.warc.gz", "NoSuchKey"),
        ("s3://no-such-bucket-here/a.warc.gz", "NoSuchBucket"),
        ("s3://only-a-bucket", "s3://BUCKET/KEY"),
    ],
)
def test_a_missing_s3_object_is_counted_with_one_line_naming_it(s3, url, says):
    """A source that cannot be read is skipped and counted (the job goes on), its reason one line."""
    counts = Counts()
    assert list(read_records(Source(url), OpenOptions(), counts, max_record_bytes=10**7)) == []
    assert counts.errors == 1
    [detail] = counts.error_details
    assert url in detail and says in detail and "\n" not in detail


def test_without_boto3_an_s3_path_says_how_to_install_it(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_boto3(name, *args, **kwargs):
        if name == "boto3" or name.startswith("boto3."):
            raise ImportError("No module named 'boto3'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_boto3)
    with pytest.raises(SourceError, match=r"need boto3 \(pip install -e \"\.\[spark\]\"\)"):
        open_stream(f"s3://{BUCKET}/a.warc.gz", OpenOptions())
