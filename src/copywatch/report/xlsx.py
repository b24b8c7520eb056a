"""evidence.xlsx: evidence.csv's rows as an Excel workbook (openpyxl), for any spreadsheet locale.

A CSV depends on the reader's locale (a French-locale Excel splits on semicolons and reads
``0.8125`` as text); a workbook does not: numbers are numbers, text is text. The sheet has the
same columns in the same order as evidence.csv, is right-to-left (the texts are Arabic), and its
header row is frozen and bold.

Formula safety, as in the CSV: every text is written as a string cell, never as a formula (openpyxl
would make any value starting with ``=`` a formula: the cell's type is forced back to string), and
a text that a spreadsheet would take for a formula once edited (``=``, ``+``, ``-``, ``@``...) is
also marked with Excel's quote prefix, the stored form of a typed leading apostrophe. Bidi controls
are shown as ``<U+202E>``-style tags as in the CSV; characters XML cannot hold (control
characters) as ``<U+0001>``-style tags, so a hostile title cannot break the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from ..models import Finding
from .atomic import atomic_binary_file
from .evidence_csv import CSV_COLUMNS, FORMULA_TRIGGERS, safe_text

SHEET_TITLE = "evidence"
# What XML 1.0 cannot carry (openpyxl refuses it): C0 controls but tab, newline and carriage return.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_WIDTHS = {"page_url": 48, "exclusive_url": 48, "page_title": 40, "exclusive_title": 40,
           "attribution_evidence": 60, "sha256": 20}  # fmt: skip


def _text(value: str) -> str:
    return _ILLEGAL.sub(lambda m: f"<U+{ord(m.group()):04X}>", safe_text(value))


def write_xlsx(findings: Iterable[Finding], path: Path) -> Path:
    """Write evidence.xlsx atomically (temp file beside it, fsync, rename) and return its path."""
    path = Path(path)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET_TITLE
    ws.sheet_view.rightToLeft = True
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    for col, name in enumerate(CSV_COLUMNS, start=1):
        cell = ws.cell(row=1, column=col, value=name)
        cell.font = bold
        ws.column_dimensions[cell.column_letter].width = _WIDTHS.get(name, max(12, len(name) + 2))
    for row, finding in enumerate(findings, start=2):
        for col, name in enumerate(CSV_COLUMNS, start=1):
            value = getattr(finding, name)
            cell = ws.cell(row=row, column=col)
            if value is None:
                continue
            if isinstance(value, bool):
                cell.value = "true" if value else "false"  # as in the CSV
            elif isinstance(value, int | float):
                cell.value = value
                if isinstance(value, float):
                    cell.number_format = "0.0000"
            else:
                text = _text(str(value))
                cell.value = text
                cell.data_type = "s"  # a string, even when it starts with "="
                if text and text[0] in FORMULA_TRIGGERS:
                    cell.quotePrefix = True
    with atomic_binary_file(path) as out:
        wb.save(out)
    return path
