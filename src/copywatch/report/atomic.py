"""Write a file so that readers see the old version or the new one, never half of it."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, BinaryIO, TextIO, cast


@contextmanager
def _atomic(path: Path, mode: str, **open_args: object) -> Iterator[IO]:
    """A temporary file beside ``path``; on success fsynced and renamed over ``path``, on any
    failure removed (``path`` keeps its old version)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, mode, **open_args) as out:  # type: ignore[call-overload]
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def atomic_text_file(path: Path, encoding: str = "utf-8", newline: str | None = None) -> Iterator[TextIO]:
    """Open a temporary file beside ``path``; on success fsync it and rename it over ``path``.

    ``errors="replace"``: a lone surrogate from a broken page must not abort a report or an export.
    """
    with _atomic(path, "w", encoding=encoding, errors="replace", newline=newline) as out:
        yield cast(TextIO, out)


@contextmanager
def atomic_binary_file(path: Path) -> Iterator[BinaryIO]:
    """The same for bytes (the XLSX export)."""
    with _atomic(path, "wb") as out:
        yield cast(BinaryIO, out)
