"""Open a WACZ exported from the demo in ReplayWeb.page's offline viewer, in headless Chromium, and
save what it shows (docs/replay-screenshot.png, shown in the README).

    python docs/replay_screenshot.py [--wacz FILE] [--out docs/replay-screenshot.png]

Without --wacz it runs the demo (`copywatch demo`) in a temporary folder and exports its bundle
first. ReplayWeb.page (AGPL-3.0, not shipped here) is fetched with `npm pack replaywebpage@2.5.3`;
its ui.js and sw.js are served from 127.0.0.1 with the WACZ, so the page is replayed from the
bundle alone: the demo web is stopped by then, and every other host resolves to nothing.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import functools
import http.server
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import zipfile
from pathlib import Path

from copywatch.evidence.screenshot import find_chromium, kill_browser, launch_devtools

RWP = "replaywebpage@2.5.3"


def demo_wacz(work: Path) -> Path:
    subprocess.run(["copywatch", "demo", "--dir", str(work)], check=True, capture_output=True, timeout=600)
    (work / "cfg.toml").write_text(
        '[outlet]\nname = "كواليس اليوم"\nexclusives = ["http://127.0.0.1:1/"]\n'
        '[store]\npath = ".copywatch-demo/copywatch.db"\nwarc_dir = ".copywatch-demo/warc"\n',
        encoding="utf-8",
    )
    cmd = ["copywatch", "export", "--config", str(work / "cfg.toml"), "--site", "jami-alakhbar"]
    subprocess.run([*cmd, "--out", str(work / "x")], check=True, timeout=600)
    return next((work / "x").glob("*.wacz"))


def fetch_replaywebpage(work: Path) -> Path:
    subprocess.run(["npm", "pack", RWP, "--silent"], cwd=work, check=True, capture_output=True, timeout=600)
    with tarfile.open(next(work.glob("replaywebpage-*.tgz"))) as tf:
        tf.extractall(work, filter="data")
    return work / "package"


def ts14(iso: str) -> str:
    """2026-12-01T20:04:44Z -> 20261201200444, the form replay URLs use."""
    return "".join(ch for ch in iso if ch.isdigit())[:14]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wacz", type=Path)
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "replay-screenshot.png")
    ap.add_argument("--wait", type=float, default=25.0, help="seconds the viewer gets to load")
    args = ap.parse_args()
    chromium = find_chromium()
    if chromium is None:
        sys.exit("chromium is not installed (apt-get install -y chromium)")
    with tempfile.TemporaryDirectory(prefix="copywatch-replay-") as tmp:
        work = Path(tmp)
        wacz = args.wacz or demo_wacz(work / "demo")
        pkg = fetch_replaywebpage(work)
        with zipfile.ZipFile(wacz) as zf:
            pages = [json.loads(x) for x in zf.read("pages/pages.jsonl").decode().splitlines()[1:]]
        copy = next(p for p in pages if p["title"].startswith("[copy]"))
        site = work / "site"
        (site / "replay").mkdir(parents=True)
        shutil.copy(pkg / "ui.js", site / "ui.js")
        shutil.copy(pkg / "sw.js", site / "replay" / "sw.js")
        shutil.copy(wacz, site / "bundle.wacz")
        (site / "index.html").write_text(
            '<!doctype html><html><head><meta charset="utf-8"><script src="./ui.js"></script></head>'
            '<body style="margin:0"><replay-web-page style="display:block;height:100vh" source="/bundle.wacz"'
            f' url="{copy["url"]}" ts="{ts14(copy["ts"])}" replayBase="/replay/">'
            "</replay-web-page></body></html>",
            encoding="utf-8",
        )

        class Quiet(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *a: object) -> None:
                pass

        handler = functools.partial(Quiet, directory=str(site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        proc, pipe = launch_devtools(chromium, work / "profile", 1280, trusted_page=True)
        try:
            deadline = time.monotonic() + args.wait + 60
            target = pipe.call("Target.createTarget", {"url": "about:blank"}, deadline)
            s = pipe.call(
                "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}, deadline
            )
            sid = s["sessionId"]
            metrics = {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False}
            pipe.call("Emulation.setDeviceMetricsOverride", metrics, deadline, sid)
            pipe.call(
                "Page.navigate", {"url": f"http://127.0.0.1:{server.server_address[1]}/"}, deadline, sid
            )
            time.sleep(args.wait)
            shot = pipe.call("Page.captureScreenshot", {"format": "png"}, deadline, sid)
            args.out.write_bytes(base64.b64decode(shot["data"]))
        finally:
            with contextlib.suppress(Exception):
                pipe.send("Browser.close")
            kill_browser(proc)
            server.shutdown()
    print(f"{args.out}: ReplayWeb.page showing {copy['url']} ({copy['title']}) from {wacz.name}")


if __name__ == "__main__":
    main()
