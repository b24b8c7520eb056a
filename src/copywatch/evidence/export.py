"""`copywatch export` and `copywatch verify` as library calls: what the CLI's two commands run.

``export_evidence`` reads a site's (or every site's) copies, the exclusives' own captures and the
screenshots from the store and writes one WACZ (or, with ``fmt="folder"``, the older folder bundle);
with ``[evidence] tsa_url`` the WACZ is timestamped. ``verify_evidence`` checks either kind.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..config import Config
from ..errors import CopywatchError, ExportError
from ..models import Finding
from ..report.bundle import export_bundle, verify_bundle
from ..store import Store
from .wacz import export_wacz, tsa_stamper, verify_wacz


@dataclass(frozen=True)
class Exported:
    path: Path
    copies: int
    originals: int
    screenshots: int
    timestamped: str  # "" when not timestamped, else when and by whom


def export_evidence(config: Config, site: str | None, out_dir: Path, fmt: str = "wacz") -> Exported:
    with Store(config.store_path, create=False) as store:
        findings = store.findings(site)
        if not findings:
            if site:
                sites = ", ".join(store.finding_sites()) or "none"
                raise CopywatchError(f"no copies stored for site {site!r} (sites with copies: {sites})")
            raise CopywatchError("no copies stored")
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        name = f"{site or 'all-sites'}-{stamp}"
        if fmt == "folder":
            path = export_bundle(
                findings, Path(out_dir) / name, warc_dir=config.warc_dir, site=site,
                origins=store.archive_origins(),
            )  # fmt: skip
            return Exported(path, len(findings), 0, 0, "")
        return write_evidence_wacz(config, store, findings, Path(out_dir) / f"{name}.wacz", site=site)


def write_evidence_wacz(
    config: Config, store: Store, findings: list[Finding], out_path: Path, *, site: str | None = None
) -> Exported:
    """One WACZ of ``findings``: their captures, the exclusives' own captures (the originals) and
    the screenshots from ``store``, timestamped with ``[evidence] tsa_url`` when set. What
    ``copywatch export`` writes, and the bundle a notice is drafted with (cases/notices.py)."""
    originals = store.exclusive_captures(sorted({f.exclusive_url for f in findings}))
    shots = store.screenshots(sorted({f.page_url for f in findings}))
    origins = store.archive_origins()  # copies taken from web archives by archive-scan
    ev = config.evidence
    stamper = None
    cert = None
    if ev.tsa_url:
        try:
            cert = Path(ev.tsa_cert).read_bytes()
        except OSError as e:
            raise ExportError(f"[evidence] tsa_cert {ev.tsa_cert}: cannot read ({e.strerror or e})") from e
        stamper = tsa_stamper(ev.tsa_url, cert, ev.tsa_timeout_seconds)
    summary = export_wacz(
        findings,
        out_path,
        warc_dir=config.warc_dir,
        site=site,
        originals=originals,
        screenshots=shots,
        stamper=stamper,
        tsa_cert_pem=cert,
        outlet_name=config.outlet.name,
        origins=origins,
    )
    stamped = f"{summary.timestamp.gen_time} by {summary.timestamp.tsa_name}" if summary.timestamp else ""
    return Exported(summary.path, summary.copies, summary.originals, summary.screenshots, stamped)


def verify_evidence(path: Path, tsa_cert: Path | None = None) -> tuple[list[str], list[str]]:
    """(problems, notes) for a .wacz file, a folder bundle, or a folder bundle in a ZIP (as the
    web app's /bundles/<name>.zip downloads one); no problems = intact."""
    path = Path(path)
    if path.is_dir():
        return verify_bundle(path), ["folder bundle (no timestamp)"]
    folder = _zipped_folder(path)
    if folder is not None:
        with tempfile.TemporaryDirectory(prefix="copywatch-verify-") as tmp:
            problems = _unzip_folder(path, folder, Path(tmp))
            if problems:
                return problems, []
            return verify_bundle(Path(tmp) / folder), [f"folder bundle in a ZIP ({folder}/; no timestamp)"]
    result = verify_wacz(path, tsa_cert=tsa_cert)
    return list(result.problems), list(result.notes)


MAX_UNZIPPED = 4 * 1024**3  # a downloaded folder bundle's files, all together, at most


def _zipped_folder(path: Path) -> str | None:
    """The one folder a ZIP holds when it is a zipped folder bundle (its manifest.json inside, no
    WACZ datapackage.json at the top); None for anything else (a WACZ, not a ZIP)."""
    try:
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
    except (zipfile.BadZipFile, OSError):
        return None
    tops = {n.split("/", 1)[0] for n in names}
    if "datapackage.json" in names or len(tops) != 1:
        return None
    top = next(iter(tops))
    return top if f"{top}/manifest.json" in names else None


def _unzip_folder(path: Path, folder: str, into: Path) -> list[str]:
    """Extract the bundle's files (flat, plain names only, bounded in size); the problems found."""
    with zipfile.ZipFile(path) as z:
        infos = z.infolist()
        if sum(i.file_size for i in infos) > MAX_UNZIPPED:
            return [
                f"{path.name}: more than {MAX_UNZIPPED} bytes once unzipped; not a bundle copywatch wrote"
            ]
        (into / folder).mkdir()
        for info in infos:
            name = info.filename.removeprefix(f"{folder}/")
            if info.is_dir() or not name or "/" in name or "\\" in name or name in (".", ".."):
                return [f"{path.name}: unexpected entry {info.filename!r}; not a bundle copywatch wrote"]
            try:
                with z.open(info) as src, open(into / folder / name, "wb") as dst:
                    shutil.copyfileobj(src, dst)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as e:  # damaged
                return [f"{path.name}: {info.filename} cannot be read from the ZIP ({e})"]
    return []
