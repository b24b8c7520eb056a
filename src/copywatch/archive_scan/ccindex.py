"""Choosing the records of a monthly crawl worth reading, from Common Crawl's columnar index.

A monthly crawl holds billions of pages in some 90,000 WARC files; the Arabic part is under one
percent of it. The columnar URL index (Parquet, one row per capture, partitioned by ``crawl`` and
``subset``; at ``s3://commoncrawl/cc-index/table/cc-main/warc/``) says, for each capture, its WARC
file, offset and length, its host and TLD, its detected languages, its status and MIME type, so a
Spark SQL query selects the records without reading a single WARC file. ``select_records`` runs
that query (a user with Spark and S3 access queries the index where it is, with ``s3a://``
credentials) and writes the selection as a TSV list, one record a line, sorted by file and
offset; ``archive-scan`` then reads just those records, by byte range.

Columns used: warc_filename, warc_record_offset, warc_record_length, url, url_host_name,
url_host_tld, url_host_registered_domain, content_languages, fetch_status, content_mime_detected.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_INDEX = "s3a://commoncrawl/cc-index/table/cc-main/warc/"
_ISO3 = {"ar": "ara", "fr": "fra", "en": "eng", "es": "spa", "de": "deu"}


@dataclass(frozen=True)
class Selection:
    path: Path
    records: int
    files: int


def _languages(langs: Sequence[str]) -> list[str]:
    return sorted({_ISO3.get(x.lower().strip(), x.lower().strip()) for x in langs})


def selection_query(
    crawl: str,
    *,
    languages: Sequence[str] = (),
    tlds: Sequence[str] = (),
    hosts: Sequence[str] = (),
    primary_language: bool = False,
) -> str:
    """The SQL (over a view named ``ccindex``) that selects the records to read."""

    def quoted(values: Sequence[str]) -> str:
        return ", ".join("'" + v.replace("'", "''") + "'" for v in values)

    where = [
        f"crawl = '{crawl.replace(chr(39), '')}'",
        "subset = 'warc'",
        "fetch_status = 200",
        "content_mime_detected IN ('text/html', 'application/xhtml+xml')",
    ]
    langs = _languages(languages)
    if langs:
        if primary_language:
            where.append(f"split(content_languages, ',')[0] IN ({quoted(langs)})")
        else:
            where.append(
                "("
                + " OR ".join(f"array_contains(split(content_languages, ','), '{x}')" for x in langs)
                + ")"
            )
    if tlds:
        where.append(f"url_host_tld IN ({quoted([t.lower().lstrip('.') for t in tlds])})")
    if hosts:
        hs = [h.lower().removeprefix("www.") for h in hosts]
        where.append(f"(url_host_registered_domain IN ({quoted(hs)}) OR url_host_name IN ({quoted(hs)}))")
    return (
        "SELECT warc_filename, warc_record_offset, warc_record_length, url FROM ccindex WHERE "  # noqa: S608
        + " AND ".join(where)
        + " ORDER BY warc_filename, warc_record_offset"
    )


def select_records(
    spark: Any,
    crawl: str,
    out: Path,
    *,
    index: str = DEFAULT_INDEX,
    languages: Sequence[str] = (),
    tlds: Sequence[str] = (),
    hosts: Sequence[str] = (),
    primary_language: bool = False,
    limit: int = 0,
) -> Selection:
    """Query the columnar index at ``index`` and write the selected records to ``out`` (TSV)."""
    spark.read.parquet(index).createOrReplaceTempView("ccindex")
    sql = selection_query(
        crawl, languages=languages, tlds=tlds, hosts=hosts, primary_language=primary_language
    )
    if limit:
        sql += f" LIMIT {int(limit)}"
    df = spark.sql(sql)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    n = 0
    files: set[str] = set()
    with tmp.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("warc_filename\twarc_record_offset\twarc_record_length\turl\n")
        for row in df.toLocalIterator():
            url = (row["url"] or "").replace("\t", "%09").replace("\n", "%0A")
            fh.write(
                f"{row['warc_filename']}\t{row['warc_record_offset']}\t{row['warc_record_length']}\t{url}\n"
            )
            n += 1
            files.add(row["warc_filename"])
    tmp.replace(out)
    return Selection(out, n, len(files))
