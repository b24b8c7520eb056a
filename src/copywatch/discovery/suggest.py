"""Which discovered hosts deserve a place in the watchlist: ``copywatch sites --suggest``.

A host that search discovery found carrying uncredited copies more than once is likely a habitual
copier; watching it finds its next copies before a search engine indexes them. The suggestion is a
``[[sites]]`` table ready to paste into config.toml (its home page as the seed; add its sitemap or
feed if it has one).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..config import SiteConfig
from ..models import Finding
from .candidates import host_of


@dataclass(frozen=True)
class Suggestion:
    host: str
    name: str
    seed: str
    uncredited: int
    copies: int


def suggestions(
    findings: Iterable[Finding], watched: Sequence[SiteConfig], at_least: int = 2
) -> list[Suggestion]:
    """Hosts not in the watchlist whose copies found through search were uncredited ``at_least`` times,
    most uncredited first."""
    watched_hosts = {host_of(seed) for s in watched for seed in s.seeds}
    names = {s.name for s in watched}
    by_host: dict[str, list[Finding]] = {}
    for f in findings:
        if f.discovered_by and f.discovered_by != "watchlist" and not f.partner:
            by_host.setdefault(host_of(f.page_url), []).append(f)
    out = []
    for host, fs in by_host.items():
        uncredited = sum(f.attribution == "none" for f in fs)
        if not host or host in watched_hosts or uncredited < at_least:
            continue
        u = urlsplit(fs[0].page_url)
        name = re.sub(r"[^0-9a-z]+", "-", host.lower()).strip("-") or "site"
        while name in names:
            name += "-search"
        names.add(name)
        out.append(Suggestion(host, name, f"{u.scheme}://{u.netloc}/", uncredited, len(fs)))
    return sorted(out, key=lambda s: (-s.uncredited, -s.copies, s.host))


def to_toml(items: Sequence[Suggestion]) -> str:
    """``[[sites]]`` tables, ready to paste into config.toml."""
    blocks = []
    for s in items:
        blocks.append(
            f"# {s.host}: {s.uncredited} uncredited copies of {s.copies} found through search\n"
            "[[sites]]\n"
            f"name = {json.dumps(s.name)}\n"
            f"seeds = [{json.dumps(s.seed, ensure_ascii=False)}]\n"
            "partner = false\n"
        )
    return "\n".join(blocks)
