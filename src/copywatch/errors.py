"""copywatch's exceptions, one tree, so callers can catch as broadly or narrowly as they need.

    CopywatchError                  every error copywatch raises on purpose
    ├── ConfigError                 config.toml unreadable, or a key missing / of the wrong type
    ├── FetchError                  a fetch could not produce a capture at all
    │   ├── PolicyRefused           refused by policy: private address, scheme, robots.txt
    │   ├── RedirectError           too many hops, or a hop to a refused scheme
    │   └── BodyTooLarge            (raised only where a caller asked for strict limits)
    ├── StoreError                  the SQLite store cannot be opened, migrated or written
    │   └── ScanLocked              another scan holds the store's lock
    ├── ExclusivesError             the outlet's exclusives could not be loaded (none found)
    ├── ScanInterrupted             Ctrl-C (SIGINT) stopped a scan; nothing of it was stored
    └── ExportError                 an evidence bundle could not be written or verified

Stages record per-page and per-site failures as data (a Capture's ``outcome``, a SiteResult's
``error``) rather than raising, so one broken site never fails a scan; exceptions are for what
stops the whole command. The CLI turns each into one clear line and a non-zero exit status.
"""

from __future__ import annotations


class CopywatchError(Exception):
    """Base class of every error copywatch raises on purpose."""


class ConfigError(CopywatchError):
    """The configuration file is unreadable, or a key is missing or has the wrong type."""


class FetchError(CopywatchError):
    """A fetch could not produce a capture."""


class PolicyRefused(FetchError):
    """The fetch was refused by policy (private address, scheme, robots.txt)."""


class RedirectError(FetchError):
    """Too many redirect hops, or a hop to a refused scheme."""


class BodyTooLarge(FetchError):
    """A body exceeded max_bytes where the caller asked for strict limits."""


class StoreError(CopywatchError):
    """The SQLite store cannot be opened, migrated or written."""


class ScanLocked(StoreError):
    """Another scan holds the store's lock."""


class ExclusivesError(CopywatchError):
    """The outlet's exclusives could not be loaded."""


class ScanInterrupted(CopywatchError):
    """A scan was stopped by Ctrl-C (SIGINT) after its current fetches; nothing of it was stored."""


class ExportError(CopywatchError):
    """An evidence bundle could not be written or verified."""
