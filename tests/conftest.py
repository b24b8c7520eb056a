"""Shared fixtures: a clean environment (as httpx's test suite does) and temporary folders.

Servers live in their own modules (tests/hostile_server.py, the demo web in copywatch.demo), each
a real HTTP server on 127.0.0.1 in a thread: no mocks of the client.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def clean_environ() -> Iterator[None]:
    """No ambient proxies or SSL settings leak into a test (RELIABILITY #23)."""
    saved = dict(os.environ)
    for key in list(os.environ):
        if key.upper() in {
            "HTTP_PROXY",
            "HTTPS_PROXY",
            "ALL_PROXY",
            "NO_PROXY",
            "SSL_CERT_FILE",
            "SSL_CERT_DIR",
        }:
            del os.environ[key]
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
