"""Search discovery: find copies on sites nobody watches, through a search engine.

A watchlist finds copies only where the newsroom already looks. Discovery asks a search engine for
a few distinctive passages of each exclusive, as exact phrases, and hands the result pages to the
same polite, robots-obeying, captured fetcher and the same matching and credit check as any page:

    phrases (which passages to ask for)  ->  plan (budgets, rounds, the store's query cache)
      ->  providers (SearXNG, Brave, Google Programmable Search)  ->  candidates (which result URLs
      are fetched, under one synthetic site per host)  ->  the pipeline matches and attributes them

``run.discover`` is the one entry point the pipeline calls, after the watchlist crawl.
"""

from __future__ import annotations
