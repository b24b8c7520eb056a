"""Search providers: one exact-phrase query in, the result URLs out.

Three providers, each speaking its service's documented JSON API:

- ``searxng``: a SearXNG instance, ``GET {endpoint}/search?q="..."&format=json``, results in
  ``results[].url``. The instance must allow JSON (``search: formats: [html, json]`` in its
  settings.yml; otherwise it answers 403). One instance can front Brave, Mojeek and others.
- ``brave``: the Brave Search API, ``GET https://api.search.brave.com/res/v1/web/search`` with
  the key in ``X-Subscription-Token``, ``search_lang=ar``, ``count=20`` (its maximum); results in
  ``web.results[].url``.
- ``google_cse``: Google's Custom Search JSON API (Programmable Search), ``GET
  https://www.googleapis.com/customsearch/v1`` with ``key``, ``cx``, ``q`` and ``exactTerms``;
  results in ``items[].link``. Closed to new customers; existing keys are served until 2027-01-01.

``endpoint`` in [discovery] replaces any provider's default address (a mirror, or a local server
in tests). The provider is a service the operator configured, like the alerts webhook, so it is not
subject to the crawler's address policy; its answers are: every URL it returns is checked by
``candidates`` before anything is fetched. Keys come from the environment variable that
``api_key_env`` names and never appear in messages or logs.

``SearchClient.search`` sends one query, retries 429 and 5xx answers with exponential backoff
(``Retry-After`` honoured up to ``[crawl] crawl_delay_cap``) at most ``[crawl] max_retries`` times,
reads at most ``[crawl] max_bytes`` within ``[crawl] timeout_seconds``, and raises
``ProviderError`` with a one-line reason for anything else: down, slow, HTML instead of JSON,
JSON of the wrong shape.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from ..config import CrawlConfig, DiscoveryConfig

BRAVE_ENDPOINT = "https://api.search.brave.com/res/v1/web/search"
GOOGLE_CSE_ENDPOINT = "https://www.googleapis.com/customsearch/v1"
BRAVE_MAX_COUNT = 20  # results per request, at most (Brave's documented limit)
GOOGLE_MAX_NUM = 10  # results per request, at most (Google's documented limit)


class ProviderError(Exception):
    """A query that got no usable answer. ``retry``: worth trying again (429, 5xx, connection)."""

    def __init__(self, message: str, retry: bool = False, retry_after: float | None = None):
        super().__init__(message)
        self.retry = retry
        self.retry_after = retry_after


@dataclass(frozen=True)
class Request:
    url: str
    params: tuple[tuple[str, str], ...]
    headers: tuple[tuple[str, str], ...] = ()


class Provider:
    """What differs between providers: how a query is asked, and where the URLs are in the answer."""

    name = ""
    endpoint = ""

    def request(self, phrase: str) -> Request:  # pragma: no cover - every provider defines it
        raise NotImplementedError

    def urls(self, data: Any) -> list[Any]:  # pragma: no cover - every provider defines it
        raise NotImplementedError

    @staticmethod
    def _list(data: Any, *path: str) -> list[Any]:
        """``data[path...]`` as a list; a missing key is no results, a wrong type is a bad answer."""
        for key in path:
            if not isinstance(data, dict):
                raise ProviderError("answered JSON of an unexpected shape (not an object)")
            if key not in data:
                return []
            data = data[key]
        if not isinstance(data, list):
            raise ProviderError(f"answered JSON of an unexpected shape ({'.'.join(path)} is not a list)")
        return data


class SearXNG(Provider):
    name = "searxng"

    def __init__(self, endpoint: str):
        self.endpoint = endpoint.rstrip("/") + "/search"

    def request(self, phrase: str) -> Request:
        return Request(self.endpoint, (("q", f'"{phrase}"'), ("format", "json")))

    def urls(self, data: Any) -> list[Any]:
        return [r.get("url") if isinstance(r, dict) else None for r in self._list(data, "results")]


class Brave(Provider):
    name = "brave"

    def __init__(self, key: str, endpoint: str = ""):
        self.endpoint = endpoint or BRAVE_ENDPOINT
        self.key = key

    def request(self, phrase: str) -> Request:
        return Request(
            self.endpoint,
            (("q", f'"{phrase}"'), ("search_lang", "ar"), ("count", str(BRAVE_MAX_COUNT))),
            (("X-Subscription-Token", self.key), ("Accept", "application/json")),
        )

    def urls(self, data: Any) -> list[Any]:
        return [r.get("url") if isinstance(r, dict) else None for r in self._list(data, "web", "results")]


class GoogleCSE(Provider):
    name = "google_cse"

    def __init__(self, key: str, cx: str, endpoint: str = ""):
        self.endpoint = endpoint or GOOGLE_CSE_ENDPOINT
        self.key = key
        self.cx = cx

    def request(self, phrase: str) -> Request:
        params = (("key", self.key), ("cx", self.cx), ("q", phrase), ("exactTerms", phrase))
        return Request(self.endpoint, (*params, ("num", str(GOOGLE_MAX_NUM))))

    def urls(self, data: Any) -> list[Any]:
        return [r.get("link") if isinstance(r, dict) else None for r in self._list(data, "items")]


def make_provider(config: DiscoveryConfig) -> Provider:
    """The provider [discovery] names (config.py has checked its keys and the key's variable)."""
    key = os.environ.get(config.api_key_env, "") if config.api_key_env else ""
    if config.provider == "searxng":
        return SearXNG(config.endpoint)
    if config.provider == "brave":
        return Brave(key, config.endpoint)
    if config.provider == "google_cse":
        return GoogleCSE(key, config.cx, config.endpoint)
    raise ValueError(f"no search provider {config.provider!r}")


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


class SearchClient:
    """Sends a provider's queries: bounded, retried on 429/5xx, one at a time, paced."""

    def __init__(
        self,
        provider: Provider,
        crawl: CrawlConfig,
        *,
        backoff_base: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.provider = provider
        self.crawl = crawl
        self.backoff_base = backoff_base
        self.sleep = sleep
        self.sent = 0  # HTTP requests sent, retries included
        self._next = 0.0
        self._client = httpx.Client(
            timeout=httpx.Timeout(crawl.timeout_seconds),
            follow_redirects=False,
            trust_env=crawl.trust_env,
            headers={"User-Agent": crawl.user_agent},
        )

    def close(self) -> None:
        self._client.close()

    def search(self, phrase: str) -> list[Any]:
        """The raw result URLs of one exact-phrase query (entries may be garbage: not even strings)."""
        attempt = 0
        while True:
            try:
                return self._once(phrase)
            except ProviderError as e:
                if not e.retry or attempt >= self.crawl.max_retries:
                    raise
                if e.retry_after is not None and e.retry_after > self.crawl.crawl_delay_cap:
                    raise ProviderError(f"{e} (asks to wait {e.retry_after:.0f} s)") from e
                attempt += 1
                wait = self.backoff_base * 2 ** (attempt - 1) * (1 + random.uniform(0, 0.25))
                self.sleep(max(wait, e.retry_after or 0.0))

    def _once(self, phrase: str) -> list[Any]:
        req = self.provider.request(phrase)
        pause = self._next - time.monotonic()
        if pause > 0:
            self.sleep(pause)
        where = self.provider.endpoint
        deadline = time.monotonic() + self.crawl.timeout_seconds
        self.sent += 1
        try:
            with self._client.stream("GET", req.url, params=req.params, headers=dict(req.headers)) as resp:
                body = bytearray()
                for chunk in resp.iter_bytes():
                    body += chunk
                    if len(body) > self.crawl.max_bytes:
                        raise ProviderError(f"{where}: answer larger than {self.crawl.max_bytes} bytes")
                    if time.monotonic() > deadline:
                        raise ProviderError(f"{where}: too slow (over {self.crawl.timeout_seconds:g} s)")
                status, ctype = resp.status_code, resp.headers.get("content-type", "")
                retry_after = _retry_after(resp.headers.get("retry-after"))
        except httpx.TimeoutException as e:
            raise ProviderError(f"{where}: too slow (over {self.crawl.timeout_seconds:g} s)") from e
        except httpx.HTTPError as e:
            raise ProviderError(f"{where}: unreachable ({type(e).__name__})", retry=True) from e
        finally:
            self._next = time.monotonic() + self.crawl.delay_seconds
        if status == 429 or 500 <= status < 600:
            raise ProviderError(f"{where}: HTTP {status}", retry=True, retry_after=retry_after)
        if status in (401, 403):
            hint = (
                "is json in search.formats of the instance's settings.yml?"
                if self.provider.name == "searxng"
                else "check the API key and its plan"
            )
            raise ProviderError(f"{where}: HTTP {status}, refused ({hint})")
        if 300 <= status < 400:
            raise ProviderError(
                f"{where}: HTTP {status}, redirects elsewhere (set [discovery] endpoint to its target)"
            )
        if status != 200:
            raise ProviderError(f"{where}: HTTP {status}")
        mime = ctype.split(";", 1)[0].strip().lower()
        if mime != "application/json" and not mime.endswith("+json"):
            raise ProviderError(f"{where}: answered {mime or 'no content type'}, not JSON")
        try:
            data = json.loads(bytes(body))
        except ValueError as e:
            raise ProviderError(f"{where}: answered invalid JSON") from e
        try:
            return self.provider.urls(data)
        except ProviderError as e:
            raise ProviderError(f"{where}: {e}") from e
