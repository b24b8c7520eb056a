"""Outputs for people: the HTML report (html), evidence.csv (evidence_csv), evidence bundles (bundle).

Import the submodule you need; nothing is re-exported here so ``copywatch export`` does not load
jinja2 and ``copywatch report`` does not load warcio.
"""
