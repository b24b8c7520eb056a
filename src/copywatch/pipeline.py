"""One scan, start to end: the only module that knows every stage.

    exclusives: discover -> fetch -> extract -> index
    each site (in parallel, one thread a site): crawl, and its pages' CPU work (extract -> match ->
        attribute) in worker processes (workers.py; [scan] workers)
    store: commit the whole scan in one transaction
    report: reports/<run-id>/report.html and evidence.csv, copied to reports/latest/

Each stage knows nothing of the ones after it. Failures of one page or one site are recorded as
data and never stop the scan; only what makes the scan meaningless (no exclusives, no store)
raises.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from . import __version__
from .alerts import send_alerts
from .cases.followup import after_scan
from .config import MIN_ARTICLE_WORDS, Config, SiteConfig
from .crawl.archive import ArchiveError, WarcArchive
from .crawl.discover import SiteCrawl, crawl_site, discover_exclusives
from .crawl.fetch import Fetcher, KnownPage
from .crawl.robots import RobotsCache
from .crawl.session import crawl_session
from .crawl.shortlinks import ShortLinkResolver, hosts_of
from .discovery.run import Discovery, discover
from .errors import CopywatchError, ExclusivesError, ScanInterrupted, StoreError
from .findings import build_finding
from .interrupt import ScanStop
from .lock import ScanLock
from .match.index import ExclusiveIndex, article_runs
from .models import Capture, Credit, Document, Exclusive, Finding, Match, RunInfo, SiteResult, utc_now
from .pagination import Seen, articles
from .report.evidence_csv import write_csv
from .report.html import write_report
from .report.xlsx import write_xlsx
from .store import PageError, ScanResults, Store, StoredPage, store_error
from .text.budget import PageTooCostly
from .text.dates import predates
from .text.normalize import normalize_text
from .urls import site_host as _host
from .workers import (
    Checked,
    CreditJob,
    MatchJob,
    PageDone,
    PageJob,
    ScanContext,
    Workers,
    copied_text,
    default_workers,
    process_page,
)

log = logging.getLogger("copywatch")

OUTLET_SITE = "(outlet)"  # the site name of the outlet's own pages in the store

Progress = Callable[[str, int], None]  # (what, how many more) for progress displays


@dataclass(frozen=True)
class ScanSummary:
    """What a scan did, for the CLI's one-screen summary."""

    run: RunInfo
    report_dir: Path | None
    findings: int
    uncredited: int
    new_uncredited: tuple[Finding, ...]
    alerts_sent: dict[str, int]


def _warc_name(path: str | None) -> str | None:
    """The store names WARC files relative to the WARC folder, so the folder can move."""
    return Path(path).name if path else None


def _light(stored: StoredPage | None) -> StoredPage | None:
    """What ``_stored_page`` reads of the stored page, kept while the page is processed: not its
    body and text (a site's pages wait for the gather at its end)."""
    return replace(stored, body_z=b"", text="") if stored is not None else None


@dataclass
class _SiteOutput:
    result: SiteResult
    pages: list[StoredPage]
    findings: list[Finding]
    errors: list[PageError] = field(default_factory=list)  # pages fetched but not processed


class PageWorkError(Exception):
    """A page's work in a worker failed; the message is the page error as recorded."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class Scanner:
    """Runs one scan of the sites in a config against the outlet's exclusives."""

    def __init__(self, config: Config, progress: Progress | None = None):
        self.config = config
        self.progress = progress or (lambda what, n: None)
        self._store_lock = threading.Lock()
        # the outlet's articles that are not exclusives (no exclusive_marker): URL -> their runs,
        # for the formula index
        self._outlet_articles: dict[str, bytes] = {}
        self._resolve: Callable[[str], str | None] | None = None
        self._discovery = Discovery()  # this scan's search discovery ([discovery])
        self.stop = ScanStop()  # set by Ctrl-C: stop after the current fetches, store nothing
        self._outlet_problems: list[str] = []  # exclusives sources that gave nothing
        self._work = Workers(1, ScanContext(outlet=config.outlet))  # the scan's own, made in _run

    def run(self, wait: float = 0.0) -> ScanSummary:
        with ScanLock(self.config.store_path, wait=wait), Store(self.config.store_path) as store, self.stop:
            return self._run(store)

    def _run(self, store: Store) -> ScanSummary:
        cfg = self.config
        started = utc_now()
        run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        _check_report_dir(Path(cfg.report.dir))  # unusable from the start: fail before any work
        # Listed at once as 'running', so a scan that never finishes still shows in `copywatch status`.
        store.begin_run(RunInfo(run_id, started, config_digest=cfg.digest(), code_version=__version__))
        archive: WarcArchive | None = None
        try:
            with crawl_session(cfg) as session:
                archive, fetcher, robots = session.archive, session.fetcher, session.robots
                self._resolve = ShortLinkResolver(
                    fetcher, robots, cfg.attribution.short_link_hosts, outlet_hosts=cfg.outlet.domains
                )
                with self._workers() as self._work:  # the outlet's pages: extraction only
                    exclusives, outlet_pages = self._load_exclusives(store, fetcher, robots, started)
                log.info("%d exclusives loaded", len(exclusives))
                if not cfg.sites:
                    log.warning("%s: no [[sites]] table: exclusives read, no site is crawled", cfg.source)
                with self._store_lock:
                    archive_runs = store.archive_runs()
                index = ExclusiveIndex(exclusives, cfg.match, archive=archive_runs | self._outlet_articles)
                known_keys = store.finding_keys()
                outlet_hosts = {d.lower().removeprefix("www.") for d in cfg.outlet.domains}
                outlet_hosts |= {_host(e.fetched_url) for e in exclusives}
                # forked here, in the main thread, before any site thread: the workers inherit the index
                with (
                    self._workers(index, exclusives) as self._work,
                    ThreadPoolExecutor(max_workers=max(1, cfg.crawl.concurrent_sites)) as pool,
                ):
                    outputs = list(
                        pool.map(
                            lambda s: self._scan_site(
                                s, store, fetcher, robots, index, exclusives, outlet_hosts, started
                            ),
                            cfg.sites,
                        )
                    )
                    # first, so that a copy the watchlist also found is reported as the watchlist's
                    found = self._discover(
                        store, fetcher, robots, index, exclusives, outlet_hosts, started, pool
                    )
                    outputs = found + outputs
                self.stop.check()  # Ctrl-C: nothing of this scan is committed
            # leaving the session: connections closed, WARC files flushed and fsynced before the
            # store points at their records (a full disk raises here, before the commit)
        except BaseException as e:
            # Stopped before its commit (Ctrl-C, no exclusive at all, a full disk): no stored row will
            # point at this scan's WARC files, so they go; the run row says how it ended.
            if archive is not None:
                archive.discard()
            interrupted = isinstance(e, ScanInterrupted | KeyboardInterrupt)
            store.abort_run(
                run_id,
                utc_now(),
                "aborted" if interrupted else "failed",
                error="stopped by Ctrl-C or SIGTERM" if interrupted else _one_line(e),
            )
            raise
        # One finding per (page, exclusive): two URLs (or sites) may lead to the same page.
        findings = list({(f.page_url, f.exclusive_url): f for o in outputs for f in o.findings}.values())
        new = [f for f in findings if (f.page_url, f.exclusive_url) not in known_keys]
        site_results = tuple(o.result for o in outputs)
        if self._outlet_problems:  # recorded with the run, shown by `copywatch status` and the report
            site_results += (SiteResult(site=OUTLET_SITE, error="; ".join(self._outlet_problems)),)
        status = "site_errors" if any(s.error for s in site_results) else "success"
        run = RunInfo(
            run_id=run_id,
            started_at=started,
            finished_at=utc_now(),
            status=status,
            config_digest=cfg.digest(),
            code_version=__version__,
            sites=site_results,
            pages_fetched=sum(s.pages_fetched for s in site_results),
            exclusives=len(exclusives),
            new_copies=len(new),
        )
        log.info("committing run %s", run_id)
        self.stop.hold()  # stored whole or not at all: Ctrl-C no longer interrupts
        _commit_or_discard(
            store,
            archive,
            ScanResults(
                run=run,
                exclusives=exclusives,
                pages=outlet_pages + [p for o in outputs for p in o.pages],
                findings=findings,
                warc_files=[f.name for f in archive.files()],
                page_errors=[e for o in outputs for e in o.errors],
                archive_runs=self._outlet_articles
                | {e.url: index.article_runs(i) for i, e in enumerate(index.exclusives)},
            ),
        )
        run = store.runs(limit=1)[0]
        self._discovery.mark_done(store, run.run_id)  # its queries' result pages were looked at
        after_scan(store)  # cases: new copies opened, changed dismissed copies reopened, credit followed
        if cfg.evidence.screenshots:  # each new copy rendered once, after its evidence is stored
            from .evidence.screenshot import screenshot_new_copies

            screenshot_new_copies(cfg, store, new, [p for o in outputs for p in o.pages], run.run_id)
        log.info("run %s committed; writing reports", run_id)
        all_findings = store.findings()  # read once: the report, the CSV, the alerts and the summary
        report_dir: Path | None
        try:
            report_dir = write_run_reports(
                cfg, store, run, new_keys={(f.page_url, f.exclusive_url) for f in new}, findings=all_findings
            )
        except OSError as e:  # the run is stored: say so, and still send the alerts
            report_dir = None
            log.warning(
                "run %s was stored, but its report could not be written: %s: %s (`copywatch report` writes it"
                " again)", run.run_id, e.filename or cfg.report.dir, e.strerror or e,
            )  # fmt: skip
        report_url = (
            f"{cfg.report.base_url.rstrip('/')}/{run.run_id}/report.html"
            if cfg.report.base_url
            else (report_dir / "report.html").resolve().as_uri()
            if report_dir
            else ""
        )
        log.info("sending alerts")
        alerts = send_alerts(store, cfg.alerts, cfg.outlet.name, report_url, findings=all_findings)
        uncredited = [f for f in all_findings if f.uncredited]
        return ScanSummary(
            run=run,
            report_dir=report_dir,
            findings=len(all_findings),
            uncredited=len(uncredited),
            new_uncredited=tuple(f for f in new if f.uncredited),
            alerts_sent=alerts,
        )

    def _load_exclusives(
        self, store: Store, fetcher: Fetcher, robots: RobotsCache, started: str
    ) -> tuple[list[Exclusive], list[StoredPage]]:
        """Fetch and extract the outlet's exclusives, incrementally (their pages are stored like any
        page); fall back to the stored exclusives if the outlet is down."""
        config = self.config
        outlet = SiteConfig(name=OUTLET_SITE, seeds=config.outlet.exclusives)
        found: dict[str, Exclusive] = {}
        pages: list[StoredPage] = []
        markers = [normalize_text(m) for m in config.outlet.exclusive_markers if m.strip()]
        problems: list[str] = []  # why sources gave nothing: said when no exclusive is left at all

        remembered: dict[str, StoredPage | None] = {}  # read once: for the crawler, then for _page

        def known(url: str) -> KnownPage | None:
            self.stop.check()  # asked before each article's fetch: Ctrl-C stops here
            remembered[url] = store.page(url)
            return remembered[url]  # the store's page, as the crawler reads it

        sources = config.outlet.exclusives
        listed = discover_exclusives(
            sources, fetcher, robots, problems, known, limit=config.outlet.max_exclusives
        )
        for problem in problems:
            if "stopped at" in problem:
                log.warning("%s: raise [outlet] max_exclusives to watch older exclusives", problem)
        submitted = []  # processed in the workers meanwhile, then taken in order
        for entry, capture in listed:
            if capture.outcome != "not_modified" and capture.status != 200:
                log.warning("exclusive %s not fetched: %s", entry.url, capture.detail or capture.outcome)
                continue
            previous = remembered.pop(capture.url) if capture.url in remembered else store.page(capture.url)
            job = self._page_job(capture, previous, outlet=True)
            submitted.append((entry, replace(capture, body=b""), _light(previous), self._work.page(job)))
        for entry, capture, previous, pending in submitted:
            done = pending.result()
            if done.doc is None:  # one bad article page of the outlet costs that article, never the scan
                why = f"{done.error_type}: {done.error}" if done.error_type else done.error
                problems.append(f"{entry.url}: not processed: {why}")
                log.warning("exclusive %s not processed: %s", entry.url, why)
                continue
            page, doc = self._stored_page(outlet, capture, previous, started, entry.lastmod, done), done.doc
            if not capture.url.startswith("file:"):
                pages.append(page)
            if len(doc.text.split()) < MIN_ARTICLE_WORDS:
                problems.append(f"{entry.url}: fewer than {MIN_ARTICLE_WORDS} words of text, not an article")
                continue  # an index page or an empty shell, not an article
            if markers and not any(m in normalize_text(doc.text) for m in markers):
                problems.append(f"{entry.url}: none of [outlet] exclusive_markers")
                # not an exclusive, but the outlet's own article all the same: its formula counts
                self._outlet_articles[doc.canonical or capture.final_url] = article_runs(doc.text)
                continue
            url = doc.canonical or capture.final_url
            found[url] = Exclusive(url=url, fetched_url=capture.final_url, title=doc.title, text=doc.text,
                                   published_at=doc.published_at or entry.lastmod)  # fmt: skip
        if not found:
            stored = store.exclusives()
            if stored:
                log.warning("no exclusive could be fetched this time; using the %d stored ones", len(stored))
                return stored, pages
            raise ExclusivesError(
                "no exclusive article could be loaded from [outlet] exclusives = "
                + ", ".join(config.outlet.exclusives)
                + (f" ({'; '.join(problems[:3])}{'; ...' if len(problems) > 3 else ''})" if problems else "")
            )
        # A source that gave nothing while others did (a typo'd path, an unreachable sitemap): said
        # now, and recorded with the run.
        self._outlet_problems = [
            p for p in problems if p.startswith("exclusives source ") and "stopped at" not in p
        ]
        for problem in self._outlet_problems:
            log.warning("%s; the other exclusives sources were read", problem)
        return list(found.values()), pages

    def _discover(
        self,
        store: Store,
        fetcher: Fetcher,
        robots: RobotsCache,
        index: ExclusiveIndex,
        exclusives: Sequence[Exclusive],
        outlet_hosts: set[str],
        started: str,
        pool: ThreadPoolExecutor,
    ) -> list[_SiteOutput]:
        """Search discovery, after the watchlist crawl: the result pages of this scan's queries are
        crawled, matched and attributed like any page, under one synthetic site per host; each
        finding says which query found it. A provider's failure is one line in the site errors."""
        self.stop.check()
        found = discover(self.config, store, exclusives, outlet_hosts, progress=self.progress)
        self._discovery = found
        outputs = list(
            pool.map(
                lambda d: self._scan_site(
                    d.site, store, fetcher, robots, index, exclusives, outlet_hosts, started, crawler=d.crawl
                ),
                found.sites,
            )
        )
        for d, o in zip(found.sites, outputs, strict=True):
            o.findings = [replace(f, discovered_by=d.crawl.how(f.page_url)) for f in o.findings]
        return outputs + [_SiteOutput(e, [], []) for e in found.errors]

    def _scan_site(
        self,
        site: SiteConfig,
        store: Store,
        fetcher: Fetcher,
        robots: RobotsCache,
        index: ExclusiveIndex,
        exclusives: Sequence[Exclusive],
        outlet_hosts: set[str],
        started: str,
        crawler: Callable[..., SiteCrawl] | None = None,
    ) -> _SiteOutput:
        by_url = {e.url: e for e in exclusives}
        pages: list[StoredPage] = []
        findings: list[Finding] = []
        seen: list[Seen] = []
        errors: list[PageError] = []  # a bad document is recorded against its URL; the site goes on

        def failed(url: str, e: Exception | str) -> None:
            why = e if isinstance(e, str | PageTooCostly | PageWorkError) else f"{type(e).__name__}: {e}"
            why = str(why)
            log.warning("site %s: page %s not processed: %s", site.name, url, why)
            errors.append(PageError(site.name, url, why))

        remembered: dict[str, StoredPage | None] = {}  # read once: for the crawler, then for _page

        def known(url: str) -> KnownPage | None:
            with self._store_lock:
                remembered[url] = store.page(url)
            return remembered[url]  # the store's page, as the crawler reads it

        t0 = time.monotonic()
        crawl: SiteCrawl | None = None
        try:
            crawl = (crawler or crawl_site)(site, fetcher, robots, self.config.crawl, known)
            # each page's CPU work is submitted as it is fetched and gathered after the crawl
            submitted = []
            for capture in crawl.captures:
                if self.stop.requested:
                    break  # Ctrl-C: no further page of this site is fetched
                self.progress(site.name, 1)
                if _host(capture.final_url) in outlet_hosts:
                    continue
                if capture.url in remembered:
                    stored = remembered.pop(capture.url)
                else:  # a seed page: the crawler did not ask about it
                    with self._store_lock:
                        stored = store.page(capture.url)
                pending = self._work.page(self._page_job(capture, stored))
                # keep what matching needs; the body stays (compressed) in the StoredPage only
                lastmod = crawl.lastmod.get(capture.url)
                submitted.append((replace(capture, body=b""), _light(stored), lastmod, pending))
            done_of: dict[int, PageDone] = {}
            for capture, stored, lastmod, pending in submitted:
                if self.stop.requested:
                    break  # Ctrl-C: nothing of this scan is stored anyway
                done = pending.result()
                if done.doc is None:  # one page, whatever it made a stage raise, or its worker's death
                    failed(capture.final_url, done.error if done.error_type in ("", "PageTooCostly")
                           else f"{done.error_type}: {done.error}")  # fmt: skip
                    continue
                page = self._stored_page(site, capture, stored, started, lastmod, done)
                pages.append(page)
                seen.append(Seen(capture, page, done.doc, done.next_url))
                done_of[id(seen[-1])] = done
            for url, why in crawl.page_errors:
                failed(url, why)
            for chain in articles(seen):
                text = "\n".join(r.doc.text for r in chain)
                try:
                    if len(chain) == 1:  # matched and credit-checked with its extraction, in one task
                        done = done_of[id(chain[0])]
                        checked, error = done.checked, done.match_error
                    else:  # a paginated article: its pages joined
                        joined = self._work.match(MatchJob(chain[0].capture.final_url, text)).result()
                        checked, error = tuple(Checked(m, None) for m in joined.matches), joined.error
                    for c in checked:
                        ex = by_url[c.match.exclusive_url]
                        credits = self._credits(chain, text, c, ex)
                        f = self._finding(site, chain, text, c.match, ex, started, credits)
                        days = self.config.match.backdated_days
                        if predates(f.exclusive_published_at, f.published_at, days):
                            log.info("%s predates %s: a common source, no copy", f.page_url, f.exclusive_url)
                            continue
                        findings.append(f)
                    if error:
                        failed(chain[0].capture.final_url, error)
                except ArchiveError:
                    raise  # a short link's capture could not be written: the disk is full
                except Exception as e:  # matching or the credit check raised on this article
                    failed(chain[0].capture.final_url, e)
            result = crawl.result()
            # pages that failed here, after the crawler counted them fetched (its own errors it counted)
            result = replace(result, pages_failed=result.pages_failed + len(errors) - len(crawl.page_errors))
            if crawl.limits_hit.get("max_links_per_page"):
                log.warning(
                    "site %s: %d pages had more than [crawl] max_links_per_page links, the rest unread",
                    site.name,
                    crawl.limits_hit["max_links_per_page"],
                )
            for warning in crawl.warnings:
                log.warning("site %s: %s (the rest of the site was crawled)", site.name, warning)
            for limit in ("max_site_seconds", "max_pages_per_site"):
                if crawl.limits_hit.get(limit):
                    more = " and more links not queued (the frontier was full)" if crawl.limits_hit.get(
                        "frontier_full") else ""  # fmt: skip
                    log.warning("site %s: stopped at %s; %d URLs left for the next scan%s (see [crawl])",
                                site.name, limit, crawl.limits_hit[limit], more)  # fmt: skip
        except ArchiveError:
            raise  # evidence that cannot be written (a full disk) stops the scan: nothing is stored
        except Exception as e:  # one broken site never fails the scan
            log.exception("site %s failed", site.name)
            result = SiteResult(site=site.name, error=f"{type(e).__name__}: {e}")
        log.info(
            "site %s: %d pages, %d copies in %.1f s%s",
            site.name,
            len(pages),
            len(findings),
            time.monotonic() - t0,
            f" ({len(crawl.utility_links)} print, send or login links not followed)"
            if crawl is not None and crawl.utility_links
            else "",
        )
        return _SiteOutput(result, pages, findings, errors)

    def _workers(self, index: ExclusiveIndex | None = None, exclusives: Sequence[Exclusive] = ()) -> Workers:
        """The scan's worker processes ([scan] workers; 1 = in this process), made in the main
        thread: with the index, after it is built and before the site threads start."""
        cfg = self.config
        context = ScanContext(
            outlet=cfg.outlet,
            accept=cfg.attribution.accept,
            short_link_hosts=hosts_of(cfg.attribution.short_link_hosts),
            outlet_hosts=hosts_of(cfg.outlet.domains),
            index=index,
            exclusives=tuple(exclusives),
        )
        return Workers(cfg.scan.workers or default_workers(), context)

    def _page_job(self, capture: Capture, stored: StoredPage | None, *, outlet: bool = False) -> PageJob:
        """What a worker needs to process a fetched page (the outlet's: extraction only)."""
        same = stored if stored is not None and stored.sha256 == capture.sha256 else None
        content_type = (same.content_type if same else "") or capture.content_type
        reuse = (same.title, same.text, same.published_at) if same is not None and same.text else None
        return PageJob(
            url=capture.final_url,
            body=capture.body,
            # unchanged since the last scan: its extraction is reused, its text decoded as stored
            decode_type=content_type if reuse else (capture.header("content-type") or ""),
            page_type=content_type,
            reuse=reuse,
            max_elements=self.config.crawl.max_page_elements,
            cpu_seconds=None if outlet else self.config.crawl.max_page_cpu_seconds,
            follow=not outlet,
            match=not outlet,
        )

    def _page(
        self, site: SiteConfig, capture: Capture, stored: StoredPage | None, started: str, lastmod: str | None
    ) -> tuple[StoredPage, Document]:
        """One page extracted in this process (archive scans call it for their candidates), within
        the page budgets of [crawl] (elements, CPU seconds); its Document without the HTML."""
        job = self._page_job(capture, stored, outlet=True)  # extraction only: no next page, no matching
        done = self._work.here(process_page, replace(job, cpu_seconds=self.config.crawl.max_page_cpu_seconds))
        if done.doc is None:
            raise PageWorkError(f"{done.error_type}: {done.error}" if done.error_type else done.error)
        return self._stored_page(site, capture, stored, started, lastmod, done), done.doc

    def _stored_page(
        self,
        site: SiteConfig,
        capture: Capture,
        stored: StoredPage | None,
        started: str,
        lastmod: str | None,
        done: PageDone,
    ) -> StoredPage:
        # Seen before with the same body (a 304, a 200 with the same SHA-256, or not requested at all
        # because of its sitemap lastmod): the headers of the full response describe it, not the
        # 304's or none at all, and that response's WARC record holds the evidence (a revisit
        # record holds no payload).
        same = stored if stored is not None and stored.sha256 == capture.sha256 else None
        original = same if same is not None and same.warc_file else None
        content_type = (same.content_type if same else "") or capture.content_type
        doc = done.doc
        assert doc is not None
        return StoredPage(
            url=capture.url,
            site=site.name,
            final_url=capture.final_url,
            status=original.status if original else capture.status,
            title=doc.title,
            text=doc.text,
            body_z=done.body_z,
            content_type=content_type,
            sha256=capture.sha256,
            etag=capture.header("etag") or (same.etag if same else None),
            last_modified=capture.header("last-modified") or (same.last_modified if same else None),
            lastmod=lastmod or (stored.lastmod if stored else None),
            published_at=doc.published_at,
            ip=capture.ip,
            redirects=capture.redirects,
            fetched_at=original.fetched_at if original else capture.fetched_at,
            first_seen=stored.first_seen if stored else started,
            warc_file=_warc_name(original.warc_file if original else capture.warc_file),
            warc_offset=original.warc_offset if original else capture.warc_offset,
        )

    def _credits(self, chain: list[Seen], text: str, c: Checked, ex: Exclusive) -> list[Credit]:
        """The credit check of each page of a copy: done already with a single page's matching,
        unless it asked for short links; those are resolved here, in the site thread (a fetch
        each, captured), and the page is checked again with the answers."""
        if len(chain) == 1 and c.credit is not None:
            return [c.credit]
        credits = []
        at = 0
        for r in chain:
            lo, hi = at, at + len(r.doc.text)
            at = hi + 1
            copied = copied_text(text, c.match.spans, lo, hi)
            job = CreditJob(r.doc, r.page.body, r.page.content_type, ex, copied)
            asked = c.short_links if len(chain) == 1 else ()
            if not asked:
                done = self._work.credit(job).result()
                if done.error:
                    raise PageWorkError(done.error)
                if done.credit is not None:
                    credits.append(done.credit)
                    continue
                asked = done.short_links
            done = self._work.credit(replace(job, resolved=self._resolve_links(asked))).result()
            if done.error or done.credit is None:
                raise PageWorkError(done.error or "the credit check asked for short links again")
            credits.append(done.credit)
        return credits

    def _resolve_links(self, urls: Sequence[str]) -> tuple[tuple[str, str | None], ...]:
        """Where short links lead (the scan's resolver: robots.txt, a fetch captured in the WARC)."""
        out = []
        for url in urls:
            try:
                target = self._resolve(url) if self._resolve is not None else None
            except ArchiveError:
                raise
            except Exception:  # noqa: BLE001 - a failing resolver must not fail the credit check
                target = None
            out.append((url, target))
        return tuple(out)

    def _finding(
        self,
        site: SiteConfig,
        chain: list[Seen],
        text: str,
        m: Match,
        ex: Exclusive,
        started: str,
        credits: Sequence[Credit] | None = None,
    ) -> Finding:
        """A Finding for a match on an article (one page, or the pages of a paginated article joined
        in order); its credit is the strongest found on any of the article's pages (``credits``, one
        per page; checked here when not given, as archive scans do)."""
        if credits is None:
            credits = self._credits(chain, text, Checked(m, None), ex)
        return build_finding(site, chain, text, m, ex, started, credits)


def _one_line(e: BaseException) -> str:
    """An exception as the one line the CLI prints for it (CopywatchError: its message)."""
    text = " ".join(str(e).split())
    return text if isinstance(e, CopywatchError) else f"{type(e).__name__}: {text}"


def _check_report_dir(folder: Path) -> None:
    """The report folder can be created and written, or OSError naming it (before a scan starts:
    a folder that fails only after the run is stored is a warning instead)."""
    folder.mkdir(parents=True, exist_ok=True)
    probe = folder / f".copywatch-probe-{os.getpid()}"
    probe.write_bytes(b"")
    probe.unlink()


def _commit_or_discard(store: Store, archive: WarcArchive, results: ScanResults) -> None:
    """Commit a scan; if the commit fails (a full disk, a damaged store), nothing of the scan is stored,
    so no row will ever point at its WARC files: they are removed (a full disk must not stay full of
    files nothing references), the run is marked failed if the store still can, and the error is one
    line naming the store."""
    try:
        store.commit_scan(results)
    except (sqlite3.Error, OSError) as e:
        gone = archive.discard()
        why = store_error(store.path, e) if isinstance(e, sqlite3.Error) else f"{store.path}: {e.strerror}"
        with contextlib.suppress(sqlite3.Error, OSError):
            store.abort_run(results.run.run_id, utc_now(), "failed", error=str(why))
        raise StoreError(f"{why}; nothing of this scan was stored ({len(gone)} WARC files removed)") from e


def write_run_reports(
    config: Config,
    store: Store,
    run: RunInfo,
    new_keys: set[tuple[str, str]] | None = None,
    findings: Sequence[Finding] | None = None,
) -> Path:
    """Render report.html, evidence.csv and evidence.xlsx for a run into reports/<run-id>/ and
    reports/latest/ (from ``findings`` when the caller has read them already)."""
    findings = list(findings) if findings is not None else store.findings()
    history = store.runs(limit=50)
    out = Path(config.report.dir) / run.run_id
    out.mkdir(parents=True, exist_ok=True)
    write_csv(findings, out / "evidence.csv", dialect=config.report.csv_dialect)
    write_xlsx(findings, out / "evidence.xlsx")
    write_report(
        out,
        findings,
        run,
        history,
        outlet_name=config.outlet.name,
        new_keys=new_keys or set(),
        app_url=config.report.base_url,  # each pursued copy links to its case in `copywatch serve`
    )
    latest = Path(config.report.dir) / "latest"
    tmp = Path(config.report.dir) / ".latest.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(out, tmp)
    shutil.rmtree(latest, ignore_errors=True)
    tmp.rename(latest)
    return out


def scan(config: Config, progress: Progress | None = None, wait: float = 0.0) -> ScanSummary:
    """Run one scan (the library's entry point; the CLI's ``scan`` and ``demo`` call this)."""
    return Scanner(config, progress).run(wait=wait)
