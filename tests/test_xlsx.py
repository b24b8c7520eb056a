"""Spreadsheets in Morocco (issue 12, item 18): `[report] csv_dialect = "excel-fr"` and evidence.xlsx,
read back with openpyxl: same columns, right-to-left sheet, frozen header, numbers as numbers,
and no cell that is, or could become, a formula."""

from __future__ import annotations

import csv
import zipfile

import openpyxl
import pytest
from click.testing import CliRunner
from tests.fixtures.findings import make_finding

from copywatch.cli import main
from copywatch.config import parse_config
from copywatch.errors import ConfigError
from copywatch.report.evidence_csv import CSV_COLUMNS, write_csv
from copywatch.report.xlsx import write_xlsx
from hostile_server import HostileServer, send

HOSTILE = ['=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "＝1+1"]


def _findings():
    rows = [
        make_finding(page_url=f"https://copycat.ma/{i}", page_title=title, coverage=0.8125, similarity=0.5)
        for i, title in enumerate(HOSTILE)
    ]
    rows.append(make_finding(page_url="https://copycat.ma/bidi", page_title="عنوان \u202egnp.exe\x01 نهاية"))
    rows.append(
        make_finding(page_url="https://copycat.ma/p", page_title="شريك", partner=True, warc_offset=1234)
    )
    return rows


def test_xlsx_has_the_csv_columns_a_right_to_left_sheet_and_a_frozen_header(tmp_path):
    out = write_xlsx(_findings(), tmp_path / "evidence.xlsx")
    ws = openpyxl.load_workbook(out).active
    assert [c.value for c in ws[1]] == list(CSV_COLUMNS)
    assert all(c.font.bold for c in ws[1])
    assert ws.sheet_view.rightToLeft is True
    assert ws.freeze_panes == "A2"
    assert ws.max_row == 1 + len(_findings())
    col = {name: i for i, name in enumerate(CSV_COLUMNS)}
    row = [c for c in ws[2]]
    assert row[col["coverage"]].value == pytest.approx(0.8125) and row[col["coverage"]].data_type == "n"
    assert row[col["http_status"]].value == 200
    last = [c.value for c in ws[ws.max_row]]
    assert last[col["partner"]] == "true" and last[col["warc_offset"]] == 1234


def test_xlsx_never_holds_a_formula(tmp_path):
    out = write_xlsx(_findings(), tmp_path / "evidence.xlsx")
    with zipfile.ZipFile(out) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
    ws = openpyxl.load_workbook(out).active
    titles = {c.value: c for c in ws["C"][1:]}
    for text in HOSTILE:
        cell = titles[text]  # the text itself, as a string, marked as text for an editing user
        assert cell.data_type == "s" and cell.quotePrefix, text
    for r in ws.iter_rows():
        for c in r:
            assert c.data_type != "f"
    bidi = next(v for v in titles if v.startswith("عنوان"))
    assert bidi == "عنوان <U+202E>gnp.exe<U+0001> نهاية"  # visible, as in the CSV; no control left


def test_csv_dialect_excel_fr_uses_semicolons_and_decimal_commas(tmp_path):
    out = write_csv(_findings(), tmp_path / "evidence.csv", dialect="excel-fr")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    assert rows[0] == list(CSV_COLUMNS)
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["coverage"] == "0,8125" and first["similarity"] == "0,5000"
    assert first["page_title"] == "'" + HOSTILE[0]  # the same formula safety as the default dialect
    default = write_csv(_findings(), tmp_path / "default.csv")
    assert b"0.8125," in default.read_bytes()


def test_csv_dialect_is_checked_in_config():
    base = {"outlet": {"name": "x", "exclusives": ["a"]}}
    assert parse_config({**base, "report": {"csv_dialect": "excel-fr"}}).report.csv_dialect == "excel-fr"
    assert parse_config(base).report.csv_dialect == "excel"
    with pytest.raises(ConfigError, match=r"\[report\] key 'csv_dialect' must be \"excel\" or \"excel-fr\""):
        parse_config({**base, "report": {"csv_dialect": "semicolon"}})


def test_scan_and_report_write_the_workbook_beside_the_csv(tmp_path):
    text = "كشف مصدر مطلع أن المجلس الجماعي قرر تأجيل المشروع إلى السنة المقبلة بسبب نقص التمويل. " * 5
    (tmp_path / "a.html").write_text(
        f"<html><head><title>حصري</title></head><body><p>{text}</p></body></html>"
    )
    page = f"<html><head><title>=1+1</title></head><body><article><p>{text}</p></article></body></html>"
    with HostileServer(routes={"/copy": lambda h: send(h, 200, page.encode())}) as srv:
        cfg = tmp_path / "config.toml"
        cfg.write_text(
            '[outlet]\nname = "x"\nexclusives = ["a.html"]\n[report]\ncsv_dialect = "excel-fr"\n'
            "[crawl]\nallow_private_addresses = true\ndelay_seconds = 0\n"
            f'[[sites]]\nname = "copier"\nseeds = ["{srv.url("/copy")}"]\n',
            encoding="utf-8",
        )
        result = CliRunner().invoke(main, ["scan", "--config", str(cfg)])
    assert result.exit_code == 0, result.output
    latest = tmp_path / "reports" / "latest"
    ws = openpyxl.load_workbook(latest / "evidence.xlsx").active
    assert ws.max_row == 2 and ws["C2"].value == "=1+1" and ws["C2"].data_type == "s"
    assert ";" in (latest / "evidence.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert "workbook: " in result.output
    (latest / "evidence.xlsx").unlink()
    again = CliRunner().invoke(main, ["report", "--config", str(cfg)])
    assert again.exit_code == 0 and (latest / "evidence.xlsx").exists()
