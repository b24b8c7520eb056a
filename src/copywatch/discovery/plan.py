"""Which queries a scan sends: rounds, budgets and the store's query cache.

An exclusive is queried in rounds: ``requery_days = [0, 1, 7]`` means when it is first seen, then
one and seven days later (copies appear, and get indexed, over days). Each round asks
``queries_per_exclusive`` phrases (the round's own set, see ``phrases``). A query already answered
(it is in the store, with its results) is never sent again in its round; when a later round is due,
the rounds it supersedes are not made up for.

A scan sends at most ``max_queries_per_scan`` queries. The newest exclusives go first (their copies
are the freshest); what the budget leaves out waits for the next scan, and the plan says how many.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..config import DiscoveryConfig
from ..crawl.discover import parse_date
from ..models import Exclusive


@dataclass(frozen=True)
class Query:
    """One exact-phrase query for one exclusive in one round."""

    exclusive_url: str
    round: int
    phrase: str


@dataclass(frozen=True)
class Plan:
    queries: tuple[Query, ...]  # to send now, in this order
    deferred: int  # due queries the scan budget left for the next scan


def due_round(first_seen: datetime, now: datetime, requery_days: Sequence[int]) -> int:
    """The latest round whose day has come (0 when the exclusive is first seen)."""
    due = 0
    for r, days in enumerate(requery_days):
        if first_seen + timedelta(days=days) <= now:
            due = r
    return due


def plan_queries(
    exclusives: Sequence[Exclusive],
    config: DiscoveryConfig,
    phrases: Callable[[Exclusive, int], Sequence[str]],
    answered: set[tuple[str, int, str]],
    first_seen: Mapping[str, str],
    now: datetime,
) -> Plan:
    """The queries due now, newest exclusives first, within the scan's budget.

    ``phrases(exclusive, round)`` gives a round's phrases; ``answered`` holds the (exclusive URL,
    round, phrase) already in the store; ``first_seen`` when each stored exclusive was first seen
    (an exclusive not stored yet is first seen now).
    """

    def newest(e: Exclusive) -> tuple[str, str]:
        return (e.published_at or first_seen.get(e.url, "") or "9999", e.url)

    per_round = Counter((u, r) for u, r, _ in answered)
    out: list[Query] = []
    deferred = 0
    for ex in sorted(exclusives, key=newest, reverse=True):
        seen = parse_date(first_seen.get(ex.url)) or now
        r = due_round(seen, now, config.requery_days)
        if per_round[(ex.url, r)] >= config.queries_per_exclusive:
            continue  # this round is done (phrases are not even computed: cheap for a large archive)
        room = config.max_queries_per_scan - len(out)
        if room <= 0:
            deferred += config.queries_per_exclusive - per_round[(ex.url, r)]
            continue
        todo = [
            Query(ex.url, r, p)
            for p in list(phrases(ex, r))[: config.queries_per_exclusive]
            if (ex.url, r, p) not in answered
        ]
        out += todo[:room]
        deferred += max(0, len(todo) - room)
    return Plan(tuple(out), deferred)
