"""Where an archive scan reads from: WARC/WET files, lists of them, and byte ranges of single records.

A PATH given to ``copywatch archive-scan`` is one of:

- a WARC or WET file (``.warc.gz``, ``.warc``, ``.wet.gz``, ``.wet``): a local path, or an
  ``http(s)://``, ``s3://`` or ``s3a://`` URL;
- a folder: every WARC/WET file in it (copywatch's own ``warc/`` folder, for instance);
- a list of files, one a line, gzipped or not (Common Crawl's ``warc.paths.gz``); entries that are
  not URLs or absolute paths are resolved against ``[archive] prefix``;
- a record selection (``.tsv``, as ``copywatch cc-select`` writes it): a header line, then
  ``warc_filename<TAB>warc_record_offset<TAB>warc_record_length[<TAB>url]`` a line. Its records are
  read one by one, by byte range (HTTP ``Range`` requests, or seek on a local file).

``Source`` is what one Spark task reads: a whole file, or the byte ranges of one file.
``open_range`` / ``open_stream`` give a readable binary stream for either, over HTTP through httpx
(the address checked like the crawler's: no private address unless ``allow_private_addresses``).
"""

from __future__ import annotations

import gzip
import io
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

import httpx

from ..crawl.netpolicy import PolicyRefused, check_url, resolve
from ..errors import CopywatchError

WARC_SUFFIXES = (".warc.gz", ".warc", ".wet.gz", ".wet", ".arc.gz")
_SCHEMES = ("http://", "https://", "s3://", "s3a://", "file://")


class SourceError(CopywatchError):
    """A PATH that cannot be read or understood (named in the message)."""


@dataclass(frozen=True)
class Source:
    """One unit of work: a whole WARC/WET file, or some of its records by (offset, length)."""

    file: str  # local path or URL, as resolved from the PATH given
    ranges: tuple[tuple[int, int], ...] = ()  # (offset, length) of single records; empty: the whole file

    @property
    def is_wet(self) -> bool:
        return self.file.split("?")[0].endswith((".wet.gz", ".wet"))


def _is_url(s: str) -> bool:
    return s.lower().startswith(_SCHEMES)


def resolve_entry(entry: str, prefix: str) -> str:
    """A list entry as a full URL or path: relative entries are joined to ``prefix``."""
    entry = entry.strip()
    if _is_url(entry) or entry.startswith("/") or not prefix:
        return entry
    return prefix.rstrip("/") + "/" + entry.lstrip("/")


def _lines(path: str, opener: OpenOptions) -> Iterator[str]:
    raw = read_all(path, opener)
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as e:
            raise SourceError(f"{path}: not a readable gzip list ({e})") from e
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise SourceError(f"{path}: the list is not UTF-8 text ({e})") from e
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            yield line.strip()


def _is_warc(path: str) -> bool:
    return path.split("?")[0].lower().endswith(WARC_SUFFIXES)


def expand_paths(paths: list[str], prefix: str = "", opener: OpenOptions | None = None) -> list[Source]:
    """The sources named by the PATH arguments, in order, each file once."""
    opener = opener or OpenOptions()
    out: list[Source] = []
    ranges: dict[str, list[tuple[int, int]]] = {}
    for p in paths:
        if not _is_url(p) and Path(p).is_dir():
            found = sorted(str(f) for f in Path(p).iterdir() if f.is_file() and _is_warc(f.name))
            if not found:
                raise SourceError(f"{p}: a folder without WARC or WET files")
            out += [Source(f) for f in found]
        elif _is_warc(p):
            if not _is_url(p) and not Path(p).is_file():
                raise SourceError(f"{p}: no such file")
            out.append(Source(p))
        elif p.split("?")[0].endswith(".tsv"):
            for n, line in enumerate(_lines(p, opener)):
                cells = line.split("\t")
                if n == 0 and cells[0] == "warc_filename":
                    continue
                try:
                    name, offset, length = cells[0], int(cells[1]), int(cells[2])
                except (IndexError, ValueError) as e:
                    raise SourceError(f"{p}: line {n + 1} is not 'file<TAB>offset<TAB>length'") from e
                if offset < 0 or length <= 0:
                    raise SourceError(f"{p}: line {n + 1}: offset and length must be positive")
                ranges.setdefault(resolve_entry(name, prefix), []).append((offset, length))
        else:  # a list of files (warc.paths.gz)
            entries = [resolve_entry(e, prefix) for e in _lines(p, opener)]
            bad = [e for e in entries if not _is_warc(e)]
            if bad:
                raise SourceError(f"{p}: not a WARC/WET file, nor a list of them ({bad[0]!r})")
            out += [Source(e) for e in entries]
    out += [Source(f, tuple(sorted(set(r)))) for f, r in ranges.items()]
    seen: set[Source] = set()
    unique = []
    for s in out:
        if s not in seen:
            seen.add(s)
            unique.append(s)
    return unique


@dataclass(frozen=True)
class OpenOptions:
    """How remote sources are read (from [crawl]: user agent, timeout, private addresses)."""

    user_agent: str = "copywatch"
    timeout_seconds: float = 60.0
    allow_private_addresses: bool = False


def _check_http(url: str, opts: OpenOptions) -> None:
    parsed = check_url(url, max_length=8192)
    try:
        resolve(parsed.host, parsed.port or (443 if parsed.scheme == "https" else 80),
                allow_private=opts.allow_private_addresses)  # fmt: skip
    except PolicyRefused as e:
        raise SourceError(
            f"{url}: {e} (set [crawl] allow_private_addresses = true for a local archive)"
        ) from e
    except socket.gaierror as e:
        raise SourceError(f"{url}: cannot resolve the host ({e})") from e


class _IterStream(io.RawIOBase):
    """A readable stream over an iterator of byte chunks (an HTTP body), with tell()."""

    def __init__(self, chunks: Iterator[bytes], close: object = None):
        self._chunks = chunks
        self._buf = b""
        self._pos = 0
        self._close = close

    def readable(self) -> bool:
        return True

    def readinto(self, b: memoryview) -> int:  # type: ignore[override]
        while not self._buf:
            try:
                self._buf = next(self._chunks)
            except StopIteration:
                return 0
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        self._pos += n
        return n

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        if callable(self._close):
            self._close()
        super().close()


def _s3_client() -> object:
    """An S3 client as boto3 configures it: credentials and region from the environment or
    ~/.aws, and the endpoint from ``AWS_ENDPOINT_URL_S3`` / ``AWS_ENDPOINT_URL`` when set (an
    S3-compatible store, or the tests' local S3 server)."""
    try:
        import boto3
    except ImportError as e:
        raise SourceError(
            's3:// and s3a:// paths need boto3 (pip install -e ".[spark]"), or an https prefix'
        ) from e
    return boto3.client("s3")


def _s3_object(file: str, args: dict[str, str]) -> Any:
    """``get_object``'s body, or a SourceError naming the file and S3's reason."""
    client = _s3_client()
    from botocore.exceptions import BotoCoreError, ClientError  # boto3's own dependency

    try:
        return client.get_object(**args)["Body"]  # type: ignore[attr-defined]
    except ClientError as e:
        err = e.response.get("Error", {})
        raise SourceError(f"{file}: S3 {err.get('Code', 'error')}: {err.get('Message', e)}") from e
    except BotoCoreError as e:  # no credentials, the endpoint unreachable, ...
        raise SourceError(f"{file}: S3: {e}") from e


def _s3_split(url: str) -> tuple[str, str]:
    u = urlsplit(url)
    return u.netloc, u.path.lstrip("/")


def open_stream(file: str, opts: OpenOptions, offset: int = 0, length: int | None = None) -> IO[bytes]:
    """A binary stream of ``file`` (from ``offset``, ``length`` bytes when given)."""
    low = file.lower()
    if low.startswith(("http://", "https://")):
        _check_http(file, opts)
        headers = {"User-Agent": opts.user_agent, "Accept-Encoding": "identity"}
        if offset or length is not None:
            end = "" if length is None else str(offset + length - 1)
            headers["Range"] = f"bytes={offset}-{end}"
        client = httpx.Client(timeout=opts.timeout_seconds, follow_redirects=True, trust_env=False)
        try:
            response = client.send(client.build_request("GET", file, headers=headers), stream=True)
        except httpx.HTTPError as e:
            client.close()
            raise SourceError(f"{file}: {type(e).__name__}: {e}") from e
        if "Range" in headers and response.status_code != 206:
            response.close()
            client.close()
            raise SourceError(
                f"{file}: a byte range was asked for, the server answered {response.status_code}"
            )
        if response.status_code not in (200, 206):
            response.close()
            client.close()
            raise SourceError(f"{file}: HTTP {response.status_code}")

        def close() -> None:
            response.close()
            client.close()

        return io.BufferedReader(_IterStream(response.iter_raw(1 << 16), close), 1 << 16)
    if low.startswith(("s3://", "s3a://")):
        bucket, key = _s3_split(file)
        if not bucket or not key:
            raise SourceError(f"{file}: an S3 URL is s3://BUCKET/KEY")
        args: dict[str, str] = {"Bucket": bucket, "Key": key}
        if offset or length is not None:
            args["Range"] = f"bytes={offset}-{'' if length is None else offset + length - 1}"
        body = _s3_object(file, args)
        return io.BufferedReader(_IterStream(iter(lambda: body.read(1 << 16), b""), body.close), 1 << 16)
    path = file[len("file://") :] if low.startswith("file://") else file
    fh = open(path, "rb")  # noqa: SIM115 - returned to the caller, who closes it
    if offset:
        fh.seek(offset)
    if length is not None:
        data = fh.read(length)
        fh.close()
        return io.BytesIO(data)
    return fh


def read_all(file: str, opts: OpenOptions, offset: int = 0, length: int | None = None) -> bytes:
    """The bytes of ``file`` (or of one byte range of it)."""
    try:
        with open_stream(file, opts, offset, length) as fh:
            return fh.read()
    except OSError as e:
        raise SourceError(f"{file}: {e.strerror or e}") from e
