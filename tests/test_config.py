"""config.toml: the shipped file loads; every mistake names the file, the key and what was expected."""

from __future__ import annotations

from pathlib import Path

import pytest

from copywatch.config import CrawlConfig, load_config
from copywatch.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent

MINIMAL = """
[outlet]
name = "كواليس اليوم"
exclusives = ["https://www.kawalisalyaoum.com/sitemap.xml"]
"""


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "config.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_shipped_config_loads_and_documents_every_key():
    cfg = load_config(ROOT / "config.toml")
    assert cfg.outlet.name == "كواليس اليوم"
    shipped = (ROOT / "config.toml").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for key in CrawlConfig.__dataclass_fields__:
        assert f"\n{key} =" in shipped, key
        assert f"`{key}`" in readme, key


def test_defaults_and_relative_paths(tmp_path):
    cfg = load_config(write(tmp_path, MINIMAL))
    assert cfg.crawl.allow_private_addresses is False
    assert cfg.match.min_coverage == 0.25
    assert cfg.store_path == tmp_path / "copywatch.db"
    assert cfg.warc_dir == tmp_path / "warc"


def test_local_exclusives_are_relative_to_the_config_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path.parent)  # not the config's folder
    text = MINIMAL.replace("exclusives = [", 'exclusives = ["articles/", "file:///srv/a.html", "/srv/b", ')
    cfg = load_config(write(tmp_path, text))
    assert cfg.outlet.exclusives == (
        str(tmp_path / "articles"),
        "file:///srv/a.html",
        "/srv/b",
        "https://www.kawalisalyaoum.com/sitemap.xml",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (MINIMAL + "[crawl]\ndelay_seconds = 'slow'\n", "[crawl]: key 'delay_seconds' must be a number"),
        (MINIMAL + "[crawl]\ndealy_seconds = 1\n", "[crawl]: unknown key 'dealy_seconds'"),
        (
            MINIMAL + "[crawl]\nallow_private_addresses = 1\n",
            "'allow_private_addresses' must be true or false",
        ),
        ("[outlet]\nexclusives = []\nname='x'\n", "[outlet] key 'exclusives' must list"),
        ("[outlet]\nexclusives = ['a']\n", "[outlet]: missing key 'name'"),
        (MINIMAL + "[[sites]]\nname = 'a'\n", "[[sites]] #1: missing key 'seeds'"),
        (MINIMAL + "[match]\nmin_coverage = 1.5\n", "'min_coverage' must be in (0, 1]"),
        (MINIMAL + "[attribution]\naccept = ['link', 'vibes']\n", "'accept' may hold only"),
        (MINIMAL + "[schedule]\ncron = 'every hour'\n", "'cron' is not a cron expression of five fields"),
        (MINIMAL + "[schedule]\ncron = '0 3 * * * *'\n", "'cron' is not a cron expression of five fields"),
        (MINIMAL + "[schedule]\ncron = '0 0 30 2 *'\n", "'cron' never fires"),
        (MINIMAL + "[outlets]\n", "unknown table 'outlets'"),
        ("[outlet\nname=", "not valid TOML"),
    ],
)
def test_errors_name_file_and_key(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(path) in str(err.value)
    assert expected in str(err.value)


def test_unreadable_file(tmp_path):
    with pytest.raises(ConfigError, match="cannot read the config file"):
        load_config(tmp_path / "missing.toml")
