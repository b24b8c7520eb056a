"""config.toml -> a frozen ``Config``: every default in one place, every error naming file and key.

The schema is the product's interface (see the shipped config.toml and the README). Unknown keys
are errors too: a typo such as ``dealy_seconds`` must not silently fall back to a default.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import ConfigError

_URL_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")  # a URL, not a local path
_UNSAFE_NAME = re.compile(r"[/\\\x00-\x1f\x7f]|\.\.")  # path separators, "..", control characters
DEFAULT_USER_AGENT = "copywatch/0.1 (+https://github.com/copywatch/copywatch)"

# Policy numbers that are not settings of their own, named here so they are found in one place.
MAX_ARTICLE_PAGES = 20  # pages of one paginated article joined, at most
MAX_INDEX_DOCS = 50  # sitemap/feed documents fetched per site and scan
MAX_SITEMAP_DEPTH = 3  # sitemap indexes nested deeper than this below a seed are not followed
FRONTIER_FACTOR = 20  # at most this many times max_pages_per_site URLs are remembered per site
MIN_ARTICLE_WORDS = 30  # an outlet page with fewer words of text is an index page, not an article
MAX_SHORT_LINKS = 8  # short links resolved per page, at most (each may cost a fetch)


@dataclass(frozen=True)
class OutletConfig:
    name: str
    aliases: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    exclusives: tuple[str, ...] = ()
    exclusive_markers: tuple[str, ...] = ()
    notice: str = ""  # the exclusivity notice; recognised by its shape when empty
    max_exclusives: int = 5000  # newest articles read from each sitemap or feed of exclusives


@dataclass(frozen=True)
class SiteConfig:
    name: str
    seeds: tuple[str, ...]
    partner: bool = False  # a licensed partner may republish without credit


@dataclass(frozen=True)
class CrawlConfig:
    user_agent: str = DEFAULT_USER_AGENT
    delay_seconds: float = 1.0  # between two requests to one host
    max_pages_per_site: int = 500
    max_site_seconds: float = 1200.0  # a site's share of a scan, in seconds; then its crawl stops
    max_depth: int = 3  # link hops from an HTML seed
    max_bytes: int = 5_000_000  # per response, on the wire and after decompression
    timeout_seconds: float = 30.0  # wall-clock deadline of one fetch, all hops included
    allow_private_addresses: bool = False  # true only for local testing
    max_redirects: int = 5
    max_retries: int = 2
    crawl_delay_cap: float = 30.0  # robots.txt Crawl-delay is honoured up to this
    concurrent_sites: int = 8
    max_url_length: int = 2083
    trust_env: bool = False  # use HTTP(S)_PROXY and friends from the environment
    warc_max_bytes: int = 100_000_000  # rotate WARC files past this size
    max_links_per_page: int = 5000  # links read from one page (a page of a million links is cut)
    max_page_cpu_seconds: float = 30.0  # CPU time one page may cost; then it is recorded as too costly
    max_page_elements: int = 100_000  # a page with more tags is not extracted (recorded as too costly)


@dataclass(frozen=True)
class MatchConfig:
    min_coverage: float = 0.25  # share of an exclusive's words a page must carry
    min_similarity: float = 0.0  # TF-IDF cosine floor (0 = coverage decides)
    min_span_words: int = 12  # shortest passage, in words, that counts as copied
    seed: int = 1  # MinHash seed: fixed so findings are reproducible
    formula_min_docs: int = 2  # runs shared by this many of the outlet's articles are formula
    backdated_days: float = 2.0  # a page claiming a date this long before the exclusive is no copy of it
    quote_coverage: float = 0.0  # under this coverage (0: off), and...
    quote_page_share: float = 0.2  # ...under this share of the page, the page quotes the exclusive


SHORT_LINK_HOSTS = (
    "bit.ly", "t.co", "goo.gl", "tinyurl.com", "ow.ly", "buff.ly", "is.gd", "rebrand.ly", "cutt.ly",
    "shorturl.at", "tiny.cc", "rb.gy", "lnkd.in", "dlvr.it", "fb.me", "trib.al", "s.id", "t.ly",
)  # fmt: skip


@dataclass(frozen=True)
class AttributionConfig:
    accept: tuple[str, ...] = ("link", "canonical", "name")  # credit kinds that suffice
    short_link_hosts: tuple[str, ...] = SHORT_LINK_HOSTS  # links to these are followed to their target


@dataclass(frozen=True)
class StoreConfig:
    path: str = "copywatch.db"
    warc_dir: str = ""  # default: "warc" beside the database


@dataclass(frozen=True)
class ReportConfig:
    dir: str = "reports"
    base_url: str = ""  # where reports are published, for links in alerts
    csv_dialect: str = "excel"  # evidence.csv: "excel" (commas) or "excel-fr" (semicolons, decimal comma)


@dataclass(frozen=True)
class ScheduleConfig:
    cron: str = ""  # e.g. "0 * * * *"; used by `copywatch schedule`


@dataclass(frozen=True)
class AlertsConfig:
    webhook_url: str = ""  # POST a JSON message here for new uncredited copies
    webhook_url_env: str = ""  # or: the NAME of an environment variable holding that URL (a secret)
    smtp_host: str = ""  # send an email through this SMTP server
    smtp_port: int = 25
    smtp_starttls: bool = False
    smtp_user: str = ""
    smtp_password_env: str = ""  # the NAME of an environment variable holding the password
    email_from: str = ""
    email_to: tuple[str, ...] = ()
    timeout_seconds: float = 20.0


@dataclass(frozen=True)
class RetentionConfig:
    captures_days: int = 0  # drop raw pages and WARC files older than this (0 = keep all)


@dataclass(frozen=True)
class ScanConfig:
    """[scan]: how a scan uses the machine (workers.py)."""

    # processes for the pages' CPU work (parsing, extraction, matching, credit check):
    # 0 = one per core, 1 = all of it in the scan's own process
    workers: int = 0


MAX_WORKERS = 256  # [scan] workers above this is refused


@dataclass(frozen=True)
class ArchiveConfig:
    """[archive]: scans of web archives (``copywatch archive-scan``)."""

    prefix: str = "https://data.commoncrawl.org/"  # relative entries of warc.paths.gz lists are joined to it
    languages: tuple[str, ...] = ()  # only pages in these languages ("ar"); empty: all
    hosts: tuple[str, ...] = ()  # only these hosts: ".ma" a suffix, "example.com" with its subdomains
    max_record_bytes: int = 10_000_000  # larger records are skipped (and counted)


@dataclass(frozen=True)
class WebConfig:
    host: str = "127.0.0.1"  # `copywatch serve` listens here (put a reverse proxy in front)
    port: int = 8765
    session_secret_env: str = "COPYWATCH_SESSION_SECRET"  # noqa: S105 - the NAME of the secret's variable
    session_hours: float = 12.0  # a login lasts this long
    secure_cookies: bool = False  # true behind HTTPS: the session cookie is sent over HTTPS only
    language: str = "en"  # the app's own words: en, ar (right to left) or fr


@dataclass(frozen=True)
class CasesConfig:
    escalate_after_days: int = 14  # notified this long ago and still online: due for escalation
    templates_dir: str = ""  # the newsroom's own notice templates (override the bundled ones)
    sender: str = ""  # who signs the notices (name, role, contact address)
    bundles_dir: str = "exports"  # evidence bundles made for notices go here
    rdap_bootstrap_url: str = "https://data.iana.org/rdap/"  # IANA's dns.json, ipv4.json, ipv6.json
    rdap_base_url: str = ""  # when set, every RDAP query goes to this one server (tests, a mirror)
    rdap_cache_days: int = 7
    rdap_timeout_seconds: float = 15.0


@dataclass(frozen=True)
class DiscoveryConfig:
    """[discovery]: find copies on sites nobody watches, through a search engine."""

    provider: str = ""  # "searxng", "brave" or "google_cse"; "" = no search discovery
    endpoint: str = ""  # SearXNG base URL (required for it); overrides the others' default endpoint
    api_key_env: str = ""  # the NAME of the environment variable holding the key (brave, google_cse)
    cx: str = ""  # google_cse: the Programmable Search Engine ID
    queries_per_exclusive: int = 3  # phrases queried per exclusive per round
    max_queries_per_scan: int = 200  # queries sent per scan, at most
    requery_days: tuple[int, ...] = (0, 1, 7)  # rounds: days after an exclusive is first seen


@dataclass(frozen=True)
class EvidenceConfig:
    """[evidence]: trusted timestamps of exported bundles, screenshots of reported copies."""

    tsa_url: str = ""  # an RFC 3161 Time Stamping Authority; "" = bundles are not timestamped
    tsa_cert: str = ""  # PEM of the TSA's certificate (or its CA): replies are checked against it
    tsa_timeout_seconds: float = 30.0
    screenshots: bool = False  # render each newly reported copy once in headless Chromium
    chromium: str = ""  # the browser to use; "" = chromium (or chromium-browser) on PATH
    screenshot_width: int = 1280  # CSS pixels
    screenshot_max_height: int = 10000  # a taller page is cut here
    screenshot_max_bytes: int = 8_000_000  # a larger PNG is refused
    screenshot_timeout_seconds: float = 20.0  # per page, browser start included


@dataclass(frozen=True)
class Config:
    outlet: OutletConfig
    sites: tuple[SiteConfig, ...] = ()
    crawl: CrawlConfig = field(default_factory=CrawlConfig)
    match: MatchConfig = field(default_factory=MatchConfig)
    attribution: AttributionConfig = field(default_factory=AttributionConfig)
    store: StoreConfig = field(default_factory=StoreConfig)
    report: ReportConfig = field(default_factory=ReportConfig)
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    alerts: AlertsConfig = field(default_factory=AlertsConfig)
    retention: RetentionConfig = field(default_factory=RetentionConfig)
    web: WebConfig = field(default_factory=WebConfig)
    cases: CasesConfig = field(default_factory=CasesConfig)
    discovery: DiscoveryConfig = field(default_factory=DiscoveryConfig)
    evidence: EvidenceConfig = field(default_factory=EvidenceConfig)
    archive: ArchiveConfig = field(default_factory=ArchiveConfig)
    scan: ScanConfig = field(default_factory=ScanConfig)
    source: str = ""  # the file it was read from

    @property
    def store_path(self) -> Path:
        return Path(self.store.path)

    @property
    def warc_dir(self) -> Path:
        return Path(self.store.warc_dir) if self.store.warc_dir else self.store_path.parent / "warc"

    def digest(self) -> str:
        """A stable hash of the settings, stored with each run so findings can be reproduced."""
        d = asdict(self)
        # where things go, not how they are found
        for where in ("source", "store", "report", "alerts", "web", "cases", "scan"):
            d.pop(where, None)
        blob = json.dumps(d, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(blob).hexdigest()[:16]


_TABLES = {
    "outlet": OutletConfig,
    "crawl": CrawlConfig,
    "match": MatchConfig,
    "attribution": AttributionConfig,
    "store": StoreConfig,
    "report": ReportConfig,
    "schedule": ScheduleConfig,
    "alerts": AlertsConfig,
    "retention": RetentionConfig,
    "discovery": DiscoveryConfig,
    "web": WebConfig,
    "cases": CasesConfig,
    "evidence": EvidenceConfig,
    "archive": ArchiveConfig,
    "scan": ScanConfig,
}


def _type_name(t: Any) -> str:
    lists = "a list of strings" if "tuple[str" in str(t) else "a list of integers"
    return {"str": "a string", "int": "an integer", "float": "a number", "bool": "true or false"}.get(
        str(t), lists if "tuple" in str(t) else str(t)
    )


def _coerce(where: str, key: str, value: Any, typ: str) -> Any:
    """Check one value against the dataclass field's annotation (a string, from __future__)."""
    if typ == "str":
        ok = isinstance(value, str)
    elif typ == "bool":
        ok = isinstance(value, bool)
    elif typ == "int":
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif typ == "float":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif typ.startswith("tuple[str"):
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        value = tuple(value) if ok else value
    elif typ.startswith("tuple[int"):
        ok = isinstance(value, list) and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        value = tuple(value) if ok else value
    else:  # pragma: no cover - a new field type nobody taught this function
        raise AssertionError(typ)
    if not ok:
        raise ConfigError(f"{where}: key '{key}' must be {_type_name(typ)}, got {value!r}")
    if typ in ("int", "float") and value < 0:
        raise ConfigError(f"{where}: key '{key}' must not be negative, got {value!r}")
    return value


def _table(where: str, cls: type, data: Any, required: tuple[str, ...] = ()) -> Any:
    if not isinstance(data, dict):
        raise ConfigError(f"{where} must be a table, got {data!r}")
    known = {f.name: f for f in fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            raise ConfigError(f"{where}: unknown key '{key}' (known keys: {', '.join(sorted(known))})")
        kwargs[key] = _coerce(where, key, value, str(known[key].type))
    for key in required:
        if key not in kwargs:
            raise ConfigError(f"{where}: missing key '{key}'")
    return cls(**kwargs)


def load_config(path: str | Path) -> Config:
    """Read and check a config file; relative store/report paths are relative to the file."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as e:
        raise ConfigError(f"{p}: cannot read the config file ({e.strerror or e})") from e
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise ConfigError(f"{p}: the config file is not UTF-8 ({e})") from e
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{p}: not valid TOML: {e}") from e
    return parse_config(data, source=str(p), base_dir=p.resolve().parent)


_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def is_loopback(host: str) -> bool:
    """A host name or address of this machine (no network between copywatch and it)."""
    import ipaddress

    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def parse_config(data: dict[str, Any], source: str = "<config>", base_dir: Path | None = None) -> Config:
    known = set(_TABLES) | {"sites"}
    for key in data:
        if key not in known:
            raise ConfigError(f"{source}: unknown table '{key}' (known: {', '.join(sorted(known))})")
    if "outlet" not in data:
        raise ConfigError(f"{source}: missing table [outlet]")
    outlet = _table(f"{source}: [outlet]", OutletConfig, data["outlet"], required=("name",))
    if not outlet.name.strip():
        raise ConfigError(f"{source}: [outlet] key 'name' must not be empty")
    for key, values in (("aliases", outlet.aliases), ("domains", outlet.domains)):
        for value in values:
            # Every name is used (short ones as whole words in credit positions, see attribution.py);
            # one with no letter or digit could never match anything.
            if not any(c.isalnum() for c in value):
                raise ConfigError(
                    f"{source}: [outlet] key '{key}': {value!r} has no letter or digit, "
                    "so it can never be matched"
                )
    if not outlet.exclusives:
        raise ConfigError(f"{source}: [outlet] key 'exclusives' must list at least one sitemap, feed or page")
    sites_raw = data.get("sites", [])
    if not isinstance(sites_raw, list):
        raise ConfigError(f"{source}: 'sites' must be an array of tables ([[sites]])")
    sites = []
    names = set()
    for i, s in enumerate(sites_raw):
        site = _table(f"{source}: [[sites]] #{i + 1}", SiteConfig, s, required=("name", "seeds"))
        if _UNSAFE_NAME.search(site.name) or site.name.strip(". ") == "":
            # the name becomes a folder name (exports, reports): it must not climb out of one
            raise ConfigError(
                f"{source}: [[sites]] #{i + 1}: key 'name' {site.name!r} may not contain '/', '\\',"
                " '..' or control characters, nor be only dots"
            )
        if site.name in names:
            raise ConfigError(f"{source}: [[sites]] #{i + 1}: duplicate site name '{site.name}'")
        if not site.seeds:
            raise ConfigError(f"{source}: [[sites]] #{i + 1} ('{site.name}'): 'seeds' is empty")
        names.add(site.name)
        sites.append(site)
    tables = {
        k: _table(f"{source}: [{k}]", cls, data.get(k, {})) for k, cls in _TABLES.items() if k != "outlet"
    }
    mc: MatchConfig = tables["match"]
    if mc.formula_min_docs < 2:
        raise ConfigError(
            f"{source}: [match] key 'formula_min_docs' must be at least 2, got {mc.formula_min_docs}"
        )
    if not 0.0 < mc.min_coverage <= 1.0:
        raise ConfigError(f"{source}: [match] key 'min_coverage' must be in (0, 1], got {mc.min_coverage}")
    bad = set(tables["attribution"].accept) - {"link", "canonical", "name"}
    if bad:
        raise ConfigError(
            f"{source}: [attribution] key 'accept' may hold only link, canonical, name; got {sorted(bad)}"
        )
    cc: CrawlConfig = tables["crawl"]
    if tables["archive"].max_record_bytes < 1024:
        raise ConfigError(f"{source}: [archive] key 'max_record_bytes' must be at least 1024")
    if cc.max_bytes < 1024:
        raise ConfigError(f"{source}: [crawl] key 'max_bytes' must be at least 1024, got {cc.max_bytes}")
    for key in ("max_links_per_page", "max_page_cpu_seconds", "max_page_elements"):
        if getattr(cc, key) <= 0:
            raise ConfigError(f"{source}: [crawl] key '{key}' must be positive, got {getattr(cc, key)}")
    if cc.timeout_seconds <= 0:
        raise ConfigError(f"{source}: [crawl] key 'timeout_seconds' must be positive")
    if tables["scan"].workers > MAX_WORKERS:
        raise ConfigError(
            f"{source}: [scan] key 'workers' must be between 0 (one per core) and {MAX_WORKERS},"
            f" got {tables['scan'].workers}"
        )
    if tables["schedule"].cron:
        from croniter import croniter

        cron = tables["schedule"].cron
        if len(cron.split()) != 5 or not croniter.is_valid(cron):  # a 6th field would be seconds
            raise ConfigError(
                f"{source}: [schedule] key 'cron' is not a cron expression of five fields"
                " (minute hour day month weekday, in UTC)"
            )
        try:
            croniter(cron, datetime.now(UTC)).get_next(datetime)
        except Exception as e:  # noqa: BLE001 - croniter's CroniterBadDateError and kin
            raise ConfigError(f"{source}: [schedule] key 'cron' never fires ({cron!r}: {e})") from e
    for table, key in (
        ("alerts", "smtp_password_env"),
        ("alerts", "webhook_url_env"),
        ("web", "session_secret_env"),
        ("discovery", "api_key_env"),
    ):
        name = getattr(tables[table], key)
        if name and not _ENV_NAME.fullmatch(name):  # a secret pasted here: never echoed back
            raise ConfigError(
                f"{source}: [{table}] key '{key}' must be the NAME of an environment variable (letters,"
                " digits and _, e.g. COPYWATCH_SECRET), not the secret itself: put the secret in the"
                " environment"
            )
    al: AlertsConfig = tables["alerts"]
    if al.smtp_host and (not al.email_from or not al.email_to):
        raise ConfigError(f"{source}: [alerts] with 'smtp_host' needs 'email_from' and 'email_to'")
    if al.smtp_user and not al.smtp_password_env:
        raise ConfigError(
            f"{source}: [alerts] key 'smtp_user' needs 'smtp_password_env' (the NAME of the environment"
            " variable holding the SMTP password)"
        )
    if al.smtp_user and not al.smtp_starttls and not is_loopback(al.smtp_host):
        raise ConfigError(
            f"{source}: [alerts] key 'smtp_user' with smtp_starttls = false would send the SMTP password"
            f" to {al.smtp_host} unencrypted; set smtp_starttls = true (only a server on this machine"
            " may go without)"
        )
    if al.webhook_url and not al.webhook_url.startswith(("http://", "https://")):
        raise ConfigError(f"{source}: [alerts] key 'webhook_url' must be an http(s) URL")
    if al.webhook_url and al.webhook_url_env:
        raise ConfigError(f"{source}: [alerts] has both 'webhook_url' and 'webhook_url_env': keep one")
    _check_discovery(source, tables["discovery"])
    evidence: EvidenceConfig = _check_evidence(source, tables["evidence"], base_dir)
    store: StoreConfig = tables["store"]
    report: ReportConfig = tables["report"]
    if report.csv_dialect not in ("excel", "excel-fr"):
        raise ConfigError(
            f'{source}: [report] key \'csv_dialect\' must be "excel" or "excel-fr", '
            f"got {report.csv_dialect!r}"
        )
    cases: CasesConfig = tables["cases"]
    for key in ("rdap_bootstrap_url", "rdap_base_url"):
        if getattr(cases, key) and not getattr(cases, key).startswith(("http://", "https://")):
            raise ConfigError(f"{source}: [cases] key '{key}' must be an http(s) URL")
    if not 0 < tables["web"].port < 65536:
        raise ConfigError(f"{source}: [web] key 'port' must be between 1 and 65535")
    if tables["web"].language not in ("en", "ar", "fr"):
        raise ConfigError(f"{source}: [web] key 'language' must be en, ar or fr")
    if base_dir is not None:
        store = StoreConfig(
            path=str(base_dir / store.path),
            warc_dir=str(base_dir / store.warc_dir) if store.warc_dir else "",
        )
        report = replace(report, dir=str(base_dir / report.dir))
        cases = replace(
            cases,
            bundles_dir=str(base_dir / cases.bundles_dir),
            templates_dir=str(base_dir / cases.templates_dir) if cases.templates_dir else "",
        )
        # Local .html files and folders among the exclusives are relative to the file too.
        outlet = replace(
            outlet,
            exclusives=tuple(s if _URL_RE.match(s) else str(base_dir / s) for s in outlet.exclusives),
        )
    return Config(
        outlet=outlet,
        sites=tuple(sites),
        crawl=cc,
        match=mc,
        attribution=tables["attribution"],
        store=store,
        report=report,
        schedule=tables["schedule"],
        alerts=tables["alerts"],
        retention=tables["retention"],
        discovery=tables["discovery"],
        web=tables["web"],
        cases=cases,
        evidence=evidence,
        archive=tables["archive"],
        scan=tables["scan"],
        source=source,
    )


# --- [evidence] (bundles, timestamps, screenshots) ------------------------------------------------


def _check_evidence(source: str, e: EvidenceConfig, base_dir: Path | None) -> EvidenceConfig:
    where = f"{source}: [evidence]"
    if e.tsa_url and not e.tsa_url.startswith(("http://", "https://")):
        raise ConfigError(f"{where} key 'tsa_url' must be an http(s) URL, got {e.tsa_url!r}")
    if e.tsa_cert and not e.tsa_url:
        raise ConfigError(f"{where} key 'tsa_cert' is set but 'tsa_url' is empty")
    if e.tsa_url and not e.tsa_cert:
        raise ConfigError(
            f"{where} key 'tsa_url' needs 'tsa_cert': the PEM file of the TSA's certificate (or its CA), "
            "which its replies are checked against"
        )
    for key in ("screenshot_width", "screenshot_max_height", "screenshot_max_bytes"):
        if getattr(e, key) < 100:
            raise ConfigError(f"{where} key '{key}' must be at least 100, got {getattr(e, key)}")
    if e.screenshot_width > 4000 or e.screenshot_max_height > 30000:
        raise ConfigError(f"{where} screenshot_width is at most 4000 and screenshot_max_height at most 30000")
    for key in ("tsa_timeout_seconds", "screenshot_timeout_seconds"):
        if getattr(e, key) <= 0:
            raise ConfigError(f"{where} key '{key}' must be positive")
    if base_dir is not None and e.tsa_cert:
        e = replace(e, tsa_cert=str(base_dir / e.tsa_cert))
    if base_dir is not None and e.chromium and "/" in e.chromium:
        e = replace(e, chromium=str(base_dir / e.chromium))
    return e


# --- [discovery] (search discovery) ---------------------------------------------------------------

DISCOVERY_PROVIDERS = ("searxng", "brave", "google_cse")


def _check_discovery(source: str, d: DiscoveryConfig) -> None:
    """[discovery]: a known provider with what it needs; the key's variable must be set."""
    where = f"{source}: [discovery]"
    if not d.provider:
        return
    if d.provider not in DISCOVERY_PROVIDERS:
        hint = " (Bing's Web Search API was retired in August 2025)" if "bing" in d.provider.lower() else ""
        known = ", ".join(DISCOVERY_PROVIDERS)
        raise ConfigError(f"{where} key 'provider' must be one of {known}, got {d.provider!r}{hint}")
    if d.endpoint and not d.endpoint.startswith(("http://", "https://")):
        raise ConfigError(f"{where} key 'endpoint' must be an http(s) URL, got {d.endpoint!r}")
    if d.provider == "searxng":
        if not d.endpoint:
            raise ConfigError(f"{where} provider 'searxng' needs key 'endpoint' (the instance's base URL)")
        if d.api_key_env:
            raise ConfigError(f"{where} key 'api_key_env' is for brave and google_cse; searxng takes no key")
    else:
        if not d.api_key_env:
            raise ConfigError(f"{where} provider {d.provider!r} needs key 'api_key_env' (a variable's NAME)")
        if not os.environ.get(d.api_key_env):
            raise ConfigError(
                f"{where} key 'api_key_env': the environment variable {d.api_key_env} is not set"
                f" (it must hold the {d.provider} API key)"
            )
    if d.provider == "google_cse" and not d.cx:
        raise ConfigError(f"{where} provider 'google_cse' needs key 'cx' (the search engine ID)")
    if d.provider != "google_cse" and d.cx:
        raise ConfigError(f"{where} key 'cx' is for google_cse only")
    if d.queries_per_exclusive < 1:
        raise ConfigError(f"{where} key 'queries_per_exclusive' must be at least 1")
    days = d.requery_days
    if not days or any(b <= a for a, b in zip(days, days[1:], strict=False)):
        raise ConfigError(
            f"{where} key 'requery_days' must list increasing days, e.g. [0, 1, 7]; got {list(days)}"
        )
