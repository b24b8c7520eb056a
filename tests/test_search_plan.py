"""Budgets and rounds: which queries a scan sends, and that an answered query is never sent again in
its round (the cache is the real store)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from copywatch.config import DiscoveryConfig
from copywatch.discovery.plan import due_round, plan_queries
from copywatch.models import Exclusive
from copywatch.store import Store

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def ex(i: int, published: str) -> Exclusive:
    return Exclusive(
        url=f"https://outlet.example/{i}", fetched_url="", title="", text="", published_at=published
    )


def phrases(e: Exclusive, r: int) -> list[str]:
    return [f"{e.url} round {r} phrase {k}" for k in range(5)]


def iso(d: datetime) -> str:
    return d.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_rounds_come_due_on_their_days():
    days = (0, 1, 7)
    seen = NOW - timedelta(hours=1)
    assert due_round(seen, NOW, days) == 0
    assert due_round(NOW - timedelta(days=1, minutes=1), NOW, days) == 1
    assert due_round(NOW - timedelta(days=6), NOW, days) == 1
    assert due_round(NOW - timedelta(days=30), NOW, days) == 2


def test_budgets_hold_per_exclusive_and_per_scan_newest_first():
    cfg = DiscoveryConfig(provider="searxng", queries_per_exclusive=3, max_queries_per_scan=10)
    exclusives = [ex(i, f"2026-11-{10 + i:02d}T00:00:00Z") for i in range(6)]
    plan = plan_queries(exclusives, cfg, phrases, set(), {}, NOW)
    assert len(plan.queries) == 10
    per = {}
    for q in plan.queries:
        per[q.exclusive_url] = per.get(q.exclusive_url, 0) + 1
    assert max(per.values()) == 3
    assert list(per)[:3] == [f"https://outlet.example/{i}" for i in (5, 4, 3)]  # newest first
    assert plan.deferred == 6 * 3 - 10


def test_answered_queries_are_not_sent_again_until_their_round(tmp_path):
    cfg = DiscoveryConfig(provider="searxng", queries_per_exclusive=2, max_queries_per_scan=100)
    exclusives = [ex(1, "2026-11-30T00:00:00Z")]
    with Store(tmp_path / "cw.db") as store:
        first = plan_queries(exclusives, cfg, phrases, store.searched("searxng"), {}, NOW)
        assert [q.round for q in first.queries] == [0, 0]
        for q in first.queries:
            store.record_search(
                "searxng", q.exclusive_url, q.round, q.phrase, iso(NOW), ["http://c.example/"]
            )
        seen = {exclusives[0].url: iso(NOW)}
        # the same day, and again hours later: nothing to send
        for later in (NOW, NOW + timedelta(hours=20)):
            assert (
                plan_queries(exclusives, cfg, phrases, store.searched("searxng"), seen, later).queries == ()
            )
        # a day later, round 1 with its own phrases
        day1 = plan_queries(
            exclusives, cfg, phrases, store.searched("searxng"), seen, NOW + timedelta(days=1)
        )
        assert [q.round for q in day1.queries] == [1, 1]
        assert not {q.phrase for q in day1.queries} & {q.phrase for q in first.queries}
        # another provider has its own cache
        assert len(plan_queries(exclusives, cfg, phrases, store.searched("brave"), seen, NOW).queries) == 2
        assert [r[:3] for r in store.pending_search_results("searxng")] == [
            (q.exclusive_url, q.round, q.phrase) for q in first.queries
        ]
        store.mark_searches_done(
            "searxng", [(q.exclusive_url, q.round, q.phrase) for q in first.queries], "r1"
        )
        assert store.pending_search_results("searxng") == []


def test_a_late_round_supersedes_the_missed_ones():
    cfg = DiscoveryConfig(provider="searxng", queries_per_exclusive=1)
    e = ex(1, "2026-10-01T00:00:00Z")
    plan = plan_queries([e], cfg, phrases, set(), {e.url: "2026-10-01T00:00:00Z"}, NOW)
    assert [q.round for q in plan.queries] == [2]
