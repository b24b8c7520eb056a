"""copywatch's bundled demo web: an outlet and six copier sites served on 127.0.0.1, with ground truth.

`copywatch demo` uses it to show the whole pipeline offline; the end-to-end test and the quality
gate use ``demo_truth()`` as the labelled corpus. Typical use::

    web = start_demo()
    try:
        ...  # [outlet] exclusives = web.outlet_sources; [[sites]] from web.sites
    finally:
        web.stop()

A truth record's served URL is ``web.url(record["site"], record["path"])``. The outlet's pages
declare canonical URLs on https://www.kawalisalyaoum.com (never served), so an Exclusive's ``url``
is ``"https://www.kawalisalyaoum.com" + path`` for each path in a record's "exclusives".
"""

from __future__ import annotations

import copy
from typing import Any

from .build import build_web
from .content import NOTICE as DEMO_NOTICE
from .content import OUTLET_ORIGIN as DEMO_OUTLET_ORIGIN
from .server import DemoWeb, start_demo

DEMO_OUTLET: dict[str, Any] = {
    "name": "كواليس اليوم",
    "aliases": ["Kawalis Alyaoum", "Kawalis Al Yaoum", "kawalisalyaoum"],
    "domains": ["kawalisalyaoum.com"],
}


def demo_truth() -> list[dict[str, Any]]:
    """One record per candidate page on the copier sites (a fresh copy: callers may mutate it).

    Keys: site, path (percent-encoded, as linked), label, exclusives (outlet paths the page copies,
    quotes, shadows or lists), expected_report, report_exclusives (the exclusives a scan must report
    for this page), credit (link|canonical|name|none, for every exclusive of the page), decoys,
    coverage ({exclusive path: share of its words on the page}), edit_rate, transforms, title,
    published_time, lang, discoverable_via, robots_blocked.
    """
    return copy.deepcopy(list(build_web()[1]))


__all__ = ["DEMO_NOTICE", "DEMO_OUTLET", "DEMO_OUTLET_ORIGIN", "DemoWeb", "demo_truth", "start_demo"]
