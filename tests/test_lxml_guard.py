"""The lxml lock: re-entrant, exclusive across threads, and set aside while waiting on the network."""

from __future__ import annotations

import threading
import time

from copywatch.text.lxml_guard import LXML, serialized


def other_thread_gets_in(within: float) -> bool:
    entered = threading.Event()

    def worker() -> None:
        with LXML:
            entered.set()

    t = threading.Thread(target=worker)
    t.start()
    ok = entered.wait(within)
    return ok and (t.join(5) is None)


def test_reentrant_in_one_thread_and_exclusive_across_threads():
    with LXML, LXML:  # nested: no deadlock
        entered = threading.Event()
        t = threading.Thread(target=lambda: (LXML.__enter__(), entered.set(), LXML.__exit__()))
        t.start()
        assert not entered.wait(0.3)  # held: the other thread waits
    assert entered.wait(5)  # released at the outer exit
    t.join(5)


def test_released_lets_other_threads_parse_and_restores_the_depth():
    with LXML, LXML:
        with LXML.released():
            assert other_thread_gets_in(5)
        # held again, at the same depth: the other thread must wait until both levels exit
        entered = threading.Event()
        t = threading.Thread(target=lambda: (LXML.__enter__(), entered.set(), LXML.__exit__()))
        t.start()
        time.sleep(0.2)
        assert not entered.is_set()
    assert entered.wait(5)
    t.join(5)


def test_the_stages_that_use_lxml_hold_it():
    from copywatch import attribution
    from copywatch.crawl import discover
    from copywatch.text import extract

    for fn in (extract.extract_html, extract.canonical_url, discover.parse_index, discover.extract_links,
               discover.next_page, attribution.attribute, attribution.claimed_published_time):  # fmt: skip
        assert getattr(fn, "__wrapped__", None) is not None, fn.__name__
    assert serialized(lambda: 42)() == 42
