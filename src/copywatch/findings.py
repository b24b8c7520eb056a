"""A finding, built: what a scan reports of one copy once matching and the credit check are done.

A copy is an article (one page, or the pages of a paginated article joined in order) matched
against one exclusive. Its credit is the strongest found on any of its pages (link > canonical >
name), and its evidence names the signals found, with their text and where they stood
(``evidence_text``: the machine-readable column of the evidence CSV).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from .config import SiteConfig
from .models import NOTICE_KEPT_TEXT, Credit, Exclusive, Finding, Match
from .pagination import Seen
from .text.dates import published_order

CREDIT_RANK = {"none": 0, "name": 1, "canonical": 2, "link": 3}  # link > canonical > name


def evidence_text(credit: Credit) -> str:
    """``SIGNAL: TEXT (WHERE)`` parts joined by `` | ``, decoys as ``not credit (SIGNAL): ...``."""
    parts = [f"{e.signal}: {e.text} ({e.where})" for e in credit.evidence]
    parts += [f"not credit ({d.signal}): {d.text} ({d.where})" for d in credit.decoys]
    if credit.notice_kept:
        parts.append(NOTICE_KEPT_TEXT)
    return " | ".join(parts)


def build_finding(
    site: SiteConfig,
    chain: Sequence[Seen],
    text: str,
    m: Match,
    ex: Exclusive,
    started: str,
    credits: Sequence[Credit],
) -> Finding:
    """The Finding of a match on an article, ``credits`` one per page of ``chain``."""
    head = chain[0]
    best: tuple[int, Credit] | None = None
    notice_kept = False
    for k, credit in enumerate(credits):
        notice_kept = notice_kept or credit.notice_kept
        if best is None or CREDIT_RANK[credit.verdict] > CREDIT_RANK[best[1].verdict]:
            best = (k, credit)
    if best is None:
        raise ValueError("a finding needs the credit check of at least one page")
    k, credit = best
    evidence = evidence_text(replace(credit, notice_kept=notice_kept))
    if k:
        evidence = f"on page {k + 1} of the article ({chain[k].capture.final_url}): {evidence}"
    page, doc = head.page, head.doc
    return Finding(
        site=site.name,
        page_url=head.capture.final_url,
        page_title=doc.title,
        exclusive_url=ex.url,
        exclusive_title=ex.title,
        coverage=m.coverage,
        similarity=m.similarity,
        match_type=m.match_type,
        attribution=credit.verdict,
        attribution_evidence=evidence,
        published_at=doc.published_at or "",
        first_seen=started,  # the store keeps the earlier first_seen of a known copy
        captured_at=page.fetched_at,
        http_status=page.status,
        sha256=head.capture.sha256,
        page_share=m.page_share,
        exclusive_published_at=ex.published_at or "",
        published_order=published_order(ex.published_at, doc.published_at, page.first_seen),
        partner=site.partner,
        warc_file=page.warc_file or "",
        warc_offset=page.warc_offset,
        spans=m.spans,
        page_text=text,
        exclusive_text=ex.text,
    )
