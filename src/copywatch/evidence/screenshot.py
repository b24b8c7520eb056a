"""A reported copy rendered once in headless Chromium: what a person saw, within strict limits.

The page is never fetched live again: its captured body is served from a one-page server on
127.0.0.1 (every other path answers 404), and the browser is held to it:

- scripts off (``--blink-settings=scriptEnabled=false`` and ``Emulation.setScriptExecutionDisabled``),
  plus a Content-Security-Policy forbidding scripts, frames, objects and outside resources;
- network off except that server: every request is intercepted (DevTools ``Fetch`` domain) and any
  other URL fails; host names resolve to nothing (``--host-resolver-rules``);
- a fresh ``--user-data-dir``, no background networking, component updates, sync or first-run work;
- a time limit for the whole render, browser start included (the browser's process group is killed
  when it is reached), a cap on the screenshot's height (a 50,000-pixel page is cut, the page's own
  height is recorded) and on its size in bytes.

Chromium is driven over ``--remote-debugging-pipe`` (file descriptors 3 and 4, JSON messages ended
by NUL), which needs no port and no extra library. ``take_screenshots`` renders the new copies of a
scan and records each PNG as a WARC ``resource`` record (``urn:fullPage:<url>``, as Browsertrix
does) in a WARC file of its own, with its SHA-256; a page that hangs or crashes the renderer is a
``ScreenshotError``, recorded against the page, never a failed scan.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import json
import logging
import math
import os
import queue
import shutil
import signal
import struct
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

from ..config import Config, EvidenceConfig
from ..errors import CopywatchError
from ..models import Finding
from ..store import Screenshot, Store, StoredPage

log = logging.getLogger("copywatch.screenshot")

CSP = (
    "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:;"
    " script-src 'none'; frame-src 'none'; object-src 'none'"
)
VIEWPORT_HEIGHT = 900


class ScreenshotError(CopywatchError):
    """The page could not be rendered within the limits (time, size), or the browser failed."""


@dataclass(frozen=True)
class Rendered:
    png: bytes
    width: int
    height: int  # of the PNG
    page_height: int  # of the page as laid out (before the cap)


def find_chromium(configured: str = "") -> str | None:
    if configured:
        return configured if Path(configured).exists() else shutil.which(configured)
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def _png_size(png: bytes) -> tuple[int, int]:
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ScreenshotError("the browser did not return a PNG")
    w, h = struct.unpack(">II", png[16:24])
    return int(w), int(h)


@contextlib.contextmanager
def _serve_one(path_and_query: str, body: bytes, content_type: str) -> Iterator[str]:
    """Serve ``body`` at ``path_and_query`` on 127.0.0.1; yield the origin (http://127.0.0.1:PORT)."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            if self.path != path_and_query:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", content_type or "text/html")
            self.send_header("Content-Security-Policy", CSP)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _Pipe:
    """The DevTools protocol over Chromium's --remote-debugging-pipe."""

    def __init__(self, write_fd: int, read_fd: int) -> None:
        self._w = write_fd
        self._r = read_fd
        self._id = 0
        self.events: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._replies: dict[int, dict[str, Any]] = {}
        self._cond = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        buf = b""
        while True:
            try:
                chunk = os.read(self._r, 1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                with self._cond:
                    self._replies[-1] = {"closed": True}
                    self._cond.notify_all()
                self.events.put(None)
                return
            buf += chunk
            while b"\0" in buf:
                raw, buf = buf.split(b"\0", 1)
                try:
                    msg = json.loads(raw)
                except ValueError:
                    continue
                if "id" in msg:
                    with self._cond:
                        self._replies[msg["id"]] = msg
                        self._cond.notify_all()
                else:
                    self.events.put(msg)

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> int:
        self._id += 1
        msg: dict[str, Any] = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        data = json.dumps(msg).encode() + b"\0"
        try:
            while data:
                data = data[os.write(self._w, data) :]
        except OSError as e:
            raise ScreenshotError(
                f"the browser exited or crashed (its DevTools pipe: {e.strerror or e})"
            ) from e
        return self._id

    def call(
        self, method: str, params: dict[str, Any] | None, deadline: float, session: str | None = None
    ) -> dict[str, Any]:
        n = self.send(method, params, session)
        with self._cond:
            while n not in self._replies:
                if -1 in self._replies:
                    raise ScreenshotError(f"the browser exited or crashed during {method}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise ScreenshotError(f"time limit reached during {method}")
                self._cond.wait(min(left, 0.5))
            reply = self._replies.pop(n)
        if "error" in reply:
            raise ScreenshotError(f"{method}: {reply['error'].get('message', reply['error'])}")
        result: dict[str, Any] = reply.get("result", {})
        return result


def launch_devtools(
    chromium: str, profile: Path, width: int, *, trusted_page: bool = False
) -> tuple[subprocess.Popen[bytes], _Pipe]:
    """Start Chromium with its DevTools pipe. ``trusted_page`` (our own pages only, e.g. the
    ReplayWeb.page viewer in docs/) leaves scripts on; captured pages never get it."""
    to_child_r, to_child_w = os.pipe()
    from_child_r, from_child_w = os.pipe()
    # Move the child's ends above any fd the dup2s below could clobber.
    hi_r = os.dup2(to_child_r, 100, inheritable=True)
    hi_w = os.dup2(from_child_w, 101, inheritable=True)
    os.close(to_child_r)
    os.close(from_child_w)

    def child_fds() -> None:  # runs in the child, before exec
        os.dup2(hi_r, 3)
        os.dup2(hi_w, 4)

    args = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-default-apps",
        "--disable-breakpad",
        "--disable-crash-reporter",
        "--no-first-run",
        "--no-default-browser-check",
        "--mute-audio",
        "--hide-scrollbars",
        *(() if trusted_page else ("--blink-settings=scriptEnabled=false",)),
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        f"--user-data-dir={profile}",
        f"--window-size={width},{VIEWPORT_HEIGHT}",
        "--remote-debugging-pipe",
        "about:blank",
    ]
    try:
        proc = subprocess.Popen(  # noqa: PLW1509 - preexec_fn only dup2s two fds
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(3, 4, hi_r, hi_w),
            preexec_fn=child_fds,
            start_new_session=True,
        )
    except OSError as e:
        for fd in (hi_r, hi_w, to_child_w, from_child_r):
            os.close(fd)
        raise ScreenshotError(f"{chromium}: cannot start the browser ({e.strerror or e})") from e
    os.close(hi_r)
    os.close(hi_w)
    return proc, _Pipe(to_child_w, from_child_r)


def kill_browser(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)


def render(
    url: str,
    body: bytes,
    content_type: str,
    *,
    chromium: str,
    width: int = 1280,
    max_height: int = 10000,
    max_bytes: int = 8_000_000,
    timeout: float = 20.0,
) -> Rendered:
    """Render the captured ``body`` of ``url`` (served locally, scripts and network off) to a PNG."""
    deadline = time.monotonic() + timeout
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    with (
        tempfile.TemporaryDirectory(prefix="copywatch-chromium-") as profile,
        _serve_one(path, body, content_type) as origin,
    ):
        proc, pipe = launch_devtools(chromium, Path(profile), width)
        try:
            return _drive(pipe, origin + path, origin, width, max_height, max_bytes, deadline)
        finally:
            with contextlib.suppress(ScreenshotError):
                pipe.send("Browser.close")
            try:
                proc.wait(timeout=max(0.5, min(3.0, deadline - time.monotonic() + 1)))
            except subprocess.TimeoutExpired:
                pass
            kill_browser(proc)
            for fd in (pipe._w, pipe._r):
                with contextlib.suppress(OSError):
                    os.close(fd)


def _drive(
    pipe: _Pipe, target: str, origin: str, width: int, max_height: int, max_bytes: int, deadline: float
) -> Rendered:
    created = pipe.call("Target.createTarget", {"url": "about:blank"}, deadline)
    attached = pipe.call(
        "Target.attachToTarget", {"targetId": created["targetId"], "flatten": True}, deadline
    )
    s = attached["sessionId"]
    pipe.call("Fetch.enable", {"patterns": [{"urlPattern": "*"}]}, deadline, s)
    pipe.call("Page.enable", {}, deadline, s)
    pipe.call("Emulation.setScriptExecutionDisabled", {"value": True}, deadline, s)
    metrics = {"width": width, "height": VIEWPORT_HEIGHT, "deviceScaleFactor": 1, "mobile": False}
    pipe.call("Emulation.setDeviceMetricsOverride", metrics, deadline, s)
    pipe.send("Page.navigate", {"url": target}, s)
    loaded = False
    while not loaded:
        left = deadline - time.monotonic()
        if left <= 0:
            raise ScreenshotError("time limit reached while the page loaded")
        try:
            ev = pipe.events.get(timeout=min(left, 0.5))
        except queue.Empty:
            continue
        if ev is None:
            raise ScreenshotError("the browser exited or crashed while the page loaded")
        method = ev.get("method")
        params = ev.get("params", {})
        if method == "Fetch.requestPaused":
            req_url = params.get("request", {}).get("url", "")
            if req_url == origin or req_url.startswith(origin + "/"):
                pipe.send("Fetch.continueRequest", {"requestId": params["requestId"]}, s)
            else:
                pipe.send(
                    "Fetch.failRequest",
                    {"requestId": params["requestId"], "errorReason": "BlockedByClient"},
                    s,
                )
        elif method == "Page.loadEventFired":
            loaded = True
        elif method in ("Inspector.targetCrashed", "Target.targetCrashed"):
            raise ScreenshotError("the renderer crashed")
    layout = pipe.call("Page.getLayoutMetrics", {}, deadline, s)
    size = layout.get("cssContentSize") or layout.get("contentSize") or {}
    page_height = max(1, math.ceil(float(size.get("height", VIEWPORT_HEIGHT))))
    height = min(page_height, max_height)
    clip = {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}
    shot = pipe.call(
        "Page.captureScreenshot",
        {"format": "png", "clip": clip, "captureBeyondViewport": True, "fromSurface": True},
        deadline,
        s,
    )
    png = base64.b64decode(shot.get("data", ""))
    if len(png) > max_bytes:
        raise ScreenshotError(f"the screenshot is {len(png)} bytes, over screenshot_max_bytes ({max_bytes})")
    w, h = _png_size(png)
    return Rendered(png=png, width=w, height=h, page_height=page_height)


# --- after a scan -------------------------------------------------------------------------------


class _Sha256WARCWriter(WARCWriter):
    @staticmethod
    def _create_digester() -> Digester:
        return Digester("sha256")


@dataclass(frozen=True)
class ToShoot:
    """A newly reported copy's page, with its captured body."""

    site: str
    url: str
    body: bytes
    content_type: str


def take_screenshots(
    pages: Sequence[ToShoot], cfg: EvidenceConfig, warc_dir: Path, run_id: str
) -> tuple[list[Screenshot], list[str]]:
    """Render each page once; PNGs go into a new WARC file (resource records) and beside it.

    Returns the screenshots (a failed one carries its error) and the WARC file names written. Never
    raises for one page: a hang, a crash or a limit is that page's error.
    """
    chromium = find_chromium(cfg.chromium)
    shots: list[Screenshot] = []
    if not pages:
        return shots, []
    if chromium is None:
        err = "no chromium browser found (apt-get install chromium, or set [evidence] chromium)"
        now = _now()
        return [Screenshot(p.url, p.site, run_id, now, error=err) for p in pages], []
    warc_dir = Path(warc_dir)
    warc_dir.mkdir(parents=True, exist_ok=True)
    shots_dir = warc_dir.parent / "screenshots"
    shots_dir.mkdir(parents=True, exist_ok=True)
    name = f"screenshots-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%fZ')}-{os.getpid()}.warc.gz"
    path = warc_dir / name
    wrote = False
    with path.open("wb") as fh:
        writer = _Sha256WARCWriter(fh, gzip=True, warc_version="1.1")
        for p in pages:
            taken = _now()
            try:
                r = render(
                    p.url,
                    p.body,
                    p.content_type,
                    chromium=chromium,
                    width=cfg.screenshot_width,
                    max_height=cfg.screenshot_max_height,
                    max_bytes=cfg.screenshot_max_bytes,
                    timeout=cfg.screenshot_timeout_seconds,
                )
            except (ScreenshotError, OSError) as e:
                log.warning("site %s: no screenshot of %s: %s", p.site, p.url, e)
                shots.append(Screenshot(p.url, p.site, run_id, taken, error=str(e)))
                continue
            record = writer.create_warc_record(
                f"urn:fullPage:{p.url}",
                "resource",
                payload=io.BytesIO(r.png),
                length=len(r.png),
                warc_content_type="image/png",
                warc_headers_dict={"WARC-Date": taken},
            )
            offset = fh.tell()
            writer.write_record(record)
            wrote = True
            digest = hashlib.sha256(r.png).hexdigest()
            (shots_dir / f"{digest}.png").write_bytes(r.png)
            shots.append(
                Screenshot(
                    p.url, p.site, run_id, taken, digest, r.width, r.height, r.page_height, name, offset
                )
            )
        fh.flush()
        os.fsync(fh.fileno())
    if not wrote:
        path.unlink()
        return shots, []
    return shots, [name]


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def screenshot_new_copies(
    config: Config, store: Store, new: Sequence[Finding], pages: Sequence[StoredPage], run_id: str
) -> list[Screenshot]:
    """The scan's hook: render each newly reported copy's page once, from the body just captured.

    Pages already shot (by an earlier scan) are skipped. Whatever happens here, the scan stands: an
    unexpected error is logged, a page's failure is stored with its error and logged against its site.
    """
    try:
        done = store.screenshots()
        by_url: dict[str, StoredPage] = {}
        for page in pages:
            by_url.setdefault(page.final_url, page)
            by_url.setdefault(page.url, page)
        todo: dict[str, ToShoot] = {}
        for f in new:
            found = by_url.get(f.page_url)
            if f.page_url in done or f.page_url in todo or found is None or not found.body_z:
                continue
            todo[f.page_url] = ToShoot(f.site, f.page_url, found.body, found.content_type)
        shots, files = take_screenshots(list(todo.values()), config.evidence, config.warc_dir, run_id)
        if shots:
            store.record_screenshots(shots, files)
        return shots
    except Exception:  # noqa: BLE001 - screenshots are extra evidence; they never fail a stored scan
        log.exception("screenshots after run %s failed; the scan itself is stored", run_id)
        return []
