"""evidence.csv: one row per finding, safe to open in Excel/LibreOffice and faithful to the store.

Legal staff open this file in a spreadsheet, and every cell comes from a page someone else wrote.
So a cell is never allowed to start a formula (CSV injection: ``=HYPERLINK(...)``, ``@SUM(...)``),
and bidirectional-override characters are made visible instead of silently reordering what a cell
shows (a "Trojan Source" title could make one URL look like another). Everything else is kept as is.

The file is UTF-8 with a BOM (Excel needs it to read Arabic correctly), RFC 4180 (quote-minimal,
CRLF line ends) and written atomically, so a reader never sees half a file.

Two dialects (``[report] csv_dialect``): ``excel`` (the default: commas, decimal point), and
``excel-fr`` for spreadsheets set to a French (or Moroccan) locale, which split a CSV on
semicolons and read ``0,8125`` as a number but ``0.8125`` as text: semicolons, decimal comma.
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
    "rechecked_at",
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


CSV_DIALECTS: dict[str, tuple[str, str]] = {  # name -> (delimiter, decimal separator)
    "excel": (",", "."),
    "excel-fr": (";", ","),
}


def safe_text(value: str) -> str:
    """Text as a cell shows it: bidi controls made visible as ``<U+202E>``-style tags."""
    return value.translate(_BIDI_TABLE)


def safe_cell(value: object, decimal: str = ".") -> str:
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
        return f"{value:.4f}".replace(".", decimal)
    text = safe_text(str(value))
    if text and text[0] in FORMULA_TRIGGERS:
        return "'" + text
    return text


def finding_row(finding: Finding, decimal: str = ".") -> list[str]:
    """The cells of one finding, in CSV_COLUMNS order."""
    return [safe_cell(getattr(finding, column), decimal) for column in CSV_COLUMNS]


def write_csv(findings: Iterable[Finding], path: Path, dialect: str = "excel") -> Path:
    """Write evidence.csv atomically (temp file in the same folder, fsync, rename) and return its path.

    ``dialect``: a name of CSV_DIALECTS (``excel`` commas, ``excel-fr`` semicolons and decimal comma).
    """
    path = Path(path)
    delimiter, decimal = CSV_DIALECTS[dialect]
    with atomic_text_file(path, encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        for finding in findings:
            writer.writerow(finding_row(finding, decimal))
    return path
