"""The command line: a thin layer over the library. Each command parses its options and calls it.

Exit status (documented in the README):
    0  success (a scan whose sites all answered, or one with site errors unless --strict)
    1  failed: nothing was written (no exclusives, store unusable, another scan running ...)
    2  usage or configuration error
    3  with --strict: the scan finished, but some sites failed (see `copywatch status`)
  130  interrupted (Ctrl-C): nothing of the scan was stored
"""

from __future__ import annotations

import json
import logging
import sqlite3
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from . import __version__
from .config import Config, load_config, parse_config
from .errors import ConfigError, CopywatchError, ScanInterrupted
from .lock import ScanLock

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_SITE_ERRORS = 3
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a Ctrl-C


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
    """The config, or a ConfigError that the command group turns into one line and exit status 2
    (the command line was fine: no "Usage:" preamble)."""
    config = load_config(path)
    ctx = click.get_current_context(silent=True)
    if ctx is not None:  # named in the one line a damaged or full store gives (see _Cli.invoke)
        ctx.meta["copywatch.store"] = config.store_path
    return config


def _fail(e: CopywatchError | OSError) -> None:
    if isinstance(e, OSError) and e.filename is not None:  # a folder or file we cannot use
        e = CopywatchError(f"{e.filename}: {e.strerror or e}")
    click.echo(f"copywatch: error: {e}", err=True)
    sys.exit(EXIT_FAILED)


def _check_site(config: Config, store: Any, site: str) -> None:
    """A --site that is neither in the config nor among the stored copies: a typo, said as one."""
    if site in {s.name for s in config.sites}:
        return
    stored = store.finding_sites()
    if site not in stored:
        _fail(CopywatchError(f"no site named {site!r} in {config.source} or among the stored copies"
                             f" (sites with copies: {', '.join(stored) or 'none'})"))  # fmt: skip


def _to_toml(data: dict[str, Any]) -> str:
    """TOML for the demo's config (tables of strings, numbers, booleans and lists; arrays of tables)."""

    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int | float):
            return repr(v)
        if isinstance(v, list | tuple):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return json.dumps(str(v), ensure_ascii=False)

    out: list[str] = []
    for name, table in data.items():
        rows = table if isinstance(table, list) else [table]
        for row in rows:
            out.append(f"[[{name}]]" if isinstance(table, list) else f"[{name}]")
            out += [f"{k} = {value(v)}" for k, v in row.items()]
            out.append("")
    return "\n".join(out)


def _printable(text: str, limit: int = 400) -> str:
    """One line of plain text: control characters and undecodable bytes shown as escapes, cut at
    ``limit`` (a library's message may quote raw bytes, e.g. a broken gzip stream)."""
    out = "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))
    return out if len(out) <= limit else out[: limit - 1] + "…"


def _print_summary(summary: Any) -> None:
    from .pipeline import OUTLET_SITE, ScanSummary

    assert isinstance(summary, ScanSummary)

    run = summary.run
    sites = [s for s in run.sites if s.site != OUTLET_SITE]
    click.echo(f"run {run.run_id}: {run.status}")
    click.echo(
        f"  sites {len(sites)}, pages fetched {run.pages_fetched}, exclusives {run.exclusives}, "
        f"copies {summary.findings} ({run.new_copies} new), uncredited copies {summary.uncredited}"
    )
    for s in run.sites:
        if s.site == OUTLET_SITE:  # exclusives sources that gave nothing while others did
            click.echo(f"  - exclusives sources: ERROR: {s.error}")
            continue
        extra = f"  ERROR: {s.error}" if s.error else ""
        click.echo(
            f"  - {s.site}: {s.pages_fetched} fetched, {s.pages_new} new, {s.pages_changed} changed, "
            f"{s.pages_unchanged} unchanged, {s.pages_failed} failed{extra}"
        )
    if summary.report_dir:
        click.echo(f"report:   {summary.report_dir / 'report.html'}")
        click.echo(f"evidence: {summary.report_dir / 'evidence.csv'}")
        click.echo(f"workbook: {summary.report_dir / 'evidence.xlsx'}")
        click.echo(f"latest:   {summary.report_dir.parent / 'latest'}")


# --- global options, accepted before or after the subcommand ----------------------------------------

_LOG_META = "copywatch.logging"


def _log_option(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    """-v / --log-format given after the subcommand: set up logging again with them."""
    if value is None or value is False:
        return
    state = ctx.find_root().meta.setdefault(_LOG_META, {"verbose": False, "log_format": "text"})
    state["verbose" if param.name == "verbose" else "log_format"] = value
    _setup_logging(state["verbose"], state["log_format"])


def _add_log_options(cmd: click.Command) -> None:
    names = {p.name for p in cmd.params}
    if "verbose" not in names:
        cmd.params.append(
            click.Option(
                ["-v", "--verbose"],
                is_flag=True,
                default=False,
                expose_value=False,
                callback=_log_option,
                help="Log what each stage does.",
            )
        )
    if "log_format" not in names:
        cmd.params.append(
            click.Option(
                ["--log-format"],
                type=click.Choice(["text", "json"]),
                default=None,
                expose_value=False,
                callback=_log_option,
                help="Log lines as text, or one JSON object a line.",
            )
        )


def _scan_running(store_path: Path) -> bool:
    """Does a scan hold the store's lock now? (Probed without taking it, and without writing.)"""
    import fcntl
    import os

    try:
        fd = os.open(str(store_path) + ".lock", os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing drops the probe's own lock
    return False


class _Cli(click.Group):
    """The command group: an expected error of any command (CopywatchError, or a file or folder
    that cannot be used) becomes one line naming the thing, and exit status 1 (2 for a config
    error, 130 for Ctrl-C); never a traceback. Every command also takes the global options."""

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        _add_log_options(cmd)
        super().add_command(cmd, name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            raise  # the reader went away (`copywatch status | head -1`): click's main() ends quietly
        except ConfigError as e:
            click.echo(f"copywatch: error: {e}", err=True)
            sys.exit(EXIT_USAGE)
        except ScanInterrupted as e:
            click.echo(f"copywatch: {e}", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except KeyboardInterrupt:
            click.echo("copywatch: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except (CopywatchError, OSError) as e:
            _fail(e)
        except sqlite3.Error as e:  # a damaged store, or a full disk under it: one line, not a traceback
            from .store import store_error

            _fail(store_error(ctx.meta.get("copywatch.store", "the store"), e))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list with each command's first sentence in full (click cuts it at ~45
        characters)."""
        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is None or cmd.hidden:
                continue
            rows.append((name, (cmd.short_help or (cmd.help or "").split("\n\n")[0]).replace("\n", " ")))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


CONFIG_OPTION = click.option(
    "--config",
    "config_path",
    default="config.toml",
    show_default=True,
    metavar="PATH",
    type=click.Path(),  # a folder or a missing file: load_config says so in one line
    help="The config file.",
)
SITE_OPTION = click.option(
    "--site", default=None, metavar="NAME", help="Only this site's copies (default: every site)."
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
    click.get_current_context().meta[_LOG_META] = {"verbose": verbose, "log_format": log_format}
    _setup_logging(verbose, log_format)


@main.command()
@CONFIG_OPTION
@click.option(
    "--wait",
    type=float,
    default=0.0,
    metavar="SECONDS",
    help="Wait up to SECONDS for a running scan to finish.",
)
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
    "--dir",
    "work_dir",
    default=".",
    show_default=True,
    metavar="DIR",
    type=click.Path(file_okay=False),
    help="Where reports/ and the demo store go.",
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
    # the demo's config, so the other commands can be tried on what it stored
    kept = store_dir / "config.toml"
    kept.write_text(
        "# The config of the last `copywatch demo` run. Its web is gone (its ports change every run),\n"
        "# but every command that reads the store works with it: status, findings, report, export,\n"
        "# verify, cases, serve. A new `copywatch demo` writes it again.\n" + _to_toml(data),
        encoding="utf-8",
    )
    click.echo(f"config:   {kept} (try: copywatch findings --config {kept})")


@main.command()
@CONFIG_OPTION
def report(config_path: str) -> None:
    """Re-render the latest run's report.html, evidence.csv and evidence.xlsx from the store."""
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
    click.echo(f"workbook: {out / 'evidence.xlsx'}")


@main.command()
@CONFIG_OPTION
@SITE_OPTION
@click.option(
    "--out",
    "out_dir",
    default="exports",
    show_default=True,
    metavar="DIR",
    type=click.Path(file_okay=False),
    help="Bundles go in DIR/<site>-<time>.wacz (or DIR/<site>-<time>/ with --format folder).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["wacz", "folder"]),
    default="wacz",
    show_default=True,
    help="A WACZ file (ReplayWeb.page opens it), or the older folder bundle.",
)
def export(config_path: str, site: str | None, out_dir: str, fmt: str) -> None:
    """Write an evidence bundle (WACZ): the copies' and originals' WARC records, CSV, screenshots.

    Also a summary, the SHA-256 of every file and, with [evidence] tsa_url, a trusted timestamp."""
    from .evidence.export import export_evidence

    done = export_evidence(_load(config_path), site, Path(out_dir), fmt)
    extra = f", {done.originals} originals, {done.screenshots} screenshots" if fmt == "wacz" else ""
    click.echo(f"bundle: {done.path} ({done.copies} copies{extra})")
    if fmt == "wacz":
        click.echo(f"timestamp: {done.timestamped or 'none (not timestamped: set [evidence] tsa_url)'}")


@main.command()
@CONFIG_OPTION
@click.option(
    "--runs",
    "max_runs",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Stop after N scans (default: never).",
)
def schedule(config_path: str, max_runs: int | None) -> None:
    """Run scans in the foreground at the times of [schedule] cron (for hosts without cron)."""
    from .scheduler import run_schedule

    _load(config_path)
    try:
        run_schedule(
            config_path,
            max_runs=max_runs,
            on_scan=_print_summary,
            on_wait=lambda due: click.echo(f"next scan at {due:%Y-%m-%d %H:%M} UTC", err=True),
        )
    except KeyboardInterrupt:
        click.echo("schedule stopped")


@main.command()
@CONFIG_OPTION
@SITE_OPTION
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
    for note in r.notes:  # a full disk: what vacuum could not do this time
        click.echo(f"note: {note}")


@main.command()
@click.argument("bundle_dir", metavar="BUNDLE", type=click.Path())
@click.option(
    "--tsa-cert",
    type=click.Path(),
    default=None,
    metavar="PEM",
    help="Check the timestamp against this TSA certificate (default: the one in the bundle).",
)
def verify(bundle_dir: str, tsa_cert: str | None) -> None:
    """Check an evidence bundle (.wacz or folder): file hashes, WARC digests, payloads, timestamp."""
    from .evidence.export import verify_evidence

    for what, path in (("bundle", bundle_dir), ("TSA certificate", tsa_cert)):
        if path is not None and not Path(path).exists():  # one line, not click's usage error
            _fail(CopywatchError(f"{path}: no such {what}"))
    if tsa_cert is not None and Path(tsa_cert).is_dir():
        _fail(CopywatchError(f"{tsa_cert}: a folder, not a TSA certificate (a PEM file)"))
    problems, notes = verify_evidence(Path(bundle_dir), Path(tsa_cert) if tsa_cert else None)
    for p in problems:
        click.echo(f"FAIL {_printable(p)}")
    if problems:
        sys.exit(EXIT_FAILED)
    for n in notes:
        click.echo(f"  {_printable(n)}")
    click.echo(f"OK {bundle_dir}: every file and capture matches its manifest")


@main.command()
@CONFIG_OPTION
@click.option(
    "--runs",
    "limit",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    metavar="N",
    help="How many recent runs to show.",
)
def status(config_path: str, limit: int) -> None:
    """Show the last runs, their figures and the errors of each site."""
    from .store import Store

    config = _load(config_path)
    with Store(config.store_path, create=False) as store:
        runs = store.runs(limit=limit, unfinished=True)
        failed_shots = [s for s in store.screenshots().values() if s.error]
        page_errors = {r.run_id: store.page_errors(r.run_id) for r in runs}  # pages not processed
    running_now = _scan_running(config.store_path)

    if not runs:
        click.echo("no scan has run yet")
        return
    for run in runs:
        if run.status == "running" and not running_now:
            run = replace(run, status="aborted")  # started, never finished, and nobody holds the lock: killed
        click.echo(
            f"{run.run_id}  {run.status:<11} pages {run.pages_fetched:>5}  copies {run.copies:>4}"
            f"  new {run.new_copies:>3}  finished {run.finished_at}"
        )
        if run.error:  # a failed or aborted scan: why, as it said then
            click.echo(f"    why: {_printable(run.error)}")
        for s in run.sites:
            if s.error:
                click.echo(f"    {s.site}: {s.error}")
        for e in page_errors[run.run_id]:
            click.echo(f"    {e.site}: {e.url} not processed: {_printable(e.error)}")
        for shot in failed_shots:
            if shot.run_id == run.run_id:  # [evidence] screenshots: the page is reported, its picture failed
                click.echo(f"    {shot.site}: no screenshot of {shot.page_url}: {_printable(shot.error)}")


# --- sites: the watchlist and the sites found through search (issue 13) ---------------------------


@main.command()
@CONFIG_OPTION
@click.option(
    "--suggest",
    is_flag=True,
    help="Print the hosts search found with uncredited copies more than once, as [[sites]] tables.",
)
def sites(config_path: str, suggest: bool) -> None:
    """List the watched sites and the sites found through search; --suggest: TOML to add the worst."""
    from .discovery.suggest import suggestions, to_toml
    from .store import Store

    config = _load(config_path)
    with Store(config.store_path, create=False) as store:
        findings = store.findings()
    found = suggestions(findings, config.sites)
    if suggest:
        if found:
            click.echo(to_toml(found), nl=False)
        else:
            click.echo("# no host found through search carried uncredited copies more than once", err=True)
        return
    for s in config.sites:
        click.echo(f"watched  {_printable(s.name)}{'  (partner)' if s.partner else ''}")
    by_site: dict[str, list[int]] = {}
    for f in findings:
        if f.discovered_by != "watchlist":
            counts = by_site.setdefault(f.site, [0, 0])
            counts[0] += 1
            counts[1] += f.attribution == "none"
    for name, (copies, uncredited) in sorted(by_site.items(), key=lambda x: (-x[1][1], x[0])):
        click.echo(f"search   {_printable(name)}  copies {copies}, uncredited {uncredited}")
    if found:
        click.echo(f"{len(found)} of them carried uncredited copies more than once: see `sites --suggest`")


# --- check-config and findings (issue 12) ---------------------------------------------------------


@main.command("check-config")
@CONFIG_OPTION
def check_config_command(config_path: str) -> None:
    """Validate the config and show what a scan would do: sites, seeds, robots.txt, sitemap URLs.

    Every seed's robots.txt and sitemaps are fetched over the scan's network policy (nothing is
    stored). Exit status 1 when a source would be lost (robots.txt unreachable or disallowing, a
    seed that does not answer, a missing file), 2 for a config error, else 0.
    """
    from .checkconfig import SourceCheck, check_config

    config = _load(config_path)
    click.echo(f"config {config.source}: valid")

    def line(c: SourceCheck) -> str:
        what = {
            "files": f"{c.urls} local .html file(s)",
            "html": "an HTML page (links followed)" + (f", {c.urls} URLs in sitemaps" if c.urls else ""),
            "error": "",
            "": "",
        }.get(c.kind, f"{c.kind}, {c.urls} URLs")
        robots = {"local": "", "invalid": ""}.get(c.robots, f"robots.txt: {c.robots}")
        parts = [p for p in (robots, what) if p]
        if c.sitemaps:
            parts.append(f"robots.txt names {len(c.sitemaps)} sitemap(s)")
        out = f"    {c.source}: {'; '.join(parts)}" if parts else f"    {c.source}"
        if c.error:
            out += f"\n      ERROR: {_printable(c.error)}"
        if c.warning:
            out += f"\n      warning: {_printable(c.warning)}"
        return out

    result = check_config(config)
    click.echo(f"outlet {config.outlet.name}: {len(result.exclusives)} exclusives source(s)")
    for c in result.exclusives:
        click.echo(line(c))
    click.echo(f"sites: {len(result.sites)}")
    for s in result.sites:
        urls = len(frozenset().union(*(c.listed for c in s.seeds if c.kind != "files")))  # distinct
        click.echo(
            f"  {s.name}{' (partner)' if s.partner else ''}: {len(s.seeds)} seed(s), {urls} URLs in"
            f" sitemaps and feeds; a scan fetches at most {config.crawl.max_pages_per_site} pages"
        )
        for c in s.seeds:
            click.echo(line(c))
    for w in result.warnings:
        click.echo(f"copywatch: warning: {w}", err=True)
    if result.errors:
        click.echo(f"{len(result.errors)} error(s): a scan would lose these sources", err=True)
        sys.exit(EXIT_FAILED)
    click.echo("ok: a scan would read every source")


FINDING_FIELDS = (
    "site",
    "attribution",
    "coverage",
    "first_seen",
    "online_status",
    "page_url",
    "exclusive_title",
)


@main.command()
@CONFIG_OPTION
@SITE_OPTION
@click.option(
    "--credit",
    type=click.Choice(["all", "credited", "uncredited"]),
    default="all",
    show_default=True,
    help="credited: the credit found suffices ([attribution] accept); uncredited: it does not"
    " (licensed partners left out).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="A table for the terminal, or evidence.csv's columns as CSV or JSON.",
)
def findings(config_path: str, site: str | None, credit: str, fmt: str) -> None:
    """List the stored copies in the terminal, filtered by site and credit."""
    import csv as csv_module

    from .report.evidence_csv import CSV_COLUMNS, finding_row
    from .store import Store

    config = _load(config_path)
    with Store(config.store_path, create=False) as store:
        rows = store.findings(site)
        if site and not rows:
            _check_site(config, store, site)
    accepted = set(config.attribution.accept)
    if credit == "credited":
        rows = [f for f in rows if f.attribution in accepted]
    elif credit == "uncredited":
        rows = [f for f in rows if f.attribution not in accepted and not f.partner]
    if fmt == "json":
        out = [{c: getattr(f, c) for c in CSV_COLUMNS} for f in rows]
        click.echo(json.dumps(out, ensure_ascii=False, indent=1))
        return
    if fmt == "csv":
        writer = csv_module.writer(sys.stdout, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for f in rows:
            writer.writerow(finding_row(f))  # formula-safe cells, as in evidence.csv
        return
    if not rows:
        kind = "" if credit == "all" else f"{credit} "
        click.echo(f"no {kind}copies stored" + (f" for site {site!r}" if site else ""))
        return
    table = [FINDING_FIELDS] + [
        (
            f.site,
            f.attribution,
            f"{f.coverage * 100:.0f}%",
            f.first_seen[:16],
            f.online_status or "-",
            _printable(f.page_url, 4096),  # whole: a cut URL cannot be copied to a browser
            _printable(f.exclusive_title, 60),
        )  # fmt: skip
        for f in rows
    ]
    widths = [max(len(r[i]) for r in table) for i in range(len(FINDING_FIELDS) - 1)]
    for r in table:
        click.echo("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=False)) + "  " + r[-1])
    click.echo(f"{len(rows)} copies")


# --- archive scans (copywatch.archive_scan) -------------------------------------------------------


def _print_import(imported: Any) -> None:
    run, c = imported.run, imported.counts
    click.echo(f"run {run.run_id}: {run.status}")
    click.echo(
        f"  records {c.records}, HTML pages probed {c.probed}, candidates {c.candidates}, "
        f"copies {imported.findings} ({imported.new} new), uncredited copies {imported.uncredited}"
    )
    click.echo(
        f"  skipped: not HTTP {c.not_http}, not 200 {c.not_200}, not HTML {c.not_html}, "
        f"too large {c.too_large}, truncated {c.truncated}, filtered {c.filtered}; "
        f"unreadable files {c.errors}"
    )
    for line in (c.error_details + list(imported.problems))[:10]:
        click.echo(f"  - {_printable(line, 300)}")
    if imported.report_dir:
        click.echo(f"report:   {imported.report_dir / 'report.html'}")
        click.echo(f"evidence: {imported.report_dir / 'evidence.csv'}")


@main.command("archive-scan")
@CONFIG_OPTION
@click.option(
    "--master",
    default=None,
    help="Spark master: local[N], yarn, spark://... (default local[*], or spark-submit's).",
)
@click.option(
    "--prefix", default=None, help="Joined to relative entries of lists (default: [archive] prefix)."
)
@click.option(
    "--out", "out_dir", default=None, help="Parquet results folder (default: archive-scans/<run>/)."
)
@click.argument("paths", nargs=-1, required=True)
def archive_scan_command(
    config_path: str, master: str | None, prefix: str | None, out_dir: str | None, paths: tuple[str, ...]
) -> None:
    """Scan WARC/WET files (local, http(s), s3; or warc.paths.gz lists) on Spark; store the copies."""
    from .archive_scan.run import archive_scan

    config = _load(config_path)
    out = Path(out_dir) if out_dir else None
    summary = archive_scan(config, paths, master=master, out_dir=out, prefix=prefix)
    click.echo(f"results:  {summary.results_dir} ({summary.sources} sources, {summary.output.seconds:.1f} s)")
    _print_import(summary.imported)


@main.command("archive-import")
@CONFIG_OPTION
@click.argument("results_dir", type=click.Path(exists=True, file_okay=False))
def archive_import_command(config_path: str, results_dir: str) -> None:
    """Import an archive-scan results folder (e.g. from spark-submit on a cluster) into the store."""
    from .archive_scan.importer import import_results
    from .archive_scan.job import require_spark

    require_spark()
    _print_import(import_results(_load(config_path), Path(results_dir)))


@main.command("cc-select")
@click.option("--crawl", required=True, help="The crawl id, e.g. CC-MAIN-2026-40.")
@click.option("--out", "out_path", required=True, help="The TSV list to write (read by archive-scan).")
@click.option(
    "--index", default=None, help="The columnar index (s3a://commoncrawl/cc-index/table/cc-main/warc/)."
)
@click.option("--language", "languages", multiple=True, help="Detected language (ar or ara); repeatable.")
@click.option(
    "--primary-language", is_flag=True, help="Only pages whose main detected language is one of them."
)
@click.option("--tld", "tlds", multiple=True, help="Host TLD (ma); repeatable.")
@click.option("--host", "hosts", multiple=True, help="Host or registered domain; repeatable.")
@click.option("--limit", type=int, default=0, help="At most this many records (0: all).")
@click.option("--master", default=None, help="Spark master (default local[*], or spark-submit's).")
def cc_select_command(
    crawl: str, out_path: str, index: str | None, languages: tuple[str, ...], primary_language: bool,
    tlds: tuple[str, ...], hosts: tuple[str, ...], limit: int, master: str | None,
) -> None:  # fmt: skip
    """Choose a monthly crawl's records (language, TLD, hosts) from Common Crawl's columnar index."""
    from .archive_scan.ccindex import DEFAULT_INDEX, select_records
    from .archive_scan.job import spark_session

    spark = spark_session(master)
    sel = select_records(spark, crawl, Path(out_path), index=index or DEFAULT_INDEX, languages=languages,
                         tlds=tlds, hosts=hosts, primary_language=primary_language, limit=limit)  # fmt: skip
    click.echo(f"{sel.records} records in {sel.files} WARC files: {sel.path}")


# --- cases and the web app (issue 15): copywatch.cases, copywatch.web -------------------------


@main.command()
@CONFIG_OPTION
@click.option("--host", default=None, help="Listen on this address (default: [web] host, 127.0.0.1).")
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=None,
    metavar="PORT",
    help="Listen on this port (default: [web] port, 8765).",
)
def serve(config_path: str, host: str | None, port: int | None) -> None:
    """Serve the cases web app (review, notices, downloads) with uvicorn."""
    import socket

    from .web.server import serve as run_serve

    config = _load(config_path)
    where = (host or config.web.host, port or config.web.port)
    try:  # a busy port or an address this machine does not have: one line, before uvicorn starts
        with socket.create_server(where, reuse_port=False):
            pass
    except OSError as e:
        _fail(CopywatchError(f"cannot listen on {where[0]}:{where[1]}: {e.strerror or e}"))
    from .config import is_loopback

    if not is_loopback(where[0]) and not config.web.secure_cookies:
        click.echo(
            f"copywatch: warning: serving on {where[0]} over plain HTTP: passwords and session cookies"
            " cross the network in clear; put an HTTPS proxy in front (README) and set"
            " [web] secure_cookies = true",
            err=True,
        )
    run_serve(config, host, port)  # a ConfigError (no session secret) is one line, exit 2


class _SubGroup(click.Group):
    """A group of commands under `copywatch` (user, cases): its commands take -v/--log-format too."""

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        _add_log_options(cmd)
        super().add_command(cmd, name)


@main.group(cls=_SubGroup)
def user() -> None:
    """Users of the web app (roles: editor, legal, admin)."""


@user.command("add")
@CONFIG_OPTION
@click.argument("name")
@click.option("--role", type=click.Choice(["editor", "legal", "admin"]), required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (one line).")
def user_add(config_path: str, name: str, role: str, password_stdin: bool) -> None:
    """Add a user, or reset an existing one's role and password."""
    from .store import Store
    from .web.auth import add_user

    config = _load(config_path)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with Store(config.store_path) as store:
        u = add_user(store, name, role, password)
    click.echo(f"user {u.name}: {u.role}")


@main.group(cls=_SubGroup)
def cases() -> None:
    """Cases: the state of each uncredited copy (new, confirmed, dismissed, notified, ...)."""


def _case_book(config: Config) -> Any:
    from .cases import CaseBook
    from .store import Store

    store = Store(config.store_path, create=False)
    book = CaseBook(store)
    book.sync()
    return book


@cases.command("list")
@CONFIG_OPTION
@click.option("--state", default=None, help="Only cases in this state.")
@click.option("--site", default=None, help="Only this site's cases.")
@click.option("--due", is_flag=True, help="Only cases due for escalation ([cases] escalate_after_days).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
def cases_list(config_path: str, state: str | None, site: str | None, due: bool, fmt: str) -> None:
    """List cases; csv and json carry full URLs (csv cells never start a formula)."""
    from dataclasses import asdict

    from .cases import STATES
    from .cases.cli import write_cases_csv, write_cases_table

    if state and state not in STATES:
        raise click.UsageError(f"unknown state {state!r} (states: {', '.join(STATES)})")
    config = _load(config_path)
    book = _case_book(config)
    try:
        if due:
            found = [c for c in book.due_for_escalation(config.cases.escalate_after_days)
                     if (not site or c.site == site)]  # fmt: skip
        else:
            found = book.search(state=state, site=site)
        if site and not found:
            _check_site(config, book.store, site)
    finally:
        book.store.close()
    if fmt == "json":
        click.echo(json.dumps([asdict(c) for c in found], ensure_ascii=False, indent=2))
    elif fmt == "csv":
        write_cases_csv(found, sys.stdout)
    else:
        write_cases_table(found, sys.stdout)


@cases.command("show")
@CONFIG_OPTION
@click.argument("case_id", type=int)
def cases_show(config_path: str, case_id: int) -> None:
    """One case: the copy, its state, notices and history."""
    from .cases.cli import show_case

    config = _load(config_path)
    book = _case_book(config)
    try:
        show_case(book, case_id, sys.stdout)
    finally:
        book.store.close()


@cases.command("set")
@CONFIG_OPTION
@click.argument("case_id", type=int)
@click.argument("state")
@click.option("--note", default="", help="Why (kept in the history).")
@click.option("--reason", default="", help="For dismissed: not_a_copy, licensed, too_small, other.")
@click.option("--to", "notified_to", default="", help="For notified: to whom the notice went.")
@click.option("--via", default="", help="For notified: email, web_form, letter, phone, other.")
@click.option("--as", "actor", default=None, help="Who makes the change (default: cli:<login name>).")
def cases_set(
    config_path: str,
    case_id: int,
    state: str,
    note: str,
    reason: str,
    notified_to: str,
    via: str,
    actor: str | None,
) -> None:
    """Move a case to STATE; the change is recorded in its history."""
    import getpass

    from .cases import TransitionError

    config = _load(config_path)
    book = _case_book(config)
    try:
        who = actor or f"cli:{getpass.getuser()}"
        case = book.set_state(
            case_id, state, actor=who, note=note, reason=reason, notified_to=notified_to, via=via
        )
    except TransitionError as e:
        click.echo(f"copywatch: error: {e}", err=True)
        sys.exit(EXIT_USAGE)
    finally:
        book.store.close()
    click.echo(f"case {case.id}: {case.state}")


if __name__ == "__main__":  # pragma: no cover
    main()
