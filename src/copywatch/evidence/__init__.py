"""Evidence that stands: WACZ bundles, trusted timestamps and screenshots of reported copies.

records      WARC records read back byte for byte, refused when their digests fail
wacz         one WACZ (spec 1.1.1) per export, and its verifier
timestamp    RFC 3161 trusted timestamps of a WACZ's datapackage.json digest
screenshot   a reported copy rendered once in headless Chromium, scripts and network off
summary      the human-readable summary (Arabic and French) of each copy in a bundle
"""
