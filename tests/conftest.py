"""Shared fixtures: a clean environment (as httpx's test suite does) and temporary folders.

Servers live in their own modules (tests/hostile_server.py, the demo web in copywatch.demo), each
a real HTTP server on 127.0.0.1 in a thread: no mocks of the client. A test's own handler runs on
tests/fixtures/http_server.py's LocalServer; helpers shared by test modules live in tests/fixtures/
(a test module never imports another).
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


# End-to-end modules (real scans, subprocesses, browsers, Spark, slow servers on purpose): marked
# slow, so `python -m pytest -m "not slow"` gives the quick loop (benchmarks/RESULTS.md has the
# times); CI and the README's command run everything.
SLOW_MODULES = frozenset(
    """test_crash_safety test_archive_scan_spark test_timestamp test_cli_interrupt test_cli_messages
    test_search_discovery test_screenshot test_web_browser test_report_browser test_cases_rescan
    test_schedule test_site_failures test_reproducible test_recheck test_vacuum test_incremental
    test_cli_habits test_web_flow test_web_security test_wacz test_scan_demo test_demo_server
    test_cli test_cli_firstday test_archive_scan test_hostile test_short_links test_pagination
    test_alerts test_bundle test_cases_notices test_eval_gate test_discover test_robots
    test_fetch test_lock test_search_providers""".split()
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.module is not None and item.module.__name__.rsplit(".", 1)[-1] in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)
