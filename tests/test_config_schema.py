"""gdash.yaml is validated against one JSON Schema: every key, type and range, errors with key path and line."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from gdash import configdoc
from gdash.config import ENVIRONMENT_KEYS, config_schema, load_config
from gdash.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]

ENV = "environments:\n  prod:\n    url: https://grafana.example.com\n    token_env: PROD_TOKEN\n"

CASES = [
    # (gdash.yaml, expected start of the one-line error after "<file>:", line)
    (ENV + '    timeout: "30s"\n', "environments.prod.timeout: expected a number, got '30s'", 5),
    (ENV + "    concurrency: eight\n", "environments.prod.concurrency: expected a whole number, got 'eight'", 5),
    (ENV + "    concurrency: 100000000\n", "environments.prod.concurrency: 100000000 is out of range", 5),
    (ENV + "    concurrency: 0\n", "environments.prod.concurrency: 0 is out of range", 5),
    (ENV + '    org_id: "main"\n', "environments.prod.org_id: expected a whole number, got 'main'", 5),
    (ENV + '    tls: "yes"\n', "environments.prod.tls: expected a mapping, got 'yes'", 5),
    (ENV + "    tls: {verify: maybe}\n", "environments.prod.tls.verify: expected true or false, got 'maybe'", 5),
    (ENV + "    timeout: -1\n", "environments.prod.timeout: -1 is out of range", 5),
    (ENV + "    tokn_env: X\n", "environments.prod: unknown key 'tokn_env'", 5),
    ("environments:\n  prod:\n    url: ftp://x\n", "environments.prod.url: 'ftp://x' is not an http:// or https:// url", 3),
    (ENV + "    url: http://y\n", "the key 'url' appears twice (also at line 3)", 5),
    ("environments:\n  off:\n    url: http://x\n", "the key 'off' is read by YAML as true/false", 2),
    ("environments:\n  '../../etc':\n    url: http://x\n", "environments: '../../etc' is not a valid name", 2),
    ("alerting: {}\n", "unknown key 'alerting'", 1),
    ("default_folder: off\n", "default_folder: expected a string, got false (YAML reads", 1),
    ("default_folder: " + "x" * 300 + "\n", "default_folder: '", 1),
    ("- a\n- b\n", "expected a mapping, got a list", 1),
    ("lint:\n  severity: {DSH003: loud}\n", "lint.severity.DSH003: 'loud' is not one of info, warning, error", 2),
    ("lint:\n  scrape_interval: 30\n", "lint.scrape_interval: expected a string, got 30", 2),
    ("lint:\n  ignore:\n    - {path: x}\n", "lint.ignore[0]: 'codes' is a required property", 3),
    ("provision:\n  dashboards: {update_interval_seconds: 1.5}\n",
     "provision.dashboards.update_interval_seconds: expected a whole number", 2),
    ("a: &a [*a]\n", "an alias refers to a node that contains it", 1),
    ("? [a, b]\n: 1\n", "a mapping or list is used as a key", 1),
    ("default_folder: [unclosed\n", "invalid YAML", 2),
]


@pytest.mark.parametrize("text,message,line", CASES)
def test_bad_config_is_one_line_with_key_path_and_line(tmp_path, text, message, line):
    path = tmp_path / "gdash.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert error.value.one_line().startswith(f"{path}:{line}: {message}"), error.value.one_line()
    assert "\n" not in error.value.one_line()


def test_non_utf8_config_names_the_line(tmp_path):
    path = tmp_path / "gdash.yaml"
    path.write_bytes(b"default_folder: ok\nlint:\n  counters: ['\xff\xfe']\n")
    with pytest.raises(ConfigError, match=r"gdash.yaml:3: not UTF-8 text \(byte 0xff\)"):
        load_config(path)


def test_billion_laughs_config_fails_in_milliseconds(tmp_path):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    path = tmp_path / "gdash.yaml"
    path.write_text("\n".join(lines) + "\n")
    assert path.stat().st_size < 1024
    start = time.perf_counter()
    with pytest.raises(ConfigError, match="more than 1,000,000 nodes once aliases are expanded"):
        load_config(path)
    assert time.perf_counter() - start < 0.1


def test_empty_values_mean_unset_and_the_repo_config_is_valid(tmp_path):
    path = tmp_path / "gdash.yaml"
    path.write_text(ENV + "    timeout:\n    user:\nlint:\n")
    assert load_config(path).environment("prod") == {"url": "https://grafana.example.com", "token_env": "PROD_TOKEN"}
    assert set(load_config(REPO / "gdash.yaml").environments) == {"staging", "prod", "local"}


def test_known_keys_come_from_the_schema():
    # one place to extend: an engineer adding e.g. an environment's `grafana:` key edits only the schema
    assert ENVIRONMENT_KEYS == set(config_schema()["$defs"]["environment"]["properties"])


def test_every_setting_is_documented_in_the_schema():
    def walk(schema, path):
        for name, child in schema.get("properties", {}).items():
            child = {**config_schema()["$defs"].get(child.get("$ref", "").rsplit("/", 1)[-1], {}), **child}
            yield f"{path}.{name}", child
            yield from walk(child, f"{path}.{name}")

    missing = [path for path, child in walk(config_schema(), "") if not child.get("description")
               and ".ignore." not in path]  # ignore entries are described as a whole
    assert missing == []


def test_configuration_reference_is_generated_from_the_schema():
    current = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert current == configdoc.render(), "docs/configuration.md is stale: run `python -m gdash.configdoc`"
    for key in ("environments.<name>.tls.ca_cert", "REQUESTS_CA_BUNDLE", "lint.scrape_interval", "provision.path"):
        assert key in current
