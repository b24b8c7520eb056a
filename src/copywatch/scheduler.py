"""`copywatch schedule`: run scans in the foreground on the config's cron schedule.

For hosts without cron or systemd timers. Each run re-reads the config (so edits apply without a
restart) and runs one scan; a failed scan is logged and the schedule goes on. A scan still holding
the lock when the next one is due makes that one skip, never pile up.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

from croniter import croniter

from .config import load_config
from .errors import ConfigError, CopywatchError
from .pipeline import ScanSummary, scan

log = logging.getLogger("copywatch.schedule")


def next_time(cron: str, after: datetime) -> datetime:
    """The next time the cron expression fires after ``after`` (UTC)."""
    return croniter(cron, after).get_next(datetime)


def run_schedule(
    config_path: str,
    *,
    max_runs: int | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    sleep: Callable[[float], None] = time.sleep,
    on_scan: Callable[[ScanSummary], None] | None = None,
    on_wait: Callable[[datetime], None] | None = None,
) -> int:
    """Scan at each time the cron expression fires; returns the number of scans attempted."""
    config = load_config(config_path)
    if not config.schedule.cron:
        raise ConfigError(f"{config_path}: [schedule] key 'cron' is empty; set e.g. cron = \"0 * * * *\"")
    runs = 0
    while max_runs is None or runs < max_runs:
        due = next_time(config.schedule.cron, now())
        log.info("next scan at %s", due.isoformat())
        if on_wait:
            on_wait(due)
        wait = (due - now()).total_seconds()
        if wait > 0:
            sleep(wait)
        runs += 1
        try:
            config = load_config(config_path)
            summary = scan(config)
            log.info(
                "scan %s: %s, %d new copies", summary.run.run_id, summary.run.status, summary.run.new_copies
            )
            if on_scan:
                on_scan(summary)
        except CopywatchError as e:
            log.error("scheduled scan failed: %s", e)
        except Exception:  # an unattended loop outlives one bad run; the traceback goes to the log
            log.exception("scheduled scan failed unexpectedly")
    return runs
