"""The command line: a thin layer over the library. Each command parses its options and calls it.

Exit status (documented in the README):
    0  success (a scan whose sites all answered, or one with site errors unless --strict)
    1  failed: nothing was written (no exclusives, store unusable, another scan running ...)
    2  usage or configuration error
    3  with --strict: the scan finished, but some sites failed (see `copywatch status`)
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from . import __version__
from .config import Config, load_config, parse_config
from .errors import ConfigError, CopywatchError
from .lock import ScanLock

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_SITE_ERRORS = 3


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(
            {
                "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
                "level": record.levelname.lower(),
                "logger": record.name,
                "message": record.getMessage(),
            },
            ensure_ascii=False,
        )


def _setup_logging(verbose: bool, log_format: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    if log_format == "json":
        handler.setFormatter(_JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%H:%M:%S"))
    root = logging.getLogger("copywatch")
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO if verbose or log_format == "json" else logging.WARNING)
    logging.getLogger("copywatch.progress").setLevel(logging.INFO)  # progress lines off a terminal
    for noisy in ("trafilatura", "htmldate", "httpx", "httpcore", "charset_normalizer"):
        logging.getLogger(noisy).setLevel(logging.ERROR)


class _Progress:
    """Scan progress: rich progress bars on a terminal, plain (or JSON) log lines elsewhere."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.rich: Any = None
        self.tasks: dict[str, Any] = {}
        if sys.stderr.isatty():
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self.rich = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TextColumn("{task.completed} pages"),
                TimeElapsedColumn(),
                transient=True,
            )

    def __call__(self, site: str, n: int) -> None:
        self.counts[site] = self.counts.get(site, 0) + n
        if self.rich is not None:
            if site not in self.tasks:
                self.tasks[site] = self.rich.add_task(site, total=None)
            self.rich.update(self.tasks[site], advance=n)
        elif self.counts[site] % 10 == 0:
            logging.getLogger("copywatch.progress").info("%s: %d pages", site, self.counts[site])

    def __enter__(self) -> _Progress:
        if self.rich is not None:
            self.rich.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.rich is not None:
            self.rich.stop()


def _load(path: str) -> Config:
    try:
        return load_config(path)
    except ConfigError as e:
        raise click.UsageError(str(e)) from e


def _fail(e: CopywatchError | OSError) -> None:
    if isinstance(e, OSError) and e.filename is not None:  # a folder or file we cannot use
        e = CopywatchError(f"{e.filename}: {e.strerror or e}")
    click.echo(f"copywatch: error: {e}", err=True)
    sys.exit(EXIT_FAILED)


def _print_summary(summary: Any) -> None:
    from .pipeline import ScanSummary

    assert isinstance(summary, ScanSummary)
    run = summary.run
    click.echo(f"run {run.run_id}: {run.status}")
    click.echo(
        f"  sites {len(run.sites)}, pages fetched {run.pages_fetched}, exclusives {run.exclusives}, "
        f"copies {summary.findings} ({run.new_copies} new), uncredited copies {summary.uncredited}"
    )
    for s in run.sites:
        extra = f"  ERROR: {s.error}" if s.error else ""
        click.echo(
            f"  - {s.site}: {s.pages_fetched} fetched, {s.pages_new} new, {s.pages_changed} changed, "
            f"{s.pages_unchanged} unchanged, {s.pages_failed} failed{extra}"
        )
    if summary.report_dir:
        click.echo(f"report:   {summary.report_dir / 'report.html'}")
        click.echo(f"evidence: {summary.report_dir / 'evidence.csv'}")
        click.echo(f"latest:   {summary.report_dir.parent / 'latest'}")


class _Cli(click.Group):
    """The command group: an expected error of any command (CopywatchError, or a file or folder
    that cannot be used) becomes one line naming the thing, and exit status 1; never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (CopywatchError, OSError) as e:
            _fail(e)


CONFIG_OPTION = click.option(
    "--config", "config_path", default="config.toml", show_default=True, help="The config file."
)


@click.group(cls=_Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="copywatch")
@click.option("-v", "--verbose", is_flag=True, help="Log what each stage does.")
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Log lines as text, or one JSON object a line for log collectors.",
)
def main(verbose: bool, log_format: str) -> None:
    """copywatch: find who republishes the newsroom's exclusives without credit."""
    _setup_logging(verbose, log_format)


@main.command()
@CONFIG_OPTION
@click.option("--wait", type=float, default=0.0, help="Wait up to SECONDS for a running scan to finish.")
@click.option(
    "--strict", is_flag=True, help="Exit 3 when some sites failed (default: 0, errors in the report)."
)
def scan(config_path: str, wait: float, strict: bool) -> None:
    """Crawl the configured sites, find copies of the exclusives, write the report and evidence CSV."""
    from .pipeline import scan as run_scan

    config = _load(config_path)
    with _Progress() as progress:
        summary = run_scan(config, progress=progress, wait=wait)
    _print_summary(summary)
    if strict and summary.run.status != "success":
        sys.exit(EXIT_SITE_ERRORS)


@main.command()
@click.option(
    "--dir", "work_dir", default=".", show_default=True, help="Where reports/ and the demo store go."
)
def demo(work_dir: str) -> None:
    """Serve the bundled demo web on 127.0.0.1 and scan it (no internet needed)."""
    from .demo import DEMO_OUTLET, start_demo
    from .pipeline import scan as run_scan

    base = Path(work_dir).resolve()
    store_dir = base / ".copywatch-demo"
    for old in store_dir.glob("copywatch.db*"):
        old.unlink()  # the demo's ports change every time: start its store afresh
    web = start_demo()
    try:
        data: dict[str, Any] = {
            "outlet": {**DEMO_OUTLET, "exclusives": list(web.outlet_sources)},
            "sites": [{"name": name, "seeds": list(seeds)} for name, seeds in web.sites],
            "crawl": {"allow_private_addresses": True, "delay_seconds": 0.0, "max_pages_per_site": 300},
            "store": {"path": str(store_dir / "copywatch.db"), "warc_dir": str(store_dir / "warc")},
            "report": {"dir": str(base / "reports")},
        }
        config = parse_config(data, source="<demo>")
        click.echo(f"demo web: outlet {web.outlet_url}, {len(web.sites)} other sites on 127.0.0.1")
        with _Progress() as progress:
            summary = run_scan(config, progress=progress)
    finally:
        web.stop()
    _print_summary(summary)


@main.command()
@CONFIG_OPTION
def report(config_path: str) -> None:
    """Re-render the latest run's report.html and evidence.csv from the store, without crawling."""
    from .pipeline import write_run_reports
    from .store import Store

    config = _load(config_path)
    with Store(config.store_path, create=False) as store:
        runs = store.runs(limit=1)
        if not runs:
            raise CopywatchError(f"{config.store_path}: no scan has run yet; run `copywatch scan` first")
        out = write_run_reports(config, store, runs[0])

    click.echo(f"report:   {out / 'report.html'}")
    click.echo(f"evidence: {out / 'evidence.csv'}")


@main.command()
@CONFIG_OPTION
@click.option("--site", default=None, help="Only this site's copies (default: every site).")
@click.option(
    "--out", "out_dir", default="exports", show_default=True, help="Bundles go in OUT/<site>-<time>/."
)
def export(config_path: str, site: str | None, out_dir: str) -> None:
    """Write an evidence bundle: CSV rows, WARC captures and a SHA-256 manifest."""
    from .report.bundle import export_bundle
    from .store import Store

    config = _load(config_path)
    with Store(config.store_path, create=False) as store:
        findings = store.findings(site)
    if not findings:
        raise CopywatchError(f"no copies stored{' for site ' + repr(site) if site else ''}")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = Path(out_dir) / f"{site or 'all-sites'}-{stamp}"
    path = export_bundle(findings, target, warc_dir=config.warc_dir, site=site)

    click.echo(f"bundle: {path} ({len(findings)} copies)")


@main.command()
@CONFIG_OPTION
@click.option(
    "--runs", "max_runs", type=int, default=None, help="Stop after this many scans (default: never)."
)
def schedule(config_path: str, max_runs: int | None) -> None:
    """Run scans in the foreground at the times of [schedule] cron (for hosts without cron)."""
    from .scheduler import run_schedule

    _load(config_path)
    try:
        run_schedule(config_path, max_runs=max_runs, on_scan=_print_summary)
    except ConfigError as e:
        raise click.UsageError(str(e)) from e
    except KeyboardInterrupt:
        click.echo("schedule stopped")


@main.command()
@CONFIG_OPTION
@click.option("--site", default=None, help="Only this site's copies (default: every site).")
def recheck(config_path: str, site: str | None) -> None:
    """Fetch the reported copies again: still online, changed, or removed (and when)."""
    from .pipeline import write_run_reports
    from .recheck import recheck as run_recheck
    from .store import Store

    config = _load(config_path)
    with Store(config.store_path, create=False) as store, ScanLock(config.store_path):
        counts = run_recheck(config, store, site)
        runs = store.runs(limit=1)
        out = write_run_reports(config, store, runs[0]) if runs else None

    click.echo(", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "no copies to recheck")
    if out:
        click.echo(f"report:   {out / 'report.html'}")


@main.command()
@CONFIG_OPTION
def vacuum(config_path: str) -> None:
    """Apply [retention]: drop old captures that no reported copy relies on, compact the store."""
    from .retention import vacuum as run_vacuum
    from .store import Store

    config = _load(config_path)
    with Store(config.store_path, create=False) as store, ScanLock(config.store_path):
        r = run_vacuum(config, store)

    click.echo(f"pages dropped {r.pages_dropped}, WARC files deleted {r.warc_files_deleted}")
    click.echo(f"{r.bytes_freed} bytes freed")


@main.command()
@click.argument("bundle_dir", type=click.Path(exists=True, file_okay=False))
def verify(bundle_dir: str) -> None:
    """Check an evidence bundle: file hashes, WARC digests, captured payloads."""
    from .report.bundle import verify_bundle

    problems = verify_bundle(Path(bundle_dir))
    for p in problems:
        click.echo(f"FAIL {p}")
    if problems:
        sys.exit(EXIT_FAILED)
    click.echo(f"OK {bundle_dir}: every file and capture matches its manifest")


@main.command()
@CONFIG_OPTION
@click.option("--runs", "limit", default=10, show_default=True, help="How many recent runs to show.")
def status(config_path: str, limit: int) -> None:
    """Show the last runs, their figures and the errors of each site."""
    from .store import Store

    config = _load(config_path)
    with Store(config.store_path, create=False) as store:
        runs = store.runs(limit=limit)

    if not runs:
        click.echo("no scan has run yet")
        return
    for run in runs:
        click.echo(
            f"{run.run_id}  {run.status:<11} pages {run.pages_fetched:>5}  copies {run.copies:>4}"
            f"  new {run.new_copies:>3}  finished {run.finished_at}"
        )
        for s in run.sites:
            if s.error:
                click.echo(f"    {s.site}: {s.error}")


if __name__ == "__main__":  # pragma: no cover
    main()
