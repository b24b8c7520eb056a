"""Attribution: does a copy credit the outlet, and who published first.

Policy: copying *with* credit is tolerated, copying *without* credit is pursued. Both mistakes are
costly (a wrong "credited" lets a copier go, a wrong "none" accuses a site that did credit), so the
rules below are deliberately structural rather than tuned to any one site template:

1. Parse the raw HTML (extraction drops links and credit lines) and locate the article body as the
   DOM element that holds the copied text (``copied_text``, else the exclusive's text).
2. The *article region* is that element plus the few sibling elements right before and after it
   (credit lines often sit just outside the text container).
3. Anything inside page furniture (footer, nav, aside, site header, sidebars, widgets, "read also",
   "most read", comments, share bars, partner lists), or outside the region, is never credit: it is
   recorded as a decoy so a reviewer can see why it did not count.
4. Signals: a link to the exclusive (link_article) or to the outlet's home page (link_home); a
   ``rel=canonical`` / ``og:url`` pointing at the exclusive; the outlet's name next to a credit phrase,
   in parentheses, alone on a credit line, as the byline, or in an image credit.
5. The outlet's own exclusivity notice copied along names the outlet but forbids copying: it sets
   ``notice_kept`` and its name never counts. Names inside text copied from the exclusive itself
   ("a source told Kawalis Alyaoum") are the outlet's words, not the copier's credit, and do not count.

Verdict precedence is link > canonical > name, restricted to the kinds listed in ``accept``.

The package, one module per concept: ``page`` (locating the article and its region, furniture),
``names`` (the outlet's names, datelines, the notice), ``signals`` (links, canonical, names,
bylines, credit lines), ``vocabulary`` (the words of credit). Dates live in ``text/dates.py``, the
tree helpers in ``text/dom.py``, URL identity in ``urls.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast
from urllib.parse import urlsplit

from ..config import OutletConfig
from ..models import Credit, CreditKind, Document, Exclusive
from ..text.dates import claimed_published_time, published_order
from ..text.dom import parse_html as _parse
from ..text.lxml_guard import serialized
from ..text.normalize import fold_for_names as normalize_ar
from ..urls import article_host as _host
from ..urls import host_matches as _host_matches
from ..urls import is_home_path as _is_home_path
from ..urls import url_key
from .names import is_short_name
from .page import _locate
from .signals import _Collector, _head_signals, _link_signals, _name_signals
from .vocabulary import _PRECEDENCE, SIGNAL_KIND

__all__ = [
    "attribute",
    "published_order",
    "claimed_published_time",
    "normalize_ar",
    "is_short_name",
    "url_key",
]


@serialized
def attribute(
    doc: Document,
    exclusive: Exclusive,
    outlet: OutletConfig,
    *,
    notice: str = "",
    copied_text: str = "",
    accept: tuple[str, ...] = ("link", "canonical", "name"),
    resolve: Callable[[str], str | None] | None = None,
) -> Credit:
    """Decide whether ``doc`` credits the outlet for ``exclusive``; see the module docstring."""
    root = _parse(doc.html)
    if root is None:
        return Credit("none")
    page = _locate(root, [t for t in (copied_text, exclusive.text, doc.text) if t and t.strip()])
    out = _Collector()
    page_host = (url_key(doc.url) or ("", "", ""))[0]
    targets = {k for k in (url_key(exclusive.url), url_key(exclusive.fetched_url)) if k}
    domains = {_host(d if "//" not in d else urlsplit(d).hostname, None, "") for d in outlet.domains}
    domains |= {k[0] for k in targets if k[0] != page_host}
    domains.discard("")

    def classify(href: str) -> str:
        key = url_key(href, doc.url)
        if key is None:
            return "other"
        if key in targets:
            return "article"
        if _host_matches(key[0], domains):
            return "home" if _is_home_path(key[1], key[2]) else "outlet_other"
        return "external" if key[0] != page_host else "internal"

    _head_signals(root, doc, classify, out)
    _link_signals(page, doc, classify, resolve, out)
    notice_kept = _name_signals(page, exclusive, outlet, notice, out)

    present = {SIGNAL_KIND[e.signal] for e in out.evidence}
    verdict = cast(CreditKind, next((k for k in _PRECEDENCE if k in present and k in accept), "none"))
    evidence = sorted(out.evidence, key=lambda e: _PRECEDENCE.index(SIGNAL_KIND[e.signal]))
    return Credit(verdict, tuple(evidence), tuple(out.decoys), notice_kept)
