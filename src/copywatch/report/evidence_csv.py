"""evidence.csv: one row per finding, safe to open in Excel/LibreOffice and faithful to the store.

Legal staff open this file in a spreadsheet, and every cell comes from a page someone else wrote.
So a cell is never allowed to start a formula (CSV injection: ``=HYPERLINK(...)``, ``@SUM(...)``),
and bidirectional-override characters are made visible instead of silently reordering what a cell
shows (a "Trojan Source" title could make one URL look like another). Everything else is kept as is.

The file is UTF-8 with a BOM (Excel needs it to read Arabic correctly), RFC 4180 (quote-minimal,
CRLF line ends) and written atomically, so a reader never sees half a file.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from ..models import Finding
from .atomic import atomic_text_file

CSV_COLUMNS: tuple[str, ...] = (
    # The fixed head, in this order: other tools and the legal team's templates rely on it.
    "site",
    "page_url",
    "page_title",
    "exclusive_url",
    "exclusive_title",
    "coverage",
    "similarity",
    "match_type",
    "attribution",
    "attribution_evidence",
    "published_at",
    "first_seen",
    "captured_at",
    "http_status",
    "sha256",
    # Extra context, appended so the head stays stable.
    "page_share",
    "exclusive_published_at",
    "published_order",
    "partner",
    "online_status",
    "warc_file",
    "warc_offset",
    "run_id",
    "discovered_by",  # "watchlist", or the search provider and query that found the copy
)

# A spreadsheet treats a cell starting with one of these as a formula (or strips it and then does).
# The full-width forms are included because some locales' spreadsheets normalise them to ASCII.
FORMULA_TRIGGERS = frozenset("=+-@\t\r\n\0" + "\uff1d\uff0b\uff0d\uff20")

# Embedding/override/isolate controls (U+202A-202E, U+2066-2069): shown as a visible tag instead.
BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
_BIDI_TABLE = {ord(c): f"<U+{ord(c):04X}>" for c in BIDI_CONTROLS}


def safe_cell(value: object) -> str:
    """One CSV cell as text: numbers stay numbers, text can never run as a formula.

    Floats get four decimals (coverage 0.8125); ints and bools are written plainly; ``None`` is
    empty. Text keeps every character except bidi controls, which become a visible ``<U+202E>``;
    if it would start with a formula trigger it gets a leading apostrophe, the convention spreadsheets
    recognise as "this is text" (OWASP's CSV-injection advice).
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.4f}"
    text = str(value).translate(_BIDI_TABLE)
    if text and text[0] in FORMULA_TRIGGERS:
        return "'" + text
    return text


def finding_row(finding: Finding) -> list[str]:
    """The cells of one finding, in CSV_COLUMNS order."""
    return [safe_cell(getattr(finding, column)) for column in CSV_COLUMNS]


def write_csv(findings: Iterable[Finding], path: Path) -> Path:
    """Write evidence.csv atomically (temp file in the same folder, fsync, rename) and return its path."""
    path = Path(path)
    with atomic_text_file(path, encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        for finding in findings:
            writer.writerow(finding_row(finding))
    return path
