"""Which addresses copywatch may connect to: the SSRF guard (RELIABILITY #7, #8).

A candidate site chooses its own DNS answers and redirect targets, so any URL may point at
127.0.0.1, the LAN or a cloud metadata endpoint. The Fetcher therefore resolves each host here,
refuses non-global addresses, and connects to the exact address checked (no second lookup that
DNS rebinding could answer differently). httpx has no such guard (RELIABILITY note 5).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from typing import Any

import httpx

from ..errors import PolicyRefused

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[..., Sequence[tuple[Any, ...]]]  # same shape as socket.getaddrinfo

ALLOWED_SCHEMES = ("http", "https")


def parse_ip_literal(host: str) -> IPAddress | None:
    """The address a host string denotes by itself, including the legacy IPv4 spellings.

    ``2130706433``, ``0x7f.1`` and ``127.1`` all mean 127.0.0.1 to getaddrinfo; they are parsed
    here so they are checked as addresses, not looked up as names.
    """
    h = host.strip("[]")
    try:
        return ipaddress.ip_address(h.split("%", 1)[0])
    except ValueError:
        pass
    if h and all(c in "0123456789abcdefxABCDEFX." for c in h) and h[0].isdigit():
        try:
            return ipaddress.IPv4Address(socket.inet_aton(h))
        except OSError:
            return None
    return None


def is_public(ip: IPAddress) -> bool:
    """True for globally routable unicast addresses; IPv6 forms that embed IPv4 are checked inside."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None and not is_public(embedded):
            return False
    return bool(
        ip.is_global
        and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified or ip.is_loopback)
        and not ip.is_link_local
        and not ip.is_private
    )


def check_url(url: str, max_length: int = 2083) -> httpx.URL:
    """Parse a URL and refuse what is never fetched: other schemes, no host, over-long URLs."""
    if len(url) > max_length:
        raise PolicyRefused(f"URL longer than {max_length} characters: {url[:100]}...")
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError) as e:
        raise PolicyRefused(f"invalid URL {url!r}: {e}") from e
    if parsed.scheme not in ALLOWED_SCHEMES:
        raise PolicyRefused(f"scheme {parsed.scheme or '(none)'!r} is not http(s): {url}")
    if not parsed.host:
        raise PolicyRefused(f"URL has no host: {url}")
    return parsed


def resolve(host: str, port: int, resolver: Resolver | None = None, allow_private: bool = False) -> str:
    """The one address to connect to for ``host``; PolicyRefused if any answer is not public.

    Every answer is checked, not only the first: a name that lists a private address next to a
    public one is refusing to be trusted. socket.gaierror (DNS failure) propagates.
    """
    literal = parse_ip_literal(host)
    if literal is not None:
        addresses: list[IPAddress] = [literal]
    else:
        lookup = resolver or socket.getaddrinfo
        infos = lookup(host, port, 0, socket.SOCK_STREAM)
        addresses = []
        for info in infos:
            addr = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
            if addr not in addresses:
                addresses.append(addr)
        if not addresses:
            raise socket.gaierror(f"no address for {host}")
    if not allow_private:
        for addr in addresses:
            if not is_public(addr):
                raise PolicyRefused(f"{host} resolves to the non-public address {addr}; refused")
    return str(addresses[0])
