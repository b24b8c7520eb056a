"""The CPU work of a scan's pages, in worker processes: decoding, parsing and extraction (with the
claimed date, canonical URL and next page), then matching against the exclusives and the credit
check. The crawl stays in the site threads (polite: one request at a time per host), and only the
main process writes WARC and SQLite.

Why processes: libxml2 under lxml is not safe to drive from several threads at once
(text/lxml_guard.py), so in threads every parse waits for one lock and a scan uses one core (a
py-spy profile of a dev-web scan: 26% of the samples waiting on that lock).

* ``Workers(n, context)`` is made by the main thread once the exclusives' index is built and
  before any site thread starts: a ``fork`` ProcessPoolExecutor whose workers inherit the index
  and the rest of the ``ScanContext`` copy-on-write (nothing of it is pickled). With fork all
  workers start at the first submit, which the constructor makes itself (a warm-up), so no fork
  happens while site threads run.
* Only picklable frozen dataclasses cross: ``PageJob`` (bytes and strings) in, ``PageDone`` out;
  ``CreditJob``/``CreditDone`` and ``MatchJob``/``MatchDone`` for a paginated article and for a
  credit check that needs short links. A site thread submits its pages without waiting and
  gathers the results at the end of the site; at most 8 pages per worker are in flight, so a
  crawl faster than the workers does not hold every body in memory.
* One page's work is one task: the page is decoded and parsed once (text/parsed.py) for its
  extraction, date, canonical URL, next page and, when it matched, the credit check.
* A page costs that page only. An exception, or a page over its bounds (text/budget.py:
  [crawl] max_page_elements before parsing, [crawl] max_page_cpu_seconds measured by PageBudget
  in the worker's own thread, as it was in the site thread), comes back as the page's error. A
  worker that dies (SIGSEGV in libxml2, killed for its memory) breaks the pool: the pages that
  some worker was processing at that moment are each run again alone in a fresh process (one
  that kills that process too is recorded as a page error), and every other page, and the rest
  of the scan, are processed in this process, as with ``workers = 1``.
* Short links: the credit check calls ``resolve`` for the links it would follow; there, it only
  notes them. The site thread resolves them with the scan's own resolver (crawl/shortlinks.py:
  fetched, captured, robots.txt obeyed) and the check runs again with the answers, so no network
  call is made inside the credit check, in a worker or not.
* ``workers = 1``: the same functions run in the site thread, under the lxml lock, as before.

Ctrl-C: the workers ignore SIGINT; the main process's ScanStop (interrupt.py) stops the site
threads, which stop gathering, and the pool is shut down on the way out.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import itertools
import logging
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar

from .attribution import attribute
from .config import OutletConfig
from .crawl.shortlinks import followed
from .match.index import ExclusiveIndex
from .models import Credit, Document, Exclusive, Match, Span
from .store import StoredPage
from .text.budget import PageBudget, PageTooCostly, check_markup
from .text.lxml_guard import LXML
from .text.parsed import ParsedPage

log = logging.getLogger("copywatch")

IN_FLIGHT_PER_WORKER = 8  # pages submitted and not yet done, per worker process
STARTUP_SECONDS = 60.0  # the workers' start (a fork each) takes milliseconds; past this, in-process


def default_workers() -> int:
    """One worker per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class ScanContext:
    """What every page's work needs besides the page; the workers inherit it when forked."""

    outlet: OutletConfig
    accept: tuple[str, ...] = ("link", "canonical", "name")
    short_link_hosts: frozenset[str] = frozenset()  # crawl/shortlinks.py hosts_of()
    outlet_hosts: frozenset[str] = frozenset()  # the outlet's domains: its own short links are followed
    index: ExclusiveIndex | None = None  # None: extraction only (the outlet's own pages)
    exclusives: tuple[Exclusive, ...] = ()

    def exclusive(self, url: str) -> Exclusive:
        return self._by_url()[url]

    def _by_url(self) -> dict[str, Exclusive]:
        by_url: dict[str, Exclusive] | None = self.__dict__.get("_exclusives_by_url")
        if by_url is None:
            by_url = {e.url: e for e in self.exclusives}
            object.__setattr__(self, "_exclusives_by_url", by_url)
        return by_url


_CONTEXT: ScanContext | None = None  # what a forked worker inherits
_LOCAL = threading.local()  # in this process: the context of the Workers running a job here


def _install(context: ScanContext) -> None:
    global _CONTEXT
    context._by_url()  # built before the fork, not in every worker
    _CONTEXT = context


def _context() -> ScanContext:
    context = getattr(_LOCAL, "context", None) or _CONTEXT
    assert context is not None, "workers.Workers was not made for this scan"
    return context


# --- what crosses ------------------------------------------------------------------------------


def _describe(e: BaseException) -> str:
    """A page error as the pipeline records it: a budget's own sentence, else type and message."""
    return str(e) if isinstance(e, PageTooCostly) else f"{type(e).__name__}: {e}"


@dataclass(frozen=True)
class Checked:
    """One match of a page with its credit, or (``credit`` None) the short links the credit check
    asks for: resolve them, then check again (``CreditJob`` with ``resolved``)."""

    match: Match
    credit: Credit | None
    short_links: tuple[str, ...] = ()


@dataclass(frozen=True)
class PageDone:
    """A page processed: its document (without the HTML), next page and compressed body, and its
    matches with their credit; or ``error``, why it could not be processed (it is not stored)."""

    doc: Document | None
    next_url: str | None = None
    body_z: bytes = b""
    error: str = ""  # recorded as the page's error, as the pipeline words it
    error_type: str = ""  # the exception's type ("" for a dead worker)
    checked: tuple[Checked, ...] = ()
    match_error: str = ""  # matching or the credit check raised: the page is stored, the error recorded


@dataclass(frozen=True)
class PageJob:
    """One fetched page to process."""

    url: str  # the page's final URL
    body: bytes
    decode_type: str  # the content type its text is decoded with for extraction
    page_type: str  # the stored content type (next page, credit check)
    reuse: tuple[str, str, str | None] | None = None  # title, text, date of an unchanged page
    max_elements: int = 100_000  # 0: not bounded here (an archive record is bounded by its size)
    cpu_seconds: float | None = None  # None: no CPU budget (the outlet's pages)
    follow: bool = True  # look for a next page
    match: bool = True  # match it and check credit

    def failed(self, why: str) -> PageDone:
        return PageDone(None, error=why)


@dataclass(frozen=True)
class CreditDone:
    credit: Credit | None
    short_links: tuple[str, ...] = ()  # asked for, when ``credit`` is None and no error
    error: str = ""


@dataclass(frozen=True)
class CreditJob:
    """The credit check of one page of a copy (a page of a paginated article, or a page whose
    short links have been resolved)."""

    doc: Document  # without its HTML: decoded again from ``body``
    body: bytes
    page_type: str
    exclusive: Exclusive
    copied_text: str
    resolved: tuple[tuple[str, str | None], ...] | None = None  # short link -> target

    def failed(self, why: str) -> CreditDone:
        return CreditDone(None, error=why)


@dataclass(frozen=True)
class MatchDone:
    matches: tuple[Match, ...] = ()
    error: str = ""


@dataclass(frozen=True)
class MatchJob:
    """Matching of a paginated article's pages joined."""

    url: str
    text: str

    def failed(self, why: str) -> MatchDone:
        return MatchDone(error=why)


# --- the work, in a worker or in the site thread -----------------------------------------------


def copied_text(text: str, spans: Sequence[Span], lo: int, hi: int) -> str:
    """The copied passages that fall within ``text[lo:hi]`` (one page of a joined article)."""
    return " ".join(text[max(s.page_start, lo) : min(s.page_end, hi)] for s in spans
                    if s.page_start < hi and s.page_end > lo)  # fmt: skip


def _check(
    doc: Document,
    page: ParsedPage | None,
    ex: Exclusive,
    copied: str,
    resolved: tuple[tuple[str, str | None], ...] | None,
) -> CreditDone:
    """The credit check; short links it would follow are answered from ``resolved``, or noted."""
    ctx = _context()
    answers = dict(resolved) if resolved is not None else None
    asked: list[str] = []

    def resolve(url: str) -> str | None:
        if not followed(url, ctx.short_link_hosts, ctx.outlet_hosts):
            return None
        if answers is None:
            asked.append(url)
            return None
        return answers.get(url)

    def run() -> Credit:
        return attribute(
            doc,
            ex,
            ctx.outlet,
            notice=ctx.outlet.notice,
            copied_text=copied,
            accept=ctx.accept,
            resolve=resolve,
        )

    if page is not None:
        with page.lending(doc.html):
            credit = run()
    else:
        credit = run()
    if asked:
        return CreditDone(None, tuple(dict.fromkeys(asked)))
    return CreditDone(credit)


def _page_work(job: PageJob) -> PageDone:
    budget = PageBudget(job.url, job.cpu_seconds) if job.cpu_seconds is not None else None
    page: ParsedPage | None = None
    try:
        if job.max_elements > 0:
            check_markup(job.body, job.url, job.max_elements)
        page = ParsedPage(job.body, job.decode_type, job.url)
        if job.reuse is not None:
            # unchanged since the last scan: its stored extraction is reused, the costly part
            title, text, published = job.reuse
            doc = Document(url=job.url, title=title, text=text, html=page.html, published_at=published,
                           canonical=page.canonical(), encoding=page.encoding)  # fmt: skip
        else:
            doc = replace(page.document(), published_at=page.claimed_published_time())
        if budget is not None:
            budget.check("extraction")
        following = None
        if job.follow:
            following = page.next_page() if job.page_type == job.decode_type else _next_page(job)
            if budget is not None:
                budget.check("looking for a next page")
        done = PageDone(replace(doc, html=""), following, StoredPage.compress(job.body))
        if not job.match:
            return done
        ctx = _context()
        if ctx.index is None:
            return done
        checked: list[Checked] = []
        try:
            for m in ctx.index.match(job.url, doc.text):
                copied = copied_text(doc.text, m.spans, 0, len(doc.text))
                ex = ctx.exclusive(m.exclusive_url)
                c = _check(replace(doc, html=page.html_as(job.page_type)), page, ex, copied, None)
                checked.append(Checked(m, c.credit, c.short_links))
        except Exception as e:  # one article, whatever matching or the credit check raise
            return replace(done, checked=tuple(checked), match_error=_describe(e))
        return replace(done, checked=tuple(checked))
    except Exception as e:  # one page, whatever a stage raises (RecursionError too)
        return PageDone(None, error=_describe(e), error_type=type(e).__name__)
    finally:
        if page is not None:
            page.close()


def _next_page(job: PageJob) -> str | None:
    """The next page read with the stored content type, when it differs from the header's."""
    return ParsedPage(job.body, job.page_type, job.url).next_page()


def process_page(job: PageJob) -> PageDone:
    """Decode, parse and extract one page, then match it and check its credit."""
    return _page_work(job)


def check_credit(job: CreditJob) -> CreditDone:
    try:
        page = ParsedPage(job.body, job.page_type, job.doc.url)
        try:
            return _check(
                replace(job.doc, html=page.html), page, job.exclusive, job.copied_text, job.resolved
            )
        finally:
            page.close()
    except Exception as e:
        return CreditDone(None, error=_describe(e))


def match_text(job: MatchJob) -> MatchDone:
    index = _context().index
    try:
        return MatchDone(tuple(index.match(job.url, job.text)) if index is not None else ())
    except Exception as e:
        return MatchDone(error=_describe(e))


# --- the pool ----------------------------------------------------------------------------------

J = TypeVar("J", PageJob, CreditJob, MatchJob)
D = TypeVar("D", PageDone, CreditDone, MatchDone)

_SLOTS: Any = None  # in a worker: the shared array of the job each worker is running
_SLOT = -1


def _die_with_parent(parent: int) -> None:
    """A worker must not outlive a scan killed with SIGKILL (it would hold the scan's stdout and
    stderr open, and wait for work for ever): on Linux the kernel kills it with its parent."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the parent's shutdown ends the workers
        pass
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(0)


def _start_worker(slots: Any, counter: Any, parent: int) -> None:
    """A worker's start: Ctrl-C is the main process's to handle; take a slot to say what it runs."""
    global _SLOTS, _SLOT
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent)
    _SLOTS = slots
    if slots is not None:
        with counter.get_lock():
            _SLOT = counter.value
            counter.value += 1


def _run(job_id: int, fn: Callable[[Any], Any], job: Any) -> Any:
    if _SLOTS is not None and 0 <= _SLOT < len(_SLOTS):
        _SLOTS[_SLOT] = job_id
    try:
        return fn(job)
    finally:
        if _SLOTS is not None and 0 <= _SLOT < len(_SLOTS):
            _SLOTS[_SLOT] = -1


def _ready() -> int:
    return os.getpid()


@dataclass
class Pending(Generic[D]):
    """A submitted job; ``result()`` waits for it."""

    owner: Workers
    fn: Callable[[Any], D]
    job: Any  # kept until the result is in, to run it again if the pool breaks
    job_id: int = -1
    future: Future[D] | None = None
    value: D | None = field(default=None, repr=False)

    def result(self) -> D:
        if self.future is None:
            assert self.value is not None
            return self.value
        return self.owner._result(self)


class Workers:
    """Where a scan's page work runs: ``n`` worker processes, or (n = 1) the calling thread.

    Make it in the main thread, before the site threads start; ``close()`` (or ``with``) at the
    end of the crawl."""

    def __init__(self, n: int, context: ScanContext):
        self.context = context
        self.n = n
        self._executor: ProcessPoolExecutor | None = None
        self._broken = False
        self._lock = threading.Lock()
        self._ids = itertools.count()
        self._suspects: set[int] = set()
        self._slots: Any = None
        if n <= 1 or "fork" not in multiprocessing.get_all_start_methods():
            return
        _install(context)  # the workers inherit it
        mp = multiprocessing.get_context("fork")
        self._slots = mp.RawArray("q", [-1] * n)
        counter = mp.Value("i", 0)
        self._room = threading.BoundedSemaphore(n * IN_FLIGHT_PER_WORKER)
        self._executor = ProcessPoolExecutor(
            n, mp_context=mp, initializer=_start_worker, initargs=(self._slots, counter, os.getpid())
        )
        # With fork every worker starts at the first submit: here, in the calling (main) thread.
        # Frozen first, the objects the workers inherit (the index above all) are never walked by
        # their garbage collector, which would write to every page of them and so copy them all.
        gc.freeze()
        try:
            self._executor.submit(_ready).result(timeout=STARTUP_SECONDS)
        except (OSError, BrokenProcessPool, TimeoutError) as e:  # no fork (memory, limits): as workers = 1
            log.warning("%d worker processes could not start (%s: %s); this scan runs in one process",
                        n, type(e).__name__, e)  # fmt: skip
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
        finally:
            gc.unfreeze()
        log.debug("%d worker processes started", n)

    @property
    def in_process(self) -> bool:
        return self._executor is None or self._broken

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)

    def page(self, job: PageJob) -> Pending[PageDone]:
        return self._submit(process_page, job)

    def credit(self, job: CreditJob) -> Pending[CreditDone]:
        return self._submit(check_credit, job)

    def match(self, job: MatchJob) -> Pending[MatchDone]:
        return self._submit(match_text, job)

    def _submit(self, fn: Callable[[Any], D], job: Any) -> Pending[D]:
        if self.in_process:
            return Pending(self, fn, None, value=self.here(fn, job))
        assert self._executor is not None
        job_id = next(self._ids)
        self._room.acquire()
        try:
            future = self._executor.submit(_run, job_id, fn, job)
        except (BrokenProcessPool, RuntimeError):  # broken meanwhile: this job never started
            self._room.release()
            self._on_break()
            return Pending(self, fn, None, value=self.here(fn, job))
        pending = Pending(self, fn, job, job_id, future)

        def done(f: Future[D]) -> None:
            self._room.release()
            if not f.cancelled() and f.exception() is None:
                pending.job = None  # its result is in: the page's body is not held until the gather

        future.add_done_callback(done)
        return pending

    def _result(self, pending: Pending[D]) -> D:
        assert pending.future is not None
        try:
            return pending.future.result()
        except BrokenProcessPool:
            self._on_break()
            if pending.job_id in self._suspects:
                return self._alone(pending.fn, pending.job)
            return self.here(pending.fn, pending.job)
        except CancelledError:  # not started when the pool broke and was shut down
            return self.here(pending.fn, pending.job)
        except Exception as e:  # the result could not come back (pickling): once more, here
            log.warning("a worker's result was lost (%s: %s); processed again here", type(e).__name__, e)
            return self.here(pending.fn, pending.job)

    def here(self, fn: Callable[[Any], D], job: Any) -> D:
        """Run a job in this thread, with this scan's context."""
        previous = getattr(_LOCAL, "context", None)
        _LOCAL.context = self.context
        try:
            return fn(job)
        finally:
            _LOCAL.context = previous

    def _on_break(self) -> None:
        with self._lock:
            if self._broken:
                return
            self._broken = True
            self._suspects = {int(j) for j in self._slots if j >= 0} if self._slots is not None else set()
        log.warning(
            "a worker process died; the pages it and the others were processing are processed again,"
            " each alone, and the rest of this scan's pages in this process"
        )
        assert self._executor is not None
        self._executor.shutdown(wait=False, cancel_futures=True)

    def _alone(self, fn: Callable[[Any], D], job: Any) -> D:
        """Run one job in a fresh process of its own: a page that kills it costs only itself."""
        mp = multiprocessing.get_context("fork")
        with LXML:  # no thread of this process is inside libxml2 while it forks
            _install(self.context)
            one = ProcessPoolExecutor(
                1, mp_context=mp, initializer=_start_worker, initargs=(None, None, os.getpid())
            )
            future = one.submit(fn, job)
        try:
            return future.result()
        except BrokenProcessPool:
            return job.failed(
                "the worker process processing this page died (a crash in a parser, or killed for"
                " its memory); not matched"
            )
        finally:
            one.shutdown(wait=True)
