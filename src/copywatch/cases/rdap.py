"""Who to write to: the copier domain's registrar and abuse contact, the hosting network of the
address its copy was captured from. Looked up by RDAP (RFC 9082 queries, RFC 9083 JSON answers),
the registries' structured successor of WHOIS, and cached in the store.

The server for a domain or an address is found with IANA's RDAP bootstrap files (RFC 9224:
``dns.json``, ``ipv4.json``, ``ipv6.json`` under ``[cases] rdap_bootstrap_url``); ``[cases]
rdap_base_url`` sends every query to one server instead (a local mirror, the tests' server).
Plain httpx does the HTTP (the same client as the crawler; whoisit and whodap hard-wire IANA's
address and their own HTTP stacks, which would leave the lookups untestable against a local
server). A registry that does not know ``www.news.example.com`` is asked for ``news.example.com``,
then ``example.com``: the registered domain is found without a public-suffix list.

A lookup that fails (no server for the TLD, a timeout, a 5xx) is returned with its ``error`` and is
not cached, so the next lookup tries again; answers are cached for ``rdap_cache_days``.
"""

from __future__ import annotations

import ipaddress
import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from .. import __version__
from ..config import CasesConfig
from ..store import Store

MAX_ANSWER_BYTES = 2_000_000
ACCEPT = "application/rdap+json, application/json;q=0.9"


@dataclass(frozen=True)
class Contact:
    role: str
    name: str = ""
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()


@dataclass(frozen=True)
class DomainInfo:
    host: str
    domain: str = ""  # the registered domain the registry answered for
    registrar: str = ""
    registrar_id: str = ""  # IANA Registrar ID
    abuse_emails: tuple[str, ...] = ()
    abuse_phones: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    contacts: tuple[Contact, ...] = ()
    source: str = ""  # the URL answered
    fetched_at: str = ""
    error: str = ""


@dataclass(frozen=True)
class NetworkInfo:
    ip: str
    name: str = ""
    handle: str = ""
    range: str = ""  # "start - end" or CIDR
    country: str = ""
    organisation: str = ""  # the registrant's name
    abuse_emails: tuple[str, ...] = ()
    abuse_phones: tuple[str, ...] = ()
    contacts: tuple[Contact, ...] = field(default_factory=tuple)
    source: str = ""
    fetched_at: str = ""
    error: str = ""


class RdapError(Exception):
    pass


def _now() -> datetime:
    return datetime.now(UTC)


def _stamp(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------------------- RFC 9083 parsing


def _vcard(entity: dict[str, Any]) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """(fn or org, emails, phones) of an entity's jCard (RFC 7095)."""
    name, emails, phones = "", [], []
    card = entity.get("vcardArray")
    if isinstance(card, list) and len(card) == 2 and isinstance(card[1], list):
        for prop in card[1]:
            if not (isinstance(prop, list) and len(prop) >= 4):
                continue
            key, value = str(prop[0]).lower(), prop[3]
            if isinstance(value, list):
                value = " ".join(str(v) for v in value if v)
            value = str(value).strip()
            if key == "fn" and value:
                name = value
            elif key == "org" and value and not name:
                name = value
            elif key == "email" and value:
                emails.append(value.removeprefix("mailto:"))
            elif key == "tel" and value:
                phones.append(value.removeprefix("tel:"))
    return name, tuple(dict.fromkeys(emails)), tuple(dict.fromkeys(phones))


def _entities(
    obj: dict[str, Any], parents: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], dict[str, Any]]]:
    """Every entity in the answer, nested ones too, with the roles of those it sits under."""
    out = []
    for e in obj.get("entities") or ():
        if isinstance(e, dict):
            roles = tuple(str(r).lower() for r in e.get("roles") or ())
            out.append((parents, e))
            out += _entities(e, parents + roles)
    return out


def _contacts(obj: dict[str, Any]) -> tuple[Contact, ...]:
    out = []
    for _, e in _entities(obj):
        name, emails, phones = _vcard(e)
        for role in e.get("roles") or ("",):
            out.append(Contact(str(role).lower(), name, emails, phones))
    return tuple(out)


def _abuse(obj: dict[str, Any], under: str = "") -> tuple[tuple[str, ...], tuple[str, ...]]:
    emails: list[str] = []
    phones: list[str] = []
    found = [(p, e) for p, e in _entities(obj) if "abuse" in [str(r).lower() for r in e.get("roles") or ()]]
    preferred = [x for x in found if under and under in x[0]] or found
    for _, e in preferred:
        _, em, ph = _vcard(e)
        emails += em
        phones += ph
    return tuple(dict.fromkeys(emails)), tuple(dict.fromkeys(phones))


def parse_domain(host: str, data: dict[str, Any], source: str, fetched_at: str) -> DomainInfo:
    if data.get("objectClassName") not in (None, "domain"):
        raise RdapError(f"{source}: not a domain object ({data.get('objectClassName')!r})")
    registrar, registrar_id = "", ""
    for _, e in _entities(data):
        if "registrar" in [str(r).lower() for r in e.get("roles") or ()]:
            registrar = _vcard(e)[0] or str(e.get("handle") or "")
            for pid in e.get("publicIds") or ():
                if isinstance(pid, dict) and "registrar" in str(pid.get("type", "")).lower():
                    registrar_id = str(pid.get("identifier", ""))
            break
    emails, phones = _abuse(data, under="registrar")
    return DomainInfo(
        host=host,
        domain=str(data.get("ldhName") or data.get("unicodeName") or "").lower(),
        registrar=registrar,
        registrar_id=registrar_id,
        abuse_emails=emails,
        abuse_phones=phones,
        status=tuple(str(s) for s in data.get("status") or ()),
        contacts=_contacts(data),
        source=source,
        fetched_at=fetched_at,
    )


def parse_network(ip: str, data: dict[str, Any], source: str, fetched_at: str) -> NetworkInfo:
    if data.get("objectClassName") not in (None, "ip network"):
        raise RdapError(f"{source}: not an ip network object ({data.get('objectClassName')!r})")
    cidrs = [
        f"{c.get('v4prefix') or c.get('v6prefix')}/{c.get('length')}"
        for c in data.get("cidr0_cidrs") or ()
        if isinstance(c, dict) and (c.get("v4prefix") or c.get("v6prefix"))
    ]
    start, end = data.get("startAddress"), data.get("endAddress")
    span = ", ".join(cidrs) or (f"{start} - {end}" if start and end else "")
    org = ""
    for _, e in _entities(data):
        if "registrant" in [str(r).lower() for r in e.get("roles") or ()]:
            org = _vcard(e)[0]
            break
    emails, phones = _abuse(data)
    return NetworkInfo(
        ip=ip,
        name=str(data.get("name") or ""),
        handle=str(data.get("handle") or ""),
        range=span,
        country=str(data.get("country") or ""),
        organisation=org,
        abuse_emails=emails,
        abuse_phones=phones,
        contacts=_contacts(data),
        source=source,
        fetched_at=fetched_at,
    )


# ---------------------------------------------------------------------------- bootstrap (RFC 9224)


def _pick(urls: list[Any]) -> str:
    clean = [str(u) for u in urls if str(u).startswith(("https://", "http://"))]
    https = [u for u in clean if u.startswith("https://")]
    best = (https or clean or [""])[0]
    return best if not best or best.endswith("/") else best + "/"


def servers_for_domain(bootstrap: dict[str, Any], domain: str) -> str:
    labels = domain.lower().rstrip(".").split(".")
    best, best_len = "", 0
    for entry in bootstrap.get("services") or ():
        tlds, urls = entry[0], entry[1]
        for tld in tlds:
            parts = str(tld).lower().split(".")
            if labels[-len(parts) :] == parts and len(parts) > best_len:
                best, best_len = _pick(urls), len(parts)
    return best


def servers_for_ip(bootstrap: dict[str, Any], ip: str) -> str:
    addr = ipaddress.ip_address(ip)
    best, best_len = "", -1
    for entry in bootstrap.get("services") or ():
        for prefix in entry[0]:
            try:
                net = ipaddress.ip_network(str(prefix), strict=False)
            except ValueError:
                continue
            if addr.version == net.version and addr in net and net.prefixlen > best_len:
                best, best_len = _pick(entry[1]), net.prefixlen
    return best


# ---------------------------------------------------------------------------- the client


class RdapClient:
    def __init__(self, store: Store, cfg: CasesConfig, client: httpx.Client | None = None):
        self.store = store
        self.cfg = cfg
        self.client = client or httpx.Client(
            timeout=cfg.rdap_timeout_seconds,
            trust_env=False,
            follow_redirects=True,  # rdap.org and some registries answer with a redirect
            max_redirects=3,
            headers={"Accept": ACCEPT, "User-Agent": f"copywatch/{__version__} (RDAP)"},
        )

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> RdapClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _get(self, url: str) -> tuple[int, dict[str, Any]]:
        if not url.startswith(("http://", "https://")):
            raise RdapError(f"{url}: not an http(s) URL")
        try:
            r = self.client.get(url)
        except httpx.HTTPError as e:
            raise RdapError(f"{url}: {type(e).__name__}: {e}") from e
        if r.status_code == 404:
            return 404, {}
        if r.status_code != 200:
            raise RdapError(f"{url}: HTTP {r.status_code}")
        if len(r.content) > MAX_ANSWER_BYTES:
            raise RdapError(f"{url}: answer larger than {MAX_ANSWER_BYTES} bytes")
        try:
            data = json.loads(r.content)
        except ValueError as e:
            raise RdapError(f"{url}: not JSON ({e})") from e
        if not isinstance(data, dict):
            raise RdapError(f"{url}: not a JSON object")
        return 200, data

    def _fresh(self, kind: str, key: str) -> dict[str, Any] | None:
        hit = self.store.rdap_cached(kind, key) if self.cfg.rdap_cache_days > 0 else None  # 0: always ask
        if hit is None:
            return None
        fetched_at, blob = hit
        if fetched_at < _stamp(_now() - timedelta(days=self.cfg.rdap_cache_days)):
            return None
        data: dict[str, Any] = json.loads(blob)
        return data

    def _bootstrap(self, name: str) -> dict[str, Any]:
        cached = self._fresh("bootstrap", name)
        if cached is not None:
            return cached
        base = self.cfg.rdap_bootstrap_url.rstrip("/") + "/"
        status, data = self._get(f"{base}{name}.json")
        if status != 200:
            raise RdapError(f"{base}{name}.json: not found")
        self.store.put_rdap("bootstrap", name, _stamp(_now()), json.dumps(data))
        return data

    def _server(self, kind: str, key: str) -> str:
        if self.cfg.rdap_base_url:
            return self.cfg.rdap_base_url.rstrip("/") + "/"
        if kind == "domain":
            server = servers_for_domain(self._bootstrap("dns"), key)
        else:
            server = servers_for_ip(self._bootstrap(f"ipv{ipaddress.ip_address(key).version}"), key)
        if not server:
            raise RdapError(f"no RDAP server for {key} in IANA's bootstrap")
        return server

    def domain(self, host: str, *, refresh: bool = False) -> DomainInfo:
        """The registrar and abuse contact of the domain ``host`` belongs to."""
        host = host.lower().rstrip(".").removeprefix("www.")
        try:
            ipaddress.ip_address(host.strip("[]"))
            return DomainInfo(host=host, error=f"{host} is an IP address, not a domain: see its network")
        except ValueError:
            pass
        if not refresh and (hit := self._fresh("domain", host)) is not None:
            return domain_from(hit)
        try:
            labels = host.split(".")
            for i in range(max(1, len(labels) - 1)):
                name = ".".join(labels[i:])
                url = f"{self._server('domain', name)}domain/{quote(name)}"
                status, data = self._get(url)
                if status == 200:
                    info = parse_domain(host, data, url, _stamp(_now()))
                    self.store.put_rdap("domain", host, info.fetched_at, json.dumps(asdict(info)))
                    return info
            raise RdapError(f"no registry knows {host}")
        except (RdapError, ValueError) as e:
            return DomainInfo(host=host, error=str(e), fetched_at=_stamp(_now()))

    def ip(self, ip: str, *, refresh: bool = False) -> NetworkInfo:
        """The network (and its abuse contact) that holds the address ``ip``."""
        try:
            ip = str(ipaddress.ip_address(ip))
        except ValueError:
            return NetworkInfo(ip=ip, error=f"{ip!r} is not an IP address")
        if not refresh and (hit := self._fresh("ip", ip)) is not None:
            return network_from(hit)
        try:
            url = f"{self._server('ip', ip)}ip/{ip}"
            status, data = self._get(url)
            if status != 200:
                raise RdapError(f"{url}: not found")
            info = parse_network(ip, data, url, _stamp(_now()))
        except (RdapError, ValueError) as e:
            return NetworkInfo(ip=ip, error=str(e), fetched_at=_stamp(_now()))
        self.store.put_rdap("ip", ip, info.fetched_at, json.dumps(asdict(info)))
        return info

    def cached(self, host: str, ip: str | None) -> tuple[DomainInfo | None, NetworkInfo | None]:
        return cached(self.store, host, ip)


def cached(store: Store, host: str, ip: str | None) -> tuple[DomainInfo | None, NetworkInfo | None]:
    """What the store already knows of a host and an address, without asking anyone."""
    h = host.lower().rstrip(".").removeprefix("www.")
    d = store.rdap_cached("domain", h)
    n = store.rdap_cached("ip", ip) if ip else None
    return (
        domain_from(json.loads(d[1])) if d else None,
        network_from(json.loads(n[1])) if n else None,
    )


def _contacts_from(rows: list[Any]) -> tuple[Contact, ...]:
    return tuple(Contact(c["role"], c["name"], tuple(c["emails"]), tuple(c["phones"])) for c in rows)


def domain_from(d: dict[str, Any]) -> DomainInfo:
    return DomainInfo(**{
        **d, "abuse_emails": tuple(d["abuse_emails"]), "abuse_phones": tuple(d["abuse_phones"]),
        "status": tuple(d["status"]), "contacts": _contacts_from(d["contacts"]),
    })  # fmt: skip


def network_from(d: dict[str, Any]) -> NetworkInfo:
    return NetworkInfo(**{
        **d, "abuse_emails": tuple(d["abuse_emails"]), "abuse_phones": tuple(d["abuse_phones"]),
        "contacts": _contacts_from(d["contacts"]),
    })  # fmt: skip


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()
