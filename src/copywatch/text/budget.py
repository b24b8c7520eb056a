"""What one page may cost to process: a bound on its markup, and a CPU-time budget (issue 12).

A hostile page must not hold a scan. Every parser and pattern that reads fetched bytes is linear
in them (no regex that backtracks quadratically on ``rel=rel=rel=...`` or unclosed ``<title>``s),
and the bytes are bounded by [crawl] max_bytes; what is left is a page that is merely expensive.
Two bounds keep it to one page's worth:

* ``check_markup``, before anything is parsed: a page with more tags than
  [crawl] max_page_elements (a 5 MB page of a million links) is not extracted at all. The
  extractor's cost and memory grow with the tree (about 15 s and 900 MB for 300,000 links), and
  nothing can interrupt a parse once it has started;
* ``PageBudget``, between the stages of a page (extraction, dates, pagination): once the page's
  thread has spent more than [crawl] max_page_cpu_seconds of CPU time on it, it is not matched.
  The budget is checked between stages, not inside one: a stage runs to its end, which the bounds
  above keep short.

Either way the page raises ``PageTooCostly``, is recorded against its URL as a page error of the
run, and the scan goes on with the next page.
"""

from __future__ import annotations

import time


class PageTooCostly(Exception):
    """A page over its markup bound or CPU budget; the message names the setting (the caller
    records it against the page's URL)."""


def check_markup(body: bytes, url: str, max_elements: int) -> None:
    """Refuse to parse a page with more than ``max_elements`` tags (counted as ``<``, linearly)."""
    tags = body.count(b"<")
    if tags > max_elements:
        raise PageTooCostly(
            f"about {tags} tags, more than [crawl] max_page_elements = {max_elements};"
            " too costly to extract, not matched"
        )


class PageBudget:
    """CPU time spent by this thread on one page since the budget was opened."""

    def __init__(self, url: str, seconds: float) -> None:
        self.url = url
        self.seconds = seconds
        self.start = time.thread_time()

    @property
    def spent(self) -> float:
        return time.thread_time() - self.start

    def check(self, stage: str) -> None:
        """PageTooCostly if the page is over budget once ``stage`` is done."""
        spent = self.spent
        if spent > self.seconds:
            raise PageTooCostly(
                f"{spent:.1f} s of CPU time by the end of {stage}, over"
                f" [crawl] max_page_cpu_seconds = {self.seconds:g}; too costly, not matched"
            )
