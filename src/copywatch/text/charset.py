"""Bytes -> text for HTML pages, the way a browser would, so Arabic text survives byte-exact.

httpx decodes a body without a charset header as UTF-8 and never looks at ``<meta charset>``
(RELIABILITY.md note 4), which turns a windows-1256 page into U+FFFD. The order here follows the
HTML standard's encoding sniffing, with two repairs for pages seen in the wild:

1. a byte order mark;
2. the Content-Type ``charset``, *if the body actually decodes with it* (servers often default to
   utf-8 or latin-1 for pages written in windows-1256), and a latin-1/windows-1252 header loses
   to a different ``<meta>`` declaration (that header is almost always a server default);
3. ``<meta charset>`` / ``http-equiv`` (or an XML declaration) in the first 4096 bytes;
4. strict UTF-8, then charset-normalizer's detection;
5. UTF-8 with U+FFFD for whatever does not decode.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# WHATWG encoding labels Python does not know, or maps differently from browsers.
_LABELS = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "l1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "iso-8859-6-e": "iso8859-6",
    "iso-8859-6-i": "iso8859-6",
    "csiso88596e": "iso8859-6",
    "csiso88596i": "iso8859-6",
    "asmo-708": "iso8859-6",
    "ecma-114": "iso8859-6",
    "iso-8859-9": "cp1254",
    "tis-620": "cp874",
    "gb2312": "gbk",
    "x-cp1256": "cp1256",
}
_SERVER_DEFAULTS = {"cp1252", "latin-1", "iso8859-1"}

_META_RE = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
_XML_DECL_RE = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
_CT_CHARSET_RE = re.compile(r"""charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
_PRESCAN_BYTES = 4096


def codec_name(label: str | None) -> str | None:
    """The Python codec for an encoding label from a header or meta tag, or None if unknown."""
    if not label:
        return None
    label = label.strip().lower()
    label = _LABELS.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _meta_charset(body: bytes) -> str | None:
    head = body[:_PRESCAN_BYTES]
    m = _XML_DECL_RE.search(head) or _META_RE.search(head)
    if not m:
        return None
    name = codec_name(m.group(1).decode("ascii", "replace"))
    # The standard: a meta tag claiming UTF-16 means the bytes we just read as ASCII are UTF-8.
    return "utf-8" if name and name.startswith("utf-16") else name


def _strict(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_html(body: bytes, content_type: str | None) -> tuple[str, str]:
    """(text, encoding): decode an HTML (or XML) body; ``encoding`` is the Python codec name used."""
    for bom, enc in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(enc, "replace"), enc

    header = None
    if content_type:
        m = _CT_CHARSET_RE.search(content_type)
        header = codec_name(m.group(1)) if m else None
    meta = _meta_charset(body)

    if header and not (header in _SERVER_DEFAULTS and meta and meta != header):
        text = _strict(body, header)
        if text is not None:
            return text, header
    if meta:
        text = _strict(body, meta)
        if text is not None:
            return text, meta
    text = _strict(body, "utf-8")
    if text is not None:
        return text, "utf-8"
    best = from_bytes(body[:200_000]).best()
    if best is not None and best.encoding:
        enc = codec_name(best.encoding) or best.encoding
        return body.decode(enc, "replace"), enc
    return body.decode("utf-8", "replace"), "utf-8"
