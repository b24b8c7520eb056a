"""The Spark job: one task per source, the matcher broadcast once, plain rows collected.

The driver builds the ``ArchiveMatcher`` (config, exclusives' index) once and broadcasts it; the
sources are parallelized one per partition, so a task is one WARC file (or the selected records of
one file). Each task returns its findings and its counts as data, not through accumulators: Spark
keeps the output of exactly one successful attempt of each task, so a task that dies (an executor
lost, a Python worker killed) is run again and its rows are not counted twice; the rows of a source
are deterministic, so the retry gives the same ones. In local mode Spark does not retry at all
unless told: ``local[N]`` is run as ``local[N,4]`` (four attempts per task, as on a cluster).

``run_local`` does the same work in this process, without Spark (the benchmark's single-process
figure and a reference for the tests).
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import CopywatchError
from .matcher import ArchiveMatcher
from .records import Counts
from .sources import Source

SPARK_HINT = (
    'archive scans need PySpark and Java 17: pip install -e ".[spark]"'
    " (and Java: apt-get install openjdk-17-jre-headless)"
)
TASK_ATTEMPTS = 4


def require_spark() -> None:
    """Raise the one-line install hint when PySpark (or pyarrow) is not installed."""
    try:
        import pyarrow  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError as e:
        raise CopywatchError(SPARK_HINT) from e


def local_master(master: str) -> str:
    """``local``/``local[N]``/``local[*]`` with task retries; any other master unchanged."""
    m = re.fullmatch(r"local(?:\[([^,\]]+)\])?", master.strip())
    if m is None:
        return master
    return f"local[{m.group(1) or '1'},{TASK_ATTEMPTS}]"


def under_spark_submit() -> bool:
    """Was this Python started by spark-submit (which has set up the JVM and its master)?"""
    return "PYSPARK_GATEWAY_PORT" in os.environ


def spark_session(master: str | None = None, conf: dict[str, str] | None = None) -> Any:
    """A SparkSession. ``master=None``: spark-submit's master when started by it, else local[*]."""
    require_spark()
    from pyspark.sql import SparkSession

    if master is None and not under_spark_submit():
        master = "local[*]"
    # executors of a local session run this interpreter (and find copywatch where it is installed)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName("copywatch archive-scan")
    if master:
        builder = builder.master(local_master(master))
        if master.startswith("local"):
            builder = builder.config("spark.ui.enabled", "false").config(
                "spark.ui.showConsoleProgress", "false"
            )
    builder = builder.config("spark.task.maxFailures", str(TASK_ATTEMPTS))
    for k, v in (conf or {}).items():
        builder = builder.config(k, v)
    try:
        return builder.getOrCreate()
    except Exception as e:  # noqa: BLE001 - a missing or wrong Java shows up here
        raise CopywatchError(
            f"Spark could not start ({type(e).__name__}: {str(e)[:300]}); {SPARK_HINT}"
        ) from e


@dataclass
class ScanOutput:
    """What a run over the sources gave: the finding rows, one row per source, the totals."""

    findings: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)
    seconds: float = 0.0  # wall clock of the whole run
    cpu_seconds: float = 0.0  # CPU time of the tasks (their Python processes), summed


def _source_row(source: Source, counts: Counts, seconds: float, cpu: float) -> dict[str, Any]:
    return {
        "source_file": source.file,
        "ranges": len(source.ranges),
        **counts.as_dict(),
        "error_details": "\n".join(counts.error_details),
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu, 3),
    }


def scan_partition(matcher: Any, items: Iterable[tuple[int, Source]]) -> Iterator[tuple[str, dict[str, Any]]]:
    """A task's work: each of its sources scanned, its rows and its counts yielded as data."""
    m: ArchiveMatcher = matcher.value if hasattr(matcher, "value") else matcher
    for _, source in items:
        t0, c0 = time.monotonic(), time.process_time()
        rows, counts = m.scan_source(source)
        yield "source", _source_row(source, counts, time.monotonic() - t0, time.process_time() - c0)
        for row in rows:
            yield "finding", row


Task = Callable[[Any, Iterable[tuple[int, Source]]], Iterator[tuple[str, dict[str, Any]]]]


def _gather(parts: Iterable[tuple[str, dict[str, Any]]], seconds: float) -> ScanOutput:
    out = ScanOutput(seconds=seconds)
    for kind, row in parts:
        if kind == "finding":
            out.findings.append(row)
        else:
            out.sources.append(row)
            out.cpu_seconds += row["cpu_seconds"]
            c = Counts()
            for k in c.as_dict():
                setattr(c, k, int(row[k]))
            c.error_details = [d for d in row["error_details"].split("\n") if d]
            out.counts.add(c)
    return out


def run_spark(
    spark: Any, matcher: ArchiveMatcher, sources: list[Source], task: Task = scan_partition
) -> ScanOutput:
    """Scan the sources on Spark, one task per source."""
    t0 = time.monotonic()
    sc = spark.sparkContext
    shared = sc.broadcast(matcher)
    try:
        rdd = sc.parallelize(list(enumerate(sources)), numSlices=max(1, len(sources)))
        parts = rdd.mapPartitions(lambda items: task(shared, items)).collect()
    finally:
        shared.unpersist()
    return _gather(parts, time.monotonic() - t0)


def run_local(matcher: ArchiveMatcher, sources: list[Source]) -> ScanOutput:
    """The same scan in this process, one source after another."""
    t0 = time.monotonic()
    parts = list(scan_partition(matcher, enumerate(sources)))
    return _gather(parts, time.monotonic() - t0)
