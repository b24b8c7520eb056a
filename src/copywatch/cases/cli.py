"""What ``copywatch cases list`` and ``cases show`` print (the command line stays a thin layer)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from typing import TextIO

from ..report.evidence_csv import safe_cell
from .notices import KIND_LABELS, Notice
from .rdap import cached, host_of
from .service import Case, CaseBook

CSV_COLUMNS = (
    "id", "state", "reason", "site", "page_url", "page_title", "exclusive_url", "exclusive_title", "coverage",
    "attribution", "first_seen", "online_status", "rechecked_at", "notified_to", "notified_via",
    "notified_at", "created_at", "updated_at",
)  # fmt: skip


def write_cases_csv(cases: Sequence[Case], out: TextIO) -> None:
    """RFC 4180 CSV, full URLs, no cell that a spreadsheet would run as a formula."""
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(CSV_COLUMNS)
    for c in cases:
        w.writerow([safe_cell(getattr(c, k)) for k in CSV_COLUMNS])


def _cut(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def write_cases_table(cases: Sequence[Case], out: TextIO) -> None:
    if not cases:
        out.write("no cases\n")
        return
    out.write(
        f"{'id':>5}  {'state':<12} {'site':<18} {'coverage':>8}  {'first seen':<20} {'exclusive':<30} copy\n"
    )
    for c in cases:
        site, exclusive = _cut(c.site, 18), _cut(c.exclusive_title or c.exclusive_url, 30)
        out.write(
            f"{c.id:>5}  {c.state:<12} {site:<18} {c.coverage:>8.0%}  {c.first_seen:<20} {exclusive:<30}"
            f" {c.page_url}\n"
        )
    out.write(f"{len(cases)} case{'s' if len(cases) != 1 else ''}\n")


def show_case(book: CaseBook, case_id: int, out: TextIO) -> None:
    c = book.get(case_id)
    lines = [
        f"case {c.id}: {c.state}" + (f" ({c.reason})" if c.reason else ""),
        f"  site:      {c.site}",
        f"  copy:      {c.page_url}",
        f"  title:     {c.page_title}",
        f"  exclusive: {c.exclusive_url}",
        f"             {c.exclusive_title}",
        f"  coverage:  {c.coverage:.0%}   credit: {c.attribution or '-'}"
        f"   online: {c.online_status or 'not rechecked'}",
        f"  captured:  {c.captured_at}   sha256: {c.sha256}",
    ]
    if c.notified_at:
        lines.append(f"  notified:  {c.notified_at} to {c.notified_to} ({c.notified_via})")
    domain, network = cached(book.store, host_of(c.page_url), book.store.page_ip(c.page_url))
    if domain is not None:
        lines.append(
            f"  registrar: {domain.registrar or '-'}  abuse: {', '.join(domain.abuse_emails) or '-'}"
            + (f"  ({domain.error})" if domain.error else "")
        )
    if network is not None:
        lines.append(
            f"  network:   {network.name or '-'} {network.range}"
            f"  abuse: {', '.join(network.abuse_emails) or '-'}"
            + (f"  ({network.error})" if network.error else "")
        )
    drafted = [Notice(**r) for r in book.store.notices(c.id)]
    if drafted:
        lines.append("notices:")
        for n in drafted:
            sent = f"sent {n.sent_at} to {n.sent_to} ({n.sent_via})" if n.sent_at else "draft"
            lines.append(
                f"  #{n.id} {KIND_LABELS[n.kind]} ({n.lang}), {n.created_at} by {n.created_by}: {sent}"
            )
    lines.append("history:")
    for e in book.history(c.id):
        move = f"{e.from_state or '-'} -> {e.to_state}" if e.action == "state" else e.action
        lines.append(f"  {e.at}  {e.actor:<16} {move}" + (f"  ({e.note})" if e.note else ""))
    out.write("\n".join(lines) + "\n")
