"""Follow-up: what scans and rechecks do to cases, and which cases are due for escalation.

``after_scan`` runs at the end of every scan (cases for new uncredited copies, dismissed ones that
became a different copy reopened, credit that a scan saw added). ``RecheckFollowup`` is called by
``copywatch recheck`` for each page it fetched again: a page gone moves its open cases to
``removed``; a page that changed is read for credit (the same attribution as a scan), and a case
whose copy now credits the outlet moves to ``credit_added``.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence

from ..attribution import attribute
from ..config import Config
from ..errors import CopywatchError
from ..models import Document
from ..store import Store
from .service import CaseBook, SyncResult

log = logging.getLogger("copywatch.cases")


def after_scan(store: Store) -> SyncResult:
    """Sync the cases after a scan committed. A failure here is logged, never raised: the scan's
    results are stored, and the next scan (or `copywatch serve`, or `copywatch cases`) syncs again."""
    try:
        result = CaseBook(store).sync()
    except (sqlite3.Error, CopywatchError) as e:
        log.error("cases could not be updated after this scan (the next sync will): %s", e)
        return SyncResult()
    if result.created or result.reopened or result.credit_added:
        log.info(
            "cases: %d opened, %d reopened, %d credit added",
            result.created, result.reopened, result.credit_added,
        )  # fmt: skip
    return result


class RecheckFollowup:
    def __init__(self, config: Config, store: Store):
        self.config = config
        self.book = CaseBook(store)
        self.exclusives = {e.url: e for e in store.exclusives()}

    def page(
        self, page_url: str, status: str, doc: Document | None, exclusive_urls: Sequence[str]
    ) -> list[str]:
        credited: list[str] = []
        if doc is not None and status in ("online", "changed"):
            for url in exclusive_urls:
                ex = self.exclusives.get(url)
                if ex is None:
                    continue
                credit = attribute(
                    doc, ex, self.config.outlet, notice=self.config.outlet.notice,
                    accept=self.config.attribution.accept,
                )  # fmt: skip
                if credit.verdict != "none":
                    credited.append(url)
        return self.book.after_recheck(page_url, status, credited)
