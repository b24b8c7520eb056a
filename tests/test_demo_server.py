"""The demo web: served correctly (HTTP behaviour), discoverable as labelled, and its truth consistent.

The demo doubles as the labelled corpus of the end-to-end test, so these tests check that every
labelled page is really served, really reachable by the discovery route the site offers, and that
what the truth says (copied text, notice, credits, robots) is what the served HTML holds.
"""

from __future__ import annotations

import gzip
import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import timedelta
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
from protego import Protego

from copywatch.demo import DEMO_OUTLET, DEMO_OUTLET_ORIGIN, DemoWeb, demo_truth, start_demo
from copywatch.demo.content import EXCLUSIVES, NOTICE
from copywatch.demo.plans import COPY_LABELS

LABELS = COPY_LABELS | {"quote", "unrelated", "hard_negative", "sidebar_only", "robots_blocked"}
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def web() -> Iterator[DemoWeb]:
    w = start_demo()
    try:
        yield w
    finally:
        w.stop()


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(trust_env=False, timeout=10) as c:
        yield c


def _identity(client: httpx.Client, url: str, **headers: str) -> httpx.Response:
    return client.get(url, headers={"Accept-Encoding": "identity", **headers})


def test_seeds_sitemaps_and_feeds_are_served(web: DemoWeb, client: httpx.Client) -> None:
    assert web.outlet_url.startswith("http://127.0.0.1:")
    assert len(web.sites) >= 5
    seeds = list(web.outlet_sources) + [s for _, seeds in web.sites for s in seeds]
    for url in seeds:
        r = _identity(client, url)
        assert r.status_code == 200, url
        if url.endswith(".xml"):
            root = ET.fromstring(r.content)
            assert root.tag in (f"{SM}urlset", f"{SM}sitemapindex", "rss"), url
            locs = [e.text or "" for e in root.iter() if e.tag in (f"{SM}loc", "link")]
            assert locs and all(u.startswith(url[: url.index("/", 8)]) for u in locs), url
        else:
            assert r.headers["content-type"].startswith("text/html")
    sitemap = ET.fromstring(_identity(client, web.outlet_sources[0]).content)
    assert len(sitemap.findall(f"{SM}url")) == len(EXCLUSIVES) >= 12


def test_conditional_get_answers_304(web: DemoWeb, client: httpx.Client) -> None:
    url = web.outlet_sources[0]
    first = _identity(client, url)
    lm = first.headers["last-modified"]
    again = _identity(client, url, **{"If-Modified-Since": lm})
    assert again.status_code == 304 and again.content == b""
    older = format_datetime(parsedate_to_datetime(lm) - timedelta(days=1), usegmt=True)
    assert _identity(client, url, **{"If-Modified-Since": older}).status_code == 200
    assert _identity(client, url, **{"If-Modified-Since": "not a date"}).status_code == 200


def test_gzip_only_when_asked_and_allowed(web: DemoWeb, client: httpx.Client) -> None:
    page = web.outlet_url
    plain = _identity(client, page)
    assert "content-encoding" not in plain.headers and plain.headers["vary"] == "Accept-Encoding"
    raw = client.get(page, headers={"Accept-Encoding": "gzip"})
    assert raw.headers["content-encoding"] == "gzip"
    assert raw.content == plain.content  # httpx decoded it
    with client.stream("GET", page, headers={"Accept-Encoding": "gzip"}) as r:
        wire = b"".join(r.iter_raw())
    assert gzip.decompress(wire) == plain.content
    assert "content-encoding" not in client.get(page, headers={"Accept-Encoding": "gzip;q=0"}).headers
    static = dict(web.sites)["safahat-alatlas"][0]  # this site never compresses
    assert "content-encoding" not in client.get(static, headers={"Accept-Encoding": "gzip"}).headers


def test_head_404_and_redirects(web: DemoWeb, client: httpx.Client) -> None:
    get = _identity(client, web.outlet_url)
    head = client.head(web.outlet_url, headers={"Accept-Encoding": "identity"})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(get.content))
    assert _identity(client, web.outlet_url + "no/such/page.html").status_code == 404
    assert client.head(web.outlet_url + "missing").status_code == 404
    origin = web.origins["safahat-alatlas"]
    for path in ("/", "/ar"):
        r = _identity(client, origin + path)
        assert r.status_code == 301 and r.headers["location"] == origin + "/ar/"
    # an unknown query string falls back to the bare path, as on most real servers
    assert _identity(client, web.outlet_url + "?utm_source=x").status_code == 200


def test_every_truth_page_and_exclusive_is_served(web: DemoWeb, client: httpx.Client) -> None:
    for ex in EXCLUSIVES:
        path = f"/{ex.published[:4]}/{ex.published[5:7]}/{ex.slug}.html"
        body = _identity(client, web.url("kawalisalyaoum", path)).text
        assert f'<link rel="canonical" href="{DEMO_OUTLET_ORIGIN}{path}">' in body
        assert html.escape(NOTICE) in body and ex.paragraphs[0] in html.unescape(body)
    for rec in demo_truth():
        r = _identity(client, web.url(rec["site"], rec["path"]))
        assert r.status_code == 200, rec
        assert r.headers["content-type"] == "text/html; charset=utf-8"


def test_truth_is_self_consistent() -> None:
    truth = demo_truth()
    exclusive_paths = {f"/{e.published[:4]}/{e.published[5:7]}/{e.slug}.html" for e in EXCLUSIVES}
    assert 40 <= len(truth) <= 60
    assert len({(r["site"], r["path"]) for r in truth}) == len(truth)
    assert {r["label"] for r in truth} == LABELS  # every kind of page is represented
    for r in truth:
        assert r["label"] in LABELS and r["credit"] in ("link", "canonical", "name", "none"), r
        assert set(r["exclusives"]) <= exclusive_paths, r
        assert set(r["coverage"]) <= set(r["exclusives"]), r
        if r["expected_report"]:
            assert r["label"] in COPY_LABELS and not r["robots_blocked"]
            assert r["report_exclusives"] and set(r["report_exclusives"]) <= set(r["exclusives"])
            assert all(r["coverage"][p] >= 0.25 for p in r["report_exclusives"])
        else:
            assert r["report_exclusives"] == []
            assert r["label"] not in COPY_LABELS or r["robots_blocked"], r
        if r["label"] == "quote":
            assert max(r["coverage"].values()) < 0.1
        if r["label"] == "partial":
            assert 0.3 <= max(r["coverage"].values()) <= 0.6
    reported = [r for r in truth if r["expected_report"]]
    assert {r["credit"] for r in reported} == {"link", "canonical", "name", "none"}
    assert {p for r in reported for p in r["report_exclusives"]} == exclusive_paths
    host = urlsplit(DEMO_OUTLET_ORIGIN).hostname or ""
    assert DEMO_OUTLET["domains"] == [host.removeprefix("www.")]


def test_served_html_matches_the_truth(web: DemoWeb, client: httpx.Client) -> None:
    """Copied text, the kept notice and each credit kind are really on the page the truth describes."""
    by_path = {f"/{e.published[:4]}/{e.published[5:7]}/{e.slug}.html": e for e in EXCLUSIVES}
    for r in demo_truth():
        page = html.unescape(_identity(client, web.url(r["site"], r["path"])).text)
        body = page[: page.index("</body>")]
        outlet_links = re.findall(r'<a href="(https?://(?:www\.)?kawalisalyaoum\.com[^"]*)"', body)
        if r["label"] in ("verbatim", "reordered", "two_exclusives"):
            for p in r["exclusives"]:
                assert all(par in page for par in by_path[p].paragraphs), r["path"]
        assert (NOTICE in page) == ("notice_kept" in r["decoys"]), r["path"]
        canonical = re.search(r'<link rel="canonical" href="([^"]+)"', page)
        to_outlet = bool(canonical and canonical.group(1).startswith(DEMO_OUTLET_ORIGIN))
        assert to_outlet == (r["credit"] == "canonical"), r["path"]
        if r["label"] in COPY_LABELS:  # other pages may link exclusives from a sidebar widget
            credited = [
                u for u in outlet_links if any(p in u for p in r["exclusives"]) or u.endswith(".com/")
            ]
            if "footer_blogroll" in r["decoys"]:
                credited.remove(DEMO_OUTLET_ORIGIN + "/")
            assert bool(credited) == (r["credit"] == "link"), r["path"]
        if r["credit"] == "name":
            assert "كواليس اليوم" in body or "Kawalis Alyaoum" in body


def _links(base: str, text: str) -> set[str]:
    return {urljoin(base, html.unescape(h)).split("#")[0] for h in re.findall(r'href="([^"]+)"', text)}


def _crawl(client: httpx.Client, seeds: tuple[str, ...], *, sitemaps: bool) -> set[str]:
    """A tiny polite crawler: same origin, robots.txt obeyed, depth <= 3 from HTML seeds."""
    origin = seeds[0][: seeds[0].index("/", 8)]
    robots = _identity(client, origin + "/robots.txt")
    rp = Protego.parse(robots.text if robots.status_code == 200 else "")
    queue = [(u, 0) for u in seeds]
    if sitemaps:
        queue += [(u, 0) for u in rp.sitemaps]
    seen: set[str] = set()
    while queue:
        url, depth = queue.pop()
        if url in seen or not url.startswith(origin) or not rp.can_fetch(url, "copywatch") or depth > 3:
            continue
        seen.add(url)
        r = _identity(client, url)
        if r.status_code != 200:
            continue
        if "xml" in r.headers["content-type"]:
            if not sitemaps:
                continue
            root = ET.fromstring(r.content)
            queue += [((e.text or "").strip(), 0) for e in root.iter() if e.tag in (f"{SM}loc", "link")]
        else:
            queue += [(u, depth + 1) for u in _links(url, r.text)]
    return seen


def test_pages_are_discoverable_as_labelled(web: DemoWeb, client: httpx.Client) -> None:
    truth = demo_truth()
    before = len(web.requests())
    for name, seeds in web.sites:
        pages = {web.url(name, r["path"]) for r in truth if r["site"] == name and not r["robots_blocked"]}
        found = _crawl(client, seeds, sitemaps=True)
        assert pages <= found, (name, pages - found)
        via = {v for r in truth if r["site"] == name for v in r["discoverable_via"]}
        if via != {"links"}:  # the sitemap or feed is needed: links alone miss pages
            assert not pages <= _crawl(client, (seeds[0],), sitemaps=False), name
    fetched = {(site, path) for site, _, path in web.requests()[before:]}
    assert fetched
    blocked = [r for r in truth if r["robots_blocked"]]
    assert blocked and all((r["site"], r["path"]) not in fetched for r in blocked)


def test_robots_blocked_page_is_disallowed_and_linked(web: DemoWeb, client: httpx.Client) -> None:
    truth = demo_truth()
    for r in truth:
        origin = web.origins[r["site"]]
        robots = _identity(client, origin + "/robots.txt")
        rp = Protego.parse(robots.text if robots.status_code == 200 else "")
        assert rp.can_fetch(origin + r["path"], "copywatch") != r["robots_blocked"], r["path"]
    for b in (r for r in truth if r["robots_blocked"]):
        linking = [
            r
            for r in truth
            if r["site"] == b["site"] and b["path"] in _identity(client, web.url(r["site"], r["path"])).text
        ]
        assert linking and all(not r["robots_blocked"] for r in linking)
