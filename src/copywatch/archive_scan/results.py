"""The results of an archive scan as Parquet: ``findings.parquet`` and ``sources.parquet``.

``findings.parquet`` has one row per finding: the finding's figures (site, page and exclusive,
coverage, similarity, page share, match type, credit verdict and its evidence, the claimed date and
its order, the copied spans as JSON, the page's text) and where its record is in the archive:
``source_file``, ``record_offset``, ``record_length``, ``record_date``, ``record_id``,
``target_uri``, ``payload_digest`` (as the archive wrote it) and ``sha256`` (of the payload as
stored, computed while reading). Rows are sorted by (source_file, record_offset, exclusive_url):
the same input gives the same file.

``sources.parquet`` has one row per source (file, or file with byte ranges): the record counts of
``records.Counts``, the reasons a file or range could not be read to its end, and the task's
wall-clock and CPU seconds for it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

FINDINGS_FILE = "findings.parquet"
SOURCES_FILE = "sources.parquet"

_STR, _F64, _I64, _BOOL = "string", "float64", "int64", "bool"
FINDING_SCHEMA: tuple[tuple[str, str], ...] = (
    ("source_file", _STR), ("record_offset", _I64), ("record_length", _I64), ("record_date", _STR),
    ("record_id", _STR), ("warc_type", _STR), ("target_uri", _STR), ("payload_digest", _STR),
    ("sha256", _STR), ("site", _STR), ("page_url", _STR), ("page_title", _STR), ("exclusive_url", _STR),
    ("exclusive_title", _STR), ("coverage", _F64), ("similarity", _F64), ("page_share", _F64),
    ("match_type", _STR), ("attribution", _STR), ("attribution_evidence", _STR), ("published_at", _STR),
    ("captured_at", _STR), ("http_status", _I64), ("exclusive_published_at", _STR),
    ("published_order", _STR), ("partner", _BOOL), ("spans", _STR), ("page_text", _STR),
)  # fmt: skip
_COUNTS = ("records", "responses", "not_http", "not_200", "not_html", "too_large", "truncated", "filtered",
           "probed", "candidates", "findings", "errors")  # fmt: skip
SOURCE_SCHEMA: tuple[tuple[str, str], ...] = (
    ("source_file", _STR),
    ("ranges", _I64),
    *((c, _I64) for c in _COUNTS),
    ("error_details", _STR),
    ("seconds", _F64),
    ("cpu_seconds", _F64),
)


def _arrow_schema(schema: tuple[tuple[str, str], ...]) -> Any:
    import pyarrow as pa

    types = {_STR: pa.string(), _F64: pa.float64(), _I64: pa.int64(), _BOOL: pa.bool_()}
    return pa.schema([(name, types[t]) for name, t in schema])


def _write(rows: list[dict[str, Any]], schema: tuple[tuple[str, str], ...], path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    names = [n for n, _ in schema]
    table = pa.Table.from_pylist([{n: r.get(n) for n in names} for r in rows], schema=_arrow_schema(schema))
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp, compression="zstd")
    tmp.replace(path)


def write_results(out_dir: Path, findings: list[dict[str, Any]], sources: list[dict[str, Any]]) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    findings = sorted(findings, key=lambda r: (r["source_file"], r["record_offset"], r["exclusive_url"]))
    _write(findings, FINDING_SCHEMA, out_dir / FINDINGS_FILE)
    _write(sorted(sources, key=lambda r: r["source_file"]), SOURCE_SCHEMA, out_dir / SOURCES_FILE)


def read_table(path: Path) -> list[dict[str, Any]]:
    import pyarrow.parquet as pq

    return list(pq.read_table(path).to_pylist())
