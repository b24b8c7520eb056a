"""Crawl throughput: many small local sites crawled in parallel with crawl_site.

    python benchmarks/crawl.py [--sites 20] [--pages 100] [--threads 4] [--no-warc]

Each site is its own HTTP server on 127.0.0.1 (a sitemap of N article pages of Arabic text);
one thread per site runs crawl_site, as the pipeline does. Prints pages/s and peak RSS.
No politeness delay, so this measures the crawler, not the sleep.
"""

from __future__ import annotations

import argparse
import http.server
import resource
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from copywatch.config import CrawlConfig, SiteConfig
from copywatch.crawl.archive import WarcArchive
from copywatch.crawl.discover import crawl_site
from copywatch.crawl.fetch import Fetcher
from copywatch.crawl.robots import RobotsCache

PARAGRAPH = "أعلنت وزارة الداخلية اليوم عن إجراءات جديدة لتنظيم حركة السير في المدن الكبرى. " * 40


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    wbufsize = 1 << 16  # one send per response: separate header/body writes meet Nagle + delayed ACK
    pages = 100

    def do_GET(self) -> None:  # noqa: N802
        port = self.server.server_address[1]
        if self.path == "/sitemap.xml":
            locs = "".join(f"<url><loc>http://127.0.0.1:{port}/p/{i}</loc></url>" for i in range(self.pages))
            body, ctype, status = f"<urlset>{locs}</urlset>".encode(), "application/xml", 200
        elif self.path.startswith("/p/"):
            page = f"<html><head><title>{self.path}</title></head><body><p>{PARAGRAPH}</p></body></html>"
            body = page.encode()
            ctype, status = "text/html; charset=utf-8", 200
        else:
            body, ctype, status = b"not found", "text/plain", 404
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sites", type=int, default=20)
    ap.add_argument("--pages", type=int, default=100)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--no-warc", action="store_true")
    args = ap.parse_args()
    Handler.pages = args.pages

    servers = []
    for _ in range(args.sites):
        srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        srv.daemon_threads = True
        threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(srv)

    cfg = CrawlConfig(allow_private_addresses=True, delay_seconds=0.0, max_pages_per_site=args.pages + 10)
    with tempfile.TemporaryDirectory() as tmp:
        archive = None if args.no_warc else WarcArchive(Path(tmp), cfg.warc_max_bytes)
        fetcher = Fetcher(cfg, archive=archive)
        robots = RobotsCache(fetcher)

        def crawl(srv: http.server.ThreadingHTTPServer) -> int:
            seed = f"http://127.0.0.1:{srv.server_address[1]}/sitemap.xml"
            sc = crawl_site(
                SiteConfig(f"site{srv.server_address[1]}", (seed,)), fetcher, robots, cfg, lambda u: None
            )
            n = sum(1 for _ in sc.captures)
            assert not sc.error, sc.error
            return n

        start = time.perf_counter()
        with ThreadPoolExecutor(args.threads) as pool:
            total = sum(pool.map(crawl, servers))
        elapsed = time.perf_counter() - start
        fetcher.close()
        warc_bytes = sum(p.stat().st_size for p in archive.files()) if archive else 0
        if archive:
            archive.close()

    for srv in servers:
        srv.shutdown()
        srv.server_close()
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    warc = "no" if args.no_warc else "yes"
    print(f"sites={args.sites} pages/site={args.pages} threads={args.threads} warc={warc}")
    print(f"pages={total} in {elapsed:.2f} s -> {total / elapsed:.0f} pages/s")
    print(f"WARC bytes={warc_bytes:,}  peak RSS={peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()
