"""The script spark-submit runs: copywatch's command line, started by Spark's launcher.

    spark-submit --master yarn --deploy-mode client [Spark options] \
        "$(python -c 'import copywatch.archive_scan.submit as s; print(s.__file__)')" \
        archive-scan --config config.toml PATH...

spark-submit runs a Python *file*; this one only starts ``copywatch.cli.main`` (``archive-scan``,
``cc-select``, any command). Under spark-submit the session takes spark-submit's master.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __name__ == "__main__":
    here = Path(__file__).resolve().parent  # run as a script: this folder must not shadow top-level modules
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != here]
    from copywatch.cli import main

    main()
