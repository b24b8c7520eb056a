"""[web] and [cases] in config.toml: defaults, paths relative to the file, errors naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from copywatch.config import load_config, parse_config
from copywatch.errors import ConfigError

OUTLET = {"name": "كواليس اليوم", "exclusives": ["https://kawalis.example/sitemap.xml"]}


def test_defaults_and_the_shipped_config():
    c = parse_config({"outlet": OUTLET})
    assert (c.web.host, c.web.port, c.web.session_secret_env) == (
        "127.0.0.1",
        8765,
        "COPYWATCH_SESSION_SECRET",
    )
    assert c.cases.escalate_after_days == 14 and c.cases.rdap_bootstrap_url == "https://data.iana.org/rdap/"
    shipped = load_config(Path(__file__).resolve().parent.parent / "config.toml")
    assert shipped.web == c.web
    assert shipped.cases.rdap_cache_days == 7


def test_paths_are_relative_to_the_config_file(tmp_path):
    c = parse_config(
        {"outlet": OUTLET, "cases": {"templates_dir": "notices", "bundles_dir": "legal/bundles"}},
        base_dir=tmp_path,
    )
    assert c.cases.templates_dir == str(tmp_path / "notices")
    assert c.cases.bundles_dir == str(tmp_path / "legal/bundles")


@pytest.mark.parametrize(
    ("tables", "message"),
    [
        ({"web": {"prot": 80}}, "[web]: unknown key 'prot'"),
        ({"web": {"port": 0}}, "[web] key 'port' must be between 1 and 65535"),
        ({"web": {"session_hours": "long"}}, "key 'session_hours' must be a number"),
        ({"cases": {"escalate_after_days": -1}}, "key 'escalate_after_days' must not be negative"),
        (
            {"cases": {"rdap_base_url": "ftp://rdap.example/"}},
            "[cases] key 'rdap_base_url' must be an http(s) URL",
        ),
        (
            {"cases": {"rdap_bootstrap_url": "data.iana.org"}},
            "[cases] key 'rdap_bootstrap_url' must be an http(s) URL",
        ),
    ],
)
def test_bad_values_name_the_file_table_and_key(tables, message):
    with pytest.raises(ConfigError) as e:
        parse_config({"outlet": OUTLET, **tables}, source="cfg.toml")
    assert message in str(e.value) and "cfg.toml" in str(e.value)


def test_every_key_is_in_the_shipped_config_and_the_readme():
    from copywatch.config import CasesConfig, WebConfig

    root = Path(__file__).resolve().parent.parent
    shipped = (root / "config.toml").read_text(encoding="utf-8")
    readme = (root / "README.md").read_text(encoding="utf-8")
    for cls in (WebConfig, CasesConfig):
        for key in cls.__dataclass_fields__:
            assert f"\n{key} =" in shipped, key
            assert f"`{key}`" in readme, key
