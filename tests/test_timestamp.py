"""Trusted timestamps (RFC 3161) of WACZ bundles, against a local TSA that signs real replies with
OpenSSL, and the whole chain end to end on the demo web: scan with screenshots, export through the
CLI, verify through the CLI and with py-wacz and OpenSSL."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.tsa_server import LocalTSA

from copywatch.cli import main
from copywatch.config import load_config
from copywatch.demo import DEMO_OUTLET, start_demo
from copywatch.evidence.export import export_evidence, verify_evidence
from copywatch.evidence.screenshot import find_chromium
from copywatch.evidence.timestamp import TimestampError, request_timestamp, verify_timestamp
from copywatch.evidence.wacz import DIGEST
from copywatch.pipeline import scan
from copywatch.store import Store

OPENSSL = shutil.which("openssl")
pytestmark = pytest.mark.skipif(OPENSSL is None, reason="openssl is needed for the local TSA")


@pytest.fixture(scope="module")
def tsa():
    with LocalTSA() as t:
        yield t


def test_a_timestamp_from_the_local_tsa_verifies_and_one_for_another_digest_fails(tsa) -> None:
    der, checked = request_timestamp(tsa.url, b"datapackage bytes", trusted_pem=tsa.ca_pem.read_bytes())
    assert checked.tsa_name.endswith("CN=Test TSA") or "Test TSA" in checked.tsa_name
    again = verify_timestamp(der, b"datapackage bytes", tsa.ca_pem.read_bytes())
    assert again.gen_time == checked.gen_time and again.gen_time.endswith("Z")
    with pytest.raises(TimestampError, match="[Mm]ismatch"):
        verify_timestamp(der, b"datapackage bytez", tsa.ca_pem.read_bytes())
    with LocalTSA("Other") as other, pytest.raises(TimestampError):
        verify_timestamp(der, b"datapackage bytes", other.ca_pem.read_bytes())  # not the TSA we trust
    with pytest.raises(TimestampError, match="not an RFC 3161"):
        verify_timestamp(b"\x30\x03\x02\x01\x00", b"x", tsa.ca_pem.read_bytes())


def test_an_unreachable_or_untrusted_tsa_is_one_clear_line(tsa) -> None:
    with pytest.raises(TimestampError, match="could not be reached"):
        request_timestamp("http://127.0.0.1:9/tsa", b"x", trusted_pem=tsa.ca_pem.read_bytes(), timeout=2)
    with LocalTSA("Other") as other, pytest.raises(TimestampError, match="does not verify"):
        request_timestamp(tsa.url, b"x", trusted_pem=other.ca_pem.read_bytes())
    with pytest.raises(TimestampError) as e:  # a file that is no certificate: said so, in one line
        request_timestamp(tsa.url, b"x", trusted_pem=b"-----BEGIN CERTIFICATE-----\nnope\n")
    assert "is not a PEM certificate" in str(e.value) and "ErrorStack" not in str(e.value)


def write_config(tmp: Path, web, **evidence: object) -> Path:
    sites = "".join(
        f'[[sites]]\nname = "{n}"\nseeds = {json.dumps(list(s))}\n' for n, s in web.sites if n in SITES
    )
    ev = "".join(f"{k} = {json.dumps(v)}\n" for k, v in evidence.items())
    outlet = {**DEMO_OUTLET, "exclusives": list(web.outlet_sources)}
    lines = [f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in outlet.items()]
    text = (
        "[outlet]\n" + "\n".join(lines) + "\n" + sites
        + '[crawl]\nallow_private_addresses = true\ndelay_seconds = 0.0\n'
        + '[store]\npath = "cw.db"\n[report]\ndir = "reports"\n[evidence]\n' + ev
    )  # fmt: skip
    (tmp / "config.toml").write_text(text, encoding="utf-8")
    return tmp / "config.toml"


SITES = ("jami-alakhbar", "safahat-alatlas")


@pytest.fixture(scope="module")
def scanned(tmp_path_factory, tsa):
    tmp = tmp_path_factory.mktemp("evidence")
    (tmp / "tsa.pem").write_bytes(tsa.ca_pem.read_bytes())
    web = start_demo()
    try:
        path = write_config(
            tmp, web, tsa_url=tsa.url, tsa_cert="tsa.pem", screenshots=find_chromium() is not None
        )
        config = load_config(path)
        summary = scan(config)
    finally:
        web.stop()
    return tmp, path, config, summary


def test_demo_export_is_timestamped_holds_screenshots_and_verifies(scanned, tsa) -> None:
    tmp, path, config, summary = scanned
    assert summary.run.status == "success" and summary.findings > 0
    with Store(config.store_path) as store:
        shots = store.screenshots()
        pages = {f.page_url for f in store.findings()}
    if find_chromium() is not None:
        assert set(shots) == pages and all(s.sha256 and not s.error for s in shots.values())
    done = CliRunner().invoke(main, ["export", "--config", str(path), "--out", str(tmp / "exports")])
    assert done.exit_code == 0, done.output
    assert "timestamp: 20" in done.output and "Test TSA" in done.output
    wacz = next((tmp / "exports").glob("*.wacz"))
    checked = CliRunner().invoke(main, ["verify", str(wacz), "--tsa-cert", str(tsa.ca_pem)])
    assert checked.exit_code == 0, checked.output
    assert "timestamped 20" in checked.output and "OK" in checked.output
    with zipfile.ZipFile(wacz) as zf:
        names = zf.namelist()
        digest = json.loads(zf.read(DIGEST))
        dp = zf.read("datapackage.json")
        if find_chromium() is not None:
            assert sum(n.startswith("screenshots/") for n in names) == len({s.sha256 for s in shots.values()})
    # A third party with OpenSSL: the README's command.
    token = tmp / "token.tsr"
    token.write_bytes(base64.b64decode(digest["timestamp"]["response"]))
    (tmp / "datapackage.json").write_bytes(dp)
    assert OPENSSL is not None
    cmd = [OPENSSL, "ts", "-verify", "-data", str(tmp / "datapackage.json"), "-in", str(token)]
    ossl = subprocess.run([*cmd, "-CAfile", str(tsa.ca_pem)], capture_output=True, text=True, timeout=60)
    assert "Verification: OK" in ossl.stdout, ossl.stdout + ossl.stderr
    if shutil.which("wacz"):
        v = subprocess.run(["wacz", "validate", "-f", str(wacz)], capture_output=True, text=True, timeout=300)
        assert v.returncode == 0 and "Validation succeeded" in v.stdout, v.stdout + v.stderr


def test_a_token_for_another_digest_fails_verify(scanned, tsa, tmp_path: Path) -> None:
    _, _, config, _ = scanned
    a = export_evidence(config, None, tmp_path / "a")
    b = export_evidence(config, SITES[0], tmp_path / "b")
    with zipfile.ZipFile(a.path) as za, zipfile.ZipFile(b.path) as zb:
        entries = {n: za.read(n) for n in za.namelist()}
        other = json.loads(zb.read(DIGEST))
    digest = json.loads(entries[DIGEST])
    digest["timestamp"] = other["timestamp"]  # a valid token, from the same TSA, for another package
    entries[DIGEST] = (json.dumps(digest, ensure_ascii=False, indent=2) + "\n").encode()
    forged = tmp_path / "forged.wacz"
    with zipfile.ZipFile(forged, "w") as zf:
        for n, data in entries.items():
            zf.writestr(n, data)
    problems, _ = verify_evidence(forged, tsa.ca_pem)
    assert any("timestamp does not verify" in p for p in problems), problems
    assert verify_evidence(a.path, tsa.ca_pem)[0] == []


def test_without_tsa_the_bundle_says_it_is_not_timestamped(scanned, tmp_path: Path) -> None:
    _, _, config, _ = scanned
    from dataclasses import replace

    plain = replace(config, evidence=replace(config.evidence, tsa_url="", tsa_cert=""))
    done = export_evidence(plain, None, tmp_path)
    assert done.timestamped == ""
    problems, notes = verify_evidence(done.path)
    assert problems == [] and any("not timestamped" in n for n in notes)
    with zipfile.ZipFile(done.path) as zf:
        assert json.loads(zf.read(DIGEST))["timestamp"] is None
        assert "NOT timestamped" in zf.read("evidence/README.txt").decode()


def test_a_tsa_that_is_down_refuses_the_export_and_writes_nothing(scanned, tmp_path: Path) -> None:
    _, _, config, _ = scanned
    from dataclasses import replace

    ev = replace(config.evidence, tsa_url="http://127.0.0.1:9/tsa", tsa_timeout_seconds=2.0)
    down = replace(config, evidence=ev)
    with pytest.raises(TimestampError, match="could not be reached"):
        export_evidence(down, None, tmp_path / "x")
    assert not (tmp_path / "x").exists() or list((tmp_path / "x").iterdir()) == []


@pytest.mark.parametrize(
    ("evidence", "message"),
    [
        ({"tsa_url": "http://tsa.example/"}, "[evidence] key 'tsa_url' needs 'tsa_cert'"),
        (
            {"tsa_url": "ftp://tsa.example/", "tsa_cert": "x.pem"},
            "[evidence] key 'tsa_url' must be an http(s) URL",
        ),
        ({"tsa_cert": "x.pem"}, "[evidence] key 'tsa_cert' is set but 'tsa_url' is empty"),
        ({"screenshot_max_height": 50}, "[evidence] key 'screenshot_max_height' must be at least 100"),
        ({"screenshot_timeout_seconds": 0}, "[evidence] key 'screenshot_timeout_seconds' must be positive"),
        ({"screenshot": True}, "[evidence]: unknown key 'screenshot'"),
    ],
)
def test_evidence_config_errors_name_file_table_and_key(evidence, message, tmp_path: Path) -> None:
    from copywatch.config import parse_config
    from copywatch.errors import ConfigError

    data = {"outlet": {"name": "x", "exclusives": ["http://a.example/"]}, "evidence": evidence}
    with pytest.raises(ConfigError) as err:
        parse_config(data, source="cfg.toml")
    assert str(err.value).startswith("cfg.toml") and message in str(err.value)


def test_one_flipped_byte_in_a_timestamped_bundle_fails_verify(scanned, tsa, tmp_path: Path) -> None:
    """Bytes of the token and of datapackage-digest.json, and a sample of the rest of the file."""
    import random

    _, _, config, _ = scanned
    out = export_evidence(config, SITES[1], tmp_path).path
    original = out.read_bytes()
    with zipfile.ZipFile(out) as zf:
        info = zf.getinfo(DIGEST)
        data_at = info.header_offset + 30 + len(info.filename)
        token_at = data_at + zf.read(DIGEST).index(b'"response": "') + 14
    positions = sorted(
        {
            *range(data_at, data_at + info.file_size, max(1, info.file_size // 40)),
            *range(token_at, token_at + 40),
        }
        | set(random.Random(3161).sample(range(len(original)), 60))
    )
    unnoticed = []
    for pos in positions:
        damaged = bytearray(original)
        damaged[pos] ^= 0x20
        out.write_bytes(bytes(damaged))
        if not verify_evidence(out, tsa.ca_pem)[0]:
            unnoticed.append(pos)
    out.write_bytes(original)
    assert unnoticed == []
    assert verify_evidence(out, tsa.ca_pem)[0] == []


def test_a_reply_carrying_the_chain_in_chain_order_verifies(tmp_path: Path) -> None:
    """OpenSSL sends the signer and CA certificates unsorted; rfc3161-client wants DER order. The
    stored reply stays the TSA's own bytes (OpenSSL verifies them); only the check sorts a copy."""
    from copywatch.evidence.timestamp import sorted_certificates

    with LocalTSA("Chain", chain=True) as tsa:
        der, checked = request_timestamp(tsa.url, b"package", trusted_pem=tsa.ca_pem.read_bytes())
        ca = tsa.ca_pem.read_bytes()
    assert sorted_certificates(der) != der  # the reply really was out of DER order
    assert verify_timestamp(der, b"package", ca).gen_time == checked.gen_time
    with pytest.raises(TimestampError):
        verify_timestamp(der, b"packagf", ca)
    (tmp_path / "data").write_bytes(b"package")
    (tmp_path / "t.tsr").write_bytes(der)
    (tmp_path / "ca.pem").write_bytes(ca)
    assert OPENSSL is not None
    cmd = [OPENSSL, "ts", "-verify", "-data", str(tmp_path / "data"), "-in", str(tmp_path / "t.tsr")]
    done = subprocess.run(
        [*cmd, "-CAfile", str(tmp_path / "ca.pem")], capture_output=True, text=True, timeout=60
    )
    assert "Verification: OK" in done.stdout


def test_folder_bundles_still_export_and_verify_through_the_cli(scanned, tmp_path: Path) -> None:
    _, path, _, _ = scanned
    out = tmp_path / "exports"
    done = CliRunner().invoke(
        main, ["export", "--config", str(path), "--format", "folder", "--out", str(out)]
    )
    assert done.exit_code == 0, done.output
    folder = next(p for p in out.iterdir() if p.is_dir())
    assert (folder / "SHA256SUMS").exists() and (folder / "captures.warc.gz").exists()
    ok = CliRunner().invoke(main, ["verify", str(folder)])
    assert ok.exit_code == 0 and "OK" in ok.output, ok.output
    csv_file = folder / "evidence.csv"
    csv_file.write_bytes(csv_file.read_bytes() + b" ")
    bad = CliRunner().invoke(main, ["verify", str(folder)])
    assert bad.exit_code == 1 and "FAIL evidence.csv" in bad.output
