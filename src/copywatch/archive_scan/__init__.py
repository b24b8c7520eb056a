"""Archive-scale scans on Apache Spark: CC-NEWS, Common Crawl's monthly crawls, any WARC or WET files.

    sources.py   PATHs -> Sources (files, folders, warc.paths.gz lists, byte-range selections)
    records.py   a Source's HTML 200 responses (FastWARC, or warcio); everything else skipped and counted
    probe.py     the cheap text pass that probes the index before any extraction; host/language filters
    matcher.py   one source scanned: probe, then (candidates only) the live scan's own stages
    job.py       the Spark job (one task per source, the matcher broadcast) and its one-process twin
    results.py   findings.parquet and sources.parquet
    importer.py  the results into the store as a run, each record copied byte for byte as evidence
    run.py       `copywatch archive-scan`, start to end
    ccindex.py   `copywatch cc-select`: records of a monthly crawl chosen from the columnar index
    synthetic.py WARC files of made-up news pages, for the tests and the benchmark
    submit.py    the script spark-submit runs (copywatch's command line)

PySpark is an optional extra (``pip install -e ".[spark]"``); nothing here imports it at module
level, so copywatch works without it and ``archive-scan`` says how to install it.
"""
