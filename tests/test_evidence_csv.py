"""evidence.csv: column order, encoding, line ends, and that no cell can run as a spreadsheet formula."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from tests.fixtures.findings import make_finding

from copywatch.models import Finding
from copywatch.report.evidence_csv import CSV_COLUMNS, FORMULA_TRIGGERS, safe_cell, write_csv

HEAD = (
    "site, page_url, page_title, exclusive_url, exclusive_title, coverage, similarity, match_type, "
    "attribution, attribution_evidence, published_at, first_seen, captured_at, http_status, sha256"
).split(", ")


def finding(**kw: object) -> Finding:
    return make_finding(**{
        "coverage": 0.8125, "similarity": 0.93333, "published_at": "2026-11-29T11:00:00Z",
        "first_seen": "2026-11-29T12:00:00Z", "captured_at": "2026-11-29T12:00:01Z",
        "warc_file": "a.warc.gz", "warc_offset": 0, **kw,
    })  # fmt: skip


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def test_column_order_starts_with_the_fixed_head_and_names_are_finding_fields() -> None:
    assert list(CSV_COLUMNS[: len(HEAD)]) == HEAD
    assert len(set(CSV_COLUMNS)) == len(CSV_COLUMNS)
    fields = set(Finding.__dataclass_fields__)
    assert set(CSV_COLUMNS) <= fields


def test_file_has_bom_crlf_and_one_row_per_finding(tmp_path: Path) -> None:
    rows_in = [finding(), finding(page_url="https://copycat.ma/a/2", page_title='سطر\nثان، و"اقتباس"')]
    out = write_csv(rows_in, tmp_path / "sub" / "evidence.csv")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    # Every record ends in CRLF; the embedded newline inside the quoted title stays a bare LF.
    assert raw.endswith(b"\r\n")
    assert raw.count(b"\r\n") == 3
    rows = read_rows(out)
    assert rows[0] == list(CSV_COLUMNS)
    assert len(rows) == 3
    second = dict(zip(CSV_COLUMNS, rows[2], strict=True))
    assert second["page_title"] == 'سطر\nثان، و"اقتباس"'
    first = dict(zip(CSV_COLUMNS, rows[1], strict=True))
    assert first["coverage"] == "0.8125"
    assert first["similarity"] == "0.9333"
    assert first["http_status"] == "200"
    assert first["partner"] == "false"
    assert first["warc_offset"] == "0"
    assert not list(tmp_path.glob("sub/.*tmp")), "the temporary file is gone after the rename"


def test_formula_looking_cells_are_defused_in_the_file(tmp_path: Path) -> None:
    evil = finding(
        page_title='=HYPERLINK("http://evil","click")', attribution_evidence="@SUM(A1)", site="-2+3"
    )
    row = dict(zip(CSV_COLUMNS, read_rows(write_csv([evil], tmp_path / "e.csv"))[1], strict=True))
    assert row["page_title"] == "'" + '=HYPERLINK("http://evil","click")'
    assert row["attribution_evidence"] == "'@SUM(A1)"
    assert row["site"] == "'-2+3"


def test_rewrite_replaces_the_file_atomically(tmp_path: Path) -> None:
    path = tmp_path / "evidence.csv"
    write_csv([finding(), finding()], path)
    write_csv([], path)
    assert read_rows(path) == [list(CSV_COLUMNS)]


def test_numbers_stay_numbers_and_none_is_empty() -> None:
    assert safe_cell(0.5) == "0.5000"
    assert safe_cell(1) == "1"
    assert safe_cell(None) == ""
    assert safe_cell(True) == "true"
    assert safe_cell("0.5") == "0.5"


def test_bidi_controls_are_made_visible() -> None:
    cell = safe_cell("https://a.ma/\u202egpj.exe\u2066x\u2069")
    assert not any(0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069 for c in cell)
    assert cell == "https://a.ma/<U+202E>gpj.exe<U+2066>x<U+2069>"


@given(st.text())
def test_safe_cell_never_starts_a_formula_and_round_trips(text: str) -> None:
    cell = safe_cell(text)
    assert not cell or cell[0] not in FORMULA_TRIGGERS
    bidi_free = not any(0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069 for c in text)
    if bidi_free:
        needs_quote = bool(text) and text[0] in FORMULA_TRIGGERS
        assert cell == ("'" + text if needs_quote else text)
    # And the CSV layer gives back exactly the cell, whatever it contains.
    buf = io.StringIO(newline="")
    csv.writer(buf, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n").writerow([cell, "x"])
    buf.seek(0)
    assert next(csv.reader(buf)) == [cell, "x"]


@given(st.sampled_from("=+-@\t\r\0"), st.text())
def test_every_trigger_gets_the_apostrophe(first: str, rest: str) -> None:
    assert safe_cell(first + rest).startswith("'")
